//! Command-line arguments (clap derive). Doc comments are the help text.

use crate::diagnostic::format::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// kbc: the knowledge-base compiler. Checks self-help articles and compiles
/// them into a static help site and a JSON rule bundle, per cloud.
#[derive(Debug, Parser)]
#[command(name = "kbc", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check articles and report problems.
    Check(CheckArgs),
    /// Check, then compile the site, the JSON rule bundle and per-cloud outputs.
    Build(BuildArgs),
    /// Print a rule's documentation (by code or name).
    Explain(ExplainArgs),
    /// List every rule with its code, name, default level and summary.
    Rules(RulesArgs),
}

/// Arguments shared by commands that read a knowledge base.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// The knowledge-base root (holding book.toml and articles/).
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit with status 1 when there are warnings, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print nothing but diagnostics (no summary, no progress).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output folder (default: `[output] dir` from book.toml, else ROOT/out).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Build only these clouds' outputs (repeatable).
    #[arg(long = "cloud", value_name = "NAME")]
    pub clouds: Vec<String>,
    /// Leave out articles with errors instead of failing the build.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (KB012) or name (duplicate-article-id).
    pub rule: String,
    /// Print as text or JSON.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DocFormat,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print as text or JSON.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DocFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    Text,
    Json,
}
