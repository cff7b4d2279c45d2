//! The backup of a whole database in one self-checking file, and its restore into an empty database.
//!
//! The file (format `guichet-sauvegarde`, version 1):
//!
//! ```text
//! {"format":"guichet-sauvegarde","version":1,"guichet":"0.1.0","date":"…","schema":1,"trees":22,
//!  "journal_seq":N,"journal_hash":"<hex>"}\n          one line of JSON: what the file holds
//! T <u8 len> <name>                                    a tree begins (every tree of `TREE_NAMES`, in order)
//! P <u32 len> <key> <u32 len> <value>                  one stored pair, bytes as sled holds them
//! E <u64 count>                                        the tree ends, with its number of pairs
//! Z <u64 total>                                        the end, with the number of pairs of every tree
//! <32 bytes>                                           SHA-256 of every byte before it
//! ```
//!
//! Numbers are big-endian. The backup reads every tree in one pass and checks that the journal head did not move
//! meanwhile (every write of the desk moves it, in the same transaction): if it did, the pass is taken again, so
//! the file is one state of the database. It is written to a temporary file beside its destination, readable by
//! its owner only, synced, then renamed.
//!
//! The restore checks the whole file — its SHA-256, then its framing — before it writes anything, goes only into
//! an empty database unless told to clear it, writes the meta tree (schema version, journal head, sequences) last
//! so that an interrupted restore leaves a journal that does not verify, and never journals nor bootstraps
//! anything itself: the restored journal is the original one, and `audit::verify` is run on it at the end.

use crate::desk::audit::{self, Broken, ChainState};
use crate::store::journal::hex;
use crate::store::migrate::SCHEMA_VERSION;
use crate::store::postings::{self, Packer};
use crate::store::{Store, StoreError, T, TREE_NAMES};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

/// The name written in every backup's header.
pub const FORMAT: &str = "guichet-sauvegarde";
/// The version of the file format this build writes and reads.
pub const VERSION: u32 = 1;

const TAG_TREE: u8 = b'T';
const TAG_PAIR: u8 = b'P';
const TAG_TREE_END: u8 = b'E';
const TAG_END: u8 = b'Z';
const HASH_LEN: u64 = 32;
/// A header line longer than this is not a guichet backup.
const MAX_HEADER: usize = 64 * 1024;
/// How many times the backup pass is taken again when a command was written during it.
const ATTEMPTS: usize = 5;
/// Pairs gathered before they are written in one batch during a restore.
const RESTORE_CHUNK: usize = 4096;
/// The pairs a restore writes between two flushes.
const FLUSH_EVERY: usize = 65_536;

/// The first line of a backup: what it holds and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// The version of guichet that wrote it.
    pub guichet: String,
    /// When it was taken (RFC 3339).
    pub date: String,
    pub schema: u32,
    pub trees: usize,
    pub journal_seq: u64,
    pub journal_hash: String,
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    pub header: Header,
    pub pairs: u64,
    pub bytes: u64,
}

/// What a restore wrote, and the state of the restored journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub header: Header,
    pub pairs: u64,
    pub chain: Result<ChainState, Broken>,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup file cannot be used: missing, not a backup, truncated or altered. Nothing was written.
    #[error("{0}")]
    BadFile(String),
    /// The restore was refused (a database that is not empty, without `--force`). Nothing was written.
    #[error("{0}")]
    Refused(String),
    /// The database could not be used.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The backup file could not be written.
    #[error("{0}")]
    Write(String),
}

impl BackupError {
    /// The exit status of the command line: 1 for a file or a refusal, 2 for a database or a disk that fails.
    pub fn exit_status(&self) -> u8 {
        match self {
            BackupError::BadFile(_) | BackupError::Refused(_) => 1,
            BackupError::Store(_) | BackupError::Write(_) => 2,
        }
    }
}

/// A writer that hashes and counts what goes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn len_u32(n: usize) -> io::Result<[u8; 4]> {
    u32::try_from(n)
        .map(u32::to_be_bytes)
        .map_err(|_| io::Error::other("valeur de plus de 4 Gio"))
}

/// Writes one pass of the whole database; returns the number of pairs.
fn write_pass(store: &Store, header: &Header, out: &mut impl Write) -> Result<u64, BackupError> {
    let io = |e: io::Error| BackupError::Write(format!("écriture de la sauvegarde : {e}"));
    let line = serde_json::to_string(header).map_err(|e| BackupError::Write(e.to_string()))?;
    out.write_all(line.as_bytes()).map_err(io)?;
    out.write_all(b"\n").map_err(io)?;
    let mut total = 0u64;
    for name in TREE_NAMES {
        let t =
            T::named(name).ok_or_else(|| StoreError::Corrupt(format!("arbre {name} absent")))?;
        let name_len = u8::try_from(name.len()).map_err(|_| BackupError::Write(name.into()))?;
        out.write_all(&[TAG_TREE, name_len]).map_err(io)?;
        out.write_all(name.as_bytes()).map_err(io)?;
        let mut count = 0u64;
        for item in store.rows(t, b"", false)? {
            let (key, value) = item?;
            out.write_all(&[TAG_PAIR]).map_err(io)?;
            out.write_all(&len_u32(key.len()).map_err(io)?)
                .map_err(io)?;
            out.write_all(&key).map_err(io)?;
            out.write_all(&len_u32(value.len()).map_err(io)?)
                .map_err(io)?;
            out.write_all(&value).map_err(io)?;
            count += 1;
        }
        out.write_all(&[TAG_TREE_END]).map_err(io)?;
        out.write_all(&count.to_be_bytes()).map_err(io)?;
        total += count;
    }
    out.write_all(&[TAG_END]).map_err(io)?;
    out.write_all(&total.to_be_bytes()).map_err(io)?;
    Ok(total)
}

/// Refuses a destination inside the database directory: the database would hold a foreign file.
fn outside_database(store: &Store, path: &Path) -> Result<(), BackupError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let (Ok(dir), Ok(db)) = (parent.canonicalize(), store.path().canonicalize()) else {
        return Ok(());
    };
    if dir.starts_with(&db) {
        return Err(BackupError::Write(format!(
            "{} est dans le dossier de la base : écrivez la sauvegarde ailleurs",
            path.display()
        )));
    }
    Ok(())
}

/// Writes the whole database to `path`: one consistent pass, to a temporary file (0600) renamed when complete.
pub fn backup(
    store: &Store,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<BackupSummary, BackupError> {
    outside_database(store, path)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io = |e: io::Error| {
        BackupError::Write(format!(
            "impossible d'écrire la sauvegarde {} : {e}",
            path.display()
        ))
    };
    let temp = tempfile::Builder::new()
        .prefix(".guichet-sauvegarde-")
        .tempfile_in(dir)
        .map_err(io)?;
    for _ in 0..ATTEMPTS {
        let Some(summary) = one_pass(store, temp.as_file(), now).map_err(|e| match e {
            PassError::Io(e) => io(e),
            PassError::Backup(e) => e,
        })?
        else {
            // A command was written during the pass: take it again.
            continue;
        };
        temp.as_file().sync_all().map_err(io)?;
        temp.persist(path).map_err(|e| io(e.error))?;
        set_private(path).map_err(io)?;
        if let Ok(d) = File::open(dir) {
            // Makes the rename itself durable; a directory that cannot be synced still holds the file.
            let _ = d.sync_all();
        }
        return Ok(summary);
    }
    Err(BackupError::Write(format!(
        "la base a changé pendant chacune des {ATTEMPTS} lectures : réessayez quand le guichet est au repos"
    )))
}

enum PassError {
    Io(io::Error),
    Backup(BackupError),
}

impl From<io::Error> for PassError {
    fn from(e: io::Error) -> Self {
        PassError::Io(e)
    }
}

impl From<BackupError> for PassError {
    fn from(e: BackupError) -> Self {
        PassError::Backup(e)
    }
}

impl From<StoreError> for PassError {
    fn from(e: StoreError) -> Self {
        PassError::Backup(e.into())
    }
}

/// Writes the whole file once from its start; `None` when the journal head moved during the pass (the file is
/// then not one state of the database and must be written again).
fn one_pass(
    store: &Store,
    mut file: &File,
    now: DateTime<Utc>,
) -> Result<Option<BackupSummary>, PassError> {
    let (seq, hash) = store.journal_head()?;
    let header = Header {
        format: FORMAT.to_string(),
        version: VERSION,
        guichet: env!("CARGO_PKG_VERSION").to_string(),
        date: now.to_rfc3339(),
        schema: SCHEMA_VERSION,
        trees: TREE_NAMES.len(),
        journal_seq: seq,
        journal_hash: hex(&hash),
    };
    file.set_len(0)?;
    file.rewind()?;
    let mut out = Hashing {
        inner: BufWriter::new(file),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let pairs = write_pass(store, &header, &mut out)?;
    if store.journal_head()? != (seq, hash) {
        return Ok(None);
    }
    let Hashing {
        mut inner,
        hasher,
        bytes,
    } = out;
    inner.write_all(&hasher.finalize())?;
    inner.flush()?;
    Ok(Some(BackupSummary {
        header,
        pairs,
        bytes: bytes + HASH_LEN,
    }))
}

fn set_private(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

/// Reads the framing of a backup body, bounded by the hashed length so that a damaged length cannot make it read
/// (or allocate) past the end.
struct Body<R: Read> {
    input: R,
    left: u64,
    path: String,
}

impl<R: Read> Body<R> {
    fn truncated(&self) -> BackupError {
        BackupError::BadFile(format!(
            "{} : sauvegarde tronquée ou mal formée ; rien n'a été restauré",
            self.path
        ))
    }

    fn bytes(&mut self, n: u64) -> Result<Vec<u8>, BackupError> {
        if n > self.left {
            return Err(self.truncated());
        }
        let len = usize::try_from(n).map_err(|_| self.truncated())?;
        let mut buf = vec![0u8; len];
        self.input
            .read_exact(&mut buf)
            .map_err(|_| self.truncated())?;
        self.left -= n;
        Ok(buf)
    }

    fn u8(&mut self) -> Result<u8, BackupError> {
        Ok(self.bytes(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, BackupError> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, BackupError> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_be_bytes(a))
    }
}

fn open_backup(path: &Path) -> Result<(File, u64), BackupError> {
    let file = File::open(path).map_err(|e| {
        BackupError::BadFile(format!("impossible de lire {} : {e}", path.display()))
    })?;
    let len = file
        .metadata()
        .map_err(|e| BackupError::BadFile(format!("{} : {e}", path.display())))?
        .len();
    Ok((file, len))
}

/// Checks the SHA-256 at the end of the file against every byte before it.
fn check_hash(path: &Path) -> Result<(), BackupError> {
    let (file, len) = open_backup(path)?;
    let shown = path.display();
    if len <= HASH_LEN {
        return Err(BackupError::BadFile(format!(
            "{shown} : {len} octets, ce n'est pas une sauvegarde guichet complète ; rien n'a été restauré"
        )));
    }
    let mut input = BufReader::new(file);
    let mut hasher = Sha256::new();
    let copied = io::copy(
        &mut (&mut input).take(len - HASH_LEN),
        &mut HashSink(&mut hasher),
    )
    .map_err(|e| BackupError::BadFile(format!("lecture de {shown} : {e}")))?;
    let mut stored = [0u8; HASH_LEN as usize];
    if copied != len - HASH_LEN || input.read_exact(&mut stored).is_err() {
        return Err(BackupError::BadFile(format!(
            "{shown} : sauvegarde tronquée pendant la lecture ; rien n'a été restauré"
        )));
    }
    if hasher.finalize().as_slice() != stored {
        return Err(BackupError::BadFile(format!(
            "{shown} : la sauvegarde est altérée ou tronquée (son empreinte SHA-256 ne correspond pas à son contenu) ; rien n'a été restauré : reprenez une copie intacte"
        )));
    }
    Ok(())
}

struct HashSink<'a>(&'a mut Sha256);

impl Write for HashSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads a backup whose hash holds, checks its header and framing, and hands every pair to `on_pair` (tree name,
/// key, value); returns the header and the number of pairs.
fn read_backup(
    path: &Path,
    on_pair: &mut dyn FnMut(&'static str, Vec<u8>, Vec<u8>) -> Result<(), BackupError>,
) -> Result<(Header, u64), BackupError> {
    let shown = path.display().to_string();
    let (file, len) = open_backup(path)?;
    let mut input = BufReader::new(file);
    let not_backup = || {
        BackupError::BadFile(format!(
            "{shown} n'est pas une sauvegarde guichet (en-tête illisible) ; rien n'a été restauré"
        ))
    };
    let mut line = Vec::new();
    (&mut input)
        .take(MAX_HEADER as u64)
        .read_until(b'\n', &mut line)
        .map_err(|_| not_backup())?;
    if line.pop() != Some(b'\n') {
        return Err(not_backup());
    }
    let header: Header = serde_json::from_slice(&line).map_err(|_| not_backup())?;
    if header.format != FORMAT {
        return Err(not_backup());
    }
    if header.version != VERSION {
        return Err(BackupError::BadFile(format!(
            "{shown} : format de sauvegarde {} inconnu de ce guichet (qui lit la version {VERSION}) ; mettez guichet à jour",
            header.version
        )));
    }
    if header.schema > SCHEMA_VERSION {
        return Err(BackupError::BadFile(format!(
            "{shown} : base au schéma {}, plus récent que celui de ce guichet ({SCHEMA_VERSION}) ; mettez guichet à jour",
            header.schema
        )));
    }
    let header_len = line.len() as u64 + 1;
    let mut body = Body {
        input,
        left: len.saturating_sub(HASH_LEN + header_len),
        path: shown.clone(),
    };
    let mut seen: Vec<&'static str> = Vec::new();
    let mut total = 0u64;
    loop {
        match body.u8()? {
            TAG_TREE => {
                let n = body.u8()?;
                let name = body.bytes(u64::from(n))?;
                let name = TREE_NAMES
                    .iter()
                    .chain(std::iter::once(&postings::RETIRED_TREE))
                    .find(|t| t.as_bytes() == name.as_slice())
                    .copied()
                    .ok_or_else(|| {
                        BackupError::BadFile(format!(
                            "{shown} : arbre « {} » inconnu de ce guichet ; rien n'a été restauré",
                            String::from_utf8_lossy(&name)
                        ))
                    })?;
                if seen.contains(&name) {
                    return Err(body.truncated());
                }
                seen.push(name);
                let mut count = 0u64;
                loop {
                    match body.u8()? {
                        TAG_PAIR => {
                            let klen = body.u32()?;
                            let key = body.bytes(u64::from(klen))?;
                            let vlen = body.u32()?;
                            let value = body.bytes(u64::from(vlen))?;
                            on_pair(name, key, value)?;
                            count += 1;
                        }
                        TAG_TREE_END => {
                            if body.u64()? != count {
                                return Err(body.truncated());
                            }
                            break;
                        }
                        _ => return Err(body.truncated()),
                    }
                }
                total += count;
            }
            TAG_END => {
                if body.u64()? != total || body.left != 0 || seen.len() != header.trees {
                    return Err(body.truncated());
                }
                return Ok((header, total));
            }
            _ => return Err(body.truncated()),
        }
    }
}

/// Checks a backup file completely — its SHA-256, its header, its framing — without writing anything.
pub fn check(path: &Path) -> Result<(Header, u64), BackupError> {
    check_hash(path)?;
    read_backup(path, &mut |_, _, _| Ok(()))
}

/// The pairs of a restore on their way to the database: a tree's pairs in chunks, the meta tree's kept for the
/// end, and the unpacked trigram postings of a backup older than schema 5 packed as they come (their keys come in
/// order), so that the restored base never holds a key per posting.
struct Writer<'a> {
    store: &'a Store,
    meta: Vec<(Vec<u8>, Vec<u8>)>,
    pending: Vec<(Vec<u8>, Vec<u8>)>,
    pending_tree: &'static str,
    packer: Packer,
    /// Pairs written since the last flush.
    unflushed: usize,
}

impl Writer<'_> {
    fn pair(
        &mut self,
        name: &'static str,
        key: Vec<u8>,
        value: Vec<u8>,
    ) -> Result<(), BackupError> {
        if name == TREE_NAMES[T::Meta as usize] {
            self.meta.push((key, value));
            return Ok(());
        }
        if name == postings::RETIRED_TREE {
            return match self.packer.push_retired(&key) {
                Some((k, v)) => self.pair(T::UsersByTrigram.name(), k, v),
                None => Ok(()),
            };
        }
        if name != self.pending_tree || self.pending.len() >= RESTORE_CHUNK {
            self.unflushed += self.pending.len();
            self.store
                .restore_pairs(self.pending_tree, std::mem::take(&mut self.pending))?;
            self.pending_tree = name;
            // sled holds what it has written in memory until it is flushed: a national backup restored
            // without a flush on the way took 6.5 GB.
            if self.unflushed >= FLUSH_EVERY {
                self.store.flush()?;
                self.unflushed = 0;
            }
        }
        self.pending.push((key, value));
        Ok(())
    }

    /// The last pairs, then the meta tree: the schema version, the sequences and the journal head.
    fn finish(mut self) -> Result<(), BackupError> {
        if let Some((k, v)) = std::mem::take(&mut self.packer).finish() {
            self.pair(T::UsersByTrigram.name(), k, v)?;
        }
        self.store.restore_pairs(self.pending_tree, self.pending)?;
        self.store
            .restore_pairs(TREE_NAMES[T::Meta as usize], self.meta)?;
        Ok(())
    }
}

/// Restores a backup into the database at `db`: checks the file first, refuses a database that is not empty
/// unless `force` (which clears every tree first), writes every pair, the meta tree last, flushes, and verifies
/// the restored journal.
pub fn restore(path: &Path, db: &Path, force: bool) -> Result<RestoreSummary, BackupError> {
    let (header, _) = check(path)?;
    let store = Store::open(db)?;
    if !store.is_blank()? {
        if !force {
            return Err(BackupError::Refused(format!(
                "la base {} n'est pas vide : restaurez dans une base neuve, ou ajoutez --force pour l'effacer d'abord (tout ce qu'elle contient sera perdu)",
                db.display()
            )));
        }
        store.clear_all()?;
    }
    let mut writer = Writer {
        store: &store,
        meta: Vec::new(),
        pending: Vec::new(),
        pending_tree: TREE_NAMES[T::Meta as usize],
        packer: Packer::default(),
        unflushed: 0,
    };
    let (_, pairs) = read_backup(path, &mut |name, key, value| writer.pair(name, key, value))?;
    writer.finish()?;
    store.finish_restore()?;
    let (seq, hash) = store.journal_head()?;
    let chain = audit::verify(&store)?;
    let chain = match chain {
        Ok(_) if seq != header.journal_seq || hex(&hash) != header.journal_hash => Err(Broken {
            seq,
            reason: format!(
                "la tête du journal restauré ({seq}) n'est pas celle qu'annonce la sauvegarde ({})",
                header.journal_seq
            ),
        }),
        other => other,
    };
    // sled writes its snapshot only when it opens a database, after replaying its log since the last one: opened
    // once more here, the restored base is ready for a desk (else its first opening replays the whole restore).
    // A failure here (sled slow to let go of its lock) costs the next opening that replay, nothing else.
    drop(store);
    let _ = Store::open(db);
    Ok(RestoreSummary {
        header,
        pairs,
        chain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file made of `body` after a valid header, sealed with its right SHA-256: only the framing is wrong.
    fn sealed(header: &Header, body: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let mut bytes = serde_json::to_vec(header).expect("header");
        bytes.push(b'\n');
        bytes.extend_from_slice(body);
        let hash = Sha256::digest(&bytes);
        bytes.extend_from_slice(&hash);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).expect("write");
        (dir, path)
    }

    fn header() -> Header {
        Header {
            format: FORMAT.to_string(),
            version: VERSION,
            guichet: "0.1.0".to_string(),
            date: "2026-11-28T10:00:00+00:00".to_string(),
            schema: SCHEMA_VERSION,
            trees: 1,
            journal_seq: 0,
            journal_hash: hex(&[0; 32]),
        }
    }

    fn refused(header: &Header, body: &[u8]) -> String {
        let (_dir, path) = sealed(header, body);
        match check(&path) {
            Err(BackupError::BadFile(message)) => message,
            other => panic!("accepted: {other:?}"),
        }
    }

    fn tree(name: &str) -> Vec<u8> {
        let mut b = vec![TAG_TREE, name.len() as u8];
        b.extend_from_slice(name.as_bytes());
        b
    }

    #[test]
    fn a_well_formed_file_with_one_pair_is_read() {
        let mut body = tree("meta");
        body.push(TAG_PAIR);
        body.extend_from_slice(&1u32.to_be_bytes());
        body.push(b'k');
        body.extend_from_slice(&0u32.to_be_bytes());
        body.push(TAG_TREE_END);
        body.extend_from_slice(&1u64.to_be_bytes());
        body.push(TAG_END);
        body.extend_from_slice(&1u64.to_be_bytes());
        let (_dir, path) = sealed(&header(), &body);
        let (h, pairs) = check(&path).expect("well formed");
        assert_eq!((h.trees, pairs), (1, 1));
    }

    #[test]
    fn a_length_past_the_end_is_refused_without_reading_it() {
        let mut body = tree("meta");
        body.push(TAG_PAIR);
        body.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(refused(&header(), &body).contains("tronquée ou mal formée"));
    }

    #[test]
    fn an_unknown_tree_a_wrong_count_or_a_missing_end_is_refused() {
        assert!(refused(&header(), &tree("arbre_futur")).contains("arbre_futur"));
        let mut wrong_count = tree("meta");
        wrong_count.push(TAG_TREE_END);
        wrong_count.extend_from_slice(&3u64.to_be_bytes());
        assert!(refused(&header(), &wrong_count).contains("mal formée"));
        assert!(refused(&header(), &tree("meta")).contains("mal formée"));
        assert!(refused(&header(), b"").contains("mal formée"));
    }

    #[test]
    fn another_format_a_newer_version_or_schema_is_refused() {
        let other = Header {
            format: "autre".to_string(),
            ..header()
        };
        assert!(refused(&other, b"").contains("n'est pas une sauvegarde guichet"));
        let newer = Header {
            version: VERSION + 1,
            ..header()
        };
        assert!(refused(&newer, b"").contains("mettez guichet à jour"));
        let schema = Header {
            schema: SCHEMA_VERSION + 1,
            ..header()
        };
        assert!(refused(&schema, b"").contains("mettez guichet à jour"));
    }
}
