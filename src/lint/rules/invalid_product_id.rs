use super::invalid_support_topic_id::check_ids;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct InvalidProductId;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB010",
    name: "invalid-product-id",
    default_level: Level::Error,
    summary: "A product id is neither a number nor a GUID",
    docs: r#"## What it checks
That every item of `productPesIds` is a product id: a number (`16432`) or a
GUID (`17d72dfc-8f48-94cb-05e6-5f88efdf72d7`). Items are separated by commas
or semicolons.
A template placeholder such as `<Product id>` is left to
`template-placeholder` (KB018).

## Why
The portal matches an article to a support request by product. An item that
is not an id (a product name, a placeholder) matches nothing.

## Example
Bad:

```markdown
productPesIds="Azure Databricks"
```
Good: `productPesIds="16432"`.

## How to fix
Look the product up in the product catalogue and use its id.

## Configuration
`invalid-product-id = "deny"` (default).
"#,
};

impl Rule for InvalidProductId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        out.extend(check_ids(article, "productPesIds", &META, "product id"));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_a_product_name_in_place_of_an_id() {
        let text = article("", "").replace("productPesIds=\"16432\"", "productPesIds=\"16432, Azure Databricks\"");
        let d = check("KB010", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "Azure Databricks");
        assert_eq!(d[0].message, "product id \"Azure Databricks\" is neither a number nor a GUID");
    }

    #[test]
    fn allows_numbers_and_guids() {
        let text = article("", "").replace("\"16432\"", "\"16432;17d72dfc-8f48-94cb-05e6-5f88efdf72d7\"");
        assert!(check("KB010", &text).is_empty());
    }
}
