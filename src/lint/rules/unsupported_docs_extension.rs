use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use regex::Regex;
use std::sync::LazyLock;

pub(crate) struct UnsupportedDocsExtension;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB106",
    name: "unsupported-docs-extension",
    default_level: Level::Warning,
    summary: "Microsoft Docs markup (`[!NOTE]`, `:::` zones) that the portal does not render",
    docs: r#"## What it checks
Microsoft Docs Markdown extensions copied into an article: alerts such as
`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`, and `:::`
blocks (`::: zone`, `:::image`, `:::row`). Text inside code is ignored.
Solutions 2.0 (`selfHelpType="Apollo"`) articles may use their own
`:::Section Title:::` markers.

## Why
The templates say "Formatting is not identical to Microsoft Docs - tables do
not work, nor [!NOTE] tags": the portal prints the markers as text.

## Example
Bad:

```markdown
> [!NOTE]
> Restart the VM after resizing.
```

Good:

```markdown
> **Note:** Restart the VM after resizing.
```

## How to fix
Replace alerts with a bold lead-in (`**Note:**`) in a quote; remove `:::`
zones and keep the content that applies to the portal.

## Configuration
`unsupported-docs-extension = "warn"` (default).
"#,
};

static ALERT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?im)^[ \t]*(?:>[ \t]*)*(\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\])").unwrap());
static COLONS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^[ \t]*(?:>[ \t]*)*(:::[^\r\n]*)").unwrap());
static APOLLO_SECTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^:::\s*Section\b").unwrap());

impl Rule for UnsupportedDocsExtension {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        let body = &article.body;
        let apollo = article.self_help_type() == Some("apollo");
        let from = body.start;
        for m in ALERT.captures_iter(&text[from..]).filter_map(|c| c.get(1)) {
            let span = from + m.start()..from + m.end();
            if !body.in_code(span.start) {
                let msg = format!("`{}` alerts are not rendered by the portal", m.as_str());
                out.push(Diagnostic::new(&META, span, msg).with_help("use `> **Note:** …` instead"));
            }
        }
        for m in COLONS.captures_iter(&text[from..]).filter_map(|c| c.get(1)) {
            let span = from + m.start()..from + m.end();
            if body.in_code(span.start) || (apollo && APOLLO_SECTION.is_match(m.as_str())) {
                continue;
            }
            let msg = "`:::` blocks are Microsoft Docs markup the portal does not render";
            out.push(Diagnostic::new(&META, span, msg).with_help("remove the `:::` markers"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_alerts_and_zones() {
        let body = "> [!NOTE]\n> text\n\n[!Tip] x\n\n::: zone pivot=\"a\"\nx\n::: zone-end\n";
        let d = check("KB106", &article("", body));
        assert_eq!(d.iter().map(|d| d.span.len()).collect::<Vec<_>>(), [7, 6, 18, 12]);
    }

    #[test]
    fn allows_apollo_sections_code_and_prose_mentions() {
        let apollo = article("selfHelpType=\"Apollo\"\n", ":::Section Insights:::\n\ntext\n");
        assert!(check("KB106", &apollo.replace("  selfHelpType=\"generic\"\n", "")).is_empty());
        let body = "```\n> [!NOTE]\n:::image:::\n```\n\nTables do not work, nor [!NOTE] tags.\n";
        assert!(check("KB106", &article("", body)).is_empty());
    }
}
