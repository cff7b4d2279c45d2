//! `guichet serve`: the database of a team, held by one process that the operators' desks and command lines
//! reach through a Unix socket. Stops cleanly on SIGTERM or SIGINT (Ctrl-C): the command in flight finishes and
//! is flushed, the clients are told, the socket is removed, exit 0.

use super::{Cli, open_desk_at, os_login};
use crate::desk::Actor;
use crate::net::{self, Access, Server, peer};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub(super) fn run(cli: &Cli, path: &Path, group: Option<&str>) -> ExitCode {
    match serve(cli, path, group) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("guichet serve : {message}");
            ExitCode::from(2)
        }
    }
}

fn serve(cli: &Cli, path: &Path, group: Option<&str>) -> Result<(), String> {
    let socket = cli
        .socket
        .clone()
        .unwrap_or_else(|| net::default_socket(path));
    let access = match group {
        None => Access::OwnerOnly,
        Some(name) => Access::Group(
            peer::group_id(name)
                .ok_or_else(|| format!("aucun groupe « {name} » sur ce système"))?,
        ),
    };
    if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
        return Err(format!(
            "un serveur guichet écoute déjà sur {} : les guichets et les commandes s'y connectent d'eux-mêmes",
            socket.display()
        ));
    }
    let desk = super::with_clock(open_desk_at(path)?)?;
    // The owner of the server is the administrator of an empty database, as the first desk would be.
    desk.bootstrap(&Actor::new(os_login()))
        .map_err(|e| e.to_string())?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|e| format!("signal {signal} impossible à intercepter : {e}"))?;
    }
    let server = Server::bind(desk, &socket, access)?;
    let who = match (access, group) {
        (Access::Group(gid), Some(name)) => format!("le propriétaire et le groupe {name} ({gid})"),
        _ => "le propriétaire seul".to_string(),
    };
    eprintln!(
        "guichet serve : base {}, socket {} (accès : {who}) ; arrêt par SIGTERM ou Ctrl-C",
        path.display(),
        socket.display()
    );
    server.run(&stop)?;
    eprintln!("guichet serve : arrêté ; tout ce qui a été confirmé est enregistré");
    Ok(())
}
