//! A structure publique known by its SIRET (DESIGN.md §3): its category decides the channel of its requests (R2),
//! its comptable public the requester's quality (R3), its department the competent direction (R1) and the codique
//! of its users (R7), its category the population (R6).

use super::ids::{Email, Siret, Uai};
use serde::{Deserialize, Serialize};

crate::wire_enum!(
    /// The categories of the note: who sends requests and how depends on them.
    Category, "catégorie", {
        Epn => "EPN" ("établissement public national"),
        Eple => "EPLE" ("établissement public local d'enseignement"),
        Eplefpa => "EPLEFPA" ("établissement public local d'enseignement et de formation professionnelle agricole") | "eplfpa",
        EplMer => "EPL_MER" ("établissement public local d'enseignement maritime") | "eple_mer",
        Gip => "GIP" ("groupement d'intérêt public"),
        Gcs => "GCS" ("groupement de coopération sanitaire"),
        Gcsms => "GCSMS" ("groupement de coopération sociale et médico-sociale"),
        Cci => "CCI" ("chambre de commerce et d'industrie"),
        Cma => "CMA" ("chambre de métiers et de l'artisanat"),
        Oph => "OPH" ("office public de l'habitat"),
        Sem => "SEM" ("société d'économie mixte"),
        Autre => "AUTRE" ("autre organisme"),
    }
);

crate::wire_enum!(
    /// The ASPASIE population of a user (§2.3.1).
    Population, "population", {
        Sslepn => "SSLEPN" ("SSLEPN"),
        Sslspl => "SSLSPL" ("SSLSPL"),
    }
);

impl Category {
    /// Whether a structure of this category has a comptable public when the record does not say: `None` when the
    /// category leaves it open (GIP, GCS, GCSMS, OPH, AUTRE must say it).
    pub fn default_has_comptable(self) -> Option<bool> {
        match self {
            Category::Epn | Category::Eple | Category::Eplefpa | Category::EplMer => Some(true),
            Category::Cci | Category::Cma | Category::Sem => Some(false),
            Category::Gip | Category::Gcs | Category::Gcsms | Category::Oph | Category::Autre => {
                None
            }
        }
    }

    /// EPLE, EPLEFPA and EPL Mer are the "EPL et EPLE" of §2.3.1.
    pub fn is_local_teaching(self) -> bool {
        matches!(self, Category::Eple | Category::Eplefpa | Category::EplMer)
    }
}

/// The agent comptable of a structure, the trusted third party of §1.1.2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comptable {
    pub name: String,
    pub email: Email,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Structure {
    pub siret: Siret,
    pub name: String,
    pub category: Category,
    pub has_comptable: bool,
    pub comptable: Option<Comptable>,
    pub address: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    /// Where the establishment is located (derived from the postal code unless given).
    pub departement: String,
    /// The académie of that department.
    pub academie: Option<String>,
    pub uai: Option<Uai>,
    /// The department of the seat, for an establishment present in several departments (§1.1.1).
    pub siege_departement: Option<String>,
    pub active: bool,
}
