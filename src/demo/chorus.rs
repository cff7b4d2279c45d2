//! The Chorus Pro side of the demonstration, where the desk only records what the users and their managers do:
//! intra-académique moves of a GS by rattachement (§1.2.2), GPs handing over to an interim GS (§2.2), a GS
//! designation withdrawn, leavers who keep access (R16), and simple users who open their own account and ask to
//! be attached — validated, refused, left pending, or removed again.

use super::people::Life;
use super::{Gen, Scale, names};
use crate::desk::DeskError;
use crate::domain::chorus::Role;
use crate::domain::structure::Category;
use serde_json::json;

/// National: per cent of the simple users of a structure in a groupement who work for its agence comptable.
const AGENCE_USERS: usize = 40;

impl Gen<'_> {
    /// Intra-académique moves (§1.2.2): a GS of an EPLE moves to another of the same académie, by rattachement.
    pub(super) fn movements(&mut self, scale: &Scale) -> Result<(), DeskError> {
        for _ in 0..(scale.structures / 100).max(1) {
            // A member of an agence's team is attached to its whole groupement already: he does not move so.
            let movable = |g: &Self, p: usize| g.free_pigp(p) && g.people[p].sirets.is_empty();
            let Some(from) = self.pick_org(|g, o| {
                let org = &g.orgs[o];
                org.category == Category::Eple && org.gs.iter().any(|&p| movable(g, p))
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
                .find(|&p| movable(self, p))
            else {
                continue;
            };
            let Some(gp) = self.orgs[to].gp else { continue };
            self.people[p].busy = true;
            let email = self.people[p].email.clone();
            let (from_siret, to_siret) =
                (self.orgs[from].siret.clone(), self.orgs[to].siret.clone());
            self.refuse_creation_for_a_move(p, to, &to_siret)?;
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

    /// What managers and leavers do in Chorus Pro: interim GPs, a GS designation withdrawn, accès résiduels.
    pub(super) fn chorus_side(&mut self) -> Result<(), DeskError> {
        let s = self.orgs.len();
        self.interim_gps(s)?;
        self.withdraw_a_gs()?;
        self.residual_access(s)
    }

    /// Interim GPs (§2.2): the GP hands the profile to a GS before leaving, the successor not yet known.
    fn interim_gps(&mut self, s: usize) -> Result<(), DeskError> {
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
            self.refuse_gp_leaving_first(&by, &siret)?;
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
        Ok(())
    }

    /// A GP withdraws a GS designation: the GS stays attached as a simple user.
    fn withdraw_a_gs(&mut self) -> Result<(), DeskError> {
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
        Ok(())
    }

    /// Accès résiduels (R16): leavers who keep Chorus Pro while still attached, and deleted users still attached.
    fn residual_access(&mut self, s: usize) -> Result<(), DeskError> {
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
    pub(super) fn self_service(&mut self) -> Result<(), DeskError> {
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
        if self.national {
            return self.more_requests(p, o);
        }
        if self.rng.percent(10) {
            let other = self.rng.below(self.orgs.len());
            if other != o && other < self.orgs.len() {
                self.request(p, other)?;
            }
        }
        Ok(())
    }

    /// National: an agent of an agence comptable asks to be attached to the other structures of its groupement;
    /// now and then someone asks for a structure elsewhere.
    fn more_requests(&mut self, p: usize, o: usize) -> Result<(), DeskError> {
        let members = match self.orgs[o].group {
            Some(g) if self.rng.percent(AGENCE_USERS) => self.groups[g].members.clone(),
            _ => Vec::new(),
        };
        for m in members {
            if m != o {
                self.request(p, m)?;
            }
        }
        if self.rng.percent(5) {
            let other = self.rng.below(self.orgs.len());
            if other != o
                && self.orgs[other]
                    .group
                    .is_none_or(|g| Some(g) != self.orgs[o].group)
            {
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
        // Thresholds out of 100: validated, refused, left pending, else validated then removed. Over ten years
        // a pending request is a recent one.
        let (validated, refused, pending) = if self.national {
            (84, 89, 92)
        } else {
            (72, 80, 92)
        };
        let roll = self.rng.below(100);
        if roll < validated {
            if self.ok(
                json!({"cmd": "attachment.validate", "by": by, "user": email, "siret": siret}),
            )? {
                self.orgs[o].users.push(p);
            }
        } else if roll < refused {
            let reason = self.rng.word(names::REFUSE_REASONS);
            self.ok(json!({
                "cmd": "attachment.refuse", "by": by, "user": email, "siret": siret, "reason": reason,
            }))?;
        } else if roll >= pending
            && self.ok(
                json!({"cmd": "attachment.validate", "by": by, "user": email, "siret": siret}),
            )?
        {
            let remover = if self.rng.percent(50) { &email } else { &by };
            self.ok(
                json!({"cmd": "attachment.remove", "by": remover, "user": email, "siret": siret}),
            )?;
        }
        Ok(())
    }
}
