//! A `guichet serve` process for the tests: started on a database, waited for until it greets a client, stopped
//! by SIGTERM or killed by SIGKILL, and killed anyway when dropped. Beside it, the ways to reach it: the binary as
//! a client (`cli`, bounded in time), a client desk in this process (`client_desk`), and raw frames on a Unix
//! socket, each read under a timeout so that no test can hang on a server that keeps silent.

use guichet::desk::Desk;
use guichet::net::wire::{self, Frame, Reply, Request, WireError};
use serde::Serialize;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The fixed clock of every process these helpers start (the same as `common::NOW`).
pub const SERVER_NOW: &str = "2026-11-28T10:00:00Z";
/// How long a server may take to answer its first greeting.
const START: Duration = Duration::from_secs(10);
/// How long a stopped or killed server may take to exit.
const EXIT: Duration = Duration::from_secs(10);
/// How long a command-line call may take before the test gives up on it (and kills it).
pub const CLI_LIMIT: Duration = Duration::from_secs(60);
/// How long a raw socket waits for a frame.
pub const RAW_TIMEOUT: Duration = Duration::from_secs(10);

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_guichet")
}

/// The binary on `db` with the fixed clock, no inherited database or socket.
pub fn command(db: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.arg("--db")
        .arg(db)
        .env("GUICHET_NOW", SERVER_NOW)
        .env_remove("GUICHET_DB")
        .env_remove("GUICHET_SOCKET");
    cmd
}

/// A running `guichet serve`.
pub struct Server {
    child: Option<Child>,
    db: PathBuf,
    socket: PathBuf,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// Collects what a child writes on a pipe, in a thread, so that it never blocks on a full pipe.
fn collect(
    mut from: impl Read + Send + 'static,
) -> (Arc<Mutex<Vec<u8>>>, std::thread::JoinHandle<()>) {
    let sink = Arc::new(Mutex::new(Vec::new()));
    let to = sink.clone();
    let handle = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => to
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(&buf[..n]),
            }
        }
    });
    (sink, handle)
}

fn text(bytes: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&bytes.lock().unwrap_or_else(|p| p.into_inner())).to_string()
}

/// Waits up to `limit` for a child to exit; `None` if it is still running.
pub fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => return None,
            Err(e) => panic!("waiting for a child: {e}"),
        }
    }
}

/// Sends a signal to a process we started.
pub fn signal(pid: u32, sig: libc::c_int) {
    // SAFETY: kill only sends a signal to the process id given, one of our own children.
    let rc = unsafe { libc::kill(pid as libc::pid_t, sig) };
    assert_eq!(
        rc,
        0,
        "kill({pid}, {sig}): {}",
        std::io::Error::last_os_error()
    );
}

impl Server {
    /// Starts `guichet --db <db> serve <extra_args>` and waits until the socket greets a client.
    pub fn start(db: &Path, extra_args: &[&str]) -> Server {
        match Server::try_start(db, extra_args) {
            Ok(server) => server,
            Err((status, stderr)) => {
                panic!("guichet serve did not start ({status:?}):\n{stderr}")
            }
        }
    }

    /// The same; `Err` with the exit status and the standard error when the server exits (or never answers).
    pub fn try_start(
        db: &Path,
        extra_args: &[&str],
    ) -> Result<Server, (Option<ExitStatus>, String)> {
        Server::try_start_with(db, extra_args, |_| {})
    }

    /// The same, with the command changed by `configure` before it is spawned (another user, limits…).
    pub fn try_start_with(
        db: &Path,
        extra_args: &[&str],
        configure: impl FnOnce(&mut Command),
    ) -> Result<Server, (Option<ExitStatus>, String)> {
        let mut cmd = command(db);
        cmd.arg("serve").args(extra_args);
        configure(&mut cmd);
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn guichet serve");
        let (stderr, _) = collect(child.stderr.take().expect("stderr piped"));
        // `--socket PATH` among the arguments moves the socket out of the database directory.
        let socket = extra_args
            .windows(2)
            .find(|pair| pair[0] == "--socket")
            .map(|pair| PathBuf::from(pair[1]))
            .unwrap_or_else(|| guichet::net::default_socket(db));
        let mut server = Server {
            child: Some(child),
            db: db.to_path_buf(),
            socket,
            stderr,
        };
        let deadline = Instant::now() + START;
        loop {
            if let Some(status) = server.child_mut().try_wait().expect("try_wait") {
                // Let the reader thread take the last bytes.
                std::thread::sleep(Duration::from_millis(50));
                server.child = None;
                return Err((Some(status), server.stderr()));
            }
            if server.greets() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                let stderr = server.stderr();
                return Err((None, stderr));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether a client saying hello on the socket is welcomed.
    fn greets(&self) -> bool {
        let Ok(mut stream) = UnixStream::connect(&self.socket) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        if send(
            &mut stream,
            &Request::Hello {
                protocol: wire::PROTOCOL,
            },
        )
        .is_err()
        {
            return false;
        }
        matches!(next_reply(&mut stream), Ok(Reply::Welcome { .. }))
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child.as_mut().expect("the server process")
    }

    /// Whether the server process is still running.
    pub fn running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => child.try_wait().expect("try_wait").is_none(),
            None => false,
        }
    }

    pub fn db(&self) -> &Path {
        &self.db
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the server process").id()
    }

    /// What the server wrote on its standard error so far.
    pub fn stderr(&self) -> String {
        text(&self.stderr)
    }

    /// SIGTERM, then waits for the exit (panics after 10 s, killing it).
    pub fn terminate(&mut self) -> ExitStatus {
        self.stop(libc::SIGTERM)
    }

    /// SIGKILL, and reaps it.
    pub fn kill(&mut self) -> ExitStatus {
        self.stop(libc::SIGKILL)
    }

    /// SIGTERM, then the exit status and how long the server took to exit.
    pub fn terminate_timed(&mut self) -> (ExitStatus, Duration) {
        let start = Instant::now();
        let status = self.terminate();
        (status, start.elapsed())
    }

    /// Waits up to `limit` for the server to exit by itself (after a `signal`); `None` if it still runs.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let status = wait_for(self.child_mut(), limit)?;
        self.child = None;
        std::thread::sleep(Duration::from_millis(20));
        Some(status)
    }

    fn stop(&mut self, sig: libc::c_int) -> ExitStatus {
        let pid = self.pid();
        signal(pid, sig);
        let child = self.child_mut();
        match wait_for(child, EXIT) {
            Some(status) => {
                self.child = None;
                // Let the reader thread take the last bytes of the standard error.
                std::thread::sleep(Duration::from_millis(20));
                status
            }
            None => {
                let _ = child.kill();
                let _ = child.wait();
                self.child = None;
                panic!(
                    "guichet serve ({pid}) still running {EXIT:?} after signal {sig}:\n{}",
                    self.stderr()
                );
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs a child to its end, feeding it `stdin`, killing it after `limit` (the output then says so).
pub fn run_bounded(mut cmd: Command, stdin: Option<&[u8]>, limit: Duration) -> Output {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn guichet");
    let (out, out_thread) = collect(child.stdout.take().expect("stdout piped"));
    let (err, err_thread) = collect(child.stderr.take().expect("stderr piped"));
    if let Some(bytes) = stdin {
        let mut input = child.stdin.take().expect("stdin piped");
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = input.write_all(&bytes);
        });
    }
    let status = match wait_for(&mut child, limit) {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let status = child.wait().expect("wait");
            let _ = out_thread.join();
            let _ = err_thread.join();
            panic!(
                "{cmd:?} still running after {limit:?}; killed ({status:?})\nstdout:\n{}\nstderr:\n{}",
                text(&out),
                text(&err)
            );
        }
    };
    let _ = out_thread.join();
    let _ = err_thread.join();
    let stdout = out.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let stderr = err.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Output {
        status,
        stdout,
        stderr,
    }
}

/// `guichet --db <db> <args>`: a client of the server when one answers on the database's socket, else the
/// database opened directly.
pub fn cli(db: &Path, args: &[&str]) -> Output {
    let mut cmd = command(db);
    cmd.args(args);
    run_bounded(cmd, None, CLI_LIMIT)
}

/// The same, with `input` on its standard input (`batch -`).
pub fn cli_with_input(db: &Path, args: &[&str], input: &str) -> Output {
    let mut cmd = command(db);
    cmd.args(args);
    run_bounded(cmd, Some(input.as_bytes()), CLI_LIMIT)
}

/// A `--json` view through `cli`, which must succeed.
pub fn cli_json(db: &Path, args: &[&str]) -> serde_json::Value {
    let out = cli(db, &[args, &["--json"]].concat());
    assert!(
        out.status.success(),
        "{args:?} ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A desk in this process, client of the server answering on the database's socket, with the fixed clock.
pub fn client_desk(db: &Path) -> Desk {
    client_desk_at(db, &guichet::net::default_socket(db))
}

/// The same, on the server answering at `socket`.
pub fn client_desk_at(db: &Path, socket: &Path) -> Desk {
    let now = chrono::DateTime::parse_from_rfc3339(SERVER_NOW)
        .expect("fixed date")
        .to_utc();
    guichet::net::connect(db, socket)
        .unwrap_or_else(|e| panic!("the server at {} refuses: {e}", socket.display()))
        .unwrap_or_else(|| panic!("no server answers at {}", socket.display()))
        .with_clock(move || now)
}

/// A raw connection to a socket, every read and write bounded by `RAW_TIMEOUT`.
pub fn raw(socket: &Path) -> UnixStream {
    let stream =
        UnixStream::connect(socket).unwrap_or_else(|e| panic!("connect {}: {e}", socket.display()));
    stream
        .set_read_timeout(Some(RAW_TIMEOUT))
        .expect("read timeout");
    stream
        .set_write_timeout(Some(RAW_TIMEOUT))
        .expect("write timeout");
    stream
}

/// A raw connection that has said hello: the login the server recognised, and the journal's head.
pub fn raw_hello(socket: &Path) -> (UnixStream, String, u64) {
    let mut stream = raw(socket);
    send(
        &mut stream,
        &Request::Hello {
            protocol: wire::PROTOCOL,
        },
    )
    .expect("send hello");
    match next_reply(&mut stream) {
        Ok(Reply::Welcome { login, head }) => (stream, login, head),
        other => panic!("hello answered with {other:?}"),
    }
}

/// Writes one frame (a `Request`, or any value: the server decodes it as a request).
pub fn send<V: Serialize>(stream: &mut UnixStream, value: &V) -> Result<(), WireError> {
    wire::write_frame(stream, value)
}

/// Writes raw bytes, as they are.
pub fn send_bytes(stream: &mut UnixStream, bytes: &[u8]) -> std::io::Result<()> {
    stream.write_all(bytes)?;
    stream.flush()
}

/// A frame whose body is `body`, behind its 4-byte big-endian length.
pub fn framed(body: &[u8]) -> Vec<u8> {
    let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(body);
    bytes
}

/// The next frame from the server (a timeout shows as `WireError::Io`).
pub fn recv(stream: &mut UnixStream) -> Result<Frame, WireError> {
    wire::read_frame(stream)
}

/// The next answer, passing over the news (notices) that may come before it.
pub fn next_reply(stream: &mut UnixStream) -> Result<Reply, WireError> {
    loop {
        match recv(stream)? {
            Frame::Reply(reply) => return Ok(reply),
            Frame::Notice(_) => {}
        }
    }
}

/// Sends a request and returns its answer; panics on a broken link or a timeout.
pub fn ask(stream: &mut UnixStream, request: &Request) -> Reply {
    send(stream, request).unwrap_or_else(|e| panic!("send {request:?}: {e}"));
    next_reply(stream).unwrap_or_else(|e| panic!("no answer to {request:?}: {e}"))
}

/// How a connection ended after a bad frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// The `Failed` messages received, in order.
    pub failed: Vec<String>,
    /// Whether the server closed the connection (end of stream, or reset).
    pub closed: bool,
    /// Any other answer received.
    pub others: Vec<String>,
}

/// Reads what the server says until it closes the connection or keeps silent for `RAW_TIMEOUT`.
pub fn ending(stream: &mut UnixStream) -> Ending {
    let mut end = Ending {
        failed: Vec::new(),
        closed: false,
        others: Vec::new(),
    };
    loop {
        match recv(stream) {
            Ok(Frame::Reply(Reply::Failed(message))) => end.failed.push(message),
            Ok(Frame::Notice(_)) => {}
            Ok(other) => end.others.push(format!("{other:?}")),
            Err(WireError::Closed) => {
                end.closed = true;
                return end;
            }
            Err(WireError::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return end;
            }
            // A reset, or a frame cut by the close: the connection is gone.
            Err(_) => {
                end.closed = true;
                return end;
            }
        }
    }
}
