use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct MissingH1;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB101",
    name: "missing-h1",
    default_level: Level::Error,
    summary: "The article body has no H1 title",
    docs: r#"## What it checks
That the body (after the `<properties>` header) has an H1 heading (`# Title`).

## Why
The templates call the H1 "a required part of every article": the portal and
the help site use it as the article's title, and the embedded JSON block is
only recognised right after it.

## Example
Bad:

```markdown
<properties ... />

## **Recommended Steps**
```

Good:

```markdown
<properties ... />

# Diagnose and resolve pass-through security issues

## **Recommended Steps**
```

## How to fix
Add a `# Title` line right after the header, usually the pageTitle.

## Configuration
`missing-h1 = "deny"` (default). Set `"warn"` or `"allow"` in `[lints]`.
"#,
};

impl Rule for MissingH1 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let body = &article.body;
        if body.h1().is_some() {
            return;
        }
        let at = body.headings.first().map_or_else(|| first_line(article.text(), body.start), |h| h.span.clone());
        let mut d = Diagnostic::new(&META, at, "article has no H1 title");
        d = d.with_help("add `# Title` right after the <properties> header");
        out.push(d);
    }
}

/// The first non-blank line of the body, or the empty span at its end.
fn first_line(text: &str, from: usize) -> crate::source::Span {
    let rest = &text[from..];
    let start = from + (rest.len() - rest.trim_start().len());
    let len = text[start..].find(['\r', '\n']).unwrap_or(text.len() - start);
    start..start + len
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::check;

    #[test]
    fn reports_a_body_without_h1() {
        let text = "<properties pageTitle=\"T\" />\n\n## **Recommended Steps**\n\nDo it.\n";
        let d = check("missing-h1", text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "## **Recommended Steps**\n");
    }

    #[test]
    fn points_at_the_first_body_line_when_there_is_no_heading() {
        let text = "<properties a=\"1\" />\n\nJust text.\n";
        let d = check("missing-h1", text);
        assert_eq!(&text[d[0].span.clone()], "Just text.");
    }

    #[test]
    fn accepts_atx_and_setext_titles() {
        assert!(check("missing-h1", "<properties a=\"1\" />\n# Title\n").is_empty());
        assert!(check("missing-h1", "<properties a=\"1\" />\nTitle\n=====\n").is_empty());
    }
}
