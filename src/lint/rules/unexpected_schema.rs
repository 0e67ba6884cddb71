use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::json;
use regex::Regex;
use std::sync::LazyLock;

pub(crate) struct UnexpectedSchema;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB410",
    name: "unexpected-schema",
    default_level: Level::Warning,
    summary: "The embedded JSON's `$schema`, or the header's schemaVersion, is not the one the template gives",
    docs: r#"## What it checks
The schema names the templates give, compared without regard to case:

| selfHelpType | embedded JSON `"$schema"` | header `schemaVersion` |
|---|---|---|
| problemScopingQuestions | `SelfHelpContent` | `1` |
| supportTopicDescription | `SelfHelpContent` | |
| diagnoseAndSolve | `SelfHelpContent` | |
| advisorRecommendationMetadata | `AdvisorRecommendation` | |

A missing `"$schema"` is reported too; a missing `schemaVersion` is left
to `missing-required-attribute`, invalid JSON to `invalid-embedded-json`.

## Why
The portal picks the reader for the embedded data by these names: the
problem scoping, support topic and diagnose-and-solve templates all start
their JSON with `"$schema": "SelfHelpContent"`, the Advisor templates with
`"$schema": "AdvisorRecommendation"`, and the scoping question templates
set `schemaVersion="1"`. Data under another name is read by the wrong
reader, or not at all.

## Example
Bad:

```json
{ "$schema": "AdvisorRecommendation", "formElements": [ … ] }
```
in a problemScopingQuestions article.

Good:

```json
{ "$schema": "SelfHelpContent", "formElements": [ … ] }
```

## How to fix
Use the name the template for the article's type gives. `kbc check --fix`
writes it when the value is there but different.

## Configuration
`unexpected-schema = "warn"` (default).
"#,
};

/// The `$schema` each type's template gives.
fn expected_schema(kind: &str) -> Option<&'static str> {
    match kind {
        "problemscopingquestions" | "supporttopicdescription" | "diagnoseandsolve" => Some("SelfHelpContent"),
        "advisorrecommendationmetadata" => Some("AdvisorRecommendation"),
        _ => None,
    }
}

impl Rule for UnexpectedSchema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(kind) = article.self_help_type() else { return };
        if kind == "problemscopingquestions"
            && let Some(v) = article.props.get("schemaVersion").filter(|v| v.value.trim() != "1")
        {
            let msg = format!("schemaVersion is \"{}\"; the problem scoping template gives \"1\"", v.value.trim());
            out.push(Diagnostic::new(&META, v.value_span.clone(), msg).with_help("set schemaVersion=\"1\""));
        }
        let Some(expected) = expected_schema(kind) else { return };
        if top_level_schema_is(article, expected) {
            return;
        }
        let Some(Ok(root)) = article.embedded_json() else { return };
        if !matches!(root.value, json::Value::Object(_)) {
            return;
        }
        match root.get("$schema") {
            None => {
                let msg = format!("the embedded JSON has no \"$schema\"; a {kind} article's is \"{expected}\"");
                let at = root.span.start..root.span.start + 1;
                out.push(Diagnostic::new(&META, at, msg).with_help(format!("add \"$schema\": \"{expected}\"")));
            }
            Some(node) if !node.as_str().is_some_and(|s| s.trim().eq_ignore_ascii_case(expected)) => {
                let written = &article.text()[node.span.clone()];
                let msg = format!("\"$schema\" is {written}; a {kind} article's is \"{expected}\"");
                out.push(
                    Diagnostic::new(&META, node.span.clone(), msg)
                        .with_help(format!("use \"{expected}\""))
                        .with_fix(node.span.clone(), format!("\"{expected}\"")),
                );
            }
            Some(_) => {}
        }
    }
}

/// Whether the block's only `"$schema"` member is at the top level and
/// names `expected`: the common case, told without building the JSON tree.
fn top_level_schema_is(article: &Article, expected: &str) -> bool {
    static MEMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)"\$schema"\s*:\s*"([^"\\]*)""#).expect("valid regex"));
    let Some(block) = &article.body.json else { return false };
    let json = &article.text()[block.span.clone()];
    let mut found = MEMBER.captures_iter(json);
    match (found.next(), found.next()) {
        (Some(c), None) => {
            c[1].trim().eq_ignore_ascii_case(expected) && depth_at(json, c.get(0).map_or(0, |m| m.start())) == 1
        }
        _ => false,
    }
}

/// How many objects and arrays are open at byte `at` of JSON text (strings
/// skipped).
fn depth_at(json: &str, at: usize) -> usize {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in &json.as_bytes()[..at] {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'{' | b'[') => depth += 1,
            (false, _, b'}' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::check;

    fn doc(kind: &str, extra: &str, json: &str) -> String {
        format!("<properties selfHelpType=\"{kind}\" {extra}/>\n# T\n---\n{json}\n---\n")
    }

    #[test]
    fn reports_wrong_and_missing_schema_names() {
        let text = doc(
            "problemScopingQuestions",
            "schemaVersion=\"2\" ",
            r#"{"$schema": "AdvisorRecommendation", "formElements": []}"#,
        );
        let d = check("KB410", &text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "schemaVersion is \"2\"; the problem scoping template gives \"1\"");
        assert_eq!(d[1].fix.as_ref().unwrap().replacement, "\"SelfHelpContent\"");
        let missing = doc("advisorRecommendationMetadata", "", r#"{"actions": []}"#);
        assert!(check("KB410", &missing)[0].message.contains("no \"$schema\""));
    }

    #[test]
    fn a_schema_name_nested_deeper_does_not_count() {
        let nested = doc("diagnoseAndSolve", "", r#"{"commonProblems": [{"$schema": "SelfHelpContent"}]}"#);
        assert!(check("KB410", &nested)[0].message.contains("no \"$schema\""));
        assert_eq!(super::depth_at(r#"{"a": "{[", "b": ["#, 16), 1);
    }

    #[test]
    fn allows_the_template_names_in_any_case_and_other_types() {
        assert!(check("KB410", &doc("diagnoseAndSolve", "", r#"{"$schema": "selfhelpcontent"}"#)).is_empty());
        assert!(
            check(
                "KB410",
                &doc("problemScopingQuestions", "schemaVersion=\" 1 \" ", r#"{"$schema": "SelfHelpContent"}"#)
            )
            .is_empty()
        );
        assert!(check("KB410", &doc("generic", "", r#"{"$schema": "Other"}"#)).is_empty());
    }
}
