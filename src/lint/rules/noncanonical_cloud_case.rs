use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct NoncanonicalCloudCase;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB019",
    name: "noncanonical-cloud-case",
    default_level: Level::Allow,
    summary: "A cloud name in cloudEnvironments or disableClouds is not lowercase",
    docs: r#"## What it checks
Cloud names in `cloudEnvironments` and `disableClouds` written in another
case than the canonical lowercase (`Fairfax`, `MoonCake`, `PUBLIC`).

## Why
kbc and the portal accept any case, so nothing breaks. But per-cloud
outputs, searches across the knowledge base and downstream scripts compare
names literally; one spelling avoids surprises and keeps diffs small.

## Example
Bad:

```markdown
cloudEnvironments="Public, Fairfax, MoonCake"
```

Good:

```markdown
cloudEnvironments="public, fairfax, mooncake"
```

## How to fix
Write the names in lowercase. `kbc check --fix` does it, changing nothing
else in the file.

## Configuration
`noncanonical-cloud-case = "allow"` (default): an opt-in style rule. Set
`"warn"` to have one spelling; `kbc check --fix` lowercases the names.

Default level: the TPS Authoring Guide says of header values "Spaces and
capitalization don't matter" (Properties, Conventions), and several of its
templates write `blackForest`, `Fairfax`, `MoonCake`, so a cloud in another
case follows the house rules and is not reported unless you ask for it.
"#,
};

impl Rule for NoncanonicalCloudCase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for attr in ["cloudEnvironments", "disableClouds"] {
            for item in article.props.list(article.text(), attr) {
                let Some(cloud) = Cloud::parse(item.text).filter(|c| c.as_str() != item.text) else { continue };
                let msg = format!("cloud \"{}\" in {attr} should be written \"{cloud}\"", item.text);
                let d = Diagnostic::new(&META, item.span.clone(), msg).with_help(format!("write `{cloud}`"));
                out.push(d.with_fix(item.span, cloud.as_str()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_capitalised_cloud_names_with_a_lowercase_fix() {
        let text = article("  disableClouds=\"USSec\"\n", "").replace("\"public\"", "\"Public, fairfax, MoonCake\"");
        let d = check("noncanonical-cloud-case", &text);
        let fixes: Vec<_> = d.iter().map(|d| d.fix.as_ref().unwrap().replacement.as_str()).collect();
        assert_eq!(fixes, ["public", "mooncake", "ussec"]);
        assert_eq!(&text[d[1].span.clone()], "MoonCake");
    }

    #[test]
    fn accepts_lowercase_and_leaves_unknown_names_to_other_rules() {
        let text = article("", "").replace("\"public\"", "\"public, blackForest, Fairfx\"");
        assert!(check("noncanonical-cloud-case", &text).is_empty());
    }
}
