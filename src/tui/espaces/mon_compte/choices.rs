//! The two long lists of the pickers of Mon compte and Activités du gestionnaire, read a page at a time for the
//! filter typed: every account, to act as (« Changer d'utilisateur »), and every structure, to ask a rattachement
//! to (« Demander un rattachement »). Opening either reads one page; each letter typed reads the page it shows and
//! a bounded search (the accounts: the directory's search, see `utilisateurs::search`; the structures: slices of
//! their name index, the rest from memory for a rare needle, narrowed as one types on, see `structures::search`).
//!
//! Both list everything, in name order: an account that no longer acts in Chorus Pro (sorti, supprimé) and a closed
//! structure stay listed, dimmed, with why they cannot be chosen. A correspondant looking for the person or the
//! establishment in front of her then learns why she cannot act, instead of finding nothing; and the list is the
//! name index as it is, so that each page costs its lines.

use super::picker::{self, Item, Lines, Picker};
use super::words as w;
use crate::domain::ids::Siret;
use crate::domain::structure::Structure;
use crate::domain::user::{User, UserId, UserStatus};
use crate::tui::espaces::Ctx;
use crate::tui::espaces::structures::search::StructureSearch;
use crate::tui::espaces::utilisateurs::search::UserSearch;
use ratatui::layout::Constraint;

/// Every account in name order, the directory's way.
struct Accounts {
    search: UserSearch,
}

impl Lines<UserId> for Accounts {
    fn filter(&mut self, ctx: &Ctx, needle: &str) {
        self.search.apply(ctx.desk.store(), needle);
    }

    fn total(&self) -> (usize, bool) {
        (self.search.total(), self.search.exact())
    }

    fn all(&self) -> usize {
        self.search.all()
    }

    fn page(&mut self, ctx: &Ctx, at: usize, n: usize) -> Vec<Item<UserId>> {
        self.search
            .page(ctx.desk.store(), at, n)
            .iter()
            .map(account)
            .collect()
    }

    fn forbids(&self) -> bool {
        true
    }

    /// One or two letters keep the names that start with them: said, since three keep every text holding them.
    fn scope(&self) -> Option<String> {
        self.search
            .by_prefix()
            .then(|| w::PICK_BY_NAME_START.to_string())
    }
}

/// A line of the account picker: dimmed, with his status, when he no longer acts in Chorus Pro.
fn account(u: &User) -> Item<UserId> {
    picker::user_item(u, u.id)
        .disabled_by((u.status != UserStatus::Actif).then(|| w::not_acting(u.status.label())))
}

/// The accounts to act as: the shared picker of Mon compte and Activités du gestionnaire.
pub fn acting_users(ctx: &Ctx) -> Picker<UserId> {
    let mut search = UserSearch::default();
    search.load(ctx.desk.store());
    let (headers, widths) = picker::user_columns();
    Picker::paged(
        w::PICK_USER_TITLE,
        headers,
        widths,
        Box::new(Accounts { search }),
        w::PICK_USER_EMPTY,
        ctx,
    )
}

/// Why a structure cannot be chosen, beyond its being closed.
pub type Refused = Box<dyn Fn(&Ctx, &Structure) -> Option<String>>;

/// Every structure in name order.
struct Structures {
    search: StructureSearch,
    refused: Refused,
}

impl Lines<Siret> for Structures {
    fn filter(&mut self, ctx: &Ctx, needle: &str) {
        self.search.apply(ctx.desk.store(), needle);
    }

    fn total(&self) -> (usize, bool) {
        (self.search.total(), self.search.exact())
    }

    fn all(&self) -> usize {
        self.search.unfiltered()
    }

    fn page(&mut self, ctx: &Ctx, at: usize, n: usize) -> Vec<Item<Siret>> {
        self.search
            .page(ctx.desk.store(), at, n)
            .into_iter()
            .map(|s| {
                let why = if s.active {
                    (self.refused)(ctx, &s)
                } else {
                    Some(w::STRUCTURE_CLOSED.to_string())
                };
                let uai = s.uai.as_ref().map(|u| u.to_string()).unwrap_or_default();
                Item::new(
                    vec![
                        s.name.clone(),
                        s.siret.spaced(),
                        s.category.wire().to_string(),
                        uai,
                        format!("{} ({})", s.city, s.departement),
                    ],
                    s.siret,
                )
                .disabled_by(why)
            })
            .collect()
    }

    fn forbids(&self) -> bool {
        true
    }
}

/// The structures to ask a rattachement to; `refused` says why an open one cannot be asked (already attached).
pub fn structures(ctx: &Ctx, refused: Refused) -> Picker<Siret> {
    let mut search = StructureSearch::default();
    search.load(ctx.desk.store(), None);
    Picker::paged(
        w::PICK_STRUCTURE_TITLE,
        vec!["Structure", "SIRET", "Catégorie", "UAI", "Commune"],
        vec![
            Constraint::Fill(1),
            Constraint::Length(17),
            Constraint::Length(8),
            Constraint::Length(9),
            Constraint::Length(22),
        ],
        Box::new(Structures { search, refused }),
        w::PICK_STRUCTURE_EMPTY,
        ctx,
    )
}
