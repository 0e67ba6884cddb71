//! The folder a build writes into, beside OUT. Everything is written here
//! and moved into OUT only when complete (see `commit`); on any failure the
//! staging folder is removed and OUT is left exactly as it was.
//!
//! Each method means one thing whatever the build: [`Staging::write`] says
//! the output has a file with these bytes, [`Staging::link`] that a file is
//! the same file as another, [`Staging::keep`] that OUT's file (which the
//! plan, `super::plan`, found kbc wrote) stays as it is. A whole build
//! (clean or full: see `super::plan::Mode`) stages every file and keeps
//! none; an incremental one stages only what changed (a file written with
//! the bytes OUT has is not staged again) and is patched into OUT.

use super::marker::Marker;
use super::out::{Out, with_parent};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The build report, relative to OUT.
pub(crate) const REPORT_FILE: &str = "build-report.json";

/// The folder a build writes into before its files are moved into OUT.
pub(crate) struct Staging {
    dir: PathBuf,
    out: Out,
    /// Every file is staged: the staging folder replaces OUT whole.
    whole: bool,
    committed: bool,
    /// Every file of the output, staged or kept, by path relative to OUT.
    produced: std::sync::Mutex<Vec<String>>,
    written: AtomicUsize,
    linked: AtomicUsize,
}

impl Staging {
    /// A fresh staging folder beside `out` (opened with [`super::open`]),
    /// for a whole build (every file staged) or an incremental one.
    pub(crate) fn create(out: Out, whole: bool) -> Result<Staging> {
        let parent = out.dir.parent().context("the output folder has no parent folder")?;
        crate::fs::create_dir_all(parent)?;
        let dir = out.sibling("staging");
        super::out::remove_ours(&dir)?;
        crate::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            out,
            whole,
            committed: false,
            produced: std::sync::Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
        })
    }

    /// A scratch file inside the staging folder, never part of the output:
    /// it has no name (or loses it at once where the system cannot create
    /// a file without one) and is gone when closed.
    pub(crate) fn scratch(&self) -> Result<std::fs::File> {
        tempfile::tempfile_in(&self.dir)
            .with_context(|| format!("cannot create a scratch file in {}", self.dir.display()))
    }

    /// The output folder this build goes into.
    pub(crate) fn out(&self) -> &Out {
        &self.out
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn produce(&self, rel: &str) {
        self.produced.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
    }

    /// Writes a file of the output. In an incremental build, a file OUT
    /// already has with these very bytes is left alone there.
    pub(crate) fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        self.produce(rel);
        self.written.fetch_add(1, Ordering::Relaxed);
        if !self.whole && self.kept(rel) && same_bytes(&self.out.path(rel), bytes.as_ref()) {
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

    /// Makes the output's `to` the same file as its `from` (a hard link; a
    /// copy where the file system has none), so pages shared by several
    /// sites are written once. `from` is staged, or is OUT's (kept, or
    /// written with the bytes OUT has), and then `to` is left alone when it
    /// already is that file in OUT.
    pub(crate) fn link(&self, from: &str, to: &str) -> Result<()> {
        self.produce(to);
        self.linked.fetch_add(1, Ordering::Relaxed);
        let staged = self.path(from);
        // A whole build stages every file: no need to look.
        let from = match self.whole || staged.exists() {
            true => staged,
            false => {
                let kept = self.out.path(from);
                if self.kept(from) && self.kept(to) && same_file(&kept, &self.out.path(to)) {
                    return Ok(());
                }
                anyhow::ensure!(self.kept(from), "{} is not a file kbc wrote", kept.display());
                kept
            }
        };
        let to = self.path(to);
        if with_parent(&to, || std::fs::hard_link(&from, &to)).is_err() {
            std::fs::copy(&from, &to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        }
        Ok(())
    }

    /// Takes OUT's `rel`, which the plan found to be a file kbc wrote and
    /// whose inputs did not change, into this output as it is. An error in
    /// a whole build, which keeps nothing of OUT.
    pub(crate) fn keep(&self, rel: &str) -> Result<()> {
        self.keep_as(rel, &self.written)
    }

    /// [`Staging::keep`] for a file that is a link to another kept file
    /// (counted as a link).
    pub(crate) fn keep_link(&self, rel: &str) -> Result<()> {
        self.keep_as(rel, &self.linked)
    }

    fn keep_as(&self, rel: &str, count: &AtomicUsize) -> Result<()> {
        anyhow::ensure!(!self.whole, "a whole build cannot keep {rel} from the previous output");
        self.produce(rel);
        count.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Whether OUT's `rel` can be kept: kbc wrote it, and it is still a
    /// regular file reached without a link.
    fn kept(&self, rel: &str) -> bool {
        self.out.ours(rel)
    }

    /// Makes the staged output OUT, with a marker listing every file it
    /// produced (see `commit`). On failure OUT is left as it was.
    pub(crate) fn commit(mut self) -> Result<()> {
        let mut files = std::mem::take(&mut *self.produced.lock().unwrap_or_else(|e| e.into_inner()));
        files.sort_unstable();
        let marker = Marker { generator: super::GENERATOR.to_string(), files };
        let done = super::commit::commit(&self.out, &marker, self.whole);
        // The staging folder is gone into OUT, or removed by the commit.
        self.committed = done.is_ok();
        done
    }
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|b| b == bytes)
}

/// Whether two paths are one file (hard links to the same inode).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
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

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = super::out::remove_ours(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path, name: &str) -> Out {
        super::super::open(&dir.join(name), &dir.join("kb"), &dir.join("kb/articles")).unwrap()
    }

    #[test]
    fn a_build_into_a_new_folder_is_moved_in_whole_and_dropped_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let s = Staging::create(open(dir.path(), "out"), true).unwrap();
        s.write("a/new.txt", "new").unwrap();
        s.link("a/new.txt", "b/same.txt").unwrap();
        assert!(s.keep("a/new.txt").is_err(), "a whole build keeps nothing");
        s.commit().unwrap();
        let out = dir.path().join("out");
        assert_eq!(std::fs::read_to_string(out.join("b/same.txt")).unwrap(), "new");
        let s = Staging::create(open(dir.path(), "out"), true).unwrap();
        s.write("x.txt", "x").unwrap();
        drop(s);
        assert!(!out.join("x.txt").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder left behind");
    }

    #[test]
    fn a_full_build_keeps_the_users_files_and_removes_only_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let s = Staging::create(open(dir.path(), "out"), true).unwrap();
        s.write("old.txt", "old").unwrap();
        s.write("site/a.html", "a").unwrap();
        s.commit().unwrap();
        let out = dir.path().join("out");
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        std::fs::create_dir_all(out.join(".git")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
        let s = Staging::create(open(dir.path(), "out"), true).unwrap();
        s.write("site/a.html", "a2").unwrap();
        s.commit().unwrap();
        assert!(!out.join("old.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("site/a.html")).unwrap(), "a2");
        assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "example.org");
        assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
    }
}
