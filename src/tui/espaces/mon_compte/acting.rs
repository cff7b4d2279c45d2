//! The Chorus Pro user an espace acts "en tant que": kept by his internal key (his e-mail may change), reloaded
//! with his rattachements on each refresh, and the "Connecté en tant que …" line both espaces show above their
//! lists. It does not choose the user (the picker does) nor act (the screens build the commands).

use super::words as w;
use crate::domain::chorus::{Attachment, AttachmentStatus, Role};
use crate::domain::user::{User, UserId, UserStatus};
use crate::tui::espaces::Ctx;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// A rattachement of the user, with the name of its structure.
#[derive(Debug, Clone)]
pub struct Held {
    pub attachment: Attachment,
    pub structure: String,
}

#[derive(Debug, Clone)]
pub struct Acting {
    pub id: UserId,
    /// `None` when the record could not be read any more.
    pub user: Option<User>,
    /// Every rattachement, whatever its status: active ones first (GP, GS, user), then pending, then the others.
    pub held: Vec<Held>,
}

fn status_rank(s: AttachmentStatus) -> u8 {
    match s {
        AttachmentStatus::Actif => 0,
        AttachmentStatus::Demande => 1,
        AttachmentStatus::Refuse => 2,
        AttachmentStatus::Supprime => 3,
    }
}

fn role_rank(r: Role) -> u8 {
    match r {
        Role::Gp => 0,
        Role::Gs => 1,
        Role::User => 2,
    }
}

/// "gestionnaire principal", "gestionnaire principal intérimaire", …
pub fn role_label(a: &Attachment) -> String {
    if a.role == Role::Gp && a.interim {
        format!("{} {}", a.role.label(), w::INTERIM_WORD)
    } else {
        a.role.label().to_string()
    }
}

impl Held {
    /// Active or pending: a rattachement that still counts.
    pub fn live(&self) -> bool {
        matches!(
            self.attachment.status,
            AttachmentStatus::Actif | AttachmentStatus::Demande
        )
    }
}

impl Acting {
    pub fn load(ctx: &Ctx, id: UserId) -> Acting {
        let store = ctx.desk.store();
        let user = store.user(id).ok().flatten();
        let mut held: Vec<Held> = store
            .attachments_of_user(id)
            .unwrap_or_default()
            .into_iter()
            .map(|a| {
                let structure = store
                    .structure(a.siret)
                    .ok()
                    .flatten()
                    .map(|s| s.name)
                    .unwrap_or_else(|| a.siret.spaced());
                Held {
                    attachment: a,
                    structure,
                }
            })
            .collect();
        held.sort_by_key(|h| {
            (
                status_rank(h.attachment.status),
                role_rank(h.attachment.role),
                crate::domain::ids::fold(&h.structure),
            )
        });
        Acting { id, user, held }
    }

    /// The user found by e-mail or PIGP identifier (a target given by another espace).
    pub fn find(ctx: &Ctx, key: &str) -> Option<Acting> {
        ctx.desk
            .find_user(key)
            .ok()
            .map(|u| Acting::load(ctx, u.id))
    }

    pub fn email(&self) -> String {
        self.user
            .as_ref()
            .map(|u| u.email.to_string())
            .unwrap_or_default()
    }

    /// The structures where he is an active GP or GS.
    pub fn managed(&self) -> impl Iterator<Item = &Held> {
        self.held.iter().filter(|h| {
            h.attachment.status == AttachmentStatus::Actif && h.attachment.role != Role::User
        })
    }

    /// "gestionnaire principal de Lycée Jean Moulin ; utilisateur simple de …", or what he lacks; `short`
    /// writes the roles GP, GS, utilisateur (narrow terminals).
    fn roles(&self, short: bool) -> String {
        let active: Vec<String> = self
            .held
            .iter()
            .filter(|h| h.attachment.status == AttachmentStatus::Actif)
            .map(|h| {
                let role = if short {
                    w::role_short(&h.attachment).to_string()
                } else {
                    role_label(&h.attachment)
                };
                format!("{role} de {}", h.structure)
            })
            .collect();
        match active.len() {
            0 => w::ATTACHED_NOWHERE.to_string(),
            1 | 2 => active.join(" ; "),
            n => format!("{} ; {} (+{} autres)", active[0], active[1], n - 2),
        }
    }

    /// "Connecté en tant que : Anne Lefèvre (anne.lefevre-xt) · gestionnaire principal de Lycée Jean Moulin".
    pub fn line(&self, theme: &Theme, width: u16) -> Line<'static> {
        let Some(u) = &self.user else {
            return Line::styled(format!(" {}", w::ACTING_GONE), theme.error());
        };
        let pigp = u
            .pigp_id
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| w::NO_PIGP.to_string());
        let name = format!("{} {}", u.prenom, u.nom);
        let mut roles = format!(" ({pigp}) · {}", self.roles(false));
        let length =
            1 + w::CONNECTED_AS.chars().count() + name.chars().count() + roles.chars().count();
        if length > width as usize {
            roles = format!(" ({pigp}) · {}", self.roles(true));
        }
        let mut spans = vec![
            Span::styled(format!(" {}", w::CONNECTED_AS), theme.muted()),
            Span::styled(name, theme.title()),
            Span::raw(roles),
        ];
        if u.status != UserStatus::Actif {
            spans.push(Span::styled(
                format!(" · {} {}", u.status.label(), w::NOT_ACTING),
                theme.error(),
            ));
        }
        Line::from(spans)
    }
}

/// The header line of an espace acting as a user: who, or the invitation to choose.
pub fn header(acting: Option<&Acting>, theme: &Theme, width: u16) -> Line<'static> {
    match acting {
        Some(a) => a.line(theme, width),
        None => Line::from(vec![
            Span::styled(format!(" {}", w::CONNECTED_AS), theme.muted()),
            Span::styled(w::NOBODY, theme.warn()),
            Span::raw(" · "),
            Span::styled("c", theme.key()),
            Span::raw(format!(" {}", w::HINT_CHOOSE_USER)),
        ]),
    }
}
