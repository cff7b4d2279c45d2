//! A dossier: one request received by a direction (an e-mail, a face-à-face), followed from reception to closure.
//! Its status moves `recue → qualifiee → traitee` (DESIGN.md §3) and its corbeille, derived from status, kind and
//! progress, says which queue of the Dossiers espace it stands in.

use super::chorus::Role;
use super::ids::{DossierId, Email, Siret};
use super::structure::Population;
use super::user::{Civilite, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

crate::wire_enum!(
    Kind, "nature de dossier", {
        Habilitation => "habilitation" ("Habilitation") | "creation",
        Reinitialisation => "reinitialisation" ("Réinitialisation") | "reinitialisation_mot_de_passe",
        Modification => "modification" ("Modification"),
        Suppression => "suppression" ("Suppression") | "sortie",
    }
);

crate::wire_enum!(
    /// How the request reached the direction (§1.1, §1.2, §1.3, §3).
    Channel, "canal", {
        AgentComptable => "agent_comptable" ("agent comptable"),
        Referent => "referent" ("référent académique") | "referent_academique",
        FaceAFace => "face_a_face" ("face à face"),
        Utilisateur => "utilisateur" ("l'utilisateur lui-même"),
        Interne => "interne" ("interne"),
    }
);

crate::wire_enum!(
    Status, "statut de dossier", {
        Recue => "recue" ("reçu") | "recu",
        EnAttente => "en_attente" ("en attente d'adresses"),
        Qualifiee => "qualifiee" ("qualifié") | "qualifie",
        Traitee => "traitee" ("traité") | "traite",
        Rejetee => "rejetee" ("rejeté") | "rejete",
        Transmise => "transmise" ("transmis") | "transmis",
    }
);

crate::wire_enum!(
    /// The pièces justificatives of §1.1.2 and §1.3.
    DocumentKind, "pièce", {
        ContratService => "contrat_service" ("contrat de service signé") | "contrat_de_service",
        ListeUtilisateurs => "liste_utilisateurs" ("liste des utilisateurs") | "liste_des_utilisateurs",
        PieceIdentite => "piece_identite" ("copie de la pièce d'identité") | "piece_d_identite",
        FaceAFace => "face_a_face" ("face à face tenu"),
    }
);

impl Status {
    /// A final status: nothing more happens to the dossier.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Traitee | Status::Rejetee | Status::Transmise)
    }
}

/// The dates on which each piece was received (or the face-à-face held).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Documents {
    pub contrat_service: Option<NaiveDate>,
    pub liste_utilisateurs: Option<NaiveDate>,
    pub piece_identite: Option<NaiveDate>,
    pub face_a_face: Option<NaiveDate>,
}

impl Documents {
    pub fn get(&self, kind: DocumentKind) -> Option<NaiveDate> {
        match kind {
            DocumentKind::ContratService => self.contrat_service,
            DocumentKind::ListeUtilisateurs => self.liste_utilisateurs,
            DocumentKind::PieceIdentite => self.piece_identite,
            DocumentKind::FaceAFace => self.face_a_face,
        }
    }

    pub fn set(&mut self, kind: DocumentKind, on: NaiveDate) {
        let slot = match kind {
            DocumentKind::ContratService => &mut self.contrat_service,
            DocumentKind::ListeUtilisateurs => &mut self.liste_utilisateurs,
            DocumentKind::PieceIdentite => &mut self.piece_identite,
            DocumentKind::FaceAFace => &mut self.face_a_face,
        };
        *slot = Some(on);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: String,
    pub email: Email,
}

/// A person whose habilitation the dossier asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub civilite: Civilite,
    pub nom: String,
    pub prenom: String,
    pub email: Email,
    pub role: Role,
    /// The SIRETs to open in MADRHAS; empty means the dossier's SIRET.
    pub sirets: Vec<Siret>,
    pub fonction: Option<String>,
    /// False while the professional address is not yet in service (R13).
    pub email_active: bool,
    /// The ASPASIE account, once created.
    pub user: Option<UserId>,
    /// The ASPASIE population and codique given at creation.
    pub population: Option<Population>,
    pub codique: Option<String>,
    /// Rights opened in MADRHAS through this dossier.
    pub madrhas_opened: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub id: DossierId,
    /// The operator's unique reference (e.g. the e-mail's subject).
    pub reference: String,
    pub kind: Kind,
    pub channel: Channel,
    /// The code of the direction that received it.
    pub direction: String,
    pub siret: Option<Siret>,
    pub requester: Requester,
    pub received_on: NaiveDate,
    pub lot: Option<String>,
    pub persons: Vec<Person>,
    /// For a reset, modification or removal: the e-mail of the existing user.
    pub user: Option<Email>,
    /// That user's key, resolved at reception: his e-mail may change, the dossier stays his.
    pub user_id: Option<UserId>,
    pub documents: Documents,
    pub status: Status,
    pub assignee: Option<String>,
    pub notes: Vec<Note>,
    pub registered_at: DateTime<Utc>,
    pub registered_by: String,
    pub reject_reason: Option<String>,
    pub forwarded_to: Option<String>,
    pub forwarded_from: Option<DossierId>,
    pub closed_on: Option<NaiveDate>,
}

crate::wire_enum!(
    /// The queues of the Dossiers espace (DESIGN.md §7). `a_cloturer` is guichet's addition: a habilitation whose
    /// persons are all created and habilitated, waiting for its closure.
    Corbeille, "corbeille", {
        AQualifier => "a_qualifier" ("À qualifier"),
        EnAttenteAdresses => "en_attente_adresses" ("En attente d'adresses"),
        PiecesManquantes => "pieces_manquantes" ("Pièces manquantes"),
        ACreerAspasie => "a_creer_aspasie" ("À créer dans ASPASIE"),
        AHabiliterMadrhas => "a_habiliter_madrhas" ("À habiliter dans MADRHAS"),
        ACloturer => "a_cloturer" ("À clôturer"),
        Reinitialisations => "reinitialisations" ("Réinitialisations"),
        Modifications => "modifications" ("Modifications"),
        Sorties => "sorties" ("Sorties"),
        Traitees => "traitees" ("Traitées"),
        Rejetees => "rejetees" ("Rejetées"),
        Transmises => "transmises" ("Transmises"),
    }
);

impl Corbeille {
    /// A stable one-byte code for index keys and counters.
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Corbeille> {
        Corbeille::ALL.get(usize::from(code)).copied()
    }

    /// The corbeilles of work still to do (the Accueil counts them).
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Corbeille::Traitees | Corbeille::Rejetees | Corbeille::Transmises
        )
    }
}

impl Dossier {
    /// The queue this dossier stands in, derived from its status, its kind and its progress.
    pub fn corbeille(&self) -> Corbeille {
        match self.status {
            Status::Recue => Corbeille::AQualifier,
            Status::EnAttente => Corbeille::EnAttenteAdresses,
            Status::Traitee => Corbeille::Traitees,
            Status::Rejetee => Corbeille::Rejetees,
            Status::Transmise => Corbeille::Transmises,
            Status::Qualifiee => match self.kind {
                Kind::Reinitialisation => Corbeille::Reinitialisations,
                Kind::Modification => Corbeille::Modifications,
                Kind::Suppression => Corbeille::Sorties,
                Kind::Habilitation => {
                    if !super::rules::missing_documents(self.channel, &self.documents).is_empty() {
                        Corbeille::PiecesManquantes
                    } else if self.persons.iter().any(|p| p.user.is_none()) {
                        Corbeille::ACreerAspasie
                    } else if self.persons.iter().any(|p| !p.madrhas_opened) {
                        Corbeille::AHabiliterMadrhas
                    } else {
                        Corbeille::ACloturer
                    }
                }
            },
        }
    }

    /// The person of this dossier with that e-mail.
    pub fn person(&self, email: &Email) -> Option<(usize, &Person)> {
        self.persons
            .iter()
            .enumerate()
            .find(|(_, p)| &p.email == email)
    }

    /// The SIRETs a person's rights are opened on: his own list, or the dossier's SIRET.
    pub fn sirets_of(&self, person: &Person) -> Vec<Siret> {
        if person.sirets.is_empty() {
            self.siret.into_iter().collect()
        } else {
            person.sirets.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Corbeille;

    /// The codes are written in the index keys and counters of existing databases: they never change.
    #[test]
    fn corbeille_codes_are_stable() {
        let codes: Vec<(u8, &str)> = Corbeille::ALL
            .iter()
            .map(|c| (c.code(), c.wire()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (0, "a_qualifier"),
                (1, "en_attente_adresses"),
                (2, "pieces_manquantes"),
                (3, "a_creer_aspasie"),
                (4, "a_habiliter_madrhas"),
                (5, "a_cloturer"),
                (6, "reinitialisations"),
                (7, "modifications"),
                (8, "sorties"),
                (9, "traitees"),
                (10, "rejetees"),
                (11, "transmises"),
            ]
        );
        for c in Corbeille::ALL {
            assert_eq!(Corbeille::from_code(c.code()), Some(*c));
        }
    }
}
