//! The frames between `guichet serve` and its clients: a 4-byte big-endian length, then one bincode value.
//! Commands travel as their batch-vocabulary JSON line, parsed by the server's desk exactly as `guichet batch`
//! parses them; results as the JSON the desk returns. No rule is checked on this side of the socket.

use crate::domain::Refusal;
use crate::store::{PageQuery, Scanned, T};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

/// The version of these frames: a client and a server of different versions refuse each other at the greeting.
pub const PROTOCOL: u32 = 4;

/// The longest frame either side accepts: an import of tens of thousands of lines fits well within it.
pub const MAX_FRAME: u32 = 64 * 1024 * 1024;

/// What a client asks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    Hello {
        protocol: u32,
    },
    Get {
        tree: T,
        key: Vec<u8>,
    },
    Page(PageQuery),
    Len {
        tree: T,
    },
    Execute {
        acting_as: Option<String>,
        line: String,
    },
    RefuseLine {
        acting_as: Option<String>,
        line: String,
        refusal: Refusal,
    },
    ExecuteAll {
        acting_as: Option<String>,
        lines: Vec<String>,
        dry_run: bool,
        what: String,
    },
    Preview {
        acting_as: Option<String>,
        line: String,
    },
    /// Several keys of one tree in one round trip (at most `MAX_KEYS`): what a screen would otherwise ask one
    /// by one, each a round trip (protocol 2).
    GetMany {
        tree: T,
        keys: Vec<Vec<u8>>,
    },
    /// A bounded scan (`Store::scan_page`): at most `limit` rows examined, those holding the query's bytes sent,
    /// with where the scan stopped (protocol 4).
    Scan(PageQuery),
}

/// The keys a `GetMany` may ask at once.
pub const MAX_KEYS: usize = 4096;

/// What the server sends: the answer to the request in flight, or news nobody asked for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Frame {
    Reply(Reply),
    Notice(Notice),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Reply {
    /// The greeting: who the server recognised from the socket, and the journal's last sequence.
    Welcome {
        login: String,
        head: u64,
    },
    Value(Option<Vec<u8>>),
    Rows(Vec<(Vec<u8>, Vec<u8>)>),
    Count(u64),
    Done(WireReceipt),
    Refused(Refusal),
    ManyDone(Vec<WireReceipt>),
    ManyRefused(Vec<(u64, Refusal)>),
    Previewed,
    /// The request could not be served (a store error, a bad frame, the server stopping): in French.
    Failed(String),
    /// The values of a `GetMany`, in the order of its keys.
    Values(Vec<Option<Vec<u8>>>),
    Scanned(Scanned),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireReceipt {
    pub seq: u64,
    pub summary: String,
    /// The desk's result object, as JSON text.
    pub result: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Notice {
    /// A command was written: its journal sequence and its operator.
    Changed { seq: u64, by: String },
    /// The server is stopping; everything acknowledged is on disk.
    Closing,
}

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("connexion fermée")]
    Closed,
    #[error("trame de {0} octets : la limite est de {MAX_FRAME}")]
    TooLong(u32),
    #[error("trame illisible : {0}")]
    Garbled(String),
    #[error("{0}")]
    Io(#[from] io::Error),
}

pub fn encode<V: Serialize>(value: &V) -> Result<Vec<u8>, WireError> {
    let mut bytes = vec![0u8; 4];
    bincode::serde::encode_into_std_write(value, &mut bytes, bincode::config::standard())
        .map_err(|e| WireError::Garbled(e.to_string()))?;
    let len = u32::try_from(bytes.len() - 4).map_err(|_| WireError::TooLong(u32::MAX))?;
    if len > MAX_FRAME {
        return Err(WireError::TooLong(len));
    }
    bytes[..4].copy_from_slice(&len.to_be_bytes());
    Ok(bytes)
}

pub fn write_frame<V: Serialize>(out: &mut impl Write, value: &V) -> Result<(), WireError> {
    out.write_all(&encode(value)?)?;
    out.flush()?;
    Ok(())
}

/// Reads the length of the next frame; `Closed` when the other side closed between frames.
pub fn read_len(input: &mut impl Read) -> Result<u32, WireError> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match input.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Err(WireError::Closed),
            Ok(0) => return Err(WireError::Garbled("trame tronquée".to_string())),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = u32::from_be_bytes(len);
    if len > MAX_FRAME {
        return Err(WireError::TooLong(len));
    }
    Ok(len)
}

/// Reads a frame's body of `len` bytes and decodes it.
pub fn read_body<V: DeserializeOwned>(input: &mut impl Read, len: u32) -> Result<V, WireError> {
    let mut body = Vec::new();
    input.take(u64::from(len)).read_to_end(&mut body)?;
    if body.len() < len as usize {
        return Err(WireError::Garbled(format!(
            "trame tronquée ({} octets sur {len})",
            body.len()
        )));
    }
    let (value, used) = bincode::serde::decode_from_slice(&body, bincode::config::standard())
        .map_err(|e| WireError::Garbled(e.to_string()))?;
    if used != body.len() {
        return Err(WireError::Garbled(
            "octets en trop dans la trame".to_string(),
        ));
    }
    Ok(value)
}

pub fn read_frame<V: DeserializeOwned>(input: &mut impl Read) -> Result<V, WireError> {
    let len = read_len(input)?;
    read_body(input, len)
}
