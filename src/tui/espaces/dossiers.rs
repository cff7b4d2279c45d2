//! Espace Dossiers: the corbeilles of the direction (each a page read from the index), the dossier screen — header,
//! controls R1 R2 R3 R12 R13, pieces (R4), persons with their PIGP identifier and MADRHAS state, notes, history —
//! with only the actions that apply, each previewed against the rules so that a forbidden one shows the rule that
//! forbids it; and the forms: new dossier (several persons), piece received, forward, reject, note.

mod draw;
mod files;
mod forms;

use super::{Ctx, EspaceId, Flow, Screen, Target};
use crate::domain::dossier::{Corbeille, Dossier};
use crate::domain::ids::Siret;
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::Cursor;
use crate::tui::widgets::filter::{Filter, Typed};
use crate::tui::widgets::form::{self, Form, FormEvent};
use forms::FormKind;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
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
    /// What the filter searches: number, reference, structure or user, requester, lot.
    searched: String,
}

/// A filter reads at most this many dossiers of the corbeille, oldest first.
const FILTER_SCAN: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Open,
    Back,
    New,
    NextCorbeille,
    PreviousCorbeille,
    Filter,
    Import,
    Export,
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
    filter: Filter,
    /// What the filter last found in the corbeille, and for which text: typing on narrows it, moving pages through
    /// it, without reading the corbeille again.
    matched: Option<(String, Vec<Line_>)>,
    /// The last dry run of the import form.
    preview: Option<files::Preview>,
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
            filter: Filter::default(),
            matched: None,
            preview: None,
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
        self.counts = store.corbeille_counts(&direction).unwrap_or_default();
        self.total = self
            .counts
            .iter()
            .find(|(c, _)| *c == self.corbeille)
            .map(|(_, n)| *n as usize)
            .unwrap_or(0);
        let height = ctx.rows.max(1);
        // The dossiers of some index entries and the structures they are about, read at once (one round trip
        // each through a server, not two a line), as lines.
        let lines = |entries: Vec<crate::store::CorbeilleEntry>| -> Vec<Line_> {
            let ids: Vec<_> = entries.iter().map(|e| e.id).collect();
            let dossiers = store.dossiers(&ids).unwrap_or_default();
            let mut sirets: Vec<_> = dossiers.iter().filter_map(|d| d.siret).collect();
            sirets.sort_unstable();
            sirets.dedup();
            let names: HashMap<_, _> = store
                .structures(&sirets)
                .unwrap_or_default()
                .into_iter()
                .map(|s| (s.siret, s.name))
                .collect();
            dossiers.into_iter().map(|d| line(d, &names)).collect()
        };
        if self.filter.is_empty() {
            // A page of the index: the lines shown, not the corbeille.
            self.cursor.settle(self.total, height);
            let page = store
                .corbeille_page(&direction, self.corbeille, self.cursor.offset, height)
                .unwrap_or_default();
            self.lines = lines(page);
        } else {
            let needle = self.filter.needle();
            let matching: Vec<Line_> = match self.matched.take() {
                Some((before, kept)) if needle.contains(before.as_str()) => kept
                    .into_iter()
                    .filter(|l| self.filter.matches(&l.searched))
                    .collect(),
                _ => lines(
                    store
                        .corbeille_page(&direction, self.corbeille, 0, FILTER_SCAN)
                        .unwrap_or_default(),
                )
                .into_iter()
                .filter(|l| self.filter.matches(&l.searched))
                .collect(),
            };
            self.total = matching.len();
            self.cursor.settle(self.total, height);
            self.lines = matching
                .iter()
                .skip(self.cursor.offset)
                .take(height)
                .cloned()
                .collect();
            self.matched = Some((needle, matching));
        }
    }

    /// Reads the corbeille again (it changed, or another one is shown): what the filter found is forgotten.
    fn reload_page(&mut self, ctx: &Ctx) {
        self.matched = None;
        self.load_page(ctx);
    }

    /// ⏎ on a filter that is a dossier's number or reference opens that dossier, whatever its corbeille.
    fn open_named(&mut self, ctx: &Ctx) -> Option<Flow> {
        let key = self.filter.value().trim();
        let found = ctx.desk.store().find_dossier(key).ok().flatten()?;
        let id = found.id.to_string();
        self.filter.reset();
        self.matched = None;
        self.person = 0;
        self.load_dossier(&id, ctx);
        self.view = View::Dossier(id);
        Some(Flow::Changed)
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
        match self.form.as_ref().map(|(kind, _)| *kind) {
            Some(FormKind::Import) => return self.submit_import(ctx),
            Some(FormKind::Export) => return self.submit_export(ctx),
            _ => {}
        }
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
                Binding::new(
                    Key::Char('/'),
                    s::HINT_FILTER,
                    s::HELP_FILTER,
                    Action::Filter,
                ),
                Binding::new(
                    Key::Char('i'),
                    "importer",
                    "Importer un fichier de tableur (structures, référents, lot, liste annexée) après un aperçu",
                    Action::Import,
                ),
                Binding::new(
                    Key::Char('e'),
                    "exporter",
                    "Exporter une feuille pour ASPASIE, MADRHAS ou les archives",
                    Action::Export,
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
                self.reload_page(ctx);
                Flow::Changed
            }
            (View::Corbeilles, Action::Import) => {
                self.preview = None;
                self.open_form(FormKind::Import, ctx)
            }
            (View::Corbeilles, Action::Export) => self.open_form(FormKind::Export, ctx),
            (View::Corbeilles, Action::Filter) => {
                self.filter.start();
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
        if self.confirm_discard || self.form.is_some() {
            // The form's own keys (Ctrl-N/Ctrl-D for persons) go to the keymap.
            if !self.confirm_discard
                && matches!(Key::of(key), Some(Key::Ctrl('n') | Key::Ctrl('d')))
            {
                let action = if Key::of(key) == Some(Key::Ctrl('n')) {
                    Action::New
                } else {
                    Action::Back
                };
                return Some(self.act(action, ctx));
            }
            return Some(
                match form::on_key(&mut self.form, &mut self.confirm_discard, key) {
                    FormEvent::Changed => Flow::Changed,
                    FormEvent::Submit => self.submit(ctx),
                    FormEvent::Ignored | FormEvent::Cancel => Flow::Nothing,
                },
            );
        }
        if matches!(self.view, View::Corbeilles) && self.filter.typing() {
            return match self.filter.type_key(key) {
                Typed::Pass => None,
                Typed::Open => self
                    .open_named(ctx)
                    .or_else(|| Some(self.act(Action::Open, ctx))),
                Typed::Changed => {
                    self.cursor = Cursor::default();
                    self.load_page(ctx);
                    Some(Flow::Changed)
                }
            };
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
        self.form.is_some() || (matches!(self.view, View::Corbeilles) && self.filter.typing())
    }

    fn editing(&self) -> bool {
        self.form.as_ref().is_some_and(|(_, f)| f.dirty)
    }

    fn discard(&mut self) {
        self.form = None;
        self.confirm_discard = false;
    }

    fn watched(&self) -> Option<crate::store::journal::Subject> {
        self.form.as_ref()?;
        let id = self.dossier.as_ref()?.get("id")?.as_str()?;
        crate::domain::ids::DossierId::parse(id)
            .ok()
            .map(crate::store::journal::Subject::Dossier)
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
            View::Corbeilles => self.reload_page(ctx),
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
                self.reload_page(ctx);
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
            let preview = self.preview.as_ref().filter(|_| *kind == FormKind::Import);
            let preview_height = preview
                .map(|p| p.lines.len().min(12) as u16 + 2)
                .unwrap_or(0);
            let [body, shown, foot] = Layout::vertical([
                Constraint::Min(1),
                Constraint::Length(preview_height),
                Constraint::Length(1),
            ])
            .areas(inner);
            form.draw(frame, body, &theme);
            if let Some(p) = preview {
                let style = if p.ok { theme.ok() } else { theme.error() };
                let lines: Vec<Line> = p
                    .lines
                    .iter()
                    .map(|l| Line::styled(l.clone(), style))
                    .collect();
                frame.render_widget(
                    Paragraph::new(lines)
                        .wrap(ratatui::widgets::Wrap { trim: true })
                        .block(Block::bordered().title(Span::styled(" Aperçu ", theme.title()))),
                    shown,
                );
            }
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

/// A line of a corbeille: the dossier, and the name of the structure it is about among `names`.
fn line(d: Dossier, names: &HashMap<Siret, String>) -> Line_ {
    let about = match d.siret.and_then(|s| names.get(&s)) {
        Some(name) => name.clone(),
        None => d.user.as_ref().map(|e| e.to_string()).unwrap_or_default(),
    };
    let searched = format!(
        "{} {} {about} {} {} {}",
        d.id,
        d.reference,
        d.requester.name,
        d.requester.email,
        d.lot.as_deref().unwrap_or("")
    );
    Line_ {
        id: d.id.to_string(),
        kind: d.kind.label().to_string(),
        about,
        received: d.received_on,
        assignee: d.assignee.clone().unwrap_or_default(),
        searched,
    }
}
