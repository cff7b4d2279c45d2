//! The correspondant's two operations of §2.3.1 — creation of the user in ASPASIE (PIGP identifier, population,
//! codique) then opening of the Chorus Pro rights in MADRHAS — and the revocation of a right.

use crate::desk::command::{AspasieCreate, DossierEmail, MadrhasRevoke};
use crate::desk::context::{Ctx, DeskError, Done};
use crate::domain::Refusal;
use crate::domain::chorus::{Attachment, AttachmentStatus, Right, Role};
use crate::domain::dossier::{Dossier, Kind, Status};
use crate::domain::ids::PigpId;
use crate::domain::rules;
use crate::domain::user::{User, UserId, UserStatus};
use crate::store::journal::Subject;
use serde_json::json;

/// The dossier must be a qualified habilitation to create or habilitate its persons.
fn qualified_habilitation(d: &Dossier) -> Result<(), DeskError> {
    if d.kind != Kind::Habilitation {
        return Err(Refusal::state(
            Some("dossier"),
            format!(
                "le dossier {} est une {} : seules les habilitations créent des comptes",
                d.id,
                d.kind.label()
            ),
        )
        .into());
    }
    if d.status != Status::Qualifiee {
        return Err(Refusal::state(
            Some("dossier"),
            format!(
                "le dossier {} est {} : qualifiez-le d'abord",
                d.id,
                d.status.label()
            ),
        )
        .into());
    }
    Ok(())
}

pub(super) fn create(ctx: &mut Ctx, c: &AspasieCreate) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    qualified_habilitation(&old)?;
    let (i, person) = old.person(&c.email).ok_or_else(|| {
        Refusal::not_found(
            "email",
            format!("{} n'est pas une personne du dossier {}", c.email, old.id),
        )
    })?;
    if person.user.is_some() {
        return Err(Refusal::state(
            Some("email"),
            format!("{} est déjà créé dans ASPASIE", c.email),
        )
        .into());
    }
    rules::check_documents(old.channel, &old.documents)?;
    rules::check_nominative("email", &c.email)?;
    let siret = old
        .siret
        .ok_or_else(|| Refusal::validation("siret", "dossier sans SIRET"))?;
    let structure = ctx.structure(siret, "siret")?;
    let directions = ctx.store.directions()?;
    let codique = rules::codique(&structure, &directions)?;
    let population = rules::population(structure.category);

    let existing = ctx.store.user_by_email(&c.email)?;
    let (id, previous) = match existing {
        Some(u) if u.status == UserStatus::Supprime => (next_user_id(ctx)?, None),
        // Already in ASPASIE and active: no second account; the dossier goes on to open his rights (§2.3.1, 2°).
        Some(u) if u.pigp_id.is_some() && u.status == UserStatus::Actif => {
            return link_existing(ctx, &old, i, u);
        }
        Some(u) if u.pigp_id.is_some() => {
            return Err(Refusal::state(
                Some("email"),
                format!(
                    "{} a un compte ASPASIE marqué {} (identifiant {}) : il ne peut pas être réutilisé ; un nouveau compte suppose d'abord sa suppression (aspasie.delete)",
                    c.email,
                    u.status.label(),
                    u.pigp_id.as_ref().map(PigpId::as_str).unwrap_or(""),
                ),
            )
            .into());
        }
        // A self-service Chorus Pro account gets its PIGP identifier: same user, now in ASPASIE.
        Some(u) => (u.id, Some(u)),
        None => (next_user_id(ctx)?, None),
    };
    let pigp_id = match &c.pigp_id {
        Some(p) => {
            if ctx.store.pigp_taken(p)? {
                return Err(Refusal::state(
                    Some("pigp_id"),
                    format!("l'identifiant {p} est déjà attribué"),
                )
                .into());
            }
            p.clone()
        }
        None => propose(ctx, &person.prenom, &person.nom)?,
    };
    let user = User {
        id,
        civilite: person.civilite,
        nom: person.nom.clone(),
        prenom: person.prenom.clone(),
        email: c.email.clone(),
        fonction: person.fonction.clone(),
        address: structure.address.clone(),
        postal_code: Some(structure.postal_code.clone()),
        city: Some(structure.city.clone()),
        country: Some(structure.country.clone()),
        pigp_id: Some(pigp_id.clone()),
        population: Some(population),
        codique: Some(codique.clone()),
        status: UserStatus::Actif,
        keeps_pigp_apps: false,
        new_pigp_elsewhere: false,
        created_by: Some(old.id),
        last_reset_on: None,
    };
    ctx.ws.put_user(previous.as_ref(), &user)?;
    ctx.about(Subject::User(id));
    let mut new = old.clone();
    new.persons[i].user = Some(id);
    new.persons[i].population = Some(population);
    new.persons[i].codique = Some(codique.clone());
    ctx.save_dossier(Some(&old), &new)?;
    Ok(Done {
        summary: format!(
            "{} créé dans ASPASIE : {pigp_id} ({population}, codique {codique})",
            c.email
        ),
        result: json!({
            "dossier": new.id, "email": c.email, "pigp_id": pigp_id,
            "population": population, "codique": codique, "corbeille": new.corbeille(),
        }),
    })
}

/// A person who already holds an active ASPASIE account: the dossier records it and keeps its identifier,
/// population and codique; only the MADRHAS rights remain to open.
fn link_existing(ctx: &mut Ctx, old: &Dossier, i: usize, user: User) -> Result<Done, DeskError> {
    ctx.about(Subject::User(user.id));
    let mut new = old.clone();
    new.persons[i].user = Some(user.id);
    new.persons[i].population = user.population;
    new.persons[i].codique = user.codique.clone();
    ctx.save_dossier(Some(old), &new)?;
    Ok(Done {
        summary: format!(
            "{} a déjà un compte ASPASIE ({}) : pas de nouvelle création, droits MADRHAS à ouvrir",
            user.email,
            user.pigp_id.as_ref().map(PigpId::as_str).unwrap_or("")
        ),
        result: json!({
            "dossier": new.id, "email": user.email, "pigp_id": user.pigp_id,
            "population": user.population, "codique": user.codique, "existing": true,
            "corbeille": new.corbeille(),
        }),
    })
}

fn next_user_id(ctx: &mut Ctx) -> Result<UserId, DeskError> {
    Ok(UserId(
        ctx.store.next_in_sequence(&mut ctx.ws, b"user_seq")?,
    ))
}

/// `prenom.nom-xt`, numbered for homonyms (`jean.dupont2-xt`).
fn propose(ctx: &Ctx, prenom: &str, nom: &str) -> Result<PigpId, DeskError> {
    for rank in 1..=999 {
        let candidate =
            PigpId::propose(prenom, nom, rank).map_err(|e| Refusal::validation("pigp_id", e.0))?;
        if !ctx.store.pigp_taken(&candidate)? {
            return Ok(candidate);
        }
    }
    Err(Refusal::state(
        Some("pigp_id"),
        "plus de 999 homonymes : donnez l'identifiant (pigp_id)",
    )
    .into())
}

pub(super) fn madrhas_open(ctx: &mut Ctx, c: &DossierEmail) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    qualified_habilitation(&old)?;
    let (i, person) = old.person(&c.email).ok_or_else(|| {
        Refusal::not_found(
            "email",
            format!("{} n'est pas une personne du dossier {}", c.email, old.id),
        )
    })?;
    let user = match person.user {
        Some(id) => ctx.store.user(id)?,
        None => None,
    };
    rules::check_created_in_aspasie(&c.email, user.as_ref())?;
    let user = user.ok_or_else(|| Refusal::state(Some("email"), "compte introuvable"))?;
    rules::check_pigp_for_manager(person.role, &user, "email")?;
    if person.madrhas_opened {
        return Err(Refusal::state(
            Some("email"),
            format!("les droits de {} sont déjà ouverts", c.email),
        )
        .into());
    }
    ctx.about(Subject::User(user.id));
    let mut opened = Vec::new();
    for siret in old.sirets_of(person) {
        let structure = ctx.structure(siret, "sirets")?;
        ctx.ws.put_right(&Right {
            user: user.id,
            siret,
            opened_at: ctx.now,
            opened_by: ctx.login(),
            dossier: Some(old.id),
        })?;
        let attachments = ctx.store.attachments_of_structure(siret)?;
        let current_gp = attachments
            .iter()
            .find(|a| a.is_active_gp() && a.user != user.id);
        let previous = attachments.iter().find(|a| a.user == user.id);
        let role = match (person.role, previous) {
            (_, Some(a)) if a.is_active_gp() => Role::Gp,
            (Role::Gp, _) if current_gp.is_none() => Role::Gp,
            (Role::Gp, _) => Role::User,
            (role, _) => role,
        };
        let attachment = Attachment {
            siret,
            user: user.id,
            role,
            status: AttachmentStatus::Actif,
            interim: false,
            requested_at: previous.map(|a| a.requested_at).unwrap_or(ctx.now),
            decided_at: Some(ctx.now),
            decided_by: Some(ctx.login()),
        };
        ctx.ws.put_attachment(&attachment)?;
        let mut line = json!({"siret": siret, "role": role, "status": AttachmentStatus::Actif});
        if person.role == Role::Gp
            && role != Role::Gp
            && let Some(gp) = current_gp
        {
            let holder = ctx
                .store
                .user(gp.user)?
                .map(|u| u.email.to_string())
                .unwrap_or_default();
            line["note"] = json!(format!(
                "{} a déjà un gestionnaire principal ({holder}) : c'est à lui de transférer le profil (§2.2)",
                structure.name
            ));
        }
        opened.push(line);
    }
    let mut new = old.clone();
    new.persons[i].madrhas_opened = true;
    ctx.save_dossier(Some(&old), &new)?;
    Ok(Done {
        summary: format!(
            "droits MADRHAS ouverts pour {} sur {} SIRET",
            c.email,
            opened.len()
        ),
        result: json!({
            "dossier": new.id, "email": c.email, "pigp_id": user.pigp_id,
            "rights": opened, "corbeille": new.corbeille(),
        }),
    })
}

/// A right on a structure is revoked by a correspondant competent for that structure (R1), or an administrator.
pub(super) fn madrhas_revoke(ctx: &mut Ctx, c: &MadrhasRevoke) -> Result<Done, DeskError> {
    ctx.must_write()?;
    let user = ctx.user_by_email(&c.email, "email")?;
    ctx.structure_in_charge(c.siret, "siret")?;
    if ctx.store.right(user.id, c.siret)?.is_none() {
        return Err(Refusal::not_found(
            "siret",
            format!(
                "{} n'a pas de droit MADRHAS sur {}",
                c.email,
                c.siret.spaced()
            ),
        )
        .into());
    }
    ctx.ws.delete_right(user.id, c.siret);
    let mut warnings = Vec::new();
    if let Some(a) = ctx.store.attachment(c.siret, user.id)?
        && a.status == AttachmentStatus::Actif
    {
        warnings.push(format!(
            "R16 : {} reste rattaché à la structure dans Chorus Pro ({}) ; le rattachement est supprimé par l'utilisateur ou un gestionnaire",
            c.email,
            a.role.label()
        ));
    }
    Ok(Done {
        summary: format!(
            "droit MADRHAS de {} sur {} retiré",
            c.email,
            c.siret.spaced()
        ),
        result: json!({"email": c.email, "siret": c.siret, "warnings": warnings}),
    })
}
