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

/// What `kbc check --help` ends with: how scripts and CI should read it.
const CHECK_AFTER_HELP: &str = "\
Exit status:
  0  no errors (warnings allowed unless --deny-warnings)
  1  errors found (or warnings, with --deny-warnings)
  2  usage, configuration or I/O failure

Paths in the output are relative to ROOT, with forward slashes.

Pull requests: `kbc check [ROOT] PATH...` and `kbc check [ROOT] --changed-since REV`
check the whole knowledge base (rules across articles need every article)
and report the findings in the named files, or in the files changed since
REV's merge base with HEAD (committed or not, untracked too), plus the
findings elsewhere that those files cause, each labelled with the reason.
When the first argument is a file rather than a folder, ROOT is the current
folder and every argument is a PATH.

Environment:
  NO_COLOR             when set and not empty, no colour (unless --color always)
  GITHUB_STEP_SUMMARY  with --format github, a Markdown table of findings per rule is appended to this file
  GITHUB_WORKSPACE     with --format github or sarif, paths are made relative to this checkout
                       (set by GitHub Actions), so annotations land on the right files
  KBC_RULES_URL        where kbc's rule reference (docs/rules.md) is published: with --format sarif
                       each rule gets URL#kb012 as its helpUri, with rdjson as its code's url
                       (the GitHub Action sets it)";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check articles and report problems.
    #[command(after_long_help = CHECK_AFTER_HELP)]
    Check(CheckArgs),
    /// Check, then compile the site, the JSON rule bundle and per-cloud outputs.
    Build(BuildArgs),
    /// Print a rule's documentation (by code or name).
    Explain(ExplainArgs),
    /// List every rule with its code, name, default level and summary.
    Rules(RulesArgs),
    /// Create a new article of a self-help type from a built-in template.
    New(Box<NewArgs>),
    /// Find the published articles that fit an error message or question.
    Match(MatchArgs),
    /// Compare two build outputs: per cloud, the articles added, removed or changed.
    Diff(DiffArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Preview the site with live reload and diagnostics while you edit.
    Serve(ServeArgs),
    /// Run the language server for editors (LSP over stdin and stdout).
    Lsp(LspArgs),
}

/// Arguments shared by commands that read a knowledge base.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// The knowledge-base root (holding book.toml and articles/).
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Output format for diagnostics.
    #[arg(long, value_enum, ignore_case = true, default_value = "human")]
    pub format: Format,
    /// Exit with status 1 when there are warnings, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print nothing but diagnostics (no summary, no progress).
    #[arg(short, long)]
    pub quiet: bool,
    /// When to colour human output: `auto` colours only a terminal and
    /// respects `NO_COLOR`.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream. `NO_COLOR` (set and not empty, see
    /// no-color.org) turns `auto` off; an explicit `--color always` wins over it.
    pub fn enabled(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Apply safe mechanical fixes in place (attribute and cloud name case,
    /// locales in docs links, http to https for known hosts, repeated
    /// attributes and ids, escaping placeholders read as HTML; see
    /// docs/checking.md), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE (for later --baseline) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Print how many findings each rule has, most first, instead of the
    /// findings (a table, or JSON Lines with --format json).
    #[arg(long)]
    pub statistics: bool,
    /// Report only the findings in these files or folders (relative to the
    /// current folder or to ROOT), and those they cause in other files.
    #[arg(value_name = "PATH", conflicts_with = "write_baseline")]
    pub paths: Vec<PathBuf>,
    /// Report only the findings in the files changed since this git revision
    /// (a branch, tag or commit; from its merge base with HEAD, including
    /// uncommitted and untracked files), and the new findings those changes
    /// cause in other files.
    #[arg(long, value_name = "REV", conflicts_with_all = ["paths", "write_baseline"])]
    pub changed_since: Option<String>,
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
    /// Before building, remove the files an earlier build wrote in the
    /// output folder (only those: files kbc did not write stay), and say what
    /// was removed.
    #[arg(long)]
    pub clean: bool,
    /// Ignore findings recorded in this baseline file (see `kbc check --write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print every warning, not only their count per rule (human format;
    /// the other formats always list every finding).
    #[arg(short, long)]
    pub verbose: bool,
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
    /// Print as text, JSON, or the Markdown rule reference (docs/rules.md).
    #[arg(long, value_enum, default_value = "text")]
    pub format: DocFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    Text,
    Json,
    /// `kbc explain`: the same as text, which is Markdown; `kbc rules`: every
    /// rule's documentation on one page, as in docs/rules.md.
    Markdown,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The self-help type: generic, resource, diagnostics, rca, tsg_content,
    /// problemScopingQuestions, supportTopicDescription or apollo.
    #[arg(value_name = "TYPE")]
    pub self_help_type: String,
    /// Where to write the article (a new `.md` file; never overwritten).
    pub path: PathBuf,
    /// The page title (also the H1).
    #[arg(long)]
    pub title: Option<String>,
    /// The one-line description (default: the title).
    #[arg(long)]
    pub description: Option<String>,
    /// The service, for example microsoft.databricks.
    #[arg(long)]
    pub service: Option<String>,
    /// The resource type, for example workspaces.
    #[arg(long)]
    pub resource: Option<String>,
    /// The author's alias (ms.author).
    #[arg(long)]
    pub author: Option<String>,
    /// A support topic id (repeatable).
    #[arg(long = "support-topic", value_name = "ID")]
    pub support_topics: Vec<String>,
    /// A product id (repeatable).
    #[arg(long = "product", value_name = "ID")]
    pub products: Vec<String>,
    /// Publish only to these clouds (repeatable; default: every cloud).
    #[arg(long = "cloud", value_name = "NAME")]
    pub clouds: Vec<String>,
    /// The owning team id (ownershipId).
    #[arg(long)]
    pub ownership: Option<String>,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// The error message or question to look up.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub text: Option<String>,
    /// Read queries as JSON Lines on stdin (`{"text": …, "cloud": …,
    /// "supportTopic": …, "limit": …, "id": …}`, all but `text` optional) and
    /// write one JSON result per line (`{"id", "query", "matches"}`, or
    /// `{"line", "error"}` for a line that is not a query).
    #[arg(long)]
    pub batch: bool,
    /// The bundle to search (default: rules.json in the output folder of the
    /// knowledge base in the current folder, usually out/rules.json).
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// Only articles published to this cloud.
    #[arg(long, value_name = "NAME")]
    pub cloud: Option<String>,
    /// Only articles with this support topic id.
    #[arg(long, value_name = "ID")]
    pub support_topic: Option<String>,
    /// How many matches to print.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// Print as text or JSON.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    /// Print load, index and query times to stderr.
    #[arg(long, hide = true)]
    pub timings: bool,
}

/// Output of the reporting commands (match, diff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old build output folder (or a rules.json).
    pub old: PathBuf,
    /// The new build output folder (or a rules.json).
    pub new: PathBuf,
    /// Compare only these clouds (repeatable).
    #[arg(long = "cloud", value_name = "NAME")]
    pub clouds: Vec<String>,
    /// Print as text or JSON.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    /// Exit with status 1 when there are differences.
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The knowledge-base root (holding book.toml and articles/).
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// The address to listen on. Anything but loopback is reachable from
    /// other machines.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: String,
    /// Preview one cloud's site, with its link rewriting.
    #[arg(long, value_name = "NAME")]
    pub cloud: Option<String>,
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// The knowledge-base root; by default the one holding the editor's
    /// workspace folder (book.toml there, above it, or up to two levels below).
    pub root: Option<PathBuf>,
    /// Quiet time after a keystroke before the document is checked again
    /// (the client may set `debounceMs` in its initialization options).
    #[arg(long, default_value_t = 50, value_name = "MS")]
    pub debounce_ms: u64,
    /// Talk over stdin and stdout (the only transport; accepted because
    /// clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn auto_colour_needs_a_terminal_and_no_non_empty_no_color() {
        assert!(ColorChoice::Auto.enabled(true, None));
        assert!(ColorChoice::Auto.enabled(true, Some(OsStr::new(""))));
        assert!(!ColorChoice::Auto.enabled(true, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Auto.enabled(false, None));
        assert!(ColorChoice::Always.enabled(false, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Never.enabled(true, None));
    }
}
