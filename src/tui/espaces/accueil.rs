//! Espace Accueil: the corbeilles of the operator's direction with their counts and age (past 15 days flagged),
//! the alerts of the note (structures without GP or with an interim GP — R14; accès résiduels — R16; dossiers
//! waiting for addresses — R13) and the dossiers the operator follows. Every line opens its list.

use super::{Ctx, EspaceId, Flow, Screen, Target};
use crate::desk::view::OVERDUE_DAYS;
use crate::domain::dossier::Corbeille;
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

#[derive(Debug, Clone, PartialEq)]
enum Item {
    Corbeille {
        corbeille: Corbeille,
        count: i64,
        oldest: Option<i64>,
        overdue: usize,
    },
    Alert {
        rule: &'static str,
        text: String,
        target: (EspaceId, Option<Target>),
    },
    Mine {
        id: String,
        kind: String,
        about: String,
        age: i64,
    },
}

#[derive(Debug, Default)]
pub struct State {
    items: Vec<Item>,
    cursor: Cursor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    New,
}

impl State {
    fn selected(&self) -> Option<&Item> {
        self.items.get(self.cursor.selected)
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        vec!["Tableau de bord".to_string()]
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        vec![
            Binding::new(
                Key::Enter,
                s::HINT_OPEN,
                "Ouvrir la corbeille, l'alerte ou le dossier sélectionné",
                Action::Open,
            ),
            Binding::new(
                Key::Char('n'),
                "nouveau dossier",
                "Enregistrer un nouveau dossier reçu",
                Action::New,
            ),
        ]
    }

    fn act(&mut self, action: Action, _ctx: &Ctx) -> Flow {
        match action {
            Action::New => Flow::Goto(EspaceId::Dossiers, Some(Target::NewDossier)),
            Action::Open => match self.selected() {
                Some(Item::Corbeille { corbeille, .. }) => {
                    Flow::Goto(EspaceId::Dossiers, Some(Target::Corbeille(*corbeille)))
                }
                Some(Item::Alert { target, .. }) => Flow::Goto(target.0, target.1.clone()),
                Some(Item::Mine { id, .. }) => {
                    Flow::Goto(EspaceId::Dossiers, Some(Target::Dossier(id.clone())))
                }
                None => Flow::Nothing,
            },
        }
    }

    fn on_move(&mut self, movement: Move, ctx: &Ctx) -> Flow {
        self.cursor.selected = movement.apply(self.cursor.selected, self.items.len(), ctx.rows);
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        let mut items = Vec::new();
        let direction = ctx.direction();
        if let Some(code) = &direction
            && let Ok(queues) = ctx.desk.queues(Some(code))
        {
            for q in queues.into_iter().filter(|q| q.corbeille.is_open()) {
                items.push(Item::Corbeille {
                    corbeille: q.corbeille,
                    count: q.count,
                    oldest: q.oldest_age_days,
                    overdue: q.over_15_days,
                });
            }
        }
        let (without, interim, residual) = ctx.desk.alert_counts().unwrap_or_default();
        let waiting = items
            .iter()
            .find_map(|i| match i {
                Item::Corbeille {
                    corbeille: Corbeille::EnAttenteAdresses,
                    count,
                    ..
                } => Some(*count),
                _ => None,
            })
            .unwrap_or(0);
        let structures = (EspaceId::Structures, Some(Target::Orphans));
        items.push(Item::Alert {
            rule: "R14",
            text: format!("{without} structure(s) sans gestionnaire principal"),
            target: structures.clone(),
        });
        items.push(Item::Alert {
            rule: "R14",
            text: format!("{interim} gestionnaire(s) principal(aux) intérimaire(s)"),
            target: structures,
        });
        items.push(Item::Alert {
            rule: "R16",
            text: format!("{residual} accès résiduel(s) de sortants"),
            target: (EspaceId::Utilisateurs, Some(Target::Residual)),
        });
        items.push(Item::Alert {
            rule: "R13",
            text: format!("{waiting} dossier(s) en attente d'activation d'adresses"),
            target: (
                EspaceId::Dossiers,
                Some(Target::Corbeille(Corbeille::EnAttenteAdresses)),
            ),
        });
        let store = ctx.desk.store();
        for id in store
            .dossiers_of_assignee(&ctx.operator.login, 50)
            .unwrap_or_default()
        {
            let Ok(Some(d)) = store.dossier(id) else {
                continue;
            };
            let about = match d
                .siret
                .and_then(|siret| store.structure(siret).ok().flatten())
            {
                Some(structure) => structure.name,
                None => d.user.as_ref().map(|e| e.to_string()).unwrap_or_default(),
            };
            items.push(Item::Mine {
                id: d.id.to_string(),
                kind: d.kind.label().to_string(),
                about,
                age: (ctx.today - d.received_on).num_days(),
            });
        }
        self.items = items;
        self.cursor.settle(self.items.len(), usize::MAX);
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = &ctx.theme;
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)])
                .areas(area);
        let [alerts_area, mine_area] =
            Layout::vertical([Constraint::Length(6), Constraint::Min(3)]).areas(right);
        let selected = self.cursor.selected;
        let mark = |i: usize| {
            if i == selected {
                theme.selected()
            } else {
                theme.base()
            }
        };
        let (mut corbeilles, mut alerts, mut mine) = (Vec::new(), Vec::new(), Vec::new());
        for (i, item) in self.items.iter().enumerate() {
            match item {
                Item::Corbeille {
                    corbeille,
                    count,
                    oldest,
                    overdue,
                } => {
                    let flag = if *overdue > 0 {
                        format!("{overdue} > {OVERDUE_DAYS} j")
                    } else {
                        String::new()
                    };
                    let age = oldest
                        .filter(|_| *count > 0)
                        .map(s::age)
                        .unwrap_or_default();
                    let line = format!(" {:<24}{count:>5}  {age:<7}", corbeille.label());
                    corbeilles.push(Line::from(vec![
                        Span::styled(line, mark(i)),
                        Span::styled(
                            flag,
                            if i == selected {
                                theme.selected()
                            } else {
                                theme.warn()
                            },
                        ),
                    ]));
                }
                Item::Alert { rule, text, .. } => alerts.push(Line::from(vec![
                    Span::styled(
                        format!(" {rule:<4}"),
                        if i == selected {
                            theme.selected()
                        } else {
                            theme.key()
                        },
                    ),
                    Span::styled(format!(" {text}"), mark(i)),
                ])),
                Item::Mine {
                    id,
                    kind,
                    about,
                    age,
                } => {
                    // The structure takes what the box leaves after the number, the kind and the age.
                    let width =
                        (mine_area.width as usize).saturating_sub(2 + 1 + 10 + 2 + 17 + 1 + 1 + 7);
                    mine.push(Line::styled(
                        format!(
                            " {id}  {kind:<17} {:<width$} {:>7}",
                            widgets::cut(about, width),
                            s::age(*age)
                        ),
                        mark(i),
                    ))
                }
            }
        }
        if mine.is_empty() {
            mine.push(Line::styled(
                " Aucun dossier suivi : « s » sur un dossier pour le suivre.",
                theme.muted(),
            ));
        }
        let direction = ctx.direction().unwrap_or_default();
        let title = |t: String| Span::styled(format!(" {t} "), theme.title());
        frame.render_widget(
            Paragraph::new(corbeilles)
                .block(Block::bordered().title(title(format!("Corbeilles · {direction}")))),
            left,
        );
        frame.render_widget(
            Paragraph::new(alerts).block(Block::bordered().title(title("Alertes".into()))),
            alerts_area,
        );
        let height = mine_area.height.saturating_sub(2) as usize;
        let first_mine = self
            .items
            .iter()
            .position(|i| matches!(i, Item::Mine { .. }))
            .unwrap_or(0);
        let skip = selected
            .saturating_sub(first_mine)
            .saturating_sub(height.saturating_sub(1));
        frame.render_widget(
            Paragraph::new(mine.into_iter().skip(skip).collect::<Vec<_>>())
                .block(Block::bordered().title(title("Mes dossiers".into()))),
            mine_area,
        );
    }

    fn copy(&self) -> Option<String> {
        match self.selected() {
            Some(Item::Mine { id, .. }) => Some(id.clone()),
            _ => None,
        }
    }
}
