//! National: ten years of a desk, told in date order. The structures come in as Chorus Pro opens to them (most
//! in its first two years, then steadily), each with its first habilitation; the daily life follows, growing with
//! the number of accounts: password resets above all, modifications, departures, GP successions, further
//! gestionnaires, the odd rejected or forwarded request; simple users open their own accounts all along. What is
//! still open today is recent, with a thin tail of older dossiers in every corbeille. `top_up_decade` reaches
//! the targets of the `Scale` with closed resets and simple users.

use super::habilitation::Stage;
use super::timeline::{Event, STUCK};
use super::user_dossiers::Sortie;
use super::{Gen, Scale};
use crate::desk::DeskError;
use chrono::NaiveDate;

/// The period, in days before today.
const DAYS: usize = 3650;

/// Chorus Pro's first two years, when most structures came in.
const OPENING: usize = 730;

/// What happens on a day of the decade.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// A structure's first habilitation, taken to this stage.
    Founding(usize, Stage),
    Event(Event),
    /// A simple user opens his Chorus Pro account and asks for his rattachements.
    SelfService,
}

/// The events of the decade per 10,000 dossiers left once the first habilitations are planned, and whether the
/// dossier is still open today (then it is recent). The password resets closed take what is left.
const EVENTS: &[(usize, Event, bool)] = &[
    (20, Event::Hab(Stage::Recue), true),
    (10, Event::Hab(Stage::EnAttente), true),
    (15, Event::Hab(Stage::Pieces), true),
    (10, Event::Hab(Stage::ACreer), true),
    (8, Event::Hab(Stage::AHabiliter), true),
    (6, Event::Hab(Stage::ACloturer), true),
    (200, Event::Hab(Stage::Traitee), false),
    (60, Event::Hab(Stage::Rejetee), false),
    (40, Event::Hab(Stage::Transmise), false),
    (110, Event::Successor { leaves: false }, false),
    (110, Event::Successor { leaves: true }, false),
    (
        12,
        Event::Reset {
            close: false,
            fraud: false,
        },
        true,
    ),
    (6, Event::Modification { close: false }, true),
    (1250, Event::Modification { close: true }, false),
    (6, Event::Removal(Sortie::Qualified), true),
    (6, Event::Removal(Sortie::Departed), true),
    (
        450,
        Event::Removal(Sortie::Done { remove_first: true }),
        false,
    ),
    (
        90,
        Event::Removal(Sortie::Done {
            remove_first: false,
        }),
        false,
    ),
];

/// Usurped resets (R18) over the decade: received, refused at qualification, rejected.
const FRAUDS: usize = 12;

/// Structures still without a first habilitation today, and first habilitations still open, per 1,000.
const UNFOUNDED: usize = 30;
const STUCK_FOUNDING: usize = 12;

/// Simple users who open their account along the decade, per cent of the target users (the rest, whatever the
/// habilitations leave of the target, come at the end).
const SELF_SERVICE: usize = 10;

/// How many dossiers a step receives.
fn dossiers(step: &Step) -> usize {
    match step {
        Step::Event(Event::Hab(Stage::Transmise) | Event::Successor { leaves: true }) => 2,
        Step::SelfService => 0,
        _ => 1,
    }
}

impl Gen<'_> {
    /// A day of the decade for a dossier closed today: more recent days are likelier, as the desk grows.
    fn closed_day(&mut self) -> NaiveDate {
        let a = self.rng.below(DAYS - 1);
        let b = self.rng.below(DAYS - 1);
        self.days_ago(1 + a.min(b))
    }

    /// A day for a dossier still open today: within six weeks, a tenth of them within the year.
    fn open_day(&mut self) -> NaiveDate {
        if self.rng.percent(10) {
            self.random_days_ago(45, 320)
        } else {
            self.random_days_ago(0, 45)
        }
    }

    /// The day a structure comes in: most in Chorus Pro's first two years.
    fn founding_day(&mut self) -> NaiveDate {
        if self.rng.percent(55) {
            self.random_days_ago(DAYS - OPENING, OPENING)
        } else {
            self.random_days_ago(60, DAYS - OPENING - 60)
        }
    }

    pub(super) fn decade(&mut self) -> Result<(), DeskError> {
        let mut plan: Vec<(NaiveDate, Step)> = Vec::new();
        let mut order: Vec<usize> = (0..self.orgs.len()).collect();
        self.rng.shuffle(&mut order);
        let unfounded = self.orgs.len() * UNFOUNDED / 1000;
        let stuck = self.orgs.len() * STUCK_FOUNDING / 1000;
        for (i, &o) in order.iter().skip(unfounded).enumerate() {
            let step = if i < stuck {
                (self.open_day(), Step::Founding(o, STUCK[i % STUCK.len()]))
            } else {
                (self.founding_day(), Step::Founding(o, Stage::Traitee))
            };
            plan.push(step);
        }
        let founded = plan.len();
        // One more dossier comes with the first intra-académique move (`movements`).
        let target = self.scale.dossiers.saturating_sub(1);
        let r = target.saturating_sub(founded + FRAUDS);
        for &(per_10k, event, open) in EVENTS {
            for _ in 0..r * per_10k / 10_000 {
                let day = if open {
                    self.open_day()
                } else {
                    self.closed_day()
                };
                plan.push((day, Step::Event(event)));
            }
        }
        for _ in 0..FRAUDS {
            let day = self.closed_day();
            let fraud = Event::Reset {
                close: false,
                fraud: true,
            };
            plan.push((day, Step::Event(fraud)));
        }
        let planned: usize = plan.iter().map(|(_, s)| dossiers(s)).sum();
        let reset = Event::Reset {
            close: true,
            fraud: false,
        };
        for _ in planned..target {
            let day = self.closed_day();
            plan.push((day, Step::Event(reset)));
        }
        for _ in 0..self.scale.users * SELF_SERVICE / 100 {
            let day = self.closed_day();
            plan.push((day, Step::SelfService));
        }
        plan.sort_by_key(|(day, _)| *day);
        for (day, step) in plan {
            match step {
                Step::Founding(o, stage) => {
                    let direction = self.orgs[o].direction;
                    self.habilitation(o, day, stage, direction)?;
                }
                Step::Event(event) => self.event(day, event)?,
                Step::SelfService => {
                    if !self.orgs.is_empty() {
                        self.self_service()?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Reaches the targets: closed resets for the dossiers some events could not receive, then simple users.
    pub(super) fn top_up_decade(&mut self, scale: &Scale) -> Result<(), DeskError> {
        let mut guard = 0;
        while self.dossiers_received < scale.dossiers && guard < scale.dossiers + 10 {
            guard += 1;
            let day = self.closed_day();
            self.reset(day, true, false)?;
        }
        if self.orgs.is_empty() {
            return Ok(());
        }
        let mut guard = 0;
        while self.users_created < scale.users && guard < scale.users * 2 + 10 {
            guard += 1;
            self.self_service()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::{self, Scale, World};
    use crate::desk::{Actor, Desk};
    use crate::domain::chorus::Attachment;
    use crate::domain::dossier::Dossier;
    use crate::store::T;
    use std::collections::HashMap;

    #[test]
    fn a_small_national_world_passes_every_rule_over_ten_years() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .expect("fixed date")
            .to_utc();
        let desk = Desk::open(&dir.path().join("base"))
            .expect("open desk")
            .with_clock(move || now);
        let scale = Scale {
            directions: 101,
            structures: 200,
            users: 700,
            dossiers: 1500,
            world: World::National,
        };
        let s = demo::generate(&desk, &Actor::new("admin.test"), &scale, 7, &mut |_, _| {})
            .expect("generation");
        assert_eq!(s.refused, 0, "unexpected refusals: {:#?}", s.unexpected);
        assert_eq!(s.directions, 101);
        assert_eq!((s.structures, s.users, s.dossiers), (200, 700, 1500));
        let store = desk.store();
        let mut per_user: HashMap<_, usize> = HashMap::new();
        for (_, a) in store
            .scan::<Attachment>(T::Attachments, b"")
            .expect("attachments")
        {
            *per_user.entry(a.user).or_default() += 1;
        }
        assert!(
            per_user.values().any(|&n| n >= 2),
            "a member of an agence's team is attached to its groupement"
        );
        let dates: Vec<_> = store
            .scan::<Dossier>(T::Dossiers, b"")
            .expect("dossiers")
            .into_iter()
            .map(|(_, d)| d.received_on)
            .collect();
        let oldest = dates.iter().min().copied().expect("dossiers");
        assert!(
            (now.date_naive() - oldest).num_days() > 3000,
            "ten years of dossiers, the oldest on {oldest}"
        );
    }
}
