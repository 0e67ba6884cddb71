//! JSON Lines: one object per diagnostic, keys in a fixed order.

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
                JsonRelated { path: &l.path, line: lp.line, column: lp.column, message: &l.message }
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
