//! SARIF 2.1.0 for code-scanning upload: one run, every rule described in the
//! driver, one result per diagnostic with a partial fingerprint.

use super::Files;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::registry;
use serde_json::{Value, json};

pub fn write(out: &mut dyn std::io::Write, diags: &[Diagnostic], files: &Files<'_>) -> std::io::Result<()> {
    let log = to_value(diags, files);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

pub fn to_value(diags: &[Diagnostic], files: &Files<'_>) -> Value {
    let rules: Vec<Value> = registry::metas()
        .map(|m| {
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "help": { "text": m.docs, "markdown": m.docs },
                "defaultConfiguration": { "level": sarif_level(m.default_level) },
            })
        })
        .collect();
    let results: Vec<Value> = diags.iter().map(|d| result(d, files)).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kbc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/kbc",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn result(d: &Diagnostic, files: &Files<'_>) -> Value {
    let index = registry::metas().position(|m| m.code == d.code).unwrap_or(0);
    let related: Vec<Value> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut loc = location(&l.path, &l.span, files);
            loc["id"] = json!(i);
            loc["message"] = json!({ "text": l.message });
            loc
        })
        .collect();
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    json!({
        "ruleId": d.code,
        "ruleIndex": index,
        "level": sarif_level(d.level),
        "message": { "text": message },
        "locations": [location(&d.path, &d.span, files)],
        "relatedLocations": related,
        "partialFingerprints": { "kbcFingerprint/v1": fingerprint(d, files) },
    })
}

fn location(path: &str, span: &crate::source::Span, files: &Files<'_>) -> Value {
    let p = files.position(path, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": path },
            "region": {
                "startLine": p.line,
                "startColumn": p.column,
                "endLine": p.end_line,
                "endColumn": p.end_column.max(if p.end_line == p.line { p.column } else { 1 }),
            }
        }
    })
}

/// Stable across line shifts: rule, path and the text the span covers.
fn fingerprint(d: &Diagnostic, files: &Files<'_>) -> String {
    let snippet = files.get(&d.path).and_then(|f| f.text.get(d.span.clone())).unwrap_or("");
    let h = blake3::hash(format!("{}\0{}\0{}\0{}", d.code, d.path, snippet, d.message).as_bytes());
    h.to_hex()[..32].to_string()
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Allow => "none",
    }
}
