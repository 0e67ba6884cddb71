//! Vocabulary files a knowledge base configures (`[vocabularies]` in
//! book.toml): plain text, one value per line, `#` starting a comment. They
//! are read like every other input: only a regular file inside ROOT, named
//! by a path relative to it, and every problem is an error naming the file.

use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::path::{Component, Path};

/// The entries of `ROOT/rel`, lowercase, each accepted by `valid`.
pub(crate) fn read(root: &Path, rel: &Path, valid: fn(&str) -> bool) -> Result<BTreeSet<String>> {
    let text = read_inside(root, rel)?;
    let mut entries = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let entry = line.split('#').next().unwrap_or("").trim();
        if entry.is_empty() {
            continue;
        }
        if !valid(entry) {
            bail!("line {}: `{entry}` is not a valid entry", i + 1);
        }
        entries.insert(entry.to_lowercase());
    }
    Ok(entries)
}

/// The text of a regular file inside `root`, refusing absolute paths and
/// paths (or symbolic links) that lead out of it.
fn read_inside(root: &Path, rel: &Path) -> Result<String> {
    if rel.components().any(|c| matches!(c, Component::RootDir | Component::Prefix(_))) {
        bail!("the path must be relative to the knowledge-base root");
    }
    if !crate::fs::stays_inside(rel) {
        bail!("the file is outside the knowledge-base root");
    }
    crate::discover::read_confined(root, &root.join(rel))
}

/// `Extension.BladeName`: two names of letters, digits and `_`.
pub(crate) fn is_blade(s: &str) -> bool {
    let name = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    matches!(s.split_once('.'), Some((ext, blade)) if name(ext) && name(blade))
}

/// A resourceTags value: no blanks and no list separators.
pub(crate) fn is_tag(s: &str) -> bool {
    !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || c == ',' || c == ';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_skipping_comments_and_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tags.txt"), "\u{feff}# Tags\nlinux\n\n Windows  # the OS\n").unwrap();
        let got = read(dir.path(), Path::new("tags.txt"), is_tag).unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["linux", "windows"]);
    }

    #[test]
    fn refuses_invalid_entries_missing_files_and_paths_out_of_the_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("kb")).unwrap();
        std::fs::write(dir.path().join("kb/blades.txt"), "Ext.Blade\nnot a blade\n").unwrap();
        std::fs::write(dir.path().join("outside.txt"), "Ext.Blade\n").unwrap();
        let root = dir.path().join("kb");
        let err = |rel: &str| read(&root, Path::new(rel), is_blade).unwrap_err().to_string();
        assert_eq!(err("blades.txt"), "line 2: `not a blade` is not a valid entry");
        assert!(err("missing.txt").starts_with("cannot open"), "{}", err("missing.txt"));
        assert_eq!(err("../outside.txt"), "the file is outside the knowledge-base root");
        assert_eq!(err("/etc/hostname"), "the path must be relative to the knowledge-base root");
        assert!(err(".").ends_with("is a folder, not a file"), "{}", err("."));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symbolic_link_out_of_the_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("kb")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "Ext.Blade\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), dir.path().join("kb/blades.txt")).unwrap();
        let err = read(&dir.path().join("kb"), Path::new("blades.txt"), is_blade).unwrap_err().to_string();
        assert!(
            err.ends_with("blades.txt not read: it is a symbolic link leading outside the knowledge base"),
            "{err}"
        );
    }

    #[test]
    fn recognises_blades_and_tags() {
        assert!(is_blade("Microsoft_Azure_Support.NewSupportRequestBlade"));
        assert!(!is_blade("Microsoft_Azure_Support") && !is_blade("a.b.c") && !is_blade("a b.c"));
        assert!(is_tag("windowssql") && !is_tag("windows, linux"));
    }
}
