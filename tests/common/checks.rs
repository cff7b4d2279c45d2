//! Checks over a whole store, shared by the tests that must prove a database sound: the invariants of the note
//! (issue 3, `tests/invariants.rs`), the journal's chain, and the agreement of every index and counter with the
//! records they index (a transaction cut in half would leave them disagreeing; `tests/crash.rs`).

use guichet::desk::{Desk, audit};
use guichet::domain::chorus::{Attachment, AttachmentStatus, Right, Role};
use guichet::domain::dossier::Dossier;
use guichet::domain::structure::Structure;
use guichet::domain::user::{User, UserStatus};
use guichet::store::journal::Entry;
use guichet::store::{T, codec, keys, subjects};
use std::collections::{BTreeMap, BTreeSet};

/// The invariants over the whole store; the first one broken, in words.
pub fn check_invariants(desk: &Desk) -> Result<(), String> {
    let store = desk.store();
    let e = |e: guichet::store::StoreError| e.to_string();
    let structures: Vec<(sled::IVec, Structure)> = store.scan(T::Structures, b"").map_err(e)?;
    for (_, structure) in &structures {
        let attachments = store.attachments_of_structure(structure.siret).map_err(e)?;
        let gps: Vec<&Attachment> = attachments.iter().filter(|a| a.is_active_gp()).collect();
        if gps.len() > 1 {
            return Err(format!(
                "{} ({}) has {} active GPs: {gps:?}",
                structure.name,
                structure.siret,
                gps.len()
            ));
        }
        for a in attachments.iter().filter(|a| {
            a.status == AttachmentStatus::Actif && matches!(a.role, Role::Gp | Role::Gs)
        }) {
            let user = store.user(a.user).map_err(e)?.ok_or_else(|| {
                format!(
                    "active {:?} of {} is no user: {a:?}",
                    a.role, structure.name
                )
            })?;
            if user.pigp_id.is_none() {
                return Err(format!(
                    "{} is active {:?} of {} without a PIGP identifier: {a:?}",
                    user.email, a.role, structure.name
                ));
            }
        }
    }
    // Deleted users, from the status index and from the records themselves.
    let mut deleted: Vec<User> = store.users_with_status(UserStatus::Supprime).map_err(e)?;
    let users: Vec<(sled::IVec, User)> = store.scan(T::Users, b"").map_err(e)?;
    deleted.extend(
        users
            .into_iter()
            .map(|(_, u)| u)
            .filter(|u| u.status == UserStatus::Supprime),
    );
    for user in &deleted {
        let rights = store.rights_of_user(user.id).map_err(e)?;
        if !rights.is_empty() {
            return Err(format!(
                "{} is deleted from ASPASIE but holds MADRHAS rights on {:?}",
                user.email,
                rights
                    .iter()
                    .map(|r| r.siret.to_string())
                    .collect::<Vec<_>>()
            ));
        }
    }
    let rights: Vec<(sled::IVec, Right)> = store.scan(T::Rights, b"").map_err(e)?;
    for (_, right) in &rights {
        match store.user(right.user).map_err(e)? {
            Some(u) if u.status == UserStatus::Supprime => {
                return Err(format!(
                    "{} is deleted from ASPASIE but holds a MADRHAS right on {}",
                    u.email, right.siret
                ));
            }
            Some(_) => {}
            None => return Err(format!("a right belongs to no user: {right:?}")),
        }
    }
    Ok(())
}

/// The journal's SHA-256 chain verifies, and it has as many entries as its head says.
pub fn check_chain(desk: &Desk) -> Result<(), String> {
    let state = audit::verify(desk.store())
        .map_err(|e| e.to_string())?
        .map_err(|broken| format!("journal chain broken: {broken:?}"))?;
    let (head, _) = desk.store().journal_head().map_err(|e| e.to_string())?;
    if state.entries != head {
        return Err(format!(
            "the chain has {} entries, the head says {head}",
            state.entries
        ));
    }
    Ok(())
}

/// The rows of a tree, raw.
fn rows(desk: &Desk, t: T) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, String> {
    desk.store()
        .tree(t)
        .iter()
        .map(|item| {
            item.map(|(k, v)| (k.to_vec(), v.to_vec()))
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// An index equals what its records say it should hold; `what` names it in the message.
fn same_index(
    what: &str,
    stored: &BTreeMap<Vec<u8>, Vec<u8>>,
    expected: &BTreeMap<Vec<u8>, Vec<u8>>,
) -> Result<(), String> {
    if stored == expected {
        return Ok(());
    }
    // Keys in words where they are text (e-mails, references), in bytes otherwise.
    let show = |k: &Vec<u8>| match std::str::from_utf8(k) {
        Ok(text) if !text.chars().any(char::is_control) => format!("{text:?}"),
        _ => format!("{k:?}"),
    };
    let extra: Vec<String> = stored
        .iter()
        .filter(|(k, v)| expected.get(*k) != Some(*v))
        .map(|(k, _)| show(k))
        .take(3)
        .collect();
    let missing: Vec<String> = expected
        .iter()
        .filter(|(k, v)| stored.get(*k) != Some(*v))
        .map(|(k, _)| show(k))
        .take(3)
        .collect();
    Err(format!(
        "the index {what} disagrees with its records: {} rows stored, {} expected; stored but not expected \
         (or with another value) {extra:?}; expected but not stored {missing:?}",
        stored.len(),
        expected.len()
    ))
}

/// An index whose rows are marks (empty values).
fn marks(keys: impl IntoIterator<Item = Vec<u8>>) -> BTreeMap<Vec<u8>, Vec<u8>> {
    keys.into_iter().map(|k| (k, Vec::new())).collect()
}

fn meta_sequence(desk: &Desk, name: &[u8]) -> Result<u64, String> {
    Ok(desk
        .store()
        .get_raw(T::Meta, name)
        .map_err(|e| e.to_string())?
        .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
        .unwrap_or(0))
}

/// Every secondary index and counter agrees exactly with the records it indexes, records sit under their own key,
/// the id sequences are ahead of every id handed out, and the journal's subject index and its entries agree both
/// ways. The desk stages a record with its index entries and counters in one transaction: a transaction cut in
/// half (a crash between two trees) shows here as a disagreement.
pub fn check_indexes(desk: &Desk) -> Result<(), String> {
    let store = desk.store();
    let e = |e: guichet::store::StoreError| e.to_string();

    // Users, by e-mail, by PIGP identifier, by status; the user sequence.
    let users: Vec<(sled::IVec, User)> = store.scan(T::Users, b"").map_err(e)?;
    let (mut by_email, mut by_pigp, mut by_status) =
        (BTreeMap::new(), BTreeMap::new(), BTreeSet::new());
    let mut max_user = 0;
    for (k, u) in &users {
        if k.as_ref() != keys::user(u.id) {
            return Err(format!("user {} stored under the key {k:?}", u.email));
        }
        max_user = max_user.max(u.id.0);
        by_email.insert(
            u.email.as_str().as_bytes().to_vec(),
            keys::user(u.id).to_vec(),
        );
        if let Some(p) = &u.pigp_id {
            by_pigp.insert(p.as_str().as_bytes().to_vec(), keys::user(u.id).to_vec());
        }
        by_status.insert(keys::status_user(u.status, u.id).to_vec());
    }
    same_index("users_by_email", &rows(desk, T::UsersByEmail)?, &by_email)?;
    same_index("users_by_pigp", &rows(desk, T::UsersByPigp)?, &by_pigp)?;
    same_index(
        "users_by_status",
        &rows(desk, T::UsersByStatus)?,
        &marks(by_status),
    )?;
    // The directory's name and trigram indexes (schema 2), the search texts by id (schema 4), and the counters
    // of users, trigrams and name beginnings.
    let mut by_name = BTreeMap::new();
    let mut by_trigram = BTreeSet::new();
    let mut texts = BTreeMap::new();
    let mut search_counts: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
    for (_, u) in &users {
        let (sort_name, text) = (u.sort_name(), u.search_text());
        by_name.insert(keys::user_name(&sort_name, u.id), text.as_bytes().to_vec());
        texts.insert(
            keys::user(u.id).to_vec(),
            keys::user_search(&sort_name, &text),
        );
        for t in keys::trigrams(&text) {
            by_trigram.insert((t, u.id.0));
            *search_counts
                .entry(keys::trigram_counter(t).to_vec())
                .or_default() += 1;
        }
        for prefix in keys::name_prefixes(&sort_name) {
            *search_counts
                .entry(keys::name_prefix_counter(prefix))
                .or_default() += 1;
        }
    }
    if !users.is_empty() {
        search_counts.insert(keys::USERS_COUNTER.to_vec(), users.len() as i64);
    }
    // The R14 and R16 indexes the transactions derive, against a recomputation from every record.
    let structures: Vec<(sled::IVec, guichet::domain::structure::Structure)> =
        store.scan(T::Structures, b"").map_err(e)?;
    let attachments: Vec<(sled::IVec, guichet::domain::chorus::Attachment)> =
        store.scan(T::Attachments, b"").map_err(e)?;
    let rights: Vec<(sled::IVec, guichet::domain::chorus::Right)> =
        store.scan(T::Rights, b"").map_err(e)?;
    let mut by_gp = BTreeSet::new();
    for (_, s) in structures.iter().filter(|(_, s)| s.active) {
        let gp = attachments
            .iter()
            .find(|(_, a)| a.siret == s.siret && a.is_active_gp());
        let code = match gp {
            None => b's',
            Some((_, a)) if a.interim => b'i',
            Some(_) => continue,
        };
        by_gp.insert([&[code][..], &keys::siret(s.siret)].concat());
        *search_counts.entry(vec![0xff, b'o', code]).or_default() += 1;
    }
    let mut residual = BTreeSet::new();
    for (_, u) in &users {
        use guichet::domain::chorus::AttachmentStatus;
        use guichet::domain::user::UserStatus;
        let leaver = matches!(u.status, UserStatus::Sorti | UserStatus::Supprime);
        let holds = rights.iter().any(|(_, r)| r.user == u.id)
            || attachments.iter().any(|(_, a)| {
                a.user == u.id
                    && matches!(
                        a.status,
                        AttachmentStatus::Actif | AttachmentStatus::Demande
                    )
            });
        if leaver && holds {
            residual.insert(keys::user(u.id).to_vec());
            *search_counts.entry(vec![0xff, b'r']).or_default() += 1;
        }
    }
    let mut by_structure_name = BTreeMap::new();
    for (_, s) in &structures {
        let mut k = guichet::domain::ids::fold(&s.name).into_bytes();
        k.push(0);
        k.extend_from_slice(&keys::siret(s.siret));
        by_structure_name.insert(k, guichet::store::structure_search_text(s).into_bytes());
    }
    if !structures.is_empty() {
        search_counts.insert(vec![0xff, b'S'], structures.len() as i64);
    }
    same_index(
        "structures_by_name",
        &rows(desk, T::StructuresByName)?,
        &by_structure_name,
    )?;
    same_index(
        "structures_by_gp",
        &rows(desk, T::StructuresByGp)?,
        &marks(by_gp),
    )?;
    same_index(
        "users_residual",
        &rows(desk, T::UsersResidual)?,
        &marks(residual),
    )?;
    same_index("users_by_name", &rows(desk, T::UsersByName)?, &by_name)?;
    // The trigram postings, packed (schema 5): the same rows as packing every (trigram, user) in order.
    let mut packer = guichet::store::postings::Packer::default();
    let mut packed: BTreeMap<Vec<u8>, Vec<u8>> = by_trigram
        .into_iter()
        .filter_map(|(t, id)| packer.push(t, guichet::domain::user::UserId(id)))
        .collect();
    packed.extend(packer.finish());
    same_index(
        "users_trigram_rows",
        &rows(desk, T::UsersByTrigram)?,
        &packed,
    )?;
    same_index("users_search", &rows(desk, T::UsersSearch)?, &texts)?;
    let user_seq = meta_sequence(desk, b"user_seq")?;
    if user_seq < max_user {
        return Err(format!(
            "the user sequence is at {user_seq} but a user has the id {max_user}: the next one would collide"
        ));
    }

    // Dossiers, by reference, corbeille, SIRET, user, assignee; the corbeille counters; the yearly sequences.
    let dossiers: Vec<(sled::IVec, Dossier)> = store.scan(T::Dossiers, b"").map_err(e)?;
    let (mut by_ref, mut by_corbeille, mut by_siret, mut by_user, mut by_assignee) = (
        BTreeMap::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
    );
    let mut recount: BTreeMap<Vec<u8>, i64> = search_counts;
    let mut max_number: BTreeMap<u16, u32> = BTreeMap::new();
    for (k, d) in &dossiers {
        if k.as_ref() != d.id.key() {
            return Err(format!(
                "dossier {} stored under the key {k:?}",
                d.reference
            ));
        }
        let top = max_number.entry(d.id.year).or_default();
        *top = (*top).max(d.id.number);
        by_ref.insert(d.reference.as_bytes().to_vec(), d.id.key().to_vec());
        let corbeille = d.corbeille();
        by_corbeille.insert(keys::corbeille_entry(
            &d.direction,
            corbeille,
            d.received_on,
            d.id,
        ));
        *recount
            .entry(keys::corbeille_prefix(&d.direction, corbeille))
            .or_default() += 1;
        if let Some(s) = d.siret {
            by_siret.insert(keys::siret_dossier(s, d.id));
        }
        if let Some(u) = d.user_id {
            by_user.insert(keys::user_dossier(u, d.id));
        }
        if let Some(a) = d.assignee.as_ref().filter(|_| !d.status.is_final()) {
            by_assignee.insert(keys::assignee_dossier(a, d.id));
        }
    }
    same_index("dossiers_by_ref", &rows(desk, T::DossiersByRef)?, &by_ref)?;
    same_index(
        "dossiers_by_corbeille",
        &rows(desk, T::DossiersByCorbeille)?,
        &marks(by_corbeille),
    )?;
    same_index(
        "dossiers_by_siret",
        &rows(desk, T::DossiersBySiret)?,
        &marks(by_siret),
    )?;
    same_index(
        "dossiers_by_user",
        &rows(desk, T::DossiersByUser)?,
        &marks(by_user),
    )?;
    same_index(
        "dossiers_by_assignee",
        &rows(desk, T::DossiersByAssignee)?,
        &marks(by_assignee),
    )?;
    // The counters of the corbeilles equal a recount (as tests/indexes.rs recounts them); a counter of a corbeille
    // that holds no dossier is zero.
    for (key, value) in rows(desk, T::Counters)? {
        let counter = value
            .as_slice()
            .try_into()
            .map(i64::from_be_bytes)
            .map_err(|_| format!("counter {key:?} is not 8 bytes: {value:?}"))?;
        let expected = recount.remove(&key).unwrap_or(0);
        if counter != expected {
            return Err(format!(
                "the counter {:?} says {counter}, a recount of the dossiers and users says {expected}",
                String::from_utf8_lossy(&key)
            ));
        }
    }
    if let Some((key, n)) = recount.into_iter().next() {
        return Err(format!(
            "{n} dossiers in {:?} but no counter for it",
            String::from_utf8_lossy(&key)
        ));
    }
    for (year, top) in max_number {
        let name = [b"dossier_seq:".as_slice(), &year.to_be_bytes()].concat();
        let seq = meta_sequence(desk, &name)?;
        if seq < u64::from(top) {
            return Err(format!(
                "the dossier sequence of {year} is at {seq} but the dossier {year}-{top:05} exists"
            ));
        }
    }
    // Rights and their SIRET index; attachments and their user index.
    let rights: Vec<(sled::IVec, Right)> = store.scan(T::Rights, b"").map_err(e)?;
    let mut rights_by_siret = BTreeSet::new();
    for (k, r) in &rights {
        let (u, s) = (keys::user(r.user), keys::siret(r.siret));
        if k.as_ref() != keys::pair(u, s) {
            return Err(format!("right {r:?} stored under the key {k:?}"));
        }
        rights_by_siret.insert(keys::pair(s, u).to_vec());
    }
    same_index(
        "rights_by_siret",
        &rows(desk, T::RightsBySiret)?,
        &marks(rights_by_siret),
    )?;
    let attachments: Vec<(sled::IVec, Attachment)> = store.scan(T::Attachments, b"").map_err(e)?;
    let mut attachments_by_user = BTreeSet::new();
    for (k, a) in &attachments {
        let (u, s) = (keys::user(a.user), keys::siret(a.siret));
        if k.as_ref() != keys::pair(s, u) {
            return Err(format!("attachment {a:?} stored under the key {k:?}"));
        }
        if store.user(a.user).map_err(e)?.is_none() {
            return Err(format!("attachment {a:?} of no user"));
        }
        if store.structure(a.siret).map_err(e)?.is_none() {
            return Err(format!("attachment {a:?} to no structure"));
        }
        attachments_by_user.insert(keys::pair(u, s).to_vec());
    }
    same_index(
        "attachments_by_user",
        &rows(desk, T::AttachmentsByUser)?,
        &marks(attachments_by_user),
    )?;

    // The journal's subject index lists exactly the subjects of every entry, packed as appends leave it.
    let mut by_subject: BTreeMap<Vec<u8>, Vec<u64>> = BTreeMap::new();
    for (k, v) in rows(desk, T::Journal)? {
        let entry: Entry = codec::decode(&v).map_err(|e| format!("journal entry {k:?}: {e}"))?;
        for subject in &entry.draft.subjects {
            by_subject
                .entry(subject.key_prefix())
                .or_default()
                .push(entry.seq);
        }
    }
    let packed = by_subject
        .iter()
        .flat_map(|(prefix, seqs)| subjects::packed_rows(prefix, seqs))
        .collect();
    same_index(
        "journal_by_subject",
        &rows(desk, T::JournalBySubject)?,
        &packed,
    )?;
    Ok(())
}
