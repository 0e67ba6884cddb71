//! Watching the knowledge base's files on disk ourselves, for clients that
//! cannot be asked to (no dynamic registration of
//! `workspace/didChangeWatchedFiles`): notify, as `kbc serve` watches, with
//! its events gathered on a channel that the message loop drains every
//! [`POLL`] (the connection's own channel cannot be selected on together
//! with another, and a file saved by another tool can wait that long).
//! Setting the watch up walks every folder of the knowledge base (about
//! half a second on the corpus), so a thread does it while the server loads
//! and checks the knowledge base; the thread then keeps the watch until the
//! server drops it.

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
    /// Whether the watch was set up (`Ok`, once) or why not (`Err`, once).
    outcome: Receiver<Result<()>>,
    /// Dropped with the watch: the thread holding the watcher ends.
    _stop: mpsc::Sender<()>,
}

impl Watch {
    /// Starts watching everything under `root` (absolute, without symbolic
    /// links, as the workspace's root is, so that paths compare).
    pub(super) fn start(root: &Path) -> Watch {
        let (tx, rx) = mpsc::channel();
        let (stop, stopped) = mpsc::channel::<()>();
        let (tell, outcome) = mpsc::channel();
        let (dir, told) = (root.to_path_buf(), tell.clone());
        let spawned = std::thread::Builder::new().name("kbc-watch".into()).spawn(move || match watch(&dir, tx) {
            Ok(watcher) => {
                let _ = told.send(Ok(()));
                // Held until the server drops its end of `stop`.
                drop((stopped.recv(), watcher))
            }
            Err(e) => drop(told.send(Err(e))),
        });
        if let Err(e) = spawned {
            let _ = tell.send(Err(anyhow::Error::from(e).context("cannot start watching files")));
        }
        Watch { root: root.to_path_buf(), rx, outcome, _stop: stop }
    }

    /// Whether the watch has just been set up (`Some(Ok)`) or has failed
    /// (`Some(Err)`); each is said once.
    pub(super) fn outcome(&self) -> Option<Result<()>> {
        self.outcome.try_recv().ok()
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

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    fn visible(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else { return false };
        !rel.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
    }
}

fn watch(root: &Path, tx: mpsc::Sender<notify::Result<notify::Event>>) -> Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(tx).context("cannot start watching files")?;
    watcher.watch(root, RecursiveMode::Recursive).with_context(|| format!("cannot watch {}", root.display()))?;
    Ok(watcher)
}
