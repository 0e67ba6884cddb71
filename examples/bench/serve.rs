//! `kbc serve` after a save: the author's loop. A real `kbc serve` runs on the
//! mirror; after its first build, one article is saved again and again (a new
//! file renamed over the old, as editors do, so the hard link into the corpus
//! is never written through) and each rebuild is read from the lines kbc
//! prints: its own time (`rebuilt … in N ms`: re-read, re-check, re-render,
//! index pages and search index) and the time from the save until that line,
//! which adds the watcher's 30 ms settling wait.

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

pub struct ServeTimes {
    /// The first build, as kbc reports it.
    pub initial_ms: f64,
    /// Each save's rebuild, as kbc reports it.
    pub rebuilt_ms: Vec<f64>,
    /// From each save to the line saying it was rebuilt.
    pub seen_ms: Vec<f64>,
}

/// How long to wait for one line before deciding serve is stuck.
const PATIENCE: Duration = Duration::from_secs(60);

/// `saves` saves of `article` (under `kb`) with `kbc serve` watching; `None`
/// (and a note on stderr) if serve does not start or stops answering.
pub fn measure(kbc: &Path, kb: &Path, article: &Path, saves: usize) -> Option<ServeTimes> {
    let mut child = Command::new(kbc)
        .args(["serve", "--port", "0"])
        .arg(kb)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove("KBC_SERVE_TIMINGS")
        .spawn()
        .ok()?;
    let lines = read_lines(&mut child);
    let times = run(&lines, article, saves);
    let _ = child.kill();
    let _ = child.wait();
    if times.is_none() {
        eprintln!("note: kbc serve did not report its rebuilds; its row is left out");
    }
    times
}

fn run(lines: &Receiver<String>, article: &Path, saves: usize) -> Option<ServeTimes> {
    let initial_ms = wait_for(lines, "built in ")?;
    let original = std::fs::read_to_string(article).ok()?;
    let (mut rebuilt_ms, mut seen_ms) = (Vec::new(), Vec::new());
    for i in 0..saves {
        // Lets the previous rebuild's reloads and writes finish first.
        std::thread::sleep(Duration::from_millis(300));
        let start = Instant::now();
        save(article, &format!("{original}\nServe benchmark edit number {i}.\n")).ok()?;
        rebuilt_ms.push(wait_for(lines, "rebuilt ")?);
        seen_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    save(article, &original).ok()?;
    Some(ServeTimes { initial_ms, rebuilt_ms, seen_ms })
}

/// Writes a hidden file beside `article` (serve ignores hidden files), then
/// renames it over the article.
fn save(article: &Path, text: &str) -> std::io::Result<()> {
    let tmp = article.with_file_name(".kbc-bench-save.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, article)
}

/// Stdout's lines, read on a thread so that waiting can time out.
fn read_lines(child: &mut Child) -> Receiver<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// The milliseconds of the next line starting with `prefix` (`… in N ms;`),
/// skipping the diagnostics printed before it.
fn wait_for(lines: &Receiver<String>, prefix: &str) -> Option<f64> {
    loop {
        let line = lines.recv_timeout(PATIENCE).ok()?;
        if line.starts_with(prefix) {
            return milliseconds(&line);
        }
    }
}

fn milliseconds(line: &str) -> Option<f64> {
    let (_, rest) = line.rsplit_once(" in ")?;
    rest.split_once(" ms")?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_time_from_serves_lines() {
        let line = "rebuilt articles/a in b.md in 57 ms; checked 3 articles: 0 errors, 1 warning";
        assert_eq!(super::milliseconds(line), Some(57.0));
        assert_eq!(super::milliseconds("built in 1152 ms; checked 3 articles"), Some(1152.0));
    }
}
