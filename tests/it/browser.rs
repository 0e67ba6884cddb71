//! The site as a reader and an author see it, in a real headless Chromium
//! driven over WebDriver (fantoccini + chromedriver) against `kbc serve`:
//! the home page lists the knowledge base, search finds an article by its
//! error message, an article page shows its clouds and steps, the
//! diagnostics overlay appears for a broken article and disappears once it
//! is fixed (through live reload, without navigating), and no page logs a
//! console error.
//!
//! Says SKIPPED when chromium or chromedriver is not installed, and fails
//! then under CI (`common::gate`; .ci/browser, which .ci/run calls, installs them).

use crate::common_serve::{Served, edit, serve_sample};
use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);
const PASSTHROUGH_PAGE: &str = "/articles/microsoft.databricks/credential-passthrough.html";
const PASSTHROUGH: &str = "microsoft.databricks/credential-passthrough.md";

#[test]
fn site_works_in_a_real_browser_with_live_diagnostics() {
    let Some(chromedriver) = crate::common::gate::require_browser() else { return };
    let served = serve_sample();
    let driver = Driver::start(&chromedriver);
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = connect(&driver, &profile.path().to_string_lossy()).await;
        // The scenario runs as its own task so that a failed assertion still
        // lets us close the session (and so the browser) before failing.
        let session = client.clone();
        let outcome = tokio::spawn(async move { scenario(&session, &served).await }).await;
        let _ = client.close().await;
        match outcome {
            Ok(result) => result.unwrap(),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    });
}

async fn scenario(c: &Client, s: &Served) -> Result<(), CmdError> {
    eprintln!("step home_lists_the_knowledge_base");
    home_lists_the_knowledge_base(c, s).await?;
    eprintln!("step search_finds_an_article_by_error_message");
    search_finds_an_article_by_error_message(c, s).await?;
    eprintln!("step article_page_shows_clouds_and_steps");
    article_page_shows_clouds_and_steps(c, s).await?;
    eprintln!("step overlay_follows_the_file");
    overlay_follows_the_file(c, s).await?;
    assert_no_console_errors(c).await
}

async fn home_lists_the_knowledge_base(c: &Client, s: &Served) -> Result<(), CmdError> {
    c.goto(&s.url("/")).await?;
    let placeholder = c.find(Locator::Id("q")).await?.attr("placeholder").await?.unwrap_or_default();
    assert!(placeholder.contains("18 articles"), "{placeholder}");
    c.find(Locator::LinkText("microsoft.databricks")).await?.click().await?;
    let list = c.find(Locator::Css("main")).await?.text().await?;
    assert!(list.contains("Resolve errors on clusters with credential passthrough"), "{list}");
    assert!(list.contains("Troubleshoot secret scopes and secrets"), "{list}");
    assert_no_console_errors(c).await
}

async fn search_finds_an_article_by_error_message(c: &Client, s: &Served) -> Result<(), CmdError> {
    c.goto(&s.url("/")).await?;
    let input = c.find(Locator::Id("q")).await?;
    input.send_keys("py4j.security.Py4JSecurityException is not whitelisted").await?;
    let first = c.wait().at_most(WAIT).for_element(Locator::Css("#results li a")).await?;
    let title = first.text().await?;
    assert!(title.contains("credential passthrough"), "first result: {title}");
    first.click().await?;
    c.wait().at_most(WAIT).for_url(&url::Url::parse(&s.url(PASSTHROUGH_PAGE)).unwrap()).await?;
    Ok(())
}

async fn article_page_shows_clouds_and_steps(c: &Client, s: &Served) -> Result<(), CmdError> {
    c.goto(&s.url(PASSTHROUGH_PAGE)).await?;
    let mut clouds = Vec::new();
    for badge in c.find_all(Locator::Css(".badge.cloud")).await? {
        clouds.push(badge.text().await?);
    }
    assert_eq!(clouds, ["Azure", "Azure Government", "Azure US Nat", "Azure US Sec"]);
    let content = c.find(Locator::Css("article .content")).await?.text().await?;
    assert!(content.contains("Recommended Steps"), "{content}");
    assert!(content.contains("Rewrite the code with the DataFrame API instead of RDD calls."), "{content}");
    assert!(c.find_all(Locator::Id("kbc-overlay")).await?.is_empty(), "a clean article has no overlay");
    Ok(())
}

/// Breaks the article on disk while its page is open: live reload brings the
/// overlay; fixing the file takes it away again.
async fn overlay_follows_the_file(c: &Client, s: &Served) -> Result<(), CmdError> {
    c.goto(&s.url(PASSTHROUGH_PAGE)).await?;
    let path = s.article(PASSTHROUGH);
    edit(&path, |t| {
        t.replace(
            "cloudEnvironments=\"public, fairfax, usnat, ussec\"",
            "cloudEnvironments=\"public, fairfx, usnat, ussec\"",
        )
    });
    let overlay = c.wait().at_most(WAIT).for_element(Locator::Id("kbc-overlay")).await?;
    let text = overlay.text().await?;
    assert!(text.contains("unknown-cloud") && text.contains("line 13"), "{text}");
    let heading = c.find(Locator::Css("article h1")).await?.text().await?;
    assert_eq!(heading, "Resolve errors on clusters with credential passthrough", "the article still renders");
    edit(&path, |t| t.replace("fairfx", "fairfax"));
    let start = Instant::now();
    while !c.find_all(Locator::Id("kbc-overlay")).await?.is_empty() {
        assert!(start.elapsed() < WAIT, "the overlay did not clear after the fix");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Reads (and clears) the browser's console log through chromedriver's
/// log endpoint; any SEVERE entry fails the test.
async fn assert_no_console_errors(c: &Client) -> Result<(), CmdError> {
    let log = c.issue_cmd(BrowserLog).await?;
    let severe: Vec<&Value> =
        log.as_array().into_iter().flatten().filter(|e| e["level"].as_str() == Some("SEVERE")).collect();
    assert!(severe.is_empty(), "console errors: {severe:#?}");
    Ok(())
}

#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

/// A chromedriver process on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(binary: &PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < WAIT, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    /// Asks chromedriver to shut down first: it then quits the browsers it
    /// started, even when a failed assertion skipped closing the session
    /// (killing it would leave chromium running).
    fn drop(&mut self) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
            use std::io::{Read, Write};
            let _ = write!(s, "GET /shutdown HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let _ = s.read_to_end(&mut Vec::new());
        }
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(driver: &Driver, profile: &str) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        &format!("--user-data-dir={profile}"),
    ];
    let caps = json!({
        // No "binary": chromedriver finds Debian's chromium itself, and
        // /usr/bin/chromium is a wrapper script it cannot drive.
        "goog:chromeOptions": {"args": args},
        "goog:loggingPrefs": {"browser": "ALL"},
        "timeouts": {"pageLoad": 20000, "script": 10000},
    });
    let caps: serde_json::Map<String, Value> = serde_json::from_value(caps).unwrap();
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("cannot start a WebDriver session with chromium")
}

// ---- The built site (kbc build), from file:// and over HTTP ---------------

/// Queries whose top results the site's search and `kbc match` must agree on.
const PARITY_QUERIES: &[&str] = &[
    "py4j.security.Py4JSecurityException is not whitelisted",
    "secret scope",
    "AADSTS token expired",
    "key vault access denied",
    "login failed for user",
    "storage authorization mismatch",
    "cluster terminated",
    "personal access tokens",
    // Log noise, codes, pasted identifiers (query cleaning, exact-term
    // weights, camel-case parts of unknown words, word pairs, title runs).
    "2025-04-25T17:55:01.339Z ERROR [worker-7] Login failed for user 'sa'.",
    "AADSTS700016 application not found in the directory",
    "Py4JSecurityException",
    "SecretScopeNotFoundException when reading a secret",
    "Troubleshoot secret scopes and secrets",
];

/// Pages checked for accessibility, sideways scrolling and console errors:
/// home, a list page, an article with code, two articles with embedded JSON
/// (a form and a support-topic table), search results.
const CHECKED_PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("list", "services/microsoft.databricks.html"),
    ("article", "articles/microsoft.databricks/credential-passthrough.html"),
    ("json-form", "articles/problemscopingques.databricks/problemscopingques-databricks-secrets.html"),
    ("json-topics", "articles/supportTopicDescriptions/supporttopics-databricks.html"),
    ("search", "index.html?q=secret%20scope"),
];

#[test]
fn built_site_searches_from_file_and_http_accessibly_on_phones() {
    let Some(chromedriver) = crate::common::gate::require_browser() else { return };
    let Some(axe) = axe_source() else { return };
    let kb = crate::common::Kb::empty();
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(manifest.join("book.toml"), kb.path("book.toml")).unwrap();
    crate::common::copy_tree(&manifest.join("articles"), &kb.path("articles"));
    let run = kb.run(["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let site = kb.path("out/site");
    let server = StaticServer::start(site.clone());
    let expected: Vec<(String, Vec<String>)> =
        PARITY_QUERIES.iter().map(|q| (q.to_string(), match_top(&kb, q))).collect();
    let driver = Driver::start(&chromedriver);
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = connect(&driver, &profile.path().to_string_lossy()).await;
        let session = client.clone();
        let file_root = format!("file://{}/", site.display());
        let ctx = SiteCtx { file_root, http_root: server.url(), server: server.clone(), axe, expected };
        let outcome = tokio::spawn(async move { site_scenario(&session, &ctx).await }).await;
        let _ = client.close().await;
        match outcome {
            Ok(result) => result.unwrap(),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    });
    let failed = server.failed();
    assert!(failed.is_empty(), "failed requests: {failed:?}");
}

struct SiteCtx {
    file_root: String,
    http_root: String,
    server: StaticServer,
    axe: String,
    /// `kbc match`'s top page URLs per parity query.
    expected: Vec<(String, Vec<String>)>,
}

async fn site_scenario(c: &Client, s: &SiteCtx) -> Result<(), CmdError> {
    c.set_window_size(1280, 900).await?;
    for root in [&s.file_root, &s.http_root] {
        eprintln!("step search_by_typing from {root}");
        search_by_typing(c, root).await?;
    }
    eprintln!("step ranking_parity_with_kbc_match");
    ranking_parity(c, s).await?;
    eprintln!("step early_typing_is_answered");
    early_typing(c, s).await?;
    eprintln!("step query_survives_back_and_enter_does_not_reload");
    url_state(c, &s.http_root).await?;
    for (width, height) in [(1280, 900), (390, 844)] {
        c.set_window_size(width, height).await?;
        for (name, page) in CHECKED_PAGES {
            eprintln!("step check {name} at {width} px");
            check_page(c, s, name, page, width).await?;
        }
    }
    Ok(())
}

const QUERY: &str = "py4j.security.Py4JSecurityException is not whitelisted";
const FIRST: &str = "Resolve errors on clusters with credential passthrough";

async fn search_by_typing(c: &Client, root: &str) -> Result<(), CmdError> {
    c.goto(&format!("{root}index.html")).await?;
    c.find(Locator::Id("q")).await?.send_keys(QUERY).await?;
    let first = c.wait().at_most(WAIT).for_element(Locator::Css("#results li a")).await?;
    assert_eq!(first.text().await?, FIRST);
    let marked = c.find_all(Locator::Css("#results li mark")).await?;
    assert!(!marked.is_empty(), "the description marks the query's words");
    if root.starts_with("http") {
        let url = c.current_url().await?;
        assert_eq!(url.query_pairs().find(|(k, _)| k == "q").map(|(_, v)| v.into_owned()).as_deref(), Some(QUERY));
    }
    assert_no_console_errors(c).await
}

/// The site's top results for each query are `kbc match`'s, in order.
async fn ranking_parity(c: &Client, s: &SiteCtx) -> Result<(), CmdError> {
    for (query, expected) in &s.expected {
        assert!(!expected.is_empty(), "kbc match finds nothing for {query:?}: the comparison would prove nothing");
        let url = format!(
            "{}index.html?q={}",
            s.http_root,
            url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
        );
        c.goto(&url).await?;
        wait_until(c, "return !document.getElementById('status').classList.contains('loading') && document.getElementById('status').textContent.length > 0").await?;
        let got = c
            .execute(
                "return Array.from(document.querySelectorAll('#results li > a')).map(a => a.getAttribute('href'));",
                vec![],
            )
            .await?;
        let got: Vec<String> =
            got.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).take(expected.len()).collect();
        assert_eq!(&got, expected, "top results for {query:?}: site (left) and kbc match (right)");
    }
    Ok(())
}

/// A query typed before the index arrives is answered when it does, with a
/// loading state meanwhile (the server holds search files back).
async fn early_typing(c: &Client, s: &SiteCtx) -> Result<(), CmdError> {
    s.server.delay(Duration::from_millis(1500));
    c.goto(&format!("{}index.html", s.http_root)).await?;
    c.find(Locator::Id("q")).await?.send_keys("secret scope").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let loading = c
        .execute(
            "return document.getElementById('status').className + ' ' + document.getElementById('status').textContent",
            vec![],
        )
        .await?;
    assert!(loading.as_str().unwrap().contains("loading"), "no loading state while the index loads: {loading}");
    s.server.delay(Duration::ZERO);
    let first = c.wait().at_most(WAIT).for_element(Locator::Css("#results li a")).await?;
    assert_eq!(first.text().await?, "Troubleshoot secret scopes and secrets");
    Ok(())
}

async fn url_state(c: &Client, root: &str) -> Result<(), CmdError> {
    c.goto(&format!("{root}index.html")).await?;
    c.find(Locator::Id("q")).await?.send_keys(QUERY).await?;
    c.wait().at_most(WAIT).for_element(Locator::Css("#results li a")).await?;
    c.execute("window.kbcMarker = 1;", vec![]).await?;
    c.find(Locator::Id("q")).await?.send_keys("\u{E007}").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let marker = c.execute("return window.kbcMarker === 1;", vec![]).await?;
    assert_eq!(marker, Value::Bool(true), "Enter reloaded the page");
    c.find(Locator::Css("#results li a")).await?.click().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css("article h1")).await?;
    c.back().await?;
    let first = c.wait().at_most(WAIT).for_element(Locator::Css("#results li a")).await?;
    assert_eq!(first.text().await?, FIRST, "Back restores the search");
    let value = c.find(Locator::Id("q")).await?.prop("value").await?.unwrap_or_default();
    assert_eq!(value, QUERY);
    Ok(())
}

/// One page at the window's width: no sideways scrolling, no axe violation,
/// no console error; a screenshot under target/screenshots/.
async fn check_page(c: &Client, s: &SiteCtx, name: &str, page: &str, width: u32) -> Result<(), CmdError> {
    c.goto(&format!("{}{page}", s.http_root)).await?;
    if page.contains("?q=") {
        c.wait().at_most(WAIT).for_element(Locator::Css("#results li a")).await?;
    }
    let sideways = c.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await?;
    let (scroll, inner) = (sideways[0].as_u64().unwrap(), sideways[1].as_u64().unwrap());
    assert!(scroll <= inner, "{name} scrolls sideways at {width} px: {scroll} > {inner}");
    c.execute(&s.axe, vec![]).await?;
    let violations = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v =>
               v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))));",
            vec![],
        )
        .await?;
    let violations: Vec<&str> = violations.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(violations.is_empty(), "axe on {name} at {width} px: {violations:#?}");
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::write(shots.join(format!("{name}-{width}.png")), c.screenshot().await?).unwrap();
    assert_no_console_errors(c).await
}

async fn wait_until(c: &Client, script: &str) -> Result<(), CmdError> {
    let start = Instant::now();
    while c.execute(script, vec![]).await? != Value::Bool(true) {
        assert!(start.elapsed() < WAIT, "timed out waiting for: {script}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// `kbc match`'s top five for `query`, as page URLs relative to the site root.
fn match_top(kb: &crate::common::Kb, query: &str) -> Vec<String> {
    let out = kb.kbc(["match", "--format", "json", "--limit", "5", query]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let path = m["path"].as_str().unwrap();
            format!("{}.html", path.strip_suffix(".md").unwrap())
        })
        .collect()
}

/// axe-core's script, installed by `.ci/browser` (`npm ci` in tests/browser).
fn axe_source() -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js");
    crate::common::gate::require_file(&path)
}

/// A static file server over a folder, on a free loopback port, recording
/// every request that did not get a 200; it can hold back search files.
#[derive(Clone)]
struct StaticServer {
    port: u16,
    failed: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    delay_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl StaticServer {
    fn start(dir: PathBuf) -> StaticServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = StaticServer {
            port: listener.local_addr().unwrap().port(),
            failed: Default::default(),
            delay_ms: Default::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (s, dir) = (s.clone(), dir.clone());
                std::thread::spawn(move || s.answer(stream, &dir));
            }
        });
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    fn delay(&self, d: Duration) {
        self.delay_ms.store(d.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }

    fn failed(&self) -> Vec<String> {
        self.failed.lock().unwrap().clone()
    }

    fn answer(&self, mut stream: std::net::TcpStream, dir: &std::path::Path) {
        use std::io::{BufRead, Write};
        let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let target = line.split(' ').nth(1).unwrap_or("/");
        let path = target.split(['?', '#']).next().unwrap_or("/");
        // The sample's paths need no percent-decoding.
        let rel = match path.trim_start_matches('/') {
            "" => "index.html".to_string(),
            rel => rel.to_string(),
        };
        if rel.starts_with("search/") {
            let ms = self.delay_ms.load(std::sync::atomic::Ordering::SeqCst);
            let start = Instant::now();
            while start.elapsed() < Duration::from_millis(ms)
                && self.delay_ms.load(std::sync::atomic::Ordering::SeqCst) > 0
            {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let file = dir.join(&rel);
        let body = if rel.contains("..") { None } else { std::fs::read(&file).ok() };
        let _ = match body {
            Some(body) => {
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("css") => "text/css",
                    Some("png") => "image/png",
                    _ => "application/octet-stream",
                };
                write!(stream, "HTTP/1.0 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n", body.len())
                    .and_then(|()| stream.write_all(&body))
            }
            None => {
                self.failed.lock().unwrap().push(target.to_string());
                write!(stream, "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            }
        };
    }
}

/// On the corpus (`KBC_CORPUS`), in Chromium over HTTP: for each typical
/// query, the time from the input event to the first result on the page,
/// and the bytes of search files the page loaded (manifest included).
#[test]
fn corpus_search_answers_quickly_with_little_transferred() {
    let Some(out) = crate::site::corpus_out() else { return };
    let Some(chromedriver) = crate::common::gate::require_browser() else { return };
    let server = StaticServer::start(out.join("site"));
    let driver = Driver::start(&chromedriver);
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let root = server.url();
    let rows = rt.block_on(async {
        let client = connect(&driver, &profile.path().to_string_lossy()).await;
        let session = client.clone();
        let outcome = tokio::spawn(async move { time_queries(&session, &root).await }).await;
        let _ = client.close().await;
        match outcome {
            Ok(result) => result.unwrap(),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    });
    let mut times: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let mut bytes: Vec<f64> = rows.iter().map(|r| r.1).collect();
    times.sort_by(f64::total_cmp);
    bytes.sort_by(f64::total_cmp);
    eprintln!("corpus search in Chromium over HTTP (time from input to first result, search bytes loaded):");
    for (ms, b, q) in &rows {
        eprintln!("  {ms:>7.1} ms {b:>9.0} B  {q}");
    }
    let (median_ms, median_b) = (times[times.len() / 2], bytes[bytes.len() / 2]);
    eprintln!(
        "  median {median_ms:.1} ms, {median_b:.0} B; max {:.1} ms, {:.0} B",
        times[times.len() - 1],
        bytes[bytes.len() - 1]
    );
    assert!(median_ms <= 300.0, "a typical query takes {median_ms:.1} ms to its first result");
    assert!(median_b <= 150.0 * 1024.0, "a typical query loads {median_b:.0} B");
    assert!(server.failed().is_empty(), "failed requests: {:?}", server.failed());
}

async fn time_queries(c: &Client, root: &str) -> Result<Vec<(f64, f64, &'static str)>, CmdError> {
    let mut rows = Vec::new();
    for q in crate::site::CORPUS_QUERIES {
        c.goto(&format!("{root}index.html")).await?;
        wait_until(c, "return document.documentElement.dataset.kbcSearch === 'ready';").await?;
        let r = c
            .execute_async(
                "const [q, done] = [arguments[0], arguments[arguments.length - 1]];
                 const input = document.getElementById('q'), list = document.getElementById('results');
                 const t0 = performance.now();
                 const obs = new MutationObserver(() => {
                   if (!list.querySelector('li a')) return;
                   obs.disconnect();
                   const ms = performance.now() - t0;
                   const bytes = performance.getEntriesByType('resource')
                     .filter(e => e.name.includes('/search/')).reduce((s, e) => s + e.encodedBodySize, 0);
                   done([ms, bytes]);
                 });
                 obs.observe(list, {childList: true, subtree: true});
                 input.value = q;
                 input.dispatchEvent(new Event('input'));",
                vec![Value::from(*q)],
            )
            .await?;
        rows.push((r[0].as_f64().unwrap(), r[1].as_f64().unwrap(), *q));
        assert_no_console_errors(c).await?;
    }
    Ok(rows)
}
