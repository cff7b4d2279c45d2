//! A user of Chorus Pro: an ASPASIE account with its PIGP identifier, or a self-service Chorus Pro account without
//! one (a simple user, introduction of the note).

use super::ids::{DossierId, Email, PigpId};
use super::structure::Population;
use serde::{Deserialize, Serialize};

/// The internal key of a user: the e-mail can change (by a modification dossier), the key does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub u64);

crate::wire_enum!(
    Civilite, "civilité", {
        M => "M" ("M.") | "monsieur" | "mr" | "m.",
        Mme => "MME" ("Mme") | "madame" | "mme.",
    }
);

crate::wire_enum!(
    UserStatus, "statut d'utilisateur", {
        Actif => "actif" ("actif") | "active",
        Sorti => "sorti" ("sorti") | "sortie",
        Supprime => "supprime" ("supprimé") | "supprimee",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub civilite: Civilite,
    pub nom: String,
    pub prenom: String,
    pub email: Email,
    pub fonction: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// `None` for a self-service Chorus Pro account.
    pub pigp_id: Option<PigpId>,
    pub population: Option<Population>,
    pub codique: Option<String>,
    pub status: UserStatus,
    pub keeps_pigp_apps: bool,
    pub new_pigp_elsewhere: bool,
    /// The dossier in which the ASPASIE account was created.
    pub created_by: Option<DossierId>,
    /// The last password reset recorded (§3).
    pub last_reset_on: Option<chrono::NaiveDate>,
}

impl User {
    pub fn display_name(&self) -> String {
        format!("{} {} {}", self.civilite.label(), self.prenom, self.nom)
    }

    /// The directory's order: the name, folded (case and accents ignored).
    pub fn sort_name(&self) -> String {
        super::ids::fold(&format!("{} {}", self.nom, self.prenom))
    }

    /// What the directory's filter searches, folded: name, e-mail, PIGP identifier (or "compte Chorus Pro"),
    /// population, codique and status.
    pub fn search_text(&self) -> String {
        super::ids::fold(&format!(
            "{} {} {} {} {} {} {}",
            self.nom,
            self.prenom,
            self.email,
            self.pigp_id
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "compte chorus pro".to_string()),
            self.population
                .map(|p| p.label().to_string())
                .unwrap_or_default(),
            self.codique.as_deref().unwrap_or_default(),
            self.status.label()
        ))
    }
}
