//! The only writer to OUT. Everything is written into a fresh staging folder
//! beside OUT and swapped in only when complete; on any failure the staging
//! folder is removed and an existing OUT is left exactly as it was.

use anyhow::{Context as _, Result, bail};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A marker every kbc output has; an existing non-empty OUT without it is
/// not ours and is never replaced.
pub(crate) const REPORT_FILE: &str = "build-report.json";

/// Refuses output folders that would overwrite or live inside the input.
pub(crate) fn check_out(out: &Path, root: &Path, src: &Path) -> Result<()> {
    let (out_abs, src_abs, root_abs) = (absolute(out)?, absolute(src)?, absolute(root)?);
    if out_abs.starts_with(&src_abs) {
        bail!(
            "output folder {} is inside the source folder {}; choose another with -o or [output] dir",
            out.display(),
            src.display()
        );
    }
    if root_abs.starts_with(&out_abs) {
        bail!(
            "output folder {} contains the knowledge base {}; replacing it would delete the articles",
            out.display(),
            root.display()
        );
    }
    if out.exists() {
        if !out.is_dir() {
            bail!("output path {} exists and is not a folder", out.display());
        }
        let empty = std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?.next().is_none();
        if !empty && !out.join(REPORT_FILE).is_file() {
            bail!(
                "output folder {} is not empty and was not written by kbc (no {REPORT_FILE}); refusing to replace it",
                out.display()
            );
        }
    }
    Ok(())
}

/// An absolute, normalised path: the longest existing ancestor resolved
/// (symlinks included), the rest appended with `.` and `..` applied.
fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        let Some(parent) = existing.parent() else { break };
        rest.push(existing.file_name().map(PathBuf::from).unwrap_or_default());
        existing = parent;
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
    for part in rest.iter().rev() {
        for c in part.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(n) => out.push(n),
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The folder a build writes into before it becomes OUT.
pub(crate) struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
    written: AtomicUsize,
    linked: AtomicUsize,
    reused: AtomicUsize,
}

impl Staging {
    pub(crate) fn create(out: &Path) -> Result<Staging> {
        let out = std::path::absolute(out).with_context(|| format!("cannot resolve {}", out.display()))?;
        let parent = out.parent().context("the output folder has no parent folder")?;
        crate::fs::create_dir_all(parent)?;
        let dir = sibling(&out, "staging");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove stale {}", dir.display()))?;
        }
        crate::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            out,
            committed: false,
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        })
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub(crate) fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        let path = self.path(rel);
        with_parent(&path, || std::fs::write(&path, bytes.as_ref()))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Streams a file: `fill` writes into a buffered writer on `rel`.
    pub(crate) fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
    ) -> Result<()> {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            crate::fs::create_dir_all(parent)?;
        }
        let file = std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut out).with_context(|| format!("cannot write {}", path.display()))?;
        out.flush().with_context(|| format!("cannot write {}", path.display()))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    pub(crate) fn files_written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    pub(crate) fn files_linked(&self) -> usize {
        self.linked.load(Ordering::Relaxed)
    }

    /// Makes `to` the same file as `from` (a hard link; a copy where the file
    /// system has none), so pages shared by several sites are written once.
    pub(crate) fn link(&self, from: &str, to: &str) -> Result<()> {
        let (from, to) = (self.path(from), self.path(to));
        self.linked.fetch_add(1, Ordering::Relaxed);
        if with_parent(&to, || std::fs::hard_link(&from, &to)).is_err() {
            std::fs::copy(&from, &to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        }
        Ok(())
    }

    /// Hard-links `from`, a page of the previous output, as `rel`, counted
    /// as a file of the output. False (and nothing created) when it cannot.
    pub(crate) fn reuse(&self, from: &Path, rel: &str) -> bool {
        let to = self.path(rel);
        let ok = with_parent(&to, || std::fs::hard_link(from, &to)).is_ok();
        if ok {
            self.written.fetch_add(1, Ordering::Relaxed);
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    pub(crate) fn files_reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Swaps the staging folder in as OUT. The old OUT is moved aside first
    /// and put back if the swap fails, then deleted.
    pub(crate) fn commit(mut self) -> Result<()> {
        let old = sibling(&self.out, "old");
        let had_old = self.out.exists();
        if had_old {
            if old.exists() {
                std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove stale {}", old.display()))?;
            }
            std::fs::rename(&self.out, &old).with_context(|| format!("cannot move {} aside", self.out.display()))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            if had_old {
                let _ = std::fs::rename(&old, &self.out);
            }
            return Err(e).with_context(|| format!("cannot move the new output into {}", self.out.display()));
        }
        self.committed = true;
        if had_old {
            remove_tree(&old).with_context(|| format!("cannot remove the previous output {}", old.display()))?;
        }
        Ok(())
    }
}

/// Removes a folder, its entries two levels down in parallel (the output's
/// `site/`, `clouds/<cloud>/` ...), since deleting tens of thousands of files
/// is bound by per-file system calls rather than the disk.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        match entry.file_type()?.is_dir() {
            true => parts
                .extend(std::fs::read_dir(entry.path())?.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>()?),
            false => parts.push(entry.path()),
        }
    }
    parts.par_iter().try_for_each(|p| match p.is_dir() && !p.is_symlink() {
        true => std::fs::remove_dir_all(p),
        false => std::fs::remove_file(p),
    })?;
    std::fs::remove_dir_all(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Runs a file operation, creating the parent folders and retrying only
/// when it fails for want of them: one system call per file in the usual
/// case, where most files share folders already made.
fn with_parent(path: &Path, op: impl Fn() -> std::io::Result<()>) -> std::io::Result<()> {
    match op() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path.parent().unwrap_or(path))?;
            op()
        }
        other => other,
    }
}

/// `.OUTNAME.kbc-<what>-<pid>` beside OUT (hidden, so static hosts and
/// globbing tools skip it).
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    out.with_file_name(format!(".{name}.kbc-{what}-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_out_inside_the_source_folder_or_around_the_root() {
        let kb = tempfile::tempdir().unwrap();
        let src = kb.path().join("articles");
        std::fs::create_dir_all(&src).unwrap();
        let err = check_out(&src.join("out"), kb.path(), &src).unwrap_err().to_string();
        assert!(err.contains("inside the source folder"), "{err}");
        assert!(check_out(kb.path(), kb.path(), &src).is_err());
        assert!(check_out(&kb.path().join("articles/../out"), kb.path(), &src).is_ok());
    }

    #[test]
    fn refuses_to_replace_a_folder_kbc_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("precious");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("thesis.txt"), "x").unwrap();
        let err = check_out(&out, &dir.path().join("kb"), &dir.path().join("kb/articles")).unwrap_err();
        assert!(err.to_string().contains("not written by kbc"));
    }

    #[test]
    fn swaps_the_staging_folder_in_and_drops_it_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("old.txt"), "old").unwrap();
        let s = Staging::create(&out).unwrap();
        s.write("a/new.txt", "new").unwrap();
        s.link("a/new.txt", "b/same.txt").unwrap();
        s.commit().unwrap();
        assert!(!out.join("old.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("b/same.txt")).unwrap(), "new");
        let s = Staging::create(&out).unwrap();
        s.write("x.txt", "x").unwrap();
        drop(s);
        assert!(!out.join("x.txt").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder left behind");
    }
}
