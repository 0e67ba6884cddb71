use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::{DOCS_HOSTS, Url};

pub(crate) struct LocaleInDocsLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB201",
    name: "locale-in-docs-link",
    default_level: Level::Warning,
    summary: "A link pinned to a locale: /en-us/ in a Microsoft Docs path, or locale=en-us in a query",
    docs: r#"## What it checks
Links to Microsoft documentation hosts (docs.microsoft.com,
learn.microsoft.com, azure.microsoft.com and similar) whose path starts with
a locale segment such as `/en-us/` or `/zh-hans/`, and links to any web
host whose query string pins a locale (`?locale=en-us`, `&locale=de-de`).
Articles published only to mooncake are exempt.

## Why
The templates say: "Ensure all links to Microsoft docs are non-region-
specific, i.e. does not include /en-us/. This does not apply to articles for
Mooncake." The TPS Authoring Guide says it of every link: "Please make
sure that your links are culturally invariant, meaning that "en-us" does not
appear in the url". Without the locale, the site serves each reader their
own language. (Locale paths are only reported on Microsoft documentation
hosts, where every page exists in every locale; elsewhere `/en-us/` may be
the only copy of a page.)

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
Delete the locale segment or the `locale=` parameter. `kbc check --fix`
does this for you.

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
            if !url.is_web() {
                continue;
            }
            if let Some(d) = locale_query(article.text(), link, &url) {
                out.push(d);
            }
            if !DOCS_HOSTS.iter().any(|h| url.host_is(h)) {
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

/// `en-us` in `/en-us/azure/...`.
fn locale_segment(path: &str) -> Option<&str> {
    let seg = path.strip_prefix('/')?.split(['/', '?', '#']).next()?;
    is_locale(seg).then_some(seg)
}

/// Two letters, a dash, two to four letters (`en-us`, `zh-hans`).
fn is_locale(s: &str) -> bool {
    s.split_once('-').is_some_and(|(lang, region)| {
        lang.len() == 2
            && (2..=4).contains(&region.len())
            && lang.bytes().chain(region.bytes()).all(|b| b.is_ascii_alphabetic())
    })
}

/// A `locale=xx-yy` query parameter, with a fix that removes it and one
/// separator.
fn locale_query(text: &str, link: &crate::parse::body::Link, url: &Url<'_>) -> Option<Diagnostic> {
    let path = url.path.split('#').next().unwrap_or("");
    let (_, query) = path.split_once('?')?;
    let query_start = url.path_start + path.len() - query.len();
    let mut at = 0;
    for param in query.split('&') {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        if name.eq_ignore_ascii_case("locale") && is_locale(value) {
            let msg = format!("link is pinned to locale `{value}` by its query string");
            let mut d = Diagnostic::new(&META, link.span.clone(), msg)
                .with_help(format!("remove `locale={value}` so readers get their own language"));
            if let Some(dest) = link.destination_span(text) {
                // The parameter and the `&` after it when others follow it
                // first in the query; else the separator (`?` or `&`) before it.
                let pos = dest.start + (link.url.len() - link.url.trim_start().len()) + query_start + at;
                let span = if at == 0 && param.len() < query.len() {
                    pos..pos + param.len() + 1
                } else {
                    pos - 1..pos + param.len()
                };
                d = d.with_fix(span, "");
            }
            return Some(d);
        }
        at += param.len() + 1;
    }
    None
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
    fn reports_locale_query_parameters_on_any_host_with_a_fix() {
        let body = "[a](https://partner.test/x?id=1&locale=en-us&l=EN) [b](https://a.test/?locale=de-de) [c](https://a.test/?Locale=fr-fr&q=1#top)\n";
        let text = article("", body);
        let d = check("locale-in-docs-link", &text);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].message, "link is pinned to locale `en-us` by its query string");
        let removed: Vec<_> = d.iter().map(|d| &text[d.fix.as_ref().unwrap().span.clone()]).collect();
        assert_eq!(removed, ["&locale=en-us", "?locale=de-de", "Locale=fr-fr&"]);
        let fine = article("", "[a](https://a.test/?language=EN&locale=en) [b](https://a.test/en-us/x)\n");
        assert!(check("locale-in-docs-link", &fine).is_empty());
    }

    #[test]
    fn still_reports_articles_published_to_mooncake_and_public() {
        let both = article("", "[a](https://docs.microsoft.com/en-us/azure/x)\n")
            .replace("\"public\"", "\"public, mooncake\"");
        assert_eq!(check("locale-in-docs-link", &both).len(), 1);
    }
}
