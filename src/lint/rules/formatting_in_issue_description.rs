use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct FormattingInIssueDescription;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB405",
    name: "formatting-in-issue-description",
    default_level: Level::Warning,
    summary: "A link, bold or italic text inside `<!--issueDescription-->`",
    docs: r#"## What it checks
Links (including blade links), bold and italic text between
`<!--issueDescription-->` and `<!--/issueDescription-->`. Bold or italic
around a replacement token's value (`**<!--$Db-->db<!--/$Db-->**`), as the
diagnostic sample article does, is allowed.

Only insights are checked: articles whose `selfHelpType` is `diagnostics`,
`rca`, `health` or `serviceHealthInsights`, the cards the diagnostic
template describes. Troubleshooter content (`TSG_Content`) often wraps its
whole body in the markers; the troubleshooter templates say nothing about
them, so kbc does not hold those articles to the diagnostic template's rule.

## Why
The diagnostic template says: "Please do NOT use links (internal/blade or
external), bold, or italic text formatting within the issueDescription
tags." The issue description is shown as plain text, so the markup appears
as literal asterisks and brackets.

## Example
Bad:

```markdown
<!--issueDescription-->
Your database **<!--$DatabaseName-->db<!--/$DatabaseName-->** hit the
[request limit](https://docs.microsoft.com/azure/azure-sql/database/resource-limits-logical-server).
<!--/issueDescription-->
```

Good:

```markdown
<!--issueDescription-->
Your database <!--$DatabaseName-->db<!--/$DatabaseName--> hit the request limit.
<!--/issueDescription-->

## **Recommended Documents**

* [Resource limits](https://docs.microsoft.com/azure/azure-sql/database/resource-limits-logical-server)
```

## How to fix
Remove the markup from the issue description; move links to Recommended
Steps or Recommended Documents.

## Configuration
`formatting-in-issue-description = "warn"` (default).
"#,
};

impl Rule for FormattingInIssueDescription {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !is_insight(article) {
            return;
        }
        let regions = article.issue_descriptions();
        let inside = |s: &Span| regions.iter().any(|r| r.start <= s.start && s.end <= r.end);
        let body = &article.body;
        for link in body.all_links().filter(|l| inside(&l.span)) {
            let what = if link.image { "an image" } else { "a link" };
            let msg = format!("issue description contains {what}; it is shown as plain text");
            out.push(Diagnostic::new(&META, link.span.clone(), msg).with_help(HELP));
        }
        // The diagnostic sample bolds token values (`**<!--$Db-->db<!--/$Db-->**`): allowed.
        let around_token = |s: &Span| article.text()[s.clone()].contains("<!--$");
        for e in body.emphasis.iter().filter(|e| inside(&e.span) && !around_token(&e.span)) {
            let what = if e.strong { "bold" } else { "italic" };
            let msg = format!("issue description contains {what} text; it is shown as plain text");
            out.push(Diagnostic::new(&META, e.span.clone(), msg).with_help(HELP));
        }
    }
}

/// An insight card, whose issue description the diagnostic template governs.
pub(crate) fn is_insight(article: &Article) -> bool {
    matches!(article.self_help_type(), Some("diagnostics" | "rca" | "health" | "servicehealthinsights"))
}

const HELP: &str = "remove the formatting; put links under Recommended Steps or Recommended Documents";

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_links_bold_and_italic_inside_the_description() {
        let body = "<!--issueDescription-->\nDB **x** and *y* see [z](https://a.test)\n<!--/issueDescription-->\n";
        let d = check("KB405", &article("", body).replace("\"generic\"", "\"Diagnostics\""));
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn leaves_troubleshooter_content_alone() {
        let body = "<!--issueDescription-->\nDB **x** and *y* see [z](https://a.test)\n<!--/issueDescription-->\n";
        let tsg = article("", body).replace("\"generic\"", "\"TSG_Content\"");
        assert!(check("KB405", &tsg).is_empty());
    }

    #[test]
    fn accepts_formatting_outside_the_description() {
        let body = "<!--issueDescription-->\nPlain **<!--$A-->a<!--/$A--> (UTC)**\n<!--/issueDescription-->\n\n**Bold** [z](https://a.test)\n";
        assert!(check("KB405", &article("", body)).is_empty());
    }
}
