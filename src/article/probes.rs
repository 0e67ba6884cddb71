//! Files outside the corpus that checking or building consulted: include
//! files read, link targets looked up. A build records them, so that a later
//! build can tell, without checking again, that none of them changed (see
//! `publish::cache`). Every look at such a file goes through [`Probes`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// What was seen of one file, by its path relative to the root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub is_file: bool,
    /// BLAKE3 of the bytes, when they were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// The record of every consulted file, shared by the threads of a run.
#[derive(Debug, Default)]
pub struct Probes(Mutex<BTreeMap<String, Seen>>);

impl Probes {
    /// Whether `root/rel` is a file, recorded.
    pub fn is_file(&self, root: &Path, rel: &str) -> bool {
        let is_file = root.join(rel).is_file();
        self.lock().entry(rel.to_string()).or_insert(Seen { is_file, hash: None });
        is_file
    }

    /// The text of `root/rel`, recorded with the hash of its bytes.
    pub fn read_to_string(&self, root: &Path, rel: &str) -> Option<String> {
        let bytes = std::fs::read(root.join(rel)).ok();
        let hash = bytes.as_deref().map(|b| blake3::hash(b).to_hex().to_string());
        self.lock().insert(rel.to_string(), Seen { is_file: bytes.is_some(), hash });
        String::from_utf8(bytes?).ok()
    }

    /// What was recorded, by path.
    pub fn snapshot(&self) -> BTreeMap<String, Seen> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Seen>> {
        // A panic elsewhere while holding the lock leaves a map that is still whole.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether every recorded file is still as it was seen.
pub(crate) fn unchanged(root: &Path, seen: &BTreeMap<String, Seen>) -> bool {
    seen.iter().all(|(rel, was)| {
        let path = root.join(rel);
        match &was.hash {
            None => path.is_file() == was.is_file,
            // Not a FIFO or device: reading one could block.
            Some(hash) => {
                path.is_file() && std::fs::read(&path).is_ok_and(|b| blake3::hash(&b).to_hex().as_str() == hash)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_file_that_changes_or_appears_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("inc.md"), "one").unwrap();
        let probes = Probes::default();
        assert_eq!(probes.read_to_string(dir.path(), "inc.md").as_deref(), Some("one"));
        assert!(!probes.is_file(dir.path(), "img.png"));
        let seen = probes.snapshot();
        assert!(unchanged(dir.path(), &seen));
        std::fs::write(dir.path().join("img.png"), "png").unwrap();
        assert!(!unchanged(dir.path(), &seen), "a file that appeared");
        std::fs::remove_file(dir.path().join("img.png")).unwrap();
        std::fs::write(dir.path().join("inc.md"), "two").unwrap();
        assert!(!unchanged(dir.path(), &seen), "a file whose bytes changed");
    }
}
