use super::recommended_heading_format::canonical_for;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::body::Heading;
use crate::source::Span;

pub(crate) struct BoldH2ForOtherSection;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB109",
    name: "bold-h2-for-other-section",
    default_level: Level::Warning,
    summary: "A bold H2 heading other than Recommended Steps or Recommended Documents",
    docs: r#"## What it checks
Bold H2 headings (`## **Cause**`) other than `## **Recommended Steps**` and
`## **Recommended Documents**`. The first H2 is left alone when it is a
title the templates ask for: the issue title of an Apollo (Solutions 2.0)
article, or a diagnostic's title above `<!--issueDescription-->` ("Diagnostic
Title or H2 OUTSIDE the issueDescription tag"). Misspelt Recommended
headings (`## **Recommended Document**`) are left to
`recommended-heading-format`, and headings inside the issue description to
`heading-in-issue-description`.
Plain H2s are not reported: the templates only reserve the bold form, and
the Apollo template requires a plain H2 title.

## Why
The TSG content template says: "Bolded H2 headers are reserved for
**Recommended Steps** or **Recommended Documents**. If you wish to use a
header to separate sections, use the H3 header." The portal finds and
styles the two sections by that form, so another bold H2 looks like one of
them.

This rule is noisy on legacy content (`## **Problem**`, `## **Cause**`,
`## **Solution**` in older articles).

## Example
Bad:

```markdown
## **Cause**
```

Good:

```markdown
### **Cause**
```

## How to fix
Make the heading an H3. For headings written with `##`, `kbc check --fix`
adds the third `#`.

## Configuration
`bold-h2-for-other-section = "warn"` (default).
"#,
};

impl Rule for BoldH2ForOtherSection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        // The marker scan is only worth it when the text has a marker.
        static MARKER: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new("(?i)issueDescription").expect("valid regex"));
        let regions = if MARKER.is_match(text) { article.issue_descriptions() } else { Vec::new() };
        let inside = |h: &Heading| regions.iter().any(|r| r.start <= h.span.start && h.span.end <= r.end);
        let mut h2s = article.body.headings.iter().filter(|h| h.level == 2).peekable();
        // The first H2 may be the issue title (Apollo) or, above the issue
        // description, the diagnostic title (the diagnostic template).
        let title_before = regions.first().map_or(0, |r| r.start);
        if article.self_help_type() == Some("apollo") || h2s.peek().is_some_and(|h| h.span.end <= title_before) {
            h2s.next();
        }
        // Misspelt Recommended headings are `recommended-heading-format`'s, and
        // headings inside the issue description `heading-in-issue-description`'s.
        for h in h2s.filter(|h| h.bold && canonical_for(h).is_none() && !inside(h)) {
            let line = heading_line(text, &h.span);
            let msg = format!(
                "bold H2 `{}` is reserved for Recommended Steps and Recommended Documents",
                text[line.clone()].trim()
            );
            let mut d =
                Diagnostic::new(&META, line.clone(), msg).with_help("use an H3 for other sections: `### **…**`");
            let written = &text[line.clone()];
            let indent = written.len() - written.trim_start().len();
            if written[indent..].starts_with("## ") {
                let at = line.start + indent;
                d = d.with_fix(at..at + 2, "###");
            }
            out.push(d);
        }
    }
}

/// A heading's first line, without the line break.
pub(crate) fn heading_line(text: &str, span: &Span) -> Span {
    let s = &text[span.clone()];
    span.start..span.start + s.find(['\r', '\n']).unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_other_bold_h2s_with_a_fix_to_h3() {
        let text = article("", "## **Cause**\n\nx\n\n  ## **Solution:**\n\ny\n");
        let d = check("KB109", &text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "bold H2 `## **Cause**` is reserved for Recommended Steps and Recommended Documents");
        let fix = d[1].fix.as_ref().unwrap();
        assert_eq!((&text[fix.span.clone()], fix.replacement.as_str()), ("##", "###"));
    }

    #[test]
    fn allows_the_reserved_headings_plain_h2s_bold_h3s_and_the_apollo_title() {
        let body = "## **Recommended steps:**\n\nx\n\n## **Recommended Documents**\n\ny\n\n## Cause\n\nz\n\n### **Cause**\n\nw\n";
        assert!(check("KB109", &article("", body)).is_empty());
        let apollo = article("", "## **Issue title**\n\nx\n").replace("\"generic\"", "\"Apollo\"");
        assert!(check("KB109", &apollo).is_empty());
        let diagnostic = "## **High CPU**\n<!--issueDescription-->\nCPU was high.\n<!--/issueDescription-->\n\n## **Recommended Document**\n";
        assert!(check("KB109", &article("", diagnostic)).is_empty());
        let setext = article("", "**Cause**\n---------\n\nx\n");
        assert!(check("KB109", &setext).iter().all(|d| d.fix.is_none()));
    }
}
