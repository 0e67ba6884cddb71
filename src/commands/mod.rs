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

/// Set when the process exits right after the command (see `run_then_exit`).
static EXIT_AFTER_RUN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn exit_after_run() {
    EXIT_AFTER_RUN.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Drops `value`, or leaves it to the system when the process exits next:
/// freeing a corpus piece by piece costs time nobody waits for then. In a
/// process that runs many commands (the fuzz targets), forgetting would leak
/// each run's corpus.
pub(crate) fn release<T>(value: T) {
    match EXIT_AFTER_RUN.load(std::sync::atomic::Ordering::Relaxed) {
        true => std::mem::forget(value),
        false => drop(value),
    }
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
