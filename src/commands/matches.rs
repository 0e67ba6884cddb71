//! `kbc match`: loads a bundle, indexes it, and prints the best matches for a
//! text with why they matched. Exit status 0 with matches, 1 without.
//! `--batch` answers JSON Lines queries from stdin, one result line each
//! (exit 0, or 2 when a line was not a query).

use crate::cli::{MatchArgs, ReportFormat};
use crate::commands::ExitStatus;
use crate::config::Config;
use crate::matching::bundle::Bundle;
use crate::matching::{Index, Match, Query};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub(crate) fn run(args: &MatchArgs) -> Result<ExitStatus> {
    let t0 = Instant::now();
    let bundle = Bundle::load(&bundle_path(args)?)?;
    let t1 = Instant::now();
    let index = Index::build(&bundle);
    let t2 = Instant::now();
    let status = match &args.text {
        Some(text) if !args.batch => run_one(args, text, &bundle, &index)?,
        _ => run_batch(args, &bundle, &index)?,
    };
    if args.timings {
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
        eprintln!("load {:.1} ms, index {:.1} ms, queries {:.2} ms", ms(t0, t1), ms(t1, t2), ms(t2, Instant::now()));
    }
    Ok(status)
}

fn run_one(args: &MatchArgs, text: &str, bundle: &Bundle, index: &Index) -> Result<ExitStatus> {
    let query = Query {
        text: text.to_string(),
        cloud: args.cloud.clone(),
        support_topic: args.support_topic.clone(),
        limit: args.limit,
    };
    let views = views(bundle, index, &query);
    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Human => write_human(&mut out, &views, bundle.articles.len())?,
        ReportFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&MatchReport { query: text, matches: &views })?)?
        }
    }
    Ok(if views.is_empty() { ExitStatus::Failure } else { ExitStatus::Success })
}

fn views(bundle: &Bundle, index: &Index, query: &Query) -> Vec<MatchView> {
    let matches = index.explain(bundle, query);
    matches.into_iter().enumerate().map(|(i, m)| view(bundle, i + 1, m)).collect()
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

fn run_batch(args: &MatchArgs, bundle: &Bundle, index: &Index) -> Result<ExitStatus> {
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
                let views = views(bundle, index, &query);
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

fn view(bundle: &Bundle, rank: usize, m: Match) -> MatchView {
    let (hit, terms) = (m.hit, m.terms);
    let a = &bundle.articles[hit.article];
    let terms = terms.into_iter().map(|(f, terms)| FieldTerms { field: f.as_str(), terms }).collect();
    MatchView {
        rank,
        article_id: a.article_id.clone(),
        title: if a.title.is_empty() { a.heading.clone() } else { a.title.clone() },
        path: a.path.clone(),
        score: (hit.score * 100.0).round() / 100.0,
        clouds: a.clouds.clone(),
        exact_signature: hit.signature,
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
