//! The benchmark of issue 5: kbc against the floor program (`examples/floor.rs`),
//! in one run, as ratios. Run it through `bench/run.sh`, which builds both in
//! release mode first:
//!
//! ```text
//! bench/run.sh [CORPUS] [--runs N]        # CORPUS defaults to ../shared/corpus
//! ```
//!
//! The corpus is mirrored into a scratch folder as hard links (no second copy on
//! disk, and the original is never written: the edited article's link is
//! replaced by a file of its own). Each round runs every case once, alternating
//! floor and kbc runs so that both see the same machine noise, and settles the
//! disk (`sync`, a short pause) before each timed run. Wall time is the median
//! over the rounds; peak memory is the largest resident set of the child (from
//! `wait4`).
//!
//! Nothing is deleted while measuring. On ext4 without a journal (as on the
//! machine this was tuned on) every file creation scans past the inodes freed
//! in the last minute or so (`recently_deleted`; five minutes if they were
//! dirty), so deleting the previous output just before a timed run made that
//! run pay for the deletion: about 40% of a clean build's samples, and a
//! penalty for whichever run followed a big deletion. Old outputs are therefore
//! renamed into `trash/` inside the scratch folder (O(1)) and the trash is
//! deleted once, after the last round, also when the bench panics or is
//! interrupted. The cost is disk space until then: each kbc output is about
//! 57,000 files, a few hundred MB of apparent size (mostly the site pages; the
//! cloud sites are hard links to them) and about 350 MB on disk on the 11,000
//! article corpus, plus a floor output, per round: about 2.5 GB for `--runs 5`.
//!
//! What the protocol cannot remove: deletions by other processes on the same
//! file system, the few files a `kbc build` after an edit replaces (16 inodes
//! here), and the window stretching to five minutes for an inode table block
//! that new files dirty again. So the writing rows stay noisy (read their min
//! as well), and two bench runs should be a few minutes apart: the first one's
//! trash deletion would slow the second one's file creation.
//!
//! After the rounds, `kbc match` is timed in process on the bundle the last
//! build wrote ([`matching`]): load and index once per round, then a fixed set
//! of 200 queries, each timed alone. Last, a real `kbc serve` is timed over
//! repeated saves of one article ([`serve`]).

mod matching;
mod serve;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by Ctrl-C / SIGTERM: the bench stops after the current run and cleans up.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

struct Env {
    kbc: PathBuf,
    floor: PathBuf,
    /// The scratch copy of the corpus (a knowledge-base root).
    kb: PathBuf,
    work: Scratch,
    has_build: bool,
}

/// The bench's scratch folder, deleted when dropped (normal end, panic).
/// Outputs discarded while measuring are renamed into its `trash/` folder.
struct Scratch {
    dir: PathBuf,
    discarded: Cell<usize>,
}

impl Scratch {
    fn join(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Moves `path` (file or folder) into the trash: one rename, no deletion.
    fn discard(&self, path: &Path) {
        if path.symlink_metadata().is_err() {
            return;
        }
        let trash = self.join("trash");
        std::fs::create_dir_all(&trash).expect("scratch folder is writable");
        let n = self.discarded.replace(self.discarded.get() + 1);
        let dest = trash.join(n.to_string());
        std::fs::rename(path, &dest).unwrap_or_else(|e| panic!("cannot move {} aside: {e}", path.display()));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        eprintln!("deleting the scratch folder {}", self.dir.display());
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("cannot delete {}: {e}", self.dir.display());
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    FloorNoWrite,
    Check,
    FloorWrite,
    Build,
    BuildUnchanged,
    BuildOneChanged,
}

const CASES: [Case; 6] =
    [Case::FloorNoWrite, Case::Check, Case::FloorWrite, Case::Build, Case::BuildUnchanged, Case::BuildOneChanged];

impl Case {
    fn label(self) -> &'static str {
        match self {
            Case::FloorNoWrite => "floor --no-write",
            Case::Check => "kbc check",
            Case::FloorWrite => "floor (write)",
            Case::Build => "kbc build (clean)",
            Case::BuildUnchanged => "kbc build (nothing changed)",
            Case::BuildOneChanged => "kbc build (one article changed)",
        }
    }

    fn is_build(self) -> bool {
        matches!(self, Case::Build | Case::BuildUnchanged | Case::BuildOneChanged)
    }

    /// The case this one is compared with, and the target ratio from issue 5.
    fn baseline(self) -> Option<(Case, f64)> {
        match self {
            Case::Check => Some((Case::FloorNoWrite, 3.0)),
            Case::Build => Some((Case::FloorWrite, 2.0)),
            Case::BuildUnchanged => Some((Case::Build, 0.2)),
            _ => None,
        }
    }

    /// Work done before the clock starts: moving old outputs aside, editing an article.
    fn prepare(self, env: &Env, round: usize) {
        match self {
            Case::FloorWrite => env.work.discard(&env.work.join("floor-out")),
            // The build cache lives inside OUT: moving OUT away makes a clean build.
            Case::Build => env.work.discard(&env.work.join("out")),
            Case::BuildOneChanged => edit_one_article(env, round),
            _ => {}
        }
    }

    fn command(self, env: &Env) -> Command {
        let articles = env.kb.join("articles");
        let mut cmd = match self {
            Case::FloorNoWrite => arg_cmd(&env.floor, &[articles.as_os_str(), "--no-write".as_ref()]),
            Case::FloorWrite => arg_cmd(&env.floor, &[articles.as_os_str(), env.work.join("floor-out").as_os_str()]),
            Case::Check => arg_cmd(&env.kbc, &["check".as_ref(), "--quiet".as_ref(), env.kb.as_os_str()]),
            _ => {
                let out = env.work.join("out");
                arg_cmd(
                    &env.kbc,
                    &[
                        "build".as_ref(),
                        "--quiet".as_ref(),
                        "--skip-invalid".as_ref(),
                        env.kb.as_os_str(),
                        "-o".as_ref(),
                        out.as_os_str(),
                    ],
                )
            }
        };
        cmd.stdout(Stdio::null());
        cmd
    }
}

fn arg_cmd(program: &Path, args: &[&std::ffi::OsStr]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args);
    cmd
}

/// 20 saves of the first article under `kbc serve`.
fn measure_serve(env: &Env) -> Option<serve::ServeTimes> {
    let first = first_markdown(&env.kb.join("articles"))?;
    serve::measure(&env.kbc, &env.kb, &first, 20)
}

/// Appends a visible paragraph to the first article, different each round.
fn edit_one_article(env: &Env, round: usize) {
    let first = first_markdown(&env.kb.join("articles")).expect("the corpus has no articles");
    let mut text = std::fs::read_to_string(&first).expect("the first article is readable");
    text.push_str(&format!("\nBenchmark edit number {round}.\n"));
    // The file may be a hard link into the real corpus: move it aside (never
    // write through the link), then write anew.
    env.work.discard(&first);
    std::fs::write(&first, text).expect("the first article is writable");
}

fn first_markdown(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir).ok()?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    entries.into_iter().find_map(|p| {
        if p.is_dir() { first_markdown(&p) } else { p.extension().is_some_and(|e| e == "md").then_some(p) }
    })
}

#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    max_rss_kb: u64,
    /// For builds: the seconds build-report.json gives to rewriting the
    /// indexes (bundles, search indexes, index pages) and the build caches.
    indexes: Option<f64>,
}

/// Runs one case: settle the disk, then spawn and wait with `wait4` for the
/// child's own peak memory. Exit 0 and 1 (findings) count; anything else aborts.
fn measure(case: Case, env: &Env) -> Sample {
    let stderr = env.work.join("stderr.txt");
    let mut cmd = case.command(env);
    cmd.stderr(std::fs::File::create(&stderr).expect("scratch folder is writable"));
    settle();
    let start = Instant::now();
    // Reaped by wait4 below rather than Child::wait, which cannot report rusage.
    let pid = cmd.spawn().map(|child| child.id()).unwrap_or_else(|e| panic!("cannot run {}: {e}", case.label()));
    let (status, rss) = wait4(pid);
    let wall = start.elapsed();
    if status != 0 && status != 1 {
        assert!(!INTERRUPTED.load(Ordering::SeqCst), "interrupted");
        let msg = std::fs::read_to_string(&stderr).unwrap_or_default();
        panic!("{} exited with {status}:\n{msg}", case.label());
    }
    let indexes = case.is_build().then(|| index_seconds(&env.work.join("out"))).flatten();
    Sample { wall, max_rss_kb: rss, indexes }
}

/// The `indexes` and `caches` phases of the build report in `out`.
fn index_seconds(out: &Path) -> Option<f64> {
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("build-report.json")).ok()?).ok()?;
    let phases = report.get("timingsMs")?.as_array()?;
    let ms = phases
        .iter()
        .filter(|p| matches!(p.get("phase").and_then(|n| n.as_str()), Some("indexes" | "caches")))
        .filter_map(|p| p.get("ms")?.as_f64())
        .sum::<f64>();
    Some(ms / 1000.0)
}

fn settle() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    std::thread::sleep(Duration::from_millis(300));
}

/// Waits for `pid`; returns its exit code (or 128 + signal) and peak RSS in KiB.
fn wait4(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own unwaited child; both pointers are valid for the call.
    let got = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(got, pid as libc::pid_t, "wait4 failed: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { 128 + libc::WTERMSIG(status) };
    (code, usage.ru_maxrss as u64)
}

struct Opts {
    corpus: PathBuf,
    runs: usize,
}

fn parse_opts() -> Opts {
    let mut opts = Opts { corpus: PathBuf::from("../shared/corpus"), runs: 5 };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => opts.runs = args.next().and_then(|n| n.parse().ok()).expect("--runs takes a number"),
            s if s.starts_with('-') => panic!("unknown option {s}; usage: bench [CORPUS] [--runs N]"),
            _ => opts.corpus = PathBuf::from(a),
        }
    }
    opts
}

fn main() {
    let opts = parse_opts();
    // The children get Ctrl-C too and fail, which unwinds through `Scratch::drop`.
    ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst)).expect("cannot set a Ctrl-C handler");
    let env = setup(&opts);
    let cases: Vec<Case> = CASES.into_iter().filter(|c| env.has_build || !c.is_build()).collect();
    let Some(samples) = run_rounds(&opts, &env, &cases) else {
        eprintln!("interrupted");
        return;
    };
    let matched = env.has_build.then(|| matching::measure(&env.work.join("out").join("rules.json"), opts.runs));
    let served = env.has_build.then(|| measure_serve(&env)).flatten();
    print_table(&opts, &env, &cases, &samples);
    if let Some(m) = &matched {
        print_match(m);
    }
    if let Some(s) = &served {
        print_serve(s);
    }
    // `env.work` (mirror, outputs, trash) is deleted here, after all timing.
}

/// One untimed warm-up round, then `runs` timed ones; `None` if interrupted.
fn run_rounds(opts: &Opts, env: &Env, cases: &[Case]) -> Option<Vec<Vec<Sample>>> {
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); CASES.len()];
    // The warm-up round fills the page cache and leaves a build to rebuild from.
    for round in 0..=opts.runs {
        for &case in cases {
            case.prepare(env, round);
            let sample = measure(case, env);
            if INTERRUPTED.load(Ordering::SeqCst) {
                return None;
            }
            if round > 0 {
                samples[case as usize].push(sample);
            }
        }
        if round > 0 {
            eprintln!("round {round}/{} done", opts.runs);
        }
    }
    Some(samples)
}

fn setup(opts: &Opts) -> Env {
    let exe = std::env::current_exe().expect("own path");
    let examples = exe.parent().expect("examples folder");
    let release = examples.parent().expect("target folder");
    let dir = std::env::temp_dir().join(format!("kbc-bench-{}", std::process::id()));
    // Owned from here on, so that a failure below still deletes it.
    let work = Scratch { dir, discarded: Cell::new(0) };
    let kb = work.join("kb");
    link_tree(&opts.corpus, &kb).unwrap_or_else(|e| panic!("cannot mirror {}: {e}", opts.corpus.display()));
    let kbc = release.join("kbc");
    let has_build = Command::new(&kbc).args(["build", "--help"]).output().is_ok_and(|o| o.status.success());
    Env { kbc, floor: examples.join("floor"), kb, work, has_build }
}

/// Mirrors `from` into `to` with hard links (a copy only where the file
/// system refuses links, e.g. across devices).
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            link_tree(&entry.path(), &dest)?;
        } else if std::fs::hard_link(entry.path(), &dest).is_err() {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn print_table(opts: &Opts, env: &Env, cases: &[Case], samples: &[Vec<Sample>]) {
    let secs = |c: Case| median(samples[c as usize].iter().map(|s| s.wall.as_secs_f64()).collect());
    println!("corpus: {} ({} rounds, {} threads)", opts.corpus.display(), opts.runs, threads());
    println!("{:<33} {:>9} {:>9} {:>9} {:>10}  ratio (target)", "case", "median", "min", "max", "peak RSS");
    for &case in cases {
        let walls: Vec<f64> = samples[case as usize].iter().map(|s| s.wall.as_secs_f64()).collect();
        let rss = samples[case as usize].iter().map(|s| s.max_rss_kb).max().unwrap_or(0);
        let (min, max) = walls.iter().fold((f64::MAX, 0.0f64), |(lo, hi), &w| (lo.min(w), hi.max(w)));
        let ratio = case.baseline().map_or(String::new(), |(base, target)| {
            let r = secs(case) / secs(base);
            let verdict = if r <= target { "ok" } else { "OVER" };
            format!("{r:.2} x {} (<= {target}) {verdict}", base.label())
        });
        let rss = format!("{:.0} MB", rss as f64 / 1024.0);
        println!("{:<33} {:>8.3}s {:>8.3}s {:>8.3}s {rss:>10}  {ratio}", case.label(), secs(case), min, max);
    }
    let one = &samples[Case::BuildOneChanged as usize];
    if let Some(indexes) = one.iter().map(|s| s.indexes).collect::<Option<Vec<f64>>>().filter(|v| !v.is_empty()) {
        let rest = median(one.iter().zip(&indexes).map(|(s, i)| s.wall.as_secs_f64() - i).collect());
        let verdict = if rest <= 0.1 { "ok" } else { "OVER" };
        println!(
            "  of which rewriting the indexes {:>8.3}s; the rest {rest:.3}s (<= 0.1 s) {verdict}",
            median(indexes)
        );
    }
    if !env.has_build {
        println!("(`kbc build` is not available in this kbc; build rows skipped)");
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn print_match(m: &matching::MatchTimes) {
    let secs = |v: &[Duration]| {
        let s: Vec<f64> = v.iter().map(Duration::as_secs_f64).collect();
        let (min, max) = s.iter().fold((f64::MAX, 0.0f64), |(lo, hi), &w| (lo.min(w), hi.max(w)));
        (median(s), min, max)
    };
    let rss = format!("{:.0} MB", m.peak_rss_kb as f64 / 1024.0);
    let (med, min, max) = secs(&m.load);
    println!("{:<33} {med:>8.3}s {min:>8.3}s {max:>8.3}s {rss:>10}  (bench process)", "kbc match: load rules.json");
    let (med, min, max) = secs(&m.index);
    println!("{:<33} {med:>8.3}s {min:>8.3}s {max:>8.3}s", "kbc match: build index");
    let mut q = m.queries.clone();
    q.sort();
    let ms = |p: f64| matching::quantile_ms(&q, p);
    let (med, p95) = (ms(0.5), ms(0.95));
    let verdict = if med <= matching::TARGET_MS && p95 <= matching::TARGET_MS { "ok" } else { "OVER" };
    let label = format!("kbc match: per query ({})", m.query_count);
    println!(
        "{label:<33} {med:>7.2}ms {:>7.2}ms {:>7.2}ms {:>10}  p95 {p95:.2} ms (<= {} ms) {verdict}",
        ms(0.0),
        ms(1.0),
        "",
        matching::TARGET_MS
    );
    println!(
        "({} queries x {} rounds over {} articles; {} of them find a match)",
        m.query_count,
        m.load.len(),
        m.articles,
        m.with_hits
    );
}

fn print_serve(s: &serve::ServeTimes) {
    let stats = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        (median(v.clone()), at(0.0), at(1.0), at(0.95))
    };
    println!("{:<33} {:>7.0}ms", "kbc serve: first build", s.initial_ms);
    let (med, min, max, p95) = stats(&s.rebuilt_ms);
    let label = format!("kbc serve: one save ({})", s.rebuilt_ms.len());
    println!("{label:<33} {med:>7.0}ms {min:>7.0}ms {max:>7.0}ms {:>10}  p95 {p95:.0} ms (kbc's own timer)", "");
    let (med, min, max, p95) = stats(&s.seen_ms);
    println!("{:<33} {med:>7.0}ms {min:>7.0}ms {max:>7.0}ms {:>10}  p95 {p95:.0} ms", "  from the save to done", "");
}
