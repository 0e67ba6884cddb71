//! `kbc build`: check, then render unless there are errors. With
//! `--skip-invalid` the articles with errors are left out (and listed in
//! build-report.json) and the rest is published.

use crate::article::vocab::Cloud;
use crate::cli::BuildArgs;
use crate::commands::ExitStatus;
use crate::commands::check::{self, Checked};
use crate::diagnostic::format::{Files, Format};
use crate::diagnostic::{Diagnostic, Level, Summary};
use crate::publish::cache;
use crate::publish::out::Out;
use crate::render::report::{BuildReport, Reason, Skipped, Timings};
use crate::render::{self, BuildInput};
use anyhow::{Context as _, Result};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Instant;

pub(crate) fn run(args: &BuildArgs) -> Result<ExitStatus> {
    let start = Instant::now();
    let clouds = render::clouds::selected(&args.clouds)?;
    let mut timings = Timings::default();
    let read = timings.time("read", || check::read(&args.common.root))?;
    let out = args.out.clone().unwrap_or_else(|| read.config.output_dir());
    // Before anything else: refusals, and what a killed build left.
    let mut folder = crate::publish::open(&out, &read.config.root, &read.config.source_dir())?;
    if args.clean {
        clean(&mut folder, &out, args.common.quiet)?;
    }
    let input_key = timings.time("key", || input_key(&read, &clouds, args))?;
    // Read once: for the up-to-date test here, and for an incremental build.
    let previous = cache::Manifest::read(&folder).unwrap_or_default();
    let replayed: Option<cache::Replay<BuildReport>> = cache::replay(&previous, &folder, &input_key, &read.config.root);
    if let Some(replay) = replayed {
        let summary = Summary::new(read.count(), &replay.diagnostics);
        report(&read.config.root, &replay.diagnostics, &read.files(), &summary, args)?;
        say_built(args, &replay.report, &out, start, " (up to date)");
        return Ok(ExitStatus::Success);
    }
    let progress = !args.common.quiet;
    let mut checked = timings.time("check", || check::lint_read(read, progress));
    check::apply_baseline(&mut checked, args.baseline.as_deref(), args.common.quiet)?;
    report(&checked.config.root, &checked.diagnostics, &checked.files(), &checked.summary(), args)?;
    let skipped = skipped(&checked, args.common.deny_warnings);
    if !skipped.is_empty() && !args.skip_invalid {
        refuse(&skipped);
        return Ok(ExitStatus::Failure);
    }
    let published: Vec<usize> = (checked.corpus.articles.iter().enumerate())
        .filter(|(_, a)| skipped.binary_search_by(|s| s.path.as_str().cmp(a.path())).is_err())
        .map(|(i, _)| i)
        .collect();
    let read = checked.corpus.len() + checked.undecodable.len();
    let input = BuildInput {
        config: &checked.config,
        corpus: std::mem::take(&mut checked.corpus),
        published,
        read,
        skipped,
        diagnostics: &checked.diagnostics,
        clouds,
        out,
        input_key,
    };
    let out = input.out.clone();
    let report = render::build_over(input, folder, previous, &mut timings)?;
    say_built(args, &report, &out, start, "");
    // The process usually ends next: freeing what is left one by one costs time.
    super::release(checked);
    Ok(ExitStatus::Success)
}

/// `--clean`: removes what kbc wrote in OUT and says what it removed and kept.
fn clean(folder: &mut Out, out: &std::path::Path, quiet: bool) -> Result<()> {
    let cleaned = crate::publish::clean::clean(folder)?;
    if !quiet {
        let escape = crate::diagnostic::format::escape_controls;
        let out = out.display().to_string();
        eprintln!(
            "Removed {} file(s) kbc wrote in {}{}",
            cleaned.removed,
            escape(&out),
            escape(&cleaned.summary_removed())
        );
        if !cleaned.kept.is_empty() {
            eprintln!("Kept what kbc did not write: {}", escape(&cleaned.kept.join(", ")));
        }
    }
    Ok(())
}

/// Says why nothing is published: the build's own reasons (the findings
/// were printed already), then the count.
fn refuse(skipped: &[Skipped]) {
    for s in skipped {
        for r in s.reasons.iter().filter(|r| r.code == "build") {
            let escape = crate::diagnostic::format::escape_controls;
            eprintln!("error: {}: {}", escape(&s.path), escape(&r.message));
        }
    }
    eprintln!(
        "error: {} file(s) have errors; nothing was written (fix them, or pass --skip-invalid to publish the rest)",
        skipped.len()
    );
}

/// The input key of this build: the files read, and every option that
/// changes what the build checks or writes.
fn input_key(read: &check::Read, clouds: &[Cloud], args: &BuildArgs) -> Result<String> {
    let baseline = match &args.baseline {
        Some(file) => std::fs::read(file).with_context(|| format!("cannot read baseline {}", file.display()))?,
        None => Vec::new(),
    };
    let clouds = format!("{clouds:?}");
    let settings: [(&str, &[u8]); 5] = [
        ("clouds", clouds.as_bytes()),
        ("skip-invalid", &[u8::from(args.skip_invalid)]),
        ("deny-warnings", &[u8::from(args.common.deny_warnings)]),
        ("baseline-given", &[u8::from(args.baseline.is_some())]),
        ("baseline", &baseline),
    ];
    cache::input_key(&read.config, &read.found, &settings)
}

/// What a build says about the findings. Human output shows the findings
/// that stop a build (errors, and warnings under --deny-warnings) in full and
/// counts the others by rule, with where to see them: on a large legacy tree
/// the warnings alone ran to 292,000 lines before the build's own summary.
/// `--verbose` and the machine formats print every finding, as `kbc check`.
fn report(
    root: &std::path::Path,
    diagnostics: &[Diagnostic],
    files: &Files<'_>,
    summary: &Summary,
    args: &BuildArgs,
) -> Result<()> {
    if args.verbose || args.common.format != Format::Human {
        return check::write_report(root, diagnostics, files, summary, &args.common);
    }
    let blocking =
        |d: &&Diagnostic| d.level == Level::Error || (args.common.deny_warnings && d.level == Level::Warning);
    let shown: Vec<Diagnostic> = diagnostics.iter().filter(blocking).cloned().collect();
    let mut counted = crate::diagnostic::stats::count(diagnostics);
    counted.retain(|c| c.level == Level::Warning && !args.common.deny_warnings);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    check::write_findings(root, &mut out, &shown, files, &args.common)?;
    let n: usize = counted.iter().map(|c| c.count).sum();
    if n > 0 && !args.common.quiet {
        let s = if n == 1 { "" } else { "s" };
        writeln!(
            out,
            "warning: {n} warning{s} not shown, by rule (`kbc check` lists them, as does `kbc build --verbose`):"
        )?;
        crate::diagnostic::stats::write_human(&mut out, &counted)?;
        writeln!(out)?;
    }
    check::write_summary(&mut out, &summary.line(), &args.common)?;
    out.flush()?;
    Ok(())
}

fn say_built(args: &BuildArgs, report: &BuildReport, out: &std::path::Path, start: Instant, note: &str) {
    if args.common.quiet {
        return;
    }
    let per_cloud: Vec<String> =
        Cloud::ALL.iter().filter_map(|c| report.counts.clouds.get(c.as_str()).map(|n| format!("{c} {n}"))).collect();
    eprintln!(
        "Built {} article{} ({}) into {} in {:.2}s{note}{}",
        report.counts.published,
        if report.counts.published == 1 { "" } else { "s" },
        per_cloud.join(", "),
        out.display(),
        start.elapsed().as_secs_f64(),
        match report.counts.skipped {
            0 => String::new(),
            n => format!("; skipped {n} (see build-report.json)"),
        }
    );
    eprintln!("The site is at {}", out.join("site").join("index.html").display());
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
