//! Drawing the desk: the top bar (direction, operator, base), the espaces as tabs, the breadcrumb, the current
//! espace, the status line, the hint line drawn from the screen's keymap, and the overlays (help, palette,
//! confirmation). A terminal too small gets a message instead.

use super::{App, MIN_HEIGHT, MIN_WIDTH, Overlay, Pending, global_bindings};
use crate::domain::ids::fold;
use crate::tui::espaces::{Ctx, EspaceId, Screen};
use crate::tui::keymap::{Hint, Key};
use crate::tui::strings as s;
use crate::tui::widgets;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

impl App<'_> {
    /// Draws the whole desk.
    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let lines = vec![
                Line::raw(s::TOO_SMALL),
                Line::raw(format!("{} × {}", area.width, area.height)),
            ];
            frame.render_widget(
                Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
                area,
            );
            return;
        }
        let [top, tabs, crumb, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.rows = body.height.saturating_sub(3) as usize;
        self.draw_top(frame, top);
        self.draw_tabs(frame, tabs);
        let (crumbs, table, typing) = with_screen!(self, screen, ctx, {
            screen.draw(frame, body, &ctx);
            (
                screen.breadcrumb(),
                screen
                    .bindings(&ctx)
                    .iter()
                    .map(Hint::from)
                    .collect::<Vec<_>>(),
                screen.typing(),
            )
        });
        let mut path = vec![format!("Espace {}", self.espace.label())];
        path.extend(crumbs);
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", path.join(" > ")),
                self.theme.muted(),
            )),
            crumb,
        );
        if let Some((ok, message)) = &self.status {
            let style = if *ok {
                self.theme.ok()
            } else {
                self.theme.error()
            };
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" {message}"), style)),
                status,
            );
        }
        self.draw_hints(frame, hints, &table, typing);
        self.draw_overlay(frame, area);
    }

    fn draw_top(&self, frame: &mut Frame, area: Rect) {
        let direction = self
            .operator
            .direction
            .as_ref()
            .and_then(|code| self.desk.store().direction(code).ok().flatten())
            .map(|d| d.name)
            .unwrap_or_else(|| "toutes directions".to_string());
        let left = format!(
            " {} · {direction} · {} ({})",
            s::APP,
            self.operator.login,
            self.operator.role.label()
        );
        let width = area.width as usize;
        let right = format!("{} ", self.mode);
        let pad = width.saturating_sub(left.chars().count() + right.chars().count());
        let line = Line::from(vec![
            Span::styled(
                widgets::cut(&left, width.saturating_sub(right.chars().count() + 1)),
                self.theme.title(),
            ),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, self.theme.muted()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
    }

    /// The espaces as tabs; shorter labels when the terminal is narrow.
    fn draw_tabs(&self, frame: &mut Frame, area: Rect) {
        let width = area.width as usize;
        let fits = |labels: &[&str], sep: &str| {
            1 + labels
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{} {l}", i + 1).chars().count())
                .sum::<usize>()
                + sep.chars().count() * (labels.len() - 1)
                <= width
        };
        let choices: [(&[&str], &str); 5] = [
            (&s::ESPACES, " │ "),
            (&s::ESPACES, " "),
            (&s::ESPACES_SHORT, " │ "),
            (&s::ESPACES_SHORT, " "),
            (&s::ESPACES_TINY, " "),
        ];
        let (labels, sep) = choices
            .iter()
            .copied()
            .find(|(labels, sep)| fits(labels, sep))
            .unwrap_or(choices[4]);
        let mut spans = vec![Span::raw(" ")];
        for (i, espace) in EspaceId::ALL.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(sep, self.theme.muted()));
            }
            let text = format!("{} {}", i + 1, labels[i]);
            let style = if *espace == self.espace {
                self.theme.tab_active()
            } else {
                self.theme.base()
            };
            spans.push(Span::styled(text, style));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// The hint line: the screen's actions first, then those a rule forbids (with the rule), then the global
    /// keys as far as they fit — all of them stay in the `?` help.
    fn draw_hints(&self, frame: &mut Frame, area: Rect, table: &[Hint], typing: bool) {
        let width = area.width as usize;
        let mut spans = vec![Span::raw(" ")];
        let mut used = 1;
        let mut push = |spans: &mut Vec<Span<'static>>,
                        key: String,
                        text: String,
                        style: ratatui::style::Style| {
            let len = key.chars().count() + text.chars().count();
            if used + len > width {
                return false;
            }
            used += len;
            if !key.is_empty() {
                spans.push(Span::styled(key, self.theme.key()));
            }
            spans.push(Span::styled(text, style));
            true
        };
        let base = self.theme.base();
        for b in table.iter().filter(|b| b.in_hints && b.disabled.is_none()) {
            push(&mut spans, b.label.clone(), format!(" {}  ", b.hint), base);
        }
        for b in table.iter().filter(|b| b.in_hints) {
            if let Some(why) = &b.disabled {
                push(
                    &mut spans,
                    String::new(),
                    format!("· {} : {}  ", b.hint, rule_of(why)),
                    self.theme.disabled(),
                );
            }
        }
        let globals = if typing {
            Vec::new()
        } else {
            global_bindings(true)
        };
        for b in globals.iter().filter(|b| b.in_hints) {
            if !push(&mut spans, b.label(), format!(" {}  ", b.hint), base) {
                break;
            }
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_overlay(&self, frame: &mut Frame, area: Rect) {
        let Some(overlay) = &self.overlay else { return };
        let theme = &self.theme;
        match overlay {
            Overlay::Help(lines) => {
                let height = (lines.len() as u16 + 4).min(area.height.saturating_sub(2));
                let popup = widgets::centered(area, area.width.saturating_sub(8).min(110), height);
                let inner = widgets::popup(frame, popup, s::HELP_TITLE, theme);
                let width = lines
                    .iter()
                    .map(|(k, _, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                let mut text: Vec<Line> = lines
                    .iter()
                    .map(|(k, help, disabled)| match disabled {
                        None => Line::from(vec![
                            Span::styled(format!("{k:<width$}  "), theme.key()),
                            Span::raw(help.clone()),
                        ]),
                        Some(why) => Line::from(vec![
                            Span::styled(format!("{k:<width$}  {help}"), theme.disabled()),
                            Span::styled(format!("  — indisponible : {why}"), theme.warn()),
                        ]),
                    })
                    .collect();
                text.push(Line::styled(s::HELP_FOOT, theme.muted()));
                frame.render_widget(
                    Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
                    inner,
                );
            }
            Overlay::Confirm(pending) => {
                let text = match pending {
                    Pending::Save(_, by) => s::save_over(by),
                    _ => s::CONFIRM_DISCARD.to_string(),
                };
                let popup = widgets::centered(area, 64, 6);
                let inner = widgets::popup(frame, popup, s::CONFIRM_TITLE, theme);
                frame.render_widget(
                    Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
                    inner,
                );
            }
            Overlay::Palette {
                input,
                entries,
                selected,
            } => {
                let needle = fold(input.value());
                let matching: Vec<&(String, Key)> = entries
                    .iter()
                    .filter(|(label, _)| fold(label).contains(&needle))
                    .collect();
                let height = (matching.len() as u16 + 4).clamp(6, area.height.saturating_sub(4));
                let popup = widgets::centered(area, area.width.saturating_sub(10).min(90), height);
                let inner = widgets::popup(frame, popup, s::PALETTE_TITLE, theme);
                let mut text = vec![Line::from(vec![
                    Span::styled(s::PALETTE_PROMPT, theme.muted()),
                    Span::raw(input.value().to_string()),
                ])];
                for (i, (label, _)) in matching
                    .iter()
                    .enumerate()
                    .take(inner.height.saturating_sub(1) as usize)
                {
                    let style = if i == *selected {
                        theme.selected()
                    } else {
                        theme.base()
                    };
                    text.push(Line::styled(format!(" {label}"), style));
                }
                frame.render_widget(Paragraph::new(text), inner);
                let x =
                    inner.x + (s::PALETTE_PROMPT.chars().count() + input.visual_cursor()) as u16;
                frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
            }
        }
    }
}

/// The rule code at the head of a refusal message ("R4"), for the hint line; the help gives the sentence.
fn rule_of(message: &str) -> String {
    message
        .split_whitespace()
        .next()
        .unwrap_or(message)
        .to_string()
}
