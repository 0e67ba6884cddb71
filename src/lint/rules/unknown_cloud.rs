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
            let items = article.props.list(article.text(), attr);
            let listed: Vec<Cloud> = items.iter().filter_map(|i| Cloud::parse(i.text)).collect();
            for item in &items {
                if Cloud::parse(item.text).is_some() || is_retired(item.text) || is_placeholder(item.text) {
                    continue;
                }
                out.push(
                    Diagnostic::new(&META, item.span.clone(), format!("unknown cloud \"{}\" in {attr}", item.text))
                        .with_help(suggestion(item.text, &listed)),
                );
            }
        }
    }
}

pub(crate) fn is_retired(name: &str) -> bool {
    Cloud::RETIRED.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// A cloud the item may stand for; when that cloud is already `listed`, the
/// item is a stray copy and replacing it would list the cloud twice (the
/// editor's quick fix applies a bare "did you mean"), so the help says to
/// remove it instead.
fn suggestion(name: &str, listed: &[Cloud]) -> String {
    let alias = ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(name)).map(|(_, c)| c.as_str());
    match alias.or_else(|| did_you_mean(name, Cloud::ALL.iter().map(|c| c.as_str()))) {
        Some(c) if listed.iter().any(|l| l.as_str() == c) => {
            format!("`{c}` is already listed: remove \"{name}\"")
        }
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
    fn a_misspelt_copy_of_a_listed_cloud_is_to_be_removed_not_replaced() {
        let d = check("KB013", &with_clouds("public, publc, fairfx"));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].help.as_deref(), Some("`public` is already listed: remove \"publc\""));
        assert_eq!(d[1].help.as_deref(), Some("did you mean `fairfax`?"));
        let d = check("KB013", &with_clouds("PUBLIC; azurecloud"));
        assert_eq!(d[0].help.as_deref(), Some("`public` is already listed: remove \"azurecloud\""));
    }

    #[test]
    fn allows_known_clouds_in_any_case_and_retired_ones() {
        assert!(check("KB013", &with_clouds("Public;FairFax, MoonCake,USNat ,USSec, BlackForest")).is_empty());
        assert!(check("KB013", &with_clouds("<cloud environments>")).is_empty());
    }
}
