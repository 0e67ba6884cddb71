use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::{self, Url};

pub(crate) struct CrossCloudLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB208",
    name: "cross-cloud-link",
    default_level: Level::Warning,
    summary: "A link to an article that is not published in every cloud the linking article is",
    docs: r#"## What it checks
Relative links from one article to another: the target must be published
(cloudEnvironments minus disableClouds) in every cloud the linking article
is published in.

## Why
Each cloud's site holds only the articles published to it, so on the
missing clouds the link is broken.

## Example
Bad: `a.md` has `cloudEnvironments="public, fairfax"` and links to `b.md`,
which has `cloudEnvironments="public"`:

```markdown
See [the public-cloud steps](b.md).
```

Good: publish `b.md` to fairfax too (`cloudEnvironments="public, fairfax"`),
or link to a page that exists in both clouds.

## How to fix
Add the missing clouds to the target, or remove the link from the linking
article (or split the linking article per cloud).

## Configuration
`cross-cloud-link = "warn"` (default).
"#,
};

impl Rule for CrossCloudLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let clouds = article.effective_clouds();
        for link in article.body.all_links() {
            let u = Url::parse(&link.url);
            // Autolinks are absolute URLs or e-mail addresses, never files.
            if link.autolink || !url::is_local_file(&u) {
                continue;
            }
            let Some(target) = url::resolve(article.path(), u.path).and_then(|p| cx.article(&p)) else {
                continue;
            };
            let theirs = target.effective_clouds();
            let missing: Vec<&str> = clouds.iter().filter(|c| !theirs.contains(c)).map(|c| c.as_str()).collect();
            if missing.is_empty() {
                continue;
            }
            let msg =
                format!("`{}` is not published to {}, so this link is broken there", target.path(), missing.join(", "));
            let d = Diagnostic::new(&META, link.span.clone(), msg)
                .with_help("publish the target to those clouds, or remove the link");
            let d = match target.props.get("cloudEnvironments") {
                Some(a) => d.with_label(target.path(), a.value_span.clone(), "target published here"),
                None => d,
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    fn with_clouds(clouds: &str, body: &str) -> String {
        article("", body).replace("cloudEnvironments=\"public\"", &format!("cloudEnvironments=\"{clouds}\""))
    }

    #[test]
    fn reports_links_to_articles_missing_a_cloud() {
        let a = with_clouds("public, fairfax, mooncake", "[b](b.md)\n");
        let b = with_clouds("public, mooncake", "");
        let d = check_files("cross-cloud-link", &[("kb/a.md", &a), ("kb/b.md", &b)]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("not published to fairfax"));
    }

    #[test]
    fn accepts_targets_published_more_widely() {
        let a = with_clouds("fairfax", "[b](b.md) [c](missing.md)\n");
        let b = with_clouds("public, fairfax", "");
        assert!(check_files("cross-cloud-link", &[("kb/a.md", &a), ("kb/b.md", &b)]).is_empty());
    }
}
