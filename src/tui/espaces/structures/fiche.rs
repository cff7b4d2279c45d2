//! The structure screen, read from the desk's structure view: SIRET, category, UAI, address, département and
//! académie, comptable public, expected channel, competent direction(s), population, GP (interim or not) and GS in
//! a header; then the users attached, the pending rattachement requests, the MADRHAS right holders and the
//! dossiers, each line leading to the user or the dossier.

use crate::domain::chorus::Role;
use crate::domain::dossier::Channel;
use crate::domain::ids::Siret;
use crate::domain::structure::Category;
use crate::domain::user::UserStatus;
use crate::tui::espaces::utilisateurs::sheet::{self, Link};
use crate::tui::espaces::{Ctx, EspaceId, Target};
use crate::tui::strings as s;
use crate::tui::widgets::cut;
use chrono::DateTime;
use ratatui::text::{Line, Span};
use serde_json::Value;

pub struct Fiche {
    pub siret: String,
    pub name: String,
    pub header: Vec<Line<'static>>,
    pub lines: Vec<(Line<'static>, Option<Link>)>,
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "Anne Lefèvre (anne.lefevre-xt)", or with the e-mail for a Chorus Pro account.
fn person(p: &Value) -> String {
    let id = p["pigp_id"].as_str().or(p["email"].as_str()).unwrap_or("");
    format!("{} ({id})", text(&p["name"]))
}

fn user_link(email: &Value) -> Option<Link> {
    email
        .as_str()
        .map(|e| (EspaceId::Utilisateurs, Target::User(e.to_string())))
}

pub fn load(key: &str, ctx: &Ctx) -> Option<Fiche> {
    let v = ctx.desk.structure_view(key).ok()?;
    let siret = text(&v["siret"]);
    Some(Fiche {
        name: text(&v["name"]),
        header: header(&v, ctx),
        lines: sections(&v, ctx),
        siret,
    })
}

fn header(v: &Value, ctx: &Ctx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let field = |label: &str, spans: Vec<Span<'static>>| {
        let mut all = vec![Span::styled(format!("{label:<18}"), theme.muted())];
        all.extend(spans);
        Line::from(all)
    };
    let raw = |t: String| vec![Span::raw(t)];
    let mut lines = Vec::new();
    let siret = Siret::parse(&text(&v["siret"]))
        .map(Siret::spaced)
        .unwrap_or_else(|_| text(&v["siret"]));
    let category = text(&v["category"]);
    let label = Category::parse(&category).map(|c| c.label()).unwrap_or("");
    let uai = v["uai"]
        .as_str()
        .map(|u| format!(" · UAI {u}"))
        .unwrap_or_default();
    let mut first = vec![Span::styled(siret, theme.title())];
    if v["active"].as_bool() == Some(false) {
        first.push(Span::styled(" · structure fermée", theme.warn()));
    }
    lines.push(field("SIRET", first));
    lines.push(field(
        "Catégorie",
        raw(format!("{category} · {label}{uai}")),
    ));
    let address: Vec<String> = [
        v["address"].as_str().map(str::to_string),
        Some(format!("{} {}", text(&v["postal_code"]), text(&v["city"]))),
        v["country"].as_str().map(str::to_string),
    ]
    .into_iter()
    .flatten()
    .collect();
    lines.push(field("Adresse", raw(address.join(", "))));
    let academie = v["academie"]
        .as_str()
        .map(|a| format!(" · académie de {a}"))
        .unwrap_or_default();
    let seat = v["siege_departement"]
        .as_str()
        .map(|d| format!(" · siège dans le {d}"))
        .unwrap_or_default();
    lines.push(field(
        "Département",
        raw(format!("{}{academie}{seat}", text(&v["departement"]))),
    ));
    let comptable = match (v["has_comptable"].as_bool(), v["comptable"].is_null()) {
        (Some(true), false) => format!(
            "oui · agent comptable {} <{}>",
            text(&v["comptable"]["name"]),
            text(&v["comptable"]["email"])
        ),
        (Some(true), true) => "oui · agent comptable non renseigné".to_string(),
        _ => "non : signature et pièce d'identité en face à face (§1.3)".to_string(),
    };
    lines.push(field("Comptable public", raw(comptable)));
    let channel = Channel::parse(&text(&v["expected_channel"]))
        .map(|c| c.label())
        .unwrap_or("");
    let store = ctx.desk.store();
    let directions: Vec<String> = v["competent_directions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|d| {
            let code = text(d);
            match store.direction(&code).ok().flatten() {
                Some(dir) => format!("{code} ({})", dir.name),
                None => code,
            }
        })
        .collect();
    let directions = if directions.is_empty() {
        "aucune direction configurée (R7)".to_string()
    } else {
        directions.join(", ")
    };
    lines.push(field(
        "Canal attendu",
        raw(format!("{channel} · population {}", text(&v["population"]))),
    ));
    lines.push(field("Compétence", raw(directions)));
    let gp = if v["gp"].is_null() {
        vec![Span::styled(
            "sans gestionnaire principal (R14)",
            theme.warn(),
        )]
    } else {
        let mut spans = vec![Span::raw(person(&v["gp"]))];
        if v["gp_interim"].as_bool() == Some(true) {
            spans.push(Span::styled(" · intérimaire (R14)", theme.warn()));
        }
        spans
    };
    lines.push(field("Gestionnaire (GP)", gp));
    let gs: Vec<String> = v["gs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(person)
        .collect();
    let gs = if gs.is_empty() {
        vec![Span::styled("aucun", theme.muted())]
    } else {
        raw(gs.join(", "))
    };
    lines.push(field("Secondaires (GS)", gs));
    lines
}

fn sections(v: &Value, ctx: &Ctx) -> Vec<(Line<'static>, Option<Link>)> {
    let theme = ctx.theme;
    let list = |key: &str| v[key].as_array().cloned().unwrap_or_default();
    let mut out: Vec<(Line<'static>, Option<Link>)> = Vec::new();
    let section = |out: &mut Vec<(Line<'static>, Option<Link>)>,
                   heading: Line<'static>,
                   rows: Vec<(Line<'static>, Option<Link>)>| {
        out.push((heading, None));
        if rows.is_empty() {
            out.push((sheet::none(&theme), None));
        }
        out.extend(rows);
    };
    let who = |name: &Value, email: &Value| {
        format!("{:<22} {:<32}", cut(&text(name), 22), cut(&text(email), 32))
    };

    let users: Vec<_> = list("users")
        .iter()
        .map(|u| {
            let role = match Role::parse(&text(&u["role"])) {
                Ok(Role::Gp) => "GP",
                Ok(Role::Gs) => "GS",
                _ => "utilisateur",
            };
            let status = UserStatus::parse(&text(&u["status"])).unwrap_or(UserStatus::Actif);
            let line = format!(
                "{} {role:<11} {}",
                who(&u["name"], &u["email"]),
                status.label()
            );
            let style = if status == UserStatus::Actif {
                theme.base()
            } else {
                theme.warn()
            };
            (Line::styled(line, style), user_link(&u["email"]))
        })
        .collect();
    let heading = sheet::heading(
        "Utilisateurs rattachés",
        users.len(),
        "nom · courriel · rôle · statut",
        &theme,
    );
    section(&mut out, heading, users);

    let pending: Vec<_> = list("pending")
        .iter()
        .map(|p| {
            let day = p["requested_at"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Local).date_naive());
            let when = day
                .map(|d| format!("{} {}", s::date(d), s::age((ctx.today - d).num_days())))
                .unwrap_or_default();
            (
                Line::raw(format!("{} {when}", who(&p["name"], &p["email"]))),
                user_link(&p["email"]),
            )
        })
        .collect();
    let heading = sheet::heading(
        "Demandes de rattachement en attente",
        pending.len(),
        "nom · courriel · demandée le · âge",
        &theme,
    );
    section(&mut out, heading, pending);

    let rights: Vec<_> = list("rights")
        .iter()
        .map(|r| {
            let name = r["email"]
                .as_str()
                .and_then(|e| ctx.desk.find_user(e).ok())
                .map(|u| Value::String(format!("{} {}", u.prenom, u.nom)))
                .unwrap_or(Value::Null);
            (
                Line::raw(format!(
                    "{} {}",
                    who(&name, &r["email"]),
                    text(&r["pigp_id"])
                )),
                user_link(&r["email"]),
            )
        })
        .collect();
    let heading = sheet::heading(
        "Titulaires de droits MADRHAS",
        rights.len(),
        "nom · courriel · identifiant PIGP",
        &theme,
    );
    section(&mut out, heading, rights);

    let store = ctx.desk.store();
    let dossiers: Vec<_> = list("dossiers")
        .iter()
        .rev()
        .filter_map(|id| store.find_dossier(id.as_str()?).ok().flatten())
        .map(|d| sheet::dossier_line(&d, ctx.today, ""))
        .collect();
    let heading = sheet::heading("Dossiers", dossiers.len(), sheet::DOSSIER_COLUMNS, &theme);
    section(&mut out, heading, dossiers);
    out
}
