use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::portal::{self, Marker};

pub(crate) struct UnbalancedIssueDescription;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB404",
    name: "unbalanced-issue-description",
    default_level: Level::Error,
    summary: "`<!--issueDescription-->` without `<!--/issueDescription-->` (or the reverse)",
    docs: r#"## What it checks
That every `<!--issueDescription-->` is closed by a later
`<!--/issueDescription-->`, and every closing marker has an opening one.
Markers inside code are ignored.

## Why
The portal shows the text between the two markers as the issue summary of a
diagnostic. With one marker missing, it shows nothing, or the whole rest of
the article.

## Example
Bad:

```markdown
<!--issueDescription-->
Your VM restarted because of a host update.

## **Recommended Steps**
```

Good:

```markdown
<!--issueDescription-->
Your VM restarted because of a host update.
<!--/issueDescription-->

## **Recommended Steps**
```

## How to fix
Add the missing marker on its own line at the end (or start) of the issue
description.

## Configuration
`unbalanced-issue-description = "deny"` (default).
"#,
};

impl Rule for UnbalancedIssueDescription {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let all = article.portal_markers();
        let issue: Vec<&Marker> = all.iter().filter(|m| portal::is_issue_description(m)).collect();
        for m in portal::pair(&issue).1 {
            let (msg, help) = if m.closing {
                ("`<!--/issueDescription-->` has no opening marker", "add `<!--issueDescription-->` where it starts")
            } else {
                ("`<!--issueDescription-->` is never closed", "add `<!--/issueDescription-->` where it ends")
            };
            out.push(Diagnostic::new(&META, m.span.clone(), msg).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_unclosed_and_stray_closing_markers() {
        let body = "<!--issueDescription-->\nText\n\n## **Recommended Steps**\n\n<!--/issueDescription-->\n<!--/issueDescription-->\n";
        let d = check("unbalanced-issue-description", &article("", body));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("no opening"));
        let d = check("unbalanced-issue-description", &article("", "<!--issueDescription-->\nText\n"));
        assert!(d[0].message.contains("never closed"));
    }

    #[test]
    fn accepts_balanced_markers() {
        let body = "<!--issueDescription-->\nText <!--$A-->a<!--/$A-->\n<!--/issueDescription-->\n";
        assert!(check("unbalanced-issue-description", &article("", body)).is_empty());
    }
}
