//! `kbc check --fix`: applies the mechanical replacements rules attach to
//! their findings ([`crate::diagnostic::Fix`]), in place. Only the replaced
//! bytes change: the text keeps its line endings, and a byte-order mark is
//! written back when the file had one.

use crate::diagnostic::{Diagnostic, Fix};
use crate::source::SourceFile;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// What `--fix` changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fixed {
    pub fixes: usize,
    pub files: usize,
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
    let mut done = Fixed::default();
    for (path, fixes) in by_path {
        let Some(src) = source(path) else { continue };
        let (text, applied) = apply(&src.text, fixes);
        if applied == 0 {
            continue;
        }
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if src.bom {
            bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
        }
        bytes.extend_from_slice(text.as_bytes());
        crate::fs::write(&root.join(path), bytes)?;
        done.fixes += applied;
        done.files += 1;
    }
    Ok(done)
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

    #[test]
    fn same_fix_twice_applies_once() {
        let a = fix(0..1, "b");
        assert_eq!(apply("a", vec![&a, &a]), ("b".to_string(), 1));
    }
}
