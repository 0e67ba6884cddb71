//! Answers to the client's requests about documents and the workspace.

use super::workspace::Workspace;
use anyhow::Result;
use lsp_server::Request;
use lsp_types::request::{self as req, Request as _};
use serde_json::Value;

/// What a request may look at: the engine has seen every open document's
/// current text (the server re-checks pending edits before answering).
pub(crate) struct State<'s> {
    pub ws: Option<&'s Workspace>,
}

/// The answer to `r`, `None` when the method is not one kbc answers.
pub(crate) fn answer(state: &State<'_>, r: Request) -> Result<Option<Value>> {
    let Some(ws) = state.ws else { return Ok(Some(Value::Null)) };
    let value = match r.method.as_str() {
        req::WorkspaceSymbolRequest::METHOD => {
            let p: lsp_types::WorkspaceSymbolParams = serde_json::from_value(r.params)?;
            serde_json::to_value(super::navigate::symbols(ws, &p.query))?
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}
