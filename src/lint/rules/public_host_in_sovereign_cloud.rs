use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::Url;
use crate::vocab::Cloud;

pub(crate) struct PublicHostInSovereignCloud;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB209",
    name: "public-host-in-sovereign-cloud",
    default_level: Level::Warning,
    summary: "A link to a public-cloud-only host in an article published to a sovereign cloud",
    docs: r#"## What it checks
Links to hosts that exist only in the public cloud (the Azure portal
`portal.azure.com`, `management.azure.com`, `login.microsoftonline.com`) in
articles published to fairfax, mooncake, usnat or ussec, when book.toml has
no `[clouds.<name>] rewrite` for that URL and cloud.

## Why
Sovereign clouds have their own portals and endpoints (for example
`portal.azure.us` for fairfax, `portal.azure.cn` for mooncake). A public
portal link in a sovereign-cloud article sends the reader to a portal where
their resources do not exist.

## Example
Bad, in an article with `cloudEnvironments="public, fairfax"` and no rewrite:

```markdown
Open the [Azure portal](https://portal.azure.com/#blade/HubsExtension/BrowseAll).
```

Good: add a rewrite in book.toml so each cloud's output links to its own
portal:

```toml
[clouds.fairfax.rewrite]
"https://portal.azure.com" = "https://portal.azure.us"
```

## How to fix
Add a `[clouds.<name>.rewrite]` entry for the host, or use a portal-relative
`data-blade:` link, or split the article per cloud.

## Configuration
`public-host-in-sovereign-cloud = "warn"` (default). Rewrites live in
`[clouds.<name>.rewrite]` of book.toml.
"#,
};

/// Hosts that only serve the public cloud.
const PUBLIC_ONLY: &[&str] = &["portal.azure.com", "management.azure.com", "login.microsoftonline.com"];

impl Rule for PublicHostInSovereignCloud {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let sovereign: Vec<_> = article.effective_clouds().into_iter().filter(|c| c.is_sovereign()).collect();
        if sovereign.is_empty() {
            return;
        }
        for link in article.body.all_links() {
            let url = Url::parse(&link.url);
            if !url.is_web() || !PUBLIC_ONLY.iter().any(|h| url.host_is(h)) {
                continue;
            }
            let missing: Vec<&str> =
                sovereign.iter().filter(|&&c| !rewritten(cx, c, &link.url)).map(|c| c.as_str()).collect();
            if missing.is_empty() {
                continue;
            }
            let msg = format!("`{}` is a public-cloud host; this link is wrong on {}", url.host, missing.join(", "));
            let help = format!("add a rewrite for it under [clouds.{}.rewrite] in book.toml", missing[0]);
            out.push(Diagnostic::new(&META, link.span.clone(), msg).with_help(help));
        }
    }
}

/// book.toml rewrites this URL for the cloud.
fn rewritten(cx: &Context<'_>, cloud: Cloud, url: &str) -> bool {
    cx.config.rewrites(cloud).find(url.trim()).is_some()
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lint::rules::testing::{article, check, check_files_with};

    fn fairfax(body: &str) -> String {
        article("", body).replace("cloudEnvironments=\"public\"", "cloudEnvironments=\"public, fairfax, usnat\"")
    }

    #[test]
    fn reports_public_portal_links_in_sovereign_articles_without_rewrite() {
        let d = check("KB209", &fairfax("[p](https://portal.azure.com/#blade/x) [m](https://ms.portal.azure.com)\n"));
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("fairfax, usnat"));
    }

    #[test]
    fn accepts_public_only_articles_and_configured_rewrites() {
        assert!(check("KB209", &article("", "[p](https://portal.azure.com)\n")).is_empty());
        let config = Config::parse(
            "[clouds.fairfax.rewrite]\n\"https://portal.azure.com\" = \"https://portal.azure.us\"\n[clouds.usnat.rewrite]\n\"https://portal.azure.com\" = \"https://portal.azure.eaglex.ic.gov\"\n",
        )
        .unwrap();
        let text = fairfax("[p](https://Portal.Azure.com/#blade/x)\n");
        assert!(check_files_with("KB209", &[("a.md", &text)], &config).is_empty());
    }
}
