use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::body::Html;
use crate::syntax::html::{self, Tag};
use std::collections::HashSet;

pub(crate) struct PlaceholderReadAsHtml;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB107",
    name: "placeholder-read-as-html",
    default_level: Level::Warning,
    summary: "A placeholder in angle brackets that Markdown reads as an HTML tag, so readers never see it",
    docs: r#"## What it checks
Text in angle brackets outside code, such as `<PipelineName>`,
`<container-name>` or `<your resource group>`, that Markdown takes for an HTML
tag: a name HTML does not know, with no closing tag (`</PipelineName>`)
anywhere in the article.

Not reported: HTML elements (`<br>`, `<b>`, `<table>`...), elements the
article also closes (the portal's own components, such as
`<insight>…</insight>`), comments and portal markers (`<!--$Name-->`), a
`<properties>` header below the title (missing-properties reports it), and
anything in code spans or code blocks.

## Why
Markdown passes HTML tags through to the page, and the browser (and kbc's
sanitiser) drops a tag it does not know. The placeholder disappears:
"the pipeline **<PipelineName>** is stuck" reads "the pipeline **** is stuck",
and a command such as `az storage container create --name <container-name>`
written outside code loses its argument.

## Example
Bad:

```markdown
Check whether the pipeline <PipelineName> is stuck.
```
Good:

```markdown
Check whether the pipeline `<PipelineName>` is stuck.
```
or `\<PipelineName>` (in a paragraph) or `&lt;PipelineName>` (inside an
HTML block).

## How to fix
Put the placeholder in backticks, or escape its `<`. The fix escapes it: `\<`
in Markdown text, `&lt;` in a line of HTML, where a backslash is shown as is.

## Configuration
`placeholder-read-as-html = "warn"` (default).
"#,
};

impl Rule for PlaceholderReadAsHtml {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let html = &article.body.html;
        if html.is_empty() {
            return;
        }
        let tags: Vec<(&Html, Vec<Tag<'_>>)> = html.iter().map(|h| (h, html::tags(&h.text))).collect();
        let closed: HashSet<String> =
            tags.iter().flat_map(|(_, t)| t).filter(|t| t.closing).map(|t| t.name.to_lowercase()).collect();
        for (h, tags) in &tags {
            for tag in tags {
                // A `<properties>` header below the title is missing-properties' finding.
                let header = tag.name.eq_ignore_ascii_case("properties");
                if tag.closing || header || html::is_element(tag.name) || closed.contains(&tag.name.to_lowercase()) {
                    continue;
                }
                if let Some(d) = finding(article.text(), h, tag) {
                    out.push(d);
                }
            }
        }
    }
}

fn finding(text: &str, h: &Html, tag: &Tag<'_>) -> Option<Diagnostic> {
    let written = &h.text[tag.span.clone()];
    // The event's text may lack a container's prefix (`> `, indentation), so
    // the tag is looked up in the source, at or after its offset in the event
    // (prefixes only push it further on).
    let from = h.span.start + tag.span.start;
    let start = from + text.get(from..h.span.end)?.find(written)?;
    let span = start..start + written.len();
    let one_line = written.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = match one_line.len() > 60 {
        true => format!("{}…", &one_line[..crate::source::floor_char_boundary(&one_line, 57)]),
        false => one_line,
    };
    let msg = format!("`{shown}` is read as an HTML tag, so readers will not see it");
    let (escape, help) = match h.block {
        true => ("&lt;", "Markdown escapes do not work in a line of HTML: write the `<` as `&lt;`"),
        false => ("\\<", "escape the `<` as `\\<`, or put the placeholder in backticks"),
    };
    Some(Diagnostic::new(&META, span, msg).with_help(help).with_fix(start..start + 1, escape))
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    fn found(body: &str) -> Vec<String> {
        let text = article("", body);
        check("placeholder-read-as-html", &text).iter().map(|d| text[d.span.clone()].to_string()).collect()
    }

    #[test]
    fn reports_lone_unknown_tags_in_text_and_html_lines() {
        assert_eq!(found("The pipeline **<PipelineName>** is stuck.\n"), ["<PipelineName>"]);
        assert_eq!(found("Hello <Customer Name>, run it on <your-vm>.\n"), ["<Customer Name>", "<your-vm>"]);
        assert_eq!(found("<table><tr><td><Value Name=\"x\" /></td></tr></table>\n"), ["<Value Name=\"x\" />"]);
        // A line that opens with a comment is an HTML block: Markdown autolinks
        // are not made there, and the browser takes them for tags.
        assert_eq!(found("<!--$A-->a<!--/$A--> <https://x.test/>\n"), ["<https://x.test/>"]);
        // Twice in one line of HTML: two findings, each at its own place.
        let text = article("", "<div><Name> or <Name></div>\n");
        let starts: Vec<usize> = check("placeholder-read-as-html", &text).iter().map(|d| d.span.start).collect();
        assert_eq!(starts.len(), 2);
        assert_ne!(starts[0], starts[1]);
    }

    #[test]
    fn leaves_elements_closed_tags_code_comments_and_escapes_alone() {
        let body = "Line<br>break, <b>bold</b>, <insight>x</insight> and <Insight>y</INSIGHT>.\n\n\
                    `<PipelineName>` and \\<PipelineName> and &lt;x&gt;.\n\n\
                    ```\naz group create --name <group>\n```\n\n\
                    See <https://example.test/> or <me@example.test>.\n\n<!--$Name-->n<!--/$Name-->\n";
        assert_eq!(found(body), Vec::<String>::new());
        // A header below the title is missing-properties' to report.
        assert_eq!(found("<properties pageTitle=\"T\"\n  articleId=\"x\" />\n"), Vec::<String>::new());
    }

    #[test]
    fn shows_a_long_tag_on_one_line_and_cut() {
        let text = article(
            "",
            "See <Value Name=\"ServiceTriggered\"\n  Value=\"1\" Detail=\"a long description of it\" />.\n",
        );
        let d = check("placeholder-read-as-html", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`<Value Name=\"ServiceTriggered\" Value=\"1\" Detail=\"a long d…` is read as an HTML tag, so readers will not see it"
        );
    }

    #[test]
    fn fixes_with_a_backslash_in_text_and_an_entity_in_html_lines() {
        let text = article("", "Run <tool-name> now.\n\n<div>\n<tool-name>\n</div>\n");
        let d = check("placeholder-read-as-html", &text);
        let fixes: Vec<&str> = d.iter().map(|d| d.fix.as_ref().unwrap().replacement.as_str()).collect();
        assert_eq!(fixes, ["\\<", "&lt;"]);
        assert!(d.iter().all(|d| &text[d.fix.as_ref().unwrap().span.clone()] == "<"));
    }
}
