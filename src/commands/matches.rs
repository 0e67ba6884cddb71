//! `kbc match`: loads a bundle, indexes it, and prints the best matches for a
//! text with why they matched. Exit status 0 with matches, 1 without.
//! `--batch` answers JSON Lines queries from stdin, one result line each
//! (exit 0, or 2 when a line was not a query).

use crate::cli::{MatchArgs, ReportFormat};
use crate::commands::ExitStatus;
use crate::config::Config;
use crate::matching::bundle::Bundle;
use crate::matching::{Index, Match, Query, store};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub(crate) fn run(args: &MatchArgs) -> Result<ExitStatus> {
    let t0 = Instant::now();
    let (index, source) = index(&bundle_path(args)?)?;
    let t1 = Instant::now();
    let status = match &args.text {
        Some(text) if !args.batch => run_one(args, text, &index)?,
        _ => run_batch(args, &index)?,
    };
    if args.timings {
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
        eprintln!("{source}: {:.1} ms, queries {:.2} ms", ms(t0, t1), ms(t1, Instant::now()));
    }
    Ok(status)
}

/// The match index beside the bundle when it is there and was built from
/// this bundle (same length, not older), else one built from the bundle.
fn index(bundle: &Path) -> Result<(Index, &'static str)> {
    let file = bundle.with_file_name(store::FILE);
    if let Some(index) = fresh_index(bundle, &file) {
        return Ok((index, "open match.idx"));
    }
    let loaded = Bundle::load(bundle)?;
    Ok((Index::build(&loaded), "load and index rules.json"))
}

fn fresh_index(bundle: &Path, file: &Path) -> Option<Index> {
    let (b, f) = (std::fs::metadata(bundle).ok()?, std::fs::metadata(file).ok()?);
    if f.modified().ok()? < b.modified().ok()? {
        return None;
    }
    let index = Index::open(std::fs::File::open(file).ok()?).ok()?;
    (index.bundle_len() == b.len()).then_some(index)
}

fn run_one(args: &MatchArgs, text: &str, index: &Index) -> Result<ExitStatus> {
    let query = Query {
        text: text.to_string(),
        cloud: args.cloud.clone(),
        support_topic: args.support_topic.clone(),
        limit: args.limit,
    };
    let views = views(index, &query)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Human => write_human(&mut out, &views, index.len())?,
        ReportFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&MatchReport { query: text, matches: &views })?)?
        }
    }
    Ok(if views.is_empty() { ExitStatus::Failure } else { ExitStatus::Success })
}

fn views(index: &Index, query: &Query) -> Result<Vec<MatchView>> {
    let matches = index.explain(query)?;
    Ok(matches.into_iter().enumerate().map(|(i, m)| view(i + 1, m)).collect())
}

/// One line of `--batch` input; the command line's filters and limit are
/// the defaults.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchQuery {
    text: String,
    cloud: Option<String>,
    support_topic: Option<String>,
    limit: Option<usize>,
    /// Echoed back, so callers can pair answers with questions.
    id: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct BatchResult<'a> {
    id: Option<serde_json::Value>,
    query: &'a str,
    matches: &'a [MatchView],
}

#[derive(Serialize)]
struct BatchError {
    line: usize,
    error: String,
}

fn run_batch(args: &MatchArgs, index: &Index) -> Result<ExitStatus> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("cannot read the queries from stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<BatchQuery>(&line) {
            Ok(q) => {
                let query = Query {
                    text: q.text,
                    cloud: q.cloud.or_else(|| args.cloud.clone()),
                    support_topic: q.support_topic.or_else(|| args.support_topic.clone()),
                    limit: q.limit.unwrap_or(args.limit),
                };
                let views = views(index, &query)?;
                serde_json::to_writer(&mut out, &BatchResult { id: q.id, query: &query.text, matches: &views })?;
            }
            Err(e) => {
                failed = true;
                serde_json::to_writer(&mut out, &BatchError { line: n + 1, error: e.to_string() })?;
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(if failed { ExitStatus::Error } else { ExitStatus::Success })
}

fn bundle_path(args: &MatchArgs) -> Result<PathBuf> {
    match &args.bundle {
        Some(p) => Ok(p.clone()),
        None => Ok(Config::load(Path::new("."))?.output_dir().join("rules.json")),
    }
}

#[derive(Serialize)]
struct MatchReport<'a> {
    query: &'a str,
    matches: &'a [MatchView],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchView {
    rank: usize,
    article_id: String,
    title: String,
    path: String,
    score: f64,
    clouds: Vec<String>,
    /// The problem signature the query matched exactly, if any.
    exact_signature: Option<String>,
    /// Query terms found, by field.
    terms: Vec<FieldTerms>,
}

#[derive(Serialize)]
struct FieldTerms {
    field: &'static str,
    terms: Vec<String>,
}

fn view(rank: usize, m: Match) -> MatchView {
    let terms = m.terms.into_iter().map(|(f, terms)| FieldTerms { field: f.as_str(), terms }).collect();
    MatchView {
        rank,
        article_id: m.doc.article_id,
        title: m.doc.title,
        path: m.doc.path,
        score: (m.hit.score * 100.0).round() / 100.0,
        clouds: m.doc.clouds,
        exact_signature: m.hit.signature,
        terms,
    }
}

/// Titles, paths and signatures come from the bundle, hence escaped.
fn write_human(out: &mut impl Write, views: &[MatchView], total: usize) -> Result<()> {
    let esc = crate::diagnostic::format::escape_controls;
    if views.is_empty() {
        writeln!(out, "no article matches (searched {total} articles)")?;
        return Ok(());
    }
    for v in views {
        writeln!(out, "{}. {}  (score {:.2})", v.rank, esc(&v.title), v.score)?;
        writeln!(out, "   {}  [{}]", esc(&v.path), esc(&v.clouds.join(", ")))?;
        if let Some(sig) = &v.exact_signature {
            writeln!(out, "   why: the error message matches this article's problem signature")?;
            writeln!(out, "        \"{}\"", esc(&shorten(sig, 110)))?;
        }
        let words: Vec<String> = v.terms.iter().map(|t| format!("{} ({})", t.terms.join(", "), t.field)).collect();
        if !words.is_empty() {
            let why = if v.exact_signature.is_some() { "also" } else { "why" };
            writeln!(out, "   {why}: {}", esc(&words.join("; ")))?;
        }
    }
    Ok(())
}

fn shorten(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}
