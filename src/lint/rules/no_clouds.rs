use super::template_placeholder::is_placeholder;
use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct NoClouds;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB015",
    name: "no-clouds",
    default_level: Level::Error,
    summary: "The article is published to no cloud",
    docs: r#"## What it checks
That the article reaches at least one cloud: `cloudEnvironments` is present,
not empty, names at least one current cloud, and `disableClouds` does not
switch all of them off.
A template placeholder such as `<Product id>` is left to
`template-placeholder` (KB018).

## Why
An article is published only to the clouds it names, minus the disabled ones.
With none left it is written, reviewed and merged, and then never shown to
anyone.

## Example
Bad:

```markdown
cloudEnvironments="mooncake"
disableClouds="mooncake"
```
Good: remove `mooncake` from `disableClouds`, or name another cloud.

## How to fix
List the clouds the article is for in `cloudEnvironments` (`public`,
`fairfax`, `mooncake`, `usnat`, `ussec`) and disable only some of them.

## Configuration
`no-clouds = "deny"` (default).
"#,
};

impl Rule for NoClouds {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let placeholder = article.props.value("cloudEnvironments").is_some_and(is_placeholder);
        if article.has_header && !placeholder && article.effective_clouds().is_empty() {
            out.push(diagnostic(article));
        }
    }
}

fn diagnostic(article: &Article) -> Diagnostic {
    let props = &article.props;
    let Some(envs) = props.get("cloudEnvironments") else {
        return Diagnostic::new(
            &META,
            props.open_tag_span(),
            "article has no cloudEnvironments and is published nowhere",
        )
        .with_help("add cloudEnvironments=\"public\" (or the clouds the article is for)");
    };
    let quoted = envs.value_span.start.saturating_sub(1)..envs.value_span.end + 1;
    if envs.value.trim().is_empty() {
        return Diagnostic::new(&META, quoted, "cloudEnvironments is empty, so the article is published nowhere")
            .with_help("list the clouds the article is for, e.g. \"public, fairfax\"");
    }
    let named = props.list(article.text(), "cloudEnvironments").iter().any(|i| Cloud::parse(i.text).is_some());
    match props.get("disableClouds").filter(|_| named) {
        Some(disable) => Diagnostic::new(
            &META,
            disable.value_span.clone(),
            "disableClouds switches off every cloud in cloudEnvironments",
        )
        .with_label(article.path(), envs.value_span.clone(), "the clouds named here")
        .with_help("disable only the clouds the article must not reach"),
        None => Diagnostic::new(
            &META,
            envs.value_span.clone(),
            format!("cloudEnvironments \"{}\" names no current cloud", envs.value.trim()),
        )
        .with_help("the clouds are public, fairfax, mooncake, usnat and ussec"),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    fn with_clouds(v: &str, extra: &str) -> String {
        article(extra, "").replace("cloudEnvironments=\"public\"", &format!("cloudEnvironments=\"{v}\""))
    }

    #[test]
    fn reports_missing_and_empty_cloud_environments() {
        let text = article("", "").replace("  cloudEnvironments=\"public\"\n", "");
        assert_eq!(&text[check("KB015", &text)[0].span.clone()], "<properties");
        let text = with_clouds("", "");
        assert_eq!(&text[check("KB015", &text)[0].span.clone()], "\"\"");
    }

    #[test]
    fn reports_only_retired_or_unknown_clouds() {
        let d = check("KB015", &with_clouds("blackforest, mars", ""));
        assert_eq!(d[0].message, "cloudEnvironments \"blackforest, mars\" names no current cloud");
    }

    #[test]
    fn reports_every_cloud_disabled_at_disable_clouds() {
        let text = with_clouds("mooncake, fairfax", "  disableClouds=\"Fairfax;MoonCake\"\n");
        let d = check("KB015", &text);
        assert_eq!(&text[d[0].span.clone()], "Fairfax;MoonCake");
        assert_eq!(d[0].labels.len(), 1);
    }

    #[test]
    fn allows_articles_that_reach_a_cloud() {
        assert!(check("KB015", &with_clouds("public, fairfax", "  disableClouds=\"fairfax\"\n")).is_empty());
        assert!(check("KB015", "# no header\n").is_empty());
        assert!(check("KB015", &with_clouds("<cloud environments>", "")).is_empty());
    }
}
