//! `kbc check --fix`: applies the mechanical replacements rules attach to
//! their findings ([`crate::diagnostic::Fix`]), in place. Only the replaced
//! bytes change: the text keeps its line endings, and a byte-order mark is
//! written back when the file had one.
//!
//! A file is written only when it is still exactly what was checked (an
//! edit saved meanwhile wins, and the file is reported as skipped), through
//! a temporary file in its folder renamed over it, keeping its permissions;
//! a read-only file, or one whose real path is not a regular file inside
//! ROOT, is skipped. Every file is tried, and each one written or skipped is
//! reported.

use crate::diagnostic::{Diagnostic, Fix};
use crate::source::SourceFile;
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

/// What `--fix` changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fixed {
    pub fixes: usize,
    pub files: usize,
    /// Files written, by path relative to the root, with their fix counts.
    pub written: Vec<(String, usize)>,
    /// Files left as they were, with why.
    pub skipped: Vec<(String, String)>,
}

/// Applies every fix in `diags` to the files under `root`.
pub fn apply_all<'a>(
    root: &Path,
    diags: &[Diagnostic],
    source: impl Fn(&str) -> Option<&'a SourceFile>,
) -> Result<Fixed> {
    let mut by_path: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for d in diags {
        if let Some(fix) = &d.fix {
            by_path.entry(d.path.as_str()).or_default().push(fix);
        }
    }
    let root_real = root.canonicalize().with_context(|| format!("cannot resolve {}", root.display()))?;
    let mut done = Fixed::default();
    for (path, fixes) in by_path {
        let Some(src) = source(path) else { continue };
        let (text, applied) = apply(&src.text, fixes);
        if applied == 0 {
            continue;
        }
        match write_if_unchanged(&root_real, &root.join(path), src, &text) {
            Ok(()) => {
                done.fixes += applied;
                done.files += 1;
                done.written.push((path.to_string(), applied));
            }
            Err(why) => done.skipped.push((path.to_string(), format!("{why:#}"))),
        }
    }
    Ok(done)
}

/// The bytes of `src` as read: the byte-order mark, then the text.
fn bytes_of(bom: bool, text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if bom {
        bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// Replaces the file at `path` (read as `src`) with `text`, when it is a
/// writable regular file inside ROOT and still holds what was read.
fn write_if_unchanged(root_real: &Path, path: &Path, src: &SourceFile, text: &str) -> Result<()> {
    let real = match crate::discover::confined(root_real, path) {
        Ok(Ok(real)) if real.is_file() => real,
        Ok(Ok(_)) => bail!("it is not a file"),
        Ok(Err(why)) => bail!("{why}"),
        Err(e) => bail!("cannot read it: {e}"),
    };
    let meta = std::fs::metadata(&real).context("cannot read it")?;
    if meta.permissions().readonly() {
        bail!("it is read-only");
    }
    let dir = real.parent().context("it has no folder")?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".kbc-fix-")
        .tempfile_in(dir)
        .context("cannot create a temporary file beside it")?;
    tmp.write_all(&bytes_of(src.bom, text)).context("cannot write the temporary file")?;
    tmp.as_file().set_permissions(meta.permissions()).context("cannot keep its permissions")?;
    tmp.as_file().sync_all().context("cannot write the temporary file")?;
    // Right before the replace: an edit saved since the check is kept.
    if std::fs::read(&real).context("cannot read it again")? != bytes_of(src.bom, &src.text) {
        bail!("it changed since it was checked (an edit saved meanwhile is kept; run --fix again)");
    }
    tmp.persist(&real).map_err(|e| e.error).context("cannot replace it")?;
    Ok(())
}

/// Applies non-overlapping fixes (the first by position wins), returning the
/// new text and how many were applied.
pub fn apply(text: &str, mut fixes: Vec<&Fix>) -> (String, usize) {
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    fixes.dedup_by(|a, b| a == b);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut applied = 0;
    for f in fixes {
        let valid = f.span.start >= pos
            && f.span.end <= text.len()
            && text.is_char_boundary(f.span.start)
            && text.is_char_boundary(f.span.end);
        if !valid {
            continue;
        }
        out.push_str(&text[pos..f.span.start]);
        out.push_str(&f.replacement);
        pos = f.span.end;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: std::ops::Range<usize>, r: &str) -> Fix {
        Fix { span, replacement: r.into() }
    }

    #[test]
    fn applies_fixes_in_order_and_skips_overlaps() {
        let text = "aaa bbb ccc";
        let (a, b, c) = (fix(8..11, "C"), fix(0..3, "A"), fix(1..5, "X"));
        let (out, n) = apply(text, vec![&a, &b, &c]);
        assert_eq!((out.as_str(), n), ("A bbb C", 2));
    }

    fn finding(path: &str, span: std::ops::Range<usize>, r: &str) -> Diagnostic {
        let meta = &crate::lint::rules::missing_h1::META;
        let mut d = Diagnostic::new(meta, span.clone(), "m".to_string()).with_path(path);
        d.fix = Some(fix(span, r));
        d
    }

    #[test]
    fn writes_unchanged_files_and_skips_changed_and_read_only_ones_reporting_each() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in ["a.md", "b.md", "c.md"] {
            std::fs::write(root.join(name), "old text").unwrap();
        }
        let sources: Vec<SourceFile> =
            ["a.md", "b.md", "c.md"].iter().map(|n| SourceFile::new(n.to_string(), "old text".into(), false)).collect();
        std::fs::write(root.join("b.md"), "an edit saved meanwhile").unwrap();
        let mut perms = std::fs::metadata(root.join("c.md")).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(root.join("c.md"), perms).unwrap();
        let diags: Vec<Diagnostic> = ["a.md", "b.md", "c.md"].iter().map(|p| finding(p, 0..3, "new")).collect();
        let done = apply_all(root, &diags, |p| sources.iter().find(|s| s.rel_path == p)).unwrap();
        assert_eq!(done.written, [("a.md".to_string(), 1)]);
        let skipped: Vec<&str> = done.skipped.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(skipped, ["b.md", "c.md"]);
        assert!(done.skipped[0].1.contains("changed since"), "{:?}", done.skipped);
        assert!(done.skipped[1].1.contains("read-only"), "{:?}", done.skipped);
        assert_eq!(std::fs::read_to_string(root.join("a.md")).unwrap(), "new text");
        assert_eq!(std::fs::read_to_string(root.join("b.md")).unwrap(), "an edit saved meanwhile");
        assert_eq!(std::fs::read_to_string(root.join("c.md")).unwrap(), "old text");
        let left: Vec<_> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 3, "no temporary file left: {left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_never_writes_through_a_link_out_of_the_root() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("kb"), dir.path().join("outside.md"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(&outside, "old text").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link.md")).unwrap();
        std::fs::write(root.join("a.md"), "old text").unwrap();
        std::fs::set_permissions(root.join("a.md"), std::fs::Permissions::from_mode(0o640)).unwrap();
        let sources: Vec<SourceFile> =
            ["a.md", "link.md"].iter().map(|n| SourceFile::new(n.to_string(), "old text".into(), false)).collect();
        let diags: Vec<Diagnostic> = ["a.md", "link.md"].iter().map(|p| finding(p, 0..3, "new")).collect();
        let done = apply_all(&root, &diags, |p| sources.iter().find(|s| s.rel_path == p)).unwrap();
        assert_eq!(done.written, [("a.md".to_string(), 1)]);
        assert!(done.skipped[0].1.contains("outside the knowledge base"), "{:?}", done.skipped);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "old text");
        assert_eq!(std::fs::metadata(root.join("a.md")).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn same_fix_twice_applies_once() {
        let a = fix(0..1, "b");
        assert_eq!(apply("a", vec![&a, &a]), ("b".to_string(), 1));
    }
}
