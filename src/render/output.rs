//! The only writer to OUT. Everything is written into a fresh staging folder
//! beside OUT and moved in only when complete; on any failure the staging
//! folder is removed and an existing OUT is left exactly as it was. A full
//! build swaps the whole folder in; an incremental one ([`Mode::Patch`])
//! stages only what changed and moves those files in (see `commit`).

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
        // A patch moves each of these aside for a moment, never two at once,
        // so an OUT left by a crash part-way still shows one of them.
        let markers = [REPORT_FILE, super::cache::DIAGNOSTICS_FILE, super::cache::CACHE_FILE];
        if !empty && !markers.iter().any(|m| out.join(m).is_file()) {
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

/// How a build's files reach OUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Everything is written into the staging folder, which replaces OUT.
    Swap,
    /// OUT is kept; only new and changed files are staged, then moved into
    /// OUT one by one with a journal that can undo them (see `commit`).
    Patch,
}

/// The folder a build writes into before it becomes OUT (or, in
/// [`Mode::Patch`], before its files are moved into OUT).
pub(crate) struct Staging {
    dir: PathBuf,
    out: PathBuf,
    mode: Mode,
    committed: bool,
    /// Every file of the output, staged or kept, by path relative to OUT.
    produced: std::sync::Mutex<Vec<String>>,
    written: AtomicUsize,
    linked: AtomicUsize,
    reused: AtomicUsize,
}

impl Staging {
    pub(crate) fn create(out: &Path, mode: Mode) -> Result<Staging> {
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
            mode,
            committed: false,
            produced: std::sync::Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        })
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn produce(&self, rel: &str) {
        self.produced.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
    }

    /// Every file of the output so far, sorted.
    pub(crate) fn produced(&self) -> Vec<String> {
        let mut files = self.produced.lock().unwrap_or_else(|e| e.into_inner()).clone();
        files.sort_unstable();
        files
    }

    /// Writes a file. In [`Mode::Patch`], a file OUT already has with these
    /// very bytes is left alone.
    pub(crate) fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        self.produce(rel);
        self.written.fetch_add(1, Ordering::Relaxed);
        if self.mode == Mode::Patch && same_bytes(&self.out.join(rel), bytes.as_ref()) {
            return Ok(());
        }
        let path = self.path(rel);
        with_parent(&path, || std::fs::write(&path, bytes.as_ref()))
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Streams a file: `fill` writes into a buffered writer on `rel`.
    pub(crate) fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
    ) -> Result<()> {
        self.produce(rel);
        let path = self.path(rel);
        let file = with_parent(&path, || std::fs::File::create(&path))
            .with_context(|| format!("cannot write {}", path.display()))?;
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
    /// In [`Mode::Patch`], `unchanged` says both are already so in OUT.
    pub(crate) fn link(&self, from: &str, to: &str, unchanged: bool) -> Result<()> {
        self.produce(to);
        self.linked.fetch_add(1, Ordering::Relaxed);
        let staged = self.path(from);
        let from = match self.mode {
            Mode::Swap => staged,
            Mode::Patch if unchanged => return Ok(()),
            Mode::Patch if staged.exists() => staged,
            // `from` is OUT's, unchanged: link to it unless `to` already is it.
            Mode::Patch => {
                let kept = self.out.join(from);
                if same_file(&kept, &self.out.join(to)) {
                    return Ok(());
                }
                kept
            }
        };
        let to = self.path(to);
        if with_parent(&to, || std::fs::hard_link(&from, &to)).is_err() {
            std::fs::copy(&from, &to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        }
        Ok(())
    }

    /// In [`Mode::Patch`], takes `rels`, pages of the previous output whose
    /// inputs did not change, into this output as they are, counted as
    /// reused. False (and none taken) in [`Mode::Swap`], where no page key
    /// can match (they all start from the key that decides the mode), or
    /// when OUT lacks one of them.
    pub(crate) fn reuse(&self, rels: &[String]) -> bool {
        let ok = self.mode == Mode::Patch && rels.iter().all(|rel| self.out.join(rel).is_file());
        if ok {
            for rel in rels {
                self.take(rel);
                self.reused.fetch_add(1, Ordering::Relaxed);
            }
        }
        ok
    }

    /// In [`Mode::Patch`], takes OUT's `rel`, whose inputs did not change,
    /// into this output as it is. False (and nothing done) otherwise.
    pub(crate) fn keep(&self, rel: &str) -> bool {
        let ok = self.mode == Mode::Patch && self.out.join(rel).is_file();
        if ok {
            self.take(rel);
        }
        ok
    }

    /// Counts `rel`, taken from the previous output, as a file of this one.
    fn take(&self, rel: &str) {
        self.produce(rel);
        self.written.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn files_reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Makes the staged output OUT. [`Mode::Swap`]: the old OUT is moved
    /// aside, put back if the swap fails, then deleted. [`Mode::Patch`]: the
    /// staged files replace their counterparts in OUT and the files of
    /// `previous` this build did not produce are removed, all undone if any
    /// step fails; `last` (the cache manifest) goes in after everything else.
    pub(crate) fn commit(mut self, previous: &[String], last: &str) -> Result<()> {
        match self.mode {
            Mode::Swap => self.swap(),
            // The emptied staging folder goes with `self`.
            Mode::Patch => super::commit::patch(&self.dir, &self.out, &removed(previous, &self.produced(), last), last),
        }
    }

    fn swap(&mut self) -> Result<()> {
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

/// Files of the previous output (sorted) that this one (sorted) lacks.
fn removed(previous: &[String], produced: &[String], keep: &str) -> Vec<String> {
    previous.iter().filter(|p| *p != keep && produced.binary_search(p).is_err()).cloned().collect()
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|b| b == bytes)
}

/// Whether two paths are one file (hard links to the same inode).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::read(a), std::fs::read(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
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
pub(crate) fn with_parent<T>(path: &Path, op: impl Fn() -> std::io::Result<T>) -> std::io::Result<T> {
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
pub(crate) fn sibling(out: &Path, what: &str) -> PathBuf {
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
    fn accepts_an_output_whose_report_a_crash_left_aside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(super::super::cache::DIAGNOSTICS_FILE), "[]").unwrap();
        check_out(&out, &dir.path().join("kb"), &dir.path().join("kb/articles")).unwrap();
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
        let s = Staging::create(&out, Mode::Swap).unwrap();
        s.write("a/new.txt", "new").unwrap();
        s.link("a/new.txt", "b/same.txt", false).unwrap();
        s.commit(&[], "none").unwrap();
        assert!(!out.join("old.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("b/same.txt")).unwrap(), "new");
        let s = Staging::create(&out, Mode::Swap).unwrap();
        s.write("x.txt", "x").unwrap();
        drop(s);
        assert!(!out.join("x.txt").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder left behind");
    }
}
