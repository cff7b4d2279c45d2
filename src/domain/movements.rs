//! The rules of the life of accounts in Chorus Pro after their creation (§2.1, §2.2): who may validate, refuse or
//! remove a rattachement (R11), who may designate a gestionnaire (R9), the gestionnaire principal who must hand
//! over before leaving (R14), the deletion of leavers (R15, §2.3.2) and the password resets with their anti-fraud
//! rule (R17, R18, §3). Pure functions over the records concerned.

use super::chorus::{Attachment, AttachmentStatus, Role};
use super::dossier::{Channel, Kind};
use super::ids::{DossierId, Email};
use super::refusal::{Refusal, Rule};
use super::structure::Structure;
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

/// R14: the GP's rattachement is not removed, nor the GP made to leave, before the profile is transferred —
/// unless the structure is closed: it keeps a GP only until then.
pub fn check_not_gp(
    attachment: &Attachment,
    user: &User,
    structure: &Structure,
    field: &str,
) -> Result<(), Refusal> {
    if !attachment.is_active_gp() || !structure.active {
        return Ok(());
    }
    let structure = &structure.name;
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

/// R17: a password reset is asked by the user himself, about an active ASPASIE account.
pub fn check_reset_request(channel: Channel, user: &User) -> Result<(), Refusal> {
    if channel != Channel::Utilisateur {
        return Err(Refusal::rule(
            Rule::R17,
            Some("channel"),
            format!(
                "une réinitialisation de mot de passe est demandée par l'utilisateur lui-même, à la BALF de son correspondant, pas par le canal « {} »",
                channel.label()
            ),
        ));
    }
    if user.pigp_id.is_none() || user.status != UserStatus::Actif {
        return Err(Refusal::rule(
            Rule::R17,
            Some("user"),
            format!(
                "{} n'a pas de compte ASPASIE actif ({}) : il n'y a pas de mot de passe PIGP à réinitialiser",
                user.email,
                if user.pigp_id.is_none() {
                    "compte Chorus Pro sans identifiant PIGP".to_string()
                } else {
                    user.status.label().to_string()
                }
            ),
        ));
    }
    Ok(())
}

/// R18: a reset asked from another address than the registered one is a suspected usurpation; the new password
/// only ever goes to the registered address.
pub fn check_reset_origin(requester: &Email, user: &User) -> Result<(), Refusal> {
    if requester == &user.email {
        return Ok(());
    }
    Err(Refusal::rule(
        Rule::R18,
        Some("requester.email"),
        format!(
            "demande de réinitialisation venue de {requester}, qui n'est pas l'adresse enregistrée de l'utilisateur ({}) : tentative d'usurpation possible ; le nouveau mot de passe ne part que vers l'adresse enregistrée",
            user.email
        ),
    ))
}

/// R18: the registered e-mail is never changed by a reset dossier, nor while a reset of the user is open.
pub fn check_email_change(
    kind: Kind,
    open_reset: Option<DossierId>,
    user: &User,
) -> Result<(), Refusal> {
    if kind == Kind::Reinitialisation {
        return Err(Refusal::rule(
            Rule::R18,
            Some("new_email"),
            "la modification de l'adresse courriel ne doit jamais être réalisée à l'occasion d'une demande de réinitialisation du mot de passe",
        ));
    }
    if let Some(reset) = open_reset {
        return Err(Refusal::rule(
            Rule::R18,
            Some("new_email"),
            format!(
                "une réinitialisation du mot de passe de {} est en cours (dossier {reset}) : son adresse ne change pas tant qu'elle n'est pas close",
                user.email
            ),
        ));
    }
    Ok(())
}

/// R15: a user is deleted from ASPASIE once he has left, unless he keeps Chorus Pro or another PIGP application
/// without a new identifier elsewhere.
pub fn check_deletion(user: &User) -> Result<(), Refusal> {
    match user.status {
        UserStatus::Actif => Err(Refusal::rule(
            Rule::R15,
            Some("email"),
            format!(
                "{} n'a pas quitté ses fonctions : enregistrez d'abord son départ (user.depart)",
                user.email
            ),
        )),
        UserStatus::Sorti if user.keeps_pigp_apps && !user.new_pigp_elsewhere => {
            Err(Refusal::rule(
                Rule::R15,
                Some("email"),
                format!(
                    "{} conserve Chorus Pro ou une autre application du PIGP et n'a pas de nouvel identifiant ailleurs : son compte ASPASIE reste",
                    user.email
                ),
            ))
        }
        _ => Ok(()),
    }
}
