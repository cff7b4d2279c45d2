//! What exists in MADRHAS and in Chorus Pro once a user is created: rights on SIRETs (MADRHAS) and attachments of
//! users to structures with their role (Chorus Pro rattachements, §2.1 and §2.2).

use super::ids::{DossierId, Siret};
use super::user::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

crate::wire_enum!(
    /// The role of a person in a structure: gestionnaire principal, secondaire, or simple user.
    Role, "rôle", {
        Gp => "gp" ("gestionnaire principal") | "gestionnaire_principal",
        Gs => "gs" ("gestionnaire secondaire") | "gestionnaire_secondaire",
        User => "user" ("utilisateur simple") | "utilisateur" | "utilisateur_simple",
    }
);

crate::wire_enum!(
    AttachmentStatus, "statut de rattachement", {
        Demande => "demande" ("demandé") | "demandee",
        Actif => "actif" ("actif"),
        Refuse => "refuse" ("refusé"),
        Supprime => "supprime" ("supprimé"),
    }
);

/// Chorus Pro access opened in MADRHAS for a user on a SIRET (§2.3.1, 2°).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Right {
    pub user: UserId,
    pub siret: Siret,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub dossier: Option<DossierId>,
}

/// A user's rattachement to a structure in Chorus Pro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub siret: Siret,
    pub user: UserId,
    pub role: Role,
    pub status: AttachmentStatus,
    /// The GP profile is held temporarily, until the successor is habilitated (§2.2).
    pub interim: bool,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The operator, or the e-mail of the Chorus Pro user, who decided.
    pub decided_by: Option<String>,
}

impl Attachment {
    pub fn is_active_gp(&self) -> bool {
        self.status == AttachmentStatus::Actif && self.role == Role::Gp
    }
}
