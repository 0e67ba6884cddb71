//! `kbc completions SHELL`: prints a completion script generated from the
//! command-line definition, so it never drifts from the real flags.

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::ExitStatus;
use anyhow::Result;
use clap::CommandFactory;

pub(crate) fn run(args: &CompletionsArgs) -> Result<ExitStatus> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "kbc", &mut std::io::stdout().lock());
    Ok(ExitStatus::Success)
}
