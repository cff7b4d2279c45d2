//! The life of a dossier at the desk: reception, qualification (R1, R3, R12, R13), pieces, address confirmation,
//! forwarding to the competent direction, rejection, assignment, notes and closure.

use crate::desk::command::{
    DossierAssign, DossierDocument, DossierEmail, DossierForward, DossierNote, DossierReceive,
    DossierReject,
};
use crate::desk::context::{Ctx, DeskError, Done, MAX_NOTE, bounded, check_date, required};
use crate::domain::Refusal;
use crate::domain::chorus::Role;
use crate::domain::dossier::{Documents, Dossier, Kind, Note, Person, Requester, Status};
use crate::domain::ids::DossierId;
use crate::domain::movements;
use crate::domain::operator::OperatorRole;
use crate::domain::rules;
use crate::domain::user::UserStatus;
use crate::store::journal::Subject;
use chrono::Datelike;
use serde_json::json;

pub(super) fn receive(ctx: &mut Ctx, c: &DossierReceive) -> Result<Done, DeskError> {
    ctx.must_write()?;
    let reference = required("ref", &c.reference)?;
    if DossierId::parse(&reference).is_ok() {
        return Err(Refusal::validation(
            "ref",
            "une référence ne peut pas avoir la forme d'un numéro de dossier (AAAA-NNNNN)",
        )
        .into());
    }
    if let Some(existing) = ctx.store.dossier_by_ref(&reference)? {
        return Err(Refusal::state(
            Some("ref"),
            format!(
                "la référence « {reference} » est déjà celle du dossier {}",
                existing.id
            ),
        )
        .into());
    }
    let direction = match c
        .direction
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(code) => code.to_uppercase(),
        None => ctx.operator.direction.clone().ok_or_else(|| {
            Refusal::validation("direction", "précisez la direction qui reçoit le dossier")
        })?,
    };
    if ctx.store.direction(&direction)?.is_none() {
        return Err(
            Refusal::not_found("direction", format!("aucune direction {direction}")).into(),
        );
    }
    ctx.must_handle_direction(&direction)?;
    let received_on = check_date("received_on", c.received_on.unwrap_or(ctx.today), ctx.today)?;
    let requester = Requester {
        name: required("requester.name", &c.requester.name)?,
        email: c.requester.email.clone(),
    };
    let mut persons = Vec::new();
    let mut user_id = None;
    match c.kind {
        Kind::Habilitation => {
            let siret = c.siret.ok_or_else(|| {
                Refusal::validation(
                    "siret",
                    "une habilitation porte sur le SIRET d'une structure",
                )
            })?;
            let structure = ctx.structure(siret, "siret")?;
            rules::check_channel(c.kind, c.channel, &structure)?;
            if c.persons.is_empty() {
                return Err(Refusal::validation(
                    "persons",
                    "une habilitation nomme au moins un gestionnaire à créer",
                )
                .into());
            }
            persons = persons_from(ctx, c.kind, c.channel, &[], &c.persons)?;
        }
        Kind::Reinitialisation | Kind::Modification | Kind::Suppression => {
            let email = c.user.as_ref().ok_or_else(|| {
                Refusal::validation("user", "précisez l'adresse de l'utilisateur concerné")
            })?;
            user_id = Some(ctx.user_by_email(email, "user")?.id);
            if let Some(siret) = c.siret {
                let structure = ctx.structure(siret, "siret")?;
                rules::check_channel(c.kind, c.channel, &structure)?;
            }
            if !c.persons.is_empty() {
                return Err(Refusal::validation(
                    "persons",
                    "seule une habilitation nomme des personnes à créer ; ce dossier porte sur « user »",
                )
                .into());
            }
        }
    }
    let id = next_id(ctx, received_on.year())?;
    let status = if persons.iter().any(|p| !p.email_active) {
        Status::EnAttente
    } else {
        Status::Recue
    };
    let dossier = Dossier {
        id,
        reference: reference.clone(),
        kind: c.kind,
        channel: c.channel,
        direction,
        siret: c.siret,
        requester,
        received_on,
        lot: c.lot.clone().filter(|l| !l.trim().is_empty()),
        persons,
        user: c.user.clone(),
        user_id,
        documents: Documents::default(),
        status,
        assignee: None,
        notes: Vec::new(),
        registered_at: ctx.now,
        registered_by: ctx.login(),
        reject_reason: None,
        forwarded_to: None,
        forwarded_from: None,
        closed_on: None,
    };
    ctx.save_dossier(None, &dossier)?;
    Ok(Done {
        summary: format!(
            "dossier {id} reçu ({reference}) : {}",
            dossier.corbeille().label()
        ),
        result: json!({"dossier": id, "ref": reference, "status": status, "corbeille": dossier.corbeille()}),
    })
}

/// The persons a habilitation asks for, checked as at reception: not simple users (R10), nominative addresses
/// (R5), one GP at most and no address twice among them and the persons already in the dossier, known SIRETs of
/// the channel's kind (R2). Fields are named `persons[i]` after their place in `incoming`.
fn persons_from(
    ctx: &mut Ctx,
    kind: Kind,
    channel: crate::domain::dossier::Channel,
    existing: &[Person],
    incoming: &[crate::desk::command::PersonIn],
) -> Result<Vec<Person>, DeskError> {
    let mut persons: Vec<Person> = Vec::new();
    for (i, p) in incoming.iter().enumerate() {
        let field = |name: &str| format!("persons[{i}].{name}");
        rules::check_person_role(p.role, &field("role"))?;
        let gp_already = existing.iter().chain(&persons).any(|q| q.role == Role::Gp);
        if p.role == Role::Gp && gp_already {
            return Err(Refusal::validation(
                &field("role"),
                "un seul gestionnaire principal par structure (note 2018-08-4031, §2.2) : désignez les autres gestionnaires secondaires",
            )
            .into());
        }
        rules::check_nominative(&field("email"), &p.email)?;
        if existing.iter().chain(&persons).any(|q| q.email == p.email) {
            return Err(Refusal::validation(
                &field("email"),
                format!("{} figure deux fois dans le dossier", p.email),
            )
            .into());
        }
        for (j, s) in p.sirets.iter().enumerate() {
            let other = ctx.structure(*s, &format!("persons[{i}].sirets[{j}]"))?;
            rules::check_channel(kind, channel, &other)?;
        }
        persons.push(Person {
            civilite: p.civilite,
            nom: required(&field("nom"), &p.nom)?,
            prenom: required(&field("prenom"), &p.prenom)?,
            email: p.email.clone(),
            role: p.role,
            sirets: p.sirets.clone(),
            fonction: p.fonction.clone().filter(|f| !f.trim().is_empty()),
            email_active: p.email_active.unwrap_or(true),
            user: None,
            population: None,
            codique: None,
            madrhas_opened: false,
        });
    }
    Ok(persons)
}

/// Adds persons to a habilitation not yet qualified: the annexed list of a contrat de service (§1.1.2).
pub(super) fn add_persons(
    ctx: &mut Ctx,
    c: &crate::desk::command::DossierPersons,
) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    if old.kind != Kind::Habilitation || !matches!(old.status, Status::Recue | Status::EnAttente) {
        return Err(Refusal::state(
            Some("dossier"),
            format!(
                "le dossier {} est une {} {} : on ajoute des personnes à une habilitation pas encore qualifiée",
                old.id,
                old.kind.label(),
                old.status.label()
            ),
        )
        .into());
    }
    if c.persons.is_empty() {
        return Err(Refusal::validation("persons", "aucune personne à ajouter").into());
    }
    let added = persons_from(ctx, old.kind, old.channel, &old.persons, &c.persons)?;
    let mut new = old.clone();
    new.persons.extend(added);
    if new.persons.iter().any(|p| !p.email_active) {
        new.status = Status::EnAttente;
    }
    ctx.save_dossier(Some(&old), &new)?;
    Ok(Done {
        summary: format!(
            "dossier {} : {} personne(s) ajoutée(s)",
            new.id,
            c.persons.len()
        ),
        result: json!({"dossier": new.id, "persons": new.persons.len(), "status": new.status, "corbeille": new.corbeille()}),
    })
}

/// The next number of the year: dossiers are numbered `AAAA-NNNNN` per year of reception.
fn next_id(ctx: &mut Ctx, year: i32) -> Result<DossierId, DeskError> {
    let year = u16::try_from(year)
        .map_err(|_| Refusal::validation("received_on", "année hors limites"))?;
    let name = [b"dossier_seq:".as_slice(), &year.to_be_bytes()].concat();
    let n = ctx.store.next_in_sequence(&mut ctx.ws, &name)?;
    if n > 99_999 {
        return Err(Refusal::state(None, format!("plus de 99 999 dossiers en {year}")).into());
    }
    Ok(DossierId::new(year, n as u32))
}

fn not_final(d: &Dossier) -> Result<(), DeskError> {
    if d.status.is_final() {
        return Err(Refusal::state(
            Some("dossier"),
            format!(
                "le dossier {} est {} : il n'évolue plus",
                d.id,
                d.status.label()
            ),
        )
        .into());
    }
    Ok(())
}

fn done(d: &Dossier, summary: String) -> Done {
    Done {
        summary,
        result: json!({"dossier": d.id, "status": d.status, "corbeille": d.corbeille()}),
    }
}

pub(super) fn qualify(ctx: &mut Ctx, dossier: &str) -> Result<Done, DeskError> {
    let old = ctx.dossier(dossier)?;
    match old.status {
        Status::Recue => {}
        Status::EnAttente => rules::check_addresses_active(&old.persons)?,
        other => {
            return Err(Refusal::state(
                Some("dossier"),
                format!(
                    "le dossier {} est {} : seul un dossier reçu se qualifie",
                    old.id,
                    other.label()
                ),
            )
            .into());
        }
    }
    let directions = ctx.store.directions()?;
    match old.kind {
        Kind::Habilitation => {
            let siret = old
                .siret
                .ok_or_else(|| Refusal::validation("siret", "dossier sans SIRET"))?;
            let structure = ctx.structure(siret, "siret")?;
            rules::check_addresses_active(&old.persons)?;
            // Every SIRET the rights will be opened on: the direction must be competent and the requester
            // qualified for each, not only for the dossier's own.
            let referents = ctx.store.referents()?;
            let mut sirets = vec![siret];
            for p in &old.persons {
                for s in &p.sirets {
                    if !sirets.contains(s) {
                        sirets.push(*s);
                    }
                }
            }
            for s in sirets {
                let each = ctx.structure(s, "sirets")?;
                rules::check_competence(&old.direction, &each, &directions)?;
                rules::check_requester(
                    old.channel,
                    &old.requester,
                    &each,
                    &referents,
                    &old.persons,
                )?;
            }
            if old.channel == crate::domain::dossier::Channel::Referent {
                let academie = structure.academie.clone().unwrap_or_default();
                for (i, person) in old.persons.iter().enumerate() {
                    let holder = ctx.store.user_by_email(&person.email)?;
                    let academies = match &holder {
                        Some(u) => ctx.store.academies_of_user(u.id)?,
                        None => Vec::new(),
                    };
                    rules::check_no_intra_academic_move(
                        &format!("persons[{i}].email"),
                        person,
                        holder.as_ref(),
                        &academies,
                        &academie,
                    )?;
                }
            }
        }
        Kind::Reinitialisation | Kind::Modification | Kind::Suppression => {
            let user_id = old
                .user_id
                .ok_or_else(|| Refusal::validation("user", "dossier sans utilisateur"))?;
            let user = ctx
                .store
                .user(user_id)?
                .ok_or_else(|| Refusal::not_found("user", "utilisateur du dossier introuvable"))?;
            ctx.about(Subject::User(user.id));
            if old.kind == Kind::Reinitialisation {
                movements::check_reset_request(old.channel, &user)?;
                movements::check_reset_origin(&old.requester.email, &user)?;
            }
            let mut structures = Vec::new();
            for siret in ctx.store.sirets_of_user(user.id)? {
                if let Some(s) = ctx.store.structure(siret)? {
                    structures.push(s);
                }
            }
            rules::check_competence_for_user(&old.direction, &structures, &directions)?;
            if old.kind == Kind::Modification {
                let referents = ctx.store.referents()?;
                rules::check_requester_for_user(
                    old.channel,
                    &old.requester,
                    &user.email,
                    &structures,
                    &referents,
                )?;
            }
        }
    }
    let mut new = old.clone();
    new.status = Status::Qualifiee;
    ctx.save_dossier(Some(&old), &new)?;
    Ok(done(&new, format!("dossier {} qualifié", new.id)))
}

pub(super) fn document(ctx: &mut Ctx, c: &DossierDocument) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    not_final(&old)?;
    let on = check_date("on", c.on.unwrap_or(ctx.today), ctx.today)?;
    let mut new = old.clone();
    new.documents.set(c.document, on);
    ctx.save_dossier(Some(&old), &new)?;
    let missing = rules::missing_documents(new.channel, &new.documents);
    Ok(Done {
        summary: format!("dossier {} : pièce reçue, {}", new.id, c.document.label()),
        result: json!({
            "dossier": new.id, "document": c.document, "on": on,
            "missing": missing, "corbeille": new.corbeille(),
        }),
    })
}

pub(super) fn confirm_email(ctx: &mut Ctx, c: &DossierEmail) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    not_final(&old)?;
    let (i, person) = old.person(&c.email).ok_or_else(|| {
        Refusal::not_found(
            "email",
            format!("{} n'est pas une personne du dossier {}", c.email, old.id),
        )
    })?;
    if person.email_active {
        return Err(Refusal::state(
            Some("email"),
            format!("l'adresse {} est déjà confirmée active", c.email),
        )
        .into());
    }
    let mut new = old.clone();
    new.persons[i].email_active = true;
    if new.status == Status::EnAttente && new.persons.iter().all(|p| p.email_active) {
        new.status = Status::Recue;
    }
    ctx.save_dossier(Some(&old), &new)?;
    Ok(done(
        &new,
        format!("dossier {} : adresse {} confirmée active", new.id, c.email),
    ))
}

pub(super) fn forward(ctx: &mut Ctx, c: &DossierForward) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    not_final(&old)?;
    if old.persons.iter().any(|p| p.user.is_some()) {
        return Err(Refusal::state(
            Some("dossier"),
            "des personnes sont déjà créées dans ASPASIE : le dossier ne peut plus être transmis",
        )
        .into());
    }
    let target = c.direction.trim().to_uppercase();
    let target_direction = ctx
        .store
        .direction(&target)?
        .ok_or_else(|| Refusal::not_found("direction", format!("aucune direction {target}")))?;
    if target == old.direction {
        return Err(Refusal::state(
            Some("direction"),
            "le dossier est déjà dans cette direction",
        )
        .into());
    }
    let mut sent = old.clone();
    sent.status = Status::Transmise;
    sent.forwarded_to = Some(target.clone());
    let reference = format!("{}/{}", old.reference, old.direction);
    if ctx.store.dossier_by_ref(&reference)?.is_some() {
        return Err(Refusal::state(
            Some("ref"),
            format!("la référence « {reference} » existe déjà"),
        )
        .into());
    }
    let id = next_id(ctx, old.received_on.year())?;
    let mut copy = old.clone();
    copy.id = id;
    copy.reference = reference;
    copy.direction = target.clone();
    copy.status = if copy.persons.iter().any(|p| !p.email_active) {
        Status::EnAttente
    } else {
        Status::Recue
    };
    copy.assignee = None;
    copy.forwarded_from = Some(old.id);
    copy.registered_at = ctx.now;
    copy.registered_by = ctx.login();
    ctx.save_dossier(Some(&old), &sent)?;
    ctx.save_dossier(None, &copy)?;
    Ok(Done {
        summary: format!(
            "dossier {} transmis à {} ({}), qui le reçoit sous le numéro {id}",
            old.id, target_direction.name, target_direction.balf
        ),
        result: json!({
            "dossier": old.id, "status": sent.status, "forwarded_to": target,
            "new_dossier": id, "balf": target_direction.balf,
        }),
    })
}

pub(super) fn reject(ctx: &mut Ctx, c: &DossierReject) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    not_final(&old)?;
    let reason = required("reason", &c.reason)?;
    if old.persons.iter().any(|p| p.user.is_some()) {
        return Err(Refusal::state(
            Some("dossier"),
            "des personnes sont déjà créées dans ASPASIE : clôturez le dossier plutôt que de le rejeter",
        )
        .into());
    }
    let mut new = old.clone();
    new.status = Status::Rejetee;
    new.reject_reason = Some(reason.clone());
    ctx.save_dossier(Some(&old), &new)?;
    Ok(done(&new, format!("dossier {} rejeté : {reason}", new.id)))
}

pub(super) fn assign(ctx: &mut Ctx, c: &DossierAssign) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    not_final(&old)?;
    let login = c.operator.trim();
    let operator = ctx
        .store
        .operator(login)?
        .ok_or_else(|| Refusal::not_found("operator", format!("aucun opérateur {login}")))?;
    if operator.role == OperatorRole::Lecteur {
        return Err(Refusal::state(
            Some("operator"),
            format!("{login} est lecteur : il ne suit pas de dossier"),
        )
        .into());
    }
    if operator.role != OperatorRole::Admin
        && operator.direction.as_deref() != Some(old.direction.as_str())
    {
        return Err(Refusal::state(
            Some("operator"),
            format!("{login} n'est pas correspondant de {}", old.direction),
        )
        .into());
    }
    let mut new = old.clone();
    new.assignee = Some(operator.login.clone());
    ctx.save_dossier(Some(&old), &new)?;
    Ok(done(&new, format!("dossier {} suivi par {login}", new.id)))
}

pub(super) fn note(ctx: &mut Ctx, c: &DossierNote) -> Result<Done, DeskError> {
    let old = ctx.dossier(&c.dossier)?;
    let text = bounded("text", &c.text, MAX_NOTE)?;
    let mut new = old.clone();
    new.notes.push(Note {
        at: ctx.now,
        by: ctx.login(),
        text,
    });
    ctx.save_dossier(Some(&old), &new)?;
    Ok(done(&new, format!("dossier {} : note ajoutée", new.id)))
}

pub(super) fn close(ctx: &mut Ctx, dossier: &str) -> Result<Done, DeskError> {
    let old = ctx.dossier(dossier)?;
    if old.status != Status::Qualifiee {
        return Err(Refusal::state(
            Some("dossier"),
            format!(
                "le dossier {} est {} : seul un dossier qualifié se clôture",
                old.id,
                old.status.label()
            ),
        )
        .into());
    }
    if old.kind == Kind::Habilitation {
        let pending: Vec<String> = old
            .persons
            .iter()
            .filter(|p| p.user.is_none() || !p.madrhas_opened)
            .map(|p| {
                let step = if p.user.is_none() {
                    "à créer dans ASPASIE"
                } else {
                    "à habiliter dans MADRHAS"
                };
                format!("{} ({step})", p.email)
            })
            .collect();
        if !pending.is_empty() {
            return Err(Refusal::state(
                Some("dossier"),
                format!(
                    "le dossier {} n'est pas terminé : {}",
                    old.id,
                    pending.join(", ")
                ),
            )
            .into());
        }
        for p in &old.persons {
            if let Some(id) = p.user {
                ctx.about(Subject::User(id));
                if let Some(u) = ctx.store.user(id)?
                    && u.status != UserStatus::Actif
                {
                    return Err(Refusal::state(
                        Some("dossier"),
                        format!("{} n'est plus actif", u.email),
                    )
                    .into());
                }
            }
        }
    }
    let mut new = old.clone();
    new.status = Status::Traitee;
    new.closed_on = Some(ctx.today);
    ctx.save_dossier(Some(&old), &new)?;
    Ok(done(&new, format!("dossier {} traité", new.id)))
}
