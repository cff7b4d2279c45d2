//! National: the groupements comptables — structures of one department that share their agent comptable: the
//! agence comptable of a group of EPLE, the service de gestion comptable of GIP, GCS, OPH…, the agence comptable
//! shared by a few EPN. Their requests come from that one comptable (R3 holds for each of them), and the team of
//! the agence — gestionnaires secondaires — is habilitated on every structure of the groupement by one dossier
//! (the persons' `sirets`, §1.1.2), which is why a national database holds several rattachements per user.
//!
//! Only the model and its choices: the structures and dossiers are written by `structures` and `habilitation`.

use super::Gen;
use crate::domain::structure::Category;

pub(super) struct Group {
    /// The comptable all its structures share (name, e-mail), set by its first structure.
    pub(super) comptable: Option<(String, String)>,
    /// Its structures, indices in `Gen::orgs`, the first one the seat of the agence.
    pub(super) members: Vec<usize>,
    /// How many structures it gathers once complete.
    target: usize,
}

/// Who shares a comptable with whom, by category: (the class, per cent of structures alone, the smallest and
/// the largest groupement).
fn class_of(category: Category) -> (u8, usize, usize, usize) {
    match category {
        // Agences comptables of EPLE: from a few to about fifteen établissements.
        Category::Eple => (0, 3, 6, 24),
        Category::Epn => (1, 50, 2, 8),
        Category::Eplefpa => (2, 60, 2, 4),
        Category::EplMer => (3, 100, 1, 1),
        // Services de gestion comptable of the DGFiP.
        _ => (4, 20, 3, 28),
    }
}

/// Per cent of the gestionnaires secondaires of a structure in a groupement who belong to the agence's team and
/// are habilitated on all its structures.
pub(super) const TEAM: usize = 95;

impl Gen<'_> {
    /// The groupement a new structure with a comptable of `dept` joins: the open one of its class, or a new one;
    /// `None` when it keeps a comptable of its own.
    pub(super) fn groupement(&mut self, dept: usize, category: Category) -> Option<usize> {
        let (class, alone, smallest, largest) = class_of(category);
        if let Some(&g) = self.open_groups.get(&(dept, class))
            && self.groups[g].members.len() < self.groups[g].target
        {
            return Some(g);
        }
        if self.rng.percent(alone) {
            return None;
        }
        let target = smallest + self.rng.below(largest + 1 - smallest);
        self.groups.push(Group {
            comptable: None,
            members: Vec::new(),
            target,
        });
        let g = self.groups.len() - 1;
        self.open_groups.insert((dept, class), g);
        Some(g)
    }

    /// A structure written to the desk joins its groupement (the first gives it its comptable).
    pub(super) fn join(&mut self, g: usize, org: usize, comptable: &(String, String)) {
        let group = &mut self.groups[g];
        group.comptable.get_or_insert_with(|| comptable.clone());
        group.members.push(org);
    }

    /// The structures a gestionnaire secondaire of `o` is habilitated on, its own first: every structure of its
    /// groupement when he belongs to the agence's team; none (the dossier's own) otherwise.
    pub(super) fn team_sirets(&mut self, o: usize) -> Vec<usize> {
        let Some(g) = self.orgs[o].group else {
            return Vec::new();
        };
        let members = &self.groups[g].members;
        if members.len() < 2 || !self.rng.percent(TEAM) {
            return Vec::new();
        }
        let mut sirets = vec![o];
        sirets.extend(members.iter().copied().filter(|&m| m != o));
        sirets
    }
}
