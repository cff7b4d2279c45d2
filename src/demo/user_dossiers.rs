//! The dossiers about one user already in ASPASIE: a password reset asked by the user himself (§3), a modification
//! of his fields (function, name and address, postal address), and his departure through a removal dossier
//! (§2.3.2) — left qualified, with the user gone but keeping Chorus Pro, or taken to his deletion.

use super::people::Life;
use super::{Gen, names};
use crate::desk::DeskError;
use crate::domain::chorus::Role;
use chrono::NaiveDate;
use serde_json::{Value, json};

/// How far a removal dossier goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sortie {
    /// Qualified, waiting for the departure (corbeille Sorties).
    Qualified,
    /// The departure is recorded but the user keeps Chorus Pro: he cannot be deleted (R15), still attached (R16).
    Departed,
    /// Departure and deletion; `remove_first`: he removes his rattachements before (else an accès résiduel).
    Done { remove_first: bool },
}

/// Sets a field of a command object.
fn set(command: &mut Value, key: &str, value: Value) {
    if let Some(object) = command.as_object_mut() {
        object.insert(key.to_string(), value);
    }
}

impl Gen<'_> {
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
    pub(super) fn reset(
        &mut self,
        date: NaiveDate,
        close: bool,
        fraud: bool,
    ) -> Result<(), DeskError> {
        let Some(p) = self.pick_person(|g, p| g.free_pigp(p)) else {
            return Ok(());
        };
        self.people[p].busy = true;
        if fraud {
            return self.refuse_reset_from_another_address(p, date);
        }
        let Some(reference) = self.dossier_about(p, "reinitialisation", "MDP", date)? else {
            return Ok(());
        };
        if !self.qualify(&reference)? {
            return Ok(());
        }
        if close
            && self.ok(json!({"cmd": "password.reset", "dossier": reference}))?
            && self.national
        {
            // Over ten years a user forgets his password more than once.
            self.people[p].busy = false;
        }
        Ok(())
    }

    /// A modification of a user's fields (function, name and address, postal address).
    pub(super) fn modification(&mut self, date: NaiveDate, close: bool) -> Result<(), DeskError> {
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
        if self.ok(json!({"cmd": "dossier.close", "dossier": reference}))? && self.national {
            self.people[p].busy = false;
        }
        Ok(())
    }

    /// A departure (§2.3.2), through a removal dossier.
    pub(super) fn removal(
        &mut self,
        p: usize,
        date: NaiveDate,
        mode: Sortie,
    ) -> Result<(), DeskError> {
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
                    self.detach_team(p)?;
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

    /// National: a member of an agence's team removes his rattachements to the other structures of its groupement.
    fn detach_team(&mut self, p: usize) -> Result<(), DeskError> {
        let email = self.people[p].email.clone();
        let home = self.people[p].org;
        for o in std::mem::take(&mut self.people[p].sirets) {
            if o == home {
                continue;
            }
            let siret = self.orgs[o].siret.clone();
            self.ok(
                json!({"cmd": "attachment.remove", "by": email, "user": email, "siret": siret}),
            )?;
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
}
