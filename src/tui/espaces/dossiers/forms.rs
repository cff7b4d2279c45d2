//! The forms of the Dossiers espace, each built from the vocabulary's field names so that the JSON it sends is a
//! batch command and a refusal lands on the field it names.

use crate::domain::dossier::{Channel, DocumentKind, Kind};
use crate::tui::espaces::Ctx;
use crate::tui::widgets::form::{Field, Form};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    NewDossier,
    Document,
    Forward,
    Reject,
    Note,
    /// A spreadsheet file, previewed before it is written.
    Import,
    /// A sheet for ASPASIE, MADRHAS or the archives, saved to a file.
    Export,
}

impl FormKind {
    pub fn title(self) -> &'static str {
        match self {
            FormKind::NewDossier => "Nouveau dossier",
            FormKind::Document => "Pièce reçue",
            FormKind::Forward => "Transmettre à la direction compétente",
            FormKind::Reject => "Rejeter le dossier",
            FormKind::Note => "Ajouter une note",
            FormKind::Import => "Importer un fichier de tableur",
            FormKind::Export => "Exporter une feuille",
        }
    }
}

/// The fields a person takes in the new-dossier form.
pub const PERSON_FIELDS: usize = 7;
const BASE_FIELDS: usize = 10;

fn options<T: Copy>(
    all: &[T],
    wire: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (wire(*v), label(*v))).collect()
}

fn person_fields(i: usize) -> Vec<Field> {
    let p = |name: &str| format!("persons[{i}].{name}");
    let n = i + 1;
    vec![
        Field::choice(
            &p("civilite"),
            &format!("Personne {n} : civilité"),
            &[("MME", "Mme"), ("M", "M.")],
            0,
        ),
        Field::text(&p("nom"), &format!("Personne {n} : nom"), "").required(),
        Field::text(&p("prenom"), &format!("Personne {n} : prénom"), "").required(),
        Field::text(
            &p("email"),
            &format!("Personne {n} : courriel nominatif"),
            "",
        )
        .required(),
        Field::choice(
            &p("role"),
            &format!("Personne {n} : rôle"),
            &[
                ("gp", "gestionnaire principal"),
                ("gs", "gestionnaire secondaire"),
            ],
            if i == 0 { 0 } else { 1 },
        ),
        Field::text(&p("fonction"), &format!("Personne {n} : fonction"), ""),
        Field::flag(
            &p("email_active"),
            &format!("Personne {n} : adresse en service"),
            true,
        ),
    ]
}

pub fn add_person(form: &mut Form) {
    let persons = (form.fields.len().saturating_sub(BASE_FIELDS)) / PERSON_FIELDS;
    form.fields.extend(person_fields(persons));
    form.focus = form.fields.len() - PERSON_FIELDS + 1;
    form.dirty = true;
}

pub fn remove_person(form: &mut Form) {
    if form.fields.len() >= BASE_FIELDS + 2 * PERSON_FIELDS {
        form.fields.truncate(form.fields.len() - PERSON_FIELDS);
        form.focus = form.focus.min(form.fields.len() - 1);
    }
}

pub fn build(kind: FormKind, dossier: Option<&Value>, ctx: &Ctx) -> Form {
    let today = ctx.today.format("%Y-%m-%d").to_string();
    match kind {
        FormKind::NewDossier => {
            let mut fields = vec![
                Field::text("ref", "Référence (objet du courriel)", "").required(),
                Field::choice(
                    "kind",
                    "Nature",
                    &options(Kind::ALL, Kind::wire, Kind::label),
                    0,
                ),
                Field::choice(
                    "channel",
                    "Canal",
                    &options(Channel::ALL, Channel::wire, Channel::label),
                    1,
                ),
                Field::text("siret", "SIRET de la structure", ""),
                Field::text("user", "Utilisateur concerné (courriel)", ""),
                Field::text(
                    "direction",
                    "Direction qui reçoit",
                    &ctx.direction().unwrap_or_default(),
                ),
                Field::text("requester.name", "Demandeur : nom", "").required(),
                Field::text("requester.email", "Demandeur : courriel", "").required(),
                Field::text("received_on", "Reçu le (AAAA-MM-JJ)", &today),
                Field::text("lot", "Lot du référent", ""),
            ];
            fields.extend(person_fields(0));
            Form::new(kind.title(), fields)
        }
        FormKind::Document => {
            let missing: Vec<String> = dossier
                .and_then(|d| d["missing_documents"].as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let mut all = options(DocumentKind::ALL, DocumentKind::wire, DocumentKind::label);
            all.sort_by_key(|(wire, _)| !missing.iter().any(|m| m == wire));
            Form::new(
                kind.title(),
                vec![
                    Field::choice("document", "Pièce", &all, 0),
                    Field::text("on", "Reçue le (AAAA-MM-JJ)", &today),
                ],
            )
        }
        FormKind::Forward => {
            let current = dossier
                .and_then(|d| d["direction"].as_str())
                .unwrap_or("")
                .to_string();
            let competent = dossier
                .and_then(|d| d["siret"].as_str())
                .and_then(|siret| ctx.desk.structure_view(siret).ok())
                .and_then(|v| {
                    v["competent_directions"]
                        .as_array()
                        .and_then(|a| a.first().cloned())
                })
                .and_then(|v| v.as_str().map(str::to_string));
            let directions = ctx.desk.store().directions().unwrap_or_default();
            let choices: Vec<(String, String)> = directions
                .iter()
                .filter(|d| d.code != current)
                .map(|d| {
                    (
                        d.code.clone(),
                        format!("{} — {} ({})", d.code, d.name, d.balf),
                    )
                })
                .collect();
            let index = competent
                .and_then(|c| choices.iter().position(|(code, _)| *code == c))
                .unwrap_or(0);
            let refs: Vec<(&str, &str)> = choices
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            Form::new(
                kind.title(),
                vec![Field::choice(
                    "direction",
                    "Direction compétente",
                    &refs,
                    index,
                )],
            )
        }
        FormKind::Reject => Form::new(
            kind.title(),
            vec![Field::text("reason", "Motif du rejet", "").required()],
        ),
        FormKind::Note => Form::new(
            kind.title(),
            vec![Field::text("text", "Note", "").required()],
        ),
        FormKind::Import => Form::new(
            kind.title(),
            vec![
                Field::choice(
                    "kind",
                    "Contenu",
                    &[
                        ("structures", "structures"),
                        ("referents", "référents"),
                        ("lot", "lot consolidé d'un référent"),
                        ("persons", "liste annexée à un contrat de service"),
                    ],
                    0,
                ),
                Field::text("file", "Fichier (chemin)", "").required(),
                Field::text("reference", "Référence du lot, ou dossier de la liste", ""),
                Field::text("received_on", "Reçu le (lot, AAAA-MM-JJ)", &today),
            ],
        ),
        FormKind::Export => Form::new(
            kind.title(),
            vec![
                Field::choice(
                    "sheet",
                    "Feuille",
                    &[
                        ("aspasie", "personnes à créer dans ASPASIE"),
                        ("madrhas", "droits à ouvrir dans MADRHAS"),
                        ("journal", "journal (archives)"),
                    ],
                    0,
                ),
                Field::choice(
                    "format",
                    "Format",
                    &[("csv", "CSV pour tableur"), ("json", "JSON")],
                    0,
                ),
                Field::text("file", "Fichier (chemin)", &format!("guichet-{today}.csv")).required(),
            ],
        ),
    }
}

/// The command the form sends, or `None` while a required field is empty.
pub fn command(kind: FormKind, form: &mut Form, dossier: Option<String>) -> Option<Value> {
    let mut base = Map::new();
    let name = match kind {
        FormKind::NewDossier => "dossier.receive",
        FormKind::Document => "dossier.document",
        FormKind::Forward => "dossier.forward",
        FormKind::Reject => "dossier.reject",
        FormKind::Note => "dossier.note",
        FormKind::Import | FormKind::Export => return None,
    };
    base.insert("cmd".to_string(), json!(name));
    if let Some(id) = dossier.filter(|_| kind != FormKind::NewDossier) {
        base.insert("dossier".to_string(), json!(id));
    }
    let mut value = form.to_json(base)?;
    if kind == FormKind::NewDossier
        && value["kind"] != "habilitation"
        && let Some(obj) = value.as_object_mut()
    {
        // Persons are the gestionnaires to create: only a habilitation has them.
        obj.remove("persons");
    }
    Some(value)
}
