use super::missing_required_attribute::{because, required};
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct EmptyRequiredAttribute;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB007",
    name: "empty-required-attribute",
    default_level: Level::Error,
    summary: "A required attribute is present but empty",
    docs: r#"## What it checks
That the attributes an article's `selfHelpType` requires have a value, not
just `""` or blanks. The table of required attributes is in
`kbc explain missing-required-attribute` (KB006).

## Why
Templates list every attribute with an empty value; an author who forgets to
fill one in ships an article the portal cannot place, exactly as if the
attribute were missing.

## Example
Bad:

```markdown
<properties
  pageTitle="Secrets scope is missing"
  selfHelpType="Apollo"
  supportTopicIds=""
  …
/>
```
Good: `supportTopicIds="32677721"`.

## How to fix
Fill in the value.

## Configuration
`empty-required-attribute = "deny"` (default).
"#,
};

impl Rule for EmptyRequiredAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for name in required(article) {
            let Some(attr) = article.props.get(name).filter(|a| a.value.trim().is_empty()) else { continue };
            // Point at the quotes: an empty value has nothing else to underline.
            let span = attr.value_span.start.saturating_sub(1)..attr.value_span.end + 1;
            out.push(
                Diagnostic::new(
                    &META,
                    span,
                    format!("required attribute `{}` is empty{}", attr.name, because(article, name)),
                )
                .with_help(format!("fill in the value of {}", attr.name)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_empty_required_value_at_its_quotes() {
        let text = article("", "")
            .replace("productPesIds=\"16432\"", "productPesIds=\"  \"")
            .replace("\"generic\"", "\"Apollo\"");
        let d = check("KB007", &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&text[d[0].span.clone()], "\"  \"");
        assert_eq!(d[0].message, "required attribute `productPesIds` is empty for selfHelpType \"Apollo\"");
    }

    #[test]
    fn allows_empty_optional_attributes() {
        assert!(check("KB007", &article("  resourceTags=\"\"\n  displayOrder=\"\"\n", "")).is_empty());
        let generic = article("", "").replace("\"32677721\"", "\"\"").replace("\"16432\"", "\"\"");
        assert!(check("KB007", &generic).is_empty(), "generic articles need no topics or products");
    }
}
