//! What happens to an ASPASIE account after its creation: password resets (§3, R17, R18), modifications of the
//! user's fields within a modification dossier (R18 on the e-mail), departures and deletions (§2.3.2, R14, R15,
//! with the accès résiduels of R16 reported, never refused).

use crate::desk::command::{AspasieDelete, UserDepart, UserUpdate};
use crate::desk::context::{Ctx, DeskError, Done, required};
use crate::domain::Refusal;
use crate::domain::chorus::AttachmentStatus;
use crate::domain::dossier::{Dossier, Kind, Status};
use crate::domain::movements;
use crate::domain::rules;
use crate::domain::user::{User, UserStatus};
use crate::store::journal::Subject;
use serde_json::json;

/// A qualified dossier of `kind` about `user`.
fn dossier_about(
    ctx: &mut Ctx,
    reference: &str,
    kind: Kind,
    user: &User,
) -> Result<Dossier, DeskError> {
    let d = ctx.dossier(reference)?;
    if d.kind != kind {
        return Err(Refusal::state(
            Some("dossier"),
            format!(
                "le dossier {} est une {}, pas une {}",
                d.id,
                d.kind.label(),
                kind.label()
            ),
        )
        .into());
    }
    if d.user_id != Some(user.id) {
        return Err(Refusal::state(
            Some("dossier"),
            format!(
                "le dossier {} porte sur {}, pas sur {}",
                d.id,
                d.user
                    .as_ref()
                    .map(|e| e.as_str())
                    .unwrap_or("un autre utilisateur"),
                user.email
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
    Ok(d)
}

fn close(ctx: &mut Ctx, old: &Dossier) -> Result<Dossier, DeskError> {
    let mut new = old.clone();
    new.status = Status::Traitee;
    new.closed_on = Some(ctx.today);
    ctx.save_dossier(Some(old), &new)?;
    Ok(new)
}

/// The open (not final) reset dossier of a user, if any.
fn open_reset(ctx: &Ctx, user: &User) -> Result<Option<Dossier>, DeskError> {
    Ok(ctx
        .store
        .dossiers_of_user(user.id)?
        .into_iter()
        .find(|d| d.kind == Kind::Reinitialisation && !d.status.is_final()))
}

pub(super) fn password_reset(ctx: &mut Ctx, reference: &str) -> Result<Done, DeskError> {
    let d = ctx.dossier(reference)?;
    let user_id = d.user_id.ok_or_else(|| {
        Refusal::state(
            Some("dossier"),
            format!("le dossier {} ne porte sur aucun utilisateur", d.id),
        )
    })?;
    let old_user = ctx
        .store
        .user(user_id)?
        .ok_or_else(|| Refusal::not_found("user", "utilisateur du dossier introuvable"))?;
    let d = dossier_about(ctx, reference, Kind::Reinitialisation, &old_user)?;
    movements::check_reset_request(d.channel, &old_user)?;
    movements::check_reset_origin(&d.requester.email, &old_user)?;
    let mut user = old_user.clone();
    user.last_reset_on = Some(ctx.today);
    ctx.ws.put_user(Some(&old_user), &user)?;
    ctx.about(Subject::User(user.id));
    let closed = close(ctx, &d)?;
    Ok(Done {
        summary: format!(
            "mot de passe PIGP de {} réinitialisé ; le nouveau part vers l'adresse enregistrée {} ; dossier {} traité",
            user.pigp_id.as_ref().map(|p| p.as_str()).unwrap_or(""),
            user.email,
            closed.id
        ),
        result: json!({
            "dossier": closed.id, "status": closed.status, "email": user.email,
            "pigp_id": user.pigp_id, "sent_to": user.email,
        }),
    })
}

pub(super) fn update(ctx: &mut Ctx, c: &UserUpdate) -> Result<Done, DeskError> {
    let old_user = ctx.user_by_email(&c.email, "email")?;
    let d = ctx.dossier(&c.dossier)?;
    if c.new_email.is_some() {
        // Checked before the kind of dossier: an e-mail change through a reset dossier is the fraud of §3.
        movements::check_email_change(
            d.kind,
            open_reset(ctx, &old_user)?.map(|r| r.id),
            &old_user,
        )?;
    }
    let d = dossier_about(ctx, &c.dossier, Kind::Modification, &old_user)?;
    let mut user = old_user.clone();
    let mut changed = Vec::new();
    if let Some(new_email) = &c.new_email
        && new_email != &user.email
    {
        rules::check_nominative("new_email", new_email)?;
        if let Some(other) = ctx.store.user_by_email(new_email)?
            && other.status != UserStatus::Supprime
        {
            return Err(Refusal::state(
                Some("new_email"),
                format!("{new_email} est déjà l'adresse d'un autre compte"),
            )
            .into());
        }
        user.email = new_email.clone();
        changed.push("email");
    }
    if let Some(v) = c.civilite {
        user.civilite = v;
        changed.push("civilite");
    }
    let mut text =
        |field: &'static str, value: &Option<String>, slot: &mut String| -> Result<(), Refusal> {
            if let Some(v) = value {
                *slot = required(field, v)?;
                changed.push(field);
            }
            Ok(())
        };
    text("nom", &c.nom, &mut user.nom)?;
    text("prenom", &c.prenom, &mut user.prenom)?;
    for (field, value, slot) in [
        ("fonction", &c.fonction, &mut user.fonction),
        ("address", &c.address, &mut user.address),
        ("postal_code", &c.postal_code, &mut user.postal_code),
        ("city", &c.city, &mut user.city),
        ("country", &c.country, &mut user.country),
    ] {
        if let Some(v) = value {
            *slot = Some(required(field, v)?);
            changed.push(field);
        }
    }
    if changed.is_empty() {
        return Err(Refusal::validation("email", "aucun champ à modifier").into());
    }
    ctx.ws.put_user(Some(&old_user), &user)?;
    ctx.about(Subject::Dossier(d.id));
    Ok(Done {
        summary: format!(
            "utilisateur {} modifié ({}) dans le dossier {}",
            user.email,
            changed.join(", "),
            d.id
        ),
        result: json!({"dossier": d.id, "email": user.email, "changed": changed}),
    })
}

/// The accès résiduels of a user (R16): structures where he is still attached, SIRETs where he holds rights.
fn residual(ctx: &Ctx, user: &User) -> Result<Vec<String>, DeskError> {
    let mut warnings = Vec::new();
    for a in ctx.store.attachments_of_user(user.id)? {
        if a.status == AttachmentStatus::Actif {
            warnings.push(format!(
                "R16 : {} reste rattaché à {} dans Chorus Pro ({}) ; le rattachement est à supprimer par lui-même ou un gestionnaire de la structure",
                user.email,
                a.siret.spaced(),
                a.role.label()
            ));
        }
    }
    Ok(warnings)
}

/// With a suppression dossier, its direction decides who may record the departure; without one, a correspondant
/// competent for one of the user's structures (`Ctx::must_be_competent_for_user`).
pub(super) fn depart(ctx: &mut Ctx, c: &UserDepart) -> Result<Done, DeskError> {
    ctx.must_write()?;
    let old_user = ctx.user_by_email(&c.email, "email")?;
    if c.dossier.is_none() {
        ctx.must_be_competent_for_user(&old_user)?;
    }
    if old_user.status != UserStatus::Actif {
        return Err(Refusal::state(
            Some("email"),
            format!("{} est déjà {}", c.email, old_user.status.label()),
        )
        .into());
    }
    if let Some(reference) = &c.dossier {
        dossier_about(ctx, reference, Kind::Suppression, &old_user)?;
    }
    for a in ctx.store.attachments_of_user(old_user.id)? {
        if a.is_active_gp() {
            let structure = ctx.structure(a.siret, "email")?;
            movements::check_not_gp(&a, &old_user, &structure, "email")?;
        }
    }
    let mut user = old_user.clone();
    user.status = UserStatus::Sorti;
    user.keeps_pigp_apps = c.keeps_pigp_apps.unwrap_or(false);
    user.new_pigp_elsewhere = c.new_pigp_elsewhere.unwrap_or(false);
    ctx.ws.put_user(Some(&old_user), &user)?;
    let warnings = residual(ctx, &user)?;
    let deletable = movements::check_deletion(&user).is_ok();
    Ok(Done {
        summary: format!(
            "départ de {} enregistré{}",
            c.email,
            if deletable {
                " ; son compte ASPASIE peut être supprimé"
            } else {
                " ; il conserve son compte ASPASIE"
            }
        ),
        result: json!({
            "email": user.email, "status": user.status, "keeps_pigp_apps": user.keeps_pigp_apps,
            "new_pigp_elsewhere": user.new_pigp_elsewhere, "deletable": deletable, "warnings": warnings,
        }),
    })
}

/// As a departure: the suppression dossier's direction, or without one a correspondant competent for one of the
/// user's structures.
pub(super) fn delete(ctx: &mut Ctx, c: &AspasieDelete) -> Result<Done, DeskError> {
    ctx.must_write()?;
    let old_user = ctx.user_by_email(&c.email, "email")?;
    if c.dossier.is_none() {
        ctx.must_be_competent_for_user(&old_user)?;
    }
    if old_user.status == UserStatus::Supprime {
        return Err(Refusal::state(
            Some("email"),
            format!("{} est déjà supprimé d'ASPASIE", c.email),
        )
        .into());
    }
    movements::check_deletion(&old_user)?;
    let dossier = match &c.dossier {
        Some(reference) => Some(dossier_about(ctx, reference, Kind::Suppression, &old_user)?),
        None => None,
    };
    for a in ctx.store.attachments_of_user(old_user.id)? {
        if a.is_active_gp() {
            let structure = ctx.structure(a.siret, "email")?;
            movements::check_not_gp(&a, &old_user, &structure, "email")?;
        }
    }
    let mut revoked = Vec::new();
    for right in ctx.store.rights_of_user(old_user.id)? {
        ctx.ws.delete_right(old_user.id, right.siret);
        ctx.about(Subject::Structure(right.siret));
        revoked.push(right.siret);
    }
    let mut user = old_user.clone();
    user.status = UserStatus::Supprime;
    ctx.ws.put_user(Some(&old_user), &user)?;
    let warnings = residual(ctx, &user)?;
    let closed = match dossier {
        Some(d) => Some(close(ctx, &d)?.id),
        None => None,
    };
    Ok(Done {
        summary: format!(
            "{} supprimé d'ASPASIE ; {} droit(s) MADRHAS retiré(s){}",
            c.email,
            revoked.len(),
            if warnings.is_empty() {
                String::new()
            } else {
                format!(" ; {} accès résiduel(s)", warnings.len())
            }
        ),
        result: json!({
            "email": user.email, "pigp_id": user.pigp_id, "status": user.status,
            "revoked": revoked, "warnings": warnings, "dossier": closed,
        }),
    })
}
