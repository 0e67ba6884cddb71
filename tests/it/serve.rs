//! `kbc serve` over HTTP: pages with the live-reload script, the overlay for
//! a broken article that clears once it is fixed, the event stream and the
//! rule docs. (tests/it/browser.rs drives the same in a real browser.)

use crate::common_serve::{STARTUP, edit, lines_of, next_line, output_within, serve_sample};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

const SECRETS: &str = "microsoft.databricks/secret-scopes.md";
const SECRETS_PAGE: &str = "/articles/microsoft.databricks/secret-scopes.html";

#[test]
fn home_lists_articles_and_pages_carry_the_live_reload_script() {
    let s = serve_sample();
    let (status, home) = s.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("/__kbc/live.js"));
    let (status, page) = s.get(SECRETS_PAGE);
    assert_eq!(status, 200);
    assert!(page.contains("Troubleshoot secret scopes and secrets") && !page.contains("kbc-overlay"));
    assert_eq!(s.get("/../book.toml").0, 404);
    assert_eq!(s.get("/nope.html").0, 404);
}

#[test]
fn overlay_appears_for_a_broken_article_and_clears_when_fixed() {
    let s = serve_sample();
    let path = s.article(SECRETS);
    edit(&path, |t| t.replace("selfHelpType=\"generic\"", "selfHelpType=\"genric\""));
    let page = s.wait_for(SECRETS_PAGE, "the overlay", |b| b.contains("id=\"kbc-overlay\""));
    assert!(page.contains("error[KB016]") && page.contains("did you mean `generic`?"));
    assert!(page.contains("Troubleshoot secret scopes and secrets"), "the article still renders");
    edit(&path, |t| t.replace("selfHelpType=\"genric\"", "selfHelpType=\"generic\""));
    s.wait_for(SECRETS_PAGE, "the overlay to clear", |b| !b.contains("id=\"kbc-overlay\"") && b.contains("kbc-live"));
}

#[test]
fn event_stream_announces_a_reload_after_a_save() {
    let s = serve_sample();
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    // A server that never sends the event fails the test instead of hanging it.
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    stream.set_write_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    write!(stream, "GET /__kbc/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", s.port).unwrap();
    let mut lines = BufReader::new(stream);
    read_event(&mut lines, "hello");
    edit(&s.article(SECRETS), |t| t.replace("Store credentials", "Keep credentials"));
    read_event(&mut lines, "reload");
    let page = s.wait_for(SECRETS_PAGE, "the new text", |b| b.contains("Keep credentials"));
    assert!(!page.contains("Store credentials"));
}

/// Reads the event stream up to `event: <name>`; fails on its end or on the
/// stream's read timeout.
fn read_event(lines: &mut BufReader<TcpStream>, name: &str) {
    let wanted = format!("event: {name}");
    let mut line = String::new();
    while line.trim() != wanted {
        line.clear();
        match lines.read_line(&mut line) {
            Ok(0) => panic!("the event stream ended before `{wanted}`"),
            Ok(_) => {}
            Err(e) => panic!("no `{wanted}` on the event stream: {e}"),
        }
    }
}

#[test]
fn a_save_updates_the_findings_of_articles_that_link_to_it() {
    let s = serve_sample();
    let tokens = s.article("microsoft.databricks/personal-access-tokens.md");
    edit(&s.article(SECRETS), |t| {
        t.replace("Store credentials", "See [tokens](personal-access-tokens.md). Store credentials")
    });
    s.wait_for(SECRETS_PAGE, "the new link", |b| {
        b.contains("personal-access-tokens.html") && !b.contains("kbc-overlay\"")
    });
    // The target leaves mooncake, where the linking article is published.
    let all = "cloudEnvironments=\"public, fairfax, mooncake, usnat, ussec\"";
    edit(&tokens, |t| t.replace(all, "cloudEnvironments=\"public, fairfax, usnat, ussec\""));
    let page = s.wait_for(SECRETS_PAGE, "the linking article's overlay", |b| b.contains("id=\"kbc-overlay\""));
    assert!(page.contains("KB208"), "{page}");
    edit(&tokens, |t| t.replace("cloudEnvironments=\"public, fairfax, usnat, ussec\"", all));
    s.wait_for(SECRETS_PAGE, "the overlay to clear", |b| !b.contains("id=\"kbc-overlay\"") && b.contains("kbc-live"));
}

/// `(path, code, line, column, message)` of every finding, sorted.
type Findings = Vec<(String, String, u64, u64, String)>;

/// What `kbc check --format json` finds in the served knowledge base now.
fn checked(root: &std::path::Path) -> Findings {
    let out = output_within(
        std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
            .args(["check", "--format", "json", "--quiet"])
            .current_dir(root),
        STARTUP,
    );
    let mut all: Findings = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let d: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("path"), s("code"), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap(), s("message"))
        })
        .collect();
    all.sort();
    all
}

/// What the preview shows now (`/__kbc/diagnostics.json`).
fn previewed(body: &str) -> Findings {
    let by_path: std::collections::BTreeMap<String, Vec<serde_json::Value>> = serde_json::from_str(body).unwrap();
    let mut all: Findings = by_path
        .into_iter()
        .flat_map(|(path, items)| {
            items.into_iter().map(move |d| {
                let s = |k: &str| d[k].as_str().unwrap().to_string();
                (path.clone(), s("code"), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap(), s("message"))
            })
        })
        .collect();
    all.sort();
    all
}

/// Waits until the preview shows exactly what `kbc check` finds now.
fn settles_on_what_check_finds(s: &crate::common_serve::Served, step: &str) -> Findings {
    let expected = checked(s.root());
    let start = std::time::Instant::now();
    loop {
        let shown = previewed(&s.get("/__kbc/diagnostics.json").1);
        if shown == expected {
            return expected;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "after {step}: preview {shown:#?}\ncheck {expected:#?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn after_each_save_the_preview_finds_what_check_finds() {
    let s = serve_sample();
    let tokens = s.article("microsoft.databricks/personal-access-tokens.md");
    let access = s.article("microsoft.databricks/workspace-access-control.md");
    let all = "cloudEnvironments=\"public, fairfax, mooncake, usnat, ussec\"";
    edit(&s.article(SECRETS), |t| {
        t.replace("Store credentials", "See [t](personal-access-tokens.md). Store credentials")
    });
    settles_on_what_check_finds(&s, "a new link");
    edit(&access, |t| t.replace("Review these settings first.", "Also [s](secret-scopes.md) and [gone](missing.md)."));
    settles_on_what_check_finds(&s, "a broken link");
    edit(&tokens, |t| t.replace(all, "cloudEnvironments=\"Public, fairfax\""));
    let found = settles_on_what_check_finds(&s, "the link target leaving three clouds");
    assert!(found.iter().any(|f| f.1 == "KB208"), "the edits make a cross-cloud link: {found:?}");
    edit(&access, |t| t.replace("selfHelpType=\"generic\"", "selfHelpType=\"genric\""));
    settles_on_what_check_finds(&s, "a typo");
    edit(&s.article(SECRETS), |t| t.replace(all, "cloudEnvironments=\"public\""));
    settles_on_what_check_finds(&s, "the linking article leaving four clouds");
}

#[test]
fn every_page_is_the_one_kbc_build_writes_plus_the_live_reload_script() {
    let s = serve_sample();
    let out = s.root().join("built");
    let built = output_within(
        std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
            .args(["build", "--quiet", "-o"])
            .arg(&out)
            .current_dir(s.root()),
        STARTUP,
    );
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let site = out.join("site");
    let pages: Vec<_> = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(&site).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    assert!(pages.len() > 20, "{pages:?}");
    for page in pages {
        let built = std::fs::read_to_string(site.join(&page)).unwrap();
        let (status, served) = s.get(&format!("/{page}"));
        assert_eq!(status, 200, "{page}");
        let start = served.find("<link rel=\"stylesheet\" href=\"/__kbc/live.css\">").expect("the live-reload block");
        let end = served.find("<script src=\"/__kbc/live.js\"></script>\n").unwrap() + 39;
        assert_eq!(format!("{}{}", &served[..start], &served[end..]), built, "{page}");
    }
}

#[test]
fn serves_rule_docs_linked_from_the_overlay() {
    let s = serve_sample();
    let (status, body) = s.get("/__kbc/rules/KB016");
    assert_eq!(status, 200);
    assert!(body.contains("unknown-self-help-type") && body.contains("What it checks"));
}

#[test]
fn cloud_preview_publishes_only_that_clouds_articles() {
    let s = crate::common_serve::serve_sample_with(&["--cloud", "mooncake"]);
    assert_eq!(s.get("/articles/microsoft.sql.mooncake/sql-login-failed-mooncake.html").0, 200);
    assert_eq!(s.get("/articles/microsoft.databricks/credential-passthrough.html").0, 404);
    assert!(s.get("/").1.contains("mooncake"));
}

#[test]
fn binding_beyond_loopback_warns() {
    let out = output_within(
        std::process::Command::new(env!("CARGO_BIN_EXE_kbc")).args(["serve", "--bind", "not-an-address"]),
        STARTUP,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bind not-an-address is not an IP address"));
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = lines_of(child.stderr.take().unwrap());
    let line = next_line(&stderr, STARTUP, "the warning on stderr");
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("warning: serving on 0.0.0.0, reachable from other machines"), "{line}");
}
