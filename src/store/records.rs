//! Typed access to the records, and the index upkeep that goes with each write: a record and its index entries
//! and counters are always staged together in the same `WriteSet`, so they cannot drift apart.

use super::journal::{Entry, Subject};
use super::{Store, StoreError, T, WriteSet, keys, overlay};
use crate::domain::chorus::{Attachment, Right};
use crate::domain::dossier::{Corbeille, Dossier};
use crate::domain::ids::{DossierId, Email, PigpId, Siret};
use crate::domain::operator::{Direction, Operator, Referent};
use crate::domain::structure::Structure;
use crate::domain::user::{User, UserId, UserStatus};

/// Whether `haystack` holds `needle` (folded bytes both).
fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn status_code(status: UserStatus) -> u8 {
    keys::status_user(status, UserId(0))[0]
}
use chrono::NaiveDate;
use std::sync::Arc;

/// What the directory's filter has found for a needle of three bytes or more: the users whose search text holds
/// it, in name order.
///
/// When the needle's rarest trigram has few holders (a name, an address), they are all read at once: their
/// postings, then each one's search text, read raw and checked, no record decoded; the list is exact. When it has
/// many (a status, a population, a large e-mail domain), the directory's name index, which carries the search
/// texts, is read in name order as far as the list is shown and a budget beyond; the total is then the trigram's
/// counter for a needle of three bytes (every holder matches), else an estimate — the trigram's holders times the
/// share of those read that match — made exact as the list is read on.
#[derive(Debug, Clone, Default)]
pub struct Found {
    needle: String,
    /// The number of matches when it is known without reading them (a needle of three bytes).
    counted: Option<usize>,
    /// The rarest trigram of the needle when the search began, and its holders (by its counter).
    trigram: [u8; 3],
    holders: usize,
    /// The holders of that trigram among the rows read.
    candidates: usize,
    /// The matches known, in name order, with their search text (to narrow without reading).
    users: Vec<(UserId, String)>,
    /// The last name-index key read: the walk resumes after it.
    after: Option<Vec<u8>>,
    /// How many name-index rows were read (the budget counts them).
    read: usize,
    /// Whether every match is known.
    done: bool,
}

impl Found {
    pub fn needle(&self) -> &str {
        &self.needle
    }

    /// Whether `total` is the exact number of matches.
    pub fn exact(&self) -> bool {
        self.done || self.counted.is_some()
    }

    /// The number of matches: exact, or estimated from the rows read so far (never less than the matches known,
    /// and one more while the walk is not over, so that the list can be moved on to read further).
    pub fn total(&self) -> usize {
        if self.done {
            return self.users.len();
        }
        if let Some(n) = self.counted {
            return n.max(self.users.len());
        }
        let estimate = (self.holders as u128 * self.users.len() as u128)
            .checked_div(self.candidates as u128)
            .unwrap_or(self.holders as u128);
        usize::try_from(estimate)
            .unwrap_or(usize::MAX)
            .max(self.users.len() + 1)
    }

    /// The users at lines `[at, at + n)` among those known.
    pub fn page(&self, at: usize, n: usize) -> Vec<UserId> {
        self.users
            .iter()
            .skip(at)
            .take(n)
            .map(|(id, _)| *id)
            .collect()
    }

    /// How many lines are known so far.
    pub fn known(&self) -> usize {
        self.users.len()
    }

    /// The same search for a longer needle holding this one: the matches known are narrowed in memory, and the
    /// rows read stay read (a match of the longer needle is a match of the shorter). Given back unchanged for any
    /// other needle.
    pub fn narrowed(self, needle: &str) -> Result<Found, Found> {
        if !needle.contains(self.needle.as_str()) {
            return Err(self);
        }
        let users = self
            .users
            .into_iter()
            .filter(|(_, text)| text.contains(needle))
            .collect();
        Ok(Found {
            needle: needle.to_string(),
            counted: None,
            users,
            ..self
        })
    }
}

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
        let cached = self.is_local() && overlay::staged_under(T::Directions, b"", false).is_none();
        if cached && let Some(directions) = self.directions.get() {
            return Ok(directions);
        }
        let generation = self.directions.generation();
        let directions: Arc<Vec<Direction>> = Arc::new(
            self.scan(T::Directions, b"")?
                .into_iter()
                .map(|(_, d)| d)
                .collect(),
        );
        if cached {
            self.directions.fill(generation, directions.clone());
        }
        Ok(directions)
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

    /// How many users the directory lists: the counter kept by the transactions.
    pub fn users_count(&self) -> Result<usize, StoreError> {
        Ok(usize::try_from(self.counter(keys::USERS_COUNTER)?).unwrap_or(0))
    }

    /// A page of the directory in name order: the users whose folded name starts with `prefix` (every user for
    /// ""), after skipping `skip`; reads the index entries of the page and their records only.
    pub fn directory_page(
        &self,
        prefix: &str,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<User>, StoreError> {
        let mut out = Vec::with_capacity(limit);
        for k in self.keys(T::UsersByName, prefix.as_bytes(), skip, limit)? {
            if let Some(u) = keys::user_of_name(&k)
                .map(|id| self.user(id))
                .transpose()?
                .flatten()
            {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// How many folded names start with `prefix`: the counter of every user for "", the counter of the name
    /// beginning for one or two bytes, else the index keys under it.
    pub fn directory_count(&self, prefix: &str) -> Result<usize, StoreError> {
        if prefix.is_empty() {
            return self.users_count();
        }
        if prefix.len() <= 2 {
            let n = self.counter(&keys::name_prefix_counter(prefix.as_bytes()))?;
            return Ok(usize::try_from(n).unwrap_or(0));
        }
        let mut n = 0;
        for k in self.key_rows(T::UsersByName, prefix.as_bytes(), 0, 512)? {
            k?;
            n += 1;
        }
        Ok(n)
    }

    /// The users whose search text contains `needle` (folded, three bytes at least), in name order (see
    /// `Found`): the holders of the needle's rarest trigram when there are at most `budget` of them, else the
    /// name index read for `budget` rows. The directory asks for more with `directory_search_more` as it is moved on.
    pub fn directory_search(&self, needle: &str, budget: usize) -> Result<Found, StoreError> {
        let (trigram, holders) = self.rarest_trigram(needle)?;
        if holders <= budget {
            return self.holders_matching(needle, trigram);
        }
        let mut found = Found {
            needle: needle.to_string(),
            counted: (needle.len() == 3).then_some(holders),
            trigram,
            holders,
            ..Found::default()
        };
        // Three bytes: the counter is the total, and the page reads only its lines.
        let budget = if found.counted.is_some() { 0 } else { budget };
        self.walk(&mut found, &|f| f.read >= budget)?;
        Ok(found)
    }

    /// The search for `needle` after `previous`, as one types on: a needle that holds the previous one narrows
    /// what was found, and reads on the name index for `budget` rows more unless the needle's rarest trigram has
    /// at most `budget` holders; any other needle is searched anew.
    pub fn directory_search_on(
        &self,
        previous: Found,
        needle: &str,
        budget: usize,
    ) -> Result<Found, StoreError> {
        let mut found = match previous.narrowed(needle) {
            Ok(found) if found.done => return Ok(found),
            Ok(found) => found,
            Err(_) => return self.directory_search(needle, budget),
        };
        let (trigram, holders) = self.rarest_trigram(needle)?;
        if holders <= budget {
            return self.holders_matching(needle, trigram);
        }
        let until = found.read.saturating_add(budget);
        self.walk(&mut found, &|f| f.read >= until)?;
        Ok(found)
    }

    /// Reads on the name index until `want` users are known (or all of them).
    pub fn directory_search_more(&self, found: &mut Found, want: usize) -> Result<(), StoreError> {
        self.walk(found, &|f| f.users.len() >= want)
    }

    /// The trigram of `needle` with the fewest holders, and their number (by the counters).
    fn rarest_trigram(&self, needle: &str) -> Result<([u8; 3], usize), StoreError> {
        let mut rarest = ([0; 3], 0);
        let mut first = true;
        for t in keys::trigrams(needle) {
            let n = usize::try_from(self.counter(&keys::trigram_counter(t))?).unwrap_or(0);
            if first || n < rarest.1 {
                (rarest, first) = ((t, n), false);
            }
        }
        Ok(rarest)
    }

    /// Every holder of `trigram` whose search text holds `needle`, in name order: the trigram's packed rows
    /// (a few), then each holder's search text, read raw.
    fn holders_matching(&self, needle: &str, trigram: [u8; 3]) -> Result<Found, StoreError> {
        let mut ids = Vec::new();
        for row in self.key_rows(T::UsersByTrigram, &trigram, 0, 512)? {
            let (k, v) = row?;
            ids.extend(super::postings::holders(&k, &v));
        }
        // The holders' texts at once: one round trip for them all when the desk is a server's client.
        let wanted: Vec<Vec<u8>> = ids.iter().map(|id| keys::user(*id).to_vec()).collect();
        let rows = self.get_many_raw(T::UsersSearch, &wanted)?;
        let mut matches = Vec::new();
        for (id, row) in ids.into_iter().zip(rows) {
            if let Some(row) = row
                && let Some((sort_name, text)) = keys::user_search_parts(&row)
                && holds(text, needle.as_bytes())
            {
                let text = String::from_utf8_lossy(text).into_owned();
                matches.push((sort_name.to_vec(), id, text));
            }
        }
        matches.sort_unstable_by(|a, b| (&a.0, a.1.0).cmp(&(&b.0, b.1.0)));
        Ok(Found {
            needle: needle.to_string(),
            users: matches
                .into_iter()
                .map(|(_, id, text)| (id, text))
                .collect(),
            done: true,
            ..Found::default()
        })
    }

    /// Reads the name index (which carries the search texts) after the last row read, keeping the users whose
    /// text holds the needle, until `enough` or the end.
    fn walk(&self, found: &mut Found, enough: &dyn Fn(&Found) -> bool) -> Result<(), StoreError> {
        if found.done || enough(found) {
            return Ok(());
        }
        let mut query = super::PageQuery::new(T::UsersByName, b"");
        query.after = found.after.clone();
        for row in super::rows::Rows::new(self, query)? {
            let (k, text) = row?;
            found.read += 1;
            if holds(&text, &found.trigram) {
                found.candidates += 1;
            }
            if holds(&text, found.needle.as_bytes())
                && let Some(id) = keys::user_of_name(&k)
            {
                let text = String::from_utf8_lossy(&text).into_owned();
                found.users.push((id, text));
            }
            if enough(found) {
                found.after = Some(k.to_vec());
                return Ok(());
            }
        }
        found.done = true;
        found.after = None;
        Ok(())
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
