//! File watching for `kbc serve` (notify): the folders kbc reads, with
//! bursts of events (editors write, rename and touch) gathered into one batch
//! of relevant paths.

use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// Quiet time that ends a burst of events.
const SETTLE: Duration = Duration::from_millis(30);

pub(crate) struct Watcher {
    root: PathBuf,
    rx: Receiver<notify::Result<notify::Event>>,
    _watcher: notify::RecommendedWatcher,
}

impl Watcher {
    /// Watches `dirs` recursively and `root` itself (for book.toml).
    pub(super) fn new(root: &Path, dirs: &[PathBuf]) -> Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).context("cannot start watching files")?;
        for dir in dirs {
            watcher.watch(dir, RecursiveMode::Recursive).with_context(|| format!("cannot watch {}", dir.display()))?;
        }
        watcher.watch(root, RecursiveMode::NonRecursive).with_context(|| format!("cannot watch {}", root.display()))?;
        Ok(Watcher { root: root.to_path_buf(), rx, _watcher: watcher })
    }

    /// Blocks until relevant files change; returns them, sorted and unique.
    /// `None` when watching has stopped.
    pub(super) fn next_batch(&self) -> Option<Vec<PathBuf>> {
        loop {
            let mut batch = self.relevant(self.rx.recv().ok()?);
            loop {
                match self.rx.recv_timeout(SETTLE) {
                    Ok(event) => batch.extend(self.relevant(event)),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            batch.sort();
            batch.dedup();
            if !batch.is_empty() {
                return Some(batch);
            }
        }
    }

    fn relevant(&self, event: notify::Result<notify::Event>) -> Vec<PathBuf> {
        let Ok(event) = event else { return Vec::new() };
        if matches!(event.kind, EventKind::Access(_)) {
            return Vec::new();
        }
        event.paths.into_iter().filter(|p| is_relevant(&self.root, p)).collect()
    }
}

/// Markdown files, anything under templates/, and book.toml; never hidden
/// files or editor backups.
pub(crate) fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let hidden = rel.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if hidden || name.ends_with('~') {
        return false;
    }
    rel == Path::new("book.toml")
        || rel.starts_with("templates")
        || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_articles_templates_and_config_but_not_editor_files() {
        let root = Path::new("/kb");
        assert!(is_relevant(root, Path::new("/kb/articles/a/b.md")));
        assert!(is_relevant(root, Path::new("/kb/templates/article.html")));
        assert!(is_relevant(root, Path::new("/kb/book.toml")));
        assert!(!is_relevant(root, Path::new("/kb/articles/.b.md.swp")));
        assert!(!is_relevant(root, Path::new("/kb/articles/b.md~")));
        assert!(!is_relevant(root, Path::new("/kb/articles/4913")));
        assert!(!is_relevant(root, Path::new("/elsewhere/a.md")));
    }
}
