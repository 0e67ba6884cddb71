//! A running `kbc serve` over a copy of the sample knowledge base, for the
//! serve and browser tests. The process is killed when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub struct Served {
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// The line kbc printed with its URL.
    pub announced: String,
    child: Child,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the sample (book.toml and articles/) into a temporary folder and
/// serves it on a free loopback port.
pub fn serve_sample() -> Served {
    serve_sample_with(&[])
}

/// [`serve_sample`] with extra `kbc serve` arguments.
pub fn serve_sample_with(extra: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(manifest.join("book.toml"), dir.path().join("book.toml")).unwrap();
    copy_dir(&manifest.join("articles"), &dir.path().join("articles"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbc"))
        .args(["serve", "--port", "0"])
        .args(extra)
        .current_dir(dir.path())
        // The preview's temporary folder goes inside ours: the server is
        // killed (SIGKILL) at the end and cannot clean up after itself.
        .env("TMPDIR", dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (port, announced) = read_port(stdout);
    Served { dir, port, announced, child }
}

/// Reads stdout until the "Serving ... at http://HOST:PORT/" line (within
/// [`STARTUP`]), then keeps draining it in the background so the server
/// never blocks.
fn read_port(stdout: std::process::ChildStdout) -> (u16, String) {
    let lines = lines_of(stdout);
    let start = Instant::now();
    loop {
        let line = next_line(&lines, STARTUP.saturating_sub(start.elapsed()), "kbc serve's URL");
        if let Some(rest) = line.split(" at http://").nth(1) {
            let authority = rest.split('/').next().unwrap();
            let port = authority.rsplit(':').next().unwrap().parse().unwrap();
            return (port, line.trim_end().to_string());
        }
    }
}

/// How long `kbc serve` may take to start serving, or to print a line the
/// test waits for; a server that hangs fails the test instead of the suite.
pub const STARTUP: Duration = Duration::from_secs(60);

/// The lines of `from`, read by a thread of their own so that every wait for
/// one has a timeout ([`next_line`]). The thread reads to the end (it keeps
/// draining once the receiver is gone, so the child never blocks on a full pipe).
pub fn lines_of(from: impl Read + Send + 'static) -> Receiver<String> {
    let (send, recv) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(from);
        let mut line = String::new();
        while matches!(lines.read_line(&mut line), Ok(n) if n > 0) {
            let _ = send.send(std::mem::take(&mut line));
        }
    });
    recv
}

/// The next line from [`lines_of`]; panics naming `what` if none comes within
/// `within` or the stream ended.
pub fn next_line(lines: &Receiver<String>, within: Duration, what: &str) -> String {
    match lines.recv_timeout(within) {
        Ok(line) => line,
        Err(RecvTimeoutError::Timeout) => panic!("no line within {within:?} while waiting for {what}"),
        Err(RecvTimeoutError::Disconnected) => panic!("the output ended while waiting for {what}"),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl Served {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn article(&self, rel: &str) -> PathBuf {
        self.dir.path().join("articles").join(rel)
    }

    /// The knowledge base's root folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A plain HTTP/1.0 GET: (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\n\r\n", self.port).unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let status = raw.split(' ').nth(1).unwrap().parse().unwrap();
        let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    /// Polls `path` until `pred` holds on its body (or panics after 10 s).
    pub fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (_, body) = self.get(path);
            if pred(&body) {
                return body;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Rewrites a file in place with `f`.
pub fn edit(path: &Path, f: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(&text)).unwrap();
}

/// Runs `cmd` to its end like `Command::output`, but kills it and panics if
/// it has not ended within `limit`: a hung child fails the test, not the suite.
pub fn output_within(cmd: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let bytes = |r: Receiver<Vec<u8>>| r.recv_timeout(limit).expect("the child's output to close");
    std::process::Output { status, stdout: bytes(stdout), stderr: bytes(stderr) }
}

/// Reads `from` to its end on a thread of its own; the bytes arrive once it closes.
fn drain(mut from: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (send, recv) = mpsc::channel();
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = from.read_to_end(&mut all);
        let _ = send.send(all);
    });
    recv
}
