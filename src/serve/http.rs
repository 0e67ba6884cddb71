//! The preview's HTTP/1.1 transport, written for what a server that a
//! browser can reach must refuse:
//!
//! - requests whose `Host` is not this server (DNS rebinding: a web page on
//!   `attacker.example`, whose name is made to resolve to 127.0.0.1, would
//!   otherwise read the preview and `/__kbc/diagnostics.json`): 421;
//! - request heads over [`HEAD_LIMIT`] bytes or [`MAX_HEADERS`] lines (431,
//!   or 414 for the request line), or not complete within [`HEAD_DEADLINE`];
//! - more than [`MAX_CONNECTIONS`] connections at once: further ones wait in
//!   the listen backlog, so the thread count stays bounded.
//!
//! One thread per connection, from a counted set; every response closes its
//! connection (a dev server on loopback loses nothing by that, and no idle
//! keep-alive connection holds a thread). Only GET and HEAD are served.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Connections handled at once; more wait to be accepted. A browser opens
/// at most six per host, and live-reload streams do not count (they are
/// handed to one thread, see `server::events`).
pub(crate) const MAX_CONNECTIONS: usize = 64;
/// The request line and headers together.
pub(crate) const HEAD_LIMIT: usize = 16 * 1024;
pub(crate) const MAX_HEADERS: usize = 100;
/// Time a client has to send the request line and headers.
pub(crate) const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// Time a response write may block on a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Listener {
    inner: TcpListener,
    addr: SocketAddr,
}

impl Listener {
    pub(super) fn bind(addr: SocketAddr) -> io::Result<Listener> {
        let inner = TcpListener::bind(addr)?;
        let addr = inner.local_addr()?;
        Ok(Listener { inner, addr })
    }

    /// The address bound, with the port the system chose for `--port 0`.
    pub(super) fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Accepts connections until the process ends, each on a thread of
    /// its own, at most [`MAX_CONNECTIONS`] at once.
    pub(super) fn serve(self, handler: impl Fn(Request) + Send + Sync + 'static) {
        let handler = Arc::new(handler);
        let permits = Arc::new(Permits { free: Mutex::new(MAX_CONNECTIONS), freed: Condvar::new() });
        loop {
            let permit = permits.acquire();
            let stream = match self.inner.accept() {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors, or the peer gave up: try again shortly.
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
            };
            let (handler, bound) = (handler.clone(), self.addr);
            let spawned = std::thread::Builder::new().name("kbc-http".into()).spawn(move || {
                let _permit = permit;
                if let Some(request) = read_request(stream, bound) {
                    handler(request);
                }
            });
            drop(spawned); // a failed spawn drops the connection and its permit
        }
    }
}

/// A counting semaphore: [`MAX_CONNECTIONS`] permits.
struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

struct Permit(Arc<Permits>);

impl Permits {
    fn acquire(self: &Arc<Self>) -> Permit {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Permit(self.clone())
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// A request that passed every check: GET or HEAD, origin-form target, and
/// a `Host` naming this server.
pub(crate) struct Request {
    head_only: bool,
    target: String,
    stream: TcpStream,
}

impl Request {
    /// The request target as sent (`/path?query`).
    pub(super) fn url(&self) -> &str {
        &self.target
    }

    /// Writes a whole response (no body for HEAD) and closes the connection.
    pub(super) fn respond(self, status: u16, content_type: &str, body: &[u8]) -> io::Result<()> {
        let body = if self.head_only { &[][..] } else { body };
        write_response(self.stream, status, content_type, body)
    }

    /// The connection, for a response written over time (an event stream).
    pub(super) fn into_stream(self) -> TcpStream {
        self.stream
    }
}

fn write_response(mut stream: TcpStream, status: u16, content_type: &str, body: &[u8]) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    // One write for small responses: the head and the body in one segment.
    let mut out = Vec::with_capacity(head.len() + body.len().min(64 * 1024));
    out.extend_from_slice(head.as_bytes());
    if body.len() <= 64 * 1024 {
        out.extend_from_slice(body);
        stream.write_all(&out)?;
    } else {
        stream.write_all(&out)?;
        stream.write_all(body)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

/// Reads and checks a request head; a refused request gets its error
/// response here, and a client that sends nothing in time is dropped.
fn read_request(stream: TcpStream, bound: SocketAddr) -> Option<Request> {
    let head = match read_head(&stream) {
        Ok(head) => head,
        Err(Refused(0)) => return None,
        Err(Refused(status)) => return refuse(stream, status),
    };
    match parse_head(&head, bound) {
        Ok((head_only, target)) => Some(Request { head_only, target, stream }),
        Err(Refused(status)) => refuse(stream, status),
    }
}

fn refuse(stream: TcpStream, status: u16) -> Option<Request> {
    // The body says what went wrong and nothing of the site.
    let body = format!("{status} {}\n", reason(status));
    let _ = write_response(stream, status, "text/plain; charset=utf-8", body.as_bytes());
    None
}

/// A refusal: the status to answer with, 0 for none (drop the connection).
#[derive(Debug, PartialEq, Eq)]
struct Refused(u16);

/// The bytes up to the blank line after the headers, read within the
/// deadline and the size limit.
fn read_head(mut stream: &TcpStream) -> Result<Vec<u8>, Refused> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(Refused(0));
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(Refused(0)),
            Ok(n) => n,
        };
        let searched = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        let end = head_end(&head[searched..]).map(|e| searched + e);
        if let Some(end) = end.filter(|&e| e <= HEAD_LIMIT) {
            head.truncate(end);
            return Ok(head);
        }
        if head.len() > HEAD_LIMIT {
            // No line break within the limit: the target is what is too long.
            let line_ended = memchr::memchr(b'\n', &head[..HEAD_LIMIT]).is_some();
            return Err(Refused(if line_ended { 431 } else { 414 }));
        }
    }
}

/// Where the head ends in `bytes`: after `\r\n\r\n` or `\n\n`.
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = memchr::memmem::find(bytes, b"\r\n\r\n").map(|i| i + 4);
    let lf = memchr::memmem::find(bytes, b"\n\n").map(|i| i + 2);
    crlf.into_iter().chain(lf).min()
}

/// Checks the request line and headers: `(HEAD?, target)`.
fn parse_head(head: &[u8], bound: SocketAddr) -> Result<(bool, String), Refused> {
    let text = std::str::from_utf8(head).map_err(|_| Refused(400))?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refused(400));
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(Refused(if version.starts_with("HTTP/") { 505 } else { 400 }));
    }
    if !target.starts_with('/') || target.bytes().any(|b| b.is_ascii_control()) {
        return Err(Refused(400));
    }
    let mut host = None;
    let mut count = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        count += 1;
        let (name, value) = line.split_once(':').ok_or(Refused(400))?;
        if count > MAX_HEADERS {
            return Err(Refused(431));
        }
        if name.is_empty() || name.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(Refused(400)); // also a folded line, which starts with a space
        }
        if name.eq_ignore_ascii_case("host") && host.replace(value.trim()).is_some() {
            return Err(Refused(400));
        }
    }
    if !host.is_some_and(|h| host_allowed(h, bound)) {
        return Err(Refused(if host.is_none() { 400 } else { 421 }));
    }
    match method {
        "GET" => Ok((false, target.to_string())),
        "HEAD" => Ok((true, target.to_string())),
        _ => Err(Refused(405)),
    }
}

/// Whether a `Host` header names this server: a loopback name or address,
/// or the address bound, with the bound port (no port only for port 80).
/// When bound to every interface (`0.0.0.0`, `::`), any IP address: DNS
/// rebinding needs a host name, and an address cannot be rebound.
pub(crate) fn host_allowed(host: &str, bound: SocketAddr) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') => (name, port.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    if port != Some(bound.port()) {
        return false;
    }
    let literal = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    match literal.parse::<IpAddr>() {
        // An IPv6 address is written in brackets in a Host header.
        Ok(IpAddr::V6(_)) if literal == name => false,
        Ok(ip) => ip.is_loopback() || ip == bound.ip() || bound.ip().is_unspecified(),
        Err(_) => name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(addr: &str) -> SocketAddr {
        addr.parse().unwrap()
    }

    #[test]
    fn accepts_only_loopback_names_and_the_bound_address_with_its_port() {
        let bound = at("127.0.0.1:3000");
        for ok in ["localhost:3000", "LOCALHOST:3000", "127.0.0.1:3000", "[::1]:3000", "127.0.0.2:3000"] {
            assert!(host_allowed(ok, bound), "{ok}");
        }
        for bad in [
            "attacker.example:3000",
            "localhost:3001",
            "localhost",
            "127.0.0.1",
            "localhost.attacker.example:3000",
            "::1:3000",
            "[::1]",
            "10.0.0.1:3000",
            "",
            ":3000",
        ] {
            assert!(!host_allowed(bad, bound), "{bad}");
        }
        assert!(host_allowed("localhost", at("127.0.0.1:80")));
        assert!(host_allowed("[fe80::1]:3000", at("[fe80::1]:3000")));
        assert!(host_allowed("192.168.1.5:3000", at("0.0.0.0:3000")));
        assert!(!host_allowed("intranet.example:3000", at("0.0.0.0:3000")));
    }

    #[test]
    fn parses_get_and_head_and_refuses_everything_else() {
        let bound = at("127.0.0.1:3000");
        let parse = |head: &str| parse_head(head.as_bytes(), bound);
        assert_eq!(parse("GET /a?b HTTP/1.1\r\nHost: localhost:3000\r\n\r\n"), Ok((false, "/a?b".into())));
        assert_eq!(parse("HEAD / HTTP/1.0\nhost: 127.0.0.1:3000\n\n"), Ok((true, "/".into())));
        assert_eq!(parse("GET / HTTP/1.1\r\nHost: evil.test:3000\r\n\r\n"), Err(Refused(421)));
        assert_eq!(parse("GET / HTTP/1.1\r\n\r\n"), Err(Refused(400)));
        assert_eq!(parse("GET / HTTP/1.1\r\nHost: localhost:3000\r\nHost: evil:3000\r\n\r\n"), Err(Refused(400)));
        assert_eq!(parse("POST / HTTP/1.1\r\nHost: localhost:3000\r\n\r\n"), Err(Refused(405)));
        assert_eq!(parse("GET / HTTP/2\r\nHost: localhost:3000\r\n\r\n"), Err(Refused(505)));
        assert_eq!(parse("GET http://x/ HTTP/1.1\r\nHost: localhost:3000\r\n\r\n"), Err(Refused(400)));
        assert_eq!(parse("GET / HTTP/1.1\r\nHost: localhost:3000\r\n folded\r\n\r\n"), Err(Refused(400)));
        let many = format!("GET / HTTP/1.1\r\nHost: localhost:3000\r\n{}\r\n", "X: y\r\n".repeat(MAX_HEADERS));
        assert_eq!(parse(&many), Err(Refused(431)));
    }

    #[test]
    fn finds_the_end_of_a_head_with_either_line_ending() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nbody"), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
    }
}
