use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct EmptySection;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB103",
    name: "empty-section",
    default_level: Level::Warning,
    summary: "A heading has no content before the next heading",
    docs: r#"## What it checks
Headings below the H1 followed by nothing (only blank lines or HTML
comments) before the next heading of the same or a higher level, or the end
of the article. A heading followed by its own subsections is not empty.

## Why
An empty **Recommended Steps** or **Recommended Documents** section shows a
heading with nothing under it; usually a template section that was never
filled in.

## Example
Bad:

```markdown
## **Recommended Steps**

## **Recommended Documents**

* [Troubleshoot connectivity](https://docs.microsoft.com/azure/...)
```

Good:

```markdown
## **Recommended Steps**

1. Restart the cluster.

## **Recommended Documents**

* [Troubleshoot connectivity](https://docs.microsoft.com/azure/...)
```

## How to fix
Write the section's content, or delete the heading.

## Configuration
`empty-section = "warn"` (default).
"#,
};

impl Rule for EmptySection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let body = &article.body;
        let text = article.text();
        // A heading that is the whole issue description is a statement, not a section.
        let issue = article.issue_descriptions();
        for (i, h) in body.headings.iter().enumerate().filter(|(_, h)| h.level > 1) {
            let next = body.headings.get(i + 1);
            if next.is_some_and(|n| n.level > h.level) || issue.iter().any(|r| r.contains(&h.span.start)) {
                continue;
            }
            let end = next.map_or(text.len(), |n| n.span.start);
            if is_blank(&text[h.span.end.min(end)..end]) {
                let msg = format!("section `{}` is empty", h.text);
                out.push(
                    Diagnostic::new(&META, h.span.clone(), msg).with_help("write its content or remove the heading"),
                );
            }
        }
    }
}

/// Only whitespace and HTML comments.
pub(crate) fn is_blank(mut s: &str) -> bool {
    loop {
        s = s.trim_start();
        match s.strip_prefix("<!--") {
            Some(rest) => match rest.find("-->") {
                Some(end) => s = &rest[end + 3..],
                None => return true,
            },
            None => return s.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_a_heading_followed_by_a_sibling_or_the_end() {
        let body = "## **Recommended Steps**\n\n<!-- todo -->\n\n## **Recommended Documents**\n\n";
        let d = check("empty-section", &article("", body));
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("Recommended Steps"));
    }

    #[test]
    fn accepts_a_heading_that_is_the_issue_description() {
        let body =
            "<!--issueDescription-->\n## Backup failed\n<!--/issueDescription-->\n\n## **Recommended Steps**\n\nx\n";
        assert!(check("empty-section", &article("", body)).is_empty());
    }

    #[test]
    fn accepts_sections_with_content_or_subsections() {
        let body = "## **Recommended Steps**\n\n### **Cause**\n\nText.\n\n## **Recommended Documents**\n\n* [a](https://b.test)\n";
        assert!(check("empty-section", &article("", body)).is_empty());
    }
}
