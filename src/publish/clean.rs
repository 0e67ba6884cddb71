//! `kbc build --clean`: removes from OUT the files the marker lists, and
//! nothing else: a file kbc did not write, or one that is no longer a
//! regular file reached without a link, stays where it is.

use super::marker::{MARKER_FILE, Marker};
use super::out::Out;
use anyhow::{Context as _, Result};
use std::collections::BTreeMap;

/// What a clean removed and what it left.
#[derive(Debug, Default)]
pub(crate) struct Cleaned {
    pub(crate) removed: usize,
    /// Files removed by top-level entry of OUT (`site/`, `rules.json`).
    pub(crate) by_entry: BTreeMap<String, usize>,
    /// The top-level entries of OUT left (folders end in `/`), sorted.
    pub(crate) kept: Vec<String>,
}

impl Cleaned {
    /// `: site/ (12 files), rules.json` or nothing.
    pub(crate) fn summary_removed(&self) -> String {
        let parts: Vec<String> = self
            .by_entry
            .iter()
            .map(|(entry, n)| match entry.ends_with('/') {
                true => format!("{entry} ({n} file{})", if *n == 1 { "" } else { "s" }),
                false => entry.clone(),
            })
            .collect();
        if parts.is_empty() { String::new() } else { format!(": {}", parts.join(", ")) }
    }
}

/// Removes every file kbc wrote in `out`, the marker last, and the folders
/// that emptied; `out` is then an output kbc owns nothing of.
pub(crate) fn clean(out: &mut Out) -> Result<Cleaned> {
    let mut cleaned = Cleaned::default();
    for rel in out.owned.files.iter().filter(|f| out.regular(f)) {
        let path = out.path(rel);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        cleaned.removed += 1;
        let entry = match rel.split_once('/') {
            Some((top, _)) => format!("{top}/"),
            None => rel.clone(),
        };
        *cleaned.by_entry.entry(entry).or_default() += 1;
        remove_empty_parents(out, rel);
    }
    if out.regular(MARKER_FILE) {
        let path = out.path(MARKER_FILE);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    out.owned = Marker::default();
    cleaned.kept = kept(out);
    Ok(cleaned)
}

/// Removes the folders above `rel` that are empty now, up to OUT.
fn remove_empty_parents(out: &Out, rel: &str) {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if std::fs::remove_dir(out.path(parent)).is_err() {
            break;
        }
        dir = parent;
    }
}

fn kept(out: &Out) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(&out.dir) else { return Vec::new() };
    let mut kept: Vec<String> = entries
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) { format!("{name}/") } else { name }
        })
        .collect();
    kept.sort();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_the_listed_files_and_says_what_stayed() {
        let dir = tempfile::tempdir().unwrap();
        let o = dir.path().join("out");
        let owned = Marker { generator: "kbc".into(), files: vec!["rules.json".into(), "site/a/b.html".into()] };
        for f in &owned.files {
            crate::fs::write(&o.join(f), "x").unwrap();
        }
        crate::fs::write(&o.join("site/mine.html"), "mine").unwrap();
        crate::fs::write(&o.join("CNAME"), "example.org").unwrap();
        std::fs::write(o.join(MARKER_FILE), owned.to_bytes().unwrap()).unwrap();
        let mut out = super::super::open(&o, &dir.path().join("kb"), &dir.path().join("kb/src")).unwrap();
        let cleaned = clean(&mut out).unwrap();
        assert_eq!(cleaned.removed, 2);
        assert_eq!(cleaned.summary_removed(), ": rules.json, site/ (1 file)");
        assert_eq!(cleaned.kept, ["CNAME", "site/"]);
        assert!(!o.join("site/a").exists() && o.join("site/mine.html").exists());
        assert!(!o.join(MARKER_FILE).exists());
    }
}
