//! The batch vocabulary of DESIGN.md §6 as typed commands. A JSON line becomes a `Command` in two steps: the
//! `cmd` name must be known (else `syntax`), then its fields are parsed into domain types (else `validation`
//! naming the field), so that the desk only ever holds valid identifiers.

use crate::domain::Refusal;
use crate::domain::chorus::Role;
use crate::domain::dossier::{Channel, DocumentKind, Kind};
use crate::domain::ids::{Email, PigpId, Siret, Uai};
use crate::domain::operator::OperatorRole;
use crate::domain::structure::Category;
use crate::domain::user::Civilite;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectionAdd {
    pub code: String,
    pub name: String,
    pub codique: String,
    pub departements: Vec<String>,
    pub balf: Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorAdd {
    pub login: String,
    pub name: String,
    #[serde(default)]
    pub direction: Option<String>,
    pub role: OperatorRole,
}

/// Changes an operator's name, direction or role (administrators only; the name of oneself too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorUpdate {
    pub login: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub role: Option<OperatorRole>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferentAdd {
    pub academie: String,
    pub name: String,
    pub email: Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComptableIn {
    pub name: String,
    pub email: Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureAdd {
    pub siret: Siret,
    pub name: String,
    pub category: Category,
    #[serde(default)]
    pub has_comptable: Option<bool>,
    #[serde(default)]
    pub comptable: Option<ComptableIn>,
    #[serde(default)]
    pub address: Option<String>,
    pub postal_code: String,
    pub city: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub departement: Option<String>,
    #[serde(default)]
    pub uai: Option<Uai>,
    #[serde(default)]
    pub siege_departement: Option<String>,
}

/// Every field but the SIRET may change; absent fields are left as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureUpdate {
    pub siret: Siret,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub category: Option<Category>,
    #[serde(default)]
    pub has_comptable: Option<bool>,
    #[serde(default)]
    pub comptable: Option<ComptableIn>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub departement: Option<String>,
    #[serde(default)]
    pub uai: Option<Uai>,
    #[serde(default)]
    pub siege_departement: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequesterIn {
    pub name: String,
    pub email: Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    pub civilite: Civilite,
    pub nom: String,
    pub prenom: String,
    pub email: Email,
    pub role: Role,
    #[serde(default)]
    pub sirets: Vec<Siret>,
    #[serde(default)]
    pub fonction: Option<String>,
    #[serde(default)]
    pub email_active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierReceive {
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: Kind,
    pub channel: Channel,
    #[serde(default)]
    pub siret: Option<Siret>,
    #[serde(default)]
    pub user: Option<Email>,
    #[serde(default)]
    pub direction: Option<String>,
    pub requester: RequesterIn,
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    #[serde(default)]
    pub lot: Option<String>,
    #[serde(default)]
    pub persons: Vec<PersonIn>,
}

/// Persons added to a habilitation before its qualification (the annexed list of a contrat de service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierPersons {
    pub dossier: String,
    pub persons: Vec<PersonIn>,
}

/// A command about one dossier, named by its number or its reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierOnly {
    pub dossier: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierDocument {
    pub dossier: String,
    pub document: DocumentKind,
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierEmail {
    pub dossier: String,
    pub email: Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierForward {
    pub dossier: String,
    pub direction: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierReject {
    pub dossier: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierAssign {
    pub dossier: String,
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierNote {
    pub dossier: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AspasieCreate {
    pub dossier: String,
    pub email: Email,
    #[serde(default)]
    pub pigp_id: Option<PigpId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MadrhasRevoke {
    pub email: Email,
    pub siret: Siret,
}

/// A self-service Chorus Pro account: a simple user, without PIGP identifier (introduction of the note).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChorusAccount {
    pub email: Email,
    pub civilite: Civilite,
    pub nom: String,
    pub prenom: String,
}

/// Espace Mon compte > Mes rattachements aux structures > Demander un rattachement, acted as `by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    pub by: Email,
    pub siret: Siret,
}

/// A gestionnaire's (or the user's own) action on a user's rattachement, acted as `by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentAction {
    pub by: Email,
    pub user: Email,
    pub siret: Siret,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRefuse {
    pub by: Email,
    pub user: Email,
    pub siret: Siret,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The GP hands his profile to a successor, or temporarily to an interim (§2.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagerTransfer {
    pub by: Email,
    pub to: Email,
    pub siret: Siret,
    #[serde(default)]
    pub interim: Option<bool>,
}

/// Changes to a user's fields within a qualified modification dossier; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    pub dossier: String,
    pub email: Email,
    #[serde(default)]
    pub new_email: Option<Email>,
    #[serde(default)]
    pub civilite: Option<Civilite>,
    #[serde(default)]
    pub nom: Option<String>,
    #[serde(default)]
    pub prenom: Option<String>,
    #[serde(default)]
    pub fonction: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// A user leaves his functions (§2.3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserDepart {
    pub email: Email,
    #[serde(default)]
    pub dossier: Option<String>,
    #[serde(default)]
    pub keeps_pigp_apps: Option<bool>,
    #[serde(default)]
    pub new_pigp_elsewhere: Option<bool>,
}

/// Deletion from ASPASIE (§2.3.2); revokes the MADRHAS rights in the same transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AspasieDelete {
    pub email: Email,
    #[serde(default)]
    pub dossier: Option<String>,
}

macro_rules! commands {
    ($($wire:literal => $variant:ident($args:ty)),+ $(,)?) => {
        /// One command of the batch vocabulary.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "cmd")]
        pub enum Command {
            $(#[serde(rename = $wire)] $variant($args)),+
        }

        impl Command {
            /// Every command name of the vocabulary, for the help and the palette.
            pub const NAMES: &'static [&'static str] = &[$($wire),+];

            /// The command's name in the batch vocabulary.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Command::$variant(_) => $wire),+
                }
            }

            fn from_fields(name: &str, value: serde_json::Value) -> Result<Command, Refusal> {
                match name {
                    $($wire => fields::<$args>(value).map(Command::$variant),)+
                    other => Err(Refusal::syntax(format!(
                        "commande inconnue « {other} » ; commandes admises : {}",
                        Command::NAMES.join(", ")
                    ))),
                }
            }
        }
    };
}

commands! {
    "direction.add" => DirectionAdd(DirectionAdd),
    "operator.add" => OperatorAdd(OperatorAdd),
    "operator.update" => OperatorUpdate(OperatorUpdate),
    "referent.add" => ReferentAdd(ReferentAdd),
    "structure.add" => StructureAdd(StructureAdd),
    "structure.update" => StructureUpdate(StructureUpdate),
    "dossier.receive" => DossierReceive(DossierReceive),
    "dossier.add_persons" => DossierAddPersons(DossierPersons),
    "dossier.qualify" => DossierQualify(DossierOnly),
    "dossier.document" => DossierDocument(DossierDocument),
    "dossier.confirm_email" => DossierConfirmEmail(DossierEmail),
    "dossier.forward" => DossierForward(DossierForward),
    "dossier.reject" => DossierReject(DossierReject),
    "dossier.assign" => DossierAssign(DossierAssign),
    "dossier.note" => DossierNote(DossierNote),
    "dossier.close" => DossierClose(DossierOnly),
    "aspasie.create" => AspasieCreate(AspasieCreate),
    "madrhas.open" => MadrhasOpen(DossierEmail),
    "madrhas.revoke" => MadrhasRevoke(MadrhasRevoke),
    "password.reset" => PasswordReset(DossierOnly),
    "user.update" => UserUpdate(UserUpdate),
    "user.depart" => UserDepart(UserDepart),
    "aspasie.delete" => AspasieDelete(AspasieDelete),
    "chorus.account" => ChorusAccount(ChorusAccount),
    "attachment.request" => AttachmentRequest(AttachmentRequest),
    "attachment.validate" => AttachmentValidate(AttachmentAction),
    "attachment.refuse" => AttachmentRefuse(AttachmentRefuse),
    "attachment.remove" => AttachmentRemove(AttachmentAction),
    "manager.designate_gs" => ManagerDesignateGs(AttachmentAction),
    "manager.revoke_gs" => ManagerRevokeGs(AttachmentAction),
    "manager.transfer_gp" => ManagerTransferGp(ManagerTransfer),
}

impl Command {
    /// Reads one JSON line of a batch.
    pub fn parse_line(line: &str) -> Result<Command, Refusal> {
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            Refusal::syntax(format!("ligne JSON illisible : {}", french_json_error(&e)))
        })?;
        Command::from_value(value)
    }

    pub fn from_value(mut value: serde_json::Value) -> Result<Command, Refusal> {
        let Some(object) = value.as_object_mut() else {
            return Err(Refusal::syntax(
                "une commande est un objet JSON de la forme {\"cmd\": \"…\", …}",
            ));
        };
        let name = match object.remove("cmd") {
            Some(serde_json::Value::String(name)) => name,
            Some(_) => return Err(Refusal::syntax("le champ « cmd » doit être une chaîne")),
            None => {
                return Err(Refusal::syntax(
                    "champ « cmd » absent : il nomme la commande (par exemple \"dossier.receive\")",
                ));
            }
        };
        Command::from_fields(&name, value)
    }

    /// The canonical JSON written in the journal.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|e| format!("{{\"cmd\":\"{}\",\"error\":\"{e}\"}}", self.name()))
    }
}

/// Parses the fields of a known command; the first bad field becomes a `validation` refusal naming it.
fn fields<A: DeserializeOwned>(value: serde_json::Value) -> Result<A, Refusal> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        if let Some(rest) = inner.strip_prefix("unknown field `") {
            // The path already ends with the unknown field's name.
            let unknown = rest.split('`').next().unwrap_or(rest);
            let field = if path == "." || path.is_empty() {
                unknown.to_string()
            } else {
                path
            };
            let expected = rest
                .split("expected ")
                .nth(1)
                .unwrap_or("")
                .trim_start_matches("one of ")
                .replace('`', "");
            return Refusal::validation(
                &field,
                format!("champ inconnu de cette commande ; champs admis : {expected}"),
            );
        }
        if let Some(rest) = inner.strip_prefix("missing field `") {
            let missing = rest.split('`').next().unwrap_or(rest);
            let field = if path == "." || path.is_empty() {
                missing.to_string()
            } else {
                format!("{path}.{missing}")
            };
            return Refusal::validation(&field, "champ obligatoire absent");
        }
        let message = if inner.starts_with("invalid type") {
            format!(
                "type de valeur incorrect ({})",
                inner
                    .replace("invalid type: ", "reçu ")
                    .replace(", expected ", ", attendu ")
            )
        } else if inner.starts_with("input contains invalid characters")
            || inner.starts_with("premature end of input")
            || inner.starts_with("input is out of range")
            || inner.starts_with("trailing input")
            || inner.starts_with("no possible date")
        {
            "date invalide : attendu AAAA-MM-JJ".to_string()
        } else {
            inner
        };
        Refusal::validation(&path, message)
    })
}

fn french_json_error(e: &serde_json::Error) -> String {
    let place = format!("ligne {}, colonne {}", e.line(), e.column());
    let what = match e.classify() {
        serde_json::error::Category::Eof => "fin de ligne inattendue",
        serde_json::error::Category::Syntax => "syntaxe JSON invalide",
        serde_json::error::Category::Data => "donnée invalide",
        serde_json::error::Category::Io => "lecture impossible",
    };
    format!("{what} ({place})")
}
