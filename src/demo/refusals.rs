//! The refusals a real desk sees, made on purpose so that the demonstration's journal holds them: each is sent
//! once (the usurped reset of R18 twice), at the point of the story where it happens, and counted in
//! `Summary::deliberate_refusals` when the desk refuses it by the expected rule — else it is an unexpected outcome,
//! counted in `Summary::refused`. The commands around a refusal that must pass still go through `Gen::ok`.

use super::Gen;
use crate::desk::{Command, DeskError};
use crate::domain::Rule;
use crate::domain::structure::Category;
use chrono::NaiveDate;
use serde_json::{Value, json};

const WEBMAILS: &[&str] = &["gmail.com", "orange.fr", "outlook.fr", "free.fr"];

/// The refusals a real desk sees, each made once.
#[derive(Default)]
pub(super) struct Deliberate {
    /// Off while the structures receive their first habilitations: the refusals belong to the desk's daily life.
    pub(super) on: bool,
    r1: bool,
    r2: bool,
    r4: bool,
    r5: bool,
    r12: bool,
    r13: bool,
    r14: bool,
}

impl Gen<'_> {
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
        match self.bulk.execute(&command) {
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

    /// Before a habilitation is received as it should be, once: an EPLE's agent comptable writes directly (R2), or
    /// a first sending gives the service's mailbox instead of the GP's own address (R5).
    pub(super) fn refuse_misaddressed_habilitation(
        &mut self,
        o: usize,
        received: NaiveDate,
        reference: &str,
        code: &str,
        (requester_name, requester_email): &(String, String),
        persons_json: &[Value],
    ) -> Result<(), DeskError> {
        if !self.deliberate.on {
            return Ok(());
        }
        let channel = self.channel(o);
        let siret = self.orgs[o].siret.clone();
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
            let mut generic = persons_json.to_vec();
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
        Ok(())
    }

    /// Once: a dossier qualified while an address it names is not yet in service (R13).
    pub(super) fn refuse_unconfirmed_address(&mut self, reference: &str) -> Result<(), DeskError> {
        if self.deliberate.on && !self.deliberate.r13 {
            self.deliberate.r13 = true;
            self.attempt(
                json!({"cmd": "dossier.qualify", "dossier": reference}),
                Rule::R13,
            )?;
        }
        Ok(())
    }

    /// Once: a dossier received by a direction that is not competent, qualified before it is forwarded (R1).
    pub(super) fn refuse_incompetent_direction(
        &mut self,
        reference: &str,
    ) -> Result<(), DeskError> {
        if self.deliberate.on && !self.deliberate.r1 {
            self.deliberate.r1 = true;
            self.attempt(
                json!({"cmd": "dossier.qualify", "dossier": reference}),
                Rule::R1,
            )?;
        }
        Ok(())
    }

    /// Once: a creation in ASPASIE while documents of the dossier are missing (R4).
    pub(super) fn refuse_creation_without_documents(
        &mut self,
        reference: &str,
        person: Option<usize>,
    ) -> Result<(), DeskError> {
        if self.deliberate.on
            && !self.deliberate.r4
            && let Some(p) = person
        {
            self.deliberate.r4 = true;
            let email = self.people[p].email.clone();
            self.attempt(
                json!({"cmd": "aspasie.create", "dossier": reference, "email": email}),
                Rule::R4,
            )?;
        }
        Ok(())
    }

    /// A password reset asked from another address than the user's (R18): received, refused at qualification,
    /// then rejected with the user warned at his registered address.
    pub(super) fn refuse_reset_from_another_address(
        &mut self,
        p: usize,
        date: NaiveDate,
    ) -> Result<(), DeskError> {
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
        Ok(())
    }

    /// Once, for the first intra-académique move: the référent asks for a creation at the arrival structure,
    /// refused (R12) and rejected — the move is done in Chorus Pro.
    pub(super) fn refuse_creation_for_a_move(
        &mut self,
        p: usize,
        to: usize,
        to_siret: &str,
    ) -> Result<(), DeskError> {
        if self.deliberate.r12 {
            return Ok(());
        }
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
            self.attempt(
                json!({"cmd": "dossier.qualify", "dossier": reference}),
                Rule::R12,
            )?;
            self.ok(json!({
                "cmd": "dossier.reject", "dossier": reference,
                "reason": "mouvement intra-académique (R12) : pas de nouvelle création, rattachement à demander dans Chorus Pro",
            }))?;
        }
        Ok(())
    }

    /// Once: leaving, a GP first tries to remove his own rattachement — not before the transfer (R14).
    pub(super) fn refuse_gp_leaving_first(
        &mut self,
        by: &str,
        siret: &str,
    ) -> Result<(), DeskError> {
        if !self.deliberate.r14 {
            self.deliberate.r14 = true;
            self.attempt(
                json!({"cmd": "attachment.remove", "by": by, "user": by, "siret": siret}),
                Rule::R14,
            )?;
        }
        Ok(())
    }
}
