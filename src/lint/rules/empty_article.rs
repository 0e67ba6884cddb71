use super::empty_section::is_blank;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct EmptyArticle;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB108",
    name: "empty-article",
    default_level: Level::Warning,
    summary: "The article shows nothing but its title",
    docs: r#"## What it checks
That the body has something to show besides its H1 title: text, a list, a
link, an include, raw HTML with text, or an embedded JSON block. Blank lines
and HTML comments do not count, so an empty
`<!--issueDescription-->…<!--/issueDescription-->` pair does not either.

## Why
A customer who opens the article sees a title and nothing else, while the
bundle still offers the article for its support topics. Usually a stub that
was published before it was written.

## Example
Bad:

```markdown
# Upgrade to the Standard tier

<!--issueDescription-->

<!--/issueDescription-->
```
Good:

```markdown
# Upgrade to the Standard tier

<!--issueDescription-->
Requests are throttled because the Free tier allows 20 calls a minute.
<!--/issueDescription-->

1. In the portal, open the resource and select **Pricing tier**.
2. Choose **Standard** and save.
```

## How to fix
Write the article's content under its title, or remove the article.

## Configuration
`empty-article = "warn"` (default). A folder of title-only stubs (a
troubleshooting tree whose titles are the answers) can allow it with a
`[[lints.overrides]]` entry for its paths.
"#,
};

impl Rule for EmptyArticle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let body = &article.body;
        if body.json.is_some() {
            return;
        }
        let text = article.text();
        let (span, blank, msg) = match body.h1() {
            Some(h1) => {
                let line = text[h1.span.clone()].trim_end().len();
                let blank = is_blank(&text[body.start..h1.span.start]) && is_blank(&text[h1.span.end..]);
                (h1.span.start..h1.span.start + line, blank, "the article shows nothing but its title")
            }
            // Without a header (an empty file, or only comments) the span is
            // the file's first character, if any: the tag's 11 bytes could
            // end inside a character there (found by fuzzing).
            None => {
                let tag = article.props.open_tag_span();
                let span = match text.get(tag.clone()) {
                    Some(t) if t.eq_ignore_ascii_case("<properties") => tag,
                    _ => 0..text.chars().next().map_or(0, char::len_utf8),
                };
                (span, is_blank(&text[body.start..]), "the article has no content")
            }
        };
        if blank {
            out.push(
                Diagnostic::new(&META, span, msg).with_help("write the content under the title, or remove the article"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    /// `article` writes a header and `# Title`; `body` comes after the title.
    fn fires(body: &str) -> bool {
        !check("empty-article", &article("", body)).is_empty()
    }

    #[test]
    fn reports_a_title_with_only_blank_lines_and_comments_under_it() {
        assert!(fires(""));
        assert!(fires("<!--issueDescription-->\n\n\n<!--/issueDescription-->\n<!-- todo -->\n"));
        let text = article("", "");
        let d = check("empty-article", &text);
        assert_eq!(
            (&text[d[0].span.clone()], d[0].message.as_str()),
            ("# Title", "the article shows nothing but its title")
        );
    }

    #[test]
    fn reports_a_body_with_no_title_and_nothing_else() {
        let text = article("", "").replace("# Title\n\n", "");
        let d = check("empty-article", &text);
        assert_eq!(d[0].message, "the article has no content");
        assert_eq!(&text[d[0].span.clone()], "<properties");
    }

    #[test]
    fn an_empty_file_is_reported_inside_the_file() {
        for text in ["", "\n", " ", "<!-- Shou\u{2d64}P -->\n", "\u{2d64}\u{2d64}\u{2d64}\u{2d64}"] {
            let d = check("empty-article", text);
            assert!(d.iter().all(|d| text.get(d.span.clone()).is_some()), "{text:?}: {d:?}");
        }
    }

    #[test]
    fn accepts_any_content_json_or_includes() {
        assert!(!fires("Switch to Standard.\n"));
        assert!(!fires("<!--issueDescription-->Throttled.<!--/issueDescription-->\n"));
        assert!(!fires("<div><b>Throttled</b></div>\n"));
        assert!(!fires("---\n{\"formElements\": []}\n---\n"));
        assert!(!fires("[!INCLUDE [steps](../../includes/steps.md)]\n"));
        let before = article("", "").replace("# Title", "Text before the title.\n\n# Title");
        assert!(check("empty-article", &before).is_empty());
    }
}
