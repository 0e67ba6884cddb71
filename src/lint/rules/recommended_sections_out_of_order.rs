use super::bold_h2_for_other_section::heading_line;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::body::Heading;

pub(crate) struct RecommendedSectionsOutOfOrder;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB111",
    name: "recommended-sections-out-of-order",
    default_level: Level::Warning,
    summary: "Recommended Documents comes before Recommended Steps, or either before the title",
    docs: r#"## What it checks
The order of the main sections: the H1 title, then Recommended Steps, then
Recommended Documents (headings compared without regard to case, bold or
a trailing colon). Either section may be missing. An article with several
Recommended Steps or Recommended Documents sections (one per sub-topic) is
only checked for its title coming first.

## Why
The TPS Authoring Guide (Document Markdown Conventions) says: "There are 4
main sections of your markdown file. They should appear in this order:
Properties section, Title, Recommended steps, Recommended Documents."
Readers expect the steps first and the further reading after them.

## Example
Bad:

```markdown
# My VM is slow

## **Recommended Documents**
* [Troubleshoot performance](https://docs.microsoft.com/azure/virtual-machines/troubleshooting/)

## **Recommended Steps**
1. Resize the VM.
```

Good: the same sections with Recommended Steps first.

## How to fix
Move the Recommended Documents section (heading and content) below
Recommended Steps, and both below the H1.

## Configuration
`recommended-sections-out-of-order = "warn"` (default).
"#,
};

impl Rule for RecommendedSectionsOutOfOrder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let headings = &article.body.headings;
        let title = article.body.h1();
        let is_title = |h: &Heading| title.is_some_and(|t| t.span == h.span);
        // An article with several Recommended sections (one pair per
        // sub-topic) is not the guide's four-section article: only its
        // title comes first.
        let only = |name: &str| {
            let mut found = headings.iter().filter(|h| !is_title(h) && named(h, name));
            let first = found.next();
            (first, found.next().is_none())
        };
        let (steps, one_step) = only("Recommended Steps");
        let (docs, one_doc) = only("Recommended Documents");
        let text = article.text();
        let mut report = |h: &Heading, msg: String| {
            out.push(
                Diagnostic::new(&META, heading_line(text, &h.span), msg)
                    .with_help("order the sections: title, Recommended Steps, Recommended Documents"),
            );
        };
        if let (Some(s), Some(d)) = (steps, docs)
            && one_step
            && one_doc
            && d.span.start < s.span.start
        {
            report(d, "Recommended Documents comes before Recommended Steps".into());
        }
        for h in [steps, docs].into_iter().flatten() {
            if let Some(t) = title.filter(|t| h.span.start < t.span.start) {
                report(h, format!("`{}` comes before the title `{}`", h.text, t.text));
            }
        }
    }
}

fn named(h: &Heading, name: &str) -> bool {
    h.text.trim().trim_end_matches(':').trim().eq_ignore_ascii_case(name)
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_documents_before_steps() {
        let text = article("", "## **Recommended Documents**\n\n* a\n\n## **Recommended steps:**\n\n1. b\n");
        let d = check("KB111", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "## **Recommended Documents**");
    }

    #[test]
    fn reports_a_section_above_the_title() {
        let text = "<properties pageTitle=\"T\" />\n## **Recommended Steps**\n\n1. a\n\n# Title\n";
        let d = check("KB111", text);
        assert_eq!(d[0].message, "`Recommended Steps` comes before the title `Title`");
    }

    #[test]
    fn allows_the_template_order_and_missing_sections() {
        let body = "## **Recommended Steps**\n\n1. a\n\n### Note\n\n## **Recommended Documents**\n\n* b\n";
        assert!(check("KB111", &article("", body)).is_empty());
        assert!(check("KB111", &article("", "## **Recommended Documents**\n\n* b\n")).is_empty());
        let per_topic = "## A\n\n## **Recommended Documents**\n\n* a\n\n## B\n\n## **Recommended Steps**\n\n1. b\n\n## **Recommended Documents**\n\n* c\n";
        assert!(check("KB111", &article("", per_topic)).is_empty());
    }
}
