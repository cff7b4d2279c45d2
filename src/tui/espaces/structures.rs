//! Espace Structures: the structures known to the desk (SIRET, name, category, département, académie, their
//! gestionnaire principal or "sans GP", interim flagged), filtered as you type, or only those R14 points at —
//! without GP, or whose GP is interim; and the structure screen, whose user, request, right and dossier lines open
//! the user in Utilisateurs or the dossier in Dossiers. It only reads.

mod export;
mod fiche;
pub mod search;

use super::utilisateurs::sheet::Sheet;
use super::{Ctx, Flow, Screen, Target};
use crate::domain::ids::Siret;
use crate::domain::ids::fold;
use crate::domain::structure::Structure;
use crate::store::{GpState, structure_search_text};
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::filter::{Filter, Typed};
use crate::tui::widgets::form::{self, Form, FormEvent};
use crate::tui::widgets::{self, Cursor};
use fiche::Fiche;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};
use search::StructureSearch;

/// Below this width the list drops the académie column.
const WIDE: u16 = 100;

/// One line of the list.
#[derive(Debug, Clone)]
struct Entry {
    siret: String,
    spaced: String,
    name: String,
    category: String,
    departement: String,
    academie: String,
    /// The GP's name, if the structure has one.
    gp: Option<String>,
    interim: bool,
}

impl Entry {
    fn of(s: Structure, gp: Option<String>, interim: bool) -> Entry {
        let academie = s.academie.unwrap_or_default();
        Entry {
            siret: s.siret.to_string(),
            spaced: s.siret.spaced(),
            name: s.name,
            category: s.category.wire().to_string(),
            departement: s.departement,
            academie,
            gp,
            interim,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    Back,
    Filter,
    Export,
    Save,
}

#[derive(Default)]
pub struct State {
    /// The structures the list holds: every one, or those R14 points at in the orphans view, filtered.
    search: StructureSearch,
    /// The lines of the list.
    total: usize,
    /// The lines drawn: the page that starts at line `page_at`.
    page: Vec<Entry>,
    page_at: usize,
    cursor: Cursor,
    filter: Filter,
    /// Only the structures without GP or with an interim GP (R14).
    orphans: bool,
    fiche: Option<Fiche>,
    sheet: Sheet,
    /// The form exporting the users of the structure shown, and the question before dropping its typed data.
    export: Option<((), Form)>,
    asking: bool,
}

impl State {
    /// Reads what the list holds: the count, and the SIRETs of the R14 view; the lines are read a page at a time
    /// when drawn, from the name index (a national base knows tens of thousands of structures).
    fn load(&mut self, ctx: &Ctx) {
        let store = ctx.desk.store();
        let scope = self.orphans.then(|| {
            let mut scope: Vec<(String, Siret, String)> = GpState::ALL
                .iter()
                .flat_map(|state| store.gp_state_sirets(*state).unwrap_or_default())
                .filter_map(|siret| store.structure(siret).ok().flatten())
                .map(|s| (fold(&s.name), s.siret, structure_search_text(&s)))
                .collect();
            scope.sort();
            scope
                .into_iter()
                .map(|(_, siret, text)| (siret, text))
                .collect()
        });
        self.search.load(store, scope);
        self.apply_filter(ctx);
    }

    fn apply_filter(&mut self, ctx: &Ctx) {
        self.search.apply(ctx.desk.store(), &self.filter.needle());
        self.total = self.search.total();
        self.page.clear();
        self.page_at = usize::MAX;
        self.cursor.settle(self.total, usize::MAX);
    }

    /// Reads the lines `[at, at + height)` with their GP, unless they are the ones drawn already.
    fn fetch(&mut self, ctx: &Ctx, at: usize, height: usize) {
        if self.page_at == at && self.page.len() >= height.min(self.total.saturating_sub(at)) {
            return;
        }
        let store = ctx.desk.store();
        let structures = self.search.page(store, at, height);
        // Reading on may have made an estimated total exact, or smaller.
        self.total = self.search.total();
        self.page = structures
            .into_iter()
            .map(|s| {
                let gp = store
                    .attachments_of_structure(s.siret)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|a| a.is_active_gp());
                let name = gp
                    .as_ref()
                    .and_then(|a| store.user(a.user).ok().flatten())
                    .map(|u| format!("{} {}", u.prenom, u.nom));
                let interim = gp.is_some_and(|a| a.interim);
                Entry::of(s, name, interim)
            })
            .collect();
        self.page_at = at;
    }

    fn selected(&self) -> Option<&Entry> {
        self.page
            .get(self.cursor.selected.checked_sub(self.page_at)?)
    }

    fn open_fiche(&mut self, siret: &str, ctx: &Ctx) {
        if let Some(mut f) = fiche::load(siret, ctx) {
            self.sheet.reset();
            self.sheet
                .replace(std::mem::take(&mut f.header), std::mem::take(&mut f.lines));
            self.fiche = Some(f);
        }
    }

    fn capture_filter(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        match self.filter.type_key(key) {
            Typed::Pass => return None,
            Typed::Open => return Some(self.act(Action::Open, ctx)),
            Typed::Changed => {
                self.cursor = Cursor::default();
                self.apply_filter(ctx);
            }
        }
        Some(Flow::Changed)
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        let mut crumbs = vec![
            if self.orphans {
                "Structures sans GP ou à GP intérimaire (R14)"
            } else {
                "Rechercher une structure"
            }
            .to_string(),
        ];
        if let Some(f) = &self.fiche {
            crumbs.push(f.name.clone());
        }
        crumbs
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        if self.export.is_some() {
            return vec![
                Binding::new(
                    Key::Ctrl('s'),
                    "enregistrer",
                    "Écrire le fichier",
                    Action::Save,
                ),
                Binding::new(Key::Esc, "annuler", "Fermer le formulaire", Action::Back),
            ];
        }
        if self.fiche.is_some() {
            return vec![
                Binding::new(
                    Key::Char('e'),
                    "exporter les utilisateurs",
                    "Exporter les utilisateurs de la structure (comme l'export de Chorus Pro), en CSV ou JSON",
                    Action::Export,
                ),
                Binding::new(
                    Key::Enter,
                    s::HINT_OPEN,
                    "Ouvrir l'utilisateur ou le dossier de la ligne sélectionnée",
                    Action::Open,
                ),
                Binding::new(
                    Key::Esc,
                    s::HINT_BACK,
                    "Revenir à la liste des structures",
                    Action::Back,
                ),
            ];
        }
        let mut table = vec![
            Binding::new(
                Key::Enter,
                s::HINT_OPEN,
                "Ouvrir la structure sélectionnée",
                Action::Open,
            ),
            Binding::new(
                Key::Char('/'),
                s::HINT_FILTER,
                s::HELP_FILTER,
                Action::Filter,
            ),
        ];
        if self.orphans || !self.filter.is_empty() {
            table.push(Binding::new(
                Key::Esc,
                "toutes les structures",
                "Revenir à la liste entière, sans filtre",
                Action::Back,
            ));
        }
        table
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Flow {
        match action {
            Action::Export => return self.open_export(ctx),
            Action::Save => return self.submit_export(ctx),
            _ => {}
        }
        if self.fiche.is_some() {
            return match action {
                Action::Open => match self.sheet.selected_link() {
                    Some((espace, target)) => Flow::Goto(*espace, Some(target.clone())),
                    None => Flow::Nothing,
                },
                Action::Back => {
                    self.fiche = None;
                    self.load(ctx);
                    Flow::Changed
                }
                Action::Filter | Action::Export | Action::Save => Flow::Nothing,
            };
        }
        match action {
            Action::Open => {
                if let Some(siret) = self.selected().map(|e| e.siret.clone()) {
                    self.open_fiche(&siret, ctx);
                }
            }
            Action::Filter => self.filter.start(),
            Action::Export | Action::Save => {}
            Action::Back => {
                if self.filter.is_empty() {
                    self.orphans = false;
                }
                self.filter.reset();
                self.cursor = Cursor::default();
                self.load(ctx);
            }
        }
        Flow::Changed
    }

    fn editing(&self) -> bool {
        self.export.as_ref().is_some_and(|(_, f)| f.dirty)
    }

    fn discard(&mut self) {
        self.export = None;
        self.asking = false;
    }

    fn typing(&self) -> bool {
        self.export.is_some() || (self.filter.typing() && self.fiche.is_none())
    }

    fn capture(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        if self.export.is_some() || self.asking {
            return Some(
                match form::on_key(&mut self.export, &mut self.asking, key) {
                    FormEvent::Changed => Flow::Changed,
                    FormEvent::Submit => self.submit_export(ctx),
                    FormEvent::Ignored | FormEvent::Cancel => Flow::Nothing,
                },
            );
        }
        if self.filter.typing() && self.fiche.is_none() {
            return self.capture_filter(key, ctx);
        }
        None
    }

    fn on_move(&mut self, movement: Move, ctx: &Ctx) -> Flow {
        if self.fiche.is_some() {
            self.sheet.on_move(movement);
        } else {
            self.cursor.selected = movement.apply(self.cursor.selected, self.total, ctx.rows);
        }
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.load(ctx);
        if let Some(siret) = self.fiche.as_ref().map(|f| f.siret.clone()) {
            self.fiche = fiche::load(&siret, ctx);
            if let Some(f) = &mut self.fiche {
                self.sheet
                    .replace(std::mem::take(&mut f.header), std::mem::take(&mut f.lines));
            }
        }
    }

    fn open(&mut self, target: &Target, ctx: &Ctx) {
        match target {
            Target::Structure(siret) => {
                self.filter.stop();
                self.open_fiche(siret, ctx);
            }
            Target::Orphans => {
                self.fiche = None;
                self.orphans = true;
                self.filter.reset();
                self.cursor = Cursor::default();
                self.load(ctx);
            }
            _ => {}
        }
    }

    fn copy(&self) -> Option<String> {
        match &self.fiche {
            Some(f) => Some(f.siret.clone()),
            None => self.selected().map(|e| e.siret.clone()),
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        if let Some((_, form)) = &self.export {
            let block =
                Block::bordered().title(Span::styled(format!(" {} ", form.title), theme.title()));
            let inner = block.inner(area);
            frame.render_widget(block, area);
            form.draw(frame, inner, &theme);
            if self.asking {
                let foot = Rect {
                    y: inner.bottom().saturating_sub(1),
                    height: 1,
                    ..inner
                };
                frame.render_widget(
                    Paragraph::new(Line::styled(s::CONFIRM_DISCARD, theme.warn())),
                    foot,
                );
            }
            return;
        }
        if let Some(f) = &self.fiche {
            let title = format!("Structure · {}", f.name);
            let sections = "Utilisateurs, demandes, droits, dossiers";
            self.sheet.draw(frame, area, &title, sections, &theme);
            return;
        }
        self.draw_list(frame, area, ctx);
    }
}

impl State {
    fn draw_list(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let [head, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let scope = self.orphans.then_some(
            "R14 : structures sans gestionnaire principal, ou dont le GP est intérimaire",
        );
        let line = self.filter.head(
            scope,
            "/ pour filtrer (SIRET, nom, catégorie, département, académie, GP…)",
            &theme,
        );
        frame.render_widget(Paragraph::new(line), head);
        let height = list.height.saturating_sub(3) as usize;
        self.cursor.settle(self.total, height);
        self.fetch(ctx, self.cursor.offset, height.max(1));
        // A search read to its end may have found fewer lines than it estimated: the cursor comes back within them.
        if self.cursor.selected >= self.total {
            self.cursor.settle(self.total, height);
            self.fetch(ctx, self.cursor.offset, height.max(1));
        }
        let wide = list.width >= WIDE;
        let rows: Vec<Row> = self
            .page
            .iter()
            .take(height.max(1))
            .map(|e| {
                let (gp, style) = match (&e.gp, e.interim) {
                    (None, _) => ("sans GP".to_string(), theme.warn()),
                    (Some(name), true) => (format!("{name} (intérimaire)"), theme.warn()),
                    (Some(name), false) => (name.clone(), theme.base()),
                };
                let mut cells = vec![
                    e.spaced.clone(),
                    e.name.clone(),
                    e.category.clone(),
                    e.departement.clone(),
                ];
                if wide {
                    cells.push(e.academie.clone());
                }
                cells.push(gp);
                Row::new(cells).style(style)
            })
            .collect();
        let (header, widths): (Vec<&str>, Vec<Constraint>) = if wide {
            (
                vec![
                    "SIRET",
                    "Nom",
                    "Cat.",
                    "Dép.",
                    "Académie",
                    "Gestionnaire principal",
                ],
                vec![
                    Constraint::Length(17),
                    Constraint::Min(28),
                    Constraint::Length(7),
                    Constraint::Length(4),
                    Constraint::Length(14),
                    Constraint::Length(28),
                ],
            )
        } else {
            (
                vec!["SIRET", "Nom", "Cat.", "Dép.", "GP"],
                vec![
                    Constraint::Length(17),
                    Constraint::Min(20),
                    Constraint::Length(7),
                    Constraint::Length(4),
                    Constraint::Min(14),
                ],
            )
        };
        let what = if self.orphans {
            "Structures sans GP ou à GP intérimaire (R14)"
        } else {
            "Structures"
        };
        let unfiltered = self.search.unfiltered();
        let count = if !self.search.exact() {
            format!("≈ {} sur {unfiltered}", self.total)
        } else if self.total == unfiltered {
            format!("{}", self.total)
        } else {
            format!("{} sur {unfiltered}", self.total)
        };
        let title = Span::styled(format!(" {what} · {count} "), theme.title());
        let selected = self.cursor.selected.saturating_sub(self.cursor.offset);
        widgets::table(
            frame,
            list,
            Block::bordered().title(title),
            Row::new(header),
            rows,
            &widths,
            Some(selected),
            &theme,
        );
        if self.total == 0 && list.height > 3 && list.width > 4 {
            let inner = Rect {
                y: list.y + 2,
                height: 1,
                x: list.x + 2,
                width: list.width.saturating_sub(4),
            };
            frame.render_widget(Paragraph::new(Line::styled(s::EMPTY, theme.muted())), inner);
        }
    }
}
