//! Answers to the client's requests about documents and the workspace.

use super::server::Server;
use anyhow::Result;
use lsp_server::Request;
use serde_json::Value;

/// The answer to `req`, `None` when the method is not one kbc answers.
pub(crate) fn answer(_server: &mut Server<'_>, _req: Request) -> Result<Option<Value>> {
    Ok(None)
}
