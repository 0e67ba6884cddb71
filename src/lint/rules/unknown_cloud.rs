use super::template_placeholder::is_placeholder;
use crate::article::Article;
use crate::article::vocab::{Cloud, did_you_mean};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct UnknownCloud;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB013",
    name: "unknown-cloud",
    default_level: Level::Error,
    summary: "cloudEnvironments or disableClouds names a cloud that does not exist",
    docs: r#"## What it checks
That every item of `cloudEnvironments` and `disableClouds` is a cloud:
`public`, `fairfax`, `mooncake`, `usnat` or `ussec` (any case, separated by
commas or semicolons). The retired `blackforest` is reported by
`retired-cloud` (KB014) instead. Misspellings get a "did you mean", and common
other names for a cloud (`usgov`, `china`, `azurecloud`) are translated.
A template placeholder such as `<Product id>` is left to
`template-placeholder` (KB018).

## Why
An article is published only to the clouds it names. A misspelt cloud is
silently dropped, so the article is missing from that cloud.

## Example
Bad:

```markdown
cloudEnvironments="public, fairfx, azurechinacloud"
```
Good: `cloudEnvironments="public, fairfax, mooncake"`.

## How to fix
Use the cloud names above.

## Configuration
`unknown-cloud = "deny"` (default).
"#,
};

/// Other names people use for a cloud.
const ALIASES: &[(&str, Cloud)] = &[
    ("azurecloud", Cloud::Public),
    ("global", Cloud::Public),
    ("worldwide", Cloud::Public),
    ("usgov", Cloud::Fairfax),
    ("usgovernment", Cloud::Fairfax),
    ("azureusgovernment", Cloud::Fairfax),
    ("china", Cloud::Mooncake),
    ("azurechina", Cloud::Mooncake),
    ("azurechinacloud", Cloud::Mooncake),
];

impl Rule for UnknownCloud {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for attr in ["cloudEnvironments", "disableClouds"] {
            for item in article.props.list(article.text(), attr) {
                if Cloud::parse(item.text).is_some() || is_retired(item.text) || is_placeholder(item.text) {
                    continue;
                }
                out.push(
                    Diagnostic::new(&META, item.span.clone(), format!("unknown cloud \"{}\" in {attr}", item.text))
                        .with_help(suggestion(item.text)),
                );
            }
        }
    }
}

pub(crate) fn is_retired(name: &str) -> bool {
    Cloud::RETIRED.iter().any(|r| r.eq_ignore_ascii_case(name))
}

fn suggestion(name: &str) -> String {
    let alias = ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(name)).map(|(_, c)| c.as_str());
    match alias.or_else(|| did_you_mean(name, Cloud::ALL.iter().map(|c| c.as_str()))) {
        Some(c) => format!("did you mean `{c}`?"),
        None => "the clouds are public, fairfax, mooncake, usnat and ussec".into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    fn with_clouds(v: &str) -> String {
        article("", "").replace("cloudEnvironments=\"public\"", &format!("cloudEnvironments=\"{v}\""))
    }

    #[test]
    fn reports_misspelt_cloud_with_suggestion() {
        let text = with_clouds("public, fairfx");
        let d = check("KB013", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "fairfx");
        assert_eq!(d[0].message, "unknown cloud \"fairfx\" in cloudEnvironments");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `fairfax`?"));
    }

    #[test]
    fn translates_other_names_and_checks_disable_clouds() {
        let d = check("KB013", &with_clouds("AzureChinaCloud"));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `mooncake`?"));
        let d = check("KB013", &article("  disableClouds=\"mars\"\n", ""));
        assert!(d[0].message.contains("\"mars\" in disableClouds"));
    }

    #[test]
    fn allows_known_clouds_in_any_case_and_retired_ones() {
        assert!(check("KB013", &with_clouds("Public;FairFax, MoonCake,USNat ,USSec, BlackForest")).is_empty());
        assert!(check("KB013", &with_clouds("<cloud environments>")).is_empty());
    }
}
