//! How values are written in sled: one version byte, then the record in bincode 2 (serde, standard config).
//! The version byte lets a later schema read or migrate an older record instead of misreading it.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The version of every record this build writes.
pub const RECORD_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    let mut bytes = vec![RECORD_VERSION];
    bincode::serde::encode_into_std_write(value, &mut bytes, bincode::config::standard())
        .map_err(|e| format!("encodage impossible : {e}"))?;
    Ok(bytes)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match bytes.split_first() {
        Some((&RECORD_VERSION, rest)) => {
            bincode::serde::decode_from_slice(rest, bincode::config::standard())
                .map(|(value, _)| value)
                .map_err(|e| format!("enregistrement illisible : {e}"))
        }
        Some((version, _)) => Err(format!(
            "enregistrement en version {version}, cette version de guichet lit la version {RECORD_VERSION}"
        )),
        None => Err("enregistrement vide".to_string()),
    }
}
