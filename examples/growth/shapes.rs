//! Hostile article shapes: each one made super-linear time or memory in
//! some part of kbc once (issue 11). Shared by the growth benchmark
//! (`examples/growth`) and the hostile-input tests (`tests/it/hostile.rs`),
//! so both measure the same inputs. Generated, not taken from any corpus.

use std::fmt::Write as _;
use std::path::Path;

/// One shape: `make(n)` writes an article of about `n` repeated units.
pub struct Shape {
    pub name: &'static str,
    /// `check` (rules and the human format) or `build` (also rendering).
    pub command: &'static str,
    pub make: fn(usize) -> String,
    /// `book.toml` for `n` units, for the shapes that need one.
    pub book: Option<fn(usize) -> String>,
    /// Units for the benchmark's 1x run (its 4x run uses four times as many).
    pub unit: usize,
}

pub const SHAPES: &[Shape] = &[
    Shape { name: "long-line-links", command: "check", make: long_line_links, book: None, unit: 20_000 },
    Shape { name: "portal-markers-in-code", command: "check", make: portal_markers_in_code, book: None, unit: 20_000 },
    Shape {
        name: "portal-unopened-closers",
        command: "check",
        make: portal_unopened_closers,
        book: None,
        unit: 10_000,
    },
    Shape {
        name: "portal-unclosed-openers",
        command: "check",
        make: portal_unclosed_openers,
        book: None,
        unit: 10_000,
    },
    Shape { name: "header-attributes", command: "check", make: header_attributes, book: None, unit: 10_000 },
    Shape { name: "nested-blockquotes", command: "build", make: nested_blockquotes, book: None, unit: 50_000 },
    Shape { name: "nested-divs", command: "build", make: nested_divs, book: None, unit: 50_000 },
    Shape { name: "deep-json", command: "build", make: deep_json, book: None, unit: 200_000 },
    Shape { name: "code-and-emphasis", command: "build", make: code_and_emphasis, book: None, unit: 100_000 },
    Shape { name: "long-line-text", command: "check", make: long_line_text, book: None, unit: 1_000_000 },
    Shape {
        name: "lint-overrides",
        command: "check",
        make: long_line_links,
        book: Some(lint_overrides_book),
        unit: 20_000,
    },
    Shape {
        name: "cloud-rewrites",
        command: "build",
        make: cloud_rewrites,
        book: Some(cloud_rewrites_book),
        unit: 120_000,
    },
];

/// A valid header and H1, so the shape's body is all that is unusual.
pub fn article(self_help_type: &str, extra_attributes: &str, after_h1: &str) -> String {
    format!(
        "<properties\n    pageTitle=\"Hostile input\"\n    description=\"An article shaped to find super-linear time\"\n    \
         service=\"microsoft.storage\"\n    resource=\"storageAccounts\"\n    ms.author=\"fixtureauthor\"\n    \
         displayOrder=\"20\"\n    selfHelpType=\"{self_help_type}\"\n    supportTopicIds=\"32677722\"\n    \
         productPesIds=\"16432\"\n    cloudEnvironments=\"public\"\n    \
         articleId=\"8e0f4a6c-1d2b-4c3e-9f5a-6b7c8d9e0f11\"\n    ownershipId=\"Fixture_Storage\"\n{extra_attributes}/>\n\n\
         # Hostile input\n{after_h1}"
    )
}

/// One line of `n` links to missing articles: a finding per link, all on
/// one line (line and column per finding, a snippet of the line each).
pub fn long_line_links(n: usize) -> String {
    let mut line = String::new();
    for i in 0..n {
        let _ = write!(line, "[l{i}](missing{i}.md) ");
    }
    article("generic", "", &format!("\n{line}\n"))
}

/// Portal markers on lines with inline code: each marker asks whether it
/// lies in code.
pub fn portal_markers_in_code(n: usize) -> String {
    let body: String = (0..n).map(|i| format!("`c{i}` <!--$Db-->x<!--/$Db--> `more` and\n")).collect();
    article("generic", "", &format!("\n{body}"))
}

/// `n` tokens opened and never closed, then `n` closing tokens never
/// opened: each closer looks for its opener among all the open tokens.
pub fn portal_unopened_closers(n: usize) -> String {
    let open: String = (0..n).map(|i| format!("Value <!--$Open{i}--> x\n")).collect();
    let close: String = (0..n).map(|i| format!("Value y <!--/$Close{i}-->\n")).collect();
    article("generic", "", &format!("\n{open}\n{close}"))
}

/// The mirror: `n` closing tokens never opened, then `n` tokens never closed.
pub fn portal_unclosed_openers(n: usize) -> String {
    let close: String = (0..n).map(|i| format!("Value y <!--/$Close{i}-->\n")).collect();
    let open: String = (0..n).map(|i| format!("Value <!--$Open{i}--> x\n")).collect();
    article("generic", "", &format!("\n{close}\n{open}"))
}

/// `n` attributes, each given twice in different case (a duplicate-attribute
/// and an unknown-attribute finding each).
pub fn header_attributes(n: usize) -> String {
    let attrs: String = (0..n).map(|i| format!("    extra{i}=\"v\"\n    EXTRA{i}=\"v\"\n")).collect();
    article("generic", &attrs, "\nText.\n")
}

/// `n` levels of blockquote on one line.
pub fn nested_blockquotes(n: usize) -> String {
    article("generic", "", &format!("\n{} deep\n", ">".repeat(n)))
}

/// `n` nested `<div>`s, one per line, never closed.
pub fn nested_divs(n: usize) -> String {
    article("generic", "", &format!("\n{}deep\n", "<div>\n".repeat(n)))
}

/// An embedded JSON block nested `n` objects deep, in an article whose type
/// makes the schema rules read the JSON tree.
pub fn deep_json(n: usize) -> String {
    let json = format!("{{\"title\": \"T\", \"formElements\": {}1{}}}", "{\"a\": ".repeat(n), "}".repeat(n));
    article("problemScopingQuestions", "", &format!("---\n{json}\n---\n\nText.\n"))
}

/// One paragraph of `n` inline code spans and emphases (about 20 bytes each).
pub fn code_and_emphasis(n: usize) -> String {
    let mut p = String::new();
    for i in 0..n {
        let _ = write!(p, "`c{i}` *e* **s** ");
    }
    article("generic", "", &format!("\n{p}\n"))
}

/// One line of `n` words (5 bytes each): 4,000,000 make a 20 MB line.
pub fn long_line_text(n: usize) -> String {
    article("generic", "", &format!("\n{}\n", "word ".repeat(n)))
}

/// `n / 10` links to the hosts that [`cloud_rewrites_book`] rewrites, then
/// a line of `n` letters that repeat the start of its longest prefix: each
/// link was matched against every prefix, and the text searched for each
/// prefix by comparing it at every position.
pub fn cloud_rewrites(n: usize) -> String {
    let links: String = (0..n / 10).map(|i| format!("[l](https://k{i}.example/p) ")).collect();
    article("generic", "", &format!("\n{links}\n\n{}\n", "h".repeat(n)))
}

/// `n / 10` public-cloud rewrites, and one prefix of `n / 10` letters.
pub fn cloud_rewrites_book(n: usize) -> String {
    let mut book = String::from("[clouds.public.rewrite]\n");
    for i in 0..n / 10 {
        let _ = writeln!(book, "\"https://k{i}.example/\" = \"https://k{i}.example.us/\"");
    }
    let _ = writeln!(book, "\"{}x\" = \"y\"", "h".repeat(n / 10));
    book
}

/// `n / 10` `[[lints.overrides]]` tables, none matching the article: with
/// [`long_line_links`] each of its `n` findings was matched against every
/// table's globs.
pub fn lint_overrides_book(n: usize) -> String {
    let mut book = String::new();
    for i in 0..n / 10 {
        let _ = writeln!(book, "[[lints.overrides]]\npaths = [\"elsewhere/{i}/**\"]\nbroken-internal-link = \"warn\"");
    }
    book
}

/// A knowledge base under `root` holding one article, `articles/hostile.md`.
/// With `book` (if not empty) as its `book.toml`.
pub fn write_kb(root: &Path, text: &str, book: &str) {
    let dir = root.join("articles");
    std::fs::create_dir_all(&dir).expect("scratch folder is writable");
    std::fs::write(dir.join("hostile.md"), text).expect("scratch folder is writable");
    if !book.is_empty() {
        std::fs::write(root.join("book.toml"), book).expect("scratch folder is writable");
    }
}

/// What one run of kbc did.
pub struct Run {
    /// The exit code; `None` if killed by a signal (a crash) or the limit.
    pub code: Option<i32>,
    pub wall: std::time::Duration,
    /// CPU time (user and system) of the process: on a loaded machine it
    /// varies far less than the wall time.
    pub cpu: std::time::Duration,
    /// Peak resident memory of the process: its `VmHWM`, sampled while it
    /// runs. (`wait4`'s figure starts from the parent's resident size, which
    /// a child inherits at fork: in a test binary that is hundreds of MB.)
    pub max_rss_kb: u64,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

/// Runs `bin ARGS` in `root`, killed after `limit`. Output goes through files
/// (a pipe would fill up and stall a run that prints megabytes).
pub fn run(bin: &Path, root: &Path, args: &[&str], limit: std::time::Duration) -> Run {
    let (out, err) = (root.join("stdout.txt"), root.join("stderr.txt"));
    let mut cmd = std::process::Command::new(bin);
    cmd.args(args)
        .current_dir(root)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd.stdout(std::fs::File::create(&out).expect("scratch folder is writable"));
    cmd.stderr(std::fs::File::create(&err).expect("scratch folder is writable"));
    let start = std::time::Instant::now();
    // Reaped by wait4 below rather than Child::wait, which cannot report rusage.
    let pid = cmd.spawn().unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display())).id() as libc::pid_t;
    // SAFETY: rusage is plain old data; zeroes are a valid value.
    let (mut status, mut usage, mut timed_out) = (0, unsafe { std::mem::zeroed::<libc::rusage>() }, false);
    let mut hwm = 0;
    loop {
        // SAFETY: `pid` is our child, not yet reaped; status and usage are valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        hwm = hwm.max(high_water_kb(pid).unwrap_or(0));
        if start.elapsed() > limit && !timed_out {
            timed_out = true;
            // SAFETY: signalling our own unreaped child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let wall = start.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    // A run too short to be sampled: wait4's figure, an upper bound.
    let max_rss_kb = if hwm > 0 { hwm } else { usage.ru_maxrss as u64 };
    let secs = |t: libc::timeval| std::time::Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = secs(usage.ru_utime) + secs(usage.ru_stime);
    Run { code, wall, cpu, max_rss_kb, stdout: read(&out), stderr: read(&err), timed_out }
}

/// `VmHWM` of a running process, in kB.
fn high_water_kb(pid: libc::pid_t) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
