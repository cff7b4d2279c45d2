//! Two questions the Accueil asks on every frame, kept as indexes by every command's own transaction instead of
//! being recomputed from every structure and every leaver: which active structures have no gestionnaire
//! principal, or an interim one (R14), and which departed or deleted users still hold rattachements or MADRHAS
//! rights (R16). After a command's handler has staged its writes, `Store::derive` recomputes the state of every
//! structure and user those writes touch — reading the store with the staged writes laid over it — and stages
//! the index entries and counters that changed. The list of structures in name order is kept the same way: the old
//! record is the store's, the new one the write set's.

use super::{Store, StoreError, T, WriteSet, codec, keys};
use crate::domain::chorus::{Attachment, AttachmentStatus};
use crate::domain::ids::Siret;
use crate::domain::structure::Structure;
use crate::domain::user::{User, UserId, UserStatus};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};

/// Where an active structure stands with its gestionnaire principal, when it is an alert (R14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpState {
    SansGp,
    Interim,
}

impl GpState {
    pub const ALL: [GpState; 2] = [GpState::SansGp, GpState::Interim];

    fn code(self) -> u8 {
        match self {
            GpState::SansGp => b's',
            GpState::Interim => b'i',
        }
    }

    fn counter(self) -> [u8; 3] {
        [0xff, b'o', self.code()]
    }

    fn key(self, siret: Siret) -> [u8; 9] {
        let mut k = [0u8; 9];
        k[0] = self.code();
        k[1..].copy_from_slice(&keys::siret(siret));
        k
    }
}

const RESIDUAL_COUNTER: [u8; 2] = [0xff, b'r'];
/// The mark, in the meta tree, of a database whose derived indexes are built.
pub(super) const DERIVED: &[u8] = b"derived_indexes_v2";
const STRUCTURES_COUNTER: [u8; 2] = [0xff, b'S'];

/// What the structures' filter searches, folded: SIRET, name, category, département, académie, UAI, city.
pub fn structure_search_text(s: &Structure) -> String {
    crate::domain::ids::fold(&format!(
        "{} {} {} {} {} {} {}",
        s.siret,
        s.name,
        s.category.wire(),
        s.departement,
        s.academie.as_deref().unwrap_or_default(),
        s.uai.as_ref().map(|u| u.to_string()).unwrap_or_default(),
        s.city
    ))
}

/// `fold(name)‖0‖siret`: the structures in name order.
fn structure_name_key(s: &Structure) -> Vec<u8> {
    let mut k = crate::domain::ids::fold(&s.name).into_bytes();
    k.push(0);
    k.extend_from_slice(&keys::siret(s.siret));
    k
}

impl WriteSet {
    /// The last value this write set gives a key: `Some(Some(v))` written, `Some(None)` deleted.
    fn last(&self, t: T, key: &[u8]) -> Option<Option<&[u8]>> {
        self.ops
            .iter()
            .rev()
            .find(|(tt, k, _)| *tt == t && k.as_slice() == key)
            .map(|(_, _, v)| v.as_deref())
    }

    /// The keys this write set gives under a prefix, with their last value.
    fn under(&self, t: T, prefix: &[u8]) -> BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        let mut out = BTreeMap::new();
        for (tt, k, v) in &self.ops {
            if *tt == t && k.starts_with(prefix) {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }

    /// The structures and users whose R14/R16 state these writes may change.
    fn touched(&self) -> (BTreeSet<Siret>, BTreeSet<UserId>) {
        let (mut sirets, mut users) = (BTreeSet::new(), BTreeSet::new());
        for (t, k, _) in &self.ops {
            match t {
                T::Structures => sirets.extend(keys::siret_from(k)),
                T::Attachments => {
                    sirets.extend(k.get(..8).and_then(keys::siret_from));
                    users.extend(k.get(8..).and_then(keys::user_from));
                }
                T::Users => users.extend(keys::user_from(k)),
                T::Rights => users.extend(k.get(..8).and_then(keys::user_from)),
                _ => {}
            }
        }
        (sirets, users)
    }
}

impl Store {
    fn get_over<V: DeserializeOwned>(
        &self,
        ws: &WriteSet,
        t: T,
        key: &[u8],
    ) -> Result<Option<V>, StoreError> {
        match ws.last(t, key) {
            Some(Some(bytes)) => codec::decode(bytes).map(Some).map_err(StoreError::Corrupt),
            Some(None) => Ok(None),
            None => self.get(t, key),
        }
    }

    fn present_over(&self, ws: &WriteSet, t: T, key: &[u8]) -> Result<bool, StoreError> {
        match ws.last(t, key) {
            Some(v) => Ok(v.is_some()),
            None => Ok(self.get_raw(t, key)?.is_some()),
        }
    }

    /// The rows under a prefix, the write set laid over the store.
    fn rows_over(
        &self,
        ws: &WriteSet,
        t: T,
        prefix: &[u8],
    ) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, StoreError> {
        let mut rows = BTreeMap::new();
        for row in self.rows(t, prefix, false)? {
            let (k, v) = row?;
            rows.insert(k.to_vec(), v.to_vec());
        }
        for (k, v) in ws.under(t, prefix) {
            match v {
                Some(v) => rows.insert(k, v),
                None => rows.remove(&k),
            };
        }
        Ok(rows)
    }

    /// R14 for one structure, as it will be once `ws` is written.
    fn gp_state_over(&self, ws: &WriteSet, siret: Siret) -> Result<Option<GpState>, StoreError> {
        let key = keys::siret(siret);
        let Some(structure) = self.get_over::<Structure>(ws, T::Structures, &key)? else {
            return Ok(None);
        };
        if !structure.active {
            return Ok(None);
        }
        for (_, bytes) in self.rows_over(ws, T::Attachments, &key)? {
            let a: Attachment = codec::decode(&bytes).map_err(StoreError::Corrupt)?;
            if a.is_active_gp() {
                return Ok(a.interim.then_some(GpState::Interim));
            }
        }
        Ok(Some(GpState::SansGp))
    }

    /// R16 for one user, as it will be once `ws` is written: a leaver still attached or holding rights.
    fn residual_over(&self, ws: &WriteSet, id: UserId) -> Result<bool, StoreError> {
        let key = keys::user(id);
        let Some(user) = self.get_over::<User>(ws, T::Users, &key)? else {
            return Ok(false);
        };
        if !matches!(user.status, UserStatus::Sorti | UserStatus::Supprime) {
            return Ok(false);
        }
        if !self.rows_over(ws, T::Rights, &key)?.is_empty() {
            return Ok(true);
        }
        for k in self.rows_over(ws, T::AttachmentsByUser, &key)?.keys() {
            let Some(siret) = k.get(8..).and_then(keys::siret_from) else {
                continue;
            };
            let pair = keys::pair(keys::siret(siret), key);
            if let Some(a) = self.get_over::<Attachment>(ws, T::Attachments, &pair)?
                && matches!(
                    a.status,
                    AttachmentStatus::Actif | AttachmentStatus::Demande
                )
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Stages the R14/R16 index entries and counters that the writes of `ws` change.
    pub fn derive(&self, ws: &mut WriteSet) -> Result<(), StoreError> {
        let (sirets, users) = ws.touched();
        for siret in sirets {
            let key = keys::siret(siret);
            let old = self.get::<Structure>(T::Structures, &key)?;
            let new = self.get_over::<Structure>(ws, T::Structures, &key)?;
            let entry = |s: &Structure| (structure_name_key(s), structure_search_text(s));
            let (before, after) = (old.as_ref().map(entry), new.as_ref().map(entry));
            if before != after {
                if let Some((k, _)) = &before {
                    ws.delete(T::StructuresByName, k);
                }
                if let Some((k, text)) = &after {
                    ws.put_raw(T::StructuresByName, k, text.as_bytes());
                }
                match (&before, &after) {
                    (None, Some(_)) => ws.count(STRUCTURES_COUNTER.to_vec(), 1),
                    (Some(_), None) => ws.count(STRUCTURES_COUNTER.to_vec(), -1),
                    _ => {}
                }
            }
            let now = self.gp_state_over(ws, siret)?;
            for state in GpState::ALL {
                let key = state.key(siret);
                let was = self.present_over(ws, T::StructuresByGp, &key)?;
                let is = now == Some(state);
                if was && !is {
                    ws.delete(T::StructuresByGp, &key);
                    ws.count(state.counter().to_vec(), -1);
                } else if is && !was {
                    ws.mark(T::StructuresByGp, &key);
                    ws.count(state.counter().to_vec(), 1);
                }
            }
        }
        for id in users {
            let key = keys::user(id);
            let was = self.present_over(ws, T::UsersResidual, &key)?;
            let is = self.residual_over(ws, id)?;
            if was && !is {
                ws.delete(T::UsersResidual, &key);
                ws.count(RESIDUAL_COUNTER.to_vec(), -1);
            } else if is && !was {
                ws.mark(T::UsersResidual, &key);
                ws.count(RESIDUAL_COUNTER.to_vec(), 1);
            }
        }
        Ok(())
    }

    /// How many active structures are in this R14 situation: one counter.
    pub fn gp_state_count(&self, state: GpState) -> Result<usize, StoreError> {
        Ok(usize::try_from(self.counter(&state.counter())?).unwrap_or(0))
    }

    /// The structures in this R14 situation, in SIRET order.
    pub fn gp_state_sirets(&self, state: GpState) -> Result<Vec<Siret>, StoreError> {
        Ok(self
            .keys(T::StructuresByGp, &[state.code()], 0, usize::MAX)?
            .iter()
            .filter_map(|k| k.get(1..).and_then(keys::siret_from))
            .collect())
    }

    /// How many structures the desk knows: one counter.
    pub fn structures_count(&self) -> Result<usize, StoreError> {
        Ok(usize::try_from(self.counter(&STRUCTURES_COUNTER)?).unwrap_or(0))
    }

    /// A page of the structures in name order: the index entries of the page and their records.
    pub fn structures_page(&self, skip: usize, limit: usize) -> Result<Vec<Structure>, StoreError> {
        let sirets: Vec<Siret> = self
            .keys(T::StructuresByName, b"", skip, limit)?
            .iter()
            .filter_map(|k| {
                k.get(k.len().saturating_sub(8)..)
                    .and_then(keys::siret_from)
            })
            .collect();
        self.structures(&sirets)
    }

    /// The records of `sirets` that exist, in that order: one round trip for them all through a server.
    pub fn structures(&self, sirets: &[Siret]) -> Result<Vec<Structure>, StoreError> {
        let wanted: Vec<Vec<u8>> = sirets.iter().map(|s| keys::siret(*s).to_vec()).collect();
        self.get_many(T::Structures, &wanted)
    }

    /// How many users have accès résiduels (R16): one counter.
    pub fn residual_count(&self) -> Result<usize, StoreError> {
        Ok(usize::try_from(self.counter(&RESIDUAL_COUNTER)?).unwrap_or(0))
    }

    /// The users with accès résiduels, by id.
    pub fn residual_users(&self) -> Result<Vec<UserId>, StoreError> {
        Ok(self
            .keys(T::UsersResidual, b"", 0, usize::MAX)?
            .iter()
            .filter_map(|k| keys::user_from(k))
            .collect())
    }

    /// Builds the derived indexes (R14, R16, the structures in name order) of a database written before they
    /// existed, once: whatever an earlier build left there is cleared first.
    pub(super) fn derive_all(&self) -> Result<(), StoreError> {
        if self.get_raw(T::Meta, DERIVED)?.is_some() {
            return Ok(());
        }
        let mut stale = WriteSet::default();
        for t in [T::StructuresByGp, T::UsersResidual, T::StructuresByName] {
            for row in self.rows(t, b"", false)? {
                stale.delete(t, &row?.0);
            }
        }
        for counter in [
            GpState::SansGp.counter().to_vec(),
            GpState::Interim.counter().to_vec(),
            RESIDUAL_COUNTER.to_vec(),
            STRUCTURES_COUNTER.to_vec(),
        ] {
            stale.delete(T::Counters, &counter);
        }
        self.apply_raw(stale)?;
        let mut ws = WriteSet::default();
        for row in self.rows(T::Structures, b"", false)? {
            let (k, _) = row?;
            ws.ops.push((T::Structures, k.to_vec(), None));
        }
        for row in self.rows(T::UsersByStatus, b"", false)? {
            let (k, _) = row?;
            if let Some(id) = k.get(1..).and_then(keys::user_from) {
                ws.ops.push((T::Users, keys::user(id).to_vec(), None));
            }
        }
        // The touched sets are all we wanted from these placeholder ops: derive from an empty write set.
        let (sirets, users) = ws.touched();
        let mut out = WriteSet::default();
        for siret in sirets {
            if let Some(s) = self.structure(siret)? {
                out.put_raw(
                    T::StructuresByName,
                    &structure_name_key(&s),
                    structure_search_text(&s).as_bytes(),
                );
                out.count(STRUCTURES_COUNTER.to_vec(), 1);
            }
            if let Some(state) = self.gp_state_over(&out, siret)? {
                out.mark(T::StructuresByGp, &state.key(siret));
                out.count(state.counter().to_vec(), 1);
            }
        }
        for id in users {
            if self.residual_over(&out, id)? {
                out.mark(T::UsersResidual, &keys::user(id));
                out.count(RESIDUAL_COUNTER.to_vec(), 1);
            }
        }
        out.put_raw(T::Meta, DERIVED, &[1]);
        self.apply_raw(out)
    }
}
