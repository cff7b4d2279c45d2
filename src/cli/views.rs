//! Prints the desk's views: the JSON object as is with `--json`, a French reading of it without. The text is
//! drawn from the same JSON, so both say the same thing.

use super::table::{Table, fields};
use super::{Report, Show};
use crate::desk::{Desk, DeskError, audit};
use crate::domain::dossier::{Channel, Corbeille, DocumentKind, Kind, Status};
use crate::domain::ids::Siret;
use serde_json::Value;
use std::process::ExitCode;

fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "oui".to_string(),
        Value::Bool(false) => "non".to_string(),
        other => other.to_string(),
    }
}

fn siret(v: &Value) -> String {
    v.as_str()
        .and_then(|s| Siret::parse(s).ok())
        .map(Siret::spaced)
        .unwrap_or_else(|| text(v))
}

fn date(v: &Value) -> String {
    match v
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    {
        Some(d) => d.format("%d/%m/%Y").to_string(),
        None => text(v),
    }
}

/// The French label of a vocabulary word, e.g. `traitees` → `Traitées`.
fn label<E: Copy>(
    v: &Value,
    parse: fn(&str) -> Result<E, crate::domain::ids::Invalid>,
    label: fn(E) -> &'static str,
) -> String {
    v.as_str()
        .and_then(|s| parse(s).ok())
        .map(label)
        .map(str::to_string)
        .unwrap_or_else(|| text(v))
}

fn items(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn print_json(v: &impl serde::Serialize) -> Result<(), DeskError> {
    let s = serde_json::to_string_pretty(v)
        .map_err(|e| DeskError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
    println!("{s}");
    Ok(())
}

pub(super) fn show(desk: &Desk, what: &Show, json: bool) -> Result<ExitCode, DeskError> {
    let view = match what {
        Show::Dossier { key } => desk.dossier_view(key)?,
        Show::User { key } => desk.user_view(key)?,
        Show::Structure { key } => desk.structure_view(key)?,
    };
    if json {
        print_json(&view)?;
    } else {
        let rendered = match what {
            Show::Dossier { .. } => dossier_text(&view),
            Show::User { .. } => user_text(&view),
            Show::Structure { .. } => structure_text(&view),
        };
        println!("{rendered}");
    }
    Ok(ExitCode::SUCCESS)
}

fn history_text(v: &Value) -> String {
    let mut t = Table::new(&["N°", "Date", "Opérateur", "Commande", "Résultat", "Détail"]);
    for h in items(v) {
        let when = h["at"]
            .as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|d| {
                d.with_timezone(&chrono::Local)
                    .format("%d/%m/%Y %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| text(&h["at"]));
        t.row(vec![
            text(&h["seq"]),
            when,
            text(&h["operator"]),
            text(&h["command"]),
            text(&h["outcome"]),
            text(&h["text"]),
        ]);
    }
    t.render()
}

fn dossier_text(d: &Value) -> String {
    let structure = &d["structure"];
    let mut out = format!(
        "Dossier {} · {} · reçu le {} (il y a {} j) · {}\n\n",
        text(&d["id"]),
        label(&d["kind"], Kind::parse, Kind::label),
        date(&d["received_on"]),
        text(&d["age_days"]),
        label(&d["corbeille"], Corbeille::parse, Corbeille::label)
    );
    out.push_str(&fields(&[
        ("Référence", text(&d["ref"])),
        ("Direction", text(&d["direction"])),
        ("Statut", label(&d["status"], Status::parse, Status::label)),
        (
            "Structure",
            format!(
                "{} · SIRET {} · {}",
                text(&structure["name"]),
                siret(&d["siret"]),
                text(&structure["category"])
            ),
        ),
        (
            "Demandeur",
            format!(
                "{} <{}> · canal {}",
                text(&d["requester"]["name"]),
                text(&d["requester"]["email"]),
                label(&d["channel"], Channel::parse, Channel::label)
            ),
        ),
        ("Lot", text(&d["lot"])),
        ("Suivi par", text(&d["assignee"])),
    ]));
    out.push_str("\n\nContrôles\n");
    for c in items(&d["controls"]) {
        let mark = if c["ok"].as_bool() == Some(true) {
            "✓"
        } else {
            "✗"
        };
        out.push_str(&format!(
            "  {mark} {} {}\n",
            text(&c["rule"]),
            text(&c["message"])
        ));
    }
    out.push_str("\nPièces\n");
    for kind in DocumentKind::ALL {
        let on = &d["documents"][kind.wire()];
        let required = items(&d["required_documents"])
            .iter()
            .any(|r| r == kind.wire());
        if !required && on.is_null() {
            continue;
        }
        let mark = if on.is_null() { "✗" } else { "✓" };
        let when = if on.is_null() {
            "manquante".to_string()
        } else {
            date(on)
        };
        out.push_str(&format!("  {mark} {:<32} {when}\n", kind.label()));
    }
    let mut t = Table::new(&[
        "Civ.",
        "Nom",
        "Prénom",
        "Courriel",
        "Rôle",
        "Identifiant PIGP",
        "MADRHAS",
    ]);
    for p in items(&d["persons"]) {
        t.row(vec![
            text(&p["civilite"]),
            text(&p["nom"]),
            text(&p["prenom"]),
            format!(
                "{}{}",
                text(&p["email"]),
                if p["email_active"].as_bool() == Some(false) {
                    " (inactive)"
                } else {
                    ""
                }
            ),
            text(&p["role"]),
            text(&p["pigp_id"]),
            if p["madrhas"].as_bool() == Some(true) {
                "ouverts".to_string()
            } else {
                "—".to_string()
            },
        ]);
    }
    if !items(&d["persons"]).is_empty() {
        out.push_str(&format!("\nPersonnes\n{}\n", t.render()));
    }
    for n in items(&d["notes"]) {
        out.push_str(&format!(
            "\nNote de {} : {}",
            text(&n["by"]),
            text(&n["text"])
        ));
    }
    out.push_str(&format!("\nHistorique\n{}", history_text(&d["history"])));
    out
}

fn user_text(u: &Value) -> String {
    let mut out = fields(&[
        (
            "Utilisateur",
            format!(
                "{} {} {}",
                text(&u["civilite"]),
                text(&u["prenom"]),
                text(&u["nom"])
            ),
        ),
        ("Courriel", text(&u["email"])),
        ("Identifiant PIGP", text(&u["pigp_id"])),
        ("Population", text(&u["population"])),
        ("Codique", text(&u["codique"])),
        ("Fonction", text(&u["fonction"])),
        ("Statut", text(&u["status"])),
        ("Créé par le dossier", text(&u["created_by"])),
    ]);
    let mut rights = Table::new(&["SIRET", "Ouvert le", "Par", "Dossier"]);
    for r in items(&u["rights"]) {
        rights.row(vec![
            siret(&r["siret"]),
            text(&r["opened_at"]).chars().take(10).collect(),
            text(&r["opened_by"]),
            text(&r["dossier"]),
        ]);
    }
    out.push_str(&format!("\n\nDroits MADRHAS\n{}", rights.render()));
    let mut att = Table::new(&["SIRET", "Rôle", "Statut", "Intérim"]);
    for a in items(&u["attachments"]) {
        att.row(vec![
            siret(&a["siret"]),
            text(&a["role"]),
            text(&a["status"]),
            text(&a["interim"]),
        ]);
    }
    out.push_str(&format!("\n\nRattachements Chorus Pro\n{}", att.render()));
    out.push_str(&format!("\n\nHistorique\n{}", history_text(&u["history"])));
    if !items(&u["actions"]).is_empty() {
        out.push_str(&format!(
            "\n\nActions faites en tant que cet utilisateur (Activités du gestionnaire)\n{}",
            history_text(&u["actions"])
        ));
    }
    out
}

fn structure_text(s: &Value) -> String {
    let gp = &s["gp"];
    let gp_text = if gp.is_null() {
        "aucun".to_string()
    } else {
        format!(
            "{} ({}){}",
            text(&gp["name"]),
            text(&gp["pigp_id"]),
            if s["gp_interim"].as_bool() == Some(true) {
                " — intérimaire"
            } else {
                ""
            }
        )
    };
    let mut out = fields(&[
        ("Structure", text(&s["name"])),
        ("SIRET", siret(&s["siret"])),
        ("Catégorie", text(&s["category"])),
        ("UAI", text(&s["uai"])),
        (
            "Adresse",
            format!(
                "{} {} {}",
                text(&s["address"]),
                text(&s["postal_code"]),
                text(&s["city"])
            ),
        ),
        (
            "Département",
            format!(
                "{} · académie {}",
                text(&s["departement"]),
                text(&s["academie"])
            ),
        ),
        ("Comptable public", text(&s["has_comptable"])),
        (
            "Agent comptable",
            if s["comptable"].is_null() {
                "—".to_string()
            } else {
                format!(
                    "{} <{}>",
                    text(&s["comptable"]["name"]),
                    text(&s["comptable"]["email"])
                )
            },
        ),
        (
            "Canal attendu",
            label(&s["expected_channel"], Channel::parse, Channel::label),
        ),
        (
            "Direction compétente",
            items(&s["competent_directions"])
                .iter()
                .map(text)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("Gestionnaire principal", gp_text),
        (
            "Gestionnaires secondaires",
            items(&s["gs"])
                .iter()
                .map(|g| text(&g["name"]))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]);
    let mut t = Table::new(&["Utilisateur", "Courriel", "Rôle", "Statut"]);
    for u in items(&s["users"]) {
        t.row(vec![
            text(&u["name"]),
            text(&u["email"]),
            text(&u["role"]),
            text(&u["status"]),
        ]);
    }
    out.push_str(&format!("\n\nUtilisateurs rattachés\n{}", t.render()));
    if !items(&s["pending"]).is_empty() {
        out.push_str(&format!(
            "\n\nDemandes de rattachement en attente : {}",
            items(&s["pending"]).len()
        ));
    }
    out
}

pub(super) fn report(desk: &Desk, what: &Report, json: bool) -> Result<ExitCode, DeskError> {
    match what {
        Report::Queues { direction } => {
            let lines = desk.queues(direction.as_deref())?;
            if json {
                print_json(&serde_json::json!({"as_of": desk.today(), "queues": lines}))?;
            } else {
                let mut t = Table::new(&[
                    "Direction",
                    "Corbeille",
                    "Dossiers",
                    "Plus ancien",
                    "> 15 j",
                ]);
                for l in lines
                    .iter()
                    .filter(|l| l.count > 0 || l.corbeille.is_open())
                {
                    t.row(vec![
                        l.direction.clone(),
                        l.label.to_string(),
                        l.count.to_string(),
                        l.oldest_received_on
                            .map(|d| {
                                format!(
                                    "{} ({} j)",
                                    d.format("%d/%m/%Y"),
                                    l.oldest_age_days.unwrap_or(0)
                                )
                            })
                            .unwrap_or_else(|| "—".to_string()),
                        if l.over_15_days > 0 {
                            l.over_15_days.to_string()
                        } else {
                            String::new()
                        },
                    ]);
                }
                println!(
                    "Corbeilles au {}\n{}",
                    desk.today().format("%d/%m/%Y"),
                    t.render()
                );
            }
        }
        Report::Aging { direction } => {
            let lines = desk.aging(direction.as_deref())?;
            if json {
                print_json(&serde_json::json!({"as_of": desk.today(), "aging": lines}))?;
            } else {
                let mut t = Table::new(&[
                    "Direction",
                    "Corbeille",
                    "0-7 j",
                    "8-15 j",
                    "16-30 j",
                    "> 30 j",
                ]);
                for l in &lines {
                    t.row(vec![
                        l.direction.clone(),
                        l.label.to_string(),
                        l.days_0_7.to_string(),
                        l.days_8_15.to_string(),
                        l.days_16_30.to_string(),
                        l.days_31_plus.to_string(),
                    ]);
                }
                println!(
                    "Ancienneté des dossiers en cours au {}\n{}",
                    desk.today().format("%d/%m/%Y"),
                    t.render()
                );
            }
        }
        Report::ResidualAccess => {
            let lines = desk.residual_access()?;
            if json {
                print_json(&serde_json::json!({"as_of": desk.today(), "residual_access": lines}))?;
            } else {
                let mut t = Table::new(&[
                    "Utilisateur",
                    "Courriel",
                    "Statut",
                    "Rattachements",
                    "Droits MADRHAS",
                ]);
                for l in &lines {
                    t.row(vec![
                        text(&l["name"]),
                        text(&l["email"]),
                        text(&l["status"]),
                        items(&l["attachments"])
                            .iter()
                            .map(|a| format!("{} ({})", siret(&a["siret"]), text(&a["role"])))
                            .collect::<Vec<_>>()
                            .join(", "),
                        items(&l["rights"])
                            .iter()
                            .map(siret)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ]);
                }
                println!("Accès résiduels (R16) : {}\n{}", lines.len(), t.render());
            }
        }
        Report::Orphans => {
            let lines = desk.orphans()?;
            if json {
                print_json(&serde_json::json!({"as_of": desk.today(), "orphans": lines}))?;
            } else {
                let mut t = Table::new(&["SIRET", "Structure", "Catégorie", "Dép.", "Situation"]);
                for l in &lines {
                    let situation = if l["situation"] == "gp_interim" {
                        format!(
                            "gestionnaire principal intérimaire : {}",
                            text(&l["gp"]["email"])
                        )
                    } else {
                        "sans gestionnaire principal".to_string()
                    };
                    t.row(vec![
                        siret(&l["siret"]),
                        text(&l["name"]),
                        text(&l["category"]),
                        text(&l["departement"]),
                        situation,
                    ]);
                }
                println!(
                    "Structures à surveiller (R14) : {}\n{}",
                    lines.len(),
                    t.render()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn audit_verify(desk: &Desk, json: bool) -> Result<ExitCode, DeskError> {
    let outcome = audit::verify(desk.store())?;
    if json {
        let v = match &outcome {
            Ok(state) => {
                serde_json::json!({"ok": true, "entries": state.entries, "head": state.head})
            }
            Err(broken) => {
                serde_json::json!({"ok": false, "broken_at": broken.seq, "reason": broken.reason})
            }
        };
        print_json(&v)?;
    } else {
        match &outcome {
            Ok(state) => println!(
                "Journal intègre : {} entrées, empreinte de tête {}",
                state.entries, state.head
            ),
            Err(broken) => println!(
                "Journal rompu à l'entrée {} : {}",
                broken.seq, broken.reason
            ),
        }
    }
    Ok(if outcome.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
