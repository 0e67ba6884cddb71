use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct InvalidEmbeddedJson;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB401",
    name: "invalid-embedded-json",
    default_level: Level::Error,
    summary: "The embedded JSON block (between `---` lines after the H1) is not valid JSON",
    docs: r#"## What it checks
Articles such as problem scoping questions, support topic descriptions and
Advisor recommendation metadata carry a JSON document between two `---`
lines right after the H1. This parses it as strict JSON and reports the first
error at its exact line and column in the article. Arrays and objects may
nest at most 128 levels deep; the bracket that opens level 129 is reported
(kbc reads the block without recursion up to there, and no portal form
nests more than a handful of levels).

## Why
The portal reads the block with a strict JSON parser: one stray comma and
the whole form or recommendation disappears.

## Example
Bad (trailing comma):

```markdown
# Slow virtual machine
---
{
  "title": "Slow virtual machine",
  "formElements": [],
}
---
```

Good:

```markdown
# Slow virtual machine
---
{
  "title": "Slow virtual machine",
  "formElements": []
}
---
```

## How to fix
Fix the JSON at the reported position: trailing commas, missing commas
between members, unquoted keys, comments and smart quotes are the usual
causes.

## Configuration
`invalid-embedded-json = "deny"` (default).
"#,
};

impl Rule for InvalidEmbeddedJson {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if let Some(e) = article.embedded_json_error() {
            let end = article.text()[e.offset..].chars().next().map_or(e.offset, |c| e.offset + c.len_utf8());
            let msg = format!("embedded JSON is invalid: {}", e.message);
            out.push(Diagnostic::new(&META, e.offset..end, msg).with_help("the portal ignores the whole block"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::check;

    const HEAD: &str = "<properties selfHelpType=\"problemScopingQuestions\" />\n# Title\n---\n";

    #[test]
    fn reports_the_exact_position_of_a_trailing_comma() {
        let text = format!("{HEAD}{{\n  \"title\": \"x\",\n  \"formElements\": [],\n}}\n---\n");
        let d = check("invalid-embedded-json", &text);
        assert_eq!(d.len(), 1);
        let (line, col) = crate::source::SourceFile::new("a".into(), text.clone(), false).line_col(d[0].span.start);
        assert_eq!((line, col), (7, 1), "{}", d[0].message);
        assert!(d[0].message.contains("trailing comma"));
    }

    #[test]
    fn accepts_valid_json_and_articles_without_a_block() {
        assert!(check("KB401", &format!("{HEAD}{{\"a\": [1, 2]}}\n---\n")).is_empty());
        assert!(check("KB401", "<properties a=\"1\" />\n# Title\n\nText { not json\n").is_empty());
    }
}
