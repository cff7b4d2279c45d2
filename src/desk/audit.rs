//! `guichet audit verify`: walks the journal from its first entry, recomputes every hash and checks each link to
//! the previous one and the recorded head, so that an altered, removed or inserted entry is found and named.

use crate::store::journal::{Entry, GENESIS, chain_hash, hex};
use crate::store::{Store, StoreError, T, codec, keys};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainState {
    pub entries: u64,
    pub head: String,
}

/// The first entry where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    pub seq: u64,
    pub reason: String,
}

pub fn verify(store: &Store) -> Result<Result<ChainState, Broken>, StoreError> {
    let mut prev_hash = GENESIS;
    let mut expected = 1u64;
    for item in store.rows(T::Journal, b"", false)? {
        let (key, value) = item?;
        let seq = keys::seq_from(&key).unwrap_or(0);
        if seq != expected {
            return Ok(Err(Broken {
                seq: expected,
                reason: format!("entrée {expected} absente (la suivante est la {seq})"),
            }));
        }
        let entry: Entry = match codec::decode(&value) {
            Ok(e) => e,
            Err(e) => {
                return Ok(Err(Broken {
                    seq,
                    reason: format!("entrée illisible : {e}"),
                }));
            }
        };
        if entry.seq != seq {
            return Ok(Err(Broken {
                seq,
                reason: format!("l'entrée rangée en {seq} porte le numéro {}", entry.seq),
            }));
        }
        if entry.prev_hash != prev_hash {
            return Ok(Err(Broken {
                seq,
                reason: "le lien vers l'entrée précédente ne correspond pas".to_string(),
            }));
        }
        let recomputed = chain_hash(&prev_hash, seq, &entry.draft).map_err(StoreError::Corrupt)?;
        if recomputed != entry.hash {
            return Ok(Err(Broken {
                seq,
                reason: "le contenu de l'entrée a été modifié : son empreinte SHA-256 ne correspond plus".to_string(),
            }));
        }
        prev_hash = entry.hash;
        expected += 1;
    }
    let last = expected - 1;
    let (head_seq, head_hash) = store.journal_head()?;
    if head_seq != last || head_hash != prev_hash {
        return Ok(Err(Broken {
            seq: head_seq.max(last),
            reason: format!(
                "la tête du journal annonce l'entrée {head_seq} mais la chaîne s'arrête à la {last}"
            ),
        }));
    }
    Ok(Ok(ChainState {
        entries: last,
        head: hex(&prev_hash),
    }))
}
