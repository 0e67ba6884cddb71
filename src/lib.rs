//! # kbc, the knowledge-base compiler
//!
//! Reads a tree of self-help articles (Markdown with a `<properties>` header),
//! checks them, and compiles a static site and a JSON rule bundle per cloud.
//!
//! Pipeline: [`config`] → [`discover`] (files, sorted) → [`parse`] (one
//! [`article::Article`] per file, in parallel) → [`article::Corpus`] →
//! [`lint`] (rules from [`lint::registry`]) → [`diagnostic::format`].
//! Only [`source`] knows lines and columns; findings are values, never errors.
//! See ARCHITECTURE.md for the invariants.

pub mod article;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fs;
pub mod include;
pub mod lint;
pub mod parse;
pub mod source;

/// The process exit status: 0 success, 1 findings, 2 could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Failure = 1,
    Error = 2,
}

/// Runs a parsed command line. Fatal errors are printed here, with their causes.
pub fn run(cli: cli::Cli) -> ExitStatus {
    use cli::Command;
    let result = match &cli.command {
        Command::Check(a) => commands::check::run(a),
        Command::Explain(a) => commands::explain::explain(a),
        Command::Rules(a) => commands::explain::rules(a),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        for cause in e.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
        ExitStatus::Error
    })
}
