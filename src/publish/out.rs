//! OUT as a place: where a build may write, what in it is kbc's, and the
//! checks every path read from it goes through.
//!
//! OUT is resolved once to its real folder: a symbolic link named by `-o`
//! is followed and left in place, and the build writes into its target.
//! Inside OUT nothing is followed: a path is used only when it is plain
//! (relative, no `.` or `..`) and every folder on the way is a real folder,
//! so no path from the marker or the cache can reach outside OUT.

use super::marker::{self, Found, Marker, plain};
use anyhow::{Context as _, Result, bail};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// An output folder, opened for a build or a clean.
#[derive(Debug)]
pub(crate) struct Out {
    /// The real folder, absolute, symbolic links resolved.
    pub(crate) dir: PathBuf,
    /// What kbc wrote there (empty when OUT is new or empty).
    pub(crate) owned: Marker,
    /// Folders inside OUT found to be real folders, not links, by relative path.
    dirs: HashSet<String>,
}

impl Out {
    /// OUT (named `out`, whose real folder is `dir`) with what kbc wrote
    /// there; a folder holding files kbc did not write is refused.
    pub(crate) fn read(out: &Path, dir: PathBuf) -> Result<Out> {
        let owned = owned(out, &dir)?;
        let dirs = real_dirs(&dir, &owned.files);
        Ok(Out { dir, owned, dirs })
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Whether OUT's `rel` is a regular file reached without any symbolic
    /// link (and `rel` is plain).
    pub(crate) fn regular(&self, rel: &str) -> bool {
        self.reachable(rel) && std::fs::symlink_metadata(self.dir.join(rel)).is_ok_and(|m| m.is_file())
    }

    /// Whether OUT has `rel` as kbc wrote it: on the marker, and a regular
    /// file reached without a link (so it may be kept or read).
    pub(crate) fn ours(&self, rel: &str) -> bool {
        self.owned.owns(rel) && self.regular(rel)
    }

    /// Whether every folder on the way to `rel` inside OUT is a real folder
    /// (or missing), and `rel` is plain.
    pub(crate) fn reachable(&self, rel: &str) -> bool {
        if !plain(rel) {
            return false;
        }
        let Some((parent, _)) = rel.rsplit_once('/') else { return true };
        self.dirs.contains(parent) || no_link_on_the_way(&self.dir, parent)
    }

    /// `.NAME.kbc-<what>-<pid>` beside OUT, for this process.
    pub(crate) fn sibling(&self, what: &str) -> PathBuf {
        sibling(&self.dir, what, std::process::id())
    }
}

/// The real path of `out`: absolute, with the longest existing ancestor
/// resolved (symbolic links included) and the rest appended.
pub(crate) fn real(out: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(out).with_context(|| format!("cannot resolve {}", out.display()))?;
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        let Some(parent) = existing.parent() else { break };
        rest.push(existing.file_name().map(PathBuf::from).unwrap_or_default());
        existing = parent;
    }
    let mut real = match existing.canonicalize() {
        Ok(p) => p,
        Err(e) if existing.is_symlink() => {
            bail!(
                "output folder {} is a symbolic link to a missing folder ({e}); create its target first",
                out.display()
            )
        }
        Err(_) => existing.to_path_buf(),
    };
    for part in rest.iter().rev() {
        for c in part.components() {
            match c {
                Component::ParentDir => {
                    real.pop();
                }
                Component::Normal(n) => real.push(n),
                _ => {}
            }
        }
    }
    Ok(real)
}

/// Refuses output folders that would overwrite or live inside the input.
pub(crate) fn refuse_around_input(out: &Path, dir: &Path, root: &Path, src: &Path) -> Result<()> {
    let (src_abs, root_abs) = (real(src)?, real(root)?);
    if dir.starts_with(&src_abs) {
        bail!(
            "output folder {} is inside the source folder {}; choose another with -o or [output] dir",
            out.display(),
            src.display()
        );
    }
    if root_abs.starts_with(dir) {
        bail!(
            "output folder {} contains the knowledge base {}; writing there could overwrite the articles",
            out.display(),
            root.display()
        );
    }
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        bail!("output path {} exists and is not a folder", out.display());
    }
    Ok(())
}

/// What kbc wrote in OUT: the marker's list, or nothing when OUT is new or
/// empty. A non-empty folder without a valid marker is refused.
fn owned(out: &Path, dir: &Path) -> Result<Marker> {
    if !dir.exists() {
        return Ok(Marker::default());
    }
    match marker::read(dir)? {
        Found::Valid(m) => Ok(m),
        Found::Absent if is_empty(dir)? => Ok(Marker::default()),
        Found::Absent => bail!(
            "output folder {} is not empty and kbc did not write it (it has no {} marker); \
             kbc writes only into a new or empty folder or into its own output, and never deletes files it did not write. \
             Choose another folder with -o (or [output] dir in book.toml), or empty this one yourself",
            out.display(),
            marker::MARKER_FILE
        ),
        Found::Invalid(why) => bail!(
            "output folder {} has a {} marker that kbc cannot trust ({why}), so kbc will not write there. \
             Choose another folder with -o, or empty this one yourself",
            out.display(),
            marker::MARKER_FILE
        ),
    }
}

fn is_empty(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    Ok(entries.next().is_none())
}

/// The folders holding the files of `files` that are real folders inside
/// `dir`, each checked once (a few thousand for tens of thousands of files).
fn real_dirs(dir: &Path, files: &[String]) -> HashSet<String> {
    let mut parents: Vec<&str> = files.iter().filter_map(|f| f.rsplit_once('/').map(|(p, _)| p)).collect();
    parents.dedup();
    let mut real: HashSet<String> = HashSet::new();
    for p in parents {
        if real.contains(p) {
            continue;
        }
        let mut walked = String::new();
        for part in p.split('/') {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(part);
            if real.contains(&walked) {
                continue;
            }
            if !std::fs::symlink_metadata(dir.join(&walked)).is_ok_and(|m| m.is_dir()) {
                break;
            }
            real.insert(walked.clone());
        }
    }
    real
}

/// Whether no folder on the way from `dir` to `dir/rel` is a symbolic link
/// or something else than a folder (missing ones are fine: nothing to follow).
fn no_link_on_the_way(dir: &Path, rel: &str) -> bool {
    let mut path = dir.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return false,
            Err(_) => return true,
        }
    }
    true
}

/// `.NAME.kbc-<what>-<pid>` beside `dir` (hidden, so static hosts and
/// globbing tools skip it).
pub(crate) fn sibling(dir: &Path, what: &str, pid: u32) -> PathBuf {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    dir.with_file_name(format!(".{name}.kbc-{what}-{pid}"))
}

/// The `(what, pid)` of kbc's folders beside `dir`, of processes other than
/// this one that are gone.
pub(crate) fn dead_siblings(dir: &Path) -> Vec<(String, u32, PathBuf)> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else { return Vec::new() };
    let prefix = format!(".{}.kbc-", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        let Some((what, pid)) = rest.rsplit_once('-') else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if matches!(what, "staging" | "backup" | "old" | "journal" | "done") && pid != std::process::id() && !alive(pid)
        {
            found.push((what.to_string(), pid, entry.path()));
        }
    }
    found.sort();
    found
}

/// Whether process `pid` exists. Where that cannot be told, it is taken to
/// be alive, so that nothing of a running build is removed.
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// Removes a folder kbc made beside OUT, never following a link: a link
/// found in its place is removed itself, not what it points to.
pub(crate) fn remove_ours(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
    .with_context(|| format!("cannot remove {}", path.display()))
}

/// Runs a file operation, creating the parent folders and retrying only
/// when it fails for want of them: one system call per file in the usual
/// case, where most files share folders already made.
pub(crate) fn with_parent<T>(path: &Path, op: impl Fn() -> std::io::Result<T>) -> std::io::Result<T> {
    match op() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path.parent().unwrap_or(path))?;
            op()
        }
        other => other,
    }
}

/// Removes a folder, its entries two levels down in parallel (the output's
/// `site/`, `clouds/<cloud>/` ...), since deleting tens of thousands of files
/// is bound by per-file system calls rather than the disk. Never follows a
/// link: a link is removed itself.
pub(crate) fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        match entry.file_type()?.is_dir() {
            true => parts
                .extend(std::fs::read_dir(entry.path())?.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>()?),
            false => parts.push(entry.path()),
        }
    }
    parts.par_iter().try_for_each(|p| match std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
        true => std::fs::remove_dir_all(p),
        false => std::fs::remove_file(p),
    })?;
    std::fs::remove_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_out_inside_the_source_folder_or_around_the_root() {
        let kb = tempfile::tempdir().unwrap();
        let src = kb.path().join("articles");
        std::fs::create_dir_all(&src).unwrap();
        let err = super::super::open(&src.join("out"), kb.path(), &src).unwrap_err().to_string();
        assert!(err.contains("inside the source folder"), "{err}");
        assert!(super::super::open(kb.path(), kb.path(), &src).is_err());
        assert!(super::super::open(&kb.path().join("articles/../out"), kb.path(), &src).is_ok());
    }

    #[test]
    fn a_folder_with_kbc_file_names_but_no_marker_is_not_kbc_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("home");
        std::fs::create_dir_all(out.join(".ssh")).unwrap();
        for name in ["build-report.json", ".kbc-cache.json", ".kbc-diagnostics.json"] {
            std::fs::write(out.join(name), "").unwrap();
        }
        let err = super::super::open(&out, &dir.path().join("kb"), &dir.path().join("kb/articles")).unwrap_err();
        assert!(err.to_string().contains("kbc did not write it"), "{err}");
        std::fs::write(out.join(marker::MARKER_FILE), "kbc-output 1 0000\n{}").unwrap();
        let err = super::super::open(&out, &dir.path().join("kb"), &dir.path().join("kb/articles")).unwrap_err();
        assert!(err.to_string().contains("cannot trust"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_through_a_link_inside_out_is_not_regular() {
        let dir = tempfile::tempdir().unwrap();
        let (out, outside) = (dir.path().join("out"), dir.path().join("outside"));
        std::fs::create_dir_all(out.join("site")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "x").unwrap();
        std::fs::write(out.join("site/page.html"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, out.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), out.join("file-link")).unwrap();
        let owned = Marker { generator: "kbc".into(), files: vec!["link/secret".into(), "site/page.html".into()] };
        let o = Out { dirs: real_dirs(&out, &owned.files), dir: out, owned };
        assert!(o.regular("site/page.html"));
        assert!(!o.regular("link/secret") && !o.reachable("link/secret"));
        assert!(!o.regular("file-link"), "a link to a file is not a regular file");
        assert!(!o.regular("../outside/secret"));
    }
}
