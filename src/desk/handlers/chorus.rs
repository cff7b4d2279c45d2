//! The Chorus Pro side, acted "en tant que" a user (`by`): self-service accounts, rattachement requests and their
//! validation, refusal or removal (§2.1), designation of gestionnaires secondaires and transfer of the gestionnaire
//! principal profile (§2.2). Each entry of the journal names the operator and the user acted as.

use crate::desk::command::{AttachmentAction, AttachmentRequest, ChorusAccount, ManagerTransfer};
use crate::desk::context::{Ctx, DeskError, Done, required};
use crate::domain::Refusal;
use crate::domain::chorus::{Attachment, AttachmentStatus, Role};
use crate::domain::ids::Email;
use crate::domain::movements;
use crate::domain::rules;
use crate::domain::structure::Structure;
use crate::domain::user::{User, UserId, UserStatus};
use crate::store::journal::Subject;
use serde_json::json;

/// The Chorus Pro user the operator acts as: he must exist and be active.
fn acting_as(ctx: &mut Ctx, by: &Email) -> Result<User, DeskError> {
    ctx.must_write()?;
    // Indexed as the actor of the entry (his actions as gestionnaire), not as its subject.
    let user = ctx
        .store
        .user_by_email(by)?
        .ok_or_else(|| Refusal::not_found("by", format!("aucun utilisateur n'a l'adresse {by}")))?;
    if user.status != UserStatus::Actif {
        return Err(Refusal::state(
            Some("by"),
            format!(
                "{} est {} : il n'agit plus dans Chorus Pro",
                by,
                user.status.label()
            ),
        )
        .into());
    }
    ctx.on_behalf_of = Some(by.to_string());
    ctx.about(Subject::Actor(user.id));
    Ok(user)
}

/// The structure acted on, open, that the operator's direction is competent for (R1).
fn active_structure(
    ctx: &mut Ctx,
    siret: crate::domain::ids::Siret,
) -> Result<Structure, DeskError> {
    let structure = ctx.structure_in_charge(siret, "siret")?;
    if !structure.active {
        return Err(Refusal::state(Some("siret"), format!("{} est fermée", structure.name)).into());
    }
    Ok(structure)
}

fn attachment_line(a: &Attachment) -> serde_json::Value {
    json!({"siret": a.siret, "role": a.role, "status": a.status, "interim": a.interim})
}

/// The user's own creation of his account on the portal, played by any operator who writes: the account
/// belongs to no structure yet, so no direction is more competent than another; the first act that ties it to
/// one (`attachment.request`) is scoped to the directions competent for that structure.
pub(super) fn account(ctx: &mut Ctx, c: &ChorusAccount) -> Result<Done, DeskError> {
    ctx.must_write()?;
    if let Some(existing) = ctx.store.user_by_email(&c.email)?
        && existing.status != UserStatus::Supprime
    {
        return Err(Refusal::state(
            Some("email"),
            format!("un compte existe déjà pour {}", c.email),
        )
        .into());
    }
    let id = UserId(ctx.store.next_in_sequence(&mut ctx.ws, b"user_seq")?);
    let user = User {
        id,
        civilite: c.civilite,
        nom: required("nom", &c.nom)?,
        prenom: required("prenom", &c.prenom)?,
        email: c.email.clone(),
        fonction: None,
        address: None,
        postal_code: None,
        city: None,
        country: None,
        pigp_id: None,
        population: None,
        codique: None,
        status: UserStatus::Actif,
        keeps_pigp_apps: false,
        new_pigp_elsewhere: false,
        created_by: None,
        last_reset_on: None,
    };
    ctx.ws.put_user(None, &user)?;
    ctx.about(Subject::User(id));
    ctx.on_behalf_of = Some(c.email.to_string());
    Ok(Done {
        summary: format!(
            "compte Chorus Pro créé par {} lui-même (utilisateur simple, sans identifiant PIGP)",
            c.email
        ),
        result: json!({"email": c.email, "pigp_id": null, "status": user.status}),
    })
}

pub(super) fn request(ctx: &mut Ctx, c: &AttachmentRequest) -> Result<Done, DeskError> {
    let by = acting_as(ctx, &c.by)?;
    let structure = active_structure(ctx, c.siret)?;
    let existing = ctx.store.attachment(c.siret, by.id)?;
    movements::check_no_second_attachment(existing.as_ref(), &by, &structure.name)?;
    let attachment = Attachment {
        siret: c.siret,
        user: by.id,
        role: Role::User,
        status: AttachmentStatus::Demande,
        interim: false,
        requested_at: ctx.now,
        decided_at: None,
        decided_by: None,
    };
    ctx.ws.put_attachment(&attachment)?;
    Ok(Done {
        summary: format!("{} demande son rattachement à {}", c.by, structure.name),
        result: attachment_line(&attachment),
    })
}

/// Validation (`accept`) or refusal of a pending request by the GP or a GS.
pub(super) fn decide(
    ctx: &mut Ctx,
    c: &AttachmentAction,
    accept: bool,
    reason: Option<&str>,
) -> Result<Done, DeskError> {
    let by = acting_as(ctx, &c.by)?;
    let user = ctx.user_by_email(&c.user, "user")?;
    let structure = active_structure(ctx, c.siret)?;
    let attachments = ctx.store.attachments_of_structure(c.siret)?;
    movements::check_manager(&attachments, &by, &structure.name)?;
    let current = attachments.iter().find(|a| a.user == user.id);
    movements::check_pending(current, &user, &structure.name)?;
    let mut attachment = current
        .cloned()
        .ok_or_else(|| Refusal::state(Some("user"), "demande introuvable"))?;
    attachment.status = if accept {
        AttachmentStatus::Actif
    } else {
        AttachmentStatus::Refuse
    };
    attachment.decided_at = Some(ctx.now);
    attachment.decided_by = Some(c.by.to_string());
    ctx.ws.put_attachment(&attachment)?;
    let verb = if accept { "valide" } else { "refuse" };
    let why = reason.map(|r| format!(" : {r}")).unwrap_or_default();
    Ok(Done {
        summary: format!(
            "{} {verb} le rattachement de {} à {}{why}",
            c.by, c.user, structure.name
        ),
        result: attachment_line(&attachment),
    })
}

pub(super) fn remove(ctx: &mut Ctx, c: &AttachmentAction) -> Result<Done, DeskError> {
    let by = acting_as(ctx, &c.by)?;
    let user = ctx.user_by_email(&c.user, "user")?;
    let structure = ctx.structure_in_charge(c.siret, "siret")?;
    let attachments = ctx.store.attachments_of_structure(c.siret)?;
    movements::check_remover(&attachments, &by, &user, &structure.name)?;
    let mut attachment = attachments
        .iter()
        .find(|a| {
            a.user == user.id
                && matches!(
                    a.status,
                    AttachmentStatus::Actif | AttachmentStatus::Demande
                )
        })
        .cloned()
        .ok_or_else(|| {
            Refusal::state(
                Some("user"),
                format!("{} n'est pas rattaché à {}", c.user, structure.name),
            )
        })?;
    movements::check_not_gp(&attachment, &user, &structure, "user")?;
    attachment.status = AttachmentStatus::Supprime;
    attachment.decided_at = Some(ctx.now);
    attachment.decided_by = Some(c.by.to_string());
    ctx.ws.put_attachment(&attachment)?;
    Ok(Done {
        summary: format!(
            "rattachement de {} à {} supprimé par {}",
            c.user, structure.name, c.by
        ),
        result: attachment_line(&attachment),
    })
}

/// Designation (`designate`) or revocation of a gestionnaire secondaire by the GP.
pub(super) fn designate_gs(
    ctx: &mut Ctx,
    c: &AttachmentAction,
    designate: bool,
) -> Result<Done, DeskError> {
    let by = acting_as(ctx, &c.by)?;
    let user = ctx.user_by_email(&c.user, "user")?;
    let structure = active_structure(ctx, c.siret)?;
    let attachments = ctx.store.attachments_of_structure(c.siret)?;
    if !movements::active_of(&attachments, by.id).is_some_and(Attachment::is_active_gp) {
        return Err(Refusal::rule(
            crate::domain::Rule::R11,
            Some("by"),
            format!("{} n'est pas le gestionnaire principal de {} : seul lui désigne les gestionnaires secondaires", c.by, structure.name),
        )
        .into());
    }
    let mut attachment = movements::active_of(&attachments, user.id)
        .cloned()
        .ok_or_else(|| {
            Refusal::rule(
                crate::domain::Rule::R11,
                Some("user"),
                format!(
                    "{} n'est pas rattaché à {} : il demande d'abord son rattachement",
                    c.user, structure.name
                ),
            )
        })?;
    let (from, to) = if designate {
        (Role::User, Role::Gs)
    } else {
        (Role::Gs, Role::User)
    };
    if attachment.role != from {
        return Err(Refusal::state(
            Some("user"),
            format!(
                "{} est {} de {}, pas {}",
                c.user,
                attachment.role.label(),
                structure.name,
                from.label()
            ),
        )
        .into());
    }
    if designate {
        rules::check_pigp_for_manager(Role::Gs, &user, "user")?;
    }
    attachment.role = to;
    attachment.decided_at = Some(ctx.now);
    attachment.decided_by = Some(c.by.to_string());
    ctx.ws.put_attachment(&attachment)?;
    let verb = if designate {
        "désigné gestionnaire secondaire"
    } else {
        "n'est plus gestionnaire secondaire"
    };
    Ok(Done {
        summary: format!("{} {verb} de {} (par {})", c.user, structure.name, c.by),
        result: attachment_line(&attachment),
    })
}

pub(super) fn transfer_gp(ctx: &mut Ctx, c: &ManagerTransfer) -> Result<Done, DeskError> {
    let by = acting_as(ctx, &c.by)?;
    let to = ctx.user_by_email(&c.to, "to")?;
    let structure = active_structure(ctx, c.siret)?;
    let attachments = ctx.store.attachments_of_structure(c.siret)?;
    movements::check_transfer(&attachments, &by, &to, &structure.name)?;
    rules::check_pigp_for_manager(Role::Gp, &to, "to")?;
    let interim = c.interim.unwrap_or(false);
    let mut outgoing = movements::active_of(&attachments, by.id)
        .cloned()
        .ok_or_else(|| {
            Refusal::state(
                Some("by"),
                "rattachement du gestionnaire principal introuvable",
            )
        })?;
    let mut incoming = movements::active_of(&attachments, to.id)
        .cloned()
        .ok_or_else(|| Refusal::state(Some("to"), "rattachement du successeur introuvable"))?;
    // An interim (a GS, or the adjoint-gestionnaire of an EPLE) goes back to gestionnaire secondaire when the
    // successor takes over; a GP who hands over before leaving becomes a simple user, then removes himself.
    outgoing.role = if outgoing.interim {
        Role::Gs
    } else {
        Role::User
    };
    outgoing.interim = false;
    outgoing.decided_at = Some(ctx.now);
    outgoing.decided_by = Some(c.by.to_string());
    incoming.role = Role::Gp;
    incoming.interim = interim;
    incoming.decided_at = Some(ctx.now);
    incoming.decided_by = Some(c.by.to_string());
    ctx.ws.put_attachment(&outgoing)?;
    ctx.ws.put_attachment(&incoming)?;
    ctx.about(Subject::User(to.id));
    let how = if interim {
        "temporairement (intérim)"
    } else {
        "définitivement"
    };
    Ok(Done {
        summary: format!(
            "{} transfère {how} le profil de gestionnaire principal de {} à {}",
            c.by, structure.name, c.to
        ),
        result: json!({"siret": c.siret, "gp": c.to, "gp_interim": interim, "previous_gp": c.by}),
    })
}
