use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::{self, Url};

pub(crate) struct BrokenInternalLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB207",
    name: "broken-internal-link",
    default_level: Level::Error,
    summary: "A relative link to an article or file that does not exist",
    docs: r#"## What it checks
Relative links (no scheme) to another article, an include or an image:
the target, resolved against the linking article's folder, must exist in
the knowledge base. Links that climb above the knowledge-base root, and
links that look like a web address missing its scheme (`www.example.com`,
`(https://…`), are reported too. `#anchors` alone are not checked.

## Why
The link is dead on every site kbc builds.

## Example
Bad:

```markdown
See [resetting a password](../microsoft.compute/reset-pasword.md).
```

Good:

```markdown
See [resetting a password](../microsoft.compute/reset-password.md).
```

## How to fix
Correct the path (it is relative to the linking article), or write the full
`https://` URL for web pages.

## Configuration
`broken-internal-link = "deny"` (default).
"#,
};

impl Rule for BrokenInternalLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for link in article.body.all_links() {
            let u = Url::parse(&link.url);
            // Autolinks are absolute URLs or e-mail addresses, never files.
            if link.autolink || !url::is_local_file(&u) {
                continue;
            }
            let problem = if looks_like_web_address(u.path) {
                format!("`{}` is not a valid web address (missing or mangled `https://`)", link.url)
            } else {
                match url::resolve(article.path(), u.path) {
                    None => format!("`{}` points outside the knowledge base", link.url),
                    Some(p) if cx.exists(&p) => continue,
                    Some(p) => format!("`{}` does not exist (resolved to `{p}`)", link.url),
                }
            };
            out.push(Diagnostic::new(&META, link.span.clone(), problem).with_help("fix the path or use a full URL"));
        }
    }
}

fn looks_like_web_address(path: &str) -> bool {
    let p = path.trim_start_matches(['(', '<', '[', ' ']).to_ascii_lowercase();
    let first = p.split('/').next().unwrap_or("");
    p.contains("://")
        || p.starts_with("www.")
        || [".com", ".net", ".org", ".ms", ".io"].iter().any(|t| first.ends_with(t))
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_missing_targets_escapes_and_mangled_urls() {
        let a = article("", "[a](../b/missing.md) [b](../../../x.md) [c](www.example.com/x) [d]((https://x.test/a))\n");
        let d = check_files("broken-internal-link", &[("kb/a/one.md", &a)]);
        assert_eq!(d.len(), 4);
        assert!(d[0].message.contains("resolved to `kb/b/missing.md`"));
        assert!(d[1].message.contains("outside"));
    }

    #[test]
    fn accepts_existing_articles_anchors_and_web_links() {
        let a = article(
            "",
            "[a](../b/two.md#part) [b](#top) [c](https://x.test) [d](mailto:a@b.test) <a@b.test>\n\n`[e](nope.md)`\n",
        );
        let b = article("", "");
        assert!(check_files("broken-internal-link", &[("kb/a/one.md", &a), ("kb/b/two.md", &b)]).is_empty());
    }

    #[test]
    fn decodes_percent_escapes_as_the_site_does() {
        let a = article("", "[a](../b/c%23d.md) [b](../b/e%3Ff.md?x) [c](/kb/b/c%23d.md) [d](../b/c%2523d.md)\n");
        let t = article("", "");
        let d = check_files("broken-internal-link", &[("kb/a/one.md", &a), ("kb/b/c#d.md", &t), ("kb/b/e?f.md", &t)]);
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["`../b/c%2523d.md` does not exist (resolved to `kb/b/c%23d.md`)"]);
    }
}
