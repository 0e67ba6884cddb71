//! SARIF 2.1.0 for code-scanning upload: one run, every rule described in the
//! driver, one result per diagnostic.
//!
//! What GitHub code scanning needs beyond the schema: artifact URIs relative
//! to the repository root (it ignores `uriBaseId`, hence the path prefix under
//! GitHub Actions), a `startLine` in every region, `message.text`, rule
//! metadata for the alert page, and `partialFingerprints` so an alert is
//! tracked across runs instead of being reopened when lines shift.

use super::Files;
use crate::diagnostic::{Diagnostic, Level, RuleMeta};
use serde_json::{Value, json};
use std::collections::HashMap;

pub fn write(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    files: &Files<'_>,
    prefix: &str,
    rules: &[&RuleMeta],
) -> std::io::Result<()> {
    let log = to_value(diags, files, prefix, rules);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The whole log, describing `rules`. `prefix` goes before every artifact URI.
pub fn to_value(diags: &[Diagnostic], files: &Files<'_>, prefix: &str, rules: &[&RuleMeta]) -> Value {
    let mut fingerprints = Fingerprints::default();
    let results: Vec<Value> = diags.iter().map(|d| result(d, files, prefix, rules, &mut fingerprints)).collect();
    let rules: Vec<Value> = rules.iter().map(|m| rule(m)).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kbc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A rule's reportingDescriptor: GitHub shows the short description as the
/// alert title and the help (Markdown) on the alert page.
fn rule(m: &RuleMeta) -> Value {
    json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": m.summary },
        "help": { "text": m.docs, "markdown": m.docs },
        "defaultConfiguration": { "level": sarif_level(m.default_level) },
        "properties": { "tags": [family(m.code)] },
    })
}

/// The rule family a code belongs to, as a tag for filtering alerts.
fn family(code: &str) -> &'static str {
    match code.as_bytes().get(2) {
        Some(b'0') => "metadata",
        Some(b'1') => "content",
        Some(b'2') => "links",
        Some(b'3') => "cross-article",
        Some(b'4') => "embedded-data",
        Some(b'5') => "security",
        _ => "files",
    }
}

fn result(
    d: &Diagnostic,
    files: &Files<'_>,
    prefix: &str,
    rules: &[&RuleMeta],
    fingerprints: &mut Fingerprints,
) -> Value {
    let related: Vec<Value> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut loc = location(prefix, &l.path, &l.span, files);
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
    let mut r = json!({
        "ruleId": d.code,
        "level": sarif_level(d.level),
        "message": { "text": message },
        "locations": [location(prefix, &d.path, &d.span, files)],
        "partialFingerprints": { "kbcFingerprint/v1": fingerprints.next(d, files) },
    });
    if let Some(index) = rules.iter().position(|m| m.code == d.code) {
        r["ruleIndex"] = json!(index);
    }
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    r
}

fn location(prefix: &str, path: &str, span: &crate::source::Span, files: &Files<'_>) -> Value {
    let p = files.position(path, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&format!("{prefix}{path}")) },
            "region": {
                "startLine": p.line,
                "startColumn": p.column,
                "endLine": p.end_line,
                "endColumn": p.end_column,
            }
        }
    })
}

/// A relative path as a URI reference: characters outside the URI grammar
/// (spaces, `%`, `#`, `?`, non-ASCII) are percent-encoded; `/` stays.
fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Fingerprints stable across line shifts: rule, path, the text the span
/// covers and the message, plus an occurrence number so that two identical
/// findings in one file stay two alerts.
#[derive(Default)]
struct Fingerprints {
    seen: HashMap<blake3::Hash, usize>,
}

impl Fingerprints {
    fn next(&mut self, d: &Diagnostic, files: &Files<'_>) -> String {
        let snippet = files.get(&d.path).and_then(|f| f.text.get(d.span.clone())).unwrap_or("");
        let key = blake3::hash(format!("{}\0{}\0{}\0{}", d.code, d.path, snippet, d.message).as_bytes());
        let n = self.seen.entry(key).or_default();
        *n += 1;
        let h = blake3::hash(format!("{}:{n}", key.to_hex()).as_bytes());
        h.to_hex()[..32].to_string()
    }
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Allow => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    const OTHER: RuleMeta = RuleMeta { code: "KB001", ..DUPLICATE };
    const DUPLICATE: RuleMeta = RuleMeta {
        code: "KB012",
        name: "duplicate-article-id",
        default_level: Level::Error,
        summary: "Two articles share an articleId",
        docs: "## What it checks\n",
    };
    const RULES: &[&RuleMeta] = &[&OTHER, &DUPLICATE];

    fn diag(path: &str, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic::new(&DUPLICATE, span, "duplicate articleId \"x\"").with_path(path)
    }

    #[test]
    fn uris_are_relative_and_percent_encoded() {
        assert_eq!(uri("articles/a b/é#1.md"), "articles/a%20b/%C3%A9%231.md");
        assert_eq!(uri("kb/articles/x-y_z.md"), "kb/articles/x-y_z.md");
    }

    #[test]
    fn identical_findings_get_distinct_stable_fingerprints() {
        let f = SourceFile::new("a.md".into(), "x\nx\n".into(), false);
        let files = Files::new([&f]);
        let log = to_value(&[diag("a.md", 0..1), diag("a.md", 2..3)], &files, "", RULES);
        let again = to_value(&[diag("a.md", 0..1), diag("a.md", 2..3)], &files, "", RULES);
        let fp = |log: &Value, i: usize| log["runs"][0]["results"][i]["partialFingerprints"].clone();
        assert_ne!(fp(&log, 0), fp(&log, 1));
        assert_eq!(fp(&log, 1), fp(&again, 1));
    }

    #[test]
    fn results_point_into_the_rule_table_with_a_prefixed_uri() {
        let f = SourceFile::new("a.md".into(), "one\n two\n".into(), false);
        let log = to_value(&[diag("a.md", 5..8)], &Files::new([&f]), "kb/", RULES);
        let run = &log["runs"][0];
        let r = &run["results"][0];
        assert_eq!(run["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize]["id"], "KB012");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "kb/a.md");
        assert_eq!(loc["region"], json!({"startLine": 2, "startColumn": 2, "endLine": 2, "endColumn": 5}));
        assert!(run["tool"]["driver"].get("informationUri").is_none());
    }
}
