//! Drawing the Dossiers espace: the corbeilles with a page of the selected one, and the dossier screen — header,
//! controls, pieces, persons, notes and history — from the desk's view of the dossier.

use super::{State, text};
use crate::domain::dossier::Corbeille;
use crate::tui::espaces::Ctx;
use crate::tui::strings as s;
use crate::tui::widgets;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Wrap};

impl State {
    pub(super) fn draw_corbeilles(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let [left, right] =
            Layout::horizontal([Constraint::Length(31), Constraint::Min(30)]).areas(area);
        let lines: Vec<Line> = self
            .counts
            .iter()
            .map(|(c, n)| {
                let style = if *c == self.corbeille {
                    theme.tab_active()
                } else {
                    theme.base()
                };
                Line::styled(format!(" {:<24}{n:>4}", c.label()), style)
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(Span::styled(" Corbeilles ", theme.title()))),
            left,
        );
        let rows: Vec<Row> = self
            .lines
            .iter()
            .map(|l| {
                let age = (ctx.today - l.received).num_days();
                let style = if age > crate::desk::view::OVERDUE_DAYS {
                    theme.warn()
                } else {
                    theme.base()
                };
                Row::new(vec![
                    l.id.clone(),
                    l.kind.clone(),
                    l.about.clone(),
                    s::date(l.received),
                    s::age(age),
                    l.assignee.clone(),
                ])
                .style(style)
            })
            .collect();
        let filter = self
            .filter
            .prompt()
            .map(|p| format!("· {p} "))
            .unwrap_or_default();
        let title = format!(
            " {} · {} dossier(s) {filter}",
            self.corbeille.label(),
            self.total
        );
        widgets::table(
            frame,
            right,
            Block::bordered().title(Span::styled(title, theme.title())),
            Row::new(vec![
                "Dossier",
                "Nature",
                "Structure ou utilisateur",
                "Reçu le",
                "Âge",
                "Suivi par",
            ]),
            rows,
            &[
                Constraint::Length(11),
                Constraint::Length(16),
                Constraint::Min(20),
                Constraint::Length(10),
                Constraint::Length(8),
                Constraint::Length(11),
            ],
            Some(self.cursor.selected.saturating_sub(self.cursor.offset)),
            &theme,
        );
    }

    pub(super) fn draw_dossier(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let Some(d) = &self.dossier else {
            frame.render_widget(Paragraph::new("Dossier introuvable."), area);
            return;
        };
        let persons = d["persons"].as_array().cloned().unwrap_or_default();
        let person_rows = persons.len().max(1) as u16 + 3;
        let [head, middle, people, bottom] = Layout::vertical([
            Constraint::Length(5),
            Constraint::Length(7),
            Constraint::Length(person_rows),
            Constraint::Min(3),
        ])
        .areas(area);
        let corbeille = Corbeille::parse(&text(&d["corbeille"]))
            .map(|c| c.label())
            .unwrap_or("");
        let received = text(&d["received_on"]);
        let received = chrono::NaiveDate::parse_from_str(&received, "%Y-%m-%d")
            .map(s::date)
            .unwrap_or(received);
        let title = format!(
            " Dossier {} · {} · reçu le {received} (il y a {}) · {corbeille} ",
            text(&d["id"]),
            crate::domain::dossier::Kind::parse(&text(&d["kind"]))
                .map(|k| k.label())
                .unwrap_or(""),
            s::age(d["age_days"].as_i64().unwrap_or(0)),
        );
        let structure = &d["structure"];
        let siret = d["siret"]
            .as_str()
            .and_then(|s| crate::domain::ids::Siret::parse(s).ok())
            .map(|s| s.spaced());
        let mut header = vec![];
        if let Some(siret) = siret {
            header.push(widgets::field(
                "Structure",
                format!(
                    "{} · SIRET {siret} · {} {} · dép. {}",
                    text(&structure["name"]),
                    text(&structure["category"]),
                    structure["uai"].as_str().unwrap_or(""),
                    text(&structure["departement"])
                ),
                &theme,
            ));
        }
        if !d["user"].is_null() {
            header.push(widgets::field("Utilisateur", text(&d["user"]), &theme));
        }
        header.push(widgets::field(
            "Demandeur",
            format!(
                "{} <{}> · {}",
                text(&d["requester"]["name"]),
                text(&d["requester"]["email"]),
                crate::domain::dossier::Channel::parse(&text(&d["channel"]))
                    .map(|c| c.label())
                    .unwrap_or("")
            ),
            &theme,
        ));
        header.push(widgets::field(
            "Référence",
            format!(
                "{}{} · {} · suivi par {}",
                text(&d["ref"]),
                d["lot"]
                    .as_str()
                    .map(|l| format!(" · lot {l}"))
                    .unwrap_or_default(),
                text(&d["direction"]),
                d["assignee"].as_str().unwrap_or("personne")
            ),
            &theme,
        ));
        frame.render_widget(
            Paragraph::new(header)
                .block(Block::bordered().title(Span::styled(title, theme.title()))),
            head,
        );
        let [controls, pieces] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(middle);
        let control_lines: Vec<Line> = d["controls"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|c| {
                let ok = c["ok"].as_bool() == Some(true);
                let (mark, style) = if ok {
                    ("✓", theme.ok())
                } else {
                    ("✗", theme.error())
                };
                Line::from(vec![
                    Span::styled(format!(" {mark} {} ", text(&c["rule"])), style),
                    Span::raw(text(&c["message"])),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(control_lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(Span::styled(" Contrôles ", theme.title()))),
            controls,
        );
        let required: Vec<String> = d["required_documents"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default();
        let piece_lines: Vec<Line> = crate::domain::dossier::DocumentKind::ALL
            .iter()
            .filter_map(|k| {
                let on = &d["documents"][k.wire()];
                let needed = required.iter().any(|r| r == k.wire());
                if !needed && on.is_null() {
                    return None;
                }
                Some(
                    match on
                        .as_str()
                        .and_then(|x| chrono::NaiveDate::parse_from_str(x, "%Y-%m-%d").ok())
                    {
                        Some(date) => Line::from(vec![
                            Span::styled(" ✓ ", theme.ok()),
                            Span::raw(format!("{:<28} {}", k.label(), s::date(date))),
                        ]),
                        None => Line::from(vec![
                            Span::styled(" ✗ ", theme.error()),
                            Span::raw(k.label()),
                        ]),
                    },
                )
            })
            .collect();
        frame.render_widget(
            Paragraph::new(piece_lines)
                .block(Block::bordered().title(Span::styled(" Pièces ", theme.title()))),
            pieces,
        );
        let rows: Vec<Row> = persons
            .iter()
            .map(|p| {
                let madrhas = if p["madrhas"].as_bool() == Some(true) {
                    "ouverts"
                } else {
                    "—"
                };
                let email = format!(
                    "{}{}",
                    text(&p["email"]),
                    if p["email_active"].as_bool() == Some(false) {
                        " (inactive)"
                    } else {
                        ""
                    }
                );
                Row::new(vec![
                    text(&p["civilite"]),
                    text(&p["nom"]),
                    text(&p["prenom"]),
                    email,
                    text(&p["role"]).to_uppercase(),
                    text(&p["pigp_id"]),
                    madrhas.to_string(),
                ])
            })
            .collect();
        widgets::table(
            frame,
            people,
            Block::bordered().title(Span::styled(" Personnes ", theme.title())),
            Row::new(vec![
                "Civ.",
                "Nom",
                "Prénom",
                "Courriel",
                "Rôle",
                "Identifiant PIGP",
                "MADRHAS",
            ]),
            rows,
            &[
                Constraint::Length(4),
                Constraint::Length(14),
                Constraint::Length(12),
                Constraint::Min(24),
                Constraint::Length(4),
                Constraint::Length(22),
                Constraint::Length(8),
            ],
            Some(self.person),
            &theme,
        );
        let mut history: Vec<Line> = d["notes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|n| {
                Line::from(vec![
                    Span::styled(format!(" note de {} : ", text(&n["by"])), theme.key()),
                    Span::raw(text(&n["text"])),
                ])
            })
            .collect();
        let entries = d["history"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        for h in entries.iter().rev() {
            let at = h["at"]
                .as_str()
                .and_then(|x| chrono::DateTime::parse_from_rfc3339(x).ok())
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%d/%m %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            let refused = text(&h["outcome"]).starts_with("refusé");
            history.push(Line::styled(
                format!(" {at} {:<12} {}", text(&h["operator"]), text(&h["text"])),
                if refused { theme.warn() } else { theme.base() },
            ));
        }
        frame.render_widget(
            Paragraph::new(history).block(
                Block::bordered().title(Span::styled(" Notes et historique ", theme.title())),
            ),
            bottom,
        );
    }
}
