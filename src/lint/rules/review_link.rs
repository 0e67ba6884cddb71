use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::Url;

pub(crate) struct ReviewLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB202",
    name: "review-link",
    default_level: Level::Error,
    summary: "A link to an internal documentation review host",
    docs: r#"## What it checks
Links to internal review builds of the documentation: hosts such as
`review.docs.microsoft.com` or `review.learn.microsoft.com` (any host whose
first label is `review` under microsoft.com).

## Why
The templates say: "Don't link to internal review documentation [...] users
are unable to access them". Every customer who clicks gets a sign-in wall.

## Example
Bad:

```markdown
[Configure backups](https://review.docs.microsoft.com/azure/backup/backup-overview?branch=pr-en-us-1234)
```

Good:

```markdown
[Configure backups](https://docs.microsoft.com/azure/backup/backup-overview)
```

## How to fix
Link to the published page: drop `review.` from the host and any `branch=`
query parameter.

## Configuration
`review-link = "deny"` (default).
"#,
};

impl Rule for ReviewLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for link in article.body.all_links() {
            let url = Url::parse(&link.url);
            if url.is_web() && is_review_host(url.host) {
                let msg = format!("`{}` is an internal review host that customers cannot open", url.host);
                let help = "link to the published page (drop `review.` and any `branch=` parameter)";
                out.push(Diagnostic::new(&META, link.span.clone(), msg).with_help(help));
            }
        }
    }
}

fn is_review_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h.starts_with("review.") && (h.ends_with(".microsoft.com") || h.starts_with("review.microsoft."))
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_review_hosts() {
        let body =
            "[a](https://review.docs.microsoft.com/azure/x?branch=pr) [b](https://Review.Learn.Microsoft.com/y)\n";
        assert_eq!(check("review-link", &article("", body)).len(), 2);
    }

    #[test]
    fn allows_published_and_preview_hosts() {
        let body = "[a](https://docs.microsoft.com/azure/x) [b](https://preview.portal.azure.com) [c](https://review.example.test)\n";
        assert!(check("review-link", &article("", body)).is_empty());
    }
}
