//! Habilitation dossiers (§2): received for a structure with the persons it names (a GP and some GS, or GS only
//! when the structure has its GP), then taken to the stage where the demonstration leaves them — one stage per
//! corbeille, from « reçue » to « traitée », rejected, or forwarded to the competent direction. Creation in ASPASIE
//! and opening of the MADRHAS rights update the generator's model of who is GP or GS where.

use super::people::Life;
use super::{Gen, names};
use crate::desk::DeskError;
use crate::domain::chorus::Role;
use chrono::NaiveDate;
use serde_json::{Value, json};

/// National: a dossier received more than this many days ago is no longer open.
const OPEN_FOR: usize = 60;

/// Where a habilitation dossier stops: one stage per corbeille it can be left in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
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

/// A habilitation dossier on its way.
pub(super) struct Hab {
    org: usize,
    reference: String,
    direction: usize,
    channel: &'static str,
    pub(super) persons: Vec<usize>,
    /// The person whose address is not yet in service (R13).
    waiting: Option<usize>,
    received: NaiveDate,
}

fn required_documents(channel: &str) -> &'static [&'static str] {
    match channel {
        "face_a_face" => &["contrat_service", "piece_identite", "face_a_face"],
        _ => &["contrat_service", "liste_utilisateurs"],
    }
}

impl Gen<'_> {
    /// The persons a habilitation names: a GP and some GS, or only GS when the structure has its GP.
    fn roles_for(&mut self, o: usize) -> Vec<Role> {
        let has_gp = self.orgs[o].gp.is_some();
        let mut roles = if has_gp { Vec::new() } else { vec![Role::Gp] };
        let gs = if has_gp {
            1 + self.rng.below(2)
        } else if self.national {
            // Over ten years the team of an agence comptable is habilitated once for all its structures: fewer
            // gestionnaires secondaires per structure.
            match self.rng.below(100) {
                0..=19 => 0,
                20..=69 => 1,
                70..=94 => 2,
                _ => 3,
            }
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

    pub(super) fn hab_receive(
        &mut self,
        o: usize,
        roles: &[Role],
        received: NaiveDate,
        stage: Stage,
        direction: usize,
    ) -> Result<Option<Hab>, DeskError> {
        let persons: Vec<usize> = roles.iter().map(|&r| self.new_person(o, r)).collect();
        if self.national {
            for &p in &persons {
                if self.people[p].role == Role::Gs {
                    self.people[p].sirets = self.team_sirets(o);
                }
            }
        }
        let waiting = match stage {
            Stage::EnAttente => persons.len().checked_sub(1),
            Stage::Recue | Stage::Rejetee | Stage::Transmise => None,
            _ if self.rng.percent(12) => Some(self.rng.below(persons.len())),
            _ => None,
        };
        let channel = self.channel(o);
        let requester = self.requester(o, persons.first().copied());
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
        let code = self.dir_code(direction);
        self.refuse_misaddressed_habilitation(
            o,
            received,
            &reference,
            code,
            &requester,
            &persons_json,
        )?;
        let (requester_name, requester_email) = requester;
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
    pub(super) fn hab_advance(&mut self, mut h: Hab, stage: Stage) -> Result<(), DeskError> {
        for &p in &h.persons {
            self.people[p].busy = stage != Stage::Traitee;
        }
        if stage != Stage::Transmise {
            self.assign(&h.reference, h.direction)?;
        }
        match stage {
            Stage::Recue => return Ok(()),
            Stage::EnAttente => {
                self.refuse_unconfirmed_address(&h.reference)?;
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
                self.refuse_incompetent_direction(&h.reference)?;
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
                // Over ten years, a dossier forwarded long ago has been dealt with since.
                let next = if self.national && h.received < self.days_ago(OPEN_FOR) {
                    Stage::Traitee
                } else {
                    next
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
            self.refuse_creation_without_documents(&h.reference, h.persons.first().copied())?;
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

    pub(super) fn habilitation(
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
}
