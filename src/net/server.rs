//! `guichet serve`: one process owns the database and runs every command of every client through its own desk,
//! one at a time, each flushed before its answer. Clients are Unix-socket connections; who they are comes from
//! the kernel (peer credentials), never from what they send. Each connection has a reader (requests, in order)
//! and a writer (answers and news, through a bounded queue): a client that stops reading is dropped, not waited
//! for, and a bad frame drops only the client that sent it.

use super::peer;
use super::wire::{self, Frame, Notice, Reply, Request, WireError, WireReceipt};
use crate::desk::many::Many;
use crate::desk::{Actor, Command, Desk, DeskError, Receipt};
use crate::domain::Refusal;
use crate::domain::refusal::Rule;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Frames waiting for a slow client; past this, the client is dropped.
const QUEUE: usize = 256;
/// How long the body of a started frame, or the writing of an answer, may take.
const STALL: Duration = Duration::from_secs(10);
/// The most rows one page request returns: the longest a client's store asks.
const MAX_PAGE: u32 = crate::store::LONGEST_PAGE;

/// The most rows one bounded scan examines (it sends only those it keeps): a few milliseconds of the server's.
const MAX_SCAN: u32 = 4 * crate::store::LONGEST_PAGE;

/// The longest bytes a page or a scan may keep the rows holding: a search text is far shorter.
const MAX_HOLDING: usize = 1024;
/// The most clients served at once: a team is a few dozen operators; past this, a new client is told and closed.
const MAX_CLIENTS: usize = 256;

pub struct Server {
    desk: Arc<Desk>,
    listener: UnixListener,
    socket: PathBuf,
    shared: Arc<Shared>,
}

struct Shared {
    clients: Mutex<Vec<Slot>>,
    closing: AtomicBool,
    next_id: AtomicU64,
    /// The journal sequence last announced to the clients.
    announced: AtomicU64,
    writers: AtomicUsize,
}

struct Slot {
    id: u64,
    tx: SyncSender<Frame>,
    stream: UnixStream,
}

/// Who may reach the socket and the database directory besides their owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    OwnerOnly,
    Group(u32),
}

impl Server {
    /// Listens on `socket` for the desk's database: the socket 0600 (0660 for a group), the database directory
    /// 0700 (0710 for a group: its members reach the socket, list nothing), both given to the group.
    pub fn bind(desk: Desk, socket: &Path, access: Access) -> Result<Server, String> {
        if let Ok(meta) = std::fs::symlink_metadata(socket) {
            use std::os::unix::fs::FileTypeExt;
            if !meta.file_type().is_socket() {
                return Err(format!(
                    "{} existe et n'est pas une socket : choisissez un autre chemin (--socket)",
                    socket.display()
                ));
            }
            if UnixStream::connect(socket).is_ok() {
                return Err(format!(
                    "un serveur guichet écoute déjà sur {}",
                    socket.display()
                ));
            }
            // The socket of a server that is gone.
            std::fs::remove_file(socket).map_err(|e| {
                format!(
                    "ancienne socket {} impossible à retirer : {e}",
                    socket.display()
                )
            })?;
        }
        let listener = UnixListener::bind(socket)
            .map_err(|e| format!("impossible d'écouter sur {} : {e}", socket.display()))?;
        let io = |p: &Path, e: std::io::Error| format!("{} : {e}", p.display());
        let (socket_mode, dir_mode, gid) = match access {
            Access::OwnerOnly => (0o600, 0o700, None),
            Access::Group(gid) => (0o660, 0o710, Some(gid)),
        };
        std::fs::set_permissions(socket, std::fs::Permissions::from_mode(socket_mode))
            .map_err(|e| io(socket, e))?;
        let db = desk.store().path().to_path_buf();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(dir_mode))
            .map_err(|e| io(&db, e))?;
        if let Some(gid) = gid {
            std::os::unix::fs::chown(socket, None, Some(gid)).map_err(|e| io(socket, e))?;
            std::os::unix::fs::chown(&db, None, Some(gid)).map_err(|e| io(&db, e))?;
        }
        listener.set_nonblocking(true).map_err(|e| io(socket, e))?;
        let head = desk.store().journal_head().map(|(seq, _)| seq).unwrap_or(0);
        Ok(Server {
            desk: Arc::new(desk),
            listener,
            socket: socket.to_path_buf(),
            shared: Arc::new(Shared {
                clients: Mutex::new(Vec::new()),
                closing: AtomicBool::new(false),
                next_id: AtomicU64::new(1),
                announced: AtomicU64::new(head),
                writers: AtomicUsize::new(0),
            }),
        })
    }

    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// Serves until `stop` is set (SIGTERM, SIGINT), then finishes the command in flight, flushes, tells the
    /// clients, and returns.
    pub fn run(self, stop: &AtomicBool) -> Result<(), String> {
        // The filters' trees are read into memory beside the first clients (`Store::warm`); a failure is left to
        // the reads that need them, which report it to their client.
        let desk = self.desk.clone();
        let _ = std::thread::Builder::new()
            .name("guichet-memoire".to_string())
            .spawn(move || desk.store().warm());
        while !stop.load(Ordering::Relaxed) {
            match self.listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => eprintln!("guichet serve : connexion refusée : {e}"),
            }
        }
        self.close()
    }

    fn admit(&self, mut stream: UnixStream) {
        let _ = stream.set_nonblocking(false);
        if lock(&self.shared.clients).len() >= MAX_CLIENTS {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = wire::write_frame(
                &mut stream,
                &Frame::Reply(Reply::Failed(format!(
                    "le serveur guichet sert déjà {MAX_CLIENTS} clients : réessayez plus tard"
                ))),
            );
            return;
        }
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::sync_channel::<Frame>(QUEUE);
        let (Ok(write_half), Ok(slot_half)) = (stream.try_clone(), stream.try_clone()) else {
            return;
        };
        lock(&self.shared.clients).push(Slot {
            id,
            tx: tx.clone(),
            stream: slot_half,
        });
        self.shared.writers.fetch_add(1, Ordering::SeqCst);
        let shared = self.shared.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("guichet-ecrit-{id}"))
            .spawn(move || {
                write_loop(write_half, rx);
                shared.writers.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // No thread to be had (a process limit): this client is closed, the others are served.
            self.shared.writers.fetch_sub(1, Ordering::SeqCst);
            remove(&self.shared, id);
            return;
        }
        let shared = self.shared.clone();
        let desk = self.desk.clone();
        let closing = stream.try_clone().ok();
        let spawned = std::thread::Builder::new()
            .name(format!("guichet-lit-{id}"))
            .spawn(move || {
                let mut session = Session {
                    desk: &desk,
                    shared: &shared,
                    tx,
                    login: None,
                };
                session.serve(stream);
                drop(session);
                remove(&shared, id);
            });
        if spawned.is_err() {
            remove(&self.shared, id);
            if let Some(s) = closing {
                let _ = s.shutdown(std::net::Shutdown::Both);
            }
        }
    }

    fn close(self) -> Result<(), String> {
        self.shared.closing.store(true, Ordering::SeqCst);
        let _ = std::fs::remove_file(&self.socket);
        // Waits for the command in flight; holds every other one back until the process ends.
        let _quiet = self.desk.quiesce().map_err(|e| e.to_string())?;
        announce(&self.shared, &self.desk);
        let slots: Vec<Slot> = std::mem::take(&mut *lock(&self.shared.clients));
        for slot in &slots {
            let _ = slot.tx.try_send(Frame::Notice(Notice::Closing));
            let _ = slot.stream.shutdown(std::net::Shutdown::Read);
        }
        drop(slots);
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.shared.writers.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        // No command may start between here and the end of the process.
        std::mem::forget(_quiet);
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn remove(shared: &Shared, id: u64) {
    lock(&shared.clients).retain(|s| s.id != id);
}

/// Tells every client that the journal moved; a client whose queue is full has stopped reading and is dropped.
fn announce(shared: &Shared, desk: &Desk) {
    let Ok((seq, _)) = desk.store().journal_head() else {
        return;
    };
    if shared.announced.fetch_max(seq, Ordering::SeqCst) >= seq {
        return;
    }
    let by = desk
        .store()
        .journal_entry(seq)
        .ok()
        .flatten()
        .map(|e| e.draft.operator)
        .unwrap_or_default();
    let mut clients = lock(&shared.clients);
    clients.retain(|slot| {
        match slot.tx.try_send(Frame::Notice(Notice::Changed {
            seq,
            by: by.clone(),
        })) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                let _ = slot.stream.shutdown(std::net::Shutdown::Both);
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    });
}

fn write_loop(mut stream: UnixStream, rx: mpsc::Receiver<Frame>) {
    let _ = stream.set_write_timeout(Some(STALL));
    for frame in rx {
        if wire::write_frame(&mut stream, &frame).is_err() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

/// One client's requests, in order.
struct Session<'a> {
    desk: &'a Desk,
    shared: &'a Shared,
    tx: SyncSender<Frame>,
    /// The OS login of the peer, known once it said hello.
    login: Option<String>,
}

impl Session<'_> {
    fn serve(&mut self, mut stream: UnixStream) {
        let uid = match peer::peer_uid(&stream) {
            Ok(uid) => uid,
            Err(_) => return,
        };
        loop {
            let request = match read_request(&mut stream) {
                Ok(request) => request,
                Err(WireError::Closed) => return,
                Err(e) => {
                    // The stream is out of step: answer why, then drop this client only.
                    self.reply(Reply::Failed(format!("requête rejetée : {e}")));
                    let _ = stream.shutdown(std::net::Shutdown::Read);
                    return;
                }
            };
            let reply = self.answer(uid, request);
            if !self.reply(reply) {
                return;
            }
        }
    }

    fn reply(&self, reply: Reply) -> bool {
        self.tx.send(Frame::Reply(reply)).is_ok()
    }

    fn hello(&mut self, uid: u32, protocol: u32) -> Reply {
        if self.login.is_some() {
            return Reply::Failed("déjà identifié".to_string());
        }
        if protocol != wire::PROTOCOL {
            return Reply::Failed(format!(
                "version du protocole {protocol}, le serveur parle la {} : mettez guichet à jour",
                wire::PROTOCOL
            ));
        }
        let Some(login) = peer::login_of(uid) else {
            return Reply::Failed(format!(
                "l'utilisateur {uid} n'a pas de compte sur ce serveur"
            ));
        };
        let head = self
            .desk
            .store()
            .journal_head()
            .map(|(s, _)| s)
            .unwrap_or(0);
        self.login = Some(login.clone());
        Reply::Welcome { login, head }
    }

    fn answer(&mut self, uid: u32, request: Request) -> Reply {
        if let Request::Hello { protocol } = request {
            return self.hello(uid, protocol);
        }
        let Some(login) = self.login.clone() else {
            return Reply::Failed("dites bonjour d'abord (Hello)".to_string());
        };
        match request {
            Request::Hello { .. } => Reply::Failed("déjà identifié".to_string()),
            Request::Get { tree, key } => self
                .reader(&login)
                .and_then(|()| self.desk.store().get_raw(tree, &key).map_err(failed))
                .map(|v| Reply::Value(v.map(|v| v.to_vec())))
                .unwrap_or_else(|r| r),
            Request::Page(query) | Request::Scan(query)
                if query
                    .holding
                    .as_ref()
                    .is_some_and(|h| h.len() > MAX_HOLDING) =>
            {
                Reply::Failed(format!(
                    "motif de recherche trop long : {} octets (au plus {MAX_HOLDING})",
                    query.holding.as_ref().map_or(0, Vec::len)
                ))
            }
            Request::Page(mut query) => {
                query.limit = query.limit.min(MAX_PAGE);
                self.reader(&login)
                    .and_then(|()| self.desk.store().page(&query).map_err(failed))
                    .map(Reply::Rows)
                    .unwrap_or_else(|r| r)
            }
            Request::Scan(mut query) => {
                query.limit = query.limit.clamp(1, MAX_SCAN);
                self.reader(&login)
                    .and_then(|()| self.desk.store().scan_page(&query).map_err(failed))
                    .map(Reply::Scanned)
                    .unwrap_or_else(|r| r)
            }
            Request::GetMany { keys, .. } if keys.len() > wire::MAX_KEYS => Reply::Failed(format!(
                "trop de clés demandées d'un coup : {} (au plus {})",
                keys.len(),
                wire::MAX_KEYS
            )),
            Request::GetMany { tree, keys } => self
                .reader(&login)
                .and_then(|()| self.desk.store().get_many_raw(tree, &keys).map_err(failed))
                .map(|values| {
                    Reply::Values(values.into_iter().map(|v| v.map(|v| v.to_vec())).collect())
                })
                .unwrap_or_else(|r| r),
            Request::Len { tree } => self
                .reader(&login)
                .and_then(|()| self.desk.store().len(tree).map_err(failed))
                .map(|n| Reply::Count(n as u64))
                .unwrap_or_else(|r| r),
            Request::Execute { acting_as, line } => self.write(|desk| {
                receipt(desk.execute_line(&Actor::acting_as(&login, acting_as), &line))
            }),
            // Only what a client cannot send as a command is refused on its word: a line it could not read.
            Request::RefuseLine { refusal, .. } if refusal.rule != Rule::Syntax => Reply::Failed(
                "seule une ligne illisible (refus de syntaxe) se journalise sans être exécutée"
                    .to_string(),
            ),
            Request::RefuseLine {
                acting_as,
                line,
                refusal,
            } => self.write(|desk| {
                receipt(desk.refuse_line(&Actor::acting_as(&login, acting_as), &line, refusal))
            }),
            Request::ExecuteAll {
                acting_as,
                lines,
                dry_run,
                what,
            } => self.write(|desk| {
                let actor = Actor::acting_as(&login, acting_as);
                many(desk, &actor, &lines, dry_run, &what)
            }),
            Request::Preview { acting_as, line } => {
                let actor = Actor::acting_as(&login, acting_as);
                match Command::parse_line(&line)
                    .map_err(DeskError::Refused)
                    .and_then(|c| self.desk.preview(&actor, &c))
                {
                    Ok(()) => Reply::Previewed,
                    Err(DeskError::Refused(r)) => Reply::Refused(r),
                    Err(e) => Reply::Failed(e.to_string()),
                }
            }
        }
    }

    /// Reads are for operators: the records are the establishments' and their agents' personal data.
    fn reader(&self, login: &str) -> Result<(), Reply> {
        match self.desk.store().operator(login) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(Reply::Failed(format!(
                "{login} n'est pas un opérateur de ce guichet : un administrateur l'ajoute par operator.add"
            ))),
            Err(e) => Err(failed(e)),
        }
    }

    fn write(&self, run: impl FnOnce(&Desk) -> Reply) -> Reply {
        if self.shared.closing.load(Ordering::SeqCst) {
            return Reply::Failed(
                "le serveur guichet s'arrête : commande non exécutée, renvoyez-la quand il sera relancé"
                    .to_string(),
            );
        }
        let reply = run(self.desk);
        announce(self.shared, self.desk);
        reply
    }
}

fn read_request(stream: &mut UnixStream) -> Result<Request, WireError> {
    // Between requests a client may be idle as long as it likes; a started frame must arrive whole, and soon.
    let mut first = [0u8; 1];
    loop {
        match std::io::Read::read(stream, &mut first) {
            Ok(0) => return Err(WireError::Closed),
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let _ = stream.set_read_timeout(Some(STALL));
    let request = wire::read_len(&mut std::io::Read::chain(&first[..], &mut *stream))
        .and_then(|len| wire::read_body(stream, len));
    let _ = stream.set_read_timeout(None);
    request
}

fn failed(e: impl std::fmt::Display) -> Reply {
    Reply::Failed(e.to_string())
}

fn wire_receipt(r: Receipt) -> WireReceipt {
    WireReceipt {
        seq: r.seq,
        summary: r.summary,
        result: r.result.to_string(),
    }
}

fn receipt(outcome: Result<Receipt, DeskError>) -> Reply {
    match outcome {
        Ok(r) => Reply::Done(wire_receipt(r)),
        Err(DeskError::Refused(r)) => Reply::Refused(r),
        Err(e) => Reply::Failed(e.to_string()),
    }
}

fn many(desk: &Desk, actor: &Actor, lines: &[String], dry_run: bool, what: &str) -> Reply {
    let mut commands = Vec::with_capacity(lines.len());
    let mut unreadable: Vec<(u64, Refusal)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match Command::parse_line(line) {
            Ok(c) => commands.push(c),
            Err(r) => unreadable.push((i as u64, r)),
        }
    }
    if !unreadable.is_empty() {
        return Reply::ManyRefused(unreadable);
    }
    match desk.execute_all(actor, &commands, dry_run, what) {
        Ok(Many::Done(receipts)) => {
            Reply::ManyDone(receipts.into_iter().map(wire_receipt).collect())
        }
        Ok(Many::Refused(lines)) => Reply::ManyRefused(
            lines
                .into_iter()
                .map(|l| (l.index as u64, l.refusal))
                .collect(),
        ),
        Err(DeskError::Refused(r)) => Reply::Refused(r),
        Err(e) => Reply::Failed(e.to_string()),
    }
}
