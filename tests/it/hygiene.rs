//! Output and server hygiene.
//!
//! Output: file names and article text carrying control characters (a
//! newline followed by `::error …::`, a carriage return, ESC sequences, a
//! bidirectional override, a literal `%0A`) come out escaped in every format,
//! so they can neither start a GitHub workflow command nor reach the terminal
//! raw.
//!
//! `kbc serve`, over real TCP: a request whose `Host` is not this server
//! (DNS rebinding) gets 421 and nothing of the site; request heads are
//! bounded; many connections do not make many threads; IPv6 addresses are
//! printed in brackets.

use crate::common::Kb;
use crate::common_serve::{Served, edit, serve_sample, serve_sample_with};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// File names (under `articles/`) an attacker can put in a pull request.
const HOSTILE: &[&str] = &[
    "a\n::error file=x.md,line=1::pwned.md",
    "b\r::warning::cr.md",
    "c\u{1b}[2J\u{1b}]0;title\u{7}.md",
    "d%0A::error::percent.md",
    "e\u{202e}dm.exe.md",
    "dir\n::notice::x/f.md",
];

fn article(id: &str, clouds: &str) -> String {
    format!(
        "<properties\n    pageTitle=\"Job cluster fails to start\"\n    description=\"Quota errors when a job starts\"\n    \
         service=\"microsoft.databricks\"\n    resource=\"workspaces\"\n    ms.author=\"fixtureauthor\"\n    \
         selfHelpType=\"generic\"\n    supportTopicIds=\"32677726\"\n    productPesIds=\"16432\"\n    \
         cloudEnvironments=\"{clouds}\"\n    articleId=\"{id}\"\n    ownershipId=\"Fixture_Databricks\"\n/>\n\n\
         # Job cluster fails to start\n\n## **Recommended Steps**\n\n* Ask for a higher core quota.\n"
    )
}

/// A knowledge base whose findings name every hostile file: each has an
/// article with a duplicate articleId (so findings carry related locations
/// with hostile paths) and a cloud name holding an escape sequence (so a
/// message quotes hostile text).
fn hostile_kb() -> Kb {
    let kb = Kb::empty();
    let cloud = "public, fair\u{1b}[31mfax\u{1b}]8;;http://x\u{7}\n::error::y";
    for name in HOSTILE {
        kb.write(&format!("articles/{name}"), article("6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", cloud));
    }
    kb
}

/// Control characters other than the line break, and the bidi override.
fn hostile_chars(s: &str) -> Vec<char> {
    s.chars().filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)).collect()
}

/// Lines (outside GitHub's own format) that a runner would take for a
/// workflow command: it trims leading whitespace, then reads `::name` up to a
/// space or `::` (`::error file=…::`). rustc's `  ::: path` is no command.
fn command_lines(s: &str) -> Vec<&str> {
    s.lines()
        .filter(|l| {
            let Some(rest) = l.trim_start().strip_prefix("::") else { return false };
            let name = rest.split([' ', ':']).next().unwrap_or("");
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .collect()
}

#[track_caller]
fn assert_clean(what: &str, s: &str) {
    assert_eq!(hostile_chars(s), Vec::<char>::new(), "{what} holds raw control characters:\n{s}");
    assert_eq!(command_lines(s), Vec::<&str>::new(), "{what} holds workflow commands:\n{s}");
}

#[test]
fn human_format_escapes_hostile_paths_and_messages() {
    let kb = hostile_kb();
    let run = kb.run(["check"]);
    run.code(1);
    assert_clean("stdout", &run.stdout);
    assert_clean("stderr", &run.stderr);
    assert!(run.stdout.contains("--> articles/a\\n::error file=x.md,line=1::pwned.md:"), "{}", run.stdout);
    assert!(run.stdout.contains("articles/c\\u{1b}[2J\\u{1b}]0;title\\u{7}.md"), "{}", run.stdout);
    assert!(run.stdout.contains("articles/e\\u{202e}dm.exe.md"), "{}", run.stdout);
    assert!(run.stdout.contains("fair\\u{1b}[31mfax"), "the quoted cloud name: {}", run.stdout);
}

#[test]
fn human_format_escapes_on_a_terminal_with_colour_too() {
    let kb = hostile_kb();
    let out = crate::common::run_on_terminal(kb.root(), &["check"], &[("CLICOLOR_FORCE", "1")]);
    // Colour codes are kbc's own; anything else after an ESC is not.
    let without_colour = regex_lite_strip_sgr(&out);
    assert_eq!(hostile_chars(&without_colour.replace('\r', "")), Vec::<char>::new(), "{out}");
    assert!(out.contains("a\\n::error file=x.md"), "{out}");
}

/// `out` without SGR colour sequences (`ESC [ … m`).
fn regex_lite_strip_sgr(out: &str) -> String {
    let mut s = String::new();
    let mut rest = out;
    while let Some(i) = rest.find("\u{1b}[") {
        s.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        match tail.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
            Some(j) if tail[j..].starts_with('m') => rest = &tail[j + 1..],
            _ => {
                s.push_str("\u{1b}[");
                rest = tail;
            }
        }
    }
    s + rest
}

#[test]
fn json_format_escapes_hostile_paths_and_messages() {
    let kb = hostile_kb();
    let run = kb.run(["check", "--format", "json"]);
    run.code(1);
    assert_clean("stderr", &run.stderr);
    let mut paths = Vec::new();
    for line in run.stdout.lines() {
        let d: Value = serde_json::from_str(line).unwrap();
        let mut texts = vec![&d["path"], &d["message"], &d["help"]];
        for r in d["related"].as_array().unwrap() {
            texts.extend([&r["path"], &r["message"]]);
        }
        for text in texts.iter().filter_map(|t| t.as_str()) {
            assert_eq!(hostile_chars(text), Vec::<char>::new(), "{line}");
            assert!(!text.contains('\n'), "{line}");
        }
        paths.push(d["path"].as_str().unwrap().to_string());
    }
    assert!(paths.contains(&"articles/a\\n::error file=x.md,line=1::pwned.md".to_string()), "{paths:?}");
}

#[test]
fn github_format_writes_one_command_per_finding_with_github_escaping() {
    let kb = hostile_kb();
    let json = kb.run(["check", "--format", "json"]);
    let summary = kb.path("summary.md");
    let run = kb.finish(kb.kbc(["check", "--format", "github"]).env("GITHUB_STEP_SUMMARY", &summary));
    run.code(1);
    assert_eq!(hostile_chars(&run.stdout), Vec::<char>::new(), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), json.stdout.lines().count(), "one annotation per finding:\n{}", run.stdout);
    for l in &lines {
        assert!(l.starts_with("::error file=articles/") || l.starts_with("::warning file=articles/"), "{l}");
        // The properties end at the first `::`; nothing from a file name may end them early.
        let (properties, _) = l[2..].split_once("::").unwrap();
        assert!(properties.contains(",title=KB"), "{l}");
    }
    // GitHub decodes %25, %0D, %0A, and in properties %3A and %2C: a literal
    // `%0A` in a name must come out as `%250A`, `:` and `,` encoded.
    assert!(run.stdout.contains("file=articles/d%250A%3A%3Aerror%3A%3Apercent.md,"), "{}", run.stdout);
    assert!(run.stdout.contains("file=articles/a\\n%3A%3Aerror file=x.md%2Cline=1%3A%3Apwned.md,"), "{}", run.stdout);
    assert!(run.stdout.contains("file=articles/c\\u{1b}[2J\\u{1b}]0;title\\u{7}.md,"), "{}", run.stdout);
    let written = std::fs::read_to_string(&summary).unwrap();
    assert_clean("step summary", &written);
    assert!(written.contains("| KB012 |"), "{written}");
    // The table of files whose findings GitHub did not annotate names them escaped.
    assert!(written.contains("| `articles/dir\\n::notice::x/f.md` |"), "{written}");
}

#[test]
fn rdjson_format_escapes_hostile_paths_and_messages() {
    let kb = hostile_kb();
    let run = kb.run(["check", "--format", "rdjson"]);
    run.code(1);
    assert_clean("stderr", &run.stderr);
    let result: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut paths = Vec::new();
    for d in result["diagnostics"].as_array().unwrap() {
        let related = d["related_locations"].as_array().into_iter().flatten();
        let mut texts = vec![&d["message"], &d["location"]["path"]];
        texts.extend(related.flat_map(|r| [&r["message"], &r["location"]["path"]]));
        for text in texts.iter().filter_map(|t| t.as_str()) {
            assert_clean("an rdjson field", text);
        }
        paths.push(d["location"]["path"].as_str().unwrap().to_string());
    }
    assert!(paths.contains(&"articles/a\\n::error file=x.md,line=1::pwned.md".to_string()), "{paths:?}");
}

#[test]
fn sarif_format_escapes_messages_and_percent_encodes_paths() {
    let kb = hostile_kb();
    let run = kb.run(["check", "--format", "sarif"]);
    run.code(1);
    assert_clean("stderr", &run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let mut uris = Vec::new();
    for r in results {
        let text = r["message"]["text"].as_str().unwrap();
        assert_clean("a SARIF message", text);
        let locations =
            r["locations"].as_array().unwrap().iter().chain(r["relatedLocations"].as_array().into_iter().flatten());
        for loc in locations {
            let uri = loc["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri}");
            uris.push(uri.to_string());
            if let Some(m) = loc["message"]["text"].as_str() {
                assert_clean("a related location's message", m);
            }
        }
    }
    assert!(uris.contains(&"articles/a%0A::error%20file=x.md,line=1::pwned.md".to_string()), "{uris:?}");
}

#[test]
fn build_refusal_and_fatal_errors_escape_paths() {
    let kb = hostile_kb();
    let run = kb.run(["build"]);
    run.code(1);
    assert_clean("stdout", &run.stdout);
    assert_clean("stderr", &run.stderr);
}

#[test]
fn fatal_errors_escape_the_paths_they_name() {
    let kb = Kb::fixture("clean");
    kb.write("out\n::error::x", "a file where OUT should be");
    let run = kb.run(["build", "-o", "out\n::error::x"]);
    run.code(2);
    assert_clean("stderr", &run.stderr);
    assert!(run.stderr.contains("out\\n::error::x"), "{}", run.stderr);
}

#[test]
fn diff_and_match_escape_titles_and_paths_from_bundles() {
    let kb = Kb::fixture("clean");
    kb.run(["build", "-q", "-o", "old"]).code(0);
    let original = std::fs::read_to_string(kb.path("articles/databricks/passthrough-odbc-timeout.md")).unwrap();
    let hostile = original
        .replace("ODBC login times out", "ODBC \u{1b}[2J\u{1b}]0;x\u{7} login times out")
        .replace("3c1b9d52-7f0e-4a8b-9c61-2d4e8f0a1b23", "4d2c0e63-8a1f-4b9c-8d72-3e5f9a1b2c34");
    kb.write("articles/databricks/b\u{1b}[31mred\n::error::x.md", hostile);
    kb.run(["build", "-q", "-o", "new"]).code(0);
    let diff = kb.run(["diff", "old", "new"]);
    assert_clean("kbc diff", &diff.stdout);
    assert!(diff.stdout.contains("b\\u{1b}[31mred\\n::error::x.md"), "{}", diff.stdout);
    let found = kb.run(["match", "--bundle", "new/rules.json", "ODBC login times out"]);
    assert_clean("kbc match", &found.stdout);
    assert!(found.stdout.contains("ODBC \\u{1b}[2J"), "{}", found.stdout);
}

// ------------------------------------------------------------------- serve

/// Sends `head` (and nothing else) and returns the status and body; the
/// server closes every connection after its response.
fn exchange(addr: (&str, u16), head: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // The server may answer and close before all of a large head is sent.
    let _ = s.write_all(head);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("no status in {raw:?}"));
    (status, raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

fn get(s: &Served, path: &str, host: &str) -> (u16, String) {
    exchange(("127.0.0.1", s.port), format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
}

#[test]
fn serve_refuses_hosts_that_are_not_this_server() {
    let s = serve_sample();
    let port = s.port;
    for path in ["/", "/__kbc/diagnostics.json", "/__kbc/events", "/__kbc/live.js", "/index.html"] {
        for host in [
            format!("rebind.attacker.example:{port}"),
            format!("localhost.attacker.example:{port}"),
            format!("localhost:{}", port.wrapping_add(1)),
            "localhost".to_string(),
        ] {
            let (status, body) = get(&s, path, &host);
            assert_eq!((status, body.as_str()), (421, "421 Misdirected Request\n"), "{path} with Host {host}");
        }
        let (status, _) = exchange(("127.0.0.1", port), format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes());
        assert_eq!(status, 400, "{path} without a Host");
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        let (status, body) = get(&s, "/__kbc/diagnostics.json", &host);
        assert_eq!(status, 200, "Host {host}");
        assert!(body.starts_with('{'), "{body}");
        assert_eq!(get(&s, "/", &host).0, 200, "Host {host}");
    }
}

#[test]
fn serve_bounds_the_request_line_and_headers() {
    let s = serve_sample();
    let host = format!("Host: 127.0.0.1:{}\r\n", s.port);
    let addr = ("127.0.0.1", s.port);
    let long_target = format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(20_000));
    assert_eq!(exchange(addr, long_target.as_bytes()).0, 414);
    let many = format!("GET / HTTP/1.1\r\n{host}{}\r\n", "X-A: b\r\n".repeat(200));
    assert_eq!(exchange(addr, many.as_bytes()).0, 431);
    // 64 MiB in one header line: refused after the limit, not buffered.
    let rss_before = proc_status(s.pid(), "VmRSS:");
    let mut huge = format!("GET / HTTP/1.1\r\n{host}X-Big: ").into_bytes();
    huge.resize(64 << 20, b'a');
    assert_eq!(exchange(addr, &huge).0, 431);
    let grown = proc_status(s.pid(), "VmRSS:").saturating_sub(rss_before);
    assert!(grown < 8 * 1024, "resident memory grew by {grown} kB");
    // A client that sends nothing is dropped after the head deadline.
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let start = Instant::now();
    assert_eq!(idle.read(&mut [0; 16]).unwrap_or(0), 0);
    assert!(start.elapsed() < Duration::from_secs(15), "dropped after {:?}", start.elapsed());
    assert_eq!(get(&s, "/", &format!("127.0.0.1:{}", s.port)).0, 200, "still serving");
}

/// A number from /proc/<pid>/status (`Threads:`, `VmRSS:` in kB).
fn proc_status(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap();
    line[key.len()..].split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn serve_threads_stay_bounded_under_many_connections_and_reload_many_tabs() {
    let s = serve_sample();
    let addr = ("127.0.0.1", s.port);
    let base = proc_status(s.pid(), "Threads:");
    // Idle connections, as a browser's preconnects or an attacker leave them.
    let idle: Vec<TcpStream> = (0..600).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(1500));
    let threads = proc_status(s.pid(), "Threads:");
    // 64 connection threads at most (serve::http::MAX_CONNECTIONS).
    assert!(threads <= base + 64 + 2, "{threads} threads with 600 connections open (at start {base})");
    drop(idle);
    // Several tabs each hold a live-reload stream; none holds a thread, and
    // every one is told to reload after a save.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut tabs = Vec::new();
    while tabs.len() < 12 {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(stream, "GET /__kbc/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", s.port).unwrap();
        let mut lines = BufReader::new(stream);
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        if first.starts_with("HTTP/1.1 200") {
            tabs.push(lines);
        }
        // The idle connections above are still being dropped.
        assert!(Instant::now() < deadline, "no event stream within 30 s: {first:?}");
    }
    for tab in &mut tabs {
        read_until(tab, "event: hello");
    }
    // Threads of connections already answered may take a moment to end on a
    // loaded machine: wait for the count to settle, then it must be the start's.
    let settle = Instant::now() + Duration::from_secs(20);
    let mut threads = proc_status(s.pid(), "Threads:");
    while threads > base + 2 && Instant::now() < settle {
        std::thread::sleep(Duration::from_millis(100));
        threads = proc_status(s.pid(), "Threads:");
    }
    assert!(threads <= base + 2, "{threads} threads with 12 event streams open (at start {base})");
    edit(&s.article("microsoft.databricks/secret-scopes.md"), |t| t.replace("Store credentials", "Keep credentials"));
    for tab in &mut tabs {
        read_until(tab, "event: reload");
    }
}

fn read_until(lines: &mut BufReader<TcpStream>, wanted: &str) {
    let mut line = String::new();
    while line.trim_end() != wanted {
        line.clear();
        assert!(lines.read_line(&mut line).unwrap() > 0, "stream closed before {wanted:?}");
    }
}

#[test]
fn serve_prints_ipv6_addresses_in_brackets_and_answers_there() {
    if !crate::common::gate::require_ipv6_loopback() {
        return;
    }
    let s = serve_sample_with(&["--bind", "::1"]);
    let url = format!("http://[::1]:{}/", s.port);
    assert!(s.announced.contains(&url), "{}", s.announced);
    for host in [format!("[::1]:{}", s.port), format!("localhost:{}", s.port)] {
        let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        assert_eq!(exchange(("::1", s.port), request.as_bytes()).0, 200, "Host {host}");
    }
}
