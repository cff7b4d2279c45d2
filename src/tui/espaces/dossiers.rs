//! Espace Dossiers: the corbeilles of the direction (each a page read from the index), the dossier screen — header,
//! controls R1 R2 R3 R12 R13, pieces (R4), persons with their PIGP identifier and MADRHAS state, notes, history —
//! with only the actions that apply, each previewed against the rules so that a forbidden one shows the rule that
//! forbids it; and the forms: new dossier (several persons), piece received, forward, reject, note.

mod forms;

use super::{Ctx, EspaceId, Flow, Screen, Target};
use crate::domain::dossier::Corbeille;
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::form::{Form, FormEvent};
use crate::tui::widgets::{self, Cursor};
use forms::FormKind;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Wrap};
use serde_json::{Value, json};
use std::collections::HashMap;

/// One line of a corbeille, read from the index and the dossier.
#[derive(Debug, Clone)]
struct Line_ {
    id: String,
    kind: String,
    about: String,
    received: chrono::NaiveDate,
    assignee: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Open,
    Back,
    New,
    NextCorbeille,
    PreviousCorbeille,
    Qualify,
    Document,
    Confirm,
    Create,
    Habilitate,
    Forward,
    Reject,
    Note,
    Follow,
    Close,
    Reset,
    OpenPerson,
}

enum View {
    Corbeilles,
    Dossier(String),
}

pub struct State {
    view: View,
    corbeille: Corbeille,
    counts: Vec<(Corbeille, i64)>,
    lines: Vec<Line_>,
    total: usize,
    cursor: Cursor,
    /// The dossier shown, as the desk's view gives it.
    dossier: Option<Value>,
    person: usize,
    /// Why each dossier action is not offered now (None: offered).
    availability: HashMap<Action, Option<String>>,
    form: Option<(FormKind, Form)>,
    confirm_discard: bool,
}

impl Default for State {
    fn default() -> Self {
        State {
            view: View::Corbeilles,
            corbeille: Corbeille::AQualifier,
            counts: Vec::new(),
            lines: Vec::new(),
            total: 0,
            cursor: Cursor::default(),
            dossier: None,
            person: 0,
            availability: HashMap::new(),
            form: None,
            confirm_discard: false,
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl State {
    fn load_page(&mut self, ctx: &Ctx) {
        let Some(direction) = ctx.direction() else {
            return;
        };
        let store = ctx.desk.store();
        self.counts = Corbeille::ALL
            .iter()
            .map(|c| (*c, store.corbeille_count(&direction, *c).unwrap_or(0)))
            .collect();
        self.total = self
            .counts
            .iter()
            .find(|(c, _)| *c == self.corbeille)
            .map(|(_, n)| *n as usize)
            .unwrap_or(0);
        let height = ctx.rows.max(1);
        self.cursor.settle(self.total, height);
        let page = store
            .corbeille_page(&direction, self.corbeille, self.cursor.offset, height)
            .unwrap_or_default();
        self.lines = page
            .into_iter()
            .filter_map(|entry| {
                let d = store.dossier(entry.id).ok().flatten()?;
                let about = match d.siret.and_then(|s| store.structure(s).ok().flatten()) {
                    Some(structure) => structure.name,
                    None => d.user.as_ref().map(|e| e.to_string()).unwrap_or_default(),
                };
                Some(Line_ {
                    id: d.id.to_string(),
                    kind: d.kind.label().to_string(),
                    about,
                    received: d.received_on,
                    assignee: d.assignee.clone().unwrap_or_default(),
                })
            })
            .collect();
    }

    fn selected_line(&self) -> Option<&Line_> {
        self.lines
            .get(self.cursor.selected.saturating_sub(self.cursor.offset))
    }

    fn id(&self) -> Option<String> {
        match &self.view {
            View::Dossier(id) => Some(id.clone()),
            View::Corbeilles => None,
        }
    }

    fn persons(&self) -> &[Value] {
        self.dossier
            .as_ref()
            .and_then(|d| d["persons"].as_array())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn person_email(&self) -> Option<String> {
        self.persons()
            .get(self.person)
            .and_then(|p| p["email"].as_str())
            .map(str::to_string)
    }

    /// The command each dossier action would run, for the selected person where it applies.
    fn command(&self, action: Action, ctx: &Ctx) -> Option<Value> {
        let id = self.dossier.as_ref()?["id"].as_str()?.to_string();
        let email = self.person_email();
        Some(match action {
            Action::Qualify => json!({"cmd": "dossier.qualify", "dossier": id}),
            Action::Close => json!({"cmd": "dossier.close", "dossier": id}),
            Action::Reset => json!({"cmd": "password.reset", "dossier": id}),
            Action::Follow => {
                json!({"cmd": "dossier.assign", "dossier": id, "operator": ctx.operator.login})
            }
            Action::Create => json!({"cmd": "aspasie.create", "dossier": id, "email": email?}),
            Action::Habilitate => json!({"cmd": "madrhas.open", "dossier": id, "email": email?}),
            Action::Confirm => {
                json!({"cmd": "dossier.confirm_email", "dossier": id, "email": email?})
            }
            _ => return None,
        })
    }

    fn load_dossier(&mut self, id: &str, ctx: &Ctx) {
        self.dossier = ctx.desk.dossier_view(id).ok();
        self.person = self.person.min(self.persons().len().saturating_sub(1));
        self.availability.clear();
        let Some(d) = &self.dossier else { return };
        let status = text(&d["status"]);
        let final_ = matches!(status.as_str(), "traitee" | "rejetee" | "transmise");
        let kind = text(&d["kind"]);
        for action in [
            Action::Qualify,
            Action::Close,
            Action::Reset,
            Action::Follow,
            Action::Create,
            Action::Habilitate,
            Action::Confirm,
        ] {
            let relevant = match action {
                Action::Reset => kind == "reinitialisation",
                Action::Create | Action::Habilitate | Action::Confirm => kind == "habilitation",
                _ => true,
            };
            if !relevant {
                continue;
            }
            if final_ {
                continue;
            }
            if let Some(shown) = self.command(action, ctx).and_then(|c| ctx.availability(c)) {
                self.availability.insert(action, shown);
            }
        }
        if !final_ {
            for action in [Action::Document, Action::Forward, Action::Reject] {
                self.availability.insert(action, None);
            }
        }
        self.availability.insert(Action::Note, None);
    }

    fn open_form(&mut self, kind: FormKind, ctx: &Ctx) -> Flow {
        let form = forms::build(kind, self.dossier.as_ref(), ctx);
        self.form = Some((kind, form));
        Flow::Changed
    }

    fn submit(&mut self, ctx: &Ctx) -> Flow {
        let id = self.id();
        let Some((kind, form)) = &mut self.form else {
            return Flow::Nothing;
        };
        let kind = *kind;
        let Some(command) = forms::command(kind, form, id) else {
            return Flow::Failed(s::refused("champs obligatoires à remplir"));
        };
        match ctx.execute(command) {
            Ok(receipt) => {
                self.form = None;
                if kind == FormKind::NewDossier
                    && let Some(id) = receipt.result["dossier"].as_str()
                {
                    self.view = View::Dossier(id.to_string());
                }
                Flow::Done(s::done(&receipt.summary, receipt.seq))
            }
            Err(refusal) => {
                form.show_refusal(&refusal);
                Flow::Failed(s::refused(&refusal.message))
            }
        }
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        let mut crumbs = vec![self.corbeille.label().to_string()];
        if let View::Dossier(id) = &self.view {
            crumbs.push(id.clone());
        }
        if let Some((kind, _)) = &self.form {
            crumbs.push(kind.title().to_string());
        }
        crumbs
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        if let Some((kind, _)) = &self.form {
            let mut table = vec![
                Binding::new(
                    Key::Ctrl('s'),
                    "enregistrer",
                    "Enregistrer le formulaire",
                    Action::Open,
                ),
                Binding::new(
                    Key::Esc,
                    "annuler",
                    "Fermer le formulaire (demande confirmation s'il y a une saisie)",
                    Action::Back,
                ),
            ];
            if *kind == FormKind::NewDossier {
                table.push(Binding::new(
                    Key::Ctrl('n'),
                    "personne +",
                    "Ajouter une personne au dossier",
                    Action::New,
                ));
                table.push(
                    Binding::new(
                        Key::Ctrl('d'),
                        "personne −",
                        "Retirer la dernière personne",
                        Action::Back,
                    )
                    .help_only(),
                );
            }
            return table;
        }
        match &self.view {
            View::Corbeilles => vec![
                Binding::new(
                    Key::Enter,
                    s::HINT_OPEN,
                    "Ouvrir le dossier sélectionné",
                    Action::Open,
                ),
                Binding::new(
                    Key::Char('l'),
                    "corbeille suivante",
                    "Corbeille suivante (→ ou l)",
                    Action::NextCorbeille,
                ),
                Binding::new(
                    Key::Char('h'),
                    "corbeille précédente",
                    "Corbeille précédente (← ou h)",
                    Action::PreviousCorbeille,
                )
                .help_only(),
                Binding::new(
                    Key::Char('n'),
                    "nouveau",
                    "Enregistrer un nouveau dossier reçu",
                    Action::New,
                ),
            ],
            View::Dossier(_) => {
                let entry = |key, hint: &'static str, help, action| {
                    self.availability
                        .get(&action)
                        .map(|why| Binding::new(key, hint, help, action).disabled_by(why.clone()))
                };
                let person = self.person_email().unwrap_or_default();
                let mut table: Vec<Binding<Action>> = [
                    entry(Key::Char('v'), "qualifier", "Qualifier le dossier : compétence, canal, demandeur, mouvements, adresses", Action::Qualify),
                    entry(Key::Char('p'), "pièce reçue", "Enregistrer une pièce reçue (contrat, liste, pièce d'identité, face à face)", Action::Document),
                    entry(Key::Char('e'), "adresse active", "Confirmer que l'adresse de la personne sélectionnée est en service", Action::Confirm),
                    entry(Key::Char('c'), "créer dans ASPASIE", "Créer la personne sélectionnée dans ASPASIE (identifiant PIGP proposé)", Action::Create),
                    entry(Key::Char('o'), "habiliter dans MADRHAS", "Ouvrir les droits Chorus Pro de la personne sélectionnée dans MADRHAS", Action::Habilitate),
                    entry(Key::Char('i'), "réinitialiser", "Réinitialiser le mot de passe PIGP (envoyé à l'adresse enregistrée)", Action::Reset),
                    entry(Key::Char('x'), "clôturer", "Clôturer le dossier traité", Action::Close),
                    entry(Key::Char('s'), "suivre", "Suivre ce dossier (il apparaît dans Mes dossiers)", Action::Follow),
                    entry(Key::Char('t'), "transmettre", "Transmettre à la direction compétente", Action::Forward),
                    entry(Key::Char('r'), "rejeter", "Rejeter le dossier, motif à l'appui", Action::Reject),
                    entry(Key::Char('m'), "note", "Ajouter une note au dossier", Action::Note),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !person.is_empty() {
                    table.push(
                        Binding::new(
                            Key::Char('u'),
                            "fiche",
                            "Ouvrir la fiche utilisateur de la personne sélectionnée",
                            Action::OpenPerson,
                        )
                        .help_only(),
                    );
                }
                table.push(Binding::new(
                    Key::Esc,
                    s::HINT_BACK,
                    s::HELP_BACK,
                    Action::Back,
                ));
                table
            }
        }
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Flow {
        if let Some((kind, form)) = &mut self.form {
            return match action {
                Action::Open => self.submit(ctx),
                Action::New => {
                    forms::add_person(form);
                    Flow::Changed
                }
                Action::Back
                    if *kind == FormKind::NewDossier
                        && form.fields.len() > forms::PERSON_FIELDS =>
                {
                    forms::remove_person(form);
                    Flow::Changed
                }
                _ => Flow::Nothing,
            };
        }
        match (&self.view, action) {
            (View::Corbeilles, Action::Open) => {
                if let Some(line) = self.selected_line() {
                    let id = line.id.clone();
                    self.person = 0;
                    self.load_dossier(&id, ctx);
                    self.view = View::Dossier(id);
                }
                Flow::Changed
            }
            (View::Corbeilles, Action::NextCorbeille | Action::PreviousCorbeille) => {
                let delta = if action == Action::NextCorbeille {
                    1
                } else {
                    Corbeille::ALL.len() - 1
                };
                self.corbeille =
                    Corbeille::ALL[(self.corbeille.code() as usize + delta) % Corbeille::ALL.len()];
                self.cursor = Cursor::default();
                self.load_page(ctx);
                Flow::Changed
            }
            (_, Action::New) => self.open_form(FormKind::NewDossier, ctx),
            (View::Dossier(_), Action::Back) => {
                self.view = View::Corbeilles;
                self.load_page(ctx);
                Flow::Changed
            }
            (View::Dossier(_), Action::Document) => self.open_form(FormKind::Document, ctx),
            (View::Dossier(_), Action::Forward) => self.open_form(FormKind::Forward, ctx),
            (View::Dossier(_), Action::Reject) => self.open_form(FormKind::Reject, ctx),
            (View::Dossier(_), Action::Note) => self.open_form(FormKind::Note, ctx),
            (View::Dossier(_), Action::OpenPerson) => match self.person_email() {
                Some(email) => Flow::Goto(EspaceId::Utilisateurs, Some(Target::User(email))),
                None => Flow::Nothing,
            },
            (View::Dossier(_), other) => match self.command(other, ctx) {
                Some(command) => Ctx::outcome(ctx.execute(command)),
                None => Flow::Nothing,
            },
            _ => Flow::Nothing,
        }
    }

    fn capture(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        use ratatui::crossterm::event::KeyCode;
        if self.confirm_discard {
            match key.code {
                KeyCode::Char('o') | KeyCode::Char('O') | KeyCode::Enter => {
                    self.form = None;
                    self.confirm_discard = false;
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    self.confirm_discard = false
                }
                _ => {}
            }
            return Some(Flow::Changed);
        }
        if let Some((_, form)) = &mut self.form {
            // The form's own keys (Ctrl-N/Ctrl-D for persons) go to the keymap.
            if matches!(Key::of(key), Some(Key::Ctrl('n') | Key::Ctrl('d'))) {
                let action = if Key::of(key) == Some(Key::Ctrl('n')) {
                    Action::New
                } else {
                    Action::Back
                };
                return Some(self.act(action, ctx));
            }
            return Some(match form.handle(key) {
                FormEvent::Changed => Flow::Changed,
                FormEvent::Ignored => Flow::Nothing,
                FormEvent::Submit => self.submit(ctx),
                FormEvent::Cancel => {
                    if form.dirty {
                        self.confirm_discard = true;
                    } else {
                        self.form = None;
                    }
                    Flow::Changed
                }
            });
        }
        if matches!(self.view, View::Corbeilles) {
            return match key.code {
                KeyCode::Right => Some(self.act(Action::NextCorbeille, ctx)),
                KeyCode::Left => Some(self.act(Action::PreviousCorbeille, ctx)),
                _ => None,
            };
        }
        None
    }

    fn typing(&self) -> bool {
        self.form.is_some()
    }

    fn editing(&self) -> bool {
        self.form.as_ref().is_some_and(|(_, f)| f.dirty)
    }

    fn discard(&mut self) {
        self.form = None;
        self.confirm_discard = false;
    }

    fn on_move(&mut self, movement: Move, ctx: &Ctx) -> Flow {
        match &self.view {
            View::Corbeilles => {
                self.cursor.selected = movement.apply(self.cursor.selected, self.total, ctx.rows);
                self.load_page(ctx);
            }
            View::Dossier(id) => {
                let id = id.clone();
                self.person = movement.apply(self.person, self.persons().len(), 5);
                self.load_dossier(&id, ctx);
            }
        }
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        match &self.view {
            View::Corbeilles => self.load_page(ctx),
            View::Dossier(id) => {
                let id = id.clone();
                self.load_dossier(&id, ctx);
            }
        }
    }

    fn open(&mut self, target: &Target, ctx: &Ctx) {
        match target {
            Target::Corbeille(c) => {
                self.corbeille = *c;
                self.view = View::Corbeilles;
                self.cursor = Cursor::default();
                self.load_page(ctx);
            }
            Target::Dossier(id) => {
                self.person = 0;
                self.load_dossier(id, ctx);
                if let Some(d) = &self.dossier {
                    self.corbeille =
                        Corbeille::parse(&text(&d["corbeille"])).unwrap_or(self.corbeille);
                    self.view = View::Dossier(text(&d["id"]));
                }
            }
            Target::NewDossier => {
                self.open_form(FormKind::NewDossier, ctx);
            }
            _ => {}
        }
    }

    fn copy(&self) -> Option<String> {
        match &self.view {
            View::Dossier(id) => Some(id.clone()),
            View::Corbeilles => self.selected_line().map(|l| l.id.clone()),
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        if let Some((kind, form)) = &self.form {
            let block =
                Block::bordered().title(Span::styled(format!(" {} ", kind.title()), theme.title()));
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let [body, foot] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
            form.draw(frame, body, &theme);
            if self.confirm_discard {
                frame.render_widget(
                    Paragraph::new(Line::styled(s::CONFIRM_DISCARD, theme.warn())),
                    foot,
                );
            }
            return;
        }
        match &self.view {
            View::Corbeilles => self.draw_corbeilles(frame, area, ctx),
            View::Dossier(_) => self.draw_dossier(frame, area, ctx),
        }
    }
}

impl State {
    fn draw_corbeilles(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let [left, right] =
            Layout::horizontal([Constraint::Length(34), Constraint::Min(30)]).areas(area);
        let lines: Vec<Line> = self
            .counts
            .iter()
            .map(|(c, n)| {
                let style = if *c == self.corbeille {
                    theme.tab_active()
                } else {
                    theme.base()
                };
                Line::styled(format!(" {:<26}{n:>5}", c.label()), style)
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
        let title = format!(" {} · {} dossier(s) ", self.corbeille.label(), self.total);
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
                Constraint::Length(17),
                Constraint::Min(18),
                Constraint::Length(10),
                Constraint::Length(11),
                Constraint::Length(12),
            ],
            Some(self.cursor.selected.saturating_sub(self.cursor.offset)),
            &theme,
        );
    }

    fn draw_dossier(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
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
