//! Watching the knowledge base's files on disk ourselves, for clients that
//! cannot be asked to (no dynamic registration of
//! `workspace/didChangeWatchedFiles`): notify, as `kbc serve` watches, with
//! its events gathered on a channel that the message loop drains every
//! [`POLL`] (the connection's own channel cannot be selected on together
//! with another, and a file saved by another tool can wait that long).

use anyhow::{Context as _, Result};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// How often the message loop looks for changed files.
pub(super) const POLL: Duration = Duration::from_millis(250);

pub(super) struct Watch {
    root: PathBuf,
    rx: Receiver<notify::Result<notify::Event>>,
    _watcher: notify::RecommendedWatcher,
}

impl Watch {
    /// Watches everything under `root` (absolute, without symbolic links,
    /// as the workspace's root is, so that paths compare).
    pub(super) fn new(root: &Path) -> Result<Watch> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).context("cannot start watching files")?;
        watcher.watch(root, RecursiveMode::Recursive).with_context(|| format!("cannot watch {}", root.display()))?;
        Ok(Watch { root: root.to_path_buf(), rx, _watcher: watcher })
    }

    /// The files created, changed or deleted since the last call, sorted and
    /// unique, without waiting; hidden files and folders (`.git`) left out.
    pub(super) fn changed(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .rx
            .try_iter()
            .filter_map(|event| event.ok())
            .filter(|event| !matches!(event.kind, EventKind::Access(_)))
            .flat_map(|event| event.paths)
            .filter(|p| self.visible(p))
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    fn visible(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else { return false };
        !rel.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
    }
}
