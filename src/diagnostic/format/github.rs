//! GitHub Actions workflow commands (`::error file=…::message`). The service
//! shows only the first annotations, so the most severe come first. When
//! `GITHUB_STEP_SUMMARY` names a file, a Markdown table of counts per rule is
//! appended to it.

use super::Files;
use crate::diagnostic::{Diagnostic, Level};
use std::collections::BTreeMap;

pub fn write(out: &mut dyn std::io::Write, diags: &[Diagnostic], files: &Files<'_>) -> std::io::Result<()> {
    let mut ordered: Vec<&Diagnostic> = diags.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.level));
    for d in ordered {
        let p = files.position(&d.path, &d.span);
        let kind = if d.level == Level::Error { "error" } else { "warning" };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&d.path),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(&format!("{} {}", d.code, d.name)),
            escape_data(&message),
        )?;
    }
    Ok(())
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown summary: one row per rule, most severe first.
pub fn step_summary(diags: &[Diagnostic], summary_line: &str) -> String {
    let mut counts: BTreeMap<(std::cmp::Reverse<Level>, &str, &str), usize> = BTreeMap::new();
    for d in diags {
        *counts.entry((std::cmp::Reverse(d.level), d.code, d.name)).or_default() += 1;
    }
    let mut s = format!("## kbc\n\n{summary_line}\n\n");
    if !counts.is_empty() {
        s.push_str("| Code | Rule | Severity | Count |\n|---|---|---|---:|\n");
        for ((level, code, name), n) in counts {
            s.push_str(&format!("| {code} | `{name}` | {} | {n} |\n", level.0.as_str()));
        }
    }
    s
}

/// Appends the summary to `$GITHUB_STEP_SUMMARY` when it is set.
pub fn write_step_summary(diags: &[Diagnostic], summary_line: &str) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(step_summary(diags, summary_line).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_characters() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
