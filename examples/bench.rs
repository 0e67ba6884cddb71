//! The benchmark of issue 5: kbc against the floor program (`examples/floor.rs`),
//! in one run, as ratios. Run it through `bench/run.sh`, which builds both in
//! release mode first:
//!
//! ```text
//! bench/run.sh [CORPUS] [--runs N]        # CORPUS defaults to ../shared/corpus
//! ```
//!
//! The corpus is copied to a scratch folder (never touched in place). Each round
//! runs every case once, alternating floor and kbc runs so that both see the
//! same machine noise; outputs are deleted and the disk settled (`sync`, a short
//! pause) outside the timed part. Wall time is the median over the rounds; peak
//! memory is the largest resident set of the child (from `wait4`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where kbc keeps its incremental build cache, relative to the knowledge-base root.
const CACHE_DIR: &str = ".kbc-cache";

struct Env {
    kbc: PathBuf,
    floor: PathBuf,
    /// The scratch copy of the corpus (a knowledge-base root).
    kb: PathBuf,
    work: PathBuf,
    has_build: bool,
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

    /// Work done before the clock starts: clearing outputs, editing an article.
    fn prepare(self, env: &Env, round: usize) {
        match self {
            Case::FloorWrite => remove(&env.work.join("floor-out")),
            Case::Build => {
                remove(&env.work.join("out"));
                remove(&env.kb.join(CACHE_DIR));
            }
            Case::BuildOneChanged => edit_one_article(&env.kb, round),
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

fn remove(path: &Path) {
    if path.exists() {
        std::fs::remove_dir_all(path).unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
    }
}

/// Appends a visible paragraph to the first article, different each round.
fn edit_one_article(kb: &Path, round: usize) {
    let first = first_markdown(&kb.join("articles")).expect("the corpus has no articles");
    let mut text = std::fs::read_to_string(&first).expect("the first article is readable");
    text.push_str(&format!("\nBenchmark edit number {round}.\n"));
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
        let msg = std::fs::read_to_string(&stderr).unwrap_or_default();
        panic!("{} exited with {status}:\n{msg}", case.label());
    }
    Sample { wall, max_rss_kb: rss }
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
    let env = setup(&opts);
    let cases: Vec<Case> = CASES.into_iter().filter(|c| env.has_build || !c.is_build()).collect();
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); CASES.len()];
    // One untimed round warms the page cache and leaves a build to rebuild from.
    for &case in &cases {
        case.prepare(&env, 0);
        measure(case, &env);
    }
    for round in 1..=opts.runs {
        for &case in &cases {
            case.prepare(&env, round);
            samples[case as usize].push(measure(case, &env));
        }
        eprintln!("round {round}/{} done", opts.runs);
    }
    print_table(&opts, &env, &cases, &samples);
    remove(&env.work);
}

fn setup(opts: &Opts) -> Env {
    let exe = std::env::current_exe().expect("own path");
    let examples = exe.parent().expect("examples folder");
    let release = examples.parent().expect("target folder");
    let work = std::env::temp_dir().join(format!("kbc-bench-{}", std::process::id()));
    let kb = work.join("kb");
    copy_tree(&opts.corpus, &kb).unwrap_or_else(|e| panic!("cannot copy {}: {e}", opts.corpus.display()));
    let kbc = release.join("kbc");
    let has_build = Command::new(&kbc).args(["build", "--help"]).output().is_ok_and(|o| o.status.success());
    Env { kbc, floor: examples.join("floor"), kb, work, has_build }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else {
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
    if !env.has_build {
        println!("(`kbc build` is not available in this kbc; build rows skipped)");
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
