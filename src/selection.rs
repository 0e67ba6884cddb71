//! Which findings `kbc check PATH...` and `kbc check --changed-since REV`
//! report. The whole knowledge base is always checked (rules across articles
//! need every article); a selection then keeps the findings in the chosen
//! files, and the findings elsewhere that those files cause, each with a
//! label saying why it is reported although its own file was not chosen:
//!
//! - PATHs: a finding whose labels point into a chosen file (the other
//!   article with the same articleId, a link target whose clouds differ).
//! - `--changed-since`: a finding that is new since the revision, found by
//!   checking the knowledge base again as it was there (the changed files'
//!   old contents from git, every other file as it is) and comparing
//!   fingerprints. This also catches what no label can show: a link to a
//!   file that was deleted or renamed.

use crate::config::Config;
use crate::diagnostic::format::Files;
use crate::diagnostic::{Diagnostic, Label};
use crate::git::{Change, Repo};
use crate::lint::{Levels, baseline};
use crate::source::SourceFile;
use anyhow::{Result, bail};
use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// The files whose findings are reported, and why others may be too.
#[derive(Debug)]
pub(crate) struct Selection {
    /// Chosen files, relative to ROOT, with what happened to them.
    files: BTreeMap<String, What>,
    /// Chosen folders, relative to ROOT with a trailing `/` (empty: all).
    folders: Vec<String>,
    /// Named files outside ROOT, as named.
    outside: Vec<String>,
    origin: Origin,
}

/// How a file came to be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum What {
    Named,
    Changed,
    Deleted,
    RenamedTo(String),
}

#[derive(Debug)]
enum Origin {
    Paths,
    /// The revision as given, and the findings of the knowledge base as it
    /// was there (fingerprint and message); `None` when no file changed, or
    /// when everything is chosen.
    ChangedSince {
        rev: String,
        before: Option<HashSet<(String, String)>>,
    },
}

impl Selection {
    /// The files and folders named on the command line, relative to the
    /// current folder or to ROOT. A name that does not exist is an error;
    /// one outside ROOT is left for [`Selection::not_articles`] to list.
    pub(crate) fn paths(root: &Path, names: &[PathBuf]) -> Result<Selection> {
        let cwd = std::env::current_dir()?;
        let mut files = BTreeMap::new();
        let mut folders = Vec::new();
        let mut outside = Vec::new();
        for name in names {
            let found = [cwd.join(name), root.join(name)].into_iter().find(|p| p.exists());
            let Some(found) = found else {
                bail!("{} does not exist (a PATH is relative to the current folder or to ROOT)", name.display());
            };
            let Some(rel) = relative(root, &found) else {
                outside.push(name.display().to_string());
                continue;
            };
            if found.is_dir() {
                folders.push(if rel.is_empty() { rel } else { format!("{rel}/") });
            } else {
                files.insert(rel, What::Named);
            }
        }
        Ok(Selection { files, folders, outside, origin: Origin::Paths })
    }

    /// The files changed since `rev` (see [`Repo::changes_since`]; from the
    /// merge base of `rev` and HEAD), and the findings of the knowledge base
    /// as it was there. A changed book.toml chooses everything.
    pub(crate) fn changed_since(config: &Config, levels: &Levels, rev: &str) -> Result<Selection> {
        let repo = Repo::discover(&config.root)?;
        let base = repo.merge_base(&repo.commit(rev)?)?;
        let mut files = BTreeMap::new();
        for change in repo.changes_since(&base)? {
            let under = |p: &str| p.strip_prefix(repo.prefix.as_str()).map(str::to_string);
            match change {
                Change::Now(p) => files.extend(under(&p).map(|p| (p, What::Changed))),
                Change::Deleted(p) => files.extend(under(&p).map(|p| (p, What::Deleted))),
                Change::Renamed(from, to) => {
                    let to = under(&to);
                    files.extend(under(&from).map(|f| (f, What::RenamedTo(to.clone().unwrap_or_default()))));
                    files.extend(to.map(|t| (t, What::Changed)));
                }
            }
        }
        let folders = if files.contains_key("book.toml") { vec![String::new()] } else { Vec::new() };
        let mut selection = Selection {
            files,
            folders,
            outside: Vec::new(),
            origin: Origin::ChangedSince { rev: rev.to_string(), before: None },
        };
        if selection.folders.is_empty() && !selection.files.is_empty() {
            let before = selection.findings_before(config, levels, &repo, &base)?;
            selection.origin = Origin::ChangedSince { rev: rev.to_string(), before: Some(before) };
        }
        Ok(selection)
    }

    /// Everything is chosen (a changed book.toml, or ROOT named as a PATH).
    pub(crate) fn is_everything(&self) -> bool {
        self.folders.iter().any(String::is_empty)
    }

    /// Whether a file's findings are reported.
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.files.get(path).is_some_and(|w| !matches!(w, What::Deleted | What::RenamedTo(_)))
            || self.folders.iter().any(|f| path.starts_with(f.as_str()))
    }

    /// The files named on the command line that are not among `files` (not
    /// articles: outside ROOT or its source folder, not Markdown, hidden).
    pub(crate) fn not_articles(&self, files: &Files<'_>) -> Vec<&str> {
        let named = self.files.iter().filter(|(_, w)| **w == What::Named).map(|(p, _)| p.as_str());
        self.outside.iter().map(String::as_str).chain(named.filter(|p| files.get(p).is_none())).collect()
    }

    /// What "checked N articles (…)" says about the selection.
    pub(crate) fn describe(&self) -> String {
        match &self.origin {
            Origin::Paths => "named".to_string(),
            Origin::ChangedSince { rev, .. } => format!("changed since {rev}"),
        }
    }

    /// The findings to report: those in chosen files, then those elsewhere
    /// that the chosen files cause, with a label saying why.
    pub(crate) fn filter(&self, diags: Vec<Diagnostic>, files: &Files<'_>) -> Vec<Diagnostic> {
        if self.is_everything() {
            return diags;
        }
        let fingerprints = match &self.origin {
            Origin::ChangedSince { .. } => baseline::fingerprints(&diags, files),
            Origin::Paths => Vec::new(),
        };
        let mut kept = Vec::new();
        for (i, mut d) in diags.into_iter().enumerate() {
            if self.contains(&d.path) {
                kept.push(d);
            } else if let Some(why) = self.caused(&d, fingerprints.get(i)) {
                d.labels.push(Label { path: d.path.clone(), span: d.span.clone(), message: why });
                kept.push(d);
            }
        }
        kept
    }

    /// Why a finding outside the chosen files is reported, if it is.
    fn caused(&self, d: &Diagnostic, fingerprint: Option<&String>) -> Option<String> {
        let cause = self.cause(d);
        match &self.origin {
            Origin::Paths => cause.map(|p| format!("reported because it involves `{p}`, one of the files named")),
            Origin::ChangedSince { rev, before } => {
                let key = (fingerprint?.clone(), d.message.clone());
                if before.as_ref().is_none_or(|b| b.contains(&key)) {
                    return None;
                }
                Some(match cause {
                    Some(p) => format!("reported because {} since {rev}", self.happened(p)),
                    None => format!("reported because it is new since {rev}, though this file did not change"),
                })
            }
        }
    }

    /// A chosen file the finding points at: one of its labels, else a path
    /// its message names in backquotes (a deleted link target has no label).
    fn cause<'d>(&self, d: &'d Diagnostic) -> Option<&'d str> {
        let by_label = d.labels.iter().map(|l| l.path.as_str()).find(|p| self.files.contains_key(*p));
        by_label.or_else(|| d.message.split('`').skip(1).step_by(2).find(|p| self.files.contains_key(*p)))
    }

    /// "`a.md` changed", "was deleted", "was renamed to `b.md`".
    fn happened(&self, path: &str) -> String {
        match self.files.get(path) {
            Some(What::Deleted) => format!("`{path}` was deleted"),
            Some(What::RenamedTo(to)) if !to.is_empty() => format!("`{path}` was renamed to `{to}`"),
            Some(What::RenamedTo(_)) => format!("`{path}` was moved out of the knowledge base"),
            _ => format!("`{path}` changed"),
        }
    }

    /// The findings of the knowledge base as it was at `base`: this tree's
    /// articles, with each changed one as it was there (or left out if it
    /// was not there), checked with today's configuration.
    fn findings_before(
        &self,
        config: &Config,
        levels: &Levels,
        repo: &Repo,
        base: &str,
    ) -> Result<HashSet<(String, String)>> {
        let src = crate::fs::display_rel(&config.root, &config.source_dir());
        let mut found = crate::discover::discover(&config.root, &config.source_dir());
        found.sources.retain(|s| !self.files.contains_key(&s.rel_path));
        found.unusable.retain(|u| !self.files.contains_key(&u.path));
        let old: Vec<&str> = self.files.keys().map(String::as_str).filter(|p| is_article(&src, p)).collect();
        let in_git: Vec<String> = old.iter().map(|p| format!("{}{p}", repo.prefix)).collect();
        let bytes = repo.files_at(base, &in_git.iter().map(String::as_str).collect::<Vec<_>>())?;
        for (path, bytes) in old.iter().zip(bytes) {
            // A file that did not decode there had no findings but its own.
            found.sources.extend(bytes.and_then(|b| SourceFile::decode(path.to_string(), b).ok()));
        }
        found.sources.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        let read = crate::engine::Read { config: config.clone(), levels: levels.clone(), found };
        let before = crate::engine::Session::check(read, crate::engine::Mode::Once, false);
        let fingerprints = baseline::fingerprints(before.diagnostics(), &before.files());
        Ok(fingerprints.into_iter().zip(before.diagnostics()).map(|(f, d)| (f, d.message.clone())).collect())
    }
}

/// Whether discovery would read `path` (relative to ROOT) as an article of
/// the source folder `src` (relative to ROOT, empty for ROOT itself).
fn is_article(src: &str, path: &str) -> bool {
    let inside = if src.is_empty() { Some(path) } else { path.strip_prefix(src).and_then(|p| p.strip_prefix('/')) };
    inside.is_some_and(|p| {
        let hidden = p.split('/').any(|part| part.starts_with('.'));
        !hidden && p.rsplit_once('.').is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"))
    })
}

/// `path` relative to `root` with forward slashes, or `None` when it is
/// outside: compared as written (`..` resolved), then through symbolic links.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let lexical = |p: &Path| std::path::absolute(p).ok().map(|p| normalise(&p));
    if let (Some(r), Some(p)) = (lexical(root), lexical(path))
        && let Ok(rel) = p.strip_prefix(&r)
    {
        return Some(crate::fs::display_rel(Path::new(""), rel));
    }
    let (r, p) = (root.canonicalize().ok()?, path.canonicalize().ok()?);
    p.strip_prefix(&r).ok().map(|rel| crate::fs::display_rel(Path::new(""), rel))
}

/// `a/./b/../c` as `a/c`, without looking at the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_which_paths_discovery_reads_as_articles() {
        assert!(is_article("articles", "articles/a/b.md"));
        assert!(is_article("articles", "articles/B.MD"));
        assert!(is_article("", "b.md"));
        assert!(!is_article("articles", "articles/.drafts/b.md"));
        assert!(!is_article("articles", "articlesx/b.md"));
        assert!(!is_article("articles", "articles/b.txt"));
        assert!(!is_article("articles", "book.toml"));
    }

    #[test]
    fn relative_paths_resolve_dots_and_refuse_the_outside() {
        let root = Path::new("/kb/root");
        assert_eq!(relative(root, Path::new("/kb/root/articles/./a/../b.md")).as_deref(), Some("articles/b.md"));
        assert_eq!(relative(root, Path::new("/kb/root")).as_deref(), Some(""));
        assert_eq!(relative(root, Path::new("/kb/other/b.md")), None);
    }

    fn selection(files: &[(&str, What)], origin: Origin) -> Selection {
        let files = files.iter().map(|(p, w)| (p.to_string(), w.clone())).collect();
        Selection { files, folders: vec!["articles/sub/".into()], outside: Vec::new(), origin }
    }

    fn diag(path: &str, message: &str) -> Diagnostic {
        Diagnostic::new(&crate::lint::rules::broken_internal_link::META, 0..1, message).with_path(path)
    }

    #[test]
    fn named_files_keep_their_findings_and_those_whose_labels_point_at_them() {
        let s = selection(&[("a.md", What::Named)], Origin::Paths);
        let linked = diag("b.md", "dup").with_label("a.md", 0..1, "also used here");
        let kept = s.filter(
            vec![diag("a.md", "x"), diag("c.md", "y"), linked, diag("articles/sub/d.md", "z")],
            &Files::default(),
        );
        let paths: Vec<_> = kept.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["a.md", "b.md", "articles/sub/d.md"]);
        assert_eq!(kept[1].labels[1].message, "reported because it involves `a.md`, one of the files named");
        assert_eq!(kept[1].labels[1].path, "b.md");
    }

    #[test]
    fn changes_keep_new_findings_elsewhere_and_say_what_happened() {
        let files = [("gone.md", What::Deleted), ("old.md", What::RenamedTo("new.md".into()))];
        let known = diag("c.md", "old finding");
        let fp = baseline::fingerprints(std::slice::from_ref(&known), &Files::default());
        let before = [(fp[0].clone(), known.message.clone())].into_iter().collect();
        let s = selection(&files, Origin::ChangedSince { rev: "main".into(), before: Some(before) });
        let kept = s.filter(
            vec![
                diag("b.md", "`../gone.md` does not exist (resolved to `gone.md`)"),
                known,
                diag("d.md", "`old.md` does not exist"),
                diag("e.md", "new for another reason"),
            ],
            &Files::default(),
        );
        let why: Vec<_> = kept.iter().map(|d| (d.path.as_str(), d.labels[0].message.as_str())).collect();
        assert_eq!(
            why,
            [
                ("b.md", "reported because `gone.md` was deleted since main"),
                ("d.md", "reported because `old.md` was renamed to `new.md` since main"),
                ("e.md", "reported because it is new since main, though this file did not change"),
            ]
        );
        assert!(!s.contains("gone.md") && !s.contains("old.md") && s.contains("articles/sub/x.md"));
    }
}
