use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::nesting::MAX_NESTING;

pub(crate) struct NestingTooDeep;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB114",
    name: "nesting-too-deep",
    default_level: Level::Warning,
    summary: "Block quotes, lists, emphasis or HTML elements nested more than 100 levels deep",
    docs: r#"## What it checks
How deep the body's elements nest: Markdown's block quotes, lists, list
items, emphasis and links, and the raw HTML elements between them (`<div>`
inside `<div>`). The first element that opens past 100 levels is reported,
once per article.

## Why
No article needs that depth; it comes from a paste gone wrong or from a
file made to hurt the tools that read it. HTML parsers do work for every
tag in proportion to the open elements, so the cost grows with the square
of the depth: 200 KB of `>` once took minutes to sanitise. kbc keeps its
time linear by dropping the tags past the limit from the page (the text
stays, one level up), so the page does not show that nesting.

## Example
Bad:

```markdown
>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>> quoted
```

Good:

```markdown
> quoted
```

## How to fix
Remove the extra `>` markers, list indentation or unclosed `<div>`s.
Unclosed raw HTML elements count as open until the end of the article.

## Configuration
`nesting-too-deep = "warn"` (default). The limit, 100, is fixed.
"#,
};

impl Rule for NestingTooDeep {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(span) = article.body.too_deep.clone() else { return };
        let msg = format!("elements nested more than {MAX_NESTING} levels deep");
        let help = "the page drops the tags past this depth and keeps their text; remove the extra nesting";
        out.push(Diagnostic::new(&META, span, msg).with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_deep_block_quotes_once_at_the_first_level_past_the_limit() {
        let text = article("", &format!("{} deep\n", ">".repeat(150)));
        let d = check("nesting-too-deep", &text);
        assert_eq!(d.len(), 1, "{d:?}");
        let body = text.find(">>").unwrap();
        // Level 101 is the 101st `>` (the paragraph inside is one more).
        assert_eq!(d[0].span.start, body + 100, "{d:?}");
    }

    #[test]
    fn reports_deep_raw_html_at_its_tag() {
        let text = article("", &"<div>\n".repeat(150));
        let d = check("nesting-too-deep", &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&text[d[0].span.clone()], "<div>");
        let before = &text[..d[0].span.start];
        assert_eq!(before.matches("<div>").count(), 100);
    }

    #[test]
    fn accepts_ordinary_nesting_and_many_closed_siblings() {
        let body = format!("> * a\n>   * b **c *d***\n\n{}", "<div><p>x</p></div>\n".repeat(300));
        assert!(check("nesting-too-deep", &article("", &body)).is_empty());
    }
}
