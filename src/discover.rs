//! Finds the articles: every `.md` file under the source folder, hidden folders
//! skipped, symlink loops reported, sorted by relative path. Reads and decodes
//! them in parallel; files that cannot be read become diagnostics.

use crate::diagnostic::Diagnostic;
use crate::lint::rules::{invalid_encoding, unreadable_file};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// What discovery found: decoded sources and the files it could not use.
#[derive(Debug, Default)]
pub struct Discovered {
    pub sources: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Lossy display copies of the files that failed to decode, so their
    /// diagnostics can show a snippet.
    pub undecodable: Vec<SourceFile>,
}

/// A file that could not be used, and, when it was read but not decoded, a
/// display copy of it.
#[derive(Debug)]
pub struct Unusable {
    pub diagnostic: Diagnostic,
    pub display: Option<SourceFile>,
}

/// Lists `.md` files under `dir` as (absolute path, path relative to `root`).
pub fn list(root: &Path, dir: &Path) -> (Vec<(PathBuf, String)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    // Not `sort_by_file_name`: its comparator re-parses paths and cost a tenth of
    // `kbc check`; the list is sorted once by relative path below.
    let walker = WalkDir::new(dir).follow_links(true).into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
        match entry {
            Ok(e) if e.file_type().is_file() && is_markdown(e.path()) => {
                files.push((e.path().to_path_buf(), crate::fs::display_rel(root, e.path())));
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().map(|p| crate::fs::display_rel(root, p)).unwrap_or_default();
                let msg = match err.loop_ancestor() {
                    Some(a) => format!("symbolic link loops back to {}", crate::fs::display_rel(root, a)),
                    None => format!("cannot read: {}", io_reason(&err)),
                };
                diags.push(unreadable_file::diagnostic(&path, msg));
            }
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    (files, diags)
}

fn io_reason(err: &walkdir::Error) -> String {
    err.io_error().map_or_else(|| err.to_string(), |e| e.to_string())
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Lists and reads every article under `dir`, in path order.
pub fn discover(root: &Path, dir: &Path) -> Discovered {
    let (files, mut diagnostics) = list(root, dir);
    let results: Vec<Result<SourceFile, Box<Unusable>>> =
        files.into_par_iter().map(|(abs, rel)| read(&abs, rel)).collect();
    let mut sources = Vec::with_capacity(results.len());
    let mut undecodable = Vec::new();
    for r in results {
        match r {
            Ok(s) => sources.push(s),
            Err(u) => {
                diagnostics.push(u.diagnostic);
                undecodable.extend(u.display);
            }
        }
    }
    Discovered { sources, diagnostics, undecodable }
}

/// Reads and decodes one file.
pub fn read(abs: &Path, rel: String) -> Result<SourceFile, Box<Unusable>> {
    let bytes = std::fs::read(abs).map_err(|e| {
        let diagnostic = unreadable_file::diagnostic(&rel, format!("cannot read: {e}"));
        Box::new(Unusable { diagnostic, display: None })
    })?;
    SourceFile::decode_keeping(rel.clone(), bytes).map_err(|(e, bytes)| {
        let diagnostic = invalid_encoding::diagnostic(&rel, &bytes, &e);
        Box::new(Unusable { diagnostic, display: Some(SourceFile::lossy(rel, &bytes)) })
    })
}

#[cfg(test)]
mod undecodable_tests {
    use super::*;

    #[test]
    fn keeps_a_display_copy_whose_position_matches_the_error_after_a_bom() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), b"\xEF\xBB\xBFok\ncaf\xE9 x\n").unwrap();
        let found = discover(dir.path(), dir.path());
        assert!(found.sources.is_empty());
        let [d] = found.diagnostics.as_slice() else { panic!("{:?}", found.diagnostics) };
        let [shown] = found.undecodable.as_slice() else { panic!("no display copy") };
        assert_eq!(shown.rel_path, "a.md");
        assert_eq!(shown.line_col(d.span.start), (2, 4), "{}", d.message);
        assert!(d.message.contains("2:4"));
    }
}
