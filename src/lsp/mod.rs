//! `kbc lsp`: kbc in the author's editor, as a Language Server over
//! stdio (`lsp-server` and `lsp-types`, synchronous, as rust-analyzer and
//! ruff use them). It is a face of the one engine: a [`crate::engine::Session`]
//! in incremental mode holds the knowledge base; open documents' unsaved
//! text goes in through `set_text`, files changed on disk through `reload`,
//! and each [`crate::engine::Update`] says whose findings to publish again.
//! Positions are UTF-16, the protocol's default ([`position`]).

mod actions;
mod complete;
mod diagnostics;
mod edit;
mod hover;
mod navigate;
mod position;
mod requests;
mod server;
mod topics;
mod watch;
mod workspace;

pub use server::LintOn;

use crate::cli::LspArgs;
use crate::commands::ExitStatus;
use anyhow::{Context as _, Result};
use lsp_server::Connection;
use lsp_types as lsp;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// How the server behaves; the client may change these in
/// `initializationOptions` (and later through `workspace/didChangeConfiguration`
/// under the `kbc` section): `lintOn` (`"type"` or `"save"`), `debounceMs`,
/// `rulesUrl`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Quiet time after a keystroke before the document is checked again.
    pub debounce: Duration,
    pub lint_on: LintOn,
    /// Where the rule reference (docs/rules.md) is published; each
    /// diagnostic's code links to its heading there (`KBC_RULES_URL`).
    pub rules_url: Option<String>,
    /// Whether the client lets us ask to be told of file changes.
    pub(crate) watch_dynamically: bool,
}

impl Options {
    pub fn new(debounce: Duration) -> Options {
        let rules_url = std::env::var("KBC_RULES_URL").ok().filter(|u| !u.is_empty());
        Options { debounce, lint_on: LintOn::Type, rules_url, watch_dynamically: false }
    }

    /// Takes what `settings` says (either flat or under `kbc`); anything
    /// else is left as it was.
    pub(crate) fn update(&mut self, settings: &Value) {
        let s = settings.get("kbc").unwrap_or(settings);
        match s.get("lintOn").and_then(Value::as_str) {
            Some("save") => self.lint_on = LintOn::Save,
            Some("type") => self.lint_on = LintOn::Type,
            _ => {}
        }
        if let Some(ms) = s.get("debounceMs").and_then(Value::as_u64) {
            self.debounce = Duration::from_millis(ms.min(10_000));
        }
        if let Some(url) = s.get("rulesUrl").and_then(Value::as_str) {
            self.rules_url = Some(url.to_string()).filter(|u| !u.is_empty());
        }
    }
}

/// `kbc lsp`: serves on stdin and stdout until the client exits.
pub fn run(args: &LspArgs) -> Result<ExitStatus> {
    let (connection, io) = Connection::stdio();
    let options = Options::new(Duration::from_millis(args.debounce_ms));
    serve(&connection, args.root.clone(), options)?;
    drop(connection);
    io.join()?;
    Ok(ExitStatus::Success)
}

/// Serves on `conn` until the client exits. `root` (from the command
/// line) wins over the client's workspace folder.
pub fn serve(conn: &Connection, root: Option<PathBuf>, mut options: Options) -> Result<()> {
    let (id, params) = conn.initialize_start().context("no initialize request")?;
    let params: lsp::InitializeParams = serde_json::from_value(params).context("malformed initialize request")?;
    if let Some(init) = &params.initialization_options {
        options.update(init);
    }
    options.watch_dynamically = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let folder = root.or_else(|| folder_of(&params)).or_else(knowledge_base_here);
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo { name: "kbc".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
    };
    conn.initialize_finish(id, serde_json::to_value(result)?).context("initialize handshake failed")?;
    server::Server::new(conn, options, folder).run()
}

/// The working directory, when it is inside a knowledge base: a client
/// that names no folder (Neovim in single-file mode) may start the server
/// anywhere, and a home directory must not be read as one.
fn knowledge_base_here() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    workspace::is_knowledge_base(&workspace::find_root(&cwd)).then_some(cwd)
}

/// The client's first workspace folder (or its older root URI).
fn folder_of(params: &lsp::InitializeParams) -> Option<PathBuf> {
    let first = params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| &f.uri);
    #[allow(deprecated)]
    let uri = first.or(params.root_uri.as_ref())?;
    uri.to_file_path().ok()
}

fn capabilities() -> lsp::ServerCapabilities {
    let sync = lsp::TextDocumentSyncOptions {
        open_close: Some(true),
        change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
        save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
        ..Default::default()
    };
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(sync)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, actions::fix_all_kind()]),
            ..Default::default()
        })),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(["\"", " ", ",", ";", "(", "/"].map(String::from).to_vec()),
            ..Default::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}
