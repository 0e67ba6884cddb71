//! Tests that need something the repository does not hold: the real corpus
//! (`KBC_CORPUS`), Chromium with chromedriver, the SARIF schema beside the
//! checkout, an IPv6 loopback. Each `require_*` returns what the test needs,
//! or says `SKIPPED: <test>: <why>` on stderr and returns `None`; when the
//! environment variable `CI` is set (as `.ci/run` and CI services set it) a
//! skip is a failure, so CI never passes a test it did not run.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Reports a test that cannot run here; panics under CI.
#[track_caller]
pub fn skip(why: &str) {
    skip_in(std::env::var_os("CI").is_some(), why);
}

#[track_caller]
fn skip_in(ci: bool, why: &str) {
    // libtest names each test's thread after the test.
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    if ci {
        panic!("{test} cannot run: {why}; CI is set, so this is a failure, not a skip");
    }
    // Straight to the process's stderr: libtest hides what a passing test
    // prints with `eprintln!`, and a skip must be seen.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {why}");
}

/// The knowledge base named by `KBC_CORPUS` (CI: `../shared/corpus`).
#[track_caller]
pub fn require_corpus() -> Option<PathBuf> {
    match std::env::var_os("KBC_CORPUS").filter(|v| !v.is_empty()) {
        Some(dir) if Path::new(&dir).is_dir() => Some(PathBuf::from(dir)),
        Some(dir) => {
            skip(&format!("KBC_CORPUS={} is not a folder", Path::new(&dir).display()));
            None
        }
        None => {
            skip("KBC_CORPUS is not set (export KBC_CORPUS=/work/shared/corpus)");
            None
        }
    }
}

/// chromedriver, when both it and a Chromium are on PATH.
#[track_caller]
pub fn require_browser() -> Option<PathBuf> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"].into_iter().find_map(which);
    match (chromium, which("chromedriver")) {
        (Some(_), Some(driver)) => Some(driver),
        _ => {
            skip("chromium or chromedriver is not on PATH (apt-get install chromium chromium-driver)");
            None
        }
    }
}

/// The text of a file that ships beside the repository rather than in it.
#[track_caller]
pub fn require_file(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) => {
            skip(&format!("cannot read {}: {e}", path.display()));
            None
        }
    }
}

/// Whether this machine has an IPv6 loopback to bind.
#[track_caller]
pub fn require_ipv6_loopback() -> bool {
    let ok = std::net::TcpListener::bind("[::1]:0").is_ok();
    if !ok {
        skip("no IPv6 loopback on this machine");
    }
    ok
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

#[test]
fn a_skip_passes_outside_ci_and_fails_under_ci() {
    let run = |ci| {
        std::thread::Builder::new().name("gate-self-test".into()).spawn(move || skip_in(ci, "testing")).unwrap().join()
    };
    assert!(run(false).is_ok());
    let failure = run(true).unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    assert_eq!(message, "gate-self-test cannot run: testing; CI is set, so this is a failure, not a skip");
}
