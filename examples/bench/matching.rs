//! The `kbc match` case: per-query latency after loading (issue 5's target:
//! at most 10 ms per query). Runs in process through the library, on the
//! bundle the timed `kbc build` wrote: the bundle is loaded and indexed once
//! per round, then a fixed query set goes through [`Index::explain`], which is
//! all the per-query work `kbc match` does (ranking plus the matched terms of
//! every shown hit); only printing is left out.

use kbc::matching::bundle::{Article, Bundle};
use kbc::matching::{Index, Query};
use std::path::Path;
use std::time::{Duration, Instant};

/// Free-text questions, as a user would type them.
const QUESTIONS: [&str; 10] = [
    "how do I reset my password",
    "virtual machine will not start after resize",
    "storage account access denied 403",
    "cannot connect to sql database login failed",
    "billing invoice shows unexpected charges",
    "app service deployment fails with timeout",
    "kubernetes cluster nodes not ready",
    "how to increase the quota for cores in a region",
    "certificate expired on custom domain",
    "backup job failed with error",
];

/// Queries derived from the articles (every k-th one), and signatures.
const FROM_ARTICLES: usize = 180;
const SIGNATURES: usize = 10;
/// `kbc match` shows this many hits by default (`--limit`).
const LIMIT: usize = 5;
pub const TARGET_MS: f64 = 10.0;

/// What the match case measured over all rounds.
pub struct MatchTimes {
    pub load: Vec<Duration>,
    pub index: Vec<Duration>,
    pub queries: Vec<Duration>,
    pub query_count: usize,
    pub with_hits: usize,
    pub articles: usize,
    pub peak_rss_kb: u64,
}

pub fn measure(bundle_path: &Path, runs: usize) -> MatchTimes {
    let mut t = MatchTimes {
        load: vec![],
        index: vec![],
        queries: vec![],
        query_count: 0,
        with_hits: 0,
        articles: 0,
        peak_rss_kb: 0,
    };
    for _ in 0..runs {
        let start = Instant::now();
        let bundle = Bundle::load(bundle_path).unwrap_or_else(|e| panic!("{e:#}"));
        t.load.push(start.elapsed());
        let start = Instant::now();
        let index = Index::build(&bundle);
        t.index.push(start.elapsed());
        let queries = queries(&bundle);
        (t.query_count, t.articles) = (queries.len(), bundle.articles.len());
        t.with_hits = 0;
        for q in &queries {
            let start = Instant::now();
            let matches = std::hint::black_box(index.explain(q).unwrap_or_else(|e| panic!("{e:#}")));
            t.queries.push(start.elapsed());
            t.with_hits += usize::from(!matches.is_empty());
        }
    }
    t.peak_rss_kb = own_peak_rss_kb();
    t
}

/// A fixed, deterministic query set drawn from the bundle itself: title
/// fragments, error codes, descriptions and opening sentences of every k-th
/// article (some restricted to a cloud, as `--cloud` does), quoted problem
/// signatures, and a few questions.
pub fn queries(bundle: &Bundle) -> Vec<Query> {
    let n = bundle.articles.len().max(1);
    let mut texts: Vec<(String, bool)> = (0..FROM_ARTICLES)
        .filter_map(|j| bundle.articles.get(j * n / FROM_ARTICLES).map(|a| (from_article(a, j), j % 5 == 4)))
        .collect();
    let signatures: Vec<&String> =
        bundle.articles.iter().flat_map(|a| &a.problems).flat_map(|p| &p.signatures).collect();
    let step = (signatures.len() / SIGNATURES).max(1);
    texts.extend(signatures.iter().step_by(step).take(SIGNATURES).map(|s| (s.to_string(), false)));
    texts.extend(QUESTIONS.iter().map(|q| (q.to_string(), false)));
    texts
        .into_iter()
        .filter(|(t, _)| !t.trim().is_empty())
        .map(|(text, cloud)| Query { text, cloud: cloud.then(|| "public".into()), support_topic: None, limit: LIMIT })
        .collect()
}

fn from_article(a: &Article, j: usize) -> String {
    let title = if a.title.is_empty() { &a.heading } else { &a.title };
    let text = match j % 4 {
        0 => words(title, 6),
        1 => error_code(a).unwrap_or_else(|| words(title, 3)),
        2 => words(&a.description, 12),
        _ => a.sections.iter().map(|s| words(&s.text, 15)).find(|s| !s.is_empty()).unwrap_or_default(),
    };
    if text.is_empty() { words(title, 6) } else { text }
}

fn words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// The first error-code-like word of an article (`AADSTS50076`,
/// `0x80070005`, `ERROR_ACCESS_DENIED`): letters and digits, or capitals
/// joined by underscores.
fn error_code(a: &Article) -> Option<String> {
    let text = a.sections.iter().map(|s| s.text.as_str()).chain(a.steps.iter().map(String::as_str));
    text.flat_map(str::split_whitespace)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_'))
        .find(|w| is_error_code(w))
        .map(str::to_string)
}

fn is_error_code(w: &str) -> bool {
    let alnum = w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let digits = w.chars().any(|c| c.is_ascii_digit());
    let letters = w.chars().any(|c| c.is_ascii_alphabetic());
    let coded = digits && letters && (w.starts_with(|c: char| c.is_ascii_alphabetic()) || w.starts_with("0x"));
    let shouting = w.contains('_') && w.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    w.len() >= 6 && alnum && (coded || shouting)
}

/// This process's peak resident set so far, in KiB.
fn own_peak_rss_kb() -> u64 {
    // SAFETY: an all-zero rusage is a valid value for getrusage to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is valid for the call.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as u64
}

/// The value at quantile `q` (0..=1) of sorted durations, in milliseconds.
pub fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len().saturating_sub(1)) as f64 * q).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}
