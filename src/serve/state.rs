//! What the HTTP threads share with the rebuild loop: the current
//! [`Snapshot`] (page to article, diagnostics per article) and the open
//! live-reload connections.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::format::Files;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, RwLock};

/// One diagnostic as the overlay shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Item {
    pub level: String,
    pub code: String,
    pub name: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

/// The state of one build generation.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// Bumped on every rebuild; pages carry it so a stale page reloads.
    pub generation: u64,
    /// Site-relative page URL to article path.
    pub pages: HashMap<String, String>,
    /// Diagnostics by article path, in path order.
    pub items: BTreeMap<String, Vec<Item>>,
}

impl Snapshot {
    pub(super) fn new(
        generation: u64,
        pages: HashMap<String, String>,
        diags: &[Diagnostic],
        files: &Files<'_>,
    ) -> Snapshot {
        let mut items: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        for d in diags {
            let pos = files.position(&d.path, &d.span);
            items.entry(d.path.clone()).or_default().push(Item {
                level: d.level.as_str().to_string(),
                code: d.code.to_string(),
                name: d.name.to_string(),
                line: pos.line,
                column: pos.column,
                message: d.message.clone(),
                help: d.help.clone(),
            });
        }
        Snapshot { generation, pages, items }
    }

    /// (errors, warnings) over every article.
    pub(super) fn totals(&self) -> (usize, usize) {
        let all = self.items.values().flatten();
        let errors = all.clone().filter(|i| i.level == "error").count();
        (errors, self.items.values().map(Vec::len).sum::<usize>() - errors)
    }

    /// The page URL of an article path, if it is published in this preview.
    pub(super) fn url_of(&self, path: &str) -> Option<&str> {
        self.pages.iter().find(|(_, p)| *p == path).map(|(u, _)| u.as_str())
    }
}

pub(crate) struct Shared {
    /// The folder holding the built site.
    pub site_dir: PathBuf,
    snapshot: RwLock<Arc<Snapshot>>,
    clients: Mutex<Vec<Sender<u64>>>,
}

impl Shared {
    pub(super) fn new(site_dir: PathBuf, snapshot: Snapshot) -> Shared {
        Shared { site_dir, snapshot: RwLock::new(Arc::new(snapshot)), clients: Mutex::new(Vec::new()) }
    }

    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Installs a new generation and tells every open page to reload.
    pub(super) fn publish(&self, snapshot: Snapshot) {
        let generation = snapshot.generation;
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|tx| tx.send(generation).is_ok());
    }

    pub(super) fn subscribe(&self, tx: Sender<u64>) {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
    }
}
