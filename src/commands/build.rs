//! `kbc build`: check, then render unless there are errors. With
//! `--skip-invalid` the articles with errors are left out (and listed in
//! build-report.json) and the rest is published.

use crate::ExitStatus;
use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::cli::BuildArgs;
use crate::commands::check::{self, Checked};
use crate::diagnostic::Level;
use crate::render::report::{Reason, Skipped, Timings};
use crate::render::{self, BuildInput};
use anyhow::Result;
use std::collections::BTreeMap;
use std::time::Instant;

pub fn run(args: &BuildArgs) -> Result<ExitStatus> {
    let start = Instant::now();
    let clouds = render::clouds::selected(&args.clouds)?;
    let mut timings = Timings::default();
    let mut checked = timings.time("check", || check::load_with(&args.common.root, !args.common.quiet))?;
    check::apply_baseline(&mut checked, args.baseline.as_deref(), args.common.quiet)?;
    check::report(&checked, &args.common)?;
    let skipped = skipped(&checked, args.common.deny_warnings);
    if !skipped.is_empty() && !args.skip_invalid {
        for s in &skipped {
            for r in s.reasons.iter().filter(|r| r.code == "build") {
                eprintln!("error: {}: {}", s.path, r.message);
            }
        }
        eprintln!(
            "error: {} file(s) have errors; nothing was written (fix them, or pass --skip-invalid to publish the rest)",
            skipped.len()
        );
        return Ok(ExitStatus::Failure);
    }
    let published: Vec<&Article> = checked
        .corpus
        .articles
        .iter()
        .filter(|a| skipped.binary_search_by(|s| s.path.as_str().cmp(a.path())).is_err())
        .collect();
    let out = args.out.clone().unwrap_or_else(|| checked.config.output_dir());
    let input = BuildInput {
        config: &checked.config,
        corpus: &checked.corpus,
        published,
        read: checked.corpus.len() + checked.undecodable.len(),
        skipped,
        diagnostics: &checked.diagnostics,
        clouds,
        out,
    };
    let report = render::build(&input, &mut timings)?;
    if !args.common.quiet {
        let per_cloud: Vec<String> = Cloud::ALL
            .iter()
            .filter_map(|c| report.counts.clouds.get(c.as_str()).map(|n| format!("{c} {n}")))
            .collect();
        eprintln!(
            "Built {} articles ({}) into {} in {:.2}s{}",
            report.counts.published,
            per_cloud.join(", "),
            input.out.display(),
            start.elapsed().as_secs_f64(),
            match report.counts.skipped {
                0 => String::new(),
                n => format!("; skipped {n} (see build-report.json)"),
            }
        );
    }
    Ok(ExitStatus::Success)
}

/// Files that cannot be published, sorted by path: those with an error (or
/// a warning under --deny-warnings), and articles without an articleId,
/// which downstream tools key on.
fn skipped(checked: &Checked, deny_warnings: bool) -> Vec<Skipped> {
    let files = checked.files();
    let mut by_path: BTreeMap<String, Vec<Reason>> = BTreeMap::new();
    for d in &checked.diagnostics {
        if d.level == Level::Error || (deny_warnings && d.level == Level::Warning) {
            let pos = files.position(&d.path, &d.span);
            by_path.entry(d.path.clone()).or_default().push(Reason {
                code: d.code.to_string(),
                name: d.name.to_string(),
                line: pos.line,
                column: pos.column,
                message: d.message.clone(),
            });
        }
    }
    for a in &checked.corpus.articles {
        if a.article_id().is_none() && !by_path.contains_key(a.path()) {
            let reason = Reason {
                code: "build".into(),
                name: "no-article-id".into(),
                line: 1,
                column: 1,
                message: "the article has no articleId, which the bundle is keyed on".into(),
            };
            by_path.insert(a.path().to_string(), vec![reason]);
        }
    }
    by_path.into_iter().map(|(path, reasons)| Skipped { path, reasons }).collect()
}
