//! A desk whose database a `guichet serve` process owns: its commands are sent there, checked and written by the
//! server's own desk (the same handlers, the same transaction, the same journal), and their receipts come back.
//! Only reads happen in this process, through the store's remote pages.

use super::context::{DeskError, Receipt};
use super::many::Many;
use crate::domain::Refusal;

/// What the server reached through a socket does for a client desk. The operator is the one the server reads
/// from the socket's peer credentials; the client names at most the operator an administrator acts as (`--as`).
pub trait Remote: Send + Sync {
    fn execute_line(&self, acting_as: Option<&str>, line: &str) -> Result<Receipt, DeskError>;
    fn refuse_line(
        &self,
        acting_as: Option<&str>,
        line: &str,
        refusal: &Refusal,
    ) -> Result<Receipt, DeskError>;
    fn execute_all(
        &self,
        acting_as: Option<&str>,
        lines: Vec<String>,
        dry_run: bool,
        what: &str,
    ) -> Result<Many, DeskError>;
    fn preview(&self, acting_as: Option<&str>, line: &str) -> Result<(), DeskError>;
    /// Where the link stands, for the status bar and the live refresh.
    fn link(&self) -> Link;
}

/// The state of a client's link to its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The socket, as the status bar names it.
    pub socket: String,
    /// The OS login the server recognised from the socket.
    pub login: String,
    /// The journal sequence of the last change the server told of (by anyone), and who made it.
    pub changed: u64,
    pub changed_by: Option<String>,
    pub state: LinkState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Connected,
    /// The server said it is stopping (SIGTERM): what was acknowledged is on disk.
    Closing,
    /// The connection is lost; the next command tries to reconnect.
    Gone,
}
