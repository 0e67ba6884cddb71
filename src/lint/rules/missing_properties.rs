use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct MissingProperties;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB001",
    name: "missing-properties",
    default_level: Level::Error,
    summary: "Article has no <properties> header at the top",
    docs: r#"## What it checks
That the file opens with a `<properties … />` header. Blank lines, a byte-order
mark and HTML comments may come before it; anything else may not.

## Why
The header carries everything the portal needs to show the article: its title,
support topics, products and clouds. An article without one is never published.

## Example
Bad:

```markdown
# Fix login timeouts        <- the header is missing
```
Good:
```markdown
<properties pageTitle="Fix login timeouts" articleId="…" … />

# Fix login timeouts
```

## How to fix
Add the header as the first thing in the file, or move it there if it appears
further down. `kbc new` scaffolds a complete header.

## Configuration
`missing-properties = "deny"` (default). The parser emits this rule; set it to
`"allow"` to ignore files that are not articles.
"#,
};

impl Rule for MissingProperties {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !article.has_header {
            out.push(diagnostic(article.text(), article.header_found_later));
        }
    }
}

/// The finding for a file without a header at its top.
fn diagnostic(text: &str, found_later: Option<usize>) -> Diagnostic {
    match found_later {
        Some(at) => Diagnostic::new(
            &META,
            at..at + "<properties".len(),
            "the <properties> header is not at the top of the file",
        )
        .with_help("move the header above everything else; only blank lines and comments may precede it"),
        None => {
            // Point at the first line of content: comments above it are allowed.
            let start = crate::parse::header::skip_preamble(text);
            let end = text[start..].find(['\r', '\n']).map_or(text.len(), |e| start + e);
            Diagnostic::new(&META, start..end, "article has no <properties> header")
                .with_help("start the file with <properties pageTitle=\"…\" articleId=\"…\" … />")
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_file_without_header() {
        let d = check("KB001", "# Just a title\n\nText.\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span, 0..14);
    }

    #[test]
    fn points_past_leading_comments_at_the_first_line_of_content() {
        let text = "<!-- note -->\n\n# Title\r\n";
        let d = check("KB001", text);
        assert_eq!(&text[d[0].span.clone()], "# Title");
    }

    #[test]
    fn reports_header_that_is_not_first() {
        let d = check("KB001", "# Title\n<properties a=\"1\" />\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("not at the top"));
    }

    #[test]
    fn allows_comments_and_blank_lines_before_header() {
        let text = format!("\n<!-- owner: x -->\n{}", article("", "Body\n"));
        assert!(check("KB001", &text).is_empty());
    }
}
