//! The HTTP side of `kbc serve` (tiny_http): static files from the preview
//! folder with the overlay injected into HTML, the live-reload event stream
//! (server-sent events), and the rule docs the overlay links to.

use super::overlay;
use super::state::Shared;
use std::io::Write;
use std::path::{Component, Path};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;
use tiny_http::{Request, Server};

/// How often an idle event stream sends a comment, to notice closed pages.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Answers requests until the process ends, one thread per request (event
/// streams stay open for as long as their page).
pub(crate) fn serve(server: Server, shared: Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(request, &shared));
    }
}

fn handle(request: Request, shared: &Shared) {
    let url = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    let result = match url.as_str() {
        "/__kbc/live.js" => send(request, 200, "text/javascript; charset=utf-8", overlay::LIVE_JS.as_bytes()),
        "/__kbc/live.css" => send(request, 200, "text/css; charset=utf-8", overlay::LIVE_CSS.as_bytes()),
        "/__kbc/events" => events(request, shared),
        "/__kbc/diagnostics.json" => {
            let body = serde_json::to_vec(&shared.snapshot().items).unwrap_or_default();
            send(request, 200, "application/json", &body)
        }
        u if u.starts_with("/__kbc/rules/") => match rule_page(&u["/__kbc/rules/".len()..]) {
            Some(page) => send(request, 200, HTML, page.as_bytes()),
            None => not_found(request, &url),
        },
        _ => static_file(request, shared, &url),
    };
    // A closed connection is the browser's choice, not an error to report.
    drop(result);
}

const HTML: &str = "text/html; charset=utf-8";

/// Writes a whole response and closes the connection. Written raw because
/// tiny_http keeps connections alive and its worker pool can then leave a
/// new connection waiting until an idle one times out (seen as page loads
/// stalling for 20 s in Chromium); a dev server on loopback loses nothing
/// by closing.
fn send(request: Request, status: u16, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        _ => "Not Found",
    };
    let mut w = request.into_writer();
    write!(
        w,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    w.write_all(body)?;
    w.flush()
}

fn not_found(request: Request, what: &str) -> std::io::Result<()> {
    send(request, 404, "text/plain; charset=utf-8", format!("not found: {what}\n").as_bytes())
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
            return send(request, 204, "image/x-icon", &[]);
        }
        return not_found(request, url);
    };
    let kind = content_type(&rel);
    let body = if kind.starts_with("text/html") {
        overlay::inject(&String::from_utf8_lossy(&bytes), &rel, &shared.snapshot()).into_bytes()
    } else {
        bytes
    };
    send(request, 200, kind, &body)
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

/// A server-sent event stream: `hello` with the current generation, then
/// `reload` after every rebuild. Written raw so each event is flushed at once.
fn events(request: Request, shared: &Shared) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel();
    shared.subscribe(tx);
    let mut w = request.into_writer();
    write!(
        w,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n\
         retry: 500\nevent: hello\ndata: {}\n\n",
        shared.snapshot().generation
    )?;
    w.flush()?;
    loop {
        match rx.recv_timeout(KEEP_ALIVE) {
            Ok(generation) => write!(w, "event: reload\ndata: {generation}\n\n")?,
            Err(RecvTimeoutError::Timeout) => write!(w, ": keep-alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        w.flush()?;
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
