//! `kbc check` over a real knowledge base, through the library (no subprocess).
//! Runs only when `KBC_CORPUS` names one (CI: `../shared/corpus`); prints a
//! note and passes otherwise.

use kbc::commands::check::{Checked, load};
use kbc::diagnostic::format::Files;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    match std::env::var_os("KBC_CORPUS").filter(|v| !v.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("note: KBC_CORPUS is not set; skipping the corpus test");
            None
        }
    }
}

/// Every `.md` under `dir` outside hidden folders, as a path relative to `root`
/// with forward slashes: the set kbc must account for.
fn markdown_files(root: &Path, dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x.eq_ignore_ascii_case("md")))
        .map(|e| e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn checks_the_whole_corpus_without_losing_a_file() {
    let Some(root) = corpus() else { return };
    let start = std::time::Instant::now();
    let checked = load(&root).expect("the corpus loads");
    let elapsed = start.elapsed();
    let expected = markdown_files(&root, &checked.config.source_dir());
    assert!(expected.len() > 10_000, "only {} articles under {}", expected.len(), root.display());

    let parsed: BTreeSet<String> = checked.corpus.articles.iter().map(|a| a.path().to_string()).collect();
    let diagnosed: BTreeSet<String> =
        checked.diagnostics.iter().filter(|d| d.code.starts_with("KB9")).map(|d| d.path.clone()).collect();
    let seen: BTreeSet<String> = parsed.union(&diagnosed).cloned().collect();
    let missing: Vec<_> = expected.difference(&seen).take(5).collect();
    assert!(missing.is_empty(), "files neither parsed nor diagnosed: {missing:?}");
    assert_eq!(parsed.len(), checked.corpus.articles.len(), "a file was parsed twice");
    let strays: Vec<_> = seen.difference(&expected).take(5).collect();
    assert!(strays.is_empty(), "diagnostics for files that are not articles: {strays:?}");

    assert_positions_within_files(&checked);
    eprintln!("corpus: {} in {:.2?} ({} diagnostics)", checked.summary().line(), elapsed, checked.diagnostics.len());
}

/// Every diagnostic and label points into its file: a real path, a line that
/// exists, a column at most one past that line's end, an end not before the start.
fn assert_positions_within_files(checked: &Checked) {
    let files = checked.files();
    let mut bad = Vec::new();
    for d in &checked.diagnostics {
        let spots = std::iter::once((&d.path, &d.span)).chain(d.labels.iter().map(|l| (&l.path, &l.span)));
        for (path, span) in spots {
            if let Err(why) = check_position(&files, path, span) {
                bad.push(format!("{} {path}: {why}", d.code));
            }
        }
    }
    assert!(bad.is_empty(), "{} diagnostics point outside their file, e.g. {:#?}", bad.len(), &bad[..bad.len().min(5)]);
}

fn check_position(files: &Files<'_>, path: &str, span: &std::ops::Range<usize>) -> Result<(), String> {
    let Some(f) = files.get(path) else {
        // Only files kbc could not read have no text.
        return if path.is_empty() { Err("empty path".into()) } else { Ok(()) };
    };
    if span.start > span.end || span.end > f.text.len() {
        return Err(format!("span {span:?} outside 0..{}", f.text.len()));
    }
    let p = files.position(path, span);
    for (line, column) in [(p.line, p.column), (p.end_line, p.end_column)] {
        if line < 1 || line > f.lines().line_count() {
            return Err(format!("line {line} of {}", f.lines().line_count()));
        }
        // The line as stored, with a CRLF's `\r` (a span may end after it).
        let span = f.lines().line_span(&f.text, line);
        let cr = f.text[span.end..].starts_with('\r');
        let width = f.text[span].chars().count() + usize::from(cr);
        if column < 1 || column > width + 1 {
            return Err(format!("column {column} on line {line} of width {width}"));
        }
    }
    if (p.end_line, p.end_column) < (p.line, p.column) {
        return Err(format!("end {}:{} before start {}:{}", p.end_line, p.end_column, p.line, p.column));
    }
    Ok(())
}
