//! Why a command is refused: the rule of the catalogue (R1–R18) or the kind of input error, the field at fault and a
//! French sentence for the person who reads it.
//!
//! Every refusal of a rule cites the paragraph of the note de service that it enforces; the interface and the batch
//! output show the same text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The rules of DESIGN.md §4, and the kinds of errors that are not rules of the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    R16,
    R17,
    R18,
    /// A field whose value is malformed or missing.
    #[serde(rename = "validation")]
    Validation,
    /// A key that names nothing known.
    #[serde(rename = "not_found")]
    NotFound,
    /// A duplicate, or a transition the current state does not allow.
    #[serde(rename = "state")]
    State,
    /// The operator's role does not allow the command.
    #[serde(rename = "permission")]
    Permission,
    /// Unreadable input: not JSON, or an unknown command.
    #[serde(rename = "syntax")]
    Syntax,
}

impl Rule {
    /// The code as the batch output writes it: `R5`, `validation`, …
    pub fn code(self) -> &'static str {
        match self {
            Rule::R1 => "R1",
            Rule::R2 => "R2",
            Rule::R3 => "R3",
            Rule::R4 => "R4",
            Rule::R5 => "R5",
            Rule::R6 => "R6",
            Rule::R7 => "R7",
            Rule::R8 => "R8",
            Rule::R9 => "R9",
            Rule::R10 => "R10",
            Rule::R11 => "R11",
            Rule::R12 => "R12",
            Rule::R13 => "R13",
            Rule::R14 => "R14",
            Rule::R15 => "R15",
            Rule::R16 => "R16",
            Rule::R17 => "R17",
            Rule::R18 => "R18",
            Rule::Validation => "validation",
            Rule::NotFound => "not_found",
            Rule::State => "state",
            Rule::Permission => "permission",
            Rule::Syntax => "syntax",
        }
    }

    /// The short French title of the rule, as the interface lists it.
    pub fn title(self) -> &'static str {
        match self {
            Rule::R1 => "compétence",
            Rule::R2 => "canal",
            Rule::R3 => "qualité du demandeur",
            Rule::R4 => "pièces justificatives",
            Rule::R5 => "adresse nominative",
            Rule::R6 => "population",
            Rule::R7 => "codique",
            Rule::R8 => "ordre ASPASIE puis MADRHAS",
            Rule::R9 => "identifiant PIGP",
            Rule::R10 => "utilisateurs simples",
            Rule::R11 => "rattachement",
            Rule::R12 => "mouvement intra-académique",
            Rule::R13 => "adresses non actives",
            Rule::R14 => "gestionnaire principal",
            Rule::R15 => "suppression ASPASIE",
            Rule::R16 => "accès résiduels",
            Rule::R17 => "réinitialisation",
            Rule::R18 => "anti-fraude",
            Rule::Validation => "saisie invalide",
            Rule::NotFound => "introuvable",
            Rule::State => "état",
            Rule::Permission => "droits de l'opérateur",
            Rule::Syntax => "ligne illisible",
        }
    }

    /// The paragraph(s) of the note de service 2018-08-4031 the rule enforces; `None` for input errors.
    pub fn paragraph(self) -> Option<&'static str> {
        Some(match self {
            Rule::R1 => "§1.1.1, §1.2.1, §1.3",
            Rule::R2 => "§1.1, §1.2, §1.3",
            Rule::R3 => "§1.1.1, §1.2.1",
            Rule::R4 => "§1.1.2, §1.3",
            Rule::R5 | Rule::R6 | Rule::R7 | Rule::R8 => "§2.3.1",
            Rule::R9 => "introduction et §2.2",
            Rule::R10 => "introduction",
            Rule::R11 => "§2.1",
            Rule::R12 | Rule::R13 => "§1.2.2",
            Rule::R14 => "§2.2",
            Rule::R15 | Rule::R16 => "§2.3.2",
            Rule::R17 => "§1.1.1, §3",
            Rule::R18 => "§3",
            _ => return None,
        })
    }

    /// Every rule of the note, in catalogue order (for the help and the Référentiels).
    pub const CATALOGUE: [Rule; 18] = [
        Rule::R1,
        Rule::R2,
        Rule::R3,
        Rule::R4,
        Rule::R5,
        Rule::R6,
        Rule::R7,
        Rule::R8,
        Rule::R9,
        Rule::R10,
        Rule::R11,
        Rule::R12,
        Rule::R13,
        Rule::R14,
        Rule::R15,
        Rule::R16,
        Rule::R17,
        Rule::R18,
    ];
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refused command: nothing was written but the journal entry recording the refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub rule: Rule,
    /// The field at fault, as named in the batch vocabulary (`email`, `persons[1].email`, …).
    pub field: Option<String>,
    /// The French sentence; for a rule of the note it ends with the paragraph it enforces.
    pub message: String,
}

impl Refusal {
    /// A refusal by a rule of the note: the message gets the rule's code, title and paragraph.
    pub fn rule(rule: Rule, field: Option<&str>, message: impl AsRef<str>) -> Refusal {
        let message = match rule.paragraph() {
            Some(paragraph) => format!(
                "{} {} : {} (note 2018-08-4031, {paragraph})",
                rule.code(),
                rule.title(),
                message.as_ref()
            ),
            None => message.as_ref().to_string(),
        };
        Refusal {
            rule,
            field: field.map(str::to_string),
            message,
        }
    }

    pub fn validation(field: &str, message: impl AsRef<str>) -> Refusal {
        Refusal {
            rule: Rule::Validation,
            field: Some(field.to_string()),
            message: format!("{field} : {}", message.as_ref()),
        }
    }

    pub fn not_found(field: &str, message: impl Into<String>) -> Refusal {
        Refusal {
            rule: Rule::NotFound,
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    pub fn state(field: Option<&str>, message: impl Into<String>) -> Refusal {
        Refusal {
            rule: Rule::State,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    pub fn permission(message: impl Into<String>) -> Refusal {
        Refusal {
            rule: Rule::Permission,
            field: None,
            message: message.into(),
        }
    }

    pub fn syntax(message: impl Into<String>) -> Refusal {
        Refusal {
            rule: Rule::Syntax,
            field: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}
