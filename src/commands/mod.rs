//! One module per subcommand. Each returns an [`ExitStatus`]
//! or an error that stops the run (exit 2).

pub(crate) mod build;
pub mod check;
pub(crate) mod completions;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod matches;
pub(crate) mod new;

/// The process exit status: 0 success, 1 findings, 2 could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Failure = 1,
    Error = 2,
}

/// Whether the error comes from writing to a closed pipe.
pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Treats a closed stdout (`kbc check | head`) as done rather than as a failure,
/// so the command's own status stands.
pub(crate) fn ignore_broken_pipe(r: anyhow::Result<()>) -> anyhow::Result<()> {
    match r {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}
