//! Typed access to the records, and the index upkeep that goes with each write: a record and its index entries
//! and counters are always staged together in the same `WriteSet`, so they cannot drift apart.

use super::journal::{Entry, Subject};
use super::{Store, StoreError, T, WriteSet, keys};
use crate::domain::chorus::{Attachment, Right};
use crate::domain::dossier::{Corbeille, Dossier};
use crate::domain::ids::{DossierId, Email, PigpId, Siret};
use crate::domain::operator::{Direction, Operator, Referent};
use crate::domain::structure::Structure;
use crate::domain::user::{User, UserId, UserStatus};

fn status_code(status: UserStatus) -> u8 {
    keys::status_user(status, UserId(0))[0]
}
use chrono::NaiveDate;
use std::sync::Arc;

/// One line of a corbeille, read from the index alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorbeilleEntry {
    pub received_on: NaiveDate,
    pub id: DossierId,
}

fn referent_key(r: &Referent) -> Vec<u8> {
    [r.academie.as_bytes(), &[0], r.email.as_str().as_bytes()].concat()
}

impl WriteSet {
    pub fn put_direction(&mut self, d: &Direction) -> Result<(), StoreError> {
        self.put(T::Directions, d.code.as_bytes(), d)
    }

    pub fn put_operator(&mut self, o: &Operator) -> Result<(), StoreError> {
        self.put(T::Operators, o.login.as_bytes(), o)
    }

    pub fn put_referent(&mut self, r: &Referent) -> Result<(), StoreError> {
        self.put(T::Referents, &referent_key(r), r)
    }

    pub fn put_structure(&mut self, s: &Structure) -> Result<(), StoreError> {
        self.put(T::Structures, &keys::siret(s.siret), s)
    }

    /// A user and his e-mail and PIGP indexes.
    pub fn put_user(&mut self, old: Option<&User>, new: &User) -> Result<(), StoreError> {
        let id = keys::user(new.id);
        if let Some(old) = old {
            if old.email != new.email {
                self.delete(T::UsersByEmail, old.email.as_str().as_bytes());
            }
            if let Some(p) = &old.pigp_id
                && new.pigp_id.as_ref() != Some(p)
            {
                self.delete(T::UsersByPigp, p.as_str().as_bytes());
            }
        }
        if let Some(old) = old
            && old.status != new.status
        {
            self.delete(T::UsersByStatus, &keys::status_user(old.status, new.id));
        }
        self.mark(T::UsersByStatus, &keys::status_user(new.status, new.id));
        self.index_user_search(old, new);
        self.put_raw(T::UsersByEmail, new.email.as_str().as_bytes(), &id);
        if let Some(p) = &new.pigp_id {
            self.put_raw(T::UsersByPigp, p.as_str().as_bytes(), &id);
        }
        self.put(T::Users, &id, new)
    }

    /// The directory's name and trigram entries of a user, his search text, and their counters: only what
    /// changed is rewritten.
    pub(super) fn index_user_search(&mut self, old: Option<&User>, new: &User) {
        let (sort_name, text) = (new.sort_name(), new.search_text());
        let key = keys::user_name(&sort_name, new.id);
        let (old_name, old_text) = match old {
            Some(o) => (Some(o.sort_name()), o.search_text()),
            None => {
                self.count(keys::USERS_COUNTER.to_vec(), 1);
                (None, String::new())
            }
        };
        if old_name.as_ref() == Some(&sort_name) && old_text == text {
            return;
        }
        if let Some(old_name) = old_name.as_ref().filter(|n| **n != sort_name) {
            self.delete(T::UsersByName, &keys::user_name(old_name, new.id));
        }
        if old_name.as_ref() != Some(&sort_name) {
            for prefix in keys::name_prefixes(old_name.as_deref().unwrap_or_default()) {
                self.count(keys::name_prefix_counter(prefix), -1);
            }
            for prefix in keys::name_prefixes(&sort_name) {
                self.count(keys::name_prefix_counter(prefix), 1);
            }
        }
        self.put_raw(T::UsersByName, &key, text.as_bytes());
        self.put_raw(
            T::UsersSearch,
            &keys::user(new.id),
            &keys::user_search(&sort_name, &text),
        );
        let (before, after) = (keys::trigrams(&old_text), keys::trigrams(&text));
        for t in before.difference(&after) {
            self.post(*t, new.id, false);
            self.count(keys::trigram_counter(*t).to_vec(), -1);
        }
        for t in after.difference(&before) {
            self.post(*t, new.id, true);
            self.count(keys::trigram_counter(*t).to_vec(), 1);
        }
    }

    /// A user's search text by id and his name beginnings' counters, as `index_user_search` writes them for a new
    /// user: what the migration to schema 4 adds to a base whose name and trigram indexes are built.
    pub(super) fn index_user_text(&mut self, user: &User) {
        let sort_name = user.sort_name();
        self.put_raw(
            T::UsersSearch,
            &keys::user(user.id),
            &keys::user_search(&sort_name, &user.search_text()),
        );
        for prefix in keys::name_prefixes(&sort_name) {
            self.count(keys::name_prefix_counter(prefix), 1);
        }
    }

    /// A dossier, its reference, corbeille and SIRET indexes, and the corbeille counters.
    pub fn put_dossier(&mut self, old: Option<&Dossier>, new: &Dossier) -> Result<(), StoreError> {
        let new_corbeille = new.corbeille();
        if let Some(old) = old {
            let old_corbeille = old.corbeille();
            if old.reference != new.reference {
                self.delete(T::DossiersByRef, old.reference.as_bytes());
            }
            let old_key =
                keys::corbeille_entry(&old.direction, old_corbeille, old.received_on, old.id);
            let new_key =
                keys::corbeille_entry(&new.direction, new_corbeille, new.received_on, new.id);
            if old_key != new_key {
                self.delete(T::DossiersByCorbeille, &old_key);
                self.count(keys::corbeille_prefix(&old.direction, old_corbeille), -1);
                self.count(keys::corbeille_prefix(&new.direction, new_corbeille), 1);
            }
            if old.siret != new.siret
                && let Some(s) = old.siret
            {
                self.delete(T::DossiersBySiret, &keys::siret_dossier(s, old.id));
            }
        } else {
            self.count(keys::corbeille_prefix(&new.direction, new_corbeille), 1);
        }
        self.put_raw(T::DossiersByRef, new.reference.as_bytes(), &new.id.key());
        self.mark(
            T::DossiersByCorbeille,
            &keys::corbeille_entry(&new.direction, new_corbeille, new.received_on, new.id),
        );
        if let Some(s) = new.siret {
            self.mark(T::DossiersBySiret, &keys::siret_dossier(s, new.id));
        }
        if let Some(u) = new.user_id {
            self.mark(T::DossiersByUser, &keys::user_dossier(u, new.id));
        }
        // Only open dossiers are followed: "my dossiers" lists the work in hand.
        let followed = |d: &Dossier| {
            d.assignee
                .as_ref()
                .filter(|_| !d.status.is_final())
                .map(|a| keys::assignee_dossier(a, d.id))
        };
        if let Some(old_key) = old.and_then(followed)
            && Some(&old_key) != followed(new).as_ref()
        {
            self.delete(T::DossiersByAssignee, &old_key);
        }
        if let Some(key) = followed(new) {
            self.mark(T::DossiersByAssignee, &key);
        }
        self.put(T::Dossiers, &new.id.key(), new)
    }

    pub fn put_right(&mut self, r: &Right) -> Result<(), StoreError> {
        let (u, s) = (keys::user(r.user), keys::siret(r.siret));
        self.mark(T::RightsBySiret, &keys::pair(s, u));
        self.put(T::Rights, &keys::pair(u, s), r)
    }

    pub fn delete_right(&mut self, user: UserId, siret: Siret) {
        let (u, s) = (keys::user(user), keys::siret(siret));
        self.delete(T::RightsBySiret, &keys::pair(s, u));
        self.delete(T::Rights, &keys::pair(u, s));
    }

    pub fn put_attachment(&mut self, a: &Attachment) -> Result<(), StoreError> {
        let (u, s) = (keys::user(a.user), keys::siret(a.siret));
        self.mark(T::AttachmentsByUser, &keys::pair(u, s));
        self.put(T::Attachments, &keys::pair(s, u), a)
    }
}

impl Store {
    /// Every direction of the référentiel, decoded once per change (`cache`) when this process owns the trees.
    pub fn directions(&self) -> Result<Arc<Vec<Direction>>, StoreError> {
        let read = || -> Result<Vec<Direction>, StoreError> {
            Ok(self
                .scan(T::Directions, b"")?
                .into_iter()
                .map(|(_, d)| d)
                .collect())
        };
        if self.cacheable(T::Directions) {
            self.caches.directions.get_or_read(read)
        } else {
            read().map(Arc::new)
        }
    }

    pub fn direction(&self, code: &str) -> Result<Option<Direction>, StoreError> {
        self.get(T::Directions, code.as_bytes())
    }

    pub fn operator(&self, login: &str) -> Result<Option<Operator>, StoreError> {
        self.get(T::Operators, login.as_bytes())
    }

    pub fn operators(&self) -> Result<Vec<Operator>, StoreError> {
        Ok(self
            .scan(T::Operators, b"")?
            .into_iter()
            .map(|(_, o)| o)
            .collect())
    }

    pub fn has_operators(&self) -> bool {
        !self.is_empty(T::Operators).unwrap_or(true)
    }

    pub fn referents(&self) -> Result<Vec<Referent>, StoreError> {
        Ok(self
            .scan(T::Referents, b"")?
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    pub fn referents_of(&self, academie: &str) -> Result<Vec<Referent>, StoreError> {
        let prefix = [academie.as_bytes(), &[0]].concat();
        Ok(self
            .scan(T::Referents, &prefix)?
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    pub fn structure(&self, siret: Siret) -> Result<Option<Structure>, StoreError> {
        self.get(T::Structures, &keys::siret(siret))
    }

    pub fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.get(T::Users, &keys::user(id))
    }

    fn user_via(&self, index: T, key: &[u8]) -> Result<Option<User>, StoreError> {
        match self.get_raw(index, key)?.and_then(|v| keys::user_from(&v)) {
            Some(id) => self.user(id),
            None => Ok(None),
        }
    }

    pub fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        self.user_via(T::UsersByEmail, email.as_str().as_bytes())
    }

    pub fn user_by_pigp(&self, pigp: &PigpId) -> Result<Option<User>, StoreError> {
        self.user_via(T::UsersByPigp, pigp.as_str().as_bytes())
    }

    pub fn pigp_taken(&self, pigp: &PigpId) -> Result<bool, StoreError> {
        Ok(self
            .get_raw(T::UsersByPigp, pigp.as_str().as_bytes())?
            .is_some())
    }

    pub fn dossier(&self, id: DossierId) -> Result<Option<Dossier>, StoreError> {
        self.get(T::Dossiers, &id.key())
    }

    /// The dossiers of `ids` that exist, in that order: one round trip for a page of them through a server.
    pub fn dossiers(&self, ids: &[DossierId]) -> Result<Vec<Dossier>, StoreError> {
        let wanted: Vec<Vec<u8>> = ids.iter().map(|id| id.key().to_vec()).collect();
        self.get_many(T::Dossiers, &wanted)
    }

    pub fn dossier_by_ref(&self, reference: &str) -> Result<Option<Dossier>, StoreError> {
        match self
            .get_raw(T::DossiersByRef, reference.as_bytes())?
            .and_then(|k| DossierId::from_key(&k))
        {
            Some(id) => self.dossier(id),
            None => Ok(None),
        }
    }

    /// A dossier named by its number (`2026-00412`) or by its reference.
    pub fn find_dossier(&self, id_or_ref: &str) -> Result<Option<Dossier>, StoreError> {
        if let Ok(id) = DossierId::parse(id_or_ref)
            && let Some(d) = self.dossier(id)?
        {
            return Ok(Some(d));
        }
        self.dossier_by_ref(id_or_ref.trim())
    }

    /// One page of a direction's corbeille, oldest first, read from the index only.
    pub fn corbeille_page(
        &self,
        direction: &str,
        corbeille: Corbeille,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<CorbeilleEntry>, StoreError> {
        let prefix = keys::corbeille_prefix(direction, corbeille);
        Ok(self
            .keys(T::DossiersByCorbeille, &prefix, skip, limit)?
            .iter()
            .filter_map(|k| keys::corbeille_entry_parts(k, prefix.len()))
            .map(|(received_on, id)| CorbeilleEntry { received_on, id })
            .collect())
    }

    /// The number of dossiers in a direction's corbeille, from the counter kept by the transactions.
    pub fn corbeille_count(
        &self,
        direction: &str,
        corbeille: Corbeille,
    ) -> Result<i64, StoreError> {
        self.counter(&keys::corbeille_prefix(direction, corbeille))
    }

    /// The sizes of every corbeille of a direction, in `Corbeille::ALL`'s order, read at once.
    pub fn corbeille_counts(&self, direction: &str) -> Result<Vec<(Corbeille, i64)>, StoreError> {
        let wanted: Vec<Vec<u8>> = Corbeille::ALL
            .iter()
            .map(|c| keys::corbeille_prefix(direction, *c).to_vec())
            .collect();
        Ok(Corbeille::ALL
            .iter()
            .copied()
            .zip(self.counters(&wanted)?)
            .collect())
    }

    pub fn dossiers_of_siret(&self, siret: Siret) -> Result<Vec<DossierId>, StoreError> {
        let prefix = keys::siret(siret);
        Ok(self
            .keys(T::DossiersBySiret, &prefix, 0, usize::MAX)?
            .iter()
            .filter_map(|k| DossierId::from_key(k.get(8..)?))
            .collect())
    }

    /// The dossiers about an existing user (resets, modifications, removals), oldest first.
    pub fn dossiers_of_user(&self, user: UserId) -> Result<Vec<Dossier>, StoreError> {
        let mut out = Vec::new();
        for k in self.keys(T::DossiersByUser, &keys::user(user), 0, usize::MAX)? {
            if let Some(id) = k.get(8..).and_then(DossierId::from_key)
                && let Some(d) = self.dossier(id)?
            {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// The open dossiers an operator follows, oldest number first.
    pub fn dossiers_of_assignee(
        &self,
        login: &str,
        limit: usize,
    ) -> Result<Vec<DossierId>, StoreError> {
        let prefix = keys::assignee_dossier(login, DossierId::new(0, 0));
        let prefix = &prefix[..prefix.len() - 6];
        Ok(self
            .keys(T::DossiersByAssignee, prefix, 0, limit)?
            .iter()
            .filter_map(|k| DossierId::from_key(k.get(prefix.len()..)?))
            .collect())
    }

    /// The users of one status (the leavers for the residual-access report), read from the status index.
    pub fn users_with_status(&self, status: UserStatus) -> Result<Vec<User>, StoreError> {
        let mut out = Vec::new();
        for k in self.keys(T::UsersByStatus, &[status_code(status)], 0, usize::MAX)? {
            if let Some(id) = k.get(1..).and_then(keys::user_from)
                && let Some(u) = self.user(id)?
            {
                out.push(u);
            }
        }
        Ok(out)
    }

    pub fn rights_of_user(&self, user: UserId) -> Result<Vec<Right>, StoreError> {
        Ok(self
            .scan(T::Rights, &keys::user(user))?
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    pub fn right(&self, user: UserId, siret: Siret) -> Result<Option<Right>, StoreError> {
        self.get(T::Rights, &keys::pair(keys::user(user), keys::siret(siret)))
    }

    pub fn holders_of_rights(&self, siret: Siret) -> Result<Vec<UserId>, StoreError> {
        Ok(self
            .keys(T::RightsBySiret, &keys::siret(siret), 0, usize::MAX)?
            .iter()
            .filter_map(|k| keys::user_from(k.get(8..)?))
            .collect())
    }

    pub fn attachment(&self, siret: Siret, user: UserId) -> Result<Option<Attachment>, StoreError> {
        self.get(
            T::Attachments,
            &keys::pair(keys::siret(siret), keys::user(user)),
        )
    }

    pub fn attachments_of_structure(&self, siret: Siret) -> Result<Vec<Attachment>, StoreError> {
        Ok(self
            .scan(T::Attachments, &keys::siret(siret))?
            .into_iter()
            .map(|(_, a)| a)
            .collect())
    }

    pub fn attachments_of_user(&self, user: UserId) -> Result<Vec<Attachment>, StoreError> {
        let mut out = Vec::new();
        for k in self.keys(T::AttachmentsByUser, &keys::user(user), 0, usize::MAX)? {
            if let Some(siret) = k.get(8..).and_then(keys::siret_from)
                && let Some(a) = self.attachment(siret, user)?
            {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// The SIRETs where a user holds MADRHAS rights or an active Chorus Pro rattachement.
    pub fn sirets_of_user(&self, user: UserId) -> Result<Vec<Siret>, StoreError> {
        let mut sirets: Vec<Siret> = self
            .rights_of_user(user)?
            .into_iter()
            .map(|r| r.siret)
            .collect();
        for a in self.attachments_of_user(user)? {
            if a.status == crate::domain::chorus::AttachmentStatus::Actif
                && !sirets.contains(&a.siret)
            {
                sirets.push(a.siret);
            }
        }
        Ok(sirets)
    }

    /// The académies of those structures (R12).
    pub fn academies_of_user(&self, user: UserId) -> Result<Vec<String>, StoreError> {
        let mut academies = Vec::new();
        for siret in self.sirets_of_user(user)? {
            if let Some(a) = self.structure(siret)?.and_then(|s| s.academie)
                && !academies.contains(&a)
            {
                academies.push(a);
            }
        }
        Ok(academies)
    }

    /// A page of the journal, newest first, keeping the entries `keep` accepts; stops after `scan` entries read.
    pub fn journal_page(
        &self,
        skip: usize,
        limit: usize,
        scan: usize,
        keep: &dyn Fn(&Entry) -> bool,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        let mut kept = 0;
        for item in self.rows(T::Journal, b"", true)?.take(scan) {
            let (_, v) = item?;
            let entry: Entry = super::codec::decode(&v).map_err(StoreError::Corrupt)?;
            if !keep(&entry) {
                continue;
            }
            kept += 1;
            if kept > skip {
                out.push(entry);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The sequence numbers of the journal entries about a subject, newest first, down to (not including) `since`.
    pub fn about_since(&self, subject: Subject, since: u64) -> Result<Vec<u64>, StoreError> {
        self.subject_seqs_since(subject, since, 64)
    }

    /// One journal entry by its sequence number.
    pub fn journal_entry(&self, seq: u64) -> Result<Option<Entry>, StoreError> {
        self.get(T::Journal, &keys::seq(seq))
    }

    /// The journal entries about a subject, oldest first.
    pub fn history(&self, subject: Subject) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        for seq in self.subject_seqs(subject)? {
            if let Some(entry) = self.get::<Entry>(T::Journal, &keys::seq(seq))? {
                out.push(entry);
            }
        }
        Ok(out)
    }
}
