//! `kbc check`: discover, parse, lint (the engine, once), report. [`load`]
//! is the shared front half of every command that reads a knowledge base.

use crate::ExitStatus;
use crate::article::Corpus;
use crate::cli::{CheckArgs, CommonArgs};
use crate::config::Config;
use crate::diagnostic::format::{self, Files, Format, Options};
use crate::diagnostic::{Diagnostic, Level, Summary};
use crate::engine::{Mode, Session};
use crate::lint::baseline::Baseline;
use crate::lint::{self, Levels};
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
    if args.statistics && matches!(args.common.format, Format::Github | Format::Sarif) {
        bail!("--statistics prints counts as a table or as JSON: use --format human or --format json");
    }
    let mut checked = load_with(&args.common.root, !args.common.quiet)?;
    if args.fix {
        checked = fix(checked, &args.common)?;
    }
    if let Some(file) = &args.write_baseline {
        let baseline = Baseline::new(&checked.diagnostics, &checked.files());
        baseline.write(file)?;
        if !args.common.quiet {
            eprintln!("wrote {} findings to baseline {}", baseline.entries.len(), file.display());
        }
        return Ok(ExitStatus::Success);
    }
    apply_baseline(&mut checked, args.baseline.as_deref(), args.common.quiet)?;
    if checked.summary().articles == 0 && checked.diagnostics.is_empty() && !args.common.quiet {
        // Most likely the wrong folder: say so rather than pass silently.
        eprintln!("warning: no articles (.md files) found in {}", checked.config.source_dir().display());
    }
    let status = status(&checked.diagnostics, args.common.deny_warnings);
    match args.statistics {
        true => crate::ignore_broken_pipe(statistics(&checked, &args.common))?,
        false => crate::ignore_broken_pipe(report(&checked, &args.common))?,
    }
    // The process ends next: freeing every article one by one cost 6% of a check.
    std::mem::forget(checked);
    Ok(status)
}

/// Applies the findings' fixes in place, then checks again.
fn fix(checked: Checked, common: &CommonArgs) -> Result<Checked> {
    let files = checked.files();
    let done = crate::fix::apply_all(&checked.config.root, &checked.diagnostics, |p| files.get(p))?;
    if !common.quiet {
        eprintln!("fixed {} problem(s) in {} file(s)", done.fixes, done.files);
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
fn statistics(checked: &Checked, common: &CommonArgs) -> Result<()> {
    let counts = crate::diagnostic::stats::count(&checked.diagnostics);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match common.format {
        Format::Json => crate::diagnostic::stats::write_json(&mut out, &counts)?,
        _ => crate::diagnostic::stats::write_human(&mut out, &counts)?,
    }
    write_summary(&mut out, &checked.summary().line(), common)?;
    out.flush()?;
    Ok(())
}

/// The summary line, unless `--quiet`: on stdout after human output, on
/// stderr otherwise, so that stdout stays machine-readable.
fn write_summary(out: &mut impl Write, line: &str, common: &CommonArgs) -> std::io::Result<()> {
    match (common.quiet, common.format) {
        (true, _) => Ok(()),
        (false, Format::Human) => writeln!(out, "{line}"),
        (false, _) => writeln!(std::io::stderr(), "{line}"),
    }
}

/// Prints diagnostics in the chosen format, then the summary (on stdout for
/// human output, on stderr otherwise, so stdout stays machine-readable).
pub fn report(checked: &Checked, common: &CommonArgs) -> Result<()> {
    write_report(&checked.config.root, &checked.diagnostics, &checked.files(), &checked.summary(), common)
}

/// [`report`] of the diagnostics of a knowledge base at `root`.
pub fn write_report(
    root: &Path,
    diagnostics: &[Diagnostic],
    files: &Files<'_>,
    summary: &Summary,
    common: &CommonArgs,
) -> Result<()> {
    let stdout = std::io::stdout();
    let options = Options {
        color: common.format == Format::Human
            && common.color.enabled(stdout.is_terminal(), std::env::var_os("NO_COLOR").as_deref()),
        path_prefix: match common.format {
            Format::Github | Format::Sarif => repository_prefix(root),
            _ => String::new(),
        },
        rules: lint::registry::metas().collect(),
    };
    let mut out = std::io::BufWriter::new(stdout.lock());
    format::write(common.format, &mut out, diagnostics, files, &options)?;
    let line = summary.line();
    if common.format == Format::Github {
        format::github::write_step_summary(diagnostics, &line)?;
    }
    write_summary(&mut out, &line, common)?;
    out.flush()?;
    Ok(())
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

/// 1 with errors (or warnings under --deny-warnings), else 0.
pub fn status(diags: &[Diagnostic], deny_warnings: bool) -> ExitStatus {
    let failing = diags.iter().any(|d| d.level == Level::Error || (deny_warnings && d.level == Level::Warning));
    if failing { ExitStatus::Failure } else { ExitStatus::Success }
}
