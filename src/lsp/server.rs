//! The server's state and its message loop: open documents, the knowledge
//! base's [`Workspace`], what has been published, and the debounce of
//! re-checks while the author types.

use super::Options;
use super::diagnostics::Converter;
use super::edit::Doc;
use super::watch::{self, Watch};
use super::workspace::{FileKind, Workspace};
use crate::diagnostic::format::escape_controls;
use anyhow::Result;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::{self as lsp, Url};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

/// When open documents are re-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintOn {
    /// As the author types (after the debounce), from the unsaved text.
    Type,
    /// When the document is saved.
    Save,
}

pub(crate) struct Server<'c> {
    conn: &'c Connection,
    options: Options,
    /// Where the knowledge base was looked for (to retry after book.toml changes).
    folder: Option<PathBuf>,
    ws: Option<Workspace>,
    /// Open documents by root-relative path.
    docs: BTreeMap<String, Doc>,
    /// Open documents whose text the engine has not seen yet.
    dirty: BTreeSet<String>,
    /// When the dirty documents are due to be re-checked.
    due: Option<Instant>,
    /// Files whose last published diagnostics were not empty.
    published: BTreeSet<String>,
    /// Files re-checked but not published yet (linting on save, a request
    /// made the engine see unsaved text).
    unpublished: BTreeSet<String>,
    next_id: i32,
    shutting_down: bool,
    /// Our own watch of the files, when the client cannot watch them for us.
    watch: Option<Watch>,
    /// When the watch is looked at next.
    next_poll: Option<Instant>,
    /// The author was told the folder is not a knowledge base.
    told_not_kb: bool,
}

impl<'c> Server<'c> {
    pub(super) fn new(conn: &'c Connection, options: Options, folder: Option<PathBuf>) -> Server<'c> {
        Server {
            conn,
            options,
            folder,
            ws: None,
            docs: BTreeMap::new(),
            dirty: BTreeSet::new(),
            due: None,
            published: BTreeSet::new(),
            unpublished: BTreeSet::new(),
            next_id: 0,
            shutting_down: false,
            watch: None,
            next_poll: None,
            told_not_kb: false,
        }
    }

    /// Serves until the client says `exit` (or goes away). The handshake
    /// is done (`lsp-server` consumed the `initialized` notification).
    pub(super) fn run(&mut self) -> Result<()> {
        self.start();
        loop {
            self.poll_files();
            let wake = match (self.due, self.next_poll) {
                (Some(due), Some(poll)) => Some(due.min(poll)),
                (due, poll) => due.or(poll),
            };
            let msg = match wake {
                Some(wake) => match self.conn.receiver.recv_deadline(wake) {
                    Ok(msg) => msg,
                    Err(e) if e.is_timeout() => {
                        if self.due.is_some_and(|due| due <= Instant::now()) {
                            self.flush();
                        }
                        continue;
                    }
                    Err(_) => return Ok(()),
                },
                None => match self.conn.receiver.recv() {
                    Ok(msg) => msg,
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Request(req) => self.request(req),
                Message::Notification(n) if n.method == lsp::notification::Exit::METHOD => return Ok(()),
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    fn request(&mut self, req: Request) {
        if self.shutting_down {
            return self.reply(Response::new_err(req.id, ErrorCode::InvalidRequest as i32, "shutting down".into()));
        }
        if req.method == <lsp::request::Shutdown as lsp::request::Request>::METHOD {
            self.shutting_down = true;
            return self.reply(Response::new_ok(req.id, ()));
        }
        // Answers about positions need the engine to have the current text;
        // when linting on save, what it finds waits for the save.
        self.recheck(self.options.lint_on == LintOn::Type);
        let id = req.id.clone();
        let state = super::requests::State { ws: self.ws.as_ref() };
        let response = match super::requests::answer(&state, req) {
            Ok(Some(value)) => Response::new_ok(id, value),
            Ok(None) => Response::new_err(id, ErrorCode::MethodNotFound as i32, "not supported by kbc".into()),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        };
        self.reply(response)
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification as note;
        let result = match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => extract::<note::DidOpenTextDocument>(n).map(|p| self.opened(p)),
            note::DidChangeTextDocument::METHOD => extract::<note::DidChangeTextDocument>(n).map(|p| self.changed(p)),
            note::DidSaveTextDocument::METHOD => extract::<note::DidSaveTextDocument>(n).map(|_| self.saved()),
            note::DidCloseTextDocument::METHOD => extract::<note::DidCloseTextDocument>(n).map(|p| self.closed(p)),
            note::DidChangeWatchedFiles::METHOD => {
                extract::<note::DidChangeWatchedFiles>(n).map(|p| self.files_changed(p))
            }
            note::DidChangeConfiguration::METHOD => {
                extract::<note::DidChangeConfiguration>(n).map(|p| self.options.update(&p.settings))
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.log(lsp::MessageType::WARNING, &format!("kbc lsp: ignored a malformed notification: {e}"));
        }
    }

    /// After the handshake: watch files, load the knowledge base and
    /// publish every file's findings.
    fn start(&mut self) {
        match self.options.watch_dynamically {
            true => self.register_watchers(),
            false => self.watch_files(),
        }
        self.load();
    }

    /// Watches the knowledge base's folder ourselves (the client cannot).
    fn watch_files(&mut self) {
        let Some(folder) = &self.folder else { return };
        let root = super::workspace::normal(&super::workspace::find_root(folder));
        if !super::workspace::is_knowledge_base(&root) {
            return;
        }
        self.watch = Some(Watch::start(&root));
        self.next_poll = Some(Instant::now() + watch::POLL);
    }

    /// When it is time, takes the files our watch saw change as the client
    /// would have told us of them.
    fn poll_files(&mut self) {
        let Some(w) = &self.watch else { return };
        if self.next_poll.is_some_and(|t| t > Instant::now()) {
            return;
        }
        self.next_poll = Some(Instant::now() + watch::POLL);
        match w.outcome() {
            Some(Ok(())) => {
                let message = format!("kbc lsp: watching {} for changes on disk", w.root().display());
                self.log(lsp::MessageType::INFO, &message);
            }
            Some(Err(e)) => {
                self.watch = None;
                self.next_poll = None;
                let message = format!("kbc lsp: files changed on disk will be missed: {e:#}");
                return self.log(lsp::MessageType::WARNING, &message);
            }
            None => {}
        }
        let Some(w) = &self.watch else { return };
        let changes: Vec<lsp::FileEvent> = w
            .changed()
            .into_iter()
            .filter_map(|p| Url::from_file_path(p).ok())
            .map(|uri| lsp::FileEvent { uri, typ: lsp::FileChangeType::CHANGED })
            .collect();
        if !changes.is_empty() {
            self.files_changed(lsp::DidChangeWatchedFilesParams { changes });
        }
    }

    /// (Re)loads the knowledge base, keeps the open documents' unsaved text
    /// and publishes what changed. On failure (no book.toml, a bad one)
    /// the author is told and the previous state is kept.
    fn load(&mut self) {
        let Some(folder) = self.folder.clone() else { return self.not_a_knowledge_base(None) };
        let root = super::workspace::find_root(&folder);
        if !super::workspace::is_knowledge_base(&root) {
            return self.not_a_knowledge_base(Some(&root));
        }
        let loaded = Workspace::load(&root);
        let mut ws = match loaded {
            Ok(ws) => ws,
            Err(e) => {
                let causes: Vec<String> = e.chain().map(|c| escape_controls(&c.to_string()).into_owned()).collect();
                return self.show(lsp::MessageType::ERROR, &format!("kbc: {}", causes.join(": ")));
            }
        };
        for (path, doc) in &self.docs {
            ws.session.set_text(path, doc.text.clone());
        }
        self.dirty.clear();
        let mut paths: BTreeSet<String> = std::mem::take(&mut self.published);
        paths.extend(ws.session.diagnostics().iter().map(|d| d.path.clone()));
        paths.extend(self.docs.keys().cloned());
        self.ws = Some(ws);
        self.publish(paths);
    }

    /// Says once that `root` is no knowledge base (nothing is loaded or
    /// watched there); an article opened later names its own.
    fn not_a_knowledge_base(&mut self, root: Option<&std::path::Path>) {
        if std::mem::replace(&mut self.told_not_kb, true) {
            return;
        }
        let root = match root {
            Some(root) => escape_controls(&root.display().to_string()).into_owned(),
            None => "the working folder".into(),
        };
        let message = format!(
            "kbc: {root} is not a knowledge base (no book.toml, no articles/ folder); open an article or the knowledge base's folder"
        );
        self.show(lsp::MessageType::WARNING, &message);
    }

    /// A client that named no knowledge base (or not one): the first
    /// article opened names it.
    fn adopt_root(&mut self, uri: &Url) {
        let file = uri.to_file_path().ok();
        let Some(root) = file.and_then(|f| super::workspace::root_of_file(&f)) else { return };
        // The same knowledge base failed to load (a bad book.toml): the
        // author was told, and its next change on disk reloads it.
        if self.folder.as_deref().map(super::workspace::find_root).as_deref() == Some(root.as_path()) {
            return;
        }
        self.folder = Some(root);
        if !self.options.watch_dynamically && self.watch.is_none() {
            self.watch_files();
        }
        self.load();
    }

    fn opened(&mut self, p: lsp::DidOpenTextDocumentParams) {
        if self.ws.is_none() {
            self.adopt_root(&p.text_document.uri);
        }
        let Some(path) = self.article_path(&p.text_document.uri) else { return };
        let doc = Doc { version: p.text_document.version, text: p.text_document.text };
        let same =
            self.ws.as_ref().and_then(|ws| ws.session.corpus().by_path(&path)).is_some_and(|a| a.text() == doc.text);
        self.docs.insert(path.clone(), doc);
        match same {
            true => self.publish([path]),
            false => self.recheck_now(path),
        }
    }

    fn changed(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let Some(path) = self.article_path(&p.text_document.uri) else { return };
        let Some(doc) = self.docs.get_mut(&path) else { return };
        for change in p.content_changes {
            super::edit::apply(&mut doc.text, change);
        }
        doc.version = p.text_document.version;
        self.dirty.insert(path);
        if self.options.lint_on == LintOn::Type {
            self.due = Some(Instant::now() + self.options.debounce);
        }
    }

    fn saved(&mut self) {
        self.flush();
    }

    fn closed(&mut self, p: lsp::DidCloseTextDocumentParams) {
        let Some(path) = self.article_path(&p.text_document.uri) else { return };
        self.docs.remove(&path);
        self.dirty.remove(&path);
        // What is on disk counts again.
        let Some(ws) = &mut self.ws else { return };
        let update = ws.session.reload(&path);
        self.publish(update.changed);
    }

    /// Files created, changed or deleted on disk (by the author's other
    /// tools, git, a formatter): articles are read again, unless open (the
    /// editor's text wins); book.toml or a vocabulary reloads everything.
    fn files_changed(&mut self, p: lsp::DidChangeWatchedFilesParams) {
        let Some(ws) = &mut self.ws else {
            // No knowledge base yet: a new book.toml may make one.
            return self.load();
        };
        let kinds: Vec<FileKind> = p.changes.iter().map(|c| ws.kind(&c.uri)).collect();
        if kinds.contains(&FileKind::Config) {
            return self.load();
        }
        let mut paths = BTreeSet::new();
        for kind in kinds {
            if let FileKind::Article(path) = kind {
                paths.extend(super::edit::files_at(ws, &path));
            }
        }
        let mut changed = BTreeSet::new();
        for path in paths.into_iter().filter(|p| !self.docs.contains_key(p)) {
            changed.extend(ws.session.reload(&path).changed);
        }
        self.publish(changed);
    }

    /// Re-checks the dirty documents and publishes.
    fn flush(&mut self) {
        self.recheck(true);
    }

    /// Hands the engine the text of every dirty document; then, if
    /// `publish`, publishes the findings that changed (the edited
    /// documents' always), else keeps them for later.
    fn recheck(&mut self, publish: bool) {
        self.due = None;
        let dirty = std::mem::take(&mut self.dirty);
        let Some(ws) = &mut self.ws else { return };
        for path in dirty {
            let text = self.docs[&path].text.clone();
            self.unpublished.extend(ws.session.set_text(&path, text).changed);
            self.unpublished.insert(path);
        }
        if publish {
            let paths = std::mem::take(&mut self.unpublished);
            self.publish(paths);
        }
    }

    fn recheck_now(&mut self, path: String) {
        self.dirty.insert(path);
        self.flush();
    }

    /// Publishes the current diagnostics of each path; a path with none is
    /// sent an empty list only if it had some (which clears them).
    fn publish(&mut self, paths: impl IntoIterator<Item = String>) {
        let Some(ws) = &self.ws else { return };
        let mut conv = Converter::new(ws, self.options.rules_url.as_deref());
        let mut sent = Vec::new();
        for path in paths {
            let found = ws.session.diagnostics_of(&path);
            let open = self.docs.get(&path);
            if found.is_empty() && open.is_none() && !self.published.contains(&path) {
                continue;
            }
            let diagnostics = found.iter().map(|d| conv.diagnostic(d)).collect();
            let version = open.filter(|_| !self.dirty.contains(&path)).map(|d| d.version);
            let params = lsp::PublishDiagnosticsParams { uri: ws.uri(&path), diagnostics, version };
            sent.push((path, !found.is_empty(), params));
        }
        for (path, any, params) in sent {
            match any {
                true => self.published.insert(path),
                false => self.published.remove(&path),
            };
            self.notify::<lsp::notification::PublishDiagnostics>(params);
        }
    }

    fn article_path(&self, uri: &Url) -> Option<String> {
        self.ws.as_ref()?.article_path(uri)
    }

    /// Asks the client to tell us about Markdown files and book.toml
    /// changing on disk.
    fn register_watchers(&mut self) {
        let watchers = ["**/*.md", "**/book.toml", "**/*.txt"]
            .map(|g| lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String(g.into()), kind: None });
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers: watchers.to_vec() };
        let registration = lsp::Registration {
            id: "kbc-watch".into(),
            method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.next_id += 1;
        let params = lsp::RegistrationParams { registrations: vec![registration] };
        let method = <lsp::request::RegisterCapability as lsp::request::Request>::METHOD;
        let req = Request::new(RequestId::from(format!("kbc-{}", self.next_id)), method.into(), params);
        let _ = self.conn.sender.send(req.into());
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        let _ = self.conn.sender.send(Notification::new(N::METHOD.into(), params).into());
    }

    fn reply(&self, response: Response) {
        let _ = self.conn.sender.send(response.into());
    }

    fn show(&self, typ: lsp::MessageType, message: &str) {
        self.notify::<lsp::notification::ShowMessage>(lsp::ShowMessageParams { typ, message: message.into() });
    }

    fn log(&self, typ: lsp::MessageType, message: &str) {
        self.notify::<lsp::notification::LogMessage>(lsp::LogMessageParams { typ, message: message.into() });
    }
}

fn extract<N: lsp::notification::Notification>(n: Notification) -> Result<N::Params, serde_json::Error> {
    serde_json::from_value(n.params)
}
