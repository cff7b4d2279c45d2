//! A fiche drawn as a header and sections of lines, some of them links to another espace (a structure, a dossier,
//! a user). ↑↓ go from link to link and scroll over the plain lines between them (history), PgPréc/PgSuiv scroll a
//! page, ⏎ follows the selected link. When the terminal is tall enough the header stays in its own box above the
//! sections; on a short one it scrolls with them. Used by the fiche utilisateur and the structure screen; it reads
//! nothing itself.

use crate::domain::dossier::Dossier;
use crate::tui::espaces::{EspaceId, Target};
use crate::tui::keymap::Move;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Where a line leads.
pub type Link = (EspaceId, Target);

/// The sections keep at least this many rows under a header box; below, the header scrolls with them.
const MIN_SECTIONS: u16 = 10;

#[derive(Debug, Default)]
pub struct Sheet {
    /// The header's lines, then the sections'.
    lines: Vec<(Line<'static>, Option<Link>)>,
    header: usize,
    selected: Option<usize>,
    offset: usize,
    /// The first line the sections' box may show: past the header when it has its own box.
    top: usize,
    /// The lines the last drawing could show, for paging.
    height: usize,
}

/// A section title with what its columns say: "Droits MADRHAS (2)  SIRET · structure · …".
pub fn heading(title: &str, count: usize, columns: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{title} ({count})"), theme.title()),
        Span::styled(format!("  {columns}"), theme.muted()),
    ])
}

/// The columns of a dossier line, for its section's heading.
pub const DOSSIER_COLUMNS: &str = "numéro · nature · reçu le · âge · état";

/// A dossier as the fiches list it, leading to it in the Dossiers espace; `why` adds a word after its state.
pub fn dossier_line(d: &Dossier, today: NaiveDate, why: &str) -> (Line<'static>, Option<Link>) {
    let age = s::age((today - d.received_on).num_days());
    let line = format!(
        "{}  {:<16} {} {age:<11} {}{why}",
        d.id,
        d.kind.label(),
        s::date(d.received_on),
        d.status.label()
    );
    (
        Line::raw(line),
        Some((EspaceId::Dossiers, Target::Dossier(d.id.to_string()))),
    )
}

/// The line of an empty section.
pub fn none(theme: &Theme) -> Line<'static> {
    Line::styled("  Aucun élément.".to_string(), theme.muted())
}

impl Sheet {
    /// Forgets the selection and the scroll: another fiche is shown.
    pub fn reset(&mut self) {
        self.lines.clear();
        self.selected = None;
        self.offset = 0;
    }

    /// New content for the same fiche (after a refresh): the selection stays where it was when it can.
    pub fn replace(
        &mut self,
        header: Vec<Line<'static>>,
        sections: Vec<(Line<'static>, Option<Link>)>,
    ) {
        self.header = header.len();
        self.lines = header
            .into_iter()
            .map(|l| (l, None))
            .chain(sections)
            .collect();
        self.selected = self
            .selected
            .filter(|&i| self.is_link(i))
            .or_else(|| self.next_link(0));
        self.offset = self.offset.clamp(self.top, self.max_offset());
    }

    pub fn selected_link(&self) -> Option<&Link> {
        self.selected
            .and_then(|i| self.lines.get(i))
            .and_then(|(_, link)| link.as_ref())
    }

    fn is_link(&self, i: usize) -> bool {
        self.lines.get(i).is_some_and(|(_, link)| link.is_some())
    }

    fn next_link(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| self.is_link(i))
    }

    fn previous_link(&self, before: usize) -> Option<usize> {
        (0..before.min(self.lines.len()))
            .rev()
            .find(|&i| self.is_link(i))
    }

    fn max_offset(&self) -> usize {
        self.lines
            .len()
            .saturating_sub(self.height.max(1))
            .max(self.top)
    }

    fn show(&mut self, i: usize) {
        let height = self.height.max(1);
        if i < self.offset {
            // Keep the section title above the first line of a section in view.
            self.offset = if i > self.top && !self.is_link(i - 1) {
                i - 1
            } else {
                i
            };
        } else if i >= self.offset + height {
            self.offset = i + 1 - height;
        }
    }

    fn scroll(&mut self, delta: isize) {
        self.offset = (self.offset as isize + delta)
            .clamp(self.top as isize, self.max_offset() as isize) as usize;
        let height = self.height.max(1);
        if self
            .selected
            .is_some_and(|s| s < self.offset || s >= self.offset + height)
        {
            self.selected = None;
        }
    }

    pub fn on_move(&mut self, movement: Move) {
        let height = self.height.max(1);
        match movement {
            Move::Down => match self.next_link(self.selected.map(|s| s + 1).unwrap_or(self.offset))
            {
                Some(i) => {
                    self.selected = Some(i);
                    self.show(i);
                }
                None => self.scroll(1),
            },
            Move::Up => match self.previous_link(self.selected.unwrap_or(self.offset + height)) {
                Some(i) => {
                    self.selected = Some(i);
                    self.show(i);
                }
                None => self.scroll(-1),
            },
            Move::PageDown | Move::PageUp => {
                let delta = if movement == Move::PageDown {
                    height as isize
                } else {
                    -(height as isize)
                };
                self.scroll(delta);
                if self.selected.is_none() {
                    self.selected = self
                        .next_link(self.offset)
                        .filter(|&i| i < self.offset + height);
                }
            }
            Move::First => {
                self.offset = self.top;
                self.selected = self.next_link(0);
            }
            Move::Last => {
                self.offset = self.max_offset();
                self.selected = self.previous_link(self.lines.len());
                if let Some(i) = self.selected {
                    self.show(i);
                }
            }
        }
    }

    /// Draws the header in a box titled `title` when there is room for it and the sections (titled `sections`)
    /// under it, else everything in one box titled `title`; the selected link is marked (reversed video, so
    /// without colour too).
    pub fn draw(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        title: &str,
        sections: &str,
        theme: &Theme,
    ) {
        let boxed = area.height >= self.header as u16 + 2 + MIN_SECTIONS;
        let titled =
            |t: &str| Block::bordered().title(Span::styled(format!(" {t} "), theme.title()));
        let header = titled(title);
        let sections = if boxed {
            titled(sections)
        } else {
            titled(title)
        };
        let rest = if boxed {
            let [top, rest] = Layout::vertical([
                Constraint::Length(self.header as u16 + 2),
                Constraint::Min(3),
            ])
            .areas(area);
            let lines: Vec<Line> = self
                .lines
                .iter()
                .take(self.header)
                .map(|(l, _)| l.clone())
                .collect();
            frame.render_widget(Paragraph::new(lines).block(header), top);
            rest
        } else {
            area
        };
        let new_top = if boxed { self.header } else { 0 };
        if new_top != self.top {
            self.top = new_top;
            self.offset = self.top;
        }
        let inner = sections.inner(rest);
        self.height = inner.height as usize;
        self.offset = self.offset.clamp(self.top, self.max_offset());
        let more = self.offset + self.height < self.lines.len();
        let block = if more {
            sections.title_bottom(Line::from(" ↓ suite ").right_aligned())
        } else {
            sections
        };
        let lines: Vec<Line> = self
            .lines
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(self.height)
            .map(|(i, (line, _))| {
                let mut spans = Vec::with_capacity(line.spans.len() + 1);
                if Some(i) == self.selected {
                    spans.push(Span::raw("▶ "));
                    spans.extend(line.spans.iter().map(|s| Span::raw(s.content.clone())));
                    Line::from(spans).style(theme.selected())
                } else {
                    spans.push(Span::raw("  "));
                    spans.extend(line.spans.iter().cloned());
                    Line::from(spans).style(line.style)
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), rest);
    }
}
