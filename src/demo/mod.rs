//! Demonstration data (issue 4): a fictional but plausible world — directions and the référents of their
//! académies, a correspondant and a lecteur, structures of every category with valid SIRETs (and UAIs for the
//! EPLE), gestionnaires created through habilitation dossiers, simple users who open their own Chorus Pro account,
//! dossiers in every corbeille, rattachements in every state, accès résiduels and orphan structures.
//!
//! Everything is written through the desk, one command at a time (`Desk::execute_deferred`, one flush at the end),
//! so every rule of the note applies and the journal is the real one. The generator is deterministic: the same
//! seed and the same clock give the same database. It keeps a small model of what it created (who is GP or GS of
//! which structure, who left) to choose commands the desk accepts; indices into that model are always ones it
//! created. A command it expected to succeed but that the desk refused is counted in `Summary::refused` with its
//! message in `Summary::unexpected` (a generator bug, or a desk bug to report); the few refusals it makes on
//! purpose, as a real desk sees them (an EPLE request sent by its agent comptable, a reset asked from another
//! address…), are counted in `Summary::deliberate_refusals`.

mod names;

use crate::desk::{Actor, Command, Desk, DeskError};
use crate::domain::chorus::Role;
use crate::domain::ids::{Email, Siret, Uai, fold};
use crate::domain::operator::OperatorRole;
use crate::domain::reference;
use crate::domain::structure::Category;
use crate::domain::{Refusal, Rule};
use crate::store::T;
use chrono::{Datelike, Days, NaiveDate};
use names::{DEPARTEMENTS, DIRECTIONS, DirectionSpec};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashSet;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub directions: usize,
    pub structures: usize,
    pub users: usize,
    pub dossiers: usize,
}

impl Scale {
    pub const DEMO: Scale = Scale {
        directions: 5,
        structures: 200,
        users: 1000,
        dossiers: 500,
    };
}

/// What was generated (counts by kind, for the progress line and the tests).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub directions: usize,
    pub structures: usize,
    pub users: usize,
    pub dossiers: usize,
    pub attachments: usize,
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
    let mut g = Gen::new(desk, actor, scale, seed, progress);
    g.reference()?;
    g.structures(scale.structures)?;
    g.founding()?;
    g.deliberate.on = true;
    g.events()?;
    g.movements(scale)?;
    g.chorus_side()?;
    g.top_up(scale)?;
    desk.flush()?;
    g.finish()
}

/// The generator loads a new database only: it would otherwise collide with what is there.
fn check_empty(desk: &Desk, actor: &Actor) -> Result<(), DeskError> {
    let store = desk.store();
    let used = [T::Directions, T::Structures, T::Users, T::Dossiers]
        .iter()
        .any(|t| !store.tree(*t).is_empty());
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

/// SplitMix64: small, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<X: Copy>(&mut self, items: &[X]) -> Option<X> {
        let i = self.below(items.len());
        items.get(i).copied()
    }

    fn word(&mut self, items: &[&'static str]) -> &'static str {
        self.pick(items).unwrap_or_default()
    }

    fn shuffle<X>(&mut self, items: &mut [X]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Where a habilitation dossier stops: one stage per corbeille it can be left in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Recue,
    EnAttente,
    Pieces,
    ACreer,
    AHabiliter,
    ACloturer,
    Traitee,
    Rejetee,
    Transmise,
}

/// How far a removal dossier goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sortie {
    /// Qualified, waiting for the departure (corbeille Sorties).
    Qualified,
    /// The departure is recorded but the user keeps Chorus Pro: he cannot be deleted (R15), still attached (R16).
    Departed,
    /// Departure and deletion; `remove_first`: he removes his rattachements before (else an accès résiduel).
    Done { remove_first: bool },
}

/// One dated event of the second half of the period.
#[derive(Debug, Clone, Copy)]
enum Event {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    /// Named in a dossier, not (yet) created.
    Planned,
    Actif,
    Sorti,
    Supprime,
}

struct Person {
    male: bool,
    prenom: String,
    nom: String,
    email: String,
    fonction: Option<String>,
    role: Role,
    pigp: bool,
    life: Life,
    /// Already the subject of an event, or of a dossier still open: not picked again.
    busy: bool,
    /// The structure he works for.
    org: usize,
}

struct Org {
    siret: String,
    category: Category,
    comptable: Option<(String, String)>,
    dept: usize,
    academie: Option<&'static str>,
    /// The domain of its people's addresses.
    domain: String,
    /// The stem of the references of its dossiers.
    acro: String,
    /// The competent direction (R1), index in `Gen::dirs`.
    direction: usize,
    /// Every direction competent for it.
    competent: Vec<usize>,
    /// A habilitation dossier has been received for it.
    claimed: bool,
    gp: Option<usize>,
    interim: bool,
    gs: Vec<usize>,
    users: Vec<usize>,
    /// A structure-level event (handover, interim) happened: not picked for another.
    busy: bool,
}

/// A habilitation dossier on its way.
struct Hab {
    org: usize,
    reference: String,
    direction: usize,
    channel: &'static str,
    persons: Vec<usize>,
    /// The person whose address is not yet in service (R13).
    waiting: Option<usize>,
    received: NaiveDate,
}

/// The refusals a real desk sees, each made once.
#[derive(Default)]
struct Deliberate {
    on: bool,
    r1: bool,
    r2: bool,
    r4: bool,
    r5: bool,
    r12: bool,
    r13: bool,
    r14: bool,
}

struct Referent {
    academie: &'static str,
    name: String,
    email: String,
}

struct Gen<'a> {
    desk: &'a Desk,
    actor: &'a Actor,
    rng: Rng,
    today: NaiveDate,
    scale: Scale,
    dirs: Vec<&'static DirectionSpec>,
    /// Covered departments, indices in `DEPARTEMENTS`.
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

const CATEGORY_WEIGHTS: &[(Category, usize)] = &[
    (Category::Eple, 35),
    (Category::Epn, 14),
    (Category::Eplefpa, 5),
    (Category::EplMer, 2),
    (Category::Gip, 6),
    (Category::Gcs, 4),
    (Category::Gcsms, 4),
    (Category::Cci, 5),
    (Category::Cma, 5),
    (Category::Oph, 5),
    (Category::Sem, 5),
    (Category::Autre, 5),
];

/// One of each category first (a GIP with and one without comptable), so that a small scale has them all.
const FIRST_CATEGORIES: &[(Category, Option<bool>)] = &[
    (Category::Epn, None),
    (Category::Eple, None),
    (Category::Eplefpa, None),
    (Category::EplMer, None),
    (Category::Gip, Some(true)),
    (Category::Gip, Some(false)),
    (Category::Gcs, None),
    (Category::Gcsms, None),
    (Category::Cci, None),
    (Category::Cma, None),
    (Category::Oph, None),
    (Category::Sem, None),
    (Category::Autre, None),
];

const STUCK: [Stage; 4] = [
    Stage::Pieces,
    Stage::EnAttente,
    Stage::ACreer,
    Stage::Pieces,
];

const STOP_WORDS: &[&str] = &[
    "de", "des", "du", "la", "le", "les", "et", "en", "a", "au", "aux", "pour", "sur",
];

const WEBMAILS: &[&str] = &["gmail.com", "orange.fr", "outlook.fr", "free.fr"];

/// Lowercase ASCII words joined by '-': "Saint-Germain-en-Laye" → "saint-germain-en-laye", "N'Diaye" → "n-diaye".
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The stem of a structure's own domain from its name template: upper-case words kept ("cci", "gip"), then the
/// initials of the other words ("École nationale supérieure d'architecture" → "ensa"), or the word itself when
/// there is only one ("Habitat" → "habitat").
fn domain_stem(template: &str) -> String {
    let head = template.split('{').next().unwrap_or_default();
    let mut parts = Vec::new();
    let mut initials = String::new();
    let mut last = String::new();
    let mut words = 0;
    for raw in head.split_whitespace() {
        let word = raw.rsplit(['\'', '’']).next().unwrap_or(raw);
        if word.len() >= 2 && word.chars().all(|c| c.is_ascii_uppercase()) {
            parts.push(word.to_ascii_lowercase());
            continue;
        }
        let folded = slug(word);
        if folded.is_empty() || STOP_WORDS.contains(&folded.as_str()) {
            continue;
        }
        initials.extend(folded.chars().next());
        last = folded;
        words += 1;
    }
    match words {
        0 => {}
        1 => parts.push(last),
        _ => parts.push(initials),
    }
    parts.join("-")
}

/// "de" before a name, elided before a vowel: "de Lyon", "d'Orange", "d'Évry-Courcouronnes".
fn de(name: &str) -> String {
    let vowel = fold(name)
        .chars()
        .next()
        .is_some_and(|c| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'));
    if vowel {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

fn fill(
    template: &str,
    personality: &str,
    place: &str,
    city: &str,
    of: &str,
    academie: &str,
) -> String {
    template
        .replace("de {c}", &de(city))
        .replace("de {a}", &de(academie))
        .replace("{p}", personality)
        .replace("{l}", place)
        .replace("{c}", city)
        .replace("{d}", of)
        .replace("{a}", academie)
}

fn templates(category: Category) -> &'static [&'static str] {
    match category {
        Category::Eple => names::EPLE_NAMES,
        Category::Epn => names::EPN_NAMES,
        Category::Eplefpa => names::EPLEFPA_NAMES,
        Category::EplMer => names::EPL_MER_NAMES,
        Category::Gip => names::GIP_NAMES,
        Category::Gcs => names::GCS_NAMES,
        Category::Gcsms => names::GCSMS_NAMES,
        Category::Cci => names::CCI_NAMES,
        Category::Cma => names::CMA_NAMES,
        Category::Oph => names::OPH_NAMES,
        Category::Sem => names::SEM_NAMES,
        Category::Autre => names::AUTRE_NAMES,
    }
}

/// The Luhn key that completes `digits` (SIREN key on 8 digits, SIRET key on 13).
fn luhn_key(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// The first digits of a SIREN, by category: public bodies in 1 and 2, companies (SEM) in 3 to 5.
fn siren_prefix(category: Category) -> &'static str {
    match category {
        Category::Epn | Category::Cci | Category::Cma => "18",
        Category::Eple | Category::Eplefpa | Category::EplMer => "19",
        Category::Gip => "13",
        Category::Gcs | Category::Gcsms => "26",
        Category::Oph => "27",
        Category::Sem => "4",
        Category::Autre => "25",
    }
}

fn required_documents(channel: &str) -> &'static [&'static str] {
    match channel {
        "face_a_face" => &["contrat_service", "piece_identite", "face_a_face"],
        _ => &["contrat_service", "liste_utilisateurs"],
    }
}

impl<'a> Gen<'a> {
    fn new(
        desk: &'a Desk,
        actor: &'a Actor,
        scale: &Scale,
        seed: u64,
        progress: &'a mut dyn FnMut(usize, usize),
    ) -> Gen<'a> {
        Gen {
            desk,
            actor,
            rng: Rng(seed),
            today: desk.today(),
            scale: *scale,
            dirs: Vec::new(),
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
        match self.desk.execute_deferred(self.actor, &command) {
            Ok(receipt) => Ok(Some(receipt.result)),
            Err(DeskError::Refused(refusal)) => {
                self.unexpected(format!("{} → {}", command.to_json(), refusal.message));
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Runs a command a real desk sees refused, by `rule`.
    fn attempt(&mut self, value: Value, rule: Rule) -> Result<(), DeskError> {
        self.summary.commands += 1;
        let command = match Command::from_value(value) {
            Ok(c) => c,
            Err(refusal) => {
                self.unexpected(format!("commande mal formée : {refusal}"));
                return Ok(());
            }
        };
        match self.desk.execute_deferred(self.actor, &command) {
            Err(DeskError::Refused(refusal)) if refusal.rule == rule => {
                self.summary.deliberate_refusals += 1;
            }
            Err(DeskError::Refused(refusal)) => self.unexpected(format!(
                "{} → refus {} attendu, refus {} : {}",
                command.to_json(),
                rule.code(),
                refusal.rule.code(),
                refusal.message
            )),
            Ok(_) => self.unexpected(format!(
                "{} → accepté alors qu'un refus {} était attendu",
                command.to_json(),
                rule.code()
            )),
            Err(other) => return Err(other),
        }
        Ok(())
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

    fn finish(mut self) -> Result<Summary, DeskError> {
        let desk = self.desk;
        let store = desk.store();
        self.summary.directions = store.tree(T::Directions).len();
        self.summary.structures = store.tree(T::Structures).len();
        self.summary.users = store.tree(T::Users).len();
        self.summary.dossiers = store.tree(T::Dossiers).len();
        self.summary.attachments = store.tree(T::Attachments).len();
        let total = self.scale.structures + self.scale.dossiers + self.scale.users;
        (self.progress)(total, total);
        Ok(self.summary)
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

    // ----- reference data ---------------------------------------------------------------------------------------

    fn dir_of(&self, departement: &str) -> Option<usize> {
        self.dirs
            .iter()
            .position(|d| d.departements.contains(&departement))
    }

    fn reference(&mut self) -> Result<(), DeskError> {
        let n = self.scale.directions.clamp(1, DIRECTIONS.len());
        self.dirs = DIRECTIONS.iter().take(n).collect();
        for d in self.dirs.clone() {
            let departements: Vec<&str> = d.departements.to_vec();
            self.ok(json!({
                "cmd": "direction.add", "code": d.code, "name": d.name, "codique": d.codique,
                "departements": departements,
                "balf": format!("{}.demat@dgfip.finances.gouv.fr", d.code.to_lowercase()),
            }))?;
        }
        self.depts = (0..DEPARTEMENTS.len())
            .filter(|&i| self.dir_of(DEPARTEMENTS[i].code).is_some())
            .collect();
        self.eple_depts = self
            .depts
            .iter()
            .copied()
            .filter(|&i| {
                reference::academie_of(DEPARTEMENTS[i].code)
                    .is_some_and(|a| self.dir_of(a.seat).is_some())
            })
            .collect();
        let first = self.dirs.first().map(|d| d.code).unwrap_or_default();
        let desk = self.desk;
        let store = desk.store();
        if store.operator(CORRESPONDANT)?.is_none() {
            self.correspondant = self.ok(json!({
                "cmd": "operator.add", "login": CORRESPONDANT, "name": "Camille Chevalier",
                "direction": first, "role": "correspondant",
            }))?;
        }
        if store.operator(LECTEUR)?.is_none() {
            self.ok(json!({
                "cmd": "operator.add", "login": LECTEUR, "name": "Dominique Lemoine",
                "direction": first, "role": "lecteur",
            }))?;
        }
        let mut academies: Vec<&'static str> = Vec::new();
        for &i in &self.eple_depts {
            if let Some(a) = reference::academie_of(DEPARTEMENTS[i].code)
                && !academies.contains(&a.name)
            {
                academies.push(a.name);
            }
        }
        for academie in academies {
            let (_, prenom, nom) = self.random_name();
            let domain = academie_domain(academie);
            let Some(email) = self.unique_email(&prenom, &nom, &domain) else {
                continue;
            };
            let name = format!("{prenom} {nom}");
            if self.ok(
                json!({"cmd": "referent.add", "academie": academie, "name": name, "email": email}),
            )? {
                self.referents.push(Referent {
                    academie,
                    name,
                    email,
                });
            }
        }
        Ok(())
    }

    // ----- people -----------------------------------------------------------------------------------------------

    fn random_name(&mut self) -> (bool, String, String) {
        let male = self.rng.percent(50);
        let prenom = self
            .rng
            .word(if male { names::FIRST_M } else { names::FIRST_F });
        let nom = self.rng.word(names::SURNAMES);
        (male, prenom.to_string(), nom.to_string())
    }

    /// `prenom.nom@domain`, numbered for homonyms (`jean.dupont2@…`); `None` when the name looks generic (R5).
    fn unique_email(&mut self, prenom: &str, nom: &str, domain: &str) -> Option<String> {
        let base = format!("{}.{}", slug(prenom), slug(nom));
        if reference::is_generic_local_part(&base) {
            return None;
        }
        for n in 1..10_000 {
            let local = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            let email = format!("{local}@{domain}");
            if Email::parse(&email).is_err() {
                return None;
            }
            if self.emails.insert(email.clone()) {
                return Some(email);
            }
        }
        None
    }

    fn fonction(&mut self, category: Category, role: Role, male: bool) -> Option<String> {
        let list = match (category, role) {
            (_, Role::User) => return None,
            (Category::Eple, Role::Gp) => names::EPLE_GP_FONCTIONS,
            (Category::Eple, Role::Gs) => names::EPLE_GS_FONCTIONS,
            (_, Role::Gp) => names::GP_FONCTIONS,
            (_, Role::Gs) => names::GS_FONCTIONS,
        };
        self.rng
            .pick(list)
            .map(|(m, f)| if male { m } else { f }.to_string())
    }

    /// A new person of a structure, with a unique nominative address at its domain.
    fn new_person(&mut self, org: usize, role: Role) -> usize {
        let domain = self.orgs[org].domain.clone();
        let category = self.orgs[org].category;
        let mut found = None;
        for _ in 0..1000 {
            let (male, prenom, nom) = self.random_name();
            if let Some(email) = self.unique_email(&prenom, &nom, &domain) {
                found = Some((male, prenom, nom, email));
                break;
            }
        }
        let (male, prenom, nom, email) = found.unwrap_or_else(|| {
            let n = self.people.len();
            (
                false,
                "Claire".to_string(),
                "Martin".to_string(),
                format!("claire.martin{n}@{domain}"),
            )
        });
        let fonction = self.fonction(category, role, male);
        self.people.push(Person {
            male,
            prenom,
            nom,
            email,
            fonction,
            role,
            pigp: false,
            life: Life::Planned,
            busy: false,
            org,
        });
        self.people.len() - 1
    }

    fn person_json(&self, p: usize, active: bool) -> Value {
        let x = &self.people[p];
        json!({
            "civilite": if x.male { "M" } else { "MME" },
            "nom": x.nom, "prenom": x.prenom, "email": x.email, "role": x.role.wire(),
            "fonction": x.fonction, "email_active": active,
        })
    }

    fn full_name(&self, p: usize) -> String {
        format!("{} {}", self.people[p].prenom, self.people[p].nom)
    }

    fn active(&self, p: usize) -> bool {
        self.people[p].life == Life::Actif
    }

    /// An active ASPASIE user not yet the subject of an event.
    fn free_pigp(&self, p: usize) -> bool {
        let x = &self.people[p];
        x.life == Life::Actif && x.pigp && !x.busy
    }

    fn is_gp(&self, p: usize) -> bool {
        self.orgs[self.people[p].org].gp == Some(p)
    }

    /// A person satisfying `ok`, from a random starting point.
    fn pick_person(&mut self, ok: impl Fn(&Self, usize) -> bool) -> Option<usize> {
        let n = self.people.len();
        let start = self.rng.below(n);
        let this: &Self = self;
        (0..n).map(|k| (start + k) % n).find(|&p| ok(this, p))
    }

    fn pick_org(&mut self, ok: impl Fn(&Self, usize) -> bool) -> Option<usize> {
        let n = self.orgs.len();
        let start = self.rng.below(n);
        let this: &Self = self;
        (0..n).map(|k| (start + k) % n).find(|&o| ok(this, o))
    }

    /// The active GP and GS of a structure.
    fn managers(&self, o: usize) -> Vec<usize> {
        let org = &self.orgs[o];
        org.gp
            .iter()
            .chain(org.gs.iter())
            .copied()
            .filter(|&p| self.active(p))
            .collect()
    }

    // ----- structures -------------------------------------------------------------------------------------------

    fn structures(&mut self, n: usize) -> Result<(), DeskError> {
        let total: usize = CATEGORY_WEIGHTS.iter().map(|(_, w)| w).sum();
        for i in 0..n {
            let (category, has_comptable) = match FIRST_CATEGORIES.get(i) {
                Some(first) => *first,
                None => {
                    let mut r = self.rng.below(total);
                    let mut chosen = Category::Eple;
                    for (c, w) in CATEGORY_WEIGHTS {
                        if r < *w {
                            chosen = *c;
                            break;
                        }
                        r -= w;
                    }
                    (chosen, None)
                }
            };
            self.structure(category, has_comptable)?;
            self.tick();
        }
        Ok(())
    }

    fn dept_for(&mut self, category: Category) -> usize {
        let pool: Vec<usize> = match category {
            Category::Eple => self.eple_depts.clone(),
            Category::EplMer => {
                let coastal: Vec<usize> = self
                    .depts
                    .iter()
                    .copied()
                    .filter(|&i| DEPARTEMENTS[i].coastal)
                    .collect();
                if coastal.is_empty() {
                    self.depts.clone()
                } else {
                    coastal
                }
            }
            _ => self.depts.clone(),
        };
        let pool = if pool.is_empty() {
            self.depts.clone()
        } else {
            pool
        };
        self.rng.pick(&pool).unwrap_or_default()
    }

    fn siret(&mut self, category: Category) -> String {
        loop {
            let mut siren = siren_prefix(category).to_string();
            while siren.len() < 8 {
                siren.push(char::from(b'0' + self.rng.below(10) as u8));
            }
            siren.push(char::from(b'0' + luhn_key(&siren) as u8));
            if siren == "356000000" {
                continue;
            }
            let mut body = format!("{siren}000{}", 1 + self.rng.below(3));
            body.push(char::from(b'0' + luhn_key(&body) as u8));
            if Siret::parse(&body).is_ok() && self.sirets.insert(body.clone()) {
                return body;
            }
        }
    }

    fn uai(&mut self, departement: &str) -> String {
        let head = if departement.len() == 2 {
            format!("0{departement}")
        } else {
            departement.to_string()
        };
        loop {
            let seven = format!("{head}{:04}", self.rng.below(10_000));
            let Ok(n) = seven.parse::<u32>() else {
                continue;
            };
            let letters = b"ABCDEFGHJKLMNPRSTUVWXYZ";
            let letter = char::from(letters[(n % 23) as usize]);
            let uai = format!("{seven}{letter}");
            if Uai::parse(&uai).is_ok() && self.uais.insert(uai.clone()) {
                return uai;
            }
        }
    }

    fn unique_domain(&mut self, stem: &str, place: &str) -> String {
        let place = slug(place);
        let base = if stem.is_empty() {
            place
        } else {
            format!("{stem}-{place}")
        };
        for n in 1.. {
            let label = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            let domain = format!("{label}.fr");
            if self.domains.insert(domain.clone()) {
                return domain;
            }
        }
        format!("{base}.fr")
    }

    fn structure(
        &mut self,
        category: Category,
        has_comptable: Option<bool>,
    ) -> Result<(), DeskError> {
        let dept = self.dept_for(category);
        let spec = &DEPARTEMENTS[dept];
        let seaside: Vec<(&'static str, &'static str)> = spec
            .cities
            .iter()
            .copied()
            .filter(|(c, _)| names::SEASIDE.contains(c))
            .collect();
        let cities = if category == Category::EplMer && !seaside.is_empty() {
            &seaside[..]
        } else {
            spec.cities
        };
        let academie = reference::academie_of(spec.code).map(|a| a.name);
        let mut template = "";
        let mut name = String::new();
        let (mut city, mut postal_code) = ("", "");
        for attempt in 0..16 {
            (city, postal_code) = self.rng.pick(cities).unwrap_or(("Paris", "75001"));
            template = self.rng.word(templates(category));
            let personality = self.rng.word(names::PERSONALITIES);
            let place = self.rng.word(names::PLACES);
            let candidate = fill(
                template,
                personality,
                place,
                city,
                spec.of,
                academie.unwrap_or(city),
            );
            let candidate = if attempt < 8 || !template.contains("{p}") {
                candidate
            } else {
                format!("{candidate} {}", de(city))
            };
            if !self.names.contains(&candidate) {
                name = candidate;
                break;
            }
        }
        if name.is_empty() {
            let base = fill(template, "Jean Moulin", "Les Tilleuls", city, spec.of, city);
            name = (2..)
                .map(|n| format!("{base} ({n})"))
                .find(|c| !self.names.contains(c))
                .unwrap_or(base);
        }
        let place = if template.contains("{d}") {
            spec.plain
        } else if template.contains("{a}") {
            academie.unwrap_or(city)
        } else {
            city
        };
        let own = self.unique_domain(&domain_stem(template), place);
        let ac = academie_domain(academie.unwrap_or(city));
        let domain = match category {
            Category::Eple => ac.clone(),
            Category::Eplefpa => "educagri.fr".to_string(),
            _ => own.clone(),
        };
        let has_comptable = has_comptable
            .or(category.default_has_comptable())
            .unwrap_or_else(|| self.rng.percent(65));
        let comptable = if has_comptable {
            let comptable_domain = match category {
                Category::Eple => ac,
                Category::Eplefpa => "educagri.fr".to_string(),
                Category::Epn | Category::EplMer => own.clone(),
                _ => "dgfip.finances.gouv.fr".to_string(),
            };
            let mut found = None;
            for _ in 0..100 {
                let (_, prenom, nom) = self.random_name();
                if let Some(email) = self.unique_email(&prenom, &nom, &comptable_domain) {
                    found = Some((format!("{prenom} {nom}"), email));
                    break;
                }
            }
            found
        } else {
            None
        };
        let uai = (category == Category::Eple).then(|| self.uai(spec.code));
        let siret = self.siret(category);
        let siege = if category != Category::Eple && self.dirs.len() >= 2 && self.rng.percent(4) {
            let own_dir = self.dir_of(spec.code);
            let others: Vec<usize> = self
                .depts
                .iter()
                .copied()
                .filter(|&i| self.dir_of(DEPARTEMENTS[i].code) != own_dir)
                .collect();
            self.rng.pick(&others)
        } else {
            None
        };
        let (direction, competent) = if category == Category::Eple {
            let seat = reference::academie_of(spec.code)
                .map(|a| a.seat)
                .unwrap_or(spec.code);
            let d = self
                .dir_of(seat)
                .or(self.dir_of(spec.code))
                .unwrap_or_default();
            (d, vec![d])
        } else {
            let here = self.dir_of(spec.code).unwrap_or_default();
            match siege.and_then(|s| self.dir_of(DEPARTEMENTS[s].code)) {
                Some(seat) => (seat, vec![here, seat]),
                None => (here, vec![here]),
            }
        };
        let street = self.rng.word(names::STREETS);
        let address = format!("{} {street}", 1 + self.rng.below(120));
        let value = json!({
            "cmd": "structure.add", "siret": siret, "name": name, "category": category.wire(),
            "has_comptable": has_comptable,
            "comptable": comptable.as_ref().map(|(n, e)| json!({"name": n, "email": e})),
            "address": address, "postal_code": postal_code, "city": city, "uai": uai,
            "siege_departement": siege.map(|s| DEPARTEMENTS[s].code),
        });
        if !self.ok(value)? {
            return Ok(());
        }
        self.structures_added += 1;
        self.names.insert(name);
        let acro = match &uai {
            Some(u) => u.clone(),
            None => own.trim_end_matches(".fr").to_uppercase(),
        };
        self.orgs.push(Org {
            siret,
            category,
            comptable,
            dept,
            academie,
            domain,
            acro,
            direction,
            competent,
            claimed: false,
            gp: None,
            interim: false,
            gs: Vec::new(),
            users: Vec::new(),
            busy: false,
        });
        Ok(())
    }

    // ----- habilitation dossiers --------------------------------------------------------------------------------

    /// R2: the channel of a structure's requests.
    fn channel(&self, o: usize) -> &'static str {
        let org = &self.orgs[o];
        if org.category == Category::Eple {
            "referent"
        } else if org.comptable.is_some() {
            "agent_comptable"
        } else {
            "face_a_face"
        }
    }

    /// R3: who sends a structure's requests; in face à face, `person` himself.
    fn requester(&self, o: usize, person: Option<usize>) -> (String, String) {
        let org = &self.orgs[o];
        match self.channel(o) {
            "referent" => self
                .referents
                .iter()
                .find(|r| Some(r.academie) == org.academie)
                .map(|r| (r.name.clone(), r.email.clone()))
                .unwrap_or_default(),
            "agent_comptable" => org.comptable.clone().unwrap_or_default(),
            _ => person
                .map(|p| (self.full_name(p), self.people[p].email.clone()))
                .unwrap_or_default(),
        }
    }

    fn unique_ref(&mut self, base: String) -> String {
        if self.refs.insert(base.clone()) {
            return base;
        }
        for n in 2.. {
            let candidate = format!("{base}-{n}");
            if self.refs.insert(candidate.clone()) {
                return candidate;
            }
        }
        base
    }

    fn lot(&self, o: usize, received: NaiveDate) -> String {
        let academie = self.orgs[o].academie.unwrap_or("ACADEMIE");
        format!(
            "LOT-{}-{}-{:02}",
            slug(academie).to_uppercase(),
            received.year(),
            received.month()
        )
    }

    /// The persons a habilitation names: a GP and some GS, or only GS when the structure has its GP.
    fn roles_for(&mut self, o: usize) -> Vec<Role> {
        let has_gp = self.orgs[o].gp.is_some();
        let mut roles = if has_gp { Vec::new() } else { vec![Role::Gp] };
        let gs = if has_gp {
            1 + self.rng.below(2)
        } else {
            match self.rng.below(100) {
                0..=9 => 0,
                10..=44 => 1,
                45..=79 => 2,
                _ => 3,
            }
        };
        roles.extend(std::iter::repeat_n(Role::Gs, gs));
        roles
    }

    fn receive(&mut self, value: Value) -> Result<bool, DeskError> {
        let done = self.ok(value)?;
        if done {
            self.dossiers_received += 1;
            self.tick();
        }
        Ok(done)
    }

    fn hab_receive(
        &mut self,
        o: usize,
        roles: &[Role],
        received: NaiveDate,
        stage: Stage,
        direction: usize,
    ) -> Result<Option<Hab>, DeskError> {
        let persons: Vec<usize> = roles.iter().map(|&r| self.new_person(o, r)).collect();
        let waiting = match stage {
            Stage::EnAttente => persons.len().checked_sub(1),
            Stage::Recue | Stage::Rejetee | Stage::Transmise => None,
            _ if self.rng.percent(12) => Some(self.rng.below(persons.len())),
            _ => None,
        };
        let channel = self.channel(o);
        let (requester_name, requester_email) = self.requester(o, persons.first().copied());
        let lot = (channel == "referent").then(|| self.lot(o, received));
        let base = match &lot {
            Some(lot) => format!("{lot}/{}", self.orgs[o].acro),
            None if channel == "face_a_face" => format!("FAF-{}-{received}", self.orgs[o].acro),
            None => format!("MAIL-{}-{received}", self.orgs[o].acro),
        };
        let reference = self.unique_ref(base);
        let persons_json: Vec<Value> = persons
            .iter()
            .enumerate()
            .map(|(i, &p)| self.person_json(p, waiting != Some(i)))
            .collect();
        let siret = self.orgs[o].siret.clone();
        let code = self.dirs.get(direction).map(|d| d.code).unwrap_or_default();
        if self.deliberate.on {
            if !self.deliberate.r2
                && self.orgs[o].category == Category::Eple
                && let Some((name, email)) = self.orgs[o].comptable.clone()
            {
                // An EPLE's agent comptable writes directly: the request must go through the référent (§1.2.1).
                self.deliberate.r2 = true;
                self.attempt(
                    json!({
                        "cmd": "dossier.receive", "ref": format!("MAIL-{}-{received}", self.orgs[o].acro),
                        "kind": "habilitation", "channel": "agent_comptable", "siret": siret, "direction": code,
                        "requester": {"name": name, "email": email}, "received_on": received.to_string(),
                        "persons": persons_json,
                    }),
                    Rule::R2,
                )?;
            } else if !self.deliberate.r5 && channel == "agent_comptable" {
                // The first sending gives the service's mailbox instead of the GP's own address (§2.3.1).
                self.deliberate.r5 = true;
                let mut generic = persons_json.clone();
                if let Some(first) = generic.first_mut().and_then(Value::as_object_mut) {
                    first.insert(
                        "email".to_string(),
                        json!(format!("comptabilite@{}", self.orgs[o].domain)),
                    );
                }
                self.attempt(
                    json!({
                        "cmd": "dossier.receive", "ref": reference, "kind": "habilitation", "channel": channel,
                        "siret": siret, "direction": code,
                        "requester": {"name": requester_name, "email": requester_email},
                        "received_on": received.to_string(), "persons": generic,
                    }),
                    Rule::R5,
                )?;
            }
        }
        let done = self.receive(json!({
            "cmd": "dossier.receive", "ref": reference, "kind": "habilitation", "channel": channel,
            "siret": siret, "direction": code, "lot": lot,
            "requester": {"name": requester_name, "email": requester_email},
            "received_on": received.to_string(), "persons": persons_json,
        }))?;
        Ok(done.then_some(Hab {
            org: o,
            reference,
            direction,
            channel,
            persons,
            waiting,
            received,
        }))
    }

    fn document(&mut self, h: &Hab, document: &str) -> Result<bool, DeskError> {
        let on = self.random_after(h.received, 0, 7);
        self.ok(json!({
            "cmd": "dossier.document", "dossier": h.reference, "document": document, "on": on.to_string(),
        }))
    }

    fn note(&mut self, reference: &str, text: &str) -> Result<bool, DeskError> {
        self.ok(json!({"cmd": "dossier.note", "dossier": reference, "text": text}))
    }

    fn qualify(&mut self, reference: &str) -> Result<bool, DeskError> {
        self.ok(json!({"cmd": "dossier.qualify", "dossier": reference}))
    }

    fn assign(&mut self, reference: &str, direction: usize) -> Result<(), DeskError> {
        if direction == 0 && self.correspondant && self.rng.percent(60) {
            self.ok(
                json!({"cmd": "dossier.assign", "dossier": reference, "operator": CORRESPONDANT}),
            )?;
        }
        Ok(())
    }

    /// Creation in ASPASIE of a person of the dossier.
    fn create(&mut self, h: &Hab, p: usize) -> Result<bool, DeskError> {
        let email = self.people[p].email.clone();
        let Some(result) =
            self.run(json!({"cmd": "aspasie.create", "dossier": h.reference, "email": email}))?
        else {
            return Ok(false);
        };
        self.people[p].pigp = true;
        self.people[p].life = Life::Actif;
        if result.get("existing") != Some(&Value::Bool(true)) {
            self.users_created += 1;
            self.tick();
        }
        Ok(true)
    }

    /// Opening of the MADRHAS rights: the GP becomes the structure's GP when it has none, else a simple user.
    fn open(&mut self, h: &Hab, p: usize) -> Result<bool, DeskError> {
        let email = self.people[p].email.clone();
        if !self.ok(json!({"cmd": "madrhas.open", "dossier": h.reference, "email": email}))? {
            return Ok(false);
        }
        let org = &mut self.orgs[h.org];
        match self.people[p].role {
            Role::Gp if org.gp.is_none() => {
                org.gp = Some(p);
                org.interim = false;
            }
            Role::Gs => org.gs.push(p),
            _ => org.users.push(p),
        }
        Ok(true)
    }

    /// Takes a received habilitation to `stage`.
    fn hab_advance(&mut self, mut h: Hab, stage: Stage) -> Result<(), DeskError> {
        for &p in &h.persons {
            self.people[p].busy = stage != Stage::Traitee;
        }
        if stage != Stage::Transmise {
            self.assign(&h.reference, h.direction)?;
        }
        match stage {
            Stage::Recue => return Ok(()),
            Stage::EnAttente => {
                if self.deliberate.on && !self.deliberate.r13 {
                    self.deliberate.r13 = true;
                    self.attempt(
                        json!({"cmd": "dossier.qualify", "dossier": h.reference}),
                        Rule::R13,
                    )?;
                }
                return Ok(());
            }
            Stage::Rejetee => {
                if self.rng.percent(40) {
                    self.qualify(&h.reference)?;
                }
                let reason = self.rng.word(names::REJECT_REASONS);
                self.ok(
                    json!({"cmd": "dossier.reject", "dossier": h.reference, "reason": reason}),
                )?;
                return Ok(());
            }
            Stage::Transmise => {
                if self.deliberate.on && !self.deliberate.r1 {
                    self.deliberate.r1 = true;
                    self.attempt(
                        json!({"cmd": "dossier.qualify", "dossier": h.reference}),
                        Rule::R1,
                    )?;
                }
                let target = self.orgs[h.org].direction;
                let code = self.dirs.get(target).map(|d| d.code).unwrap_or_default();
                if !self.ok(
                    json!({"cmd": "dossier.forward", "dossier": h.reference, "direction": code}),
                )? {
                    return Ok(());
                }
                self.dossiers_received += 1;
                let from = self
                    .dirs
                    .get(h.direction)
                    .map(|d| d.code)
                    .unwrap_or_default();
                h.reference = format!("{}/{from}", h.reference);
                self.refs.insert(h.reference.clone());
                h.direction = target;
                let next = match self.rng.below(10) {
                    0..=4 => Stage::Recue,
                    5 | 6 => Stage::Pieces,
                    _ => Stage::Traitee,
                };
                return self.hab_advance(h, next);
            }
            _ => {}
        }
        if let Some(i) = h.waiting
            && let Some(&p) = h.persons.get(i)
        {
            let email = self.people[p].email.clone();
            self.ok(
                json!({"cmd": "dossier.confirm_email", "dossier": h.reference, "email": email}),
            )?;
        }
        if !self.qualify(&h.reference)? {
            return Ok(());
        }
        let required = required_documents(h.channel);
        let given = if stage == Stage::Pieces {
            self.rng.below(required.len())
        } else {
            required.len()
        };
        for document in required.iter().take(given) {
            self.document(&h, document)?;
        }
        if stage == Stage::Pieces {
            if self.deliberate.on
                && !self.deliberate.r4
                && let Some(&p) = h.persons.first()
            {
                self.deliberate.r4 = true;
                let email = self.people[p].email.clone();
                self.attempt(
                    json!({"cmd": "aspasie.create", "dossier": h.reference, "email": email}),
                    Rule::R4,
                )?;
            }
            if self.rng.percent(50) {
                self.note(&h.reference, "Relance faite pour les pièces manquantes.")?;
            }
            return Ok(());
        }
        let persons = h.persons.clone();
        let n = persons.len();
        let to_create = match stage {
            Stage::ACreer if n >= 2 && self.rng.percent(50) => n - 1,
            Stage::ACreer => 0,
            _ => n,
        };
        for &p in persons.iter().take(to_create) {
            if !self.create(&h, p)? {
                return Ok(());
            }
        }
        if stage == Stage::ACreer {
            return Ok(());
        }
        let to_open = if stage == Stage::AHabiliter {
            self.rng.below(n)
        } else {
            n
        };
        for &p in persons.iter().take(to_open) {
            if !self.open(&h, p)? {
                return Ok(());
            }
        }
        if stage != Stage::Traitee {
            return Ok(());
        }
        if self.rng.percent(30) {
            let text = self.rng.word(names::NOTES);
            self.note(&h.reference, text)?;
        }
        self.ok(json!({"cmd": "dossier.close", "dossier": h.reference}))?;
        Ok(())
    }

    fn habilitation(
        &mut self,
        o: usize,
        received: NaiveDate,
        stage: Stage,
        direction: usize,
    ) -> Result<(), DeskError> {
        self.orgs[o].claimed = true;
        let roles = self.roles_for(o);
        if let Some(h) = self.hab_receive(o, &roles, received, stage, direction)? {
            self.hab_advance(h, stage)?;
        }
        Ok(())
    }

    // ----- the first half of the period: each structure's first habilitation ----------------------------------

    fn founding(&mut self) -> Result<(), DeskError> {
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

    fn events(&mut self) -> Result<(), DeskError> {
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

    fn event(&mut self, date: NaiveDate, event: Event) -> Result<(), DeskError> {
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
                        && g.dir_of(DEPARTEMENTS[org.dept].code) != Some(org.direction)
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
            let here = self.dir_of(DEPARTEMENTS[org.dept].code);
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

    fn dossier_about(
        &mut self,
        p: usize,
        kind: &str,
        prefix: &str,
        received: NaiveDate,
    ) -> Result<Option<String>, DeskError> {
        let o = self.people[p].org;
        let channel = if kind == "reinitialisation" {
            "utilisateur"
        } else {
            self.channel(o)
        };
        let (name, email) = if matches!(channel, "face_a_face" | "utilisateur") {
            (self.full_name(p), self.people[p].email.clone())
        } else {
            self.requester(o, None)
        };
        let reference = self.unique_ref(format!("{prefix}-{}-{received}", self.orgs[o].acro));
        let direction = self.orgs[o].direction;
        let code = self.dirs.get(direction).map(|d| d.code).unwrap_or_default();
        let user = self.people[p].email.clone();
        let siret = (kind != "reinitialisation").then(|| self.orgs[o].siret.clone());
        let done = self.receive(json!({
            "cmd": "dossier.receive", "ref": reference, "kind": kind, "channel": channel, "siret": siret,
            "user": user, "direction": code, "requester": {"name": name, "email": email},
            "received_on": received.to_string(),
        }))?;
        if !done {
            return Ok(None);
        }
        self.assign(&reference, direction)?;
        Ok(Some(reference))
    }

    /// A password reset (§3): asked by the user himself; `fraud`, from another address (R18).
    fn reset(&mut self, date: NaiveDate, close: bool, fraud: bool) -> Result<(), DeskError> {
        let Some(p) = self.pick_person(|g, p| g.free_pigp(p)) else {
            return Ok(());
        };
        self.people[p].busy = true;
        if fraud {
            let o = self.people[p].org;
            let local = self.people[p]
                .email
                .split('@')
                .next()
                .unwrap_or_default()
                .to_string();
            let webmail = self.rng.word(WEBMAILS);
            let reference = self.unique_ref(format!("MDP-{}-{date}", self.orgs[o].acro));
            let code = self
                .dirs
                .get(self.orgs[o].direction)
                .map(|d| d.code)
                .unwrap_or_default();
            let (name, user) = (self.full_name(p), self.people[p].email.clone());
            if !self.receive(json!({
                "cmd": "dossier.receive", "ref": reference, "kind": "reinitialisation",
                "channel": "utilisateur", "user": user, "direction": code,
                "requester": {"name": name, "email": format!("{local}@{webmail}")},
                "received_on": date.to_string(),
            }))? {
                return Ok(());
            }
            self.attempt(
                json!({"cmd": "dossier.qualify", "dossier": reference}),
                Rule::R18,
            )?;
            self.ok(json!({
                "cmd": "dossier.reject", "dossier": reference,
                "reason": "usurpation suspectée : la demande ne vient pas de l'adresse enregistrée (R18) ; l'utilisateur en est prévenu à son adresse enregistrée",
            }))?;
            return Ok(());
        }
        let Some(reference) = self.dossier_about(p, "reinitialisation", "MDP", date)? else {
            return Ok(());
        };
        if !self.qualify(&reference)? {
            return Ok(());
        }
        if close {
            self.ok(json!({"cmd": "password.reset", "dossier": reference}))?;
        }
        Ok(())
    }

    /// A modification of a user's fields (function, name and address, postal address).
    fn modification(&mut self, date: NaiveDate, close: bool) -> Result<(), DeskError> {
        let Some(p) = self.pick_person(|g, p| g.free_pigp(p)) else {
            return Ok(());
        };
        self.people[p].busy = true;
        let Some(reference) = self.dossier_about(p, "modification", "MODIF", date)? else {
            return Ok(());
        };
        if !self.qualify(&reference)? {
            return Ok(());
        }
        if !close {
            if self.rng.percent(50) {
                self.note(
                    &reference,
                    "En attente du justificatif demandé à l'utilisateur.",
                )?;
            }
            return Ok(());
        }
        let email = self.people[p].email.clone();
        let mut update = json!({"cmd": "user.update", "dossier": reference, "email": email});
        let mut new_identity = None;
        let variant = self.rng.below(10);
        if (4..=6).contains(&variant) {
            let domain = email.split('@').nth(1).unwrap_or_default().to_string();
            let prenom = self.people[p].prenom.clone();
            let nom = self.rng.word(names::SURNAMES);
            if nom != self.people[p].nom
                && let Some(new_email) = self.unique_email(&prenom, nom, &domain)
            {
                set(&mut update, "nom", json!(nom));
                set(&mut update, "new_email", json!(new_email));
                new_identity = Some((nom.to_string(), new_email));
            }
        }
        if new_identity.is_none() {
            if variant < 4 {
                let o = self.people[p].org;
                let category = self.orgs[o].category;
                let role = if self.is_gp(p) { Role::Gp } else { Role::Gs };
                let male = self.people[p].male;
                let fonction = self.fonction(category, role, male);
                set(&mut update, "fonction", json!(fonction));
            } else {
                let street = self.rng.word(names::STREETS);
                let address = format!("{} {street}", 1 + self.rng.below(120));
                set(&mut update, "address", json!(address));
            }
        }
        if !self.ok(update)? {
            return Ok(());
        }
        if let Some((nom, new_email)) = new_identity {
            self.people[p].nom = nom;
            self.people[p].email = new_email;
        }
        self.ok(json!({"cmd": "dossier.close", "dossier": reference}))?;
        Ok(())
    }

    /// A departure (§2.3.2), through a removal dossier.
    fn removal(&mut self, p: usize, date: NaiveDate, mode: Sortie) -> Result<(), DeskError> {
        self.people[p].busy = true;
        let Some(reference) = self.dossier_about(p, "suppression", "DEPART", date)? else {
            return Ok(());
        };
        if !self.qualify(&reference)? {
            return Ok(());
        }
        let email = self.people[p].email.clone();
        match mode {
            Sortie::Qualified => {}
            Sortie::Departed => {
                if self.ok(json!({
                    "cmd": "user.depart", "email": email, "dossier": reference, "keeps_pigp_apps": true,
                }))? {
                    self.people[p].life = Life::Sorti;
                }
            }
            Sortie::Done { remove_first } => {
                if remove_first {
                    self.detach(p)?;
                }
                if !self.ok(json!({
                    "cmd": "user.depart", "email": email, "dossier": reference, "keeps_pigp_apps": false,
                }))? {
                    return Ok(());
                }
                self.people[p].life = Life::Sorti;
                if self
                    .ok(json!({"cmd": "aspasie.delete", "email": email, "dossier": reference}))?
                {
                    self.people[p].life = Life::Supprime;
                }
            }
        }
        Ok(())
    }

    /// The user removes his own rattachement to his structure (Espace Mon compte).
    fn detach(&mut self, p: usize) -> Result<(), DeskError> {
        let o = self.people[p].org;
        let attached = self.orgs[o].gs.contains(&p) || self.orgs[o].users.contains(&p);
        if !attached {
            return Ok(());
        }
        let email = self.people[p].email.clone();
        let siret = self.orgs[o].siret.clone();
        if self
            .ok(json!({"cmd": "attachment.remove", "by": email, "user": email, "siret": siret}))?
        {
            let org = &mut self.orgs[o];
            org.gs.retain(|&x| x != p);
            org.users.retain(|&x| x != p);
        }
        Ok(())
    }

    // ----- the Chorus Pro side ----------------------------------------------------------------------------------

    /// Intra-académique moves (§1.2.2): a GS of an EPLE moves to another of the same académie, by rattachement.
    fn movements(&mut self, scale: &Scale) -> Result<(), DeskError> {
        for _ in 0..(scale.structures / 100).max(1) {
            let Some(from) = self.pick_org(|g, o| {
                let org = &g.orgs[o];
                org.category == Category::Eple && org.gs.iter().any(|&p| g.free_pigp(p))
            }) else {
                return Ok(());
            };
            let academie = self.orgs[from].academie;
            let Some(to) = self.pick_org(|g, o| {
                let org = &g.orgs[o];
                o != from
                    && org.category == Category::Eple
                    && org.academie == academie
                    && org.gp.is_some_and(|p| g.active(p))
            }) else {
                continue;
            };
            let Some(p) = self.orgs[from]
                .gs
                .iter()
                .copied()
                .find(|&p| self.free_pigp(p))
            else {
                continue;
            };
            let Some(gp) = self.orgs[to].gp else { continue };
            self.people[p].busy = true;
            let email = self.people[p].email.clone();
            let (from_siret, to_siret) =
                (self.orgs[from].siret.clone(), self.orgs[to].siret.clone());
            if !self.deliberate.r12 {
                // The référent first asks for a creation at the arrival: refused, the move is done in Chorus Pro.
                self.deliberate.r12 = true;
                let date = self.random_days_ago(1, 3);
                let lot = self.lot(to, date);
                let reference = self.unique_ref(format!("{lot}/{}", self.orgs[to].acro));
                let (name, referent) = self.requester(to, None);
                let code = self
                    .dirs
                    .get(self.orgs[to].direction)
                    .map(|d| d.code)
                    .unwrap_or_default();
                let mut person = self.person_json(p, true);
                if let Some(object) = person.as_object_mut() {
                    object.insert("role".to_string(), json!("gs"));
                }
                if self.receive(json!({
                    "cmd": "dossier.receive", "ref": reference, "kind": "habilitation", "channel": "referent",
                    "siret": to_siret, "direction": code, "lot": lot,
                    "requester": {"name": name, "email": referent}, "received_on": date.to_string(),
                    "persons": [person],
                }))? {
                    self.attempt(json!({"cmd": "dossier.qualify", "dossier": reference}), Rule::R12)?;
                    self.ok(json!({
                        "cmd": "dossier.reject", "dossier": reference,
                        "reason": "mouvement intra-académique (R12) : pas de nouvelle création, rattachement à demander dans Chorus Pro",
                    }))?;
                }
            }
            let by = self.people[gp].email.clone();
            if !self.ok(json!({"cmd": "attachment.request", "by": email, "siret": to_siret}))?
                || !self.ok(json!({"cmd": "attachment.validate", "by": by, "user": email, "siret": to_siret}))?
            {
                continue;
            }
            self.orgs[to].users.push(p);
            if self.ok(
                json!({"cmd": "manager.designate_gs", "by": by, "user": email, "siret": to_siret}),
            )? {
                self.orgs[to].users.retain(|&x| x != p);
                self.orgs[to].gs.push(p);
            }
            if self.ok(json!({"cmd": "attachment.remove", "by": email, "user": email, "siret": from_siret}))? {
                self.orgs[from].gs.retain(|&x| x != p);
                self.people[p].org = to;
            }
            self.ok(json!({"cmd": "madrhas.revoke", "email": email, "siret": from_siret}))?;
        }
        Ok(())
    }

    fn chorus_side(&mut self) -> Result<(), DeskError> {
        let s = self.orgs.len();
        // Interim GPs (§2.2): the GP hands the profile to a GS before leaving, the successor not yet known.
        for _ in 0..(s / 50).max(1) {
            let Some(o) = self.pick_org(|g, o| {
                let org = &g.orgs[o];
                !org.busy
                    && !org.interim
                    && org.gp.is_some_and(|p| g.active(p))
                    && org.gs.iter().any(|&p| g.free_pigp(p))
            }) else {
                break;
            };
            let (Some(gp), Some(gs)) = (
                self.orgs[o].gp,
                self.orgs[o].gs.iter().copied().find(|&p| self.free_pigp(p)),
            ) else {
                continue;
            };
            self.orgs[o].busy = true;
            self.people[gp].busy = true;
            self.people[gs].busy = true;
            let siret = self.orgs[o].siret.clone();
            let (by, to) = (self.people[gp].email.clone(), self.people[gs].email.clone());
            if !self.deliberate.r14 {
                // Leaving, the GP first tries to remove his own rattachement: not before the transfer.
                self.deliberate.r14 = true;
                self.attempt(
                    json!({"cmd": "attachment.remove", "by": by, "user": by, "siret": siret}),
                    Rule::R14,
                )?;
            }
            if !self.ok(json!({
                "cmd": "manager.transfer_gp", "by": by, "to": to, "siret": siret, "interim": true,
            }))? {
                continue;
            }
            let org = &mut self.orgs[o];
            org.gp = Some(gs);
            org.interim = true;
            org.gs.retain(|&p| p != gs);
            org.users.push(gp);
            if self.rng.percent(50)
                && self
                    .ok(json!({"cmd": "attachment.remove", "by": by, "user": by, "siret": siret}))?
            {
                self.orgs[o].users.retain(|&p| p != gp);
                if self.ok(json!({"cmd": "user.depart", "email": by, "keeps_pigp_apps": false}))? {
                    self.people[gp].life = Life::Sorti;
                    if self.ok(json!({"cmd": "aspasie.delete", "email": by}))? {
                        self.people[gp].life = Life::Supprime;
                    }
                }
            }
        }
        // A GP withdraws a GS designation: the GS stays attached as a simple user.
        if let Some(o) = self.pick_org(|g, o| {
            let org = &g.orgs[o];
            org.gp.is_some_and(|p| g.active(p)) && org.gs.iter().any(|&p| g.free_pigp(p))
        }) && let (Some(gp), Some(gs)) = (
            self.orgs[o].gp,
            self.orgs[o].gs.iter().copied().find(|&p| self.free_pigp(p)),
        ) {
            let siret = self.orgs[o].siret.clone();
            let (by, user) = (self.people[gp].email.clone(), self.people[gs].email.clone());
            if self
                .ok(json!({"cmd": "manager.revoke_gs", "by": by, "user": user, "siret": siret}))?
            {
                self.people[gs].busy = true;
                let org = &mut self.orgs[o];
                org.gs.retain(|&p| p != gs);
                org.users.push(gs);
            }
        }
        // Accès résiduels (R16): leavers who keep Chorus Pro while still attached, and deleted users still attached.
        for k in 0..(s / 100).max(1) * 2 {
            let keeps = k % 2 == 0;
            let Some(p) = self.pick_person(|g, p| {
                let o = g.people[p].org;
                g.free_pigp(p) && !g.is_gp(p) && g.orgs[o].gs.contains(&p)
            }) else {
                break;
            };
            self.people[p].busy = true;
            let email = self.people[p].email.clone();
            if !self.ok(json!({"cmd": "user.depart", "email": email, "keeps_pigp_apps": keeps}))? {
                continue;
            }
            self.people[p].life = Life::Sorti;
            if !keeps && self.ok(json!({"cmd": "aspasie.delete", "email": email}))? {
                self.people[p].life = Life::Supprime;
            }
        }
        Ok(())
    }

    /// A simple user opens his Chorus Pro account and asks to be attached to his structure.
    fn self_service(&mut self) -> Result<(), DeskError> {
        let managed = self.pick_org(|g, o| !g.managers(o).is_empty());
        let o = match managed {
            Some(o) if self.rng.percent(85) => o,
            _ => self.rng.below(self.orgs.len()),
        };
        if o >= self.orgs.len() {
            return Ok(());
        }
        let p = self.new_person(o, Role::User);
        let x = &self.people[p];
        let value = json!({
            "cmd": "chorus.account", "email": x.email, "civilite": if x.male { "M" } else { "MME" },
            "nom": x.nom, "prenom": x.prenom,
        });
        if !self.ok(value)? {
            return Ok(());
        }
        self.people[p].life = Life::Actif;
        self.users_created += 1;
        self.tick();
        self.request(p, o)?;
        if self.rng.percent(10) {
            let other = self.rng.below(self.orgs.len());
            if other != o && other < self.orgs.len() {
                self.request(p, other)?;
            }
        }
        Ok(())
    }

    /// A rattachement request and the decision of a GP or GS: validated, refused, left pending, or validated then
    /// removed.
    fn request(&mut self, p: usize, o: usize) -> Result<(), DeskError> {
        let email = self.people[p].email.clone();
        let siret = self.orgs[o].siret.clone();
        if !self.ok(json!({"cmd": "attachment.request", "by": email, "siret": siret}))? {
            return Ok(());
        }
        let managers = self.managers(o);
        let Some(m) = self.rng.pick(&managers) else {
            return Ok(());
        };
        let by = self.people[m].email.clone();
        match self.rng.below(100) {
            0..=71 => {
                if self.ok(
                    json!({"cmd": "attachment.validate", "by": by, "user": email, "siret": siret}),
                )? {
                    self.orgs[o].users.push(p);
                }
            }
            72..=79 => {
                let reason = self.rng.word(names::REFUSE_REASONS);
                self.ok(json!({
                    "cmd": "attachment.refuse", "by": by, "user": email, "siret": siret, "reason": reason,
                }))?;
            }
            80..=91 => {}
            _ => {
                if self.ok(
                    json!({"cmd": "attachment.validate", "by": by, "user": email, "siret": siret}),
                )? {
                    let remover = if self.rng.percent(50) { &email } else { &by };
                    self.ok(json!({"cmd": "attachment.remove", "by": remover, "user": email, "siret": siret}))?;
                }
            }
        }
        Ok(())
    }

    /// Reaches the targets: dossiers first (habilitations create users), then simple users.
    fn top_up(&mut self, scale: &Scale) -> Result<(), DeskError> {
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

/// Sets a field of a command object.
fn set(command: &mut Value, key: &str, value: Value) {
    if let Some(object) = command.as_object_mut() {
        object.insert(key.to_string(), value);
    }
}

fn academie_domain(academie: &str) -> String {
    format!("ac-{}.fr", slug(academie))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_are_valid() {
        let mut rng = Rng(7);
        for _ in 0..200 {
            let mut siren = "18".to_string();
            while siren.len() < 8 {
                siren.push(char::from(b'0' + rng.below(10) as u8));
            }
            siren.push(char::from(b'0' + luhn_key(&siren) as u8));
            let mut body = format!("{siren}0001");
            body.push(char::from(b'0' + luhn_key(&body) as u8));
            assert!(Siret::parse(&body).is_ok(), "{body}");
        }
        assert_eq!(luhn_key("1992013170001"), 3, "the SIRET of the examples");
    }

    #[test]
    fn domains_and_slugs() {
        assert_eq!(
            domain_stem("École nationale supérieure d'architecture de {c}"),
            "ensa"
        );
        assert_eq!(domain_stem("CCI {d}"), "cci");
        assert_eq!(domain_stem("Habitat {d}"), "habitat");
        assert_eq!(domain_stem("Office public de l'habitat de {c}"), "oph");
        assert_eq!(slug("Saint-Germain-en-Laye"), "saint-germain-en-laye");
        assert_eq!(slug("N'Diaye"), "n-diaye");
        assert_eq!(academie_domain("Aix-Marseille"), "ac-aix-marseille.fr");
    }

    #[test]
    fn the_rng_is_deterministic() {
        let a: Vec<u64> = (0..5).scan(Rng(42), |r, _| Some(r.next())).collect();
        let b: Vec<u64> = (0..5).scan(Rng(42), |r, _| Some(r.next())).collect();
        assert_eq!(a, b);
    }
}
