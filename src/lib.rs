//! # kbc, the knowledge-base compiler
//!
//! Reads a tree of self-help articles (Markdown with a `<properties>` header),
//! checks them, and compiles a static site and a JSON rule bundle per cloud.
//!
//! Pipeline: [`config`] → [`discover`] (files, sorted) → [`parse`] (one
//! [`article::Article`] per file, in parallel) → [`article::Corpus`] →
//! [`lint`] (rules from [`lint::registry`]) → [`diagnostic::format`];
//! `kbc build` then hands the published articles to [`render`].
//! Only [`source`] knows lines and columns; findings are values, never errors.
//! See ARCHITECTURE.md for the invariants.

#![warn(unreachable_pub)]

pub mod allocator;
pub(crate) mod anchor;
pub mod article;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub(crate) mod diff;
pub mod discover;
pub(crate) mod engine;
pub mod fix;
pub(crate) mod fs;
/// For the fuzz targets in `fuzz/` only.
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod git;
pub(crate) mod include;
pub mod lint;
pub mod lsp;
pub mod matching;
pub(crate) mod parse;
pub(crate) mod progress;
pub(crate) mod publish;
pub mod render;
pub(crate) mod scaffold;
pub(crate) mod selection;
pub(crate) mod serve;
pub mod source;
pub(crate) mod syntax;
pub mod vocab;
pub(crate) mod vocabulary;

pub use commands::ExitStatus;

/// Runs a parsed command line in a process that exits as soon as it returns
/// (the `kbc` binary): what a command holds at its end is left for the
/// system to reclaim, not freed piece by piece.
pub fn run_then_exit(cli: cli::Cli) -> ExitStatus {
    commands::exit_after_run();
    run(cli)
}

/// Runs a parsed command line. Fatal errors are printed here, with their
/// causes. Frees everything it made, so a process may call it many times
/// (the fuzz targets do).
pub fn run(cli: cli::Cli) -> ExitStatus {
    use cli::Command;
    let result = match &cli.command {
        Command::Check(a) => commands::check::run(a),
        Command::Build(a) => commands::build::run(a),
        Command::Explain(a) => commands::explain::explain(a),
        Command::Rules(a) => commands::explain::rules(a),
        Command::New(a) => commands::new::run(a),
        Command::Match(a) => commands::matches::run(a),
        Command::Diff(a) => commands::diff::run(a),
        Command::Completions(a) => commands::completions::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Lsp(a) => lsp::run(a),
    };
    result.unwrap_or_else(|e| {
        if commands::is_broken_pipe(&e) {
            // The reader went away (`kbc rules | head`): nothing left to say.
            return ExitStatus::Success;
        }
        // Errors name paths, which may hold control characters.
        let escape = |m: String| diagnostic::format::escape_controls(&m).into_owned();
        eprintln!("error: {}", escape(e.to_string()));
        for cause in e.chain().skip(1) {
            eprintln!("  caused by: {}", escape(cause.to_string()));
        }
        ExitStatus::Error
    })
}
