//! A team desk: `guichet serve` owns the database and listens on a Unix socket; the desks and command-line calls
//! of the operators are its clients. The frames carry the desk's own commands, receipts and store rows; every
//! rule is checked once, by the server's desk.

pub mod client;
pub mod peer;
pub mod server;
pub mod wire;

pub use client::Client;
pub use server::{Access, Server};

use crate::desk::Desk;
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The socket's name inside the database directory, where clients look for a server by default.
pub const SOCKET_NAME: &str = "guichet.sock";

pub fn default_socket(db: &Path) -> PathBuf {
    db.join(SOCKET_NAME)
}

/// A client desk on the server listening at `socket`, if one answers there. `Ok(None)` when no server does (no
/// socket, or the leftover socket of a server that is gone); `Err` when one is there but refuses this user.
pub fn connect(db: &Path, socket: &Path) -> Result<Option<Desk>, String> {
    if !socket.exists() {
        return Ok(None);
    }
    match std::os::unix::net::UnixStream::connect(socket) {
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "le serveur guichet de {} est injoignable : {e}",
                socket.display()
            ));
        }
        Ok(probe) => drop(probe),
    }
    let client = Arc::new(Client::connect(socket)?);
    let store = Store::served(db, client.clone());
    Ok(Some(Desk::served(store, client)))
}
