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
    let results: Vec<Result<SourceFile, Box<Diagnostic>>> =
        files.into_par_iter().map(|(abs, rel)| read(&abs, rel)).collect();
    let mut sources = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(s) => sources.push(s),
            Err(d) => diagnostics.push(*d),
        }
    }
    Discovered { sources, diagnostics }
}

/// Reads and decodes one file.
pub fn read(abs: &Path, rel: String) -> Result<SourceFile, Box<Diagnostic>> {
    let bytes =
        std::fs::read(abs).map_err(|e| Box::new(unreadable_file::diagnostic(&rel, format!("cannot read: {e}"))))?;
    match SourceFile::decode(rel.clone(), bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = std::fs::read(abs).unwrap_or_default();
            Err(Box::new(invalid_encoding::diagnostic(&rel, &bytes, &e)))
        }
    }
}
