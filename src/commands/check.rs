//! `kbc check`: discover, parse, lint (the engine, once), report. [`load`]
//! is the shared front half of every command that reads a knowledge base.

use crate::article::Corpus;
use crate::cli::{CheckArgs, CommonArgs};
use crate::commands::ExitStatus;
use crate::config::Config;
use crate::diagnostic::format::{self, Files, Format, Options};
use crate::diagnostic::{Diagnostic, Level, Summary};
use crate::engine::{Mode, Session};
use crate::lint::baseline::Baseline;
use crate::lint::{self, Levels};
use crate::selection::Selection;
use crate::source::SourceFile;
use anyhow::{Result, bail};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// A knowledge base read, parsed and linted.
pub struct Checked {
    pub config: Config,
    pub levels: Levels,
    pub corpus: Corpus,
    /// Leveled and sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that could not be decoded, kept lossily for showing snippets.
    pub undecodable: Vec<SourceFile>,
}

impl Checked {
    pub fn summary(&self) -> Summary {
        Summary::new(self.corpus.len() + self.undecodable.len(), &self.diagnostics)
    }

    pub fn files(&self) -> Files<'_> {
        Files::new(self.corpus.articles.iter().map(|a| &a.source).chain(&self.undecodable))
    }
}

/// Reads the config and every article under ROOT, parses and lints them.
pub fn load(root: &Path) -> Result<Checked> {
    load_with(root, false)
}

/// [`load`], with a progress bar on stderr when `progress` is wanted and
/// [`crate::progress`] finds someone watching.
pub fn load_with(root: &Path, progress: bool) -> Result<Checked> {
    Ok(lint_read(read(root)?, progress))
}

pub use crate::engine::{Read, read};

/// Parses and checks what [`read`] read, once (through the engine).
pub fn lint_read(read: Read, progress: bool) -> Checked {
    let session = Session::check(read, Mode::Once, progress);
    let (config, levels, corpus, diagnostics, undecodable) = session.into_parts();
    Checked { config, levels, corpus, diagnostics, undecodable }
}

pub fn run(args: &CheckArgs) -> Result<ExitStatus> {
    if args.statistics && matches!(args.common.format, Format::Github | Format::Sarif | Format::Rdjson) {
        bail!("--statistics prints counts as a table or as JSON: use --format human or --format json");
    }
    let (root, paths) = root_and_paths(args)?;
    let common = CommonArgs { root, ..args.common.clone() };
    let mut checked = load_with(&common.root, !common.quiet)?;
    let mut selection = select(&checked, &paths, args.changed_since.as_deref())?;
    if let Some(s) = &selection {
        checked.diagnostics = s.filter(std::mem::take(&mut checked.diagnostics), &checked.files());
    }
    if args.fix {
        checked = fix(checked, &common)?;
        selection = select(&checked, &paths, args.changed_since.as_deref())?;
        if let Some(s) = &selection {
            checked.diagnostics = s.filter(std::mem::take(&mut checked.diagnostics), &checked.files());
        }
    }
    if let Some(file) = &args.write_baseline {
        let baseline = Baseline::new(&checked.diagnostics, &checked.files());
        baseline.write(file)?;
        if !common.quiet {
            eprintln!("wrote {} findings to baseline {}", baseline.entries.len(), file.display());
        }
        return Ok(ExitStatus::Success);
    }
    apply_baseline(&mut checked, args.baseline.as_deref(), common.quiet)?;
    if checked.summary().articles == 0 && checked.diagnostics.is_empty() && !common.quiet {
        // Most likely the wrong folder: say so rather than pass silently.
        let folder = checked.config.source_dir().display().to_string();
        eprintln!("warning: no articles (.md files) found in {}", crate::diagnostic::format::escape_controls(&folder));
    }
    if let Some(s) = &selection {
        warn_not_articles(s, &checked, common.quiet);
    }
    let status = status(&checked.diagnostics, common.deny_warnings);
    let line = summary_line(&checked, selection.as_ref());
    match args.statistics {
        true => super::ignore_broken_pipe(statistics(&checked, &line, &common))?,
        false => super::ignore_broken_pipe(report_with(&checked, &line, &common))?,
    }
    // The process usually ends next: freeing every article one by one cost 6% of a check.
    super::release(checked);
    Ok(status)
}

/// ROOT and the PATHs to report on. ROOT is the first argument when it is a
/// folder (or not there at all, which `read` reports); when it is a file, ROOT
/// is the current folder and every argument is a PATH.
fn root_and_paths(args: &CheckArgs) -> Result<(std::path::PathBuf, Vec<std::path::PathBuf>)> {
    let first = &args.common.root;
    let (root, paths) = match first.is_file() {
        true => (".".into(), std::iter::once(first).chain(&args.paths).cloned().collect()),
        false => (first.clone(), args.paths.clone()),
    };
    if !paths.is_empty() && args.changed_since.is_some() {
        bail!("give either PATHs or --changed-since, not both");
    }
    if !paths.is_empty() && args.write_baseline.is_some() {
        bail!("--write-baseline records the whole knowledge base: leave out the PATHs");
    }
    Ok((root, paths))
}

/// The selection PATHs or `--changed-since` ask for, if any.
fn select(checked: &Checked, paths: &[std::path::PathBuf], rev: Option<&str>) -> Result<Option<Selection>> {
    let root = &checked.config.root;
    Ok(match (paths, rev) {
        ([], None) => None,
        (_, Some(rev)) => {
            let s = Selection::changed_since(&checked.config, &checked.levels, rev)?;
            Some(s)
        }
        (paths, None) => Some(Selection::paths(root, paths)?),
    })
}

/// Says which named files are not articles of the knowledge base, whose
/// findings there cannot be (pre-commit passes every staged Markdown file).
fn warn_not_articles(selection: &Selection, checked: &Checked, quiet: bool) {
    let skipped = selection.not_articles(&checked.files());
    if !skipped.is_empty() && !quiet {
        eprintln!(
            "note: {} named file(s) are not articles of {} and were not checked: {}",
            skipped.len(),
            checked.config.source_dir().display(),
            crate::diagnostic::format::escape_controls(&skipped.join(", "))
        );
    }
}

/// The summary line; with a selection, how many of the articles read were
/// chosen and how they were.
fn summary_line(checked: &Checked, selection: Option<&Selection>) -> String {
    let summary = checked.summary();
    let Some(s) = selection.filter(|s| !s.is_everything()) else { return summary.line() };
    let chosen =
        checked.corpus.articles.iter().map(|a| a.path()).chain(checked.undecodable.iter().map(|f| f.rel_path.as_str()));
    let chosen = chosen.filter(|p| s.contains(p)).count();
    let rest = summary.line();
    let counts = rest.split_once(": ").map_or("", |(_, c)| c);
    format!("checked {chosen} of {} articles ({}): {counts}", summary.articles, s.describe())
}

/// Applies the findings' fixes in place, then checks again.
fn fix(checked: Checked, common: &CommonArgs) -> Result<Checked> {
    let files = checked.files();
    let done = crate::fix::apply_all(&checked.config.root, &checked.diagnostics, |p| files.get(p))?;
    let escape = crate::diagnostic::format::escape_controls;
    // Every file skipped is said, even with --quiet: its fixes were not made.
    for (path, why) in &done.skipped {
        eprintln!("warning: {}: not fixed: {}", escape(path), escape(why));
    }
    if !common.quiet {
        for (path, n) in &done.written {
            eprintln!("fixed {n} problem(s) in {}", escape(path));
        }
        eprintln!("fixed {} problem(s) in {} file(s)", done.fixes, done.files);
        if !done.skipped.is_empty() {
            eprintln!("skipped {} file(s) (see the warnings above)", done.skipped.len());
        }
    }
    if done.fixes == 0 { Ok(checked) } else { load_with(&common.root, false) }
}

/// Drops the findings recorded in a baseline file and says what it did.
pub fn apply_baseline(checked: &mut Checked, file: Option<&Path>, quiet: bool) -> Result<()> {
    let Some(file) = file else { return Ok(()) };
    let baseline = Baseline::read(file)?;
    let diags = std::mem::take(&mut checked.diagnostics);
    let (kept, outcome) = baseline.filter(diags, &checked.files());
    checked.diagnostics = kept;
    if !quiet {
        eprintln!("baseline {}: {} known finding(s) hidden", file.display(), outcome.known);
        if outcome.fixed > 0 {
            eprintln!(
                "baseline {}: {} entr{} fixed and can be dropped (rerun with --write-baseline)",
                file.display(),
                outcome.fixed,
                if outcome.fixed == 1 { "y is" } else { "ies are" }
            );
        }
    }
    Ok(())
}

/// Prints how many findings each rule has, then the summary (on stdout for
/// the table, on stderr with JSON, as [`report`] does).
fn statistics(checked: &Checked, line: &str, common: &CommonArgs) -> Result<()> {
    let counts = crate::diagnostic::stats::count(&checked.diagnostics);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match common.format {
        Format::Json => crate::diagnostic::stats::write_json(&mut out, &counts)?,
        _ => crate::diagnostic::stats::write_human(&mut out, &counts)?,
    }
    write_summary(&mut out, line, common)?;
    out.flush()?;
    Ok(())
}

/// The summary line, unless `--quiet`: on stdout after human output, on
/// stderr otherwise, so that stdout stays machine-readable.
pub(crate) fn write_summary(out: &mut impl Write, line: &str, common: &CommonArgs) -> std::io::Result<()> {
    match (common.quiet, common.format) {
        (true, _) => Ok(()),
        (false, Format::Human) => writeln!(out, "{line}"),
        (false, _) => writeln!(std::io::stderr(), "{line}"),
    }
}

/// Prints diagnostics in the chosen format, then the summary (on stdout for
/// human output, on stderr otherwise, so stdout stays machine-readable).
pub fn report(checked: &Checked, common: &CommonArgs) -> Result<()> {
    report_with(checked, &checked.summary().line(), common)
}

/// [`report`] with this summary line.
fn report_with(checked: &Checked, line: &str, common: &CommonArgs) -> Result<()> {
    write_report_line(&checked.config.root, &checked.diagnostics, &checked.files(), line, common)
}

/// [`report`] of the diagnostics of a knowledge base at `root`.
pub fn write_report(
    root: &Path,
    diagnostics: &[Diagnostic],
    files: &Files<'_>,
    summary: &Summary,
    common: &CommonArgs,
) -> Result<()> {
    write_report_line(root, diagnostics, files, &summary.line(), common)
}

fn write_report_line(
    root: &Path,
    diagnostics: &[Diagnostic],
    files: &Files<'_>,
    line: &str,
    common: &CommonArgs,
) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write_findings(root, &mut out, diagnostics, files, common)?;
    if common.format == Format::Sarif
        && let Some(note) = format::sarif::cut_note(diagnostics)
    {
        eprintln!("warning: {note}");
    }
    if common.format == Format::Github {
        format::github::write_step_summary(diagnostics, line, &repository_prefix(root))?;
        if let Some(note) = format::github::unannotated_note(diagnostics)
            && !common.quiet
        {
            eprintln!("note: {note}");
        }
    }
    write_summary(&mut out, line, common)?;
    out.flush()?;
    Ok(())
}

/// The findings alone, in the chosen format, with its options: colour for a
/// terminal, paths as GitHub or reviewdog resolve them.
pub(crate) fn write_findings(
    root: &Path,
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    files: &Files<'_>,
    common: &CommonArgs,
) -> std::io::Result<()> {
    let options = Options {
        color: common.format == Format::Human
            && common.color.enabled(std::io::stdout().is_terminal(), std::env::var_os("NO_COLOR").as_deref()),
        path_prefix: match common.format {
            Format::Github | Format::Sarif => repository_prefix(root),
            Format::Rdjson => working_prefix(root),
            _ => String::new(),
        },
        rules: lint::registry::metas().collect(),
        rules_url: std::env::var("KBC_RULES_URL").ok().filter(|u| !u.is_empty()),
    };
    format::write(common.format, out, diagnostics, files, &options)
}

/// Under GitHub Actions, ROOT's folder within the checkout (`kb/`), since
/// annotations and code-scanning URIs are resolved against the repository
/// root. Empty elsewhere, or when ROOT is the checkout or outside it.
fn repository_prefix(root: &Path) -> String {
    let Some(workspace) = std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty()) else {
        return String::new();
    };
    let (Ok(workspace), Ok(root)) = (Path::new(&workspace).canonicalize(), root.canonicalize()) else {
        return String::new();
    };
    match root.strip_prefix(&workspace) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{}/", crate::fs::display_rel(Path::new(""), rel)),
        _ => String::new(),
    }
}

/// ROOT relative to the current folder (`kb/`; empty when they are the
/// same), or ROOT's absolute path when it is elsewhere: reviewdog resolves
/// rdjson paths against the folder it runs in, which is kbc's.
fn working_prefix(root: &Path) -> String {
    let (Ok(cwd), Ok(root)) = (std::env::current_dir().and_then(|c| c.canonicalize()), root.canonicalize()) else {
        return String::new();
    };
    match root.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => String::new(),
        Ok(rel) => format!("{}/", crate::fs::display_rel(Path::new(""), rel)),
        Err(_) => format!("{}/", crate::fs::display_rel(Path::new(""), &root)),
    }
}

/// 1 with errors (or warnings under --deny-warnings), else 0.
pub fn status(diags: &[Diagnostic], deny_warnings: bool) -> ExitStatus {
    let failing = diags.iter().any(|d| d.level == Level::Error || (deny_warnings && d.level == Level::Warning));
    if failing { ExitStatus::Failure } else { ExitStatus::Success }
}
