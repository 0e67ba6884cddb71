use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct MalformedProperties;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB002",
    name: "malformed-properties",
    default_level: Level::Error,
    summary: "The <properties> header is not well formed",
    docs: r#"## What it checks
The syntax of the `<properties>` header: every attribute is `name="value"` (or
single quotes), every quote is closed, there is no stray text, and the header
ends with `/>` (or `>` followed by `</properties>`). In particular it reports:
- an unclosed quote (at the quote that opens the value);
- a doubled closing quote, `description="text""` (at the extra quote);
- a missing `=`, `service "microsoft.databricks"` (at the name);
- stray words, punctuation (`articleId="…",`) or quoted text between
  attributes (a run of words is one finding);
- an apostrophe inside a single-quoted value, `description='Can't connect'`;
- invisible characters between attributes, such as U+200B ZERO WIDTH SPACE or
  U+00A0 NO-BREAK SPACE, which editors and web pages leave behind and which
  no one can see in the file;
- a header that is never closed, or ends with `>` but has no `</properties>`.

Each mistake is reported once, and the attributes around it are still read
and checked by the other rules.

## Why
The publishing pipeline reads the header as XML. A header it cannot read drops
the whole article, or worse, silently drops the attributes after the mistake.

## Example
Bad:

```markdown
<properties
  pageTitle="Fix login timeouts
  articleId="f1dae65e-2eee-4c5e-bbd3-4a1310313f3d"
/>
```
The quote after `Fix login timeouts` is never closed. Good:
```markdown
<properties
  pageTitle="Fix login timeouts"
  articleId="f1dae65e-2eee-4c5e-bbd3-4a1310313f3d"
/>
```

## How to fix
Go to the reported line and column: close the quote, add the missing `=`,
remove the stray text, or end the header with `/>`.

## Configuration
`malformed-properties = "deny"` (default). The parser emits this rule; the
attributes it could still read are checked by the other header rules.
"#,
};

impl Rule for MalformedProperties {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The problems the header scanner found, one finding each.
    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for p in &article.header_problems {
            let mut d = Diagnostic::new(&META, p.span.clone(), p.message.clone());
            d.help.clone_from(&p.help);
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_unclosed_quote_at_the_quote() {
        let text = "<properties\n  pageTitle=\"Oops\n  articleId=\"x\"\n/>\n# T\n";
        let d = check("KB002", text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].span.start, text.find('"').unwrap());
    }

    #[test]
    fn reports_missing_equals() {
        let text = "<properties pageTitle \"x\" />\n# T\n";
        let d = check("KB002", text);
        assert!(!d.is_empty());
        assert_eq!(&text[d[0].span.clone()], "pageTitle");
    }

    #[test]
    fn reports_header_never_closed() {
        let d = check("KB002", "<properties pageTitle=\"x\"\n\n# T\n");
        assert!(d[0].message.contains("never closed"));
    }

    #[test]
    fn accepts_single_quotes_and_closing_element() {
        let text = article("  resourceTags=''\n", "Body\n").replace("/>", "></properties>");
        assert!(check("KB002", &text).is_empty());
    }
}
