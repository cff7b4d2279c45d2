//! The journal: an append-only chain of every command tried, done or refused. Each entry's hash is SHA-256 over
//! the previous entry's hash and the entry's canonical bytes (bincode of every field but the hash), so changing,
//! removing or reordering one stored entry breaks the chain from that entry on, and `guichet audit verify` says where.

use crate::domain::ids::{DossierId, Siret};
use crate::domain::user::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the journal entry is about, for the history of a dossier, a user or a structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    Dossier(DossierId),
    User(UserId),
    Structure(Siret),
    /// The Chorus Pro user who acted (a gestionnaire's actions).
    Actor(UserId),
}

impl Subject {
    /// The prefix of this subject's entries in the subject index.
    pub fn key_prefix(self) -> Vec<u8> {
        match self {
            Subject::Dossier(id) => [&[b'd'][..], &id.key()].concat(),
            Subject::User(id) => [&[b'u'][..], &id.0.to_be_bytes()].concat(),
            Subject::Structure(s) => [&[b's'][..], &s.as_u64().to_be_bytes()].concat(),
            Subject::Actor(id) => [&[b'a'][..], &id.0.to_be_bytes()].concat(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Done {
        summary: String,
    },
    Refused {
        rule: String,
        field: Option<String>,
        message: String,
    },
}

/// An entry before it takes its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub at: DateTime<Utc>,
    /// The operator the command is journaled as.
    pub operator: String,
    /// The OS login of an administrator acting as `operator` (`--as`).
    pub via: Option<String>,
    /// The Chorus Pro user acted as, for the commands done "en tant que".
    pub on_behalf_of: Option<String>,
    /// The command in canonical JSON, or the raw line when it could not be read.
    pub command: String,
    pub outcome: Outcome,
    pub subjects: Vec<Subject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub draft: Draft,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

/// The hash of the empty chain, before the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// SHA-256 over the previous hash and the canonical bytes of (seq, draft).
pub fn chain_hash(prev_hash: &[u8; 32], seq: u64, draft: &Draft) -> Result<[u8; 32], String> {
    let canonical = bincode::serde::encode_to_vec((seq, draft), bincode::config::standard())
        .map_err(|e| format!("encodage du journal impossible : {e}"))?;
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(&canonical);
    Ok(hasher.finalize().into())
}

pub fn hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
