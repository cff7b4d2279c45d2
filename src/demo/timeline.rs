//! The four months of the demonstration, in date order. In the first half each structure receives its first
//! habilitation (a few left stuck, a tenth never claimed); in the second half come dated events in proportions
//! that fill every corbeille — new habilitations at every stage, GP successions, resets, modifications,
//! departures. At the end, `top_up` reaches the targets of the `Scale`.

use super::habilitation::Stage;
use super::user_dossiers::Sortie;
use super::{Gen, Scale};
use crate::desk::DeskError;
use crate::domain::chorus::Role;
use crate::domain::structure::Category;
use chrono::NaiveDate;
use serde_json::json;

/// The stages where the first habilitations of a few structures are left stuck, in turn.
pub(super) const STUCK: [Stage; 4] = [
    Stage::Pieces,
    Stage::EnAttente,
    Stage::ACreer,
    Stage::Pieces,
];

/// One dated event: of the second half of the four months, or of the decade (`decade`).
#[derive(Debug, Clone, Copy)]
pub(super) enum Event {
    Hab(Stage),
    /// A new GP is habilitated and the current one hands over; `leaves`: the former GP then leaves and is deleted.
    Successor {
        leaves: bool,
    },
    Reset {
        close: bool,
        fraud: bool,
    },
    Modification {
        close: bool,
    },
    Removal(Sortie),
}

impl Gen<'_> {
    // ----- the first half of the period: each structure's first habilitation ----------------------------------

    pub(super) fn founding(&mut self) -> Result<(), DeskError> {
        let mut order: Vec<usize> = (0..self.orgs.len()).collect();
        self.rng.shuffle(&mut order);
        let unfounded = (self.orgs.len() / 10).max(3).min(self.orgs.len());
        let stuck = (self.orgs.len() / 40).max(2);
        let mut plan = Vec::new();
        for (i, &o) in order.iter().skip(unfounded).enumerate() {
            let date = self.random_days_ago(61, 60);
            let stage = if i < stuck {
                STUCK[i % STUCK.len()]
            } else {
                Stage::Traitee
            };
            plan.push((date, o, stage));
        }
        plan.sort_by_key(|(date, _, _)| *date);
        for (date, o, stage) in plan {
            let direction = self.orgs[o].direction;
            self.habilitation(o, date, stage, direction)?;
        }
        Ok(())
    }

    // ----- the second half: new dossiers in every corbeille, resets, modifications, departures -----------------

    pub(super) fn events(&mut self) -> Result<(), DeskError> {
        // The dossiers left for the second half (one goes to the intra-académique move of the Chorus Pro side).
        let r = self
            .scale
            .dossiers
            .saturating_sub(self.dossiers_received + 1);
        let n = |per_mille: usize| (r * per_mille / 1000).max(1);
        let mut counts: Vec<(usize, Event, bool)> = vec![
            (n(60), Event::Hab(Stage::Recue), true),
            (n(40), Event::Hab(Stage::EnAttente), true),
            (n(50), Event::Hab(Stage::Pieces), true),
            (n(40), Event::Hab(Stage::ACreer), true),
            (n(30), Event::Hab(Stage::AHabiliter), true),
            (n(30), Event::Hab(Stage::ACloturer), true),
            (n(30), Event::Hab(Stage::Rejetee), false),
            (n(15), Event::Successor { leaves: false }, false),
            (n(15), Event::Successor { leaves: true }, false),
            (
                n(40),
                Event::Reset {
                    close: false,
                    fraud: false,
                },
                true,
            ),
            (
                n(110),
                Event::Reset {
                    close: true,
                    fraud: false,
                },
                false,
            ),
            (
                2,
                Event::Reset {
                    close: false,
                    fraud: true,
                },
                false,
            ),
            (n(30), Event::Modification { close: false }, true),
            (n(60), Event::Modification { close: true }, false),
            (n(20), Event::Removal(Sortie::Qualified), true),
            (n(20), Event::Removal(Sortie::Departed), true),
            (
                n(50),
                Event::Removal(Sortie::Done { remove_first: true }),
                false,
            ),
            (
                n(20),
                Event::Removal(Sortie::Done {
                    remove_first: false,
                }),
                false,
            ),
        ];
        if self.dirs.len() >= 2 {
            counts.push((n(30), Event::Hab(Stage::Transmise), false));
        }
        let dossiers = |event: &Event| match event {
            Event::Hab(Stage::Transmise) | Event::Successor { leaves: true } => 2,
            _ => 1,
        };
        let planned: usize = counts.iter().map(|(c, e, _)| c * dossiers(e)).sum();
        counts.push((r.saturating_sub(planned), Event::Hab(Stage::Traitee), false));
        let mut plan = Vec::new();
        for (count, event, open) in counts {
            for _ in 0..count {
                let date = if open {
                    self.random_days_ago(0, 31)
                } else {
                    self.random_days_ago(1, 59)
                };
                plan.push((date, event));
            }
        }
        plan.sort_by_key(|(date, _)| *date);
        for (date, event) in plan {
            self.event(date, event)?;
        }
        Ok(())
    }

    pub(super) fn event(&mut self, date: NaiveDate, event: Event) -> Result<(), DeskError> {
        match event {
            Event::Hab(stage) => self.hab_event(date, stage),
            Event::Successor { leaves } => self.successor(date, leaves),
            Event::Reset { close, fraud } => self.reset(date, close, fraud),
            Event::Modification { close } => self.modification(date, close),
            Event::Removal(mode) => match self.pick_person(|g, p| g.free_pigp(p) && !g.is_gp(p)) {
                Some(p) => self.removal(p, date, mode),
                None => Ok(()),
            },
        }
    }

    fn hab_event(&mut self, date: NaiveDate, stage: Stage) -> Result<(), DeskError> {
        let with_gp = |g: &Self, o: usize| g.orgs[o].gp.is_some_and(|p| g.active(p));
        let o = match stage {
            Stage::Transmise => {
                // The classic mistake: an EPLE sends to the direction of its department, not of its académie's seat.
                let misdirected = self.pick_org(|g, o| {
                    let org = &g.orgs[o];
                    org.category == Category::Eple
                        && g.dir_of(g.geo[org.dept].code) != Some(org.direction)
                });
                match misdirected {
                    Some(o) if self.rng.percent(60) => Some(o),
                    _ => self.pick_org(|_, _| true),
                }
            }
            Stage::Traitee => self.pick_org(with_gp).or(self.pick_org(|_, _| true)),
            Stage::Rejetee => self.pick_org(|_, _| true),
            _ => {
                let unclaimed = self.orgs.iter().filter(|o| !o.claimed).count();
                if unclaimed > 2 {
                    self.pick_org(|g, o| !g.orgs[o].claimed)
                } else {
                    self.pick_org(with_gp).or(self.pick_org(|_, _| true))
                }
            }
        };
        let Some(o) = o else { return Ok(()) };
        let direction = if stage == Stage::Transmise {
            let org = &self.orgs[o];
            let here = self.dir_of(self.geo[org.dept].code);
            let wrong: Vec<usize> = (0..self.dirs.len())
                .filter(|d| !org.competent.contains(d))
                .collect();
            match here.filter(|d| !org.competent.contains(d)) {
                Some(d) => d,
                None => match self.rng.pick(&wrong) {
                    Some(d) => d,
                    None => return Ok(()),
                },
            }
        } else {
            self.orgs[o].direction
        };
        self.habilitation(o, date, stage, direction)
    }

    /// A new GP is habilitated; the current one hands the profile over, and may then leave (§2.2, §2.3.2).
    fn successor(&mut self, date: NaiveDate, leaves: bool) -> Result<(), DeskError> {
        let Some(o) = self.pick_org(|g, o| {
            let org = &g.orgs[o];
            !org.busy && !org.interim && org.gp.is_some_and(|p| g.active(p) && !g.people[p].busy)
        }) else {
            return Ok(());
        };
        let Some(former) = self.orgs[o].gp else {
            return Ok(());
        };
        self.orgs[o].busy = true;
        self.orgs[o].claimed = true;
        self.people[former].busy = true;
        let mut roles = vec![Role::Gp];
        if self.rng.percent(30) {
            roles.push(Role::Gs);
        }
        let direction = self.orgs[o].direction;
        let Some(h) = self.hab_receive(o, &roles, date, Stage::Traitee, direction)? else {
            return Ok(());
        };
        let Some(&new) = h.persons.first() else {
            return Ok(());
        };
        self.hab_advance(h, Stage::Traitee)?;
        if !self.active(new) || !self.orgs[o].users.contains(&new) {
            return Ok(());
        }
        let siret = self.orgs[o].siret.clone();
        let (by, to) = (
            self.people[former].email.clone(),
            self.people[new].email.clone(),
        );
        if !self.ok(json!({"cmd": "manager.transfer_gp", "by": by, "to": to, "siret": siret}))? {
            return Ok(());
        }
        let org = &mut self.orgs[o];
        org.gp = Some(new);
        org.users.retain(|&p| p != new);
        org.users.push(former);
        if !leaves {
            return Ok(());
        }
        if self.ok(json!({"cmd": "attachment.remove", "by": by, "user": by, "siret": siret}))? {
            self.orgs[o].users.retain(|&p| p != former);
        }
        let later = self.random_after(date, 1, 10);
        self.removal(
            former,
            later,
            Sortie::Done {
                remove_first: false,
            },
        )
    }

    // ----- the end: reaching the targets -----------------------------------------------------------------------

    /// Reaches the targets: dossiers first (habilitations create users), then simple users.
    pub(super) fn top_up(&mut self, scale: &Scale) -> Result<(), DeskError> {
        let mut guard = 0;
        while self.dossiers_received < scale.dossiers && guard < scale.dossiers * 2 + 10 {
            guard += 1;
            let date = self.random_days_ago(0, 31);
            let stage = if guard % 2 == 0 {
                Stage::Recue
            } else {
                Stage::Traitee
            };
            self.hab_event(date, stage)?;
        }
        if self.orgs.is_empty() {
            return Ok(());
        }
        let planned = scale
            .users
            .saturating_sub(self.users_created)
            .max(scale.users / 10);
        for _ in 0..planned {
            self.self_service()?;
        }
        let mut guard = 0;
        while self.users_created < scale.users && guard < scale.users * 2 + 10 {
            guard += 1;
            self.self_service()?;
        }
        Ok(())
    }
}
