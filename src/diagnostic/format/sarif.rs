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

/// GitHub code scanning rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

/// GitHub code scanning reads at most this many related locations of a result.
const MAX_RELATED: usize = 1_000;

pub fn write(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    files: &Files<'_>,
    prefix: &str,
    rules: &[&RuleMeta],
    rules_url: Option<&str>,
) -> std::io::Result<()> {
    let log = to_value(diags, files, prefix, rules, rules_url);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The whole log, describing `rules` (each with `rules_url#kb012` as its
/// help URI when given). `prefix` goes before every artifact URI. At most
/// [`MAX_RESULTS`] results, errors first; a cut run says so in its invocation.
pub fn to_value(
    diags: &[Diagnostic],
    files: &Files<'_>,
    prefix: &str,
    rules: &[&RuleMeta],
    rules_url: Option<&str>,
) -> Value {
    let kept = kept(diags);
    let mut fingerprints = Fingerprints::default();
    let results: Vec<Value> = kept.iter().map(|d| result(d, files, prefix, rules, &mut fingerprints)).collect();
    let rules: Vec<Value> = rules.iter().map(|m| rule(m, rules_url)).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kbc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [invocation(diags)],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// The results a run holds: errors first, then warnings, each group in the
/// canonical order, at most [`MAX_RESULTS`].
fn kept(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut ordered: Vec<&Diagnostic> = diags.iter().collect();
    // Stable: the path order holds within each level.
    ordered.sort_by_key(|d| std::cmp::Reverse(d.level));
    ordered.truncate(MAX_RESULTS);
    ordered
}

/// What a run cut to [`MAX_RESULTS`] leaves out, as a sentence; `None` when
/// every finding fits.
pub fn cut_note(diags: &[Diagnostic]) -> Option<String> {
    if diags.len() <= MAX_RESULTS {
        return None;
    }
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let errors_out = errors.saturating_sub(MAX_RESULTS);
    let warnings_out = diags.len() - MAX_RESULTS - errors_out;
    Some(format!(
        "{} findings, but GitHub code scanning accepts at most {MAX_RESULTS} results in a run: the run holds \
         the first {MAX_RESULTS} (errors first, then warnings) and leaves out {errors_out} error(s) and \
         {warnings_out} warning(s); `kbc check` lists them all",
        diags.len()
    ))
}

/// The run's invocation: kbc ran to the end (findings are results, not a
/// failure to run), with a notification when the results were cut.
fn invocation(diags: &[Diagnostic]) -> Value {
    let mut invocation = json!({ "executionSuccessful": true });
    if let Some(note) = cut_note(diags) {
        invocation["toolExecutionNotifications"] = json!([{
            "descriptor": { "id": "kbc/results-cut" },
            "level": "warning",
            "message": { "text": note },
        }]);
    }
    invocation
}

/// A rule's reportingDescriptor: GitHub shows the short description as the
/// alert title and the help (`kbc explain`'s text, Markdown) on the alert page.
fn rule(m: &RuleMeta, rules_url: Option<&str>) -> Value {
    let help = m.explanation();
    let markdown = crate::diagnostic::escape_markdown_html(&help);
    let mut rule = json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": m.summary },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": sarif_level(m.default_level) },
        "properties": { "tags": [family(m.code)] },
    });
    if let Some(url) = rules_url {
        rule["helpUri"] = json!(help_uri(url, m.code));
    }
    rule
}

/// A rule's place in the rule reference (docs/rules.md): `URL#kb012`.
pub fn help_uri(rules_url: &str, code: &str) -> String {
    format!("{}#{}", rules_url.trim_end_matches('#'), code.to_ascii_lowercase())
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
        .take(MAX_RELATED)
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
    if d.labels.len() > MAX_RELATED {
        message.push_str(&format!("\n({} more related locations are not listed)", d.labels.len() - MAX_RELATED));
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
    if let Some(fix) = &d.fix {
        r["fixes"] = json!([fix_value(prefix, &d.path, fix, files)]);
    }
    r
}

/// A fix as `kbc check --fix` applies it: one replacement in the finding's file.
fn fix_value(prefix: &str, path: &str, fix: &crate::diagnostic::Fix, files: &Files<'_>) -> Value {
    json!({
        "description": { "text": "the replacement `kbc check --fix` makes" },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(&format!("{prefix}{path}")) },
            "replacements": [{
                "deletedRegion": region(path, &fix.span, files),
                "insertedContent": { "text": fix.replacement },
            }],
        }],
    })
}

fn location(prefix: &str, path: &str, span: &crate::source::Span, files: &Files<'_>) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&format!("{prefix}{path}")) },
            "region": region(path, span, files),
        }
    })
}

/// 1-based lines and columns in Unicode code points (the run's
/// `columnKind`), the end exclusive.
fn region(path: &str, span: &crate::source::Span, files: &Files<'_>) -> Value {
    let p = files.position(path, span);
    json!({ "startLine": p.line, "startColumn": p.column, "endLine": p.end_line, "endColumn": p.end_column })
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
        let log = to_value(&[diag("a.md", 0..1), diag("a.md", 2..3)], &files, "", RULES, None);
        let again = to_value(&[diag("a.md", 0..1), diag("a.md", 2..3)], &files, "", RULES, None);
        let fp = |log: &Value, i: usize| log["runs"][0]["results"][i]["partialFingerprints"].clone();
        assert_ne!(fp(&log, 0), fp(&log, 1));
        assert_eq!(fp(&log, 1), fp(&again, 1));
    }

    #[test]
    fn results_point_into_the_rule_table_with_a_prefixed_uri() {
        let f = SourceFile::new("a.md".into(), "one\n two\n".into(), false);
        let log = to_value(&[diag("a.md", 5..8)], &Files::new([&f]), "kb/", RULES, None);
        let run = &log["runs"][0];
        let r = &run["results"][0];
        assert_eq!(run["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize]["id"], "KB012");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "kb/a.md");
        assert_eq!(loc["region"], json!({"startLine": 2, "startColumn": 2, "endLine": 2, "endColumn": 5}));
        assert!(run["tool"]["driver"].get("informationUri").is_none());
    }
}
