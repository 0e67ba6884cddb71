use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::body::Heading;

pub(crate) struct RecommendedHeadingFormat;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB102",
    name: "recommended-heading-format",
    default_level: Level::Warning,
    summary: "Recommended Steps / Recommended Documents is not a bold H2",
    docs: r#"## What it checks
Headings reading "Recommended Steps" or "Recommended Documents" (any case,
with or without a trailing colon, or in the singular) must be written as the templates show: a
bold H2 without a colon, `## **Recommended Steps**` and
`## **Recommended Documents**`. Sentence case (`## **Recommended steps**`)
is accepted. A bold paragraph standing in for the heading
(`**Recommended Steps**` alone on a line) is reported too.

## Why
The templates say these headings "must be entered as shown above (bolded
H2)": the portal styles and finds these sections by that form. Other levels
or plain text still render, which is why this is a warning rather than an
error.

## Example
Bad:

```markdown
### Recommended steps:
```

Good:

```markdown
## **Recommended Steps**
```

## How to fix
Rewrite the heading as `## **Recommended Steps**` or
`## **Recommended Documents**`. Use bold H3s (`### **Cause**`) for other
sections: bold H2s are reserved for these two.

## Configuration
`recommended-heading-format = "warn"` (default).
"#,
};

const CANONICAL: [&str; 2] = ["Recommended Steps", "Recommended Documents"];

impl Rule for RecommendedHeadingFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        bold_paragraphs(article, out);
        for h in &article.body.headings {
            let Some(canonical) = canonical_for(h) else { continue };
            // Sentence case (`Recommended documents`) is house style elsewhere; accept it.
            if h.level == 2 && h.bold && h.text.trim().eq_ignore_ascii_case(canonical) {
                continue;
            }
            let line = heading_line(article.text(), h);
            let msg = format!("`{}` should be written `## **{canonical}**`", article.text()[line.clone()].trim());
            let help = "the templates require this heading as a bold H2, exactly as shown";
            out.push(Diagnostic::new(&META, line, msg).with_help(help));
        }
    }
}

/// `**Recommended Steps**` alone on a line: a paragraph posing as a heading.
fn bold_paragraphs(article: &Article, out: &mut Vec<Diagnostic>) {
    let text = article.text();
    for e in article.body.emphasis.iter().filter(|e| e.strong) {
        let inner = text[e.span.clone()].trim_matches(['*', '_']).trim().trim_end_matches(':').trim();
        let Some(canonical) = CANONICAL.into_iter().find(|c| c.eq_ignore_ascii_case(inner)) else { continue };
        let line_start = text[..e.span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[e.span.end..].find('\n').map_or(text.len(), |i| e.span.end + i);
        if text[line_start..line_end].trim() != text[e.span.clone()].trim() {
            continue;
        }
        let msg = format!("bold text `{}` should be the heading `## **{canonical}**`", text[e.span.clone()].trim());
        out.push(Diagnostic::new(&META, e.span.clone(), msg).with_help("make it a bold H2: `## **…**`"));
    }
}

/// The section a heading names, in any case, with or without a colon, and in
/// the singular (`Recommended Document`) that authors sometimes write.
pub(crate) fn canonical_for(h: &Heading) -> Option<&'static str> {
    let text = h.text.trim().trim_end_matches(':').trim();
    CANONICAL.into_iter().find(|c| c.eq_ignore_ascii_case(text) || c[..c.len() - 1].eq_ignore_ascii_case(text))
}

/// The heading's first line, without the line break.
fn heading_line(text: &str, h: &Heading) -> crate::source::Span {
    let s = &text[h.span.clone()];
    let len = s.find(['\r', '\n']).unwrap_or(s.len());
    h.span.start..h.span.start + len
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_plain_wrong_level_and_wrong_case_headings() {
        let body =
            "## Recommended Steps\n\nx\n\n### **Recommended Documents**\n\ny\n\n## **Recommended steps:**\n\nz\n";
        let d = check("KB102", &article("", body));
        assert_eq!(d.len(), 3);
        assert!(d[0].message.contains("## **Recommended Steps**"));
    }

    #[test]
    fn reports_the_singular_as_a_misspelling() {
        let d = check("KB102", &article("", "## **Recommended Document**\n\nx\n"));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("## **Recommended Documents**"), "{}", d[0].message);
    }

    #[test]
    fn reports_a_bold_paragraph_used_as_the_heading() {
        let body = "**Recommended Documents:**\n\n* [a](https://x.test)\n\nSee the **Recommended Steps** below.\n";
        let d = check("KB102", &article("", body));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("bold text `**Recommended Documents:**`"));
    }

    #[test]
    fn accepts_bold_h2_and_unrelated_headings() {
        let body = "## **Recommended Steps**\n\nx\n\n## **Recommended documents**\n\ny\n\n### Recommended reading\n";
        assert!(check("KB102", &article("", body)).is_empty());
    }
}
