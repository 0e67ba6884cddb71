//! `kbc lsp`: the language server over stdio (see [`crate::lsp`]).

use crate::ExitStatus;
use crate::cli::LspArgs;
use anyhow::Result;
use std::time::Duration;

pub fn run(args: &LspArgs) -> Result<ExitStatus> {
    let (connection, io) = lsp_server::Connection::stdio();
    let options = crate::lsp::Options::new(Duration::from_millis(args.debounce_ms));
    crate::lsp::run(&connection, args.root.clone(), options)?;
    drop(connection);
    io.join()?;
    Ok(ExitStatus::Success)
}
