//! Output formats for diagnostics, one file each. They share [`Files`] (to turn
//! byte spans into lines and columns) and [`Position`].

pub mod github;
pub mod human;
pub mod json;
pub mod rdjson;
pub mod sarif;

use super::Diagnostic;
use crate::source::{SourceFile, Span};
use std::collections::HashMap;

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style messages with source snippets.
    Human,
    /// JSON Lines: one object per diagnostic.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// reviewdog's Diagnostic Format (rdjson), with fixes as suggestions.
    Rdjson,
}

/// Source texts by relative path, for line and column lookup.
#[derive(Default)]
pub struct Files<'a> {
    map: HashMap<&'a str, &'a SourceFile>,
}

impl<'a> Files<'a> {
    pub fn new(sources: impl IntoIterator<Item = &'a SourceFile>) -> Self {
        Files { map: sources.into_iter().map(|s| (s.rel_path.as_str(), s)).collect() }
    }

    pub fn get(&self, path: &str) -> Option<&'a SourceFile> {
        self.map.get(path).copied()
    }

    /// 1-based start and end positions of a span (end is exclusive, as in SARIF).
    pub fn position(&self, path: &str, span: &Span) -> Position {
        match self.get(path) {
            Some(f) => {
                let (line, column) = f.line_col(span.start);
                let (end_line, end_column) = f.line_col(span.end.max(span.start));
                Position { line, column, end_line, end_column }
            }
            None => Position { line: 1, column: 1, end_line: 1, end_column: 1 },
        }
    }
}

/// Where a diagnostic is, in 1-based lines and character columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// How to write diagnostics, beyond the format itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Colour (human format only).
    pub color: bool,
    /// Put before every path in github, sarif and rdjson output. Under GitHub
    /// Actions this is ROOT's folder within the checkout, because annotations
    /// and code-scanning results are resolved against the repository root;
    /// for rdjson, ROOT relative to the current folder, where reviewdog runs.
    pub path_prefix: String,
    /// Every rule, described in SARIF output (the caller knows the rules;
    /// the formats do not).
    pub rules: Vec<&'static super::RuleMeta>,
    /// Where kbc's rule reference (docs/rules.md) is on the web, if known:
    /// each rule's help URI in SARIF and code URL in rdjson is it plus
    /// `#kb012` (`KBC_RULES_URL`; the GitHub Action sets it).
    pub rules_url: Option<String>,
}

/// Writes diagnostics in the chosen format.
pub fn write(
    format: Format,
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    files: &Files<'_>,
    options: &Options,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(out, diags, files, options.color),
        Format::Json => json::write(out, diags, files),
        Format::Github => github::write(out, diags, files, &options.path_prefix),
        Format::Sarif => {
            sarif::write(out, diags, files, &options.path_prefix, &options.rules, options.rules_url.as_deref())
        }
        Format::Rdjson => rdjson::write(out, diags, files, &options.path_prefix, options.rules_url.as_deref()),
    }
}
