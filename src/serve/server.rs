//! What `kbc serve` answers (the transport and its limits are in
//! [`super::http`]): static files from the preview folder with the overlay
//! injected into HTML, the live-reload event stream (server-sent events),
//! and the rule docs the overlay links to.

use super::http::{Listener, Request};
use super::overlay;
use super::state::Shared;
use std::io::Write;
use std::net::TcpStream;
use std::path::{Component, Path};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// How often an idle event stream sends a comment, to notice closed pages.
const KEEP_ALIVE: Duration = Duration::from_secs(10);
/// Live-reload streams open at once (one per open page); more get 503.
pub(crate) const MAX_STREAMS: usize = 32;

/// Answers requests until the process ends.
pub(crate) fn serve(listener: Listener, shared: Arc<Shared>) {
    let (streams, adopted) = mpsc::channel();
    let open = Arc::new(AtomicUsize::new(0));
    let streams = Streams { tx: streams, open: open.clone() };
    let broadcast_shared = shared.clone();
    std::thread::spawn(move || broadcast(&broadcast_shared, &adopted, &open));
    let streams = Arc::new(streams);
    listener.serve(move |request| handle(request, &shared, &streams));
}

fn handle(request: Request, shared: &Shared, streams: &Streams) {
    let url = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    let result = match url.as_str() {
        "/__kbc/live.js" => request.respond(200, "text/javascript; charset=utf-8", overlay::LIVE_JS.as_bytes()),
        "/__kbc/live.css" => request.respond(200, "text/css; charset=utf-8", overlay::LIVE_CSS.as_bytes()),
        "/__kbc/events" => events(request, shared, streams),
        "/__kbc/diagnostics.json" => {
            let body = serde_json::to_vec(&shared.snapshot().items).unwrap_or_default();
            request.respond(200, "application/json", &body)
        }
        u if u.starts_with("/__kbc/rules/") => match rule_page(&u["/__kbc/rules/".len()..]) {
            Some(page) => request.respond(200, HTML, page.as_bytes()),
            None => not_found(request, &url),
        },
        _ => static_file(request, shared, &url),
    };
    // A closed connection is the browser's choice, not an error to report.
    drop(result);
}

const HTML: &str = "text/html; charset=utf-8";

fn not_found(request: Request, what: &str) -> std::io::Result<()> {
    request.respond(404, "text/plain; charset=utf-8", format!("not found: {what}\n").as_bytes())
}

/// A file of the site; `/` and folders map to `index.html`. Paths that try
/// to leave the site folder are refused.
fn static_file(request: Request, shared: &Shared, url: &str) -> std::io::Result<()> {
    let mut rel = percent_decode(url.trim_start_matches('/'));
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    if Path::new(&rel).components().any(|c| !matches!(c, Component::Normal(_))) {
        return not_found(request, url);
    }
    let path = shared.site_dir.join(&rel);
    let Ok(bytes) = std::fs::read(&path) else {
        // Browsers ask for a favicon on their own; a site without one should
        // not fill the console with 404s during preview.
        if rel == "favicon.ico" {
            return request.respond(204, "image/x-icon", &[]);
        }
        return not_found(request, url);
    };
    let kind = content_type(&rel);
    let body = if kind.starts_with("text/html") {
        overlay::inject(&String::from_utf8_lossy(&bytes), &rel, &shared.snapshot()).into_bytes()
    } else {
        bytes
    };
    request.respond(200, kind, &body)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `%20` and friends; invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The live-reload streams: handed to one thread ([`broadcast`]), so an
/// open page holds a socket but no thread; `open` counts them (reserved
/// before the hand-over, released when the broadcaster drops one).
struct Streams {
    tx: Sender<(TcpStream, u64)>,
    open: Arc<AtomicUsize>,
}

/// A server-sent event stream: `hello` with the current generation here,
/// then `reload` after every rebuild from [`broadcast`].
fn events(request: Request, shared: &Shared, streams: &Streams) -> std::io::Result<()> {
    if streams.open.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        streams.open.fetch_sub(1, Ordering::SeqCst);
        return request.respond(503, "text/plain; charset=utf-8", b"too many live-reload connections\n");
    }
    let generation = shared.snapshot().generation;
    let mut w = request.into_stream();
    let hello = write!(
        w,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n\
         retry: 500\nevent: hello\ndata: {generation}\n\n"
    )
    .and_then(|()| w.flush())
    .and_then(|()| w.set_write_timeout(Some(Duration::from_secs(2))));
    let sent = hello.is_ok() && streams.tx.send((w, generation)).is_ok();
    if !sent {
        streams.open.fetch_sub(1, Ordering::SeqCst);
    }
    hello
}

/// Writes `reload` to every open stream after each rebuild, and a comment
/// every [`KEEP_ALIVE`] so that streams of closed pages fail and are dropped.
fn broadcast(shared: &Shared, adopted: &Receiver<(TcpStream, u64)>, open: &AtomicUsize) {
    let (reloads, rebuilt) = mpsc::channel();
    shared.subscribe(reloads);
    let mut streams: Vec<TcpStream> = Vec::new();
    let mut pinged = Instant::now();
    loop {
        let mut message = match rebuilt.recv_timeout(Duration::from_millis(200)) {
            Ok(generation) => Some(format!("event: reload\ndata: {generation}\n\n")),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        for (mut stream, seen) in adopted.try_iter() {
            // A rebuild between its hello and now: that page is stale.
            let now = shared.snapshot().generation;
            if now == seen || stream.write_all(format!("event: reload\ndata: {now}\n\n").as_bytes()).is_ok() {
                streams.push(stream);
            } else {
                open.fetch_sub(1, Ordering::SeqCst);
            }
        }
        if message.is_none() && pinged.elapsed() >= KEEP_ALIVE {
            message = Some(": keep-alive\n\n".to_string());
            pinged = Instant::now();
        }
        if let Some(m) = message {
            let kept = streams.len();
            streams.retain_mut(|s| s.write_all(m.as_bytes()).and_then(|()| s.flush()).is_ok());
            open.fetch_sub(kept - streams.len(), Ordering::SeqCst);
        }
    }
}

/// A rule's documentation as a small HTML page (the `kbc explain` text).
fn rule_page(key: &str) -> Option<String> {
    let rule = crate::lint::registry::find(&percent_decode(key))?;
    let m = rule.meta();
    let mut docs = String::new();
    pulldown_cmark::html::push_html(&mut docs, pulldown_cmark::Parser::new(m.docs));
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{code} {name}</title>\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}\
         pre{{overflow:auto;padding:.6rem;border:1px solid #8884}}</style></head><body>\
         <h1>{code} {name}</h1><p>Default level: {level}. {summary}</p>{docs}\
         <p><a href=\"/\">Back to the site</a></p></body></html>",
        code = m.code,
        name = m.name,
        level = m.default_level.as_str(),
        summary = overlay::esc(m.summary),
    );
    Some(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes_and_keeps_invalid_ones() {
        assert_eq!(percent_decode("a%20b%2Fc%zz%"), "a b/c%zz%");
    }

    #[test]
    fn guesses_content_types_from_extensions() {
        assert_eq!(content_type("articles/a.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("search-index.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
