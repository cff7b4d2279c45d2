//! What a database must look like after the process writing it was killed (SIGKILL) at any moment: the checker of
//! issue 6, shared by every crash test (a `guichet batch -` killed mid-stream in `tests/crash.rs`; a server killed
//! under several writing clients). It takes only the database's path and the lines that were acknowledged, and
//! proves:
//!
//! 1. every acknowledged line is in the database: its journal entry at `seq` exists, is `Done`, and holds the very
//!    command that was sent (compared as JSON after the desk's own normalisation, `Command::to_json`); and its
//!    effect is visible in the records (for the commands whose effect can be stated, see `effect`);
//! 2. nothing is half-written: every `Done` entry of the journal — acknowledged or not, so also the one command
//!    that may have been committed just before the kill without being answered — has its effect in the records;
//!    every dossier, user and structure is named by some journal entry (no record without its entry); every
//!    index and counter agrees with its records (`checks::check_indexes`); the invariants of the note hold
//!    (`checks::check_invariants`);
//! 3. the journal verifies (`audit::verify`), its entries are numbered 1..=n without a gap, and the head's `seq`
//!    equals their number.

use super::checks::{check_chain, check_indexes, check_invariants};
use guichet::desk::{Command, Desk};
use guichet::domain::chorus::{AttachmentStatus, Role};
use guichet::domain::dossier::{Dossier, Status};
use guichet::domain::ids::{Email, Siret};
use guichet::domain::user::{User, UserStatus};
use guichet::store::journal::{Entry, Outcome, Subject};
use guichet::store::{T, codec, keys};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A line the writer was told is done: the JSON line sent, and the journal number its answer gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acked {
    pub seq: u64,
    pub line: String,
}

/// Reads one result line of `guichet batch`: `Some((line number, seq))` for an accepted line, `None` for a
/// refusal, and `Err` for anything that is not a complete result line (a line cut by the kill, say).
pub fn accepted(result_line: &str) -> Result<Option<(usize, u64)>, String> {
    let v: Value = serde_json::from_str(result_line)
        .map_err(|e| format!("not a result line ({e}): {result_line}"))?;
    let line = v["line"]
        .as_u64()
        .ok_or_else(|| format!("a result without its line number: {result_line}"))?;
    match v["ok"].as_bool() {
        Some(true) => {
            let seq = v["seq"]
                .as_u64()
                .ok_or_else(|| format!("an accepted line without its seq: {result_line}"))?;
            Ok(Some((line as usize, seq)))
        }
        Some(false) => Ok(None),
        None => Err(format!("a result without ok: {result_line}")),
    }
}

/// The command of a JSON line as the desk journals it, as a JSON value (so that the order of the fields, blanks
/// and defaults do not matter).
pub fn normalised(line: &str) -> Result<Value, String> {
    let command = Command::parse_line(line).map_err(|r| format!("unreadable line {line}: {r}"))?;
    serde_json::from_str(&command.to_json()).map_err(|e| format!("to_json of {line}: {e}"))
}

/// The journal as found after the crash, for the tests that check more (the entries the killed process wrote).
pub struct Survey {
    /// Every entry, in order: `entries[i].seq == i + 1`.
    pub entries: Vec<Entry>,
    /// How many `Done` entries had their effect checked in the records.
    pub effects_checked: usize,
}

/// Opens the database (the killed process must be gone: its lock is released by its death) and checks it; the
/// first thing wrong, in words.
pub fn check_after_crash(db: &Path, acked: &[Acked]) -> Result<(), String> {
    survey(db, acked).map(|_| ())
}

/// `check_after_crash`, returning the journal it read.
pub fn survey(db: &Path, acked: &[Acked]) -> Result<Survey, String> {
    let desk = Desk::open(db).map_err(|e| format!("the database does not open again: {e}"))?;
    check_desk(&desk, acked)
}

/// The checks of `check_after_crash` on an opened desk.
pub fn check_desk(desk: &Desk, acked: &[Acked]) -> Result<Survey, String> {
    let store = desk.store();
    let e = |e: guichet::store::StoreError| e.to_string();

    // 3. The journal: numbered 1..=n, head at n, chain verified.
    let mut entries = Vec::new();
    for item in store.tree(T::Journal).iter() {
        let (k, v) = item.map_err(|e| e.to_string())?;
        let entry: Entry = codec::decode(&v).map_err(|e| format!("journal entry {k:?}: {e}"))?;
        let expected = entries.len() as u64 + 1;
        if keys::seq_from(&k) != Some(expected) || entry.seq != expected {
            return Err(format!(
                "journal entry {expected} missing: found key {:?} holding entry {}",
                keys::seq_from(&k),
                entry.seq
            ));
        }
        entries.push(entry);
    }
    let (head, _) = store.journal_head().map_err(e)?;
    if head != entries.len() as u64 {
        return Err(format!(
            "the journal head says {head} but the journal holds {} entries",
            entries.len()
        ));
    }
    // `audit::verify` recomputes every hash and link, and the head's.
    check_chain(desk)?;

    // 1. Every acknowledged line: its entry, done, holding the command sent.
    let mut seen = BTreeMap::new();
    for a in acked {
        if let Some(other) = seen.insert(a.seq, &a.line) {
            return Err(format!(
                "two acknowledged lines share the seq {}: {other} and {}",
                a.seq, a.line
            ));
        }
        let entry = a
            .seq
            .checked_sub(1)
            .and_then(|i| entries.get(i as usize))
            .ok_or_else(|| {
                format!(
                    "acknowledged line lost: seq {} but the journal ends at {head}: {}",
                    a.seq, a.line
                )
            })?;
        if !matches!(entry.draft.outcome, Outcome::Done { .. }) {
            return Err(format!(
                "acknowledged line {} journaled as {:?} at seq {}",
                a.line, entry.draft.outcome, a.seq
            ));
        }
        let sent = normalised(&a.line)?;
        let journaled: Value = serde_json::from_str(&entry.draft.command)
            .map_err(|e| format!("journal entry {}: command not JSON: {e}", a.seq))?;
        if sent != journaled {
            return Err(format!(
                "journal entry {} holds another command than the line acknowledged with it:\n  sent      {sent}\n  journaled {journaled}",
                a.seq
            ));
        }
    }

    // 2. Nothing half-written: invariants, indexes and counters, effects of every done entry, records journaled.
    check_invariants(desk)?;
    check_indexes(desk)?;
    let later = Later::new(&entries);
    let mut effects_checked = 0;
    for entry in &entries {
        subjects_exist(desk, entry)?;
        if !matches!(entry.draft.outcome, Outcome::Done { .. }) {
            continue;
        }
        // Entries that are no command of the vocabulary (the bootstrap of the first operator) have no effect to
        // state here; their subjects were checked above.
        let Ok(command) = Command::parse_line(&entry.draft.command) else {
            continue;
        };
        effect(desk, entry.seq, &command, &later).map_err(|why| {
            format!(
                "the done entry {} has no full effect in the records: {why}\n  command {}",
                entry.seq, entry.draft.command
            )
        })?;
        effects_checked += 1;
    }
    every_record_journaled(desk)?;
    Ok(Survey {
        entries,
        effects_checked,
    })
}

/// Every subject of an entry is a record of the store.
fn subjects_exist(desk: &Desk, entry: &Entry) -> Result<(), String> {
    let store = desk.store();
    let e = |e: guichet::store::StoreError| e.to_string();
    for subject in &entry.draft.subjects {
        let exists = match *subject {
            Subject::Dossier(id) => store.dossier(id).map_err(e)?.is_some(),
            Subject::User(id) | Subject::Actor(id) => store.user(id).map_err(e)?.is_some(),
            Subject::Structure(s) => store.structure(s).map_err(e)?.is_some(),
        };
        if !exists {
            return Err(format!(
                "journal entry {} is about {subject:?}, which is no record",
                entry.seq
            ));
        }
    }
    Ok(())
}

/// No dossier, user or structure without a journal entry naming it: a record written without its entry would
/// be a transaction cut in half.
fn every_record_journaled(desk: &Desk) -> Result<(), String> {
    let store = desk.store();
    let e = |e: guichet::store::StoreError| e.to_string();
    let journaled =
        |subject: Subject| -> Result<bool, String> { store.subject_named(subject).map_err(e) };
    for (_, d) in store.scan::<Dossier>(T::Dossiers, b"").map_err(e)? {
        if !journaled(Subject::Dossier(d.id))? {
            return Err(format!(
                "dossier {} ({}) is named by no journal entry",
                d.id, d.reference
            ));
        }
    }
    for (_, u) in store.scan::<User>(T::Users, b"").map_err(e)? {
        if !journaled(Subject::User(u.id))? {
            return Err(format!("user {} is named by no journal entry", u.email));
        }
    }
    for (_, s) in store
        .scan::<guichet::domain::structure::Structure>(T::Structures, b"")
        .map_err(e)?
    {
        if !journaled(Subject::Structure(s.siret))? {
            return Err(format!(
                "structure {} is named by no journal entry",
                s.siret
            ));
        }
    }
    Ok(())
}

/// Which records a later done entry touched: an effect that a later command may have undone (an attachment
/// validated, then removed) is checked only when no later done entry is about the same user or structure.
struct Later {
    /// The last done entry about each subject (by its key prefix).
    last_about: BTreeMap<Vec<u8>, u64>,
    /// E-mails a done `user.update` changed (with the seq of the change): a record is never looked up by such an
    /// e-mail, which may now name no one, or someone else.
    renamed: BTreeMap<String, u64>,
}

impl Later {
    fn new(entries: &[Entry]) -> Later {
        let mut last_about = BTreeMap::new();
        let mut renamed = BTreeMap::new();
        for entry in entries {
            if !matches!(entry.draft.outcome, Outcome::Done { .. }) {
                continue;
            }
            for subject in &entry.draft.subjects {
                last_about.insert(subject.key_prefix(), entry.seq);
            }
            if let Ok(Command::UserUpdate(c)) = Command::parse_line(&entry.draft.command)
                && c.new_email.as_ref().is_some_and(|n| n != &c.email)
            {
                renamed.insert(c.email.as_str().to_string(), entry.seq);
            }
        }
        Later {
            last_about,
            renamed,
        }
    }

    /// Whether a done entry after `seq` is about `subject`.
    fn touched_after(&self, subject: Subject, seq: u64) -> bool {
        self.last_about
            .get(&subject.key_prefix())
            .is_some_and(|&last| last > seq)
    }

    /// Whether a done `user.update` ever changed that e-mail.
    fn renamed(&self, email: &Email) -> bool {
        self.renamed.contains_key(email.as_str())
    }
}

fn dossier(desk: &Desk, id_or_ref: &str) -> Result<Dossier, String> {
    desk.store()
        .find_dossier(id_or_ref.trim())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no dossier {id_or_ref}"))
}

/// The user of an e-mail; `None` when a `user.update` changed that e-mail (the lookup would prove nothing).
fn user(desk: &Desk, later: &Later, email: &Email) -> Result<Option<User>, String> {
    if later.renamed(email) {
        return Ok(None);
    }
    desk.store()
        .user_by_email(email)
        .map_err(|e| e.to_string())?
        .map(Some)
        .ok_or_else(|| format!("no user {email}"))
}

/// The attachment of `email` to `siret`, when the user can be found by e-mail.
fn attachment(
    desk: &Desk,
    later: &Later,
    email: &Email,
    siret: Siret,
) -> Result<Option<(User, guichet::domain::chorus::Attachment)>, String> {
    let Some(u) = user(desk, later, email)? else {
        return Ok(None);
    };
    let a = desk
        .store()
        .attachment(siret, u.id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{email} has no attachment to {siret}"))?;
    Ok(Some((u, a)))
}

/// The effect of a done command, as it must show in the records. Facts that no later command can undo (a
/// structure exists, a piece was received, a dossier was qualified) are always checked; facts a later command may
/// change (an attachment's status, a right) only when no later done entry is about the same user or structure.
fn effect(desk: &Desk, seq: u64, command: &Command, later: &Later) -> Result<(), String> {
    let store = desk.store();
    let e = |e: guichet::store::StoreError| e.to_string();
    let untouched = |u: &User, siret: Siret| {
        !later.touched_after(Subject::User(u.id), seq)
            && !later.touched_after(Subject::Structure(siret), seq)
    };
    match command {
        Command::StructureAdd(c) => {
            store
                .structure(c.siret)
                .map_err(e)?
                .ok_or_else(|| format!("no structure {}", c.siret))?;
        }
        Command::DossierReceive(c) => {
            let d = dossier(desk, &c.reference)?;
            if d.kind != c.kind || d.channel != c.channel || d.siret != c.siret {
                return Err(format!(
                    "dossier {} is a {:?} by {:?} about {:?}",
                    d.reference, d.kind, d.channel, d.siret
                ));
            }
            for p in &c.persons {
                if d.person(&p.email).is_none() {
                    return Err(format!("dossier {} lacks the person {}", d.id, p.email));
                }
            }
        }
        Command::DossierQualify(c) => {
            let d = dossier(desk, &c.dossier)?;
            if matches!(d.status, Status::Recue | Status::EnAttente) {
                return Err(format!("dossier {} still {:?}", d.id, d.status));
            }
        }
        Command::DossierDocument(c) => {
            let d = dossier(desk, &c.dossier)?;
            if d.documents.get(c.document).is_none() {
                return Err(format!("dossier {} lacks {:?}", d.id, c.document));
            }
        }
        Command::DossierNote(c) => {
            let d = dossier(desk, &c.dossier)?;
            if !d.notes.iter().any(|n| n.text.trim() == c.text.trim()) {
                return Err(format!("dossier {} lacks the note {:?}", d.id, c.text));
            }
        }
        Command::DossierClose(c) => {
            let d = dossier(desk, &c.dossier)?;
            if d.status != Status::Traitee {
                return Err(format!("dossier {} closed but {:?}", d.id, d.status));
            }
        }
        Command::DossierReject(c) => {
            let d = dossier(desk, &c.dossier)?;
            if d.status != Status::Rejetee {
                return Err(format!("dossier {} rejected but {:?}", d.id, d.status));
            }
        }
        Command::DossierForward(c) => {
            let d = dossier(desk, &c.dossier)?;
            if d.status != Status::Transmise {
                return Err(format!("dossier {} forwarded but {:?}", d.id, d.status));
            }
        }
        Command::AspasieCreate(c) => {
            let d = dossier(desk, &c.dossier)?;
            let (_, p) = d
                .person(&c.email)
                .ok_or_else(|| format!("dossier {} lacks {}", d.id, c.email))?;
            let id = p
                .user
                .ok_or_else(|| format!("{} of {} not created in ASPASIE", c.email, d.id))?;
            let u = store
                .user(id)
                .map_err(e)?
                .ok_or_else(|| format!("{} of {} created as {id:?}, no user", c.email, d.id))?;
            if u.pigp_id.is_none() {
                return Err(format!("{} created in ASPASIE without PIGP", u.email));
            }
            if let Some(pigp) = &c.pigp_id
                && !later.touched_after(Subject::User(id), seq)
                && u.pigp_id.as_ref() != Some(pigp)
            {
                return Err(format!("{} has {:?}, not {pigp:?}", u.email, u.pigp_id));
            }
        }
        Command::MadrhasOpen(c) => {
            let d = dossier(desk, &c.dossier)?;
            let (_, p) = d
                .person(&c.email)
                .ok_or_else(|| format!("dossier {} lacks {}", d.id, c.email))?;
            if !p.madrhas_opened {
                return Err(format!("{} of {}: MADRHAS not opened", c.email, d.id));
            }
            if let Some(id) = p.user
                && !later.touched_after(Subject::User(id), seq)
            {
                let rights = store.rights_of_user(id).map_err(e)?;
                for s in d.sirets_of(p) {
                    if !rights.iter().any(|r| r.siret == s) {
                        return Err(format!("{} holds no right on {s}", c.email));
                    }
                }
            }
        }
        Command::ChorusAccount(c) => {
            user(desk, later, &c.email)?;
        }
        Command::AttachmentRequest(c) => {
            attachment(desk, later, &c.by, c.siret)?;
        }
        Command::AttachmentValidate(c)
        | Command::AttachmentRemove(c)
        | Command::ManagerDesignateGs(c)
        | Command::ManagerRevokeGs(c) => {
            if let Some((u, a)) = attachment(desk, later, &c.user, c.siret)?
                && untouched(&u, c.siret)
            {
                let expected = match command {
                    Command::AttachmentValidate(_) => a.status == AttachmentStatus::Actif,
                    Command::AttachmentRemove(_) => a.status == AttachmentStatus::Supprime,
                    Command::ManagerDesignateGs(_) => {
                        a.status == AttachmentStatus::Actif && a.role == Role::Gs
                    }
                    _ => a.role != Role::Gs,
                };
                if !expected {
                    return Err(format!(
                        "{} is {:?} {:?} of {}",
                        u.email, a.status, a.role, c.siret
                    ));
                }
            }
        }
        Command::AttachmentRefuse(c) => {
            if let Some((u, a)) = attachment(desk, later, &c.user, c.siret)?
                && untouched(&u, c.siret)
                && a.status != AttachmentStatus::Refuse
            {
                return Err(format!("{} is {:?} of {}", u.email, a.status, c.siret));
            }
        }
        Command::ManagerTransferGp(c) => {
            if let Some((u, a)) = attachment(desk, later, &c.to, c.siret)?
                && untouched(&u, c.siret)
                && !a.is_active_gp()
            {
                return Err(format!("{} is not the GP of {}: {a:?}", u.email, c.siret));
            }
        }
        Command::MadrhasRevoke(c) => {
            if let Some(u) = user(desk, later, &c.email)?
                && untouched(&u, c.siret)
                && store.right(u.id, c.siret).map_err(e)?.is_some()
            {
                return Err(format!("{} still holds a right on {}", u.email, c.siret));
            }
        }
        Command::UserDepart(c) => {
            if let Some(u) = user(desk, later, &c.email)?
                && u.status == UserStatus::Actif
            {
                return Err(format!("{} departed but still actif", u.email));
            }
        }
        Command::AspasieDelete(c) => {
            if let Some(u) = user(desk, later, &c.email)? {
                if u.status != UserStatus::Supprime {
                    return Err(format!("{} deleted but {:?}", u.email, u.status));
                }
                if !store.rights_of_user(u.id).map_err(e)?.is_empty() {
                    return Err(format!("{} deleted but still holds rights", u.email));
                }
            }
        }
        // The other commands (references, operators, updates…) are checked by their journal entry, its subjects
        // and the indexes only.
        _ => {}
    }
    Ok(())
}
