//! JSON Lines: one object per diagnostic, keys in a fixed order: code, name,
//! severity, path, line, column, endLine, endColumn (1-based, end exclusive),
//! message, help (null when none), related (other locations, possibly in
//! other files).

use super::Files;
use crate::diagnostic::Diagnostic;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

pub fn write(out: &mut dyn std::io::Write, diags: &[Diagnostic], files: &Files<'_>) -> std::io::Result<()> {
    for d in diags {
        let p = files.position(&d.path, &d.span);
        let related = d
            .labels
            .iter()
            .map(|l| {
                let lp = files.position(&l.path, &l.span);
                JsonRelated {
                    path: &l.path,
                    line: lp.line,
                    column: lp.column,
                    end_line: lp.end_line,
                    end_column: lp.end_column,
                    message: &l.message,
                }
            })
            .collect();
        let j = JsonDiagnostic {
            code: d.code,
            name: d.name,
            severity: d.level.as_str(),
            path: &d.path,
            line: p.line,
            column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
            message: &d.message,
            help: d.help.as_deref(),
            related,
        };
        serde_json::to_writer(&mut *out, &j)?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn writes_one_line_per_diagnostic_with_positions_and_related_locations() {
        let a = SourceFile::new("a.md".into(), "x\n  id=\"1\"\n".into(), false);
        let meta = crate::diagnostic::RuleMeta {
            code: "KB012",
            name: "duplicate-article-id",
            default_level: crate::diagnostic::Level::Error,
            summary: "",
            docs: "",
        };
        let d = Diagnostic::new(&meta, 8..9, "dup").with_path("a.md").with_label("a.md", 0..1, "also here");
        let mut out = Vec::new();
        write(&mut out, &[d.clone(), d.with_help("fix it")], &Files::new([&a])).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            r#"{"code":"KB012","name":"duplicate-article-id","severity":"error","path":"a.md","line":2,"column":7,"endLine":2,"endColumn":8,"message":"dup","help":null,"related":[{"path":"a.md","line":1,"column":1,"endLine":1,"endColumn":2,"message":"also here"}]}"#
        );
        assert!(lines[1].contains(r#""help":"fix it""#));
        assert_eq!(lines.len(), 2);
    }
}
