//! The site as a reader and an author see it, in a real headless Chromium
//! driven over WebDriver (fantoccini + chromedriver) against `kbc serve`:
//! the home page lists the knowledge base, search finds an article by its
//! error message, an article page shows its clouds and steps, the
//! diagnostics overlay appears for a broken article and disappears once it
//! is fixed (through live reload, without navigating), and no page logs a
//! console error.
//!
//! Says SKIPPED when chromium or chromedriver is not installed, and fails
//! then under CI (`common::gate`; .ci/run installs them).

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
    assert_eq!(clouds, ["public", "fairfax", "usnat", "ussec"]);
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
