//! A client of `guichet serve`: the store's reads and the desk's commands over the socket. One request at a time
//! per client; a reader thread takes the server's frames, hands answers to the request waiting for them and keeps
//! the news (someone changed something, the server is stopping) for the screen to pick up.

use super::wire::{self, Frame, Notice, Reply, Request, WireReceipt};
use crate::desk::many::{LineRefusal, Many};
use crate::desk::{DeskError, Link, LinkState, Receipt, Remote};
use crate::domain::Refusal;
use crate::store::{PageQuery, RawRows, RemoteReads, Scanned, StoreError, T};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a request may wait for its answer (an import of many lines behind another one included).
const ANSWER: Duration = Duration::from_secs(300);

pub struct Client {
    socket: PathBuf,
    conn: Mutex<Option<Conn>>,
    news: Arc<News>,
}

struct Conn {
    stream: UnixStream,
    answers: Receiver<Reply>,
}

/// What the reader thread learnt from the server, for the screen.
struct News {
    changed: AtomicU64,
    changed_by: Mutex<Option<String>>,
    state: AtomicU8,
    login: Mutex<String>,
    /// The connection the state is about: a reader thread of an abandoned connection changes nothing.
    generation: AtomicU64,
}

const CONNECTED: u8 = 0;
const CLOSING: u8 = 1;
const GONE: u8 = 2;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Client {
    /// Connects and says hello; the server answers with the login it recognised.
    pub fn connect(socket: &Path) -> Result<Client, String> {
        let client = Client {
            socket: socket.to_path_buf(),
            conn: Mutex::new(None),
            news: Arc::new(News {
                changed: AtomicU64::new(0),
                changed_by: Mutex::new(None),
                state: AtomicU8::new(GONE),
                login: Mutex::new(String::new()),
                generation: AtomicU64::new(0),
            }),
        };
        let conn = client.open().map_err(|e| e.to_string())?;
        *lock(&client.conn) = Some(conn);
        Ok(client)
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The login the server recognised from this process's user id.
    pub fn login(&self) -> String {
        lock(&self.news.login).clone()
    }

    fn gone(&self, why: impl std::fmt::Display) -> StoreError {
        StoreError::Server(format!(
            "le serveur guichet ({}) ne répond plus : {why} ; tout ce qu'il a confirmé est enregistré, et une commande envoyée restée sans réponse a pu l'être aussi : vérifiez-la (guichet show, le journal) avant de la renvoyer",
            self.socket.display()
        ))
    }

    fn open(&self) -> Result<Conn, StoreError> {
        let stream = UnixStream::connect(&self.socket).map_err(|e| self.gone(e))?;
        let mut reading = stream.try_clone().map_err(|e| self.gone(e))?;
        let (tx, answers) = mpsc::channel();
        let news = self.news.clone();
        let generation = news.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let current = move |news: &News| news.generation.load(Ordering::SeqCst) == generation;
        std::thread::spawn(move || {
            loop {
                match wire::read_frame::<Frame>(&mut reading) {
                    Ok(Frame::Reply(reply)) => {
                        if tx.send(reply).is_err() {
                            break;
                        }
                    }
                    Ok(Frame::Notice(Notice::Changed { seq, by })) => {
                        *lock(&news.changed_by) = Some(by);
                        news.changed.fetch_max(seq, Ordering::SeqCst);
                    }
                    Ok(Frame::Notice(Notice::Closing)) => {
                        if current(&news) {
                            news.state.store(CLOSING, Ordering::SeqCst);
                        }
                    }
                    Err(_) => break,
                }
            }
            if current(&news) {
                news.state.store(GONE, Ordering::SeqCst);
            }
        });
        let mut conn = Conn { stream, answers };
        match self.exchange(
            &mut conn,
            &Request::Hello {
                protocol: wire::PROTOCOL,
            },
        )? {
            Reply::Welcome { login, head } => {
                *lock(&self.news.login) = login;
                self.news.changed.fetch_max(head, Ordering::SeqCst);
                self.news.state.store(CONNECTED, Ordering::SeqCst);
                Ok(conn)
            }
            Reply::Failed(message) => Err(StoreError::Server(message)),
            other => Err(self.gone(format!("réponse inattendue au bonjour : {other:?}"))),
        }
    }

    fn exchange(&self, conn: &mut Conn, request: &Request) -> Result<Reply, StoreError> {
        wire::write_frame(&mut conn.stream, request).map_err(|e| self.gone(e))?;
        match conn.answers.recv_timeout(ANSWER) {
            Ok(reply) => Ok(reply),
            Err(RecvTimeoutError::Timeout) => Err(self.gone("pas de réponse")),
            Err(RecvTimeoutError::Disconnected) => Err(self.gone("connexion fermée")),
        }
    }

    /// Sends one request and waits for its answer, reconnecting first if the link was lost (a restarted server).
    pub fn request(&self, request: &Request) -> Result<Reply, StoreError> {
        let mut slot = lock(&self.conn);
        if slot.is_none() || self.news.state.load(Ordering::SeqCst) == GONE {
            *slot = Some(self.open()?);
        }
        let Some(conn) = slot.as_mut() else {
            return Err(self.gone("pas de connexion"));
        };
        let reply = self.exchange(conn, request);
        if reply.is_err() {
            // The connection is abandoned: its reader thread ends with it.
            let _ = conn.stream.shutdown(std::net::Shutdown::Both);
            *slot = None;
            self.news.state.store(GONE, Ordering::SeqCst);
        }
        reply
    }

    fn command(&self, request: &Request) -> Result<Receipt, DeskError> {
        match self.request(request)? {
            Reply::Done(r) => Ok(receipt(r)),
            other => Err(unexpected(other)),
        }
    }
}

fn receipt(r: WireReceipt) -> Receipt {
    Receipt {
        seq: r.seq,
        summary: r.summary,
        result: serde_json::from_str(&r.result).unwrap_or(serde_json::Value::Null),
    }
}

/// A refusal stays a refusal; anything else the server could not do is an error of the link.
fn unexpected(reply: Reply) -> DeskError {
    match reply {
        Reply::Refused(r) => DeskError::Refused(r),
        Reply::Failed(message) => DeskError::Store(StoreError::Server(message)),
        other => DeskError::Store(StoreError::Server(format!(
            "réponse inattendue du serveur : {other:?}"
        ))),
    }
}

fn store_error(reply: Reply) -> StoreError {
    match unexpected(reply) {
        DeskError::Store(e) => e,
        DeskError::Refused(r) => StoreError::Server(r.message),
    }
}

impl RemoteReads for Client {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.request(&Request::Get {
            tree,
            key: key.to_vec(),
        })? {
            Reply::Value(v) => Ok(v),
            other => Err(store_error(other)),
        }
    }

    fn page(&self, query: &PageQuery) -> Result<RawRows, StoreError> {
        match self.request(&Request::Page(query.clone()))? {
            Reply::Rows(rows) => Ok(rows),
            other => Err(store_error(other)),
        }
    }

    fn scan(&self, query: &PageQuery) -> Result<Scanned, StoreError> {
        match self.request(&Request::Scan(query.clone()))? {
            Reply::Scanned(scanned) => Ok(scanned),
            other => Err(store_error(other)),
        }
    }

    fn get_many(&self, tree: T, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(wire::MAX_KEYS) {
            match self.request(&Request::GetMany {
                tree,
                keys: chunk.to_vec(),
            })? {
                Reply::Values(values) if values.len() == chunk.len() => out.extend(values),
                other => return Err(store_error(other)),
            }
        }
        Ok(out)
    }

    fn len(&self, tree: T) -> Result<u64, StoreError> {
        match self.request(&Request::Len { tree })? {
            Reply::Count(n) => Ok(n),
            other => Err(store_error(other)),
        }
    }
}

fn owned(acting_as: Option<&str>) -> Option<String> {
    acting_as.map(str::to_string)
}

impl Remote for Client {
    fn execute_line(&self, acting_as: Option<&str>, line: &str) -> Result<Receipt, DeskError> {
        self.command(&Request::Execute {
            acting_as: owned(acting_as),
            line: line.to_string(),
        })
    }

    fn refuse_line(
        &self,
        acting_as: Option<&str>,
        line: &str,
        refusal: &Refusal,
    ) -> Result<Receipt, DeskError> {
        self.command(&Request::RefuseLine {
            acting_as: owned(acting_as),
            line: line.to_string(),
            refusal: refusal.clone(),
        })
    }

    fn execute_all(
        &self,
        acting_as: Option<&str>,
        lines: Vec<String>,
        dry_run: bool,
        what: &str,
    ) -> Result<Many, DeskError> {
        match self.request(&Request::ExecuteAll {
            acting_as: owned(acting_as),
            lines,
            dry_run,
            what: what.to_string(),
        })? {
            Reply::ManyDone(receipts) => {
                Ok(Many::Done(receipts.into_iter().map(receipt).collect()))
            }
            Reply::ManyRefused(lines) => Ok(Many::Refused(
                lines
                    .into_iter()
                    .map(|(index, refusal)| LineRefusal {
                        index: index as usize,
                        refusal,
                    })
                    .collect(),
            )),
            other => Err(unexpected(other)),
        }
    }

    fn preview(&self, acting_as: Option<&str>, line: &str) -> Result<(), DeskError> {
        match self.request(&Request::Preview {
            acting_as: owned(acting_as),
            line: line.to_string(),
        })? {
            Reply::Previewed => Ok(()),
            other => Err(unexpected(other)),
        }
    }

    fn link(&self) -> Link {
        Link {
            socket: self.socket.display().to_string(),
            login: self.login(),
            changed: self.news.changed.load(Ordering::SeqCst),
            changed_by: lock(&self.news.changed_by).clone(),
            state: match self.news.state.load(Ordering::SeqCst) {
                CONNECTED => LinkState::Connected,
                CLOSING => LinkState::Closing,
                _ => LinkState::Gone,
            },
        }
    }
}
