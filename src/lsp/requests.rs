//! Answers to the client's requests about documents and the workspace.

use super::workspace::Workspace;
use anyhow::Result;
use lsp_server::Request;
use lsp_types::request::{self as req, Request as _};
use lsp_types::{self as lsp, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What a request may look at: the engine has seen every open document's
/// current text (the server re-checks pending edits before answering).
pub(crate) struct State<'s> {
    pub ws: Option<&'s Workspace>,
}

/// The answer to `r`, `None` when the method is not one kbc answers.
/// Requests about files that are not articles of the knowledge base get
/// an empty answer.
pub(crate) fn answer(state: &State<'_>, r: Request) -> Result<Option<Value>> {
    let Some(ws) = state.ws else { return Ok(Some(Value::Null)) };
    let article = |uri: &Url| ws.article_path(uri).filter(|p| ws.session.corpus().by_path(p).is_some());
    let value = match r.method.as_str() {
        req::WorkspaceSymbolRequest::METHOD => {
            let p: lsp::WorkspaceSymbolParams = params(r)?;
            serde_json::to_value(super::navigate::symbols(ws, &p.query))?
        }
        req::CodeActionRequest::METHOD => {
            let p: lsp::CodeActionParams = params(r)?;
            let Some(path) = article(&p.text_document.uri) else { return Ok(Some(Value::Null)) };
            let only = p.context.only.as_deref();
            serde_json::to_value(super::actions::actions(ws, &path, p.range, only))?
        }
        req::Completion::METHOD => {
            let p: lsp::CompletionParams = params(r)?;
            let at = p.text_document_position;
            let Some(path) = article(&at.text_document.uri) else { return Ok(Some(Value::Null)) };
            let text = ws.session.corpus().by_path(&path).map_or("", |a| a.text());
            serde_json::to_value(super::complete::complete(ws, &path, text, at.position))?
        }
        req::HoverRequest::METHOD => {
            let p: lsp::HoverParams = params(r)?;
            let at = p.text_document_position_params;
            let Some(path) = article(&at.text_document.uri) else { return Ok(Some(Value::Null)) };
            serde_json::to_value(super::hover::hover(ws, &path, at.position))?
        }
        req::GotoDefinition::METHOD => {
            let p: lsp::GotoDefinitionParams = params(r)?;
            let at = p.text_document_position_params;
            let Some(path) = article(&at.text_document.uri) else { return Ok(Some(Value::Null)) };
            serde_json::to_value(super::navigate::definition(ws, &path, at.position))?
        }
        req::DocumentLinkRequest::METHOD => {
            let p: lsp::DocumentLinkParams = params(r)?;
            let Some(path) = article(&p.text_document.uri) else { return Ok(Some(Value::Null)) };
            serde_json::to_value(super::navigate::links(ws, &path))?
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

fn params<P: DeserializeOwned>(r: Request) -> Result<P> {
    Ok(serde_json::from_value(r.params)?)
}
