use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::Url;

pub(crate) struct ShortLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB203",
    name: "short-link",
    default_level: Level::Warning,
    summary: "An aka.ms short link",
    docs: r#"## What it checks
Links through the `aka.ms` URL shortener (with or without a scheme).

## Why
The templates say "Do not use aka.ms links" (the health template: "avoid
where possible"): readers cannot see where the link goes, the target can be
changed by anyone owning the short name, and the redirect may not exist in
sovereign clouds.

## Example
Bad:

```markdown
[Azure status](https://aka.ms/azurestatus)
```

Good:

```markdown
[Azure status](https://azure.status.microsoft/status)
```

## How to fix
Open the short link and use the final URL it redirects to.

## Configuration
`short-link = "warn"` (default).
"#,
};

impl Rule for ShortLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for link in article.body.all_links() {
            let url = Url::parse(&link.url);
            let bare = url.scheme.is_none() && url.path.to_ascii_lowercase().starts_with("aka.ms/");
            if (url.is_web() && url.host_is("aka.ms")) || bare {
                let msg = "aka.ms short link hides the real destination";
                out.push(Diagnostic::new(&META, link.span.clone(), msg).with_help("link to the page it redirects to"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_aka_ms_links_with_and_without_scheme() {
        let body = "[a](https://aka.ms/x) [b](http://AKA.MS/y) [c](aka.ms/z)\n";
        assert_eq!(check("short-link", &article("", body)).len(), 3);
    }

    #[test]
    fn allows_other_hosts_and_mentions_in_code() {
        let body = "[a](https://kaka.ms/x) [b](https://docs.microsoft.com/aka.ms)\n\n`https://aka.ms/x`\n";
        assert!(check("short-link", &article("", body)).is_empty());
    }
}
