use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct SameArticleAnchorLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB210",
    name: "same-article-anchor-link",
    default_level: Level::Warning,
    summary: "A link to a heading of the same article (`#anchor`), which the portal does not follow",
    docs: r##"## What it checks
Links whose destination is only a fragment, `[text](#section)` or
`<a href="#section">`: links to a place in the same article. A bare `#`
is left to `placeholder-link`.

## Why
The Services Hub template says: "Named anchors dot not work. A named anchor
refers to a link to a anchor in the mardown. An example of a named anchor
is: [named anchor example](#anchor-in-this-markdown-file)". In the portal
the link does nothing.

On kbc's own site such links work when the fragment names a heading;
`broken-fragment-link` (KB211) reports those that do not, so a link to a
missing heading is reported by both rules: once for the portal, once for
the site. Turn this rule off (`same-article-anchor-link = "allow"`) for a
knowledge base that is only published as a kbc site.

## Example
Bad:

```markdown
If the restart does not help, see [Collect logs](#collect-logs) below.
```

Good:

```markdown
If the restart does not help, collect logs as described under
**Collect logs** below.
```

## How to fix
Name the section in words instead of linking to it, or split the section
into its own article and link to that.

## Configuration
`same-article-anchor-link = "warn"` (default).
"##,
};

impl Rule for SameArticleAnchorLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for link in article.body.all_links() {
            let Some(fragment) = link.url.trim().strip_prefix('#').filter(|f| !f.is_empty()) else { continue };
            let msg = format!("the portal does not follow links within an article (`#{fragment}`)");
            let help = "name the section in words instead of linking to it";
            out.push(Diagnostic::new(&META, link.span.clone(), msg).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_markdown_and_html_fragment_links() {
        let body = "See [logs](#collect-logs) or <a href=\"#steps\">steps</a>.\n\n## Collect logs\n";
        let d = check("KB210", &article("", body));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "the portal does not follow links within an article (`#collect-logs`)");
    }

    #[test]
    fn allows_links_to_other_articles_with_fragments_and_bare_hashes() {
        let body = "See [a](other.md#steps), [b](https://docs.microsoft.com/azure/x#y) and [c](#).\n";
        assert!(check("KB210", &article("", body)).is_empty());
    }
}
