//! The people of the DGFiP side: directions (DDFiP/DRFiP) with the departments they cover, the operators of guichet
//! (the correspondants) and the référents facturation électronique of the rectorats.

use super::ids::Email;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Direction {
    /// E.g. `DDFIP92`.
    pub code: String,
    pub name: String,
    /// Digits, 3 to 9: the codique of the poste comptable gestionnaire given to the users it creates (§2.3.1).
    pub codique: String,
    pub departements: Vec<String>,
    /// Its functional mailbox (BALF), where requests must be sent.
    pub balf: Email,
}

crate::wire_enum!(
    /// What an operator of guichet may do.
    OperatorRole, "rôle d'opérateur", {
        Admin => "admin" ("administrateur"),
        Correspondant => "correspondant" ("correspondant") | "correspondante",
        Lecteur => "lecteur" ("lecteur") | "lectrice",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub login: String,
    pub name: String,
    /// `None` only for the administrator created on an empty database.
    pub direction: Option<String>,
    pub role: OperatorRole,
}

/// The référent facturation électronique of an académie (§1.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referent {
    /// The académie's name as the referentiel spells it.
    pub academie: String,
    pub name: String,
    pub email: Email,
}
