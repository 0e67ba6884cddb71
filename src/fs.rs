//! File-system helpers that name the path in every error, and path
//! normalisation for output (relative to the root, forward slashes).

use anyhow::{Context, Result};
use std::path::Path;

pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub(crate) fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

pub(crate) fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).with_context(|| format!("cannot create folder {}", path.display()))
}

/// `path` relative to `root`, with forward slashes, for output.
pub(crate) fn display_rel(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' { s.into_owned() } else { s.replace(std::path::MAIN_SEPARATOR, "/") }
}

/// Whether `rel`, a path read from configuration, names a place inside the
/// folder it is relative to: not absolute, and no `..` that climbs above
/// it (`a/../b` does not; `a/../../b` does). Symbolic links are checked
/// when the path is read (`discover::confined`).
pub(crate) fn stays_inside(rel: &Path) -> bool {
    use std::path::Component;
    let mut depth = 0usize;
    for c in rel.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_inside_refuses_absolute_paths_and_climbs_above_the_start() {
        for inside in ["articles", "./articles", "a/../b", "a/b/../../c", "", "."] {
            assert!(stays_inside(Path::new(inside)), "{inside}");
        }
        for outside in ["..", "../x", "a/../../x", "/etc", "/", "./../x"] {
            assert!(!stays_inside(Path::new(outside)), "{outside}");
        }
    }
}
