//! Checks that every diagnostic points inside its file, shared by the corpus
//! and robustness tests.

use kbc::commands::check::Checked;
use kbc::diagnostic::format::Files;

/// Every diagnostic and label points into its file: a real path, a line that
/// exists, a column at most one past that line's end, an end not before the start.
pub fn assert_within_files(checked: &Checked) {
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
