use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::{DOCS_HOSTS, Url};

pub struct LocaleInDocsLink;

pub static META: RuleMeta = RuleMeta {
    code: "KB201",
    name: "locale-in-docs-link",
    default_level: Level::Warning,
    summary: "A Microsoft Docs link pinned to a locale such as /en-us/",
    docs: r#"## What it checks
Links to Microsoft documentation hosts (docs.microsoft.com,
learn.microsoft.com, azure.microsoft.com and similar) whose path starts with
a locale segment such as `/en-us/` or `/zh-hans/`. Articles published only
to mooncake are exempt.

## Why
The templates say: "Ensure all links to Microsoft docs are non-region-
specific, i.e. does not include /en-us/. This does not apply to articles for
Mooncake." Without the locale, the docs site serves each reader their own
language.

## Example
Bad:

```markdown
[Resize a VM](https://docs.microsoft.com/en-us/azure/virtual-machines/resize-vm)
```

Good:

```markdown
[Resize a VM](https://docs.microsoft.com/azure/virtual-machines/resize-vm)
```

## How to fix
Delete the locale segment. `kbc check --fix` does this for you.

## Configuration
`locale-in-docs-link = "warn"` (default).
"#,
};

impl Rule for LocaleInDocsLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if article.effective_clouds() == [Cloud::Mooncake] {
            return;
        }
        for link in article.body.all_links() {
            let url = Url::parse(&link.url);
            if !url.is_web() || !DOCS_HOSTS.iter().any(|h| url.host_is(h)) {
                continue;
            }
            let Some(locale) = locale_segment(url.path) else { continue };
            let msg = format!("docs link is pinned to locale `{locale}`");
            let mut d = Diagnostic::new(&META, link.span.clone(), msg)
                .with_help(format!("remove `/{locale}` so readers get their own language"));
            if let Some(dest) = link.destination_span(article.text()) {
                let start = dest.start + (link.url.len() - link.url.trim_start().len()) + url.path_start;
                d = d.with_fix(start..start + 1 + locale.len(), "");
            }
            out.push(d);
        }
    }
}

/// `en-us` in `/en-us/azure/...`: two letters, a dash, two to four letters.
fn locale_segment(path: &str) -> Option<&str> {
    let seg = path.strip_prefix('/')?.split(['/', '?', '#']).next()?;
    let (lang, region) = seg.split_once('-')?;
    let ok = lang.len() == 2
        && (2..=4).contains(&region.len())
        && lang.bytes().chain(region.bytes()).all(|b| b.is_ascii_alphabetic());
    ok.then_some(seg)
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_locales_with_a_fix_that_removes_them() {
        let body = "[a](https://docs.microsoft.com/en-us/azure/x) [b](https://learn.microsoft.com/zh-Hans/y)\n";
        let text = article("", body);
        let d = check("locale-in-docs-link", &text);
        assert_eq!(d.len(), 2);
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!(&text[fix.span.clone()], "/en-us");
    }

    #[test]
    fn allows_mooncake_only_articles_other_hosts_and_encoded_locales() {
        let moon = article("", "[a](https://docs.microsoft.com/zh-cn/azure/x)\n").replace("\"public\"", "\"mooncake\"");
        assert!(check("locale-in-docs-link", &moon).is_empty());
        let body = "[a](https://docs.azure.cn/zh-cn/x) [b](https://docs.microsoft.com/azure/x?toc=%2Fen-us%2Fa)\n\n`https://docs.microsoft.com/en-us/x`\n";
        assert!(check("locale-in-docs-link", &article("", body)).is_empty());
    }

    #[test]
    fn still_reports_articles_published_to_mooncake_and_public() {
        let both = article("", "[a](https://docs.microsoft.com/en-us/azure/x)\n")
            .replace("\"public\"", "\"public, mooncake\"");
        assert_eq!(check("locale-in-docs-link", &both).len(), 1);
    }
}
