use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct UnsupportedTable;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB105",
    name: "unsupported-table",
    default_level: Level::Warning,
    summary: "A Markdown table, which the portal does not render",
    docs: r#"## What it checks
Markdown (pipe) tables in the article body.

## Why
The templates say "Formatting is not identical to Microsoft Docs - tables do
not work": the portal shows the raw pipes and dashes.

## Example
Bad:

```markdown
| SKU | Limit |
|-----|-------|
| S1  | 10    |
```

Good:

```markdown
* **S1**: up to 10 instances
```

## How to fix
Rewrite the table as a list, one item per row.

## Configuration
`unsupported-table = "warn"` (default).
"#,
};

impl Rule for UnsupportedTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        for table in &article.body.tables {
            let s = &text[table.clone()];
            let first_line = s.find(['\r', '\n']).unwrap_or(s.len());
            let span = table.start..table.start + first_line;
            out.push(
                Diagnostic::new(&META, span, "tables are not rendered by the portal").with_help("use a list instead"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_a_pipe_table_at_its_header_row() {
        let body = "Intro\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let text = article("", body);
        let d = check("unsupported-table", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "| a | b |");
    }

    #[test]
    fn ignores_tables_in_code_and_lone_pipes() {
        let body = "```\n| a | b |\n|---|---|\n```\n\nUse `a | b` or a|b.\n";
        assert!(check("unsupported-table", &article("", body)).is_empty());
    }
}
