//! `kbc check`: discover, parse, lint, report. [`load`] is the shared front half
//! of every command that reads a knowledge base.

use crate::ExitStatus;
use crate::article::Corpus;
use crate::cli::{CheckArgs, CommonArgs};
use crate::config::Config;
use crate::diagnostic::format::{self, Files, Format};
use crate::diagnostic::{Diagnostic, Level, Summary};
use crate::lint::{self, Context, Levels};
use crate::source::SourceFile;
use anyhow::{Result, bail};
use rayon::prelude::*;
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
    if !root.is_dir() {
        bail!("{} is not a folder", root.display());
    }
    let config = Config::load(root)?;
    let levels = config.levels()?;
    let src = config.source_dir();
    if !src.is_dir() {
        bail!("source folder {} does not exist (set [book] src in book.toml)", src.display());
    }
    let found = crate::discover::discover(root, &src);
    let undecodable = undecodable_sources(root, &src, &found.diagnostics);
    let parsed: Vec<_> = found.sources.into_par_iter().map(crate::parse::parse).collect();
    let mut diagnostics = found.diagnostics;
    let mut articles = Vec::with_capacity(parsed.len());
    for p in parsed {
        diagnostics.extend(p.diagnostics);
        articles.push(p.article);
    }
    let corpus = Corpus::new(articles);
    diagnostics.extend(lint::lint(&Context { corpus: &corpus, config: &config }, &levels));
    let diagnostics = lint::finish(diagnostics, &levels);
    Ok(Checked { config, levels, corpus, diagnostics, undecodable })
}

/// Lossy copies of files that failed to decode, so their snippet can be shown.
/// The reported offset is the first bad byte, which lossy decoding preserves.
fn undecodable_sources(root: &Path, _src: &Path, diags: &[Diagnostic]) -> Vec<SourceFile> {
    diags
        .iter()
        .filter(|d| d.code == crate::lint::rules::invalid_encoding::META.code)
        .filter_map(|d| {
            let bytes = std::fs::read(root.join(&d.path)).ok()?;
            let text = String::from_utf8_lossy(&bytes).replace('\0', " ");
            Some(SourceFile::new(d.path.clone(), text, false))
        })
        .collect()
}

pub fn run(args: &CheckArgs) -> Result<ExitStatus> {
    let checked = load(&args.common.root)?;
    report(&checked, &args.common)?;
    let status = status(&checked.diagnostics, args.common.deny_warnings);
    // The process ends next: freeing every article one by one cost 6% of a check.
    std::mem::forget(checked);
    Ok(status)
}

/// Prints diagnostics in the chosen format, then the summary.
pub fn report(checked: &Checked, common: &CommonArgs) -> Result<()> {
    let files = checked.files();
    let stdout = std::io::stdout();
    let color = common.format == Format::Human && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::new(stdout.lock());
    format::write(common.format, &mut out, &checked.diagnostics, &files, color)?;
    let line = checked.summary().line();
    if common.format == Format::Github {
        format::github::write_step_summary(&checked.diagnostics, &line)?;
    }
    if !common.quiet {
        match common.format {
            Format::Human => writeln!(out, "{line}")?,
            _ => eprintln!("{line}"),
        }
    }
    out.flush()?;
    Ok(())
}

/// 1 with errors (or warnings under --deny-warnings), else 0.
pub fn status(diags: &[Diagnostic], deny_warnings: bool) -> ExitStatus {
    let failing = diags.iter().any(|d| d.level == Level::Error || (deny_warnings && d.level == Level::Warning));
    if failing { ExitStatus::Failure } else { ExitStatus::Success }
}
