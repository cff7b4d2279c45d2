//! The rules of the life of accounts in Chorus Pro after their creation (§2.1, §2.2): who may validate, refuse or
//! remove a rattachement (R11), who may designate a gestionnaire (R9), and the gestionnaire principal who must hand
//! over before leaving (R14). Pure functions over the structure's rattachements and the users concerned.

use super::chorus::{Attachment, AttachmentStatus, Role};
use super::refusal::{Refusal, Rule};
use super::user::{User, UserId, UserStatus};

/// The active rattachement of a user to a structure, among that structure's rattachements.
pub fn active_of(attachments: &[Attachment], user: UserId) -> Option<&Attachment> {
    attachments
        .iter()
        .find(|a| a.user == user && a.status == AttachmentStatus::Actif)
}

/// R11: only the GP or a GS of the structure validates or refuses its rattachement requests.
pub fn check_manager(
    attachments: &[Attachment],
    by: &User,
    structure: &str,
) -> Result<(), Refusal> {
    match active_of(attachments, by.id) {
        Some(a) if matches!(a.role, Role::Gp | Role::Gs) && by.status == UserStatus::Actif => {
            Ok(())
        }
        _ => Err(Refusal::rule(
            Rule::R11,
            Some("by"),
            format!(
                "{} n'est ni gestionnaire principal ni gestionnaire secondaire de {structure} : seuls eux valident ou refusent les demandes de rattachement",
                by.email
            ),
        )),
    }
}

/// R11: a request to decide must be pending.
pub fn check_pending(
    attachment: Option<&Attachment>,
    user: &User,
    structure: &str,
) -> Result<(), Refusal> {
    match attachment {
        Some(a) if a.status == AttachmentStatus::Demande => Ok(()),
        Some(a) => Err(Refusal::rule(
            Rule::R11,
            Some("user"),
            format!(
                "la demande de rattachement de {} à {structure} n'est pas en attente (elle est {})",
                user.email,
                a.status.label()
            ),
        )),
        None => Err(Refusal::rule(
            Rule::R11,
            Some("user"),
            format!(
                "{} n'a pas demandé de rattachement à {structure}",
                user.email
            ),
        )),
    }
}

/// R11: one rattachement per structure: a second request while one is pending or active is refused.
pub fn check_no_second_attachment(
    existing: Option<&Attachment>,
    user: &User,
    structure: &str,
) -> Result<(), Refusal> {
    match existing {
        Some(a)
            if matches!(
                a.status,
                AttachmentStatus::Demande | AttachmentStatus::Actif
            ) =>
        {
            Err(Refusal::rule(
                Rule::R11,
                Some("siret"),
                format!(
                    "{} est déjà {} à {structure} : un seul rattachement par structure",
                    user.email,
                    if a.status == AttachmentStatus::Actif {
                        "rattaché"
                    } else {
                        "en attente de rattachement"
                    }
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// R11: a rattachement is removed by the user himself or by a GP or GS of the structure.
pub fn check_remover(
    attachments: &[Attachment],
    by: &User,
    user: &User,
    structure: &str,
) -> Result<(), Refusal> {
    if by.id == user.id {
        return Ok(());
    }
    check_manager(attachments, by, structure).map_err(|_| {
        Refusal::rule(
            Rule::R11,
            Some("by"),
            format!(
                "{} ne peut pas supprimer le rattachement de {} : seuls l'utilisateur lui-même et les gestionnaires de {structure} le peuvent",
                by.email, user.email
            ),
        )
    })
}

/// R14: the GP's rattachement is not removed, nor the GP made to leave, before the profile is transferred.
pub fn check_not_gp(
    attachment: &Attachment,
    user: &User,
    structure: &str,
    field: &str,
) -> Result<(), Refusal> {
    if !attachment.is_active_gp() {
        return Ok(());
    }
    Err(Refusal::rule(
        Rule::R14,
        Some(field),
        format!(
            "{} est gestionnaire principal{} de {structure} : il doit d'abord transférer le profil à son successeur (ou, à défaut, temporairement à un gestionnaire secondaire ou à un autre utilisateur ; pour un EPLE, à l'adjoint-gestionnaire)",
            user.email,
            if attachment.interim {
                " intérimaire"
            } else {
                ""
            }
        ),
    ))
}

/// R14: the GP profile is transferred by the GP himself, to an active user attached to the structure.
pub fn check_transfer(
    attachments: &[Attachment],
    by: &User,
    to: &User,
    structure: &str,
) -> Result<(), Refusal> {
    if !active_of(attachments, by.id).is_some_and(Attachment::is_active_gp) {
        return Err(Refusal::rule(
            Rule::R14,
            Some("by"),
            format!(
                "{} n'est pas le gestionnaire principal de {structure} : seul lui transfère le profil",
                by.email
            ),
        ));
    }
    if to.id == by.id {
        return Err(Refusal::rule(
            Rule::R14,
            Some("to"),
            "le successeur doit être une autre personne",
        ));
    }
    if to.status != UserStatus::Actif {
        return Err(Refusal::rule(
            Rule::R14,
            Some("to"),
            format!(
                "{} a quitté ses fonctions ({}) : il ne peut pas succéder au gestionnaire principal",
                to.email,
                to.status.label()
            ),
        ));
    }
    if active_of(attachments, to.id).is_none() {
        return Err(Refusal::rule(
            Rule::R11,
            Some("to"),
            format!(
                "{} n'est pas rattaché à {structure} : rattachez-le d'abord, ou validez sa demande de rattachement (§2.1), puis transférez le profil",
                to.email
            ),
        ));
    }
    Ok(())
}
