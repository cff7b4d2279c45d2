//! The forms of the fiche utilisateur, their fields named after the batch vocabulary so that what they send is a
//! command and a refusal lands on the field it names: the registration of a reset request (§3), the departure
//! (§2.3.2) and the modification of his fields within a qualified modification dossier (R18 on the e-mail).

use super::fiche::{Fiche, iso};
use crate::tui::espaces::Ctx;
use crate::tui::widgets::form::{Field, Form};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Reset,
    Depart,
    Modify,
}

impl FormKind {
    pub fn title(self) -> &'static str {
        match self {
            FormKind::Reset => "Demande de réinitialisation du mot de passe",
            FormKind::Depart => "Départ de l'utilisateur",
            FormKind::Modify => "Modifier l'utilisateur",
        }
    }
}

/// The optional fields `user.update` may change, with their labels.
const USER_FIELDS: [(&str, &str); 5] = [
    ("fonction", "Fonction"),
    ("address", "Adresse"),
    ("postal_code", "Code postal"),
    ("city", "Ville"),
    ("country", "Pays"),
];

fn choices(ids: &[String], what: &str) -> Vec<(String, String)> {
    ids.iter()
        .map(|id| (id.clone(), format!("{id} ({what} qualifiée)")))
        .collect()
}

pub fn build(kind: FormKind, f: &Fiche, ctx: &Ctx) -> Form {
    let u = &f.user;
    let email = f.email();
    match kind {
        FormKind::Reset => Form::new(
            kind.title(),
            vec![
                Field::fixed("Utilisateur", &format!("{} <{email}>", f.name())),
                Field::fixed("Canal", "l'utilisateur lui-même, à la BALF (§3)"),
                Field::text("ref", "Référence (objet du courriel)", "").required(),
                Field::text(
                    "requester.name",
                    "Demandeur : nom",
                    &format!("{} {}", u.prenom, u.nom),
                )
                .required(),
                Field::text("requester.email", "Demandeur : courriel", &email).required(),
                Field::text("received_on", "Reçu le (AAAA-MM-JJ)", &iso(ctx.today)),
                Field::text(
                    "direction",
                    "Direction qui reçoit",
                    &ctx.direction().unwrap_or_default(),
                ),
            ],
        ),
        FormKind::Depart => {
            let mut fields = vec![
                Field::fixed("Utilisateur", &format!("{} <{email}>", f.name())),
                Field::flag(
                    "keeps_pigp_apps",
                    "Conserve Chorus Pro ou une autre application du PIGP",
                    false,
                ),
                Field::flag(
                    "new_pigp_elsewhere",
                    "A reçu un nouvel identifiant PIGP dans un autre département",
                    false,
                ),
            ];
            if !f.suppressions.is_empty() {
                let mut options = vec![(String::new(), "aucun".to_string())];
                options.extend(choices(&f.suppressions, "suppression"));
                let refs: Vec<(&str, &str)> = options
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect();
                fields.push(Field::choice("dossier", "Dossier de sortie", &refs, 1));
            }
            Form::new(kind.title(), fields)
        }
        FormKind::Modify => {
            let options = choices(&f.modifications, "modification");
            let refs: Vec<(&str, &str)> = options
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let civilite = if u.civilite == crate::domain::user::Civilite::M {
                1
            } else {
                0
            };
            let mut fields = vec![
                Field::choice("dossier", "Dossier de modification", &refs, 0),
                Field::choice(
                    "civilite",
                    "Civilité",
                    &[("MME", "Mme"), ("M", "M.")],
                    civilite,
                ),
                Field::text("nom", "Nom", &u.nom).required(),
                Field::text("prenom", "Prénom", &u.prenom).required(),
                Field::text("new_email", "Courriel", &email).locked(f.email_lock()),
            ];
            for (path, label) in USER_FIELDS {
                fields.push(Field::text(
                    path,
                    label,
                    f.view[path].as_str().unwrap_or(""),
                ));
            }
            fields.push(Field::fixed("Identifiant PIGP", &f.identifier()));
            fields.push(Field::fixed(
                "Population",
                f.view["population"].as_str().unwrap_or("—"),
            ));
            fields.push(Field::fixed(
                "Codique",
                f.view["codique"].as_str().unwrap_or("—"),
            ));
            Form::new(kind.title(), fields)
        }
    }
}

/// The command the form sends, or `None` while a required field is empty.
pub fn command(kind: FormKind, form: &mut Form, f: &Fiche) -> Option<Value> {
    let email = f.email();
    let mut base = Map::new();
    let (name, fixed) = match kind {
        FormKind::Reset => (
            "dossier.receive",
            json!({"kind": "reinitialisation", "channel": "utilisateur", "user": email}),
        ),
        FormKind::Depart => ("user.depart", json!({"email": email})),
        FormKind::Modify => ("user.update", json!({"email": email})),
    };
    base.insert("cmd".to_string(), json!(name));
    if let Value::Object(fixed) = fixed {
        base.extend(fixed);
    }
    let mut value = form.to_json(base)?;
    let obj = value.as_object_mut()?;
    if obj.get("dossier").is_some_and(|d| d == "") {
        obj.remove("dossier");
    }
    if kind == FormKind::Modify {
        // Only what the operator changed is sent: the journal then says exactly which fields were modified, and
        // an unchanged address is no attempt at changing it (R18).
        if obj.get("new_email").and_then(Value::as_str) == Some(email.as_str()) {
            obj.remove("new_email");
        }
        for path in [
            "civilite",
            "nom",
            "prenom",
            "fonction",
            "address",
            "postal_code",
            "city",
            "country",
        ] {
            if obj.get(path).is_some() && obj.get(path) == f.view.get(path) {
                obj.remove(path);
            }
        }
    }
    Some(value)
}
