//! Demonstration data (issue 4): a fictional but plausible world — directions and the référents of their
//! académies, a correspondant and a lecteur, structures of every category with valid SIRETs (and UAIs for the
//! EPLE), gestionnaires created through habilitation dossiers, simple users who open their own Chorus Pro account,
//! dossiers in every corbeille, rattachements in every state, accès résiduels and orphan structures.
//!
//! Everything is written through the desk, one command at a time, each checked as `Desk::execute` checks it
//! (`Desk::bulk`: transactions of `CHUNK` commands, one flush at the end), so every rule of the note applies and
//! the journal is the real one. The generator is deterministic: the same
//! seed and the same clock give the same database. It keeps a small model of what it created (who is GP or GS of
//! which structure, who left) to choose commands the desk accepts; indices into that model are always ones it
//! created. A command it expected to succeed but that the desk refused is counted in `Summary::refused` with its
//! message in `Summary::unexpected` (a generator bug, or a desk bug to report); the few refusals it makes on
//! purpose, as a real desk sees them (an EPLE request sent by its agent comptable, a reset asked from another
//! address…), are counted in `Summary::deliberate_refusals`.
//!
//! This file holds the public face (`generate`, `Scale`, `Summary`) and the generator `Gen`: its state, how it
//! runs a command and counts the outcome, and its dates. The story is told by the sub-modules, in the order
//! `generate` calls them: `directions`, `structures` (with `identifiers` and `naming`), `timeline` (which drives
//! `habilitation` and `user_dossiers`, both on `dossiers`), then `chorus`; `people` is the model of persons,
//! `refusals` the deliberate refusals, `rng` the seeded random source, `names` the raw material.
//!
//! The national dataset (`Scale::NATIONAL`, `World::National`) tells a longer story on a wider map: one
//! direction for each department (`geography`), structures sharing their agent comptable in groupements, and ten
//! years told in date order by `decade` — first habilitations, resets, modifications, departures and self-service
//! accounts interleaved. Its choices sit behind `Gen::national`, so that the demonstration draws the same random
//! numbers in the same order as before and stays the same database for the same seed and clock.

mod chorus;
mod decade;
mod directions;
mod dossiers;
mod geography;
mod groupements;
mod habilitation;
mod identifiers;
mod names;
mod naming;
mod people;
mod refusals;
mod rng;
mod structures;
mod timeline;
mod user_dossiers;

use crate::desk::bulk::Bulk;
use crate::desk::{Actor, Command, Desk, DeskError};
use crate::domain::Refusal;
use crate::domain::operator::OperatorRole;
use crate::store::T;
use chrono::{Days, NaiveDate};
use directions::Referent;
use groupements::Group;
use names::{DeptSpec, DirectionSpec};
use people::Person;
use refusals::Deliberate;
use rng::Rng;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use structures::Org;

/// How much to generate, and which world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub directions: usize,
    pub structures: usize,
    pub users: usize,
    pub dossiers: usize,
    pub world: World,
}

/// The map and the period the data covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// The hand-written directions of `names::DIRECTIONS` (several departments each, at most 8) over four months:
    /// the desk's demonstration.
    Demo,
    /// One direction for each department of the referentiel (at most 101), groupements comptables, ten years.
    National,
}

impl Scale {
    pub const DEMO: Scale = Scale {
        directions: 5,
        structures: 200,
        users: 1000,
        dossiers: 500,
        world: World::Demo,
    };

    /// A national database: every department, 15,000 structures, 60,000 users, 200,000 dossiers over ten years.
    pub const NATIONAL: Scale = Scale {
        directions: 101,
        structures: 15_000,
        users: 60_000,
        dossiers: 200_000,
        world: World::National,
    };

    /// `demo` or `national`.
    pub fn named(name: &str) -> Option<Scale> {
        match name {
            "demo" => Some(Scale::DEMO),
            "national" => Some(Scale::NATIONAL),
            _ => None,
        }
    }
}

/// What was generated (counts by kind, for the progress line and the tests).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub directions: usize,
    pub structures: usize,
    pub users: usize,
    pub dossiers: usize,
    pub attachments: usize,
    /// Entries of the journal (every command, refusals included, and the bootstrap of the empty base).
    pub journal: u64,
    pub commands: usize,
    /// Commands the generator expected to succeed and the desk refused.
    pub refused: usize,
    /// Refusals made on purpose, as a real desk sees them (R1, R2, R4, R5, R12, R13, R14, R18).
    pub deliberate_refusals: usize,
    /// The first unexpected refusals: the command and the desk's message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unexpected: Vec<String>,
}

/// The correspondant of the first direction, and the lecteur, of the demonstration.
pub const CORRESPONDANT: &str = "camille.c";
pub const LECTEUR: &str = "dominique.l";

/// Commands written in one transaction.
const CHUNK: usize = 2000;

/// How many unexpected refusals `Summary::unexpected` keeps.
const MAX_UNEXPECTED: usize = 20;

/// Fills an EMPTY database through the desk (every write goes through `Desk::execute_deferred`, so every rule
/// applies and the journal is real), deterministically from `seed`, calling `progress(done, total)` now and then;
/// flushes once at the end before returning.
pub fn generate(
    desk: &Desk,
    actor: &Actor,
    scale: &Scale,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Summary, DeskError> {
    check_empty(desk, actor)?;
    let bulk = desk.bulk(actor, CHUNK)?;
    let mut g = Gen::new(desk, bulk, scale, seed, progress);
    g.reference()?;
    g.structures(scale.structures)?;
    if g.national {
        g.deliberate.on = true;
        g.decade()?;
    } else {
        g.founding()?;
        g.deliberate.on = true;
        g.events()?;
    }
    g.movements(scale)?;
    g.chorus_side()?;
    if g.national {
        g.top_up_decade(scale)?;
    } else {
        g.top_up(scale)?;
    }
    g.finish()
}

/// The generator loads a new database only: it would otherwise collide with what is there.
fn check_empty(desk: &Desk, actor: &Actor) -> Result<(), DeskError> {
    let store = desk.store();
    let mut used = false;
    for t in [T::Directions, T::Structures, T::Users, T::Dossiers] {
        used |= !store.is_empty(t)?;
    }
    if used {
        return Err(Refusal::state(
            None,
            "la base n'est pas vide : les données de démonstration se chargent dans une base neuve",
        )
        .into());
    }
    if store.has_operators() {
        match store.operator(actor.effective())? {
            Some(op) if op.role == OperatorRole::Admin => {}
            _ => {
                return Err(Refusal::permission(format!(
                    "{} n'est pas administrateur de cette base : seul un administrateur charge les données de démonstration",
                    actor.effective()
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// The generator: the desk it writes through, its random source, and its model of what it created so far.
struct Gen<'a> {
    desk: &'a Desk,
    /// Every command goes through it: checked as the desk checks one, written in transactions of `CHUNK`.
    bulk: Bulk<'a>,
    rng: Rng,
    today: NaiveDate,
    scale: Scale,
    /// The national story and map (`World::National`); else the demonstration's, unchanged.
    national: bool,
    dirs: Vec<&'static DirectionSpec>,
    /// The departments of the map: `names::DEPARTEMENTS`, or the national geography.
    geo: Vec<&'static DeptSpec>,
    /// National: the towns by the sea and the population of each department of `geo`.
    seaside: Vec<&'static [&'static str]>,
    population: Vec<u32>,
    /// The direction covering each department code, index in `dirs`.
    dir_by_dept: HashMap<&'static str, usize>,
    /// National: the correspondant of each direction, who is assigned its dossiers.
    operators: Vec<Option<String>>,
    /// National: the groupements comptables, and the one still open in each (department, class of structure).
    groups: Vec<Group>,
    open_groups: HashMap<(usize, u8), usize>,
    /// Covered departments, indices in `geo`.
    depts: Vec<usize>,
    /// Covered departments whose académie seat is covered too: where EPLE can be.
    eple_depts: Vec<usize>,
    referents: Vec<Referent>,
    orgs: Vec<Org>,
    people: Vec<Person>,
    emails: HashSet<String>,
    names: HashSet<String>,
    domains: HashSet<String>,
    refs: HashSet<String>,
    sirets: HashSet<String>,
    uais: HashSet<String>,
    correspondant: bool,
    deliberate: Deliberate,
    summary: Summary,
    structures_added: usize,
    dossiers_received: usize,
    users_created: usize,
    progress: &'a mut dyn FnMut(usize, usize),
    reported: usize,
}

impl<'a> Gen<'a> {
    fn new(
        desk: &'a Desk,
        bulk: Bulk<'a>,
        scale: &Scale,
        seed: u64,
        progress: &'a mut dyn FnMut(usize, usize),
    ) -> Gen<'a> {
        Gen {
            desk,
            bulk,
            rng: Rng::new(seed),
            today: desk.today(),
            scale: *scale,
            national: scale.world == World::National,
            dirs: Vec::new(),
            geo: Vec::new(),
            seaside: Vec::new(),
            population: Vec::new(),
            dir_by_dept: HashMap::new(),
            operators: Vec::new(),
            groups: Vec::new(),
            open_groups: HashMap::new(),
            depts: Vec::new(),
            eple_depts: Vec::new(),
            referents: Vec::new(),
            orgs: Vec::new(),
            people: Vec::new(),
            emails: HashSet::new(),
            names: HashSet::new(),
            domains: HashSet::new(),
            refs: HashSet::new(),
            sirets: HashSet::new(),
            uais: HashSet::new(),
            correspondant: false,
            deliberate: Deliberate::default(),
            summary: Summary::default(),
            structures_added: 0,
            dossiers_received: 0,
            users_created: 0,
            progress,
            reported: 0,
        }
    }

    // ----- running commands -------------------------------------------------------------------------------------

    /// Runs a command the generator expects to succeed: its result, or `None` (counted) when refused.
    fn run(&mut self, value: Value) -> Result<Option<Value>, DeskError> {
        self.summary.commands += 1;
        let command = match Command::from_value(value) {
            Ok(c) => c,
            Err(refusal) => {
                self.unexpected(format!("commande mal formée : {refusal}"));
                return Ok(None);
            }
        };
        match self.bulk.execute(&command) {
            Ok(receipt) => Ok(Some(receipt.result)),
            Err(DeskError::Refused(refusal)) => {
                self.unexpected(format!("{} → {}", command.to_json(), refusal.message));
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    fn unexpected(&mut self, message: String) {
        self.summary.refused += 1;
        if self.summary.unexpected.len() < MAX_UNEXPECTED {
            self.summary.unexpected.push(message);
        }
    }

    fn ok(&mut self, value: Value) -> Result<bool, DeskError> {
        Ok(self.run(value)?.is_some())
    }

    fn tick(&mut self) {
        let total = self.scale.structures + self.scale.dossiers + self.scale.users;
        let done = (self.structures_added + self.dossiers_received + self.users_created).min(total);
        let step = (total / 200).max(1);
        if done >= self.reported + step {
            self.reported = done;
            (self.progress)(done, total);
        }
    }

    /// Commits and flushes what is staged, then counts what the database holds.
    fn finish(self) -> Result<Summary, DeskError> {
        let Gen {
            desk,
            bulk,
            mut summary,
            scale,
            progress,
            ..
        } = self;
        bulk.finish()?;
        let store = desk.store();
        summary.directions = store.len(T::Directions)?;
        summary.structures = store.len(T::Structures)?;
        summary.users = store.len(T::Users)?;
        summary.dossiers = store.len(T::Dossiers)?;
        summary.attachments = store.len(T::Attachments)?;
        summary.journal = store.journal_head()?.0;
        let total = scale.structures + scale.dossiers + scale.users;
        progress(total, total);
        Ok(summary)
    }

    // ----- dates ------------------------------------------------------------------------------------------------

    fn days_ago(&self, n: usize) -> NaiveDate {
        self.today
            .checked_sub_days(Days::new(n as u64))
            .unwrap_or(self.today)
    }

    /// Between `min` and `min + spread - 1` days ago.
    fn random_days_ago(&mut self, min: usize, spread: usize) -> NaiveDate {
        let n = min + self.rng.below(spread);
        self.days_ago(n)
    }

    /// Between `min` and `min + spread - 1` days after `date`, never after today.
    fn random_after(&mut self, date: NaiveDate, min: usize, spread: usize) -> NaiveDate {
        let n = min + self.rng.below(spread);
        self.after(date, n)
    }

    /// `n` days after `date`, never after today.
    fn after(&self, date: NaiveDate, n: usize) -> NaiveDate {
        date.checked_add_days(Days::new(n as u64))
            .unwrap_or(date)
            .min(self.today)
    }
}
