use super::unknown_cloud::is_retired;
use crate::article::Article;
use crate::article::properties::removal_span;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct RetiredCloud;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB014",
    name: "retired-cloud",
    default_level: Level::Allow,
    summary: "cloudEnvironments or disableClouds names a retired cloud",
    docs: r#"## What it checks
That `cloudEnvironments` and `disableClouds` do not name a retired cloud:
`blackforest` (Azure Germany, closed in 2021).

## Why
Nothing is published to a retired cloud, so the name does nothing. It is
noise that gets copied into every new article made from an old one, and it
can hide the fact that an article reaches fewer clouds than it seems to.

## Example
Bad:

```markdown
cloudEnvironments="public, blackforest, fairfax"
```
Good: `cloudEnvironments="public, fairfax"`.

## How to fix
Delete the name and its comma; `kbc check --fix` does it, unless the retired
cloud is the only one listed (then name the clouds the article is for).

## Configuration
`retired-cloud = "allow"` (default): an opt-in clean-up rule. Set `"warn"` to
find the retired names; `kbc check --fix` removes one from a list that names
other clouds.

Default level: the authoring templates themselves list the retired cloud
(`cloudEnvironments="public, blackForest, fairfax, mooncake, usnat, ussec"`
in the Apollo template, the diagnostic and scoping-question samples and the
support topic template), so an article that keeps it follows the house
rules. It publishes nowhere, which harms nothing; an article left with no
cloud at all is reported by `no-clouds` (KB015).
"#,
};

impl Rule for RetiredCloud {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for attr in ["cloudEnvironments", "disableClouds"] {
            let items = article.props.list(article.text(), attr);
            for (i, item) in items.iter().enumerate().filter(|(_, it)| is_retired(it.text)) {
                let message = format!("\"{}\" in {attr} is a retired cloud", item.text);
                let d = Diagnostic::new(&META, item.span.clone(), message)
                    .with_help("delete it; nothing is published to a retired cloud");
                // Deleting the only cloud would leave an empty list: that needs a person.
                out.push(if items.len() > 1 { d.with_fix(removal_span(&items, i), "") } else { d });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_blackforest_with_a_fix_that_removes_it() {
        let text = article("", "").replace("\"public\"", "\"public,BlackForest, fairfax\"");
        let d = check("KB014", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "BlackForest");
        assert_eq!(&text[d[0].fix.as_ref().unwrap().span.clone()], ",BlackForest");
    }

    #[test]
    fn offers_no_fix_when_the_retired_cloud_is_the_only_one() {
        let text = article("", "").replace("\"public\"", "\"blackforest\"");
        let d = check("KB014", &text);
        assert_eq!(d.len(), 1);
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn allows_current_clouds() {
        assert!(check("KB014", &article("  disableClouds=\"mooncake\"\n", "")).is_empty());
    }
}
