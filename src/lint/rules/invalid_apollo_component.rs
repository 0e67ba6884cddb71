use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

pub(crate) struct InvalidApolloComponent;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB411",
    name: "invalid-apollo-component",
    default_level: Level::Warning,
    summary: "An Apollo `<insight>`, `<metric>` or `<video>` lacks a field or has a value of the wrong kind",
    docs: r#"## What it checks
The Solutions 2.0 (Apollo) components, written as elements without
attributes, outside code:

- `<insight>` needs a non-empty `<symptomId>`; `<additionalInputsReq>`, when
  given, is `true` or `false`; `<maxInsightCount>`, when given, is a whole
  number.
- `<metric>`'s `<aggregationType>`, when given, is one of Sum, Avg, Count,
  Min, Max (empty means the default, Sum).
- `<video>` (alone or in a `<videoGroup>`) needs a non-empty `<src>` and
  `<title>`.

Each component must also be closed (`</insight>`). Values are compared
without regard to case. An HTML `<video src="…">` with attributes is HTML,
not the component, and is left alone.

## Why
The Apollo template describes these fields: the symptom ids "of the
diagnostics you want to execute", `additionalInputsReq` "should be set to
true, if you wish to collect additional information", `maxInsightCount`
"mention the number", `aggregationType` "Values: Sum, Avg, Count, Min, Max.
Default: Sum", a video's "Video source" and "Title of the video". An
insight without a symptom runs nothing, and a value the portal cannot read
breaks the component.

The knowledge base's `config/localization.json` names the component fields
that are translated: `insight/executionText`, `insight/timeoutText`,
`insight/noResultText`, `metric/title`, `videoGroup/video/title` and chart
and table titles. The fields this rule checks for their kind of value
(`symptomId`, `additionalInputsReq`, `maxInsightCount`, `aggregationType`,
`src`) are not on that list: they are data, the same in every language, so
checking the source checks every locale, and a translator never "fixes"
them. The translated fields are prose: kbc does not judge their wording,
and only asks for a video's title because the template does. (The list does
not name a lone `<video>`'s title or an insight's `failedText`, so those
stay in English; that is a gap in the localization file, not in the
article, and is not reported here.)

## Example
Bad:

```markdown
<insight>
    <symptomId></symptomId>
    <maxInsightCount>two</maxInsightCount>
</insight>
```

Good:

```markdown
<insight>
    <symptomId>VMRestartInsight</symptomId>
    <maxInsightCount>2</maxInsightCount>
</insight>
```

## How to fix
Fill in the field with a value of the kind the template describes.

## Configuration
`invalid-apollo-component = "warn"` (default).
"#,
};

/// The components checked, by element name.
const COMPONENTS: [&str; 3] = ["insight", "metric", "video"];

impl Rule for InvalidApolloComponent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        static ANY: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?i)<(insight|metric|video)>").expect("valid regex"));
        let text = article.text();
        if !ANY.is_match(&text[article.body.start..]) {
            return;
        }
        let lower = text.to_ascii_lowercase();
        for name in COMPONENTS {
            let open = format!("<{name}>");
            let close = format!("</{name}>");
            let mut from = article.body.start;
            while let Some(at) = lower[from..].find(&open).map(|i| from + i) {
                from = at + open.len();
                if article.body.in_code(at) {
                    continue;
                }
                let tag = at..from;
                let Some(end) = lower[from..].find(&close).map(|i| from + i) else {
                    out.push(
                        Diagnostic::new(&META, tag, format!("`<{name}>` is never closed"))
                            .with_help(format!("close it with `</{name}>`")),
                    );
                    break;
                };
                let fields = children(text, from..end);
                check(name, &tag, &fields, out);
                from = end + close.len();
            }
        }
    }
}

/// A child element: its name (lowercase), its text (comments removed,
/// trimmed) and the span of the whole element.
struct Field {
    name: String,
    value: String,
    span: Span,
}

fn children(text: &str, inner: Span) -> Vec<Field> {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<([A-Za-z]+)>").expect("valid regex"));
    static COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("valid regex"));
    let body = &text[inner.clone()];
    let lower = body.to_ascii_lowercase();
    let mut fields = Vec::new();
    let mut from = 0;
    while let Some(c) = OPEN.captures_at(body, from) {
        let (whole, name) = (c.get(0).expect("match"), c[1].to_ascii_lowercase());
        let close = format!("</{name}>");
        let Some(end) = lower[whole.end()..].find(&close).map(|i| whole.end() + i) else {
            from = whole.end();
            continue;
        };
        let value = COMMENT.replace_all(&body[whole.end()..end], "").trim().to_string();
        fields.push(Field { name, value, span: inner.start + whole.start()..inner.start + end + close.len() });
        from = end + close.len();
    }
    fields
}

/// A field whose value must be of one kind.
struct Kind {
    field: &'static str,
    ok: fn(&str) -> bool,
    what: &'static str,
}

const KINDS: &[(&str, Kind)] = &[
    (
        "insight",
        Kind {
            field: "additionalinputsreq",
            ok: |v| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"),
            what: "`true` or `false`",
        },
    ),
    (
        "insight",
        Kind {
            field: "maxinsightcount",
            ok: |v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
            what: "a whole number",
        },
    ),
    (
        "metric",
        Kind {
            field: "aggregationtype",
            ok: |v| v.is_empty() || AGGREGATIONS.iter().any(|a| a.eq_ignore_ascii_case(v)),
            what: "one of Sum, Avg, Count, Min, Max",
        },
    ),
];

fn check(component: &str, tag: &Span, fields: &[Field], out: &mut Vec<Diagnostic>) {
    let field = |n: &str| fields.iter().find(|f| f.name == n);
    let required: &[&str] = match component {
        "insight" => &["symptomid"],
        "video" => &["src", "title"],
        _ => &[],
    };
    for &name in required {
        let (span, msg, help) = match field(name) {
            None => (
                tag.clone(),
                format!("`<{component}>` has no `<{}>`", spelled(name)),
                "add it with a value, as the Apollo template shows",
            ),
            Some(f) if f.value.is_empty() => {
                (f.span.clone(), format!("`<{}>` of `<{component}>` is empty", spelled(name)), "fill in the value")
            }
            Some(_) => continue,
        };
        out.push(Diagnostic::new(&META, span, msg).with_help(help));
    }
    for (_, kind) in KINDS.iter().filter(|(c, _)| *c == component) {
        if let Some(f) = field(kind.field).filter(|f| !(kind.ok)(&f.value)) {
            let msg = format!("`<{}>` is \"{}\"; it must be {}", spelled(kind.field), f.value, kind.what);
            out.push(Diagnostic::new(&META, f.span.clone(), msg).with_help("use a value of that kind"));
        }
    }
}

const AGGREGATIONS: [&str; 5] = ["Sum", "Avg", "Count", "Min", "Max"];

/// The template's spelling of a field.
fn spelled(name: &str) -> &str {
    match name {
        "symptomid" => "symptomId",
        "additionalinputsreq" => "additionalInputsReq",
        "maxinsightcount" => "maxInsightCount",
        "aggregationtype" => "aggregationType",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_missing_empty_and_mistyped_fields() {
        let body = "<insight>\n  <symptomId></symptomId> <!-- ids -->\n  <additionalInputsReq>yes</additionalInputsReq>\n  <maxInsightCount>two</maxInsightCount>\n</insight>\n\n<metric>\n  <aggregationType>1</aggregationType>\n</metric>\n\n<videoGroup>\n  <video>\n    <src>https://www.youtube.com/watch?v=x</src>\n  </video>\n</videoGroup>\n";
        let text = article("", body);
        let d = check("KB411", &text);
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`<symptomId>` of `<insight>` is empty",
                "`<additionalInputsReq>` is \"yes\"; it must be `true` or `false`",
                "`<maxInsightCount>` is \"two\"; it must be a whole number",
                "`<aggregationType>` is \"1\"; it must be one of Sum, Avg, Count, Min, Max",
                "`<video>` has no `<title>`",
            ]
        );
        assert_eq!(&text[d[0].span.clone()], "<symptomId></symptomId>");
    }

    #[test]
    fn allows_complete_components_html_video_and_code() {
        let body = "<insight>\n  <symptomId>VmRestart</symptomId>\n  <additionalInputsReq>False</additionalInputsReq>\n  <maxInsightCount>5</maxInsightCount>\n</insight>\n\n<metric>\n  <name>Percentage CPU</name>\n  <aggregationType>avg</aggregationType>\n</metric>\n\n<metric><aggregationType></aggregationType></metric>\n\n<video id=\"v\" src=\"x.mp4\"></video>\n\n<video>\n  <src>https://x.test/v</src>\n  <title>How to</title>\n</video>\n\n```\n<insight></insight>\n```\n";
        assert!(check("KB411", &article("", body)).is_empty());
    }

    #[test]
    fn reports_a_component_never_closed() {
        let d = check("KB411", &article("", "<insight>\n  <symptomId>X</symptomId>\n"));
        assert_eq!(d[0].message, "`<insight>` is never closed");
    }

    /// The decision in the docs rests on the knowledge base's localization
    /// file: the fields checked as data must not be translated.
    #[test]
    fn fields_checked_as_data_are_not_translated_in_the_corpus() {
        let Some(corpus) = crate::lint::rules::testing::corpus() else { return };
        let path = corpus.join("config/localization.json");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let translated: Vec<String> =
            json["Apollo"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_ascii_lowercase()).collect();
        assert!(translated.contains(&"videogroup/video/title".to_string()), "{translated:?}");
        for data in [
            "insight/symptomid",
            "insight/additionalinputsreq",
            "insight/maxinsightcount",
            "metric/aggregationtype",
            "video/src",
        ] {
            assert!(!translated.iter().any(|t| t.ends_with(data)), "{data} is translated: {translated:?}");
        }
    }
}
