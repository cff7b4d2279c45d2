//! What every dossier of the demonstration shares, whatever its kind: the channel a structure's requests come by
//! (R2) and who sends them (R3), unique references and the référents' lots, the receipt that counts towards the
//! target, and the steps any dossier takes — assignment to the correspondant, qualification, notes.

use super::naming::slug;
use super::{CORRESPONDANT, Gen};
use crate::desk::DeskError;
use crate::domain::structure::Category;
use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

/// National: per cent of the dossiers assigned to their direction's correspondant.
const ASSIGNED: usize = 6;

impl Gen<'_> {
    /// R2: the channel of a structure's requests.
    pub(super) fn channel(&self, o: usize) -> &'static str {
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
    pub(super) fn requester(&self, o: usize, person: Option<usize>) -> (String, String) {
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

    pub(super) fn unique_ref(&mut self, base: String) -> String {
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

    pub(super) fn lot(&self, o: usize, received: NaiveDate) -> String {
        let academie = self.orgs[o].academie.unwrap_or("ACADEMIE");
        format!(
            "LOT-{}-{}-{:02}",
            slug(academie).to_uppercase(),
            received.year(),
            received.month()
        )
    }

    pub(super) fn receive(&mut self, value: Value) -> Result<bool, DeskError> {
        let done = self.ok(value)?;
        if done {
            self.dossiers_received += 1;
            self.tick();
        }
        Ok(done)
    }

    pub(super) fn note(&mut self, reference: &str, text: &str) -> Result<bool, DeskError> {
        self.ok(json!({"cmd": "dossier.note", "dossier": reference, "text": text}))
    }

    pub(super) fn qualify(&mut self, reference: &str) -> Result<bool, DeskError> {
        self.ok(json!({"cmd": "dossier.qualify", "dossier": reference}))
    }

    pub(super) fn assign(&mut self, reference: &str, direction: usize) -> Result<(), DeskError> {
        if self.national {
            if let Some(login) = self.operators.get(direction).cloned().flatten()
                && self.rng.percent(ASSIGNED)
            {
                self.ok(json!({"cmd": "dossier.assign", "dossier": reference, "operator": login}))?;
            }
            return Ok(());
        }
        if direction == 0 && self.correspondant && self.rng.percent(60) {
            self.ok(
                json!({"cmd": "dossier.assign", "dossier": reference, "operator": CORRESPONDANT}),
            )?;
        }
        Ok(())
    }
}
