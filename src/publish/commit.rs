//! Moving a build's staged files into OUT: all or nothing, even when the
//! process is killed part-way.
//!
//! Into a new or empty OUT the staging folder is renamed whole. A full
//! build over an existing OUT is swapped in: the entries of OUT kbc did not
//! write (a `CNAME`, `.git/`) are moved into the staging folder, OUT is
//! moved aside, the staging folder takes its place, and the old one (now
//! holding only kbc's files) is removed. An incremental build is patched in,
//! where every step is a rename within one file system: a file OUT already has is
//! first moved into a backup folder beside OUT, then the staged file takes
//! its place; a file of the previous build that this one did not produce is
//! moved into the backup folder too. (Renaming the staged file over the old
//! one would keep the path present throughout, but ext4 then flushes the new
//! file's data before the rename returns: 120 ms for the six bundles of the
//! corpus.) The marker is one of the staged files.
//!
//! Before the first rename, a journal beside OUT names the staged and the
//! removed files (or, for a swap, the user's entries carried over). When every step is done, the journal is renamed to a
//! `done` file: that rename is the moment the new build exists. A failed
//! step undoes the steps before it; a killed build is finished or undone by
//! the next run, before anything else ([`recover_beside`]): after a `done`
//! file only the clean-up is left; after a journal every staged file that
//! reached OUT goes back to staging and every backed-up file (the old marker
//! too) back to OUT. Both are idempotent, so a kill during recovery is
//! recovered too.
//! kbc only ever replaces or removes files its marker lists (anything else in
//! the way stops the build before any change), and never through a link.

use super::marker::{MARKER_FILE, Marker, plain};
use super::out::{self, Out};
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a commit is about to do, written beside OUT before it starts.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    /// A swap: OUT moved aside whole, `foreign` carried over.
    #[serde(default)]
    swap: bool,
    /// The entries of OUT kbc did not write, by relative path.
    #[serde(default)]
    foreign: Vec<String>,
    /// Files moved from staging into OUT.
    staged: Vec<String>,
    /// Files of the previous build moved out of OUT.
    removed: Vec<String>,
}

/// The folders of one commit: OUT, and the staging, backup and journal
/// beside it (all named after the committing process).
struct Places<'a> {
    out: &'a Path,
    staging: PathBuf,
    backup: PathBuf,
    journal: PathBuf,
    done: PathBuf,
    old: PathBuf,
}

impl Places<'_> {
    fn of(out: &Path, pid: u32) -> Places<'_> {
        Places {
            out,
            staging: out::sibling(out, "staging", pid),
            backup: out::sibling(out, "backup", pid),
            journal: out::sibling(out, "journal", pid),
            done: out::sibling(out, "done", pid),
            old: out::sibling(out, "old", pid),
        }
    }
}

/// Makes the staged output (in `out`'s staging folder) OUT, with `marker`
/// as its new marker: swapped in when `whole` (every file is staged),
/// patched in otherwise. On failure OUT is left as it was.
pub(crate) fn commit(out: &Out, marker: &Marker, whole: bool) -> Result<()> {
    let places = Places::of(&out.dir, std::process::id());
    let bytes = marker.to_bytes()?;
    let marker_path = places.staging.join(MARKER_FILE);
    std::fs::write(&marker_path, &bytes).with_context(|| format!("cannot write {}", marker_path.display()))?;
    if is_new_or_empty(&out.dir) {
        return std::fs::rename(&places.staging, &out.dir)
            .with_context(|| format!("cannot move the new output into {}", out.dir.display()));
    }
    if whole {
        return swap(out, &places);
    }
    let staged = staged_files(&places.staging)?;
    refuse_what_is_in_the_way(out, &staged)?;
    let removed: Vec<String> =
        out.owned.files.iter().filter(|f| marker.files.binary_search(f).is_err() && out.regular(f)).cloned().collect();
    let journal = Journal { staged, removed, ..Journal::default() };
    std::fs::write(&places.journal, serde_json::to_vec(&journal)?)
        .with_context(|| format!("cannot write {}", places.journal.display()))?;
    let mut hook = TestHook::from_env();
    let done = apply(&places, &journal, &mut hook).and_then(|()| {
        std::fs::rename(&places.journal, &places.done).context("cannot mark the commit done")?;
        hook.step();
        Ok(())
    });
    settle(&places, &journal, done)
}

fn is_new_or_empty(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// The swap: the user's entries into staging, OUT aside, staging in.
fn swap(out: &Out, p: &Places<'_>) -> Result<()> {
    let foreign = foreign_entries(out, &p.staging)?;
    for rel in &foreign {
        if std::fs::symlink_metadata(p.staging.join(rel)).is_ok() {
            bail!(
                "{} is in the way of kbc's output: kbc did not write it, so it will not replace it; \
                 move it away and build again",
                out.path(rel).display()
            );
        }
    }
    let journal = Journal { swap: true, foreign, ..Journal::default() };
    std::fs::write(&p.journal, serde_json::to_vec(&journal)?)
        .with_context(|| format!("cannot write {}", p.journal.display()))?;
    let mut hook = TestHook::from_env();
    let done = swap_steps(p, &journal, &mut hook).and_then(|()| {
        std::fs::rename(&p.journal, &p.done).context("cannot mark the commit done")?;
        hook.step();
        Ok(())
    });
    settle(p, &journal, done)
}

/// After the steps: on success, or on failure once undone, the clean-up;
/// when undoing failed, everything stays (journal included) for the next
/// run to try again, and the error says so.
fn settle(p: &Places<'_>, journal: &Journal, done: Result<()>) -> Result<()> {
    if done.is_err() && !roll_back(p, journal) {
        return done.with_context(|| {
            format!("the build could not be undone fully; kbc will try again next time ({})", p.journal.display())
        });
    }
    finish(p, &journal.removed);
    done
}

fn swap_steps(p: &Places<'_>, journal: &Journal, hook: &mut TestHook) -> Result<()> {
    for rel in &journal.foreign {
        rename(&p.out.join(rel), &p.staging.join(rel), hook)?;
    }
    rename(p.out, &p.old, hook)?;
    rename(&p.staging, p.out, hook)
}

/// The entries of OUT that kbc did not write, each at the highest level
/// where nothing below is kbc's, in OUT or in `staging` (`.git` whole,
/// `site/extra.html`), sorted. Links are not followed: a link is an entry
/// like a file.
fn foreign_entries(out: &Out, staging: &Path) -> Result<Vec<String>> {
    let owned = &out.owned;
    // Whether a file on the marker lies under the folder `rel`.
    let holds_ours = |rel: &str| {
        let prefix = format!("{rel}/");
        let i = owned.files.partition_point(|f| f.as_str() < prefix.as_str());
        owned.files.get(i).is_some_and(|f| f.starts_with(&prefix))
    };
    let mut foreign = Vec::new();
    let mut walk = walkdir::WalkDir::new(&out.dir).min_depth(1).into_iter();
    while let Some(entry) = walk.next() {
        let entry = entry.with_context(|| format!("cannot list {}", out.dir.display()))?;
        let rel = crate::fs::display_rel(&out.dir, entry.path());
        let ours = match entry.file_type().is_dir() {
            true => holds_ours(&rel) || std::fs::symlink_metadata(staging.join(&rel)).is_ok_and(|m| m.is_dir()),
            false => owned.owns(&rel) || rel == MARKER_FILE,
        };
        if !ours {
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            foreign.push(rel);
        }
    }
    Ok(foreign)
}

/// Stops before any change when a staged file would replace something kbc
/// did not write, or would be reached through a link.
fn refuse_what_is_in_the_way(out: &Out, staged: &[String]) -> Result<()> {
    for rel in staged.iter().filter(|r| *r != MARKER_FILE) {
        let ok = out.reachable(rel)
            && match std::fs::symlink_metadata(out.path(rel)) {
                Err(_) => true,
                Ok(m) => m.is_file() && out.owned.owns(rel),
            };
        if !ok {
            bail!(
                "{} is in the way of kbc's output: kbc did not write it (or a folder on the way is a link), \
                 so it will not replace it; move it away and build again",
                out.path(rel).display()
            );
        }
    }
    Ok(())
}

/// The steps: each staged file in (its predecessor aside), then each
/// removed file aside.
fn apply(p: &Places<'_>, journal: &Journal, hook: &mut TestHook) -> Result<()> {
    for rel in &journal.staged {
        move_aside(p, rel, hook)?;
        rename(&p.staging.join(rel), &p.out.join(rel), hook)?;
    }
    for rel in &journal.removed {
        move_aside(p, rel, hook)?;
    }
    Ok(())
}

/// Moves OUT's `rel`, if there is one, into the backup folder.
fn move_aside(p: &Places<'_>, rel: &str, hook: &mut TestHook) -> Result<()> {
    let from = p.out.join(rel);
    match std::fs::symlink_metadata(&from) {
        Err(_) => Ok(()),
        Ok(m) if m.is_file() => rename(&from, &p.backup.join(rel), hook),
        Ok(_) => bail!("{} is not a file kbc wrote; leaving it", from.display()),
    }
}

/// A rename that makes the destination's folders when they are missing.
fn rename(from: &Path, to: &Path, hook: &mut TestHook) -> Result<()> {
    out::with_parent(to, || std::fs::rename(from, to))
        .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
    hook.step();
    Ok(())
}

/// Puts OUT back as it was before the journal's commit: staged files that
/// reached OUT go back to staging, backed-up files back to OUT; for a swap,
/// the old OUT back in place and the user's entries back into it. Best
/// effort and idempotent: it may be run again after a kill. Whether it
/// put everything back.
fn roll_back(p: &Places<'_>, journal: &Journal) -> bool {
    if journal.swap {
        return roll_back_swap(p, journal);
    }
    for rel in journal.staged.iter().filter(|r| plain(r)) {
        let (staged, put) = (p.staging.join(rel), p.out.join(rel));
        let moved_in =
            std::fs::symlink_metadata(&staged).is_err() && std::fs::symlink_metadata(&put).is_ok_and(|m| m.is_file());
        if moved_in {
            let _ = out::with_parent(&staged, || std::fs::rename(&put, &staged));
        }
    }
    for rel in files_under(&p.backup) {
        let _ = out::with_parent(&p.out.join(&rel), || std::fs::rename(p.backup.join(&rel), p.out.join(&rel)));
    }
    files_under(&p.backup).is_empty()
}

fn roll_back_swap(p: &Places<'_>, journal: &Journal) -> bool {
    let exists = |path: &Path| std::fs::symlink_metadata(path).is_ok();
    if exists(&p.old) && exists(p.out) && !exists(&p.staging) {
        // The new output went in: it goes back to staging.
        let _ = std::fs::rename(p.out, &p.staging);
    }
    if exists(&p.old) && !exists(p.out) {
        let _ = std::fs::rename(&p.old, p.out);
    }
    for rel in journal.foreign.iter().filter(|r| plain(r)) {
        let (theirs, carried) = (p.out.join(rel), p.staging.join(rel));
        if !exists(&theirs) && exists(&carried) {
            let _ = out::with_parent(&theirs, || std::fs::rename(&carried, &theirs));
        }
    }
    !exists(&p.old) && journal.foreign.iter().all(|rel| !exists(&p.staging.join(rel)))
}

/// Removes the backup, old and staging folders, the folders that removing
/// files emptied, and last the journal or `done` file.
fn finish(p: &Places<'_>, removed: &[String]) {
    let _ = out::remove_tree(&p.old);
    let _ = out::remove_tree(&p.backup);
    let _ = out::remove_ours(&p.staging);
    remove_empty_parents(p.out, removed);
    let _ = out::remove_ours(&p.journal);
    let _ = out::remove_ours(&p.done);
}

/// Finishes or undoes the commits of killed builds beside OUT, then removes
/// the other folders they left (staging, backup, a swapped-out old output).
pub(crate) fn recover_beside(dir: &Path) -> Result<()> {
    let dead = out::dead_siblings(dir);
    let journals = |w: &str| w == "journal" || w == "done";
    for (what, pid, path) in dead.iter().filter(|(what, _, _)| journals(what)) {
        let places = Places::of(dir, *pid);
        let journal = std::fs::read(path).ok().and_then(|b| serde_json::from_slice::<Journal>(&b).ok());
        // A journal cut short was being written: no step had been taken.
        let journal = journal.unwrap_or_default();
        if what == "journal" && !roll_back(&places, &journal) {
            bail!(
                "a build killed while moving its files into {} could not be undone fully; \
                 what it moved is in {}, {} and {} (yours included, if any): put it back by hand",
                dir.display(),
                places.old.display(),
                places.backup.display(),
                places.staging.display()
            );
        }
        finish(&places, &journal.removed);
        out::remove_ours(path)?;
    }
    for (what, _, path) in dead.iter().filter(|(what, _, _)| !journals(what)) {
        // An older kbc swapped OUT out whole: killed before the new one went
        // in, the old one is all there is.
        if what == "old" && std::fs::symlink_metadata(dir).is_err() {
            std::fs::rename(path, dir).with_context(|| format!("cannot restore {}", dir.display()))?;
            continue;
        }
        out::remove_ours(path)?;
    }
    Ok(())
}

/// The files under `dir`, relative and sorted, links not followed.
fn staged_files(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if !entry.file_type().is_dir() {
            files.push(crate::fs::display_rel(dir, entry.path()));
        }
    }
    files.sort_unstable();
    Ok(files)
}

fn files_under(dir: &Path) -> Vec<String> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => staged_files(dir).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Removes the folders that removing files emptied, up to OUT.
fn remove_empty_parents(out: &Path, removed: &[String]) {
    for rel in removed {
        let mut dir = out.join(rel);
        while dir.pop() && dir.starts_with(out) && dir != out {
            if std::fs::remove_dir(&dir).is_err() {
                break;
            }
        }
    }
}

/// In debug builds, `KBC_TEST_ABORT_AFTER_RENAMES=N` aborts the process
/// (as a kill would: nothing is cleaned up) after the commit's Nth rename,
/// so tests can check what the next run makes of it.
struct TestHook {
    left: Option<usize>,
}

impl TestHook {
    fn from_env() -> TestHook {
        let left =
            cfg!(debug_assertions).then(|| std::env::var("KBC_TEST_ABORT_AFTER_RENAMES").ok()?.parse().ok()).flatten();
        TestHook { left }
    }

    fn step(&mut self) {
        if let Some(n) = &mut self.left {
            *n = n.saturating_sub(1);
            if *n == 0 {
                std::process::abort();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }

    /// OUT with a previous build (`keep.txt`, `a/changed.txt`, `gone/old.txt`)
    /// and a user's file, and a staging folder with the next build.
    fn setup(dir: &Path) -> (Out, Marker) {
        let out_dir = dir.join("out");
        let owned = Marker {
            generator: "kbc".into(),
            files: vec!["a/changed.txt".into(), "gone/old.txt".into(), "keep.txt".into()],
        };
        for f in &owned.files {
            write(&out_dir.join(f), "old");
        }
        write(&out_dir.join(MARKER_FILE), &String::from_utf8(owned.to_bytes().unwrap()).unwrap());
        write(&out_dir.join("CNAME"), "mine");
        let staging = out::sibling(&out_dir, "staging", std::process::id());
        write(&staging.join("a/changed.txt"), "new");
        write(&staging.join("b/added.txt"), "added");
        let out = super::super::open(&out_dir, &dir.join("kb"), &dir.join("kb/src")).unwrap();
        let next = Marker {
            generator: "kbc".into(),
            files: vec!["a/changed.txt".into(), "b/added.txt".into(), "keep.txt".into()],
        };
        (out, next)
    }

    #[test]
    fn staged_files_replace_removed_files_go_and_the_users_stay() {
        let dir = tempfile::tempdir().unwrap();
        let (out, next) = setup(dir.path());
        commit(&out, &next, false).unwrap();
        let o = &out.dir;
        assert_eq!(read(&o.join("keep.txt")).as_deref(), Some("old"));
        assert_eq!(read(&o.join("a/changed.txt")).as_deref(), Some("new"));
        assert_eq!(read(&o.join("b/added.txt")).as_deref(), Some("added"));
        assert_eq!(read(&o.join("CNAME")).as_deref(), Some("mine"));
        assert!(!o.join("gone").exists(), "the emptied folder is removed too");
        assert!(matches!(super::super::marker::read(o).unwrap(), super::super::marker::Found::Valid(m) if m == next));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing left beside OUT");
    }

    #[test]
    fn a_file_kbc_did_not_write_in_the_way_stops_the_commit_before_any_change() {
        let dir = tempfile::tempdir().unwrap();
        let (out, next) = setup(dir.path());
        write(&out.dir.join("b/added.txt"), "the user's");
        let err = commit(&out, &next, false).unwrap_err().to_string();
        assert!(err.contains("in the way"), "{err}");
        assert_eq!(read(&out.dir.join("b/added.txt")).as_deref(), Some("the user's"));
        assert_eq!(read(&out.dir.join("a/changed.txt")).as_deref(), Some("old"));
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_step_undoes_every_step_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let (out, mut next) = setup(dir.path());
        // A staged file whose folder is OUT's file `keep.txt` cannot be moved
        // in; it sorts after the others, which are undone.
        let staging = out.sibling("staging");
        write(&staging.join("keep.txt/x.txt"), "x");
        next.files.push("keep.txt/x.txt".into());
        // Past the check before the commit: the file appears once it is done.
        let journal = Journal {
            staged: vec!["a/changed.txt".into(), "b/added.txt".into(), "keep.txt/x.txt".into()],
            removed: vec!["gone/old.txt".into()],
            ..Journal::default()
        };
        let places = Places::of(&out.dir, std::process::id());
        assert!(apply(&places, &journal, &mut TestHook { left: None }).is_err());
        assert!(roll_back(&places, &journal));
        assert_eq!(read(&out.dir.join("a/changed.txt")).as_deref(), Some("old"));
        assert_eq!(read(&out.dir.join("gone/old.txt")).as_deref(), Some("old"));
        assert!(!out.dir.join("b/added.txt").exists());
        assert_eq!(read(&staging.join("b/added.txt")).as_deref(), Some("added"), "moved back to staging");
    }
}
