use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::Url;

pub(crate) struct PlaceholderLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB205",
    name: "placeholder-link",
    default_level: Level::Error,
    summary: "A link with no destination, such as `https://` left from a template",
    docs: r#"## What it checks
Links whose destination is empty (`[text]()`) or a bare scheme with no host
(`https://`, `http://`), as the templates leave them.

## Why
The templates ship with `[external article](https://)` as a placeholder.
Published as is, the link goes nowhere.

## Example
Bad:

```markdown
* [Troubleshoot backup failures](https://)
```

Good:

```markdown
* [Troubleshoot backup failures](https://docs.microsoft.com/azure/backup/backup-azure-vms-troubleshoot)
```

## How to fix
Fill in the real URL, or remove the link.

## Configuration
`placeholder-link = "deny"` (default).
"#,
};

impl Rule for PlaceholderLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for link in article.body.all_links() {
            let url = Url::parse(&link.url);
            let empty = link.url.trim().is_empty();
            if empty || (url.is_web() && url.host.is_empty()) {
                let msg = if empty {
                    "link has no destination".to_string()
                } else {
                    format!("link `{}` has no host", link.url)
                };
                out.push(
                    Diagnostic::new(&META, link.span.clone(), msg).with_help("fill in the real URL or remove the link"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_template_placeholders() {
        let body = "[a](https://) [b](http://) [c]() [d](https:///path)\n";
        assert_eq!(check("placeholder-link", &article("", body)).len(), 4);
    }

    #[test]
    fn allows_real_links_anchors_and_code() {
        let body = "[a](https://x.test) [b](#top) [c](../a.md)\n\n`[x](https://)`\n\n```\n[y](https://)\n```\n";
        assert!(check("placeholder-link", &article("", body)).is_empty());
    }
}
