use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::Url;

pub(crate) struct InsecureLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB204",
    name: "insecure-link",
    default_level: Level::Warning,
    summary: "A link over plain http://",
    docs: r#"## What it checks
Links and images with an `http://` URL. Local addresses (`localhost`,
`127.0.0.1`, private networks), which appear in instructions, are left alone.

## Why
The portal is served over HTTPS: plain HTTP links trigger mixed-content
warnings, and an attacker on the network can change what the reader gets.

## Example
Bad:

```markdown
[Pricing](http://azure.microsoft.com/pricing/)
```

Good:

```markdown
[Pricing](https://azure.microsoft.com/pricing/)
```

## How to fix
Use `https://`. For hosts known to serve HTTPS (Microsoft documentation,
portal and support sites, GitHub, Stack Overflow) `kbc check --fix` rewrites
the scheme; check other hosts by hand.

## Configuration
`insecure-link = "warn"` (default).
"#,
};

/// Hosts (and their subdomains) known to serve the same pages over HTTPS.
const HTTPS_HOSTS: &[&str] = &[
    "microsoft.com",
    "azure.com",
    "azure.net",
    "windowsazure.com",
    "aka.ms",
    "msdn.com",
    "office.com",
    "github.com",
    "github.io",
    "stackoverflow.com",
    "visualstudio.com",
];

impl Rule for InsecureLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for link in article.body.all_links() {
            let url = Url::parse(&link.url);
            if !url.scheme.is_some_and(|s| s.eq_ignore_ascii_case("http")) || url.host.is_empty() || is_local(url.host)
            {
                continue;
            }
            let msg = format!("link to `{}` uses plain http", url.host);
            let mut d = Diagnostic::new(&META, link.span.clone(), msg).with_help("use https://");
            if HTTPS_HOSTS.iter().any(|h| url.host_is(h))
                && let Some(dest) = link.destination_span(article.text())
            {
                d = d.with_fix(dest.start..dest.start + 4, "https");
            }
            out.push(d);
        }
    }
}

fn is_local(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".local")
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h.starts_with("10.")
        || h.starts_with("192.168.")
        || h.starts_with('[')
        || !h.contains('.')
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_http_links_and_fixes_known_hosts() {
        let text = article("", "[a](http://docs.microsoft.com/azure) ![b](HTTP://example.org/x.png)\n");
        let d = check("insecure-link", &text);
        assert_eq!(d.len(), 2);
        let fix = d[0].fix.as_ref().expect("known host is fixable");
        assert_eq!((&text[fix.span.clone()], fix.replacement.as_str()), ("http", "https"));
        assert!(d[1].fix.is_none(), "unknown hosts are not rewritten");
    }

    #[test]
    fn fixes_a_raw_html_anchor_too() {
        let text = article("", "<a href=\"http://learn.microsoft.com/x\">x</a>\n");
        let d = check("insecure-link", &text);
        let fix = d[0].fix.as_ref().expect("fixable");
        assert_eq!(&text[fix.span.clone()], "http");
    }

    #[test]
    fn allows_https_local_addresses_and_code() {
        let body = "[a](https://x.test) [b](http://localhost:8080) [c](http://10.0.0.4/) [d](http://myserver/)\n\n`http://x.test`\n";
        assert!(check("insecure-link", &article("", body)).is_empty());
    }
}
