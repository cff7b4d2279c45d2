//! Espace Utilisateurs: the ASPASIE directory (every ASPASIE account and Chorus Pro self-service account, with
//! its PIGP identifier, population, codique and status), filtered as you type, or only the accès résiduels of R16;
//! the fiche utilisateur with his rights, rattachements, dossiers and history; and the actions on him — register a
//! reset request (§3), his departure, his deletion from ASPASIE (§2.3.2), the modification of his fields within a
//! qualified modification dossier — each previewed so that a forbidden one shows the rule that forbids it.
//!
//! It never writes: every action is a command sent through `ctx.execute`.

mod directory;
mod fiche;
mod forms;
pub mod search;
pub(super) mod sheet;

use super::{Ctx, EspaceId, Flow, Screen, Target};
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets;
use crate::tui::widgets::form::{self, Form, FormEvent};
use directory::{Directory, Entry, Typed};
use fiche::Fiche;
use forms::FormKind;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use serde_json::json;
use sheet::Sheet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    Back,
    Filter,
    Reset,
    Depart,
    Delete,
    Modify,
    Save,
    Confirm,
}

#[derive(Default)]
pub struct State {
    list: Directory,
    /// The fiche shown, by the e-mail that opened it (it follows a change of address).
    key: Option<String>,
    fiche: Option<Fiche>,
    sheet: Sheet,
    form: Option<(FormKind, Form)>,
    confirm_discard: bool,
    confirm_delete: bool,
}

impl State {
    fn open_fiche(&mut self, key: &str, ctx: &Ctx) -> bool {
        match fiche::load(key, ctx) {
            Some(mut f) => {
                self.sheet.reset();
                self.sheet.replace(
                    std::mem::take(&mut f.identity),
                    std::mem::take(&mut f.lines),
                );
                self.key = Some(f.email());
                self.fiche = Some(f);
                true
            }
            None => false,
        }
    }

    fn reload_fiche(&mut self, ctx: &Ctx) {
        let Some(key) = self.key.clone() else { return };
        self.fiche = fiche::load(&key, ctx);
        match &mut self.fiche {
            Some(f) => self.sheet.replace(
                std::mem::take(&mut f.identity),
                std::mem::take(&mut f.lines),
            ),
            None => self.key = None,
        }
    }

    fn open_form(&mut self, kind: FormKind, ctx: &Ctx) -> Flow {
        if let Some(f) = &self.fiche {
            self.form = Some((kind, forms::build(kind, f, ctx)));
        }
        Flow::Changed
    }

    fn submit(&mut self, ctx: &Ctx) -> Flow {
        let (Some(f), Some((kind, form))) = (&self.fiche, &mut self.form) else {
            return Flow::Nothing;
        };
        let kind = *kind;
        let Some(command) = forms::command(kind, form, f) else {
            return Flow::Failed(s::refused("champs obligatoires à remplir"));
        };
        match ctx.execute(command) {
            Ok(receipt) => {
                self.form = None;
                match (
                    kind,
                    receipt.result["dossier"].as_str(),
                    receipt.result["email"].as_str(),
                ) {
                    (FormKind::Reset, Some(id), _) => {
                        return Flow::Goto(
                            EspaceId::Dossiers,
                            Some(Target::Dossier(id.to_string())),
                        );
                    }
                    (FormKind::Modify, _, Some(email)) => self.key = Some(email.to_string()),
                    _ => {}
                }
                Flow::Done(s::done(&receipt.summary, receipt.seq))
            }
            Err(refusal) => {
                form.show_refusal(&refusal);
                Flow::Failed(s::refused(&refusal.message))
            }
        }
    }

    fn delete(&mut self, ctx: &Ctx) -> Flow {
        self.confirm_delete = false;
        let Some(f) = &self.fiche else {
            return Flow::Changed;
        };
        Ctx::outcome(ctx.execute(
            json!({"cmd": "aspasie.delete", "email": f.email(), "dossier": f.suppressions.first()}),
        ))
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        let mut crumbs = vec![
            if self.list.residual {
                "Accès résiduels (R16)"
            } else {
                "Annuaire ASPASIE"
            }
            .to_string(),
        ];
        if let Some(f) = &self.fiche {
            crumbs.push(f.name());
        }
        if let Some((kind, _)) = &self.form {
            crumbs.push(kind.title().to_string());
        }
        crumbs
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        if self.confirm_delete {
            return vec![
                Binding::new(
                    Key::Char('o'),
                    "oui, supprimer",
                    "Supprimer le compte ASPASIE et retirer ses droits MADRHAS",
                    Action::Confirm,
                ),
                Binding::new(Key::Char('n'), "non", "Ne rien supprimer", Action::Back),
            ];
        }
        if self.form.is_some() {
            return vec![
                Binding::new(
                    Key::Ctrl('s'),
                    "enregistrer",
                    "Enregistrer le formulaire",
                    Action::Save,
                ),
                Binding::new(
                    Key::Esc,
                    "annuler",
                    "Fermer le formulaire (demande confirmation s'il y a une saisie)",
                    Action::Back,
                ),
            ];
        }
        let Some(f) = &self.fiche else {
            let mut table = vec![
                Binding::new(
                    Key::Enter,
                    s::HINT_OPEN,
                    "Ouvrir la fiche de l'utilisateur sélectionné",
                    Action::Open,
                ),
                Binding::new(
                    Key::Char('/'),
                    s::HINT_FILTER,
                    s::HELP_FILTER,
                    Action::Filter,
                ),
            ];
            if self.list.residual || self.list.filtered() {
                table.push(Binding::new(
                    Key::Esc,
                    "tout l'annuaire",
                    "Revenir à l'annuaire entier, sans filtre",
                    Action::Back,
                ));
            }
            return table;
        };
        let entry = |key, hint: &'static str, help, action| {
            Binding::new(key, hint, help, action).disabled_by(f.why_not(action))
        };
        let mut table = vec![
            Binding::new(
                Key::Enter,
                s::HINT_OPEN,
                "Ouvrir la structure ou le dossier de la ligne sélectionnée",
                Action::Open,
            ),
            entry(
                Key::Char('r'),
                "réinitialisation",
                "Enregistrer sa demande de réinitialisation du mot de passe PIGP (§3)",
                Action::Reset,
            ),
            entry(
                Key::Char('d'),
                "départ",
                "Enregistrer son départ (§2.3.2) ; un GP transfère d'abord son profil (R14)",
                Action::Depart,
            ),
            entry(
                Key::Char('x'),
                "supprimer d'ASPASIE",
                "Supprimer son compte ASPASIE et retirer ses droits MADRHAS (R15)",
                Action::Delete,
            ),
        ];
        let modify = entry(
            Key::Char('e'),
            "modifier",
            "Modifier ses champs dans le dossier de modification qualifié",
            Action::Modify,
        );
        table.push(if f.modifications.is_empty() {
            modify.help_only()
        } else {
            modify
        });
        table.push(Binding::new(
            Key::Esc,
            s::HINT_BACK,
            "Revenir à l'annuaire",
            Action::Back,
        ));
        table
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Flow {
        if self.confirm_delete {
            return match action {
                Action::Confirm => self.delete(ctx),
                _ => {
                    self.confirm_delete = false;
                    Flow::Changed
                }
            };
        }
        if self.form.is_some() {
            return match action {
                Action::Save => self.submit(ctx),
                _ => Flow::Nothing,
            };
        }
        if self.fiche.is_some() {
            return match action {
                Action::Open => match self.sheet.selected_link() {
                    Some((espace, target)) => Flow::Goto(*espace, Some(target.clone())),
                    None => Flow::Nothing,
                },
                Action::Reset => self.open_form(FormKind::Reset, ctx),
                Action::Depart => self.open_form(FormKind::Depart, ctx),
                Action::Modify => self.open_form(FormKind::Modify, ctx),
                Action::Delete => {
                    self.confirm_delete = true;
                    Flow::Changed
                }
                Action::Back => {
                    self.fiche = None;
                    self.key = None;
                    self.list.load(ctx);
                    Flow::Changed
                }
                _ => Flow::Nothing,
            };
        }
        match action {
            Action::Open => {
                if let Some(email) = self.list.selected().map(|e| e.email.clone()) {
                    self.open_fiche(&email, ctx);
                }
            }
            Action::Filter => self.list.filter.start(),
            Action::Back => {
                self.list.widen(ctx);
            }
            _ => return Flow::Nothing,
        }
        Flow::Changed
    }

    fn capture(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        use ratatui::crossterm::event::KeyCode;
        if self.confirm_delete {
            return Some(match key.code {
                KeyCode::Char('o' | 'O') | KeyCode::Enter => self.delete(ctx),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                    self.confirm_delete = false;
                    Flow::Changed
                }
                _ => Flow::Nothing,
            });
        }
        if self.confirm_discard || self.form.is_some() {
            return Some(
                match form::on_key(&mut self.form, &mut self.confirm_discard, key) {
                    FormEvent::Changed => Flow::Changed,
                    FormEvent::Submit => self.submit(ctx),
                    FormEvent::Ignored | FormEvent::Cancel => Flow::Nothing,
                },
            );
        }
        if self.list.filter.typing() && self.fiche.is_none() {
            return match self.list.type_key(key, ctx) {
                Typed::Pass => None,
                Typed::Changed => Some(Flow::Changed),
                Typed::Open => Some(self.act(Action::Open, ctx)),
            };
        }
        None
    }

    fn editing(&self) -> bool {
        self.form.as_ref().is_some_and(|(_, f)| f.dirty)
    }

    fn typing(&self) -> bool {
        self.form.is_some() || (self.list.filter.typing() && self.fiche.is_none())
    }

    fn watched(&self) -> Option<crate::store::journal::Subject> {
        self.form.as_ref()?;
        let fiche = self.fiche.as_ref()?;
        Some(crate::store::journal::Subject::User(fiche.user.id))
    }

    fn discard(&mut self) {
        self.form = None;
        self.confirm_discard = false;
    }

    fn on_move(&mut self, movement: Move, ctx: &Ctx) -> Flow {
        if self.form.is_some() {
            return Flow::Nothing;
        }
        if self.fiche.is_some() {
            self.sheet.on_move(movement);
        } else {
            self.list.on_move(movement, ctx.rows);
        }
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.list.load(ctx);
        self.reload_fiche(ctx);
    }

    fn open(&mut self, target: &Target, ctx: &Ctx) {
        match target {
            Target::User(email) => {
                self.form = None;
                self.confirm_delete = false;
                self.list.filter.stop();
                self.open_fiche(email, ctx);
            }
            Target::Residual => {
                self.form = None;
                self.fiche = None;
                self.key = None;
                self.list.show_residual(ctx);
            }
            _ => {}
        }
    }

    fn copy(&self) -> Option<String> {
        match &self.fiche {
            Some(f) => Some(f.identifier()),
            None => self.list.selected().map(Entry::identifier),
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
            let foot_text = if self.confirm_discard {
                Line::styled(s::CONFIRM_DISCARD, theme.warn())
            } else {
                Line::styled(
                    "Tab/Maj-Tab : champ suivant/précédent · espace : cocher · Ctrl-S : enregistrer · Échap : annuler",
                    theme.muted(),
                )
            };
            frame.render_widget(Paragraph::new(foot_text), foot);
            return;
        }
        if let Some(f) = &self.fiche {
            let title = format!("Fiche utilisateur · {}", f.name());
            let sections = "Droits, rattachements, dossiers, historique";
            self.sheet.draw(frame, area, &title, sections, &theme);
            if self.confirm_delete {
                let text = format!(
                    "Supprimer {} d'ASPASIE ? Ses droits MADRHAS sont retirés dans la même opération{}. (o : oui, n : non)",
                    f.email(),
                    f.suppressions
                        .first()
                        .map(|d| format!(" ; le dossier {d} est clos"))
                        .unwrap_or_default()
                );
                let popup = widgets::centered(area, 70, 6);
                let inner = widgets::popup(frame, popup, s::CONFIRM_TITLE, &theme);
                frame.render_widget(
                    Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
                    inner,
                );
            }
            return;
        }
        self.list.draw(frame, area, ctx);
    }
}
