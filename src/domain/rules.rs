//! The rules of the note de service (DESIGN.md §4) as pure functions over the records they need.
//!
//! Each returns `Ok` or the `Refusal` naming its rule; the derivations R6 (population) and R7 (codique) return the
//! derived value. What to read from the store, and when in a dossier's life to apply which rule, is `desk/`'s job.

use super::chorus::Role;
use super::dossier::{Channel, DocumentKind, Documents, Kind, Person, Requester};
use super::ids::Email;
use super::operator::{Direction, Referent};
use super::reference;
use super::refusal::{Refusal, Rule};
use super::structure::{Category, Population, Structure};
use super::user::{User, UserStatus};

/// R2: the channel by which a habilitation or a modification for this structure must come.
pub fn expected_channel(structure: &Structure) -> Channel {
    if structure.category == Category::Eple {
        Channel::Referent
    } else if structure.has_comptable {
        Channel::AgentComptable
    } else {
        Channel::FaceAFace
    }
}

/// R2 at reception: habilitations and modifications come by the channel of the structure's category.
pub fn check_channel(kind: Kind, channel: Channel, structure: &Structure) -> Result<(), Refusal> {
    if !matches!(kind, Kind::Habilitation | Kind::Modification) {
        return Ok(());
    }
    let expected = expected_channel(structure);
    if channel == expected {
        return Ok(());
    }
    let why = match expected {
        Channel::Referent => {
            "un EPLE transmet sa demande au référent facturation électronique du rectorat, qui la consolide et l'envoie à la DDFiP/DRFiP du siège de l'académie"
        }
        Channel::AgentComptable => {
            "une structure dotée d'un comptable public passe par son agent comptable, tiers de confiance"
        }
        _ => {
            "une structure sans comptable public signe le contrat de service en face à face, pièce d'identité à l'appui"
        }
    };
    Err(Refusal::rule(
        Rule::R2,
        Some("channel"),
        format!(
            "la demande pour {} ({}) doit venir par le canal « {} », pas « {} » : {why}",
            structure.name,
            structure.category.wire(),
            expected.label(),
            channel.label()
        ),
    ))
}

/// R1: the departments whose direction is competent for a structure. An EPLE is handled by the direction of the
/// seat of its académie (§1.2.1); a structure with a comptable public by the direction where it is located, or,
/// when it has a seat in another department, by that of the seat, where requests "peuvent être centralisées"
/// (§1.1.1); one without comptable public only where it is located, for the face-à-face (§1.3).
pub fn competent_departements(structure: &Structure) -> Vec<String> {
    if structure.category == Category::Eple {
        return match reference::academie_of(&structure.departement) {
            Some(academie) => vec![academie.seat.to_string()],
            None => vec![structure.departement.clone()],
        };
    }
    let mut departements = vec![structure.departement.clone()];
    if structure.has_comptable
        && let Some(seat) = &structure.siege_departement
        && seat != &structure.departement
    {
        departements.push(seat.clone());
    }
    departements
}

/// The direction covering a department, if any.
pub fn direction_covering<'a>(
    departement: &str,
    directions: &'a [Direction],
) -> Option<&'a Direction> {
    directions
        .iter()
        .find(|d| d.departements.iter().any(|c| c == departement))
}

/// R1 at qualification: the dossier's direction is competent for the structure.
pub fn check_competence(
    dossier_direction: &str,
    structure: &Structure,
    directions: &[Direction],
) -> Result<(), Refusal> {
    let departements = competent_departements(structure);
    let competent: Vec<&Direction> = departements
        .iter()
        .filter_map(|d| direction_covering(d, directions))
        .collect();
    if competent.iter().any(|d| d.code == dossier_direction) {
        return Ok(());
    }
    let place = if structure.category == Category::Eple {
        format!(
            "un EPLE relève de la direction du siège de son académie ({}, département {})",
            structure.academie.as_deref().unwrap_or("académie inconnue"),
            departements[0]
        )
    } else {
        format!(
            "la structure est située dans le département {}",
            structure.departement
        )
    };
    let message = match competent.first() {
        Some(d) => format!(
            "{dossier_direction} n'est pas compétente pour {} : {place} ; transmettez le dossier à {} ({}), BALF {}",
            structure.name, d.name, d.code, d.balf
        ),
        None => format!(
            "aucune direction enregistrée ne couvre le département {} ({place}) ; ajoutez-la avant de qualifier",
            departements.join(" ou ")
        ),
    };
    Err(Refusal::rule(Rule::R1, Some("direction"), message))
}

/// R1 for a dossier about an existing user: competent for one of that user's structures.
pub fn check_competence_for_user(
    dossier_direction: &str,
    structures: &[Structure],
    directions: &[Direction],
) -> Result<(), Refusal> {
    let mut first_refusal = None;
    for structure in structures {
        match check_competence(dossier_direction, structure, directions) {
            Ok(()) => return Ok(()),
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
            }
        }
    }
    Err(first_refusal.unwrap_or_else(|| {
        Refusal::rule(
            Rule::R1,
            Some("user"),
            "l'utilisateur n'a ni droit ni rattachement sur une structure : aucune direction n'est compétente",
        )
    }))
}

/// R3 at qualification: the requester has the quality the channel supposes.
pub fn check_requester(
    channel: Channel,
    requester: &Requester,
    structure: &Structure,
    referents: &[Referent],
    persons: &[Person],
) -> Result<(), Refusal> {
    let refuse = |message: String| Err(Refusal::rule(Rule::R3, Some("requester.email"), message));
    match channel {
        Channel::AgentComptable => match &structure.comptable {
            Some(comptable) if comptable.email == requester.email => Ok(()),
            Some(comptable) => refuse(format!(
                "{} n'est pas l'agent comptable de {} ; seul l'agent comptable ({}, {}) peut demander l'habilitation, en tiers de confiance",
                requester.email, structure.name, comptable.name, comptable.email
            )),
            None => refuse(format!(
                "aucun agent comptable n'est enregistré pour {} : vérifiez l'annuaire des agents comptables et complétez la fiche de la structure",
                structure.name
            )),
        },
        Channel::Referent => {
            let academie = structure.academie.as_deref().unwrap_or("");
            let of_academie: Vec<&Referent> = referents
                .iter()
                .filter(|r| r.academie == academie)
                .collect();
            if of_academie.iter().any(|r| r.email == requester.email) {
                Ok(())
            } else if of_academie.is_empty() {
                refuse(format!(
                    "aucun référent facturation électronique n'est enregistré pour l'académie {academie}"
                ))
            } else {
                refuse(format!(
                    "{} n'est pas le référent facturation électronique de l'académie {academie} ({})",
                    requester.email,
                    of_academie
                        .iter()
                        .map(|r| r.email.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
        Channel::FaceAFace => {
            if persons.iter().any(|p| p.email == requester.email) {
                Ok(())
            } else {
                refuse(format!(
                    "en face à face, le demandeur ({}) doit être l'une des personnes à habiliter, qui signe le contrat et présente sa pièce d'identité",
                    requester.email
                ))
            }
        }
        Channel::Utilisateur | Channel::Interne => Ok(()),
    }
}

/// R3 for a dossier about an existing user (a modification): in face à face the requester is the user himself;
/// otherwise he has the quality the channel supposes for one of the user's structures.
pub fn check_requester_for_user(
    channel: Channel,
    requester: &Requester,
    user_email: &Email,
    structures: &[Structure],
    referents: &[Referent],
) -> Result<(), Refusal> {
    if channel == Channel::FaceAFace {
        if &requester.email == user_email {
            return Ok(());
        }
        return Err(Refusal::rule(
            Rule::R3,
            Some("requester.email"),
            format!(
                "en face à face, la demande vient de l'utilisateur lui-même ({user_email}), pas de {}",
                requester.email
            ),
        ));
    }
    let mut first_refusal = None;
    for structure in structures {
        match check_requester(channel, requester, structure, referents, &[]) {
            Ok(()) => return Ok(()),
            Err(r) => {
                first_refusal.get_or_insert(r);
            }
        }
    }
    first_refusal.map_or(Ok(()), Err)
}

/// R4: the pieces a channel requires before creation in ASPASIE.
pub fn required_documents(channel: Channel) -> &'static [DocumentKind] {
    match channel {
        Channel::AgentComptable | Channel::Referent => &[
            DocumentKind::ContratService,
            DocumentKind::ListeUtilisateurs,
        ],
        Channel::FaceAFace => &[
            DocumentKind::ContratService,
            DocumentKind::PieceIdentite,
            DocumentKind::FaceAFace,
        ],
        Channel::Utilisateur | Channel::Interne => &[],
    }
}

pub fn missing_documents(channel: Channel, documents: &Documents) -> Vec<DocumentKind> {
    required_documents(channel)
        .iter()
        .copied()
        .filter(|kind| documents.get(*kind).is_none())
        .collect()
}

/// R4 at creation in ASPASIE.
pub fn check_documents(channel: Channel, documents: &Documents) -> Result<(), Refusal> {
    let missing = missing_documents(channel, documents);
    if missing.is_empty() {
        return Ok(());
    }
    Err(Refusal::rule(
        Rule::R4,
        Some("documents"),
        format!(
            "pièces manquantes avant la création dans ASPASIE : {}",
            missing
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// R5: an ASPASIE address must be professional and nominative.
pub fn check_nominative(field: &str, email: &Email) -> Result<(), Refusal> {
    if reference::is_personal_webmail(email.domain()) {
        return Err(Refusal::rule(
            Rule::R5,
            Some(field),
            format!(
                "{email} est une messagerie personnelle ({}) : l'adresse doit être professionnelle",
                email.domain()
            ),
        ));
    }
    if reference::is_generic_local_part(email.local_part()) {
        return Err(Refusal::rule(
            Rule::R5,
            Some(field),
            format!(
                "{email} est une adresse générique : la mention d'une adresse générique est prohibée, donnez l'adresse nominative de la personne"
            ),
        ));
    }
    Ok(())
}

/// R6: the ASPASIE population, SSLSPL for the EPL and EPLE, SSLEPN for all others. Never refuses.
pub fn population(category: Category) -> Population {
    if category.is_local_teaching() {
        Population::Sslspl
    } else {
        Population::Sslepn
    }
}

/// R7: the codique of the direction where the establishment is located (not the académie's seat).
pub fn codique(structure: &Structure, directions: &[Direction]) -> Result<String, Refusal> {
    direction_covering(&structure.departement, directions)
        .map(|d| d.codique.clone())
        .ok_or_else(|| {
            Refusal::rule(
                Rule::R7,
                Some("siret"),
                format!(
                    "aucune direction ne couvre le département {} où est située {} : son codique ne peut pas être déduit",
                    structure.departement, structure.name
                ),
            )
        })
}

/// R8: rights are opened in MADRHAS only for a user created in ASPASIE.
pub fn check_created_in_aspasie(email: &Email, user: Option<&User>) -> Result<(), Refusal> {
    match user {
        Some(u) if u.pigp_id.is_some() && u.status == UserStatus::Actif => Ok(()),
        _ => Err(Refusal::rule(
            Rule::R8,
            Some("email"),
            format!(
                "{email} n'est pas encore créé dans ASPASIE : créez d'abord l'utilisateur (identifiant PIGP), puis ouvrez ses droits dans MADRHAS"
            ),
        )),
    }
}

/// R9: a GP or GS must have a PIGP identifier.
pub fn check_pigp_for_manager(role: Role, user: &User, field: &str) -> Result<(), Refusal> {
    if role == Role::User || user.pigp_id.is_some() {
        return Ok(());
    }
    Err(Refusal::rule(
        Rule::R9,
        Some(field),
        format!(
            "{} n'a pas d'identifiant PIGP : seul un utilisateur doté d'un identifiant PIGP (-xt) peut être {}",
            user.display_name(),
            role.label()
        ),
    ))
}

/// R10: the correspondant creates only gestionnaires; simple users create their account in Chorus Pro.
pub fn check_person_role(role: Role, field: &str) -> Result<(), Refusal> {
    if role != Role::User {
        return Ok(());
    }
    Err(Refusal::rule(
        Rule::R10,
        Some(field),
        "un utilisateur simple crée lui-même son compte sur le portail Chorus Pro et demande son rattachement, validé par le gestionnaire principal ou un gestionnaire secondaire",
    ))
}

/// R12 at qualification of a referent habilitation: a person who already holds an active PIGP identifier in a
/// structure of the same académie moves by rattachement in Chorus Pro, not by a new creation.
/// `holder_academies` are the académies of the structures where the existing user has rights or attachments.
pub fn check_no_intra_academic_move(
    field: &str,
    person: &Person,
    holder: Option<&User>,
    holder_academies: &[String],
    academie: &str,
) -> Result<(), Refusal> {
    let Some(user) = holder else { return Ok(()) };
    let Some(pigp) = &user.pigp_id else {
        return Ok(());
    };
    if user.status != UserStatus::Actif || !holder_academies.iter().any(|a| a == academie) {
        return Ok(());
    }
    Err(Refusal::rule(
        Rule::R12,
        Some(field),
        format!(
            "{} {} est déjà habilité(e) dans l'académie {academie} (identifiant {pigp}) : pas de nouvelle création ; il/elle demande son rattachement à l'EPLE d'arrivée dans Chorus Pro (Espace Mon compte > Mes rattachements aux structures > Demander un rattachement), le gestionnaire principal d'arrivée le valide, puis le rattachement à l'EPLE de départ est supprimé",
            person.prenom, person.nom
        ),
    ))
}

/// R13: a dossier cannot be qualified while a person's address is not active.
pub fn check_addresses_active(persons: &[Person]) -> Result<(), Refusal> {
    let waiting: Vec<&str> = persons
        .iter()
        .filter(|p| !p.email_active)
        .map(|p| p.email.as_str())
        .collect();
    if waiting.is_empty() {
        return Ok(());
    }
    Err(Refusal::rule(
        Rule::R13,
        Some("persons"),
        format!(
            "adresses pas encore en service : {} ; le dossier reste en attente jusqu'à la confirmation de chacune",
            waiting.join(", ")
        ),
    ))
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
