//! rdjson, reviewdog's Diagnostic Format (the `DiagnosticResult` message of
//! reviewdog's proto/rdf/reviewdog.proto, as JSON), for
//! `kbc check --format rdjson | reviewdog -f=rdjson -reporter=github-pr-review`.
//!
//! What differs from the other formats: columns count UTF-8 bytes, not
//! characters (`é` is two columns), ranges end exclusively, and a finding with
//! a fix carries it as a `suggestion`, which reviewdog offers as a suggested
//! change on the pull request. Paths are as reviewdog resolves them, relative
//! to the folder it runs in, hence the prefix (ROOT relative to kbc's current
//! folder). Paths and messages go through [`escape_controls`] (reviewdog
//! posts them as pull-request comments); a fix's replacement text stays
//! exact, as it is the change offered.

use super::{Files, escape_controls};
use crate::diagnostic::{Diagnostic, Level};
use crate::source::Span;
use serde_json::{Value, json};

pub fn write(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    files: &Files<'_>,
    prefix: &str,
    rules_url: Option<&str>,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &to_value(diags, files, prefix, rules_url))?;
    writeln!(out)
}

/// The whole result. `prefix` goes before every path; each code links to
/// `rules_url#kb012` when it is given.
pub fn to_value(diags: &[Diagnostic], files: &Files<'_>, prefix: &str, rules_url: Option<&str>) -> Value {
    let diagnostics: Vec<Value> = diags.iter().map(|d| diagnostic(d, files, prefix, rules_url)).collect();
    json!({ "source": { "name": "kbc" }, "diagnostics": diagnostics })
}

fn diagnostic(d: &Diagnostic, files: &Files<'_>, prefix: &str, rules_url: Option<&str>) -> Value {
    let mut message = escape_controls(&d.message).into_owned();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&escape_controls(help));
    }
    let mut v = json!({
        "message": message,
        "location": location(files, prefix, &d.path, &d.span),
        "severity": if d.level == Level::Error { "ERROR" } else { "WARNING" },
        "code": { "value": d.code },
    });
    if let Some(url) = rules_url {
        v["code"]["url"] = json!(super::sarif::help_uri(url, d.code));
    }
    if let Some(fix) = &d.fix {
        v["suggestions"] = json!([{ "range": range(files, &d.path, &fix.span), "text": fix.replacement }]);
    }
    if !d.labels.is_empty() {
        let related = d
            .labels
            .iter()
            .map(|l| json!({ "message": escape_controls(&l.message), "location": location(files, prefix, &l.path, &l.span) }));
        v["related_locations"] = related.collect();
    }
    v
}

fn location(files: &Files<'_>, prefix: &str, path: &str, span: &Span) -> Value {
    json!({ "path": escape_controls(&format!("{prefix}{path}")), "range": range(files, path, span) })
}

/// Start and (exclusive) end, 1-based lines, columns in UTF-8 bytes.
fn range(files: &Files<'_>, path: &str, span: &Span) -> Value {
    let (start, end) = match files.get(path) {
        Some(f) => {
            let span = crate::source::clamp_span(&f.text, span);
            (byte_position(f, span.start), byte_position(f, span.end))
        }
        None => ((1, 1), (1, 1)),
    };
    json!({
        "start": { "line": start.0, "column": start.1 },
        "end": { "line": end.0, "column": end.1 },
    })
}

/// 1-based line and 1-based column in bytes of an offset at a char boundary.
fn byte_position(f: &crate::source::SourceFile, offset: usize) -> (usize, usize) {
    let (line, _) = f.line_col(offset);
    let line_start = f.lines().line_span(&f.text, line).start;
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::RuleMeta;
    use crate::source::SourceFile;

    // Plain metadata: the formats know no rules (the layer test holds it).
    const CLOUD_CASE: RuleMeta =
        RuleMeta { code: "KB019", name: "noncanonical-cloud-case", default_level: Level::Allow, summary: "", docs: "" };
    const DUPLICATE_ID: RuleMeta =
        RuleMeta { code: "KB012", name: "duplicate-article-id", default_level: Level::Error, summary: "", docs: "" };

    #[test]
    fn columns_count_utf8_bytes_and_fixes_become_suggestions() {
        // `é` and `ü` are two bytes each: `Public` starts at byte column 15, character column 13.
        let f = SourceFile::new("a.md".into(), "x\nclouds=\"é ü Public\"\n".into(), false);
        let start = f.text.find("Public").unwrap();
        let d = Diagnostic::new(&CLOUD_CASE, start..start + 6, "case")
            .with_path("a.md")
            .with_fix(start..start + 6, "public");
        let v = to_value(&[d], &Files::new([&f]), "kb/", Some("https://example.test/rules.md"));
        let diag = &v["diagnostics"][0];
        assert_eq!(diag["location"]["path"], "kb/a.md");
        let range = json!({ "start": { "line": 2, "column": 15 }, "end": { "line": 2, "column": 21 } });
        assert_eq!(diag["location"]["range"], range);
        assert_eq!(diag["suggestions"], json!([{ "range": range, "text": "public" }]));
        assert_eq!(diag["severity"], "WARNING");
        assert_eq!(diag["code"], json!({ "value": "KB019", "url": "https://example.test/rules.md#kb019" }));
        assert!(diag.get("related_locations").is_none());
    }

    #[test]
    fn a_span_ending_at_a_line_break_ends_at_the_next_line() {
        let f = SourceFile::new("a.md".into(), "ab\ncd".into(), false);
        let d = Diagnostic::new(&DUPLICATE_ID, 1..3, "x").with_path("a.md").with_label("b.md", 0..0, "elsewhere");
        let v = to_value(&[d], &Files::new([&f]), "", None);
        let diag = &v["diagnostics"][0];
        assert_eq!(diag["location"]["range"]["end"], json!({ "line": 2, "column": 1 }));
        assert_eq!(diag["related_locations"][0]["message"], "elsewhere");
        assert_eq!(diag["related_locations"][0]["location"]["path"], "b.md");
    }
}
