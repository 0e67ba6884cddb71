//! One module per subcommand. Each returns an [`ExitStatus`](crate::ExitStatus)
//! or an error that stops the run (exit 2).

pub mod build;
pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod lsp;
pub mod matches;
pub mod new;
