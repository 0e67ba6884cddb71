//! GitHub Actions workflow commands (`::error file=…::message`). The service
//! shows only the first annotations of a step, so the most severe come first.
//! When `GITHUB_STEP_SUMMARY` names a file, a Markdown table of counts per rule
//! is appended to it.

use super::Files;
use crate::diagnostic::{Diagnostic, Level};
use anyhow::Context as _;
use std::fmt::Write as _;

/// Writes one annotation per diagnostic, errors before warnings (each group in
/// path order). `prefix` goes before every path.
pub fn write(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    files: &Files<'_>,
    prefix: &str,
) -> std::io::Result<()> {
    let mut ordered: Vec<&Diagnostic> = diags.iter().collect();
    // Stable, so the canonical path order holds within each level.
    ordered.sort_by_key(|d| std::cmp::Reverse(d.level));
    for d in ordered {
        writeln!(out, "{}", annotation(d, files, prefix))?;
    }
    Ok(())
}

/// One workflow command, without the line break.
pub fn annotation(d: &Diagnostic, files: &Files<'_>, prefix: &str) -> String {
    let p = files.position(&d.path, &d.span);
    let kind = if d.level == Level::Error { "error" } else { "warning" };
    format!(
        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&format!("{prefix}{}", d.path)),
        p.line,
        p.column,
        p.end_line,
        p.end_column,
        escape_property(&format!("{} {}", d.code, d.name)),
        escape_data(&message(d, files, prefix)),
    )
}

/// The message, then the help and each related location on lines of their own
/// (an annotation has a single location).
fn message(d: &Diagnostic, files: &Files<'_>, prefix: &str) -> String {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    for l in &d.labels {
        let p = files.position(&l.path, &l.span);
        let _ = write!(message, "\n{}: {prefix}{}:{}:{}", l.message, l.path, p.line, p.column);
    }
    message
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown summary: the summary line, one row per rule, most severe
/// first, then what GitHub does not show as annotations, by rule and by file.
/// `prefix` goes before every path, as in the annotations.
pub fn step_summary(diags: &[Diagnostic], summary_line: &str, prefix: &str) -> String {
    let mut s = format!("## kbc check\n\n{summary_line}\n\n");
    rule_table(&mut s, diags, "Count");
    let hidden = unannotated(diags);
    if !hidden.is_empty() {
        let _ = writeln!(
            s,
            "### Not annotated\n\nGitHub shows the first {ANNOTATIONS_SHOWN} errors and {ANNOTATIONS_SHOWN} warnings of a \
             step as annotations. These {} findings are in the step's log only (`kbc check` lists them too):\n",
            hidden.len()
        );
        let hidden: Vec<Diagnostic> = hidden.into_iter().cloned().collect();
        rule_table(&mut s, &hidden, "Not annotated");
        file_table(&mut s, &hidden, prefix);
    }
    s
}

/// One row per rule (code, name, level, count), most severe first.
fn rule_table(s: &mut String, diags: &[Diagnostic], count: &str) {
    let mut counts = crate::diagnostic::stats::count(diags);
    counts.sort_by_key(|c| (std::cmp::Reverse(c.level), c.code, c.name));
    if counts.is_empty() {
        return;
    }
    let _ = writeln!(s, "| Code | Rule | Severity | {count} |\n|---|---|---|---:|");
    for c in counts {
        let _ = writeln!(s, "| {} | `{}` | {} | {} |", c.code, c.name, c.level.as_str(), c.count);
    }
    s.push('\n');
}

/// Errors and warnings per file, most first, the first [`FILES_LISTED`]
/// files, then one row for the rest.
fn file_table(s: &mut String, diags: &[Diagnostic], prefix: &str) {
    let mut by_file: std::collections::BTreeMap<&str, (usize, usize)> = std::collections::BTreeMap::new();
    for d in diags {
        let n = by_file.entry(d.path.as_str()).or_default();
        if d.level == Level::Error { n.0 += 1 } else { n.1 += 1 }
    }
    let mut files: Vec<(&str, (usize, usize))> = by_file.into_iter().collect();
    files.sort_by_key(|(path, (e, w))| (std::cmp::Reverse((*e, *w)), *path));
    s.push_str("| File | Errors | Warnings |\n|---|---:|---:|\n");
    for (path, (e, w)) in files.iter().take(FILES_LISTED) {
        let _ = writeln!(s, "| {} | {e} | {w} |", code_cell(&format!("{prefix}{path}")));
    }
    if files.len() > FILES_LISTED {
        let rest = &files[FILES_LISTED..];
        let (e, w) = rest.iter().fold((0, 0), |(a, b), (_, (e, w))| (a + e, b + w));
        let _ = writeln!(s, "| … and {} more files | {e} | {w} |", rest.len());
    }
    s.push('\n');
}

/// A path as code in a table cell: `|` escaped (GitHub's tables read `\|`
/// even inside code), longer backquote fences when the path has one.
fn code_cell(path: &str) -> String {
    let path = path.replace('|', "\\|");
    if path.contains('`') { format!("`` {path} ``") } else { format!("`{path}`") }
}

/// How many annotations of each level GitHub shows for one step.
const ANNOTATIONS_SHOWN: usize = 10;

/// How many files the summary's table of findings not annotated lists.
const FILES_LISTED: usize = 50;

/// The findings past the first [`ANNOTATIONS_SHOWN`] of each level, in the
/// order [`write`] prints them: the ones GitHub does not annotate.
fn unannotated(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    let past = |level| diags.iter().filter(move |d| d.level == level).skip(ANNOTATIONS_SHOWN);
    past(Level::Error).chain(past(Level::Warning)).collect()
}

/// What GitHub leaves unannotated, for stderr; `None` when it shows everything.
pub fn unannotated_note(diags: &[Diagnostic]) -> Option<String> {
    let hidden = unannotated(diags);
    if hidden.is_empty() {
        return None;
    }
    let errors = hidden.iter().filter(|d| d.level == Level::Error).count();
    Some(format!(
        "GitHub shows {ANNOTATIONS_SHOWN} error and {ANNOTATIONS_SHOWN} warning annotations per step: {errors} error(s) \
         and {} warning(s) are not annotated (the job summary counts them by rule and by file)",
        hidden.len() - errors
    ))
}

/// Appends the summary to the file `$GITHUB_STEP_SUMMARY` names, when it is
/// set and not empty.
pub fn write_step_summary(diags: &[Diagnostic], summary_line: &str, prefix: &str) -> anyhow::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    use std::io::Write as _;
    let path = std::path::PathBuf::from(path);
    let context = || format!("cannot write the step summary to {} (GITHUB_STEP_SUMMARY)", path.display());
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).with_context(context)?;
    f.write_all(step_summary(diags, summary_line, prefix).as_bytes()).with_context(context)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::source::SourceFile;

    fn diag(level: Level, path: &str, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic {
            code: "KB012",
            name: "duplicate-article-id",
            level,
            path: path.into(),
            span,
            message: "duplicate articleId \"x\"".into(),
            help: Some("give each article its own GUID".into()),
            labels: vec![],
            fix: None,
            redact: false,
        }
    }

    #[test]
    fn escapes_workflow_command_characters() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn annotation_carries_position_title_help_and_related_locations() {
        let a = SourceFile::new("a.md".into(), "one\ntwo x\n".into(), false);
        let b = SourceFile::new("b.md".into(), "x\n".into(), false);
        let files = Files::new([&a, &b]);
        let mut d = diag(Level::Error, "a.md", 8..9);
        d.labels.push(Label { path: "b.md".into(), span: 0..1, message: "also used here".into() });
        assert_eq!(
            annotation(&d, &files, "kb/"),
            "::error file=kb/a.md,line=2,col=5,endLine=2,endColumn=6,title=KB012 duplicate-article-id::\
             duplicate articleId \"x\"%0Ahelp: give each article its own GUID%0Aalso used here: kb/b.md:1:1"
        );
    }

    #[test]
    fn errors_come_before_warnings_keeping_path_order() {
        let diags =
            [diag(Level::Warning, "a.md", 0..0), diag(Level::Error, "b.md", 0..0), diag(Level::Error, "c.md", 0..0)];
        let mut out = Vec::new();
        write(&mut out, &diags, &Files::default(), "").unwrap();
        let files: Vec<_> =
            String::from_utf8(out).unwrap().lines().map(|l| l.split(',').next().unwrap().to_string()).collect();
        assert_eq!(files, ["::error file=b.md", "::error file=c.md", "::warning file=a.md"]);
    }

    #[test]
    fn step_summary_counts_rules_most_severe_first() {
        let mut w = diag(Level::Warning, "a.md", 0..0);
        w.code = "KB002";
        w.name = "malformed-properties";
        let diags = [w, diag(Level::Error, "a.md", 0..0), diag(Level::Error, "b.md", 0..0)];
        let s = step_summary(&diags, "checked 2 articles: 2 errors, 1 warning", "");
        assert!(s.starts_with("## kbc check\n\nchecked 2 articles: 2 errors, 1 warning\n\n| Code |"), "{s}");
        let rows: Vec<_> = s.lines().filter(|l| l.starts_with("| KB")).collect();
        assert_eq!(
            rows,
            ["| KB012 | `duplicate-article-id` | error | 2 |", "| KB002 | `malformed-properties` | warning | 1 |"]
        );
        assert!(!s.contains("Not annotated"));
        assert_eq!(unannotated_note(&diags), None);
    }

    #[test]
    fn step_summary_counts_what_is_not_annotated_by_rule_and_by_file() {
        let mut diags: Vec<_> = (0..12).map(|i| diag(Level::Error, &format!("e{}.md", i % 2), 0..0)).collect();
        diags.sort_by(|a, b| a.path.cmp(&b.path));
        for i in 0..70 {
            diags.push(diag(Level::Warning, &format!("w|{i:02}.md"), 0..0));
        }
        let s = step_summary(&diags, "", "kb/");
        let hidden = s.split_once("### Not annotated").expect("a section for what is not annotated").1;
        assert!(hidden.contains("These 62 findings"), "{hidden}");
        assert!(hidden.contains("| KB012 | `duplicate-article-id` | error | 2 |"), "{hidden}");
        assert!(hidden.contains("| KB012 | `duplicate-article-id` | warning | 60 |"), "{hidden}");
        // e0.md's first six and e1.md's first four errors are annotated, then w|00..w|09.
        assert!(hidden.contains("| `kb/e1.md` | 2 | 0 |"), "{hidden}");
        assert!(!hidden.contains("e0.md"), "{hidden}");
        assert!(hidden.contains("| `kb/w\\|10.md` | 0 | 1 |") && !hidden.contains("w\\|09.md"), "{hidden}");
        assert!(hidden.contains("| … and 11 more files | 0 | 11 |"), "{hidden}");
        let note = unannotated_note(&diags).unwrap();
        assert!(note.contains("2 error(s) and 60 warning(s) are not annotated"), "{note}");
    }
}
