use super::template_placeholder::is_placeholder;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct InvalidDisplayOrder;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB017",
    name: "invalid-display-order",
    default_level: Level::Error,
    summary: "displayOrder is not a whole number",
    docs: r#"## What it checks
That `displayOrder`, when it has a value, is a whole number such as `10` or
`-1`. An empty `displayOrder=""` is fine: the article is then ordered by title.
A template placeholder such as `<Product id>` is left to
`template-placeholder` (KB018).

## Why
The portal sorts articles by this number. A value it cannot read as a number
breaks the sort for the whole list the article is in.

## Example
Bad:

```markdown
displayOrder="first"
displayOrder="1.5"
```
Good: `displayOrder="1"`.

## How to fix
Use a whole number, or leave the value empty.

## Configuration
`invalid-display-order = "deny"` (default).
"#,
};

impl Rule for InvalidDisplayOrder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for attr in article.props.all("displayOrder") {
            let value = attr.value.trim();
            if value.is_empty() || value.parse::<i64>().is_ok() || is_placeholder(value) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &META,
                    attr.value_span.clone(),
                    format!("displayOrder \"{value}\" is not a whole number"),
                )
                .with_help("use a whole number such as 10, or leave it empty"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_words_and_fractions() {
        for v in ["first", "1.5", "1,000"] {
            let text = article(&format!("  displayOrder=\"{v}\"\n"), "");
            let d = check("KB017", &text);
            assert_eq!(d.len(), 1, "{v}");
            assert_eq!(&text[d[0].span.clone()], v);
        }
    }

    #[test]
    fn allows_integers_and_empty_values() {
        for v in ["10", "-1", " 7 ", ""] {
            assert!(check("KB017", &article(&format!("  displayOrder=\"{v}\"\n"), "")).is_empty(), "{v}");
        }
    }
}
