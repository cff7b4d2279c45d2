//! The fiche utilisateur, read from the desk's user view: identity (population and codique derived, the e-mail
//! locked by R18 while a reset is open), MADRHAS rights, Chorus Pro rattachements, dossiers, history and actions as
//! gestionnaire; and which of the fiche's actions the rules allow now, each previewed against the desk.

use super::Action;
use super::sheet::{self, Link};
use crate::domain::chorus::{AttachmentStatus, Role};
use crate::domain::dossier::{Channel, Dossier, Kind, Status};
use crate::domain::ids::Siret;
use crate::domain::movements;
use crate::domain::user::{User, UserStatus};
use crate::tui::espaces::{Ctx, EspaceId, Target};
use crate::tui::strings as s;
use crate::tui::widgets;
use chrono::{DateTime, NaiveDate};
use ratatui::text::{Line, Span};
use serde_json::{Value, json};

/// A reference no dossier carries, to preview the registration of a reset before its reference is typed.
const PREVIEW_REF: &str = "aperçu de réinitialisation";

pub struct Fiche {
    pub user: User,
    pub view: Value,
    pub identity: Vec<Line<'static>>,
    pub lines: Vec<(Line<'static>, Option<Link>)>,
    /// Why each action of the fiche is not offered now (`None`: offered).
    pub availability: Vec<(Action, Option<String>)>,
    /// The qualified modification dossiers about him (what `e` works in).
    pub modifications: Vec<String>,
    /// The qualified suppression dossiers about him (closed by the deletion, or cited by the departure).
    pub suppressions: Vec<String>,
}

impl Fiche {
    pub fn email(&self) -> String {
        self.user.email.to_string()
    }

    pub fn name(&self) -> String {
        self.user.display_name()
    }

    /// The identifier `y` copies: the PIGP identifier, or the e-mail of a Chorus Pro account.
    pub fn identifier(&self) -> String {
        self.user
            .pigp_id
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| self.email())
    }

    pub fn open_reset(&self) -> Option<String> {
        self.view["open_reset"].as_str().map(str::to_string)
    }

    /// "R18 : réinitialisation en cours (dossier …)" while a reset of his is open.
    pub fn email_lock(&self) -> Option<String> {
        self.open_reset()
            .map(|id| format!("R18 : réinitialisation en cours (dossier {id})"))
    }

    pub fn why_not(&self, action: Action) -> Option<String> {
        self.availability
            .iter()
            .find(|(a, _)| *a == action)
            .and_then(|(_, why)| why.clone())
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn day(v: &Value) -> String {
    v.as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| s::date(t.with_timezone(&chrono::Local).date_naive()))
        .unwrap_or_default()
}

fn spaced(siret: &str) -> String {
    Siret::parse(siret)
        .map(Siret::spaced)
        .unwrap_or_else(|_| siret.to_string())
}

fn structure_name(ctx: &Ctx, siret: &str) -> String {
    Siret::parse(siret)
        .ok()
        .and_then(|s| ctx.desk.store().structure(s).ok().flatten())
        .map(|s| s.name)
        .unwrap_or_else(|| "structure inconnue".to_string())
}

fn structure_link(siret: &str) -> Option<Link> {
    Some((EspaceId::Structures, Target::Structure(siret.to_string())))
}

pub fn load(key: &str, ctx: &Ctx) -> Option<Fiche> {
    let user = ctx.desk.find_user(key).ok()?;
    let view = ctx.desk.user_view(user.email.as_str()).ok()?;
    let dossiers = ctx
        .desk
        .store()
        .dossiers_of_user(user.id)
        .unwrap_or_default();
    let qualified = |kind: Kind| -> Vec<String> {
        dossiers
            .iter()
            .filter(|d| d.kind == kind && d.status == Status::Qualifiee)
            .map(|d| d.id.to_string())
            .collect()
    };
    let modifications = qualified(Kind::Modification);
    let suppressions = qualified(Kind::Suppression);
    let mut fiche = Fiche {
        user,
        view,
        identity: Vec::new(),
        lines: Vec::new(),
        availability: Vec::new(),
        modifications,
        suppressions,
    };
    fiche.identity = identity(&fiche, ctx);
    fiche.lines = sections(&fiche, &dossiers, ctx);
    fiche.availability = availability(&fiche, ctx);
    Some(fiche)
}

fn identity(f: &Fiche, ctx: &Ctx) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let u = &f.user;
    let field = |label: &str, spans: Vec<Span<'static>>| {
        let mut all = vec![Span::styled(format!("{label:<17}"), theme.muted())];
        all.extend(spans);
        Line::from(all)
    };
    let mut lines = Vec::new();
    let fonction = u
        .fonction
        .as_ref()
        .map(|x| format!(" · {x}"))
        .unwrap_or_default();
    lines.push(field(
        "Utilisateur",
        vec![Span::styled(
            format!("{}{fonction}", u.display_name()),
            theme.title(),
        )],
    ));
    let mut email = vec![Span::raw(u.email.to_string())];
    if let Some(lock) = f.email_lock() {
        email.push(Span::styled(
            format!("  — verrouillé, {lock}"),
            theme.warn(),
        ));
    }
    lines.push(field("Courriel", email));
    let pigp = match &u.pigp_id {
        Some(p) => Span::raw(p.to_string()),
        None => Span::styled("compte Chorus Pro (sans identifiant PIGP)", theme.muted()),
    };
    lines.push(field("Identifiant PIGP", vec![pigp]));
    let population = u
        .population
        .map(|p| p.label().to_string())
        .unwrap_or_else(|| "—".into());
    let codique = u.codique.clone().unwrap_or_else(|| "—".into());
    lines.push(field(
        "Population",
        vec![
            Span::raw(format!("{population} · codique {codique}")),
            Span::styled("  (déduits, lecture seule)", theme.muted()),
        ],
    ));
    let status_style = if u.status == UserStatus::Actif {
        theme.ok()
    } else {
        theme.warn()
    };
    let mut status = vec![Span::styled(u.status.label().to_string(), status_style)];
    if let Some(d) = u.created_by {
        status.push(Span::raw(format!(
            " · créé dans ASPASIE par le dossier {d}"
        )));
    }
    if let Some(d) = u.last_reset_on {
        status.push(Span::raw(format!(
            " · dernière réinitialisation le {}",
            s::date(d)
        )));
    }
    lines.push(field("Statut", status));
    if u.status != UserStatus::Actif {
        let yes = |b: bool| if b { "oui" } else { "non" };
        lines.push(field(
            "Après le départ",
            vec![Span::raw(format!(
                "conserve Chorus Pro ou une autre application PIGP : {} · nouvel identifiant ailleurs : {}",
                yes(u.keeps_pigp_apps),
                yes(u.new_pigp_elsewhere)
            ))],
        ));
    }
    let address: Vec<String> = [
        u.address.clone(),
        match (&u.postal_code, &u.city) {
            (Some(p), Some(c)) => Some(format!("{p} {c}")),
            (p, c) => p.clone().or(c.clone()),
        },
        u.country.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !address.is_empty() {
        lines.push(field("Adresse", vec![Span::raw(address.join(", "))]));
    }
    lines
}

fn sections(f: &Fiche, dossiers: &[Dossier], ctx: &Ctx) -> Vec<(Line<'static>, Option<Link>)> {
    let theme = ctx.theme;
    let v = &f.view;
    let mut out: Vec<(Line<'static>, Option<Link>)> = Vec::new();
    let list = |key: &str| v[key].as_array().cloned().unwrap_or_default();
    let section = |out: &mut Vec<(Line<'static>, Option<Link>)>,
                   heading: Line<'static>,
                   rows: Vec<(Line<'static>, Option<Link>)>| {
        out.push((heading, None));
        if rows.is_empty() {
            out.push((sheet::none(&theme), None));
        }
        out.extend(rows);
    };

    let rights: Vec<_> = list("rights")
        .iter()
        .map(|r| {
            let siret = text(&r["siret"]);
            let line = format!(
                "{}  {:<22} {}  {:<10}  {}",
                spaced(&siret),
                widgets::cut(&structure_name(ctx, &siret), 22),
                day(&r["opened_at"]),
                widgets::cut(&text(&r["opened_by"]), 10),
                r["dossier"].as_str().unwrap_or("")
            );
            (Line::raw(line), structure_link(&siret))
        })
        .collect();
    let heading = sheet::heading(
        "Droits MADRHAS",
        rights.len(),
        "SIRET · structure · ouverts le · par · dossier",
        &theme,
    );
    section(&mut out, heading, rights);

    let attachments: Vec<_> = list("attachments")
        .iter()
        .map(|a| {
            let siret = text(&a["siret"]);
            let role = Role::parse(&text(&a["role"]))
                .map(|r| r.label())
                .unwrap_or("");
            let status = AttachmentStatus::parse(&text(&a["status"]))
                .map(|x| x.label())
                .unwrap_or("");
            let interim = if a["interim"].as_bool() == Some(true) {
                " · intérimaire"
            } else {
                ""
            };
            let line = format!(
                "{}  {:<22} {role} · {status}{interim}",
                spaced(&siret),
                widgets::cut(&structure_name(ctx, &siret), 22)
            );
            (Line::raw(line), structure_link(&siret))
        })
        .collect();
    let heading = sheet::heading(
        "Rattachements Chorus Pro",
        attachments.len(),
        "SIRET · structure · rôle · état",
        &theme,
    );
    section(&mut out, heading, attachments);

    let store = ctx.desk.store();
    let mut about: Vec<(Dossier, &str)> = Vec::new();
    if let Some(d) = f
        .user
        .created_by
        .and_then(|id| store.dossier(id).ok().flatten())
    {
        about.push((d, " · création du compte"));
    }
    about.extend(dossiers.iter().rev().cloned().map(|d| (d, "")));
    let about: Vec<_> = about
        .iter()
        .map(|(d, why)| sheet::dossier_line(d, ctx.today, why))
        .collect();
    let heading = sheet::heading("Dossiers", about.len(), sheet::DOSSIER_COLUMNS, &theme);
    section(&mut out, heading, about);

    for (key, title) in [
        ("history", "Historique"),
        ("actions", "Actions en tant que gestionnaire"),
    ] {
        let entries: Vec<_> = list(key)
            .iter()
            .rev()
            .map(|h| {
                let refused = text(&h["outcome"]).starts_with("refusé");
                let line = format!(
                    "{}  {:<12} {}",
                    day(&h["at"]),
                    text(&h["operator"]),
                    text(&h["text"])
                );
                (
                    Line::styled(line, if refused { theme.warn() } else { theme.base() }),
                    None,
                )
            })
            .collect();
        let heading = sheet::heading(title, entries.len(), "le plus récent d'abord", &theme);
        section(&mut out, heading, entries);
    }
    out
}

/// Each action previewed against the desk: `None` when it would pass, else the rule that forbids it.
fn availability(f: &Fiche, ctx: &Ctx) -> Vec<(Action, Option<String>)> {
    let email = f.email();
    let reset = movements::check_reset_request(Channel::Utilisateur, &f.user).err().map(|r| r.message).or_else(|| {
        ctx.forbidden(json!({
            "cmd": "dossier.receive", "ref": PREVIEW_REF, "kind": "reinitialisation", "channel": "utilisateur",
            "user": email, "direction": ctx.direction(),
            "requester": {"name": format!("{} {}", f.user.prenom, f.user.nom), "email": email},
        }))
    });
    let depart = ctx.forbidden(json!({"cmd": "user.depart", "email": email}));
    let delete = ctx.forbidden(
        json!({"cmd": "aspasie.delete", "email": email, "dossier": f.suppressions.first()}),
    );
    let modify = match f.modifications.first() {
        None => Some(
            "aucun dossier de modification qualifié ne porte sur lui : enregistrez la demande et qualifiez-la dans l'espace Dossiers"
                .to_string(),
        ),
        Some(id) => ctx.forbidden(json!({"cmd": "user.update", "dossier": id, "email": email, "nom": f.user.nom})),
    };
    vec![
        (Action::Reset, reset),
        (Action::Depart, depart),
        (Action::Delete, delete),
        (Action::Modify, modify),
    ]
}

/// Today, as the forms prefill dates (AAAA-MM-JJ, the batch format).
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
