use super::bold_h2_for_other_section::heading_line;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct HeadingInIssueDescription;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB409",
    name: "heading-in-issue-description",
    default_level: Level::Warning,
    summary: "A heading inside `<!--issueDescription-->`",
    docs: r#"## What it checks
Markdown headings (`## Title`, or a line underlined with `---` or `===`)
between `<!--issueDescription-->` and `<!--/issueDescription-->`, in
insights (`selfHelpType` `diagnostics`, `rca`, `health`,
`serviceHealthInsights`), the cards the diagnostic template describes.
Troubleshooter content (`TSG_Content`) often wraps its whole body, headings
included, in the markers; the troubleshooter templates say nothing about
them, so those articles are not checked.

## Why
The diagnostic template puts the title outside the markers: "Diagnostic
Title or H2 OUTSIDE the issueDescription tag". The portal shows the issue
description as plain text, so a heading inside it appears as a line of
`#` signs in the middle of the summary.

## Example
Bad:

```markdown
<!--issueDescription-->
## High CPU on your server
CPU was above 90% for the last hour.
<!--/issueDescription-->
```

Good:

```markdown
## **High CPU on your server**
<!--issueDescription-->
CPU was above 90% for the last hour.
<!--/issueDescription-->
```

## How to fix
Move the heading above `<!--issueDescription-->`.

## Configuration
`heading-in-issue-description = "warn"` (default).
"#,
};

impl Rule for HeadingInIssueDescription {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !super::formatting_in_issue_description::is_insight(article) {
            return;
        }
        let regions = article.issue_descriptions();
        let text = article.text();
        for h in &article.body.headings {
            if regions.iter().any(|r| r.start <= h.span.start && h.span.end <= r.end) {
                let line = heading_line(text, &h.span);
                let msg = format!(
                    "heading `{}` inside the issue description is shown as plain text",
                    text[line.clone()].trim()
                );
                out.push(
                    Diagnostic::new(&META, line, msg).with_help("move the heading above `<!--issueDescription-->`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_headings_between_the_markers() {
        let body = "<!--issueDescription-->\n## High CPU\nCPU was high.\n<!--/issueDescription-->\n";
        let d = check("KB409", &article("", body).replace("\"generic\"", "\"rca\""));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "heading `## High CPU` inside the issue description is shown as plain text");
    }

    #[test]
    fn allows_headings_outside_the_markers() {
        let body = "## **High CPU**\n<!--issueDescription-->\nCPU was high.\n<!--/issueDescription-->\n\n## **Recommended Steps**\n";
        assert!(check("KB409", &article("", body).replace("\"generic\"", "\"rca\"")).is_empty());
        let tsg = "<!--issueDescription-->\n## Cause\nx\n<!--/issueDescription-->\n";
        assert!(check("KB409", &article("", tsg).replace("\"generic\"", "\"TSG_Content\"")).is_empty());
    }
}
