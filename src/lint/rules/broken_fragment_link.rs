use crate::anchor::Anchors;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::body::Link;
use crate::syntax::url::{self, Url};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

pub(crate) struct BrokenFragmentLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB211",
    name: "broken-fragment-link",
    default_level: Level::Warning,
    summary: "A `#fragment` in a link to an article matches no heading of that article",
    docs: r#"## What it checks
Links to an article with a fragment, `[text](other.md#section)`, and links
to the same article, `[text](#section)`: the fragment must be the anchor of
a heading of the target, as the help site gives them. Anchors are computed
by the same function the site's renderer uses (`kbc::anchor`, GitHub's
scheme): the heading's text lowercased, every character that is not a
letter, digit, `_` or `-` dropped, spaces made `-`; a repeated heading gets
`-1`, `-2`… in page order. The article's H1 is the page title, not an
anchor. A heading with an explicit id (`## Steps {#steps}`) and a raw
`<h2 id="…">` are anchors too. `#top` and a bare `#` always work.

Links to files that do not exist are left to `broken-internal-link`. When a
target has include directives, a fragment that matches none of its own
headings may name an included one, so it is not reported.

## Why
The link opens the page but lands at the top, not on the section the
author meant; usually the heading was renamed after the link was written.

The portal does not follow links within an article at all:
`same-article-anchor-link` (KB210) reports those. A link within the article
to a heading that does not exist is reported by both rules.

## Example
Bad, when `sas-expired.md` has the heading `## Renew the token`:

```markdown
See [Renew](sas-expired.md#renew).
```

Good:

```markdown
See [Renew](sas-expired.md#renew-the-token).
```

## How to fix
Use the anchor of the heading as the site writes it. When the fragment
differs from an anchor only in case, `kbc check --fix` corrects it.

## Configuration
`broken-fragment-link = "warn"` (default).
"#,
};

impl Rule for BrokenFragmentLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, a: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Each target's anchors once, however many links point at it.
        let mut anchors: HashMap<&str, Vec<String>> = HashMap::new();
        for (from, link, target, fragment) in fragment_links(cx, a) {
            let ids = anchors.entry(target.path()).or_insert_with(|| heading_ids(target));
            let landing = ids.contains(&fragment) || fragment.eq_ignore_ascii_case("top");
            // A target with includes may hold the heading in an included file.
            if !(landing || has_includes(target)) {
                out.push(diagnostic(from, link, target, &fragment, ids));
            }
        }
    }
}

/// The links of `a` that carry a fragment, with the article they lead to
/// and the fragment, percent-decoded.
fn fragment_links<'a>(cx: &Context<'a>, a: &'a Article) -> Vec<(&'a Article, &'a Link, &'a Article, String)> {
    let mut found = Vec::new();
    for link in a.body.all_links().filter(|l| !l.autolink) {
        let Some((path, fragment)) = link.url.trim().split_once('#') else { continue };
        let u = Url::parse(path);
        if fragment.is_empty() || u.scheme.is_some() || path.starts_with("//") {
            continue;
        }
        let target = if path.is_empty() { Some(a) } else { url::resolve(a.path(), path).and_then(|p| cx.article(&p)) };
        if let Some(t) = target {
            found.push((a, link, t, percent_decode(fragment)));
        }
    }
    found
}

fn diagnostic(from: &Article, link: &Link, target: &Article, fragment: &str, ids: &[String]) -> Diagnostic {
    let whose = if std::ptr::eq(from, target) { "this article".to_string() } else { format!("`{}`", target.path()) };
    let msg = format!("no heading of {whose} has the anchor `#{fragment}`");
    let mut d = Diagnostic::new(&META, link.span.clone(), msg).with_path(from.path());
    let same_but_case = ids.iter().find(|id| id.eq_ignore_ascii_case(fragment));
    let near = same_but_case
        .map(String::as_str)
        .or_else(|| crate::article::vocab::did_you_mean(fragment, ids.iter().map(String::as_str)));
    d = match near {
        Some(id) => d.with_help(format!("did you mean `#{id}`?")),
        None if ids.is_empty() => d.with_help("the target has no headings below its title"),
        None => d.with_help(format!("its anchors are {}", list(ids))),
    };
    if let (Some(id), Some(dest)) = (same_but_case, link.destination_span(from.text())) {
        let written = &from.text()[dest.clone()];
        if let Some(hash) = written.find('#') {
            d = d.with_fix(dest.start + hash + 1..dest.end, id.clone());
        }
    }
    d
}

fn list(ids: &[String]) -> String {
    let shown: Vec<String> = ids.iter().take(5).map(|i| format!("`#{i}`")).collect();
    let more = if ids.len() > 5 { format!(" and {} more", ids.len() - 5) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// The anchors the site gives an article's headings, in page order: the
/// first H1 is the page title (rendered by the template, without an id);
/// every other heading gets [`Anchors::id`] of its text, or its explicit
/// `{#id}`; raw `<h1>`…`<h6>` keep their `id`.
pub(crate) fn heading_ids(article: &Article) -> Vec<String> {
    let text = article.text();
    let mut anchors = Anchors::default();
    let mut ids = Vec::new();
    let title = article.body.h1().map(|h| h.span.start);
    for h in article.body.headings.iter().filter(|h| Some(h.span.start) != title) {
        match explicit_id(&text[h.span.clone()]) {
            Some(id) => ids.push(id.to_string()),
            None => ids.push(anchors.id(&h.text)),
        }
    }
    static RAW: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)<h[1-6]\b[^>]*\bid\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex"));
    for html in &article.body.html {
        ids.extend(RAW.captures_iter(&html.text).filter_map(|c| c.get(1).or(c.get(2))).map(|m| m.as_str().to_string()));
    }
    ids
}

/// `steps` in `## Steps {#steps .x}`: pulldown-cmark's heading attributes.
fn explicit_id(heading: &str) -> Option<&str> {
    let line = heading.lines().next()?.trim_end().trim_end_matches('#').trim_end();
    let attrs = line.strip_suffix('}')?.rsplit_once('{')?.1;
    attrs.split_whitespace().find_map(|a| a.strip_prefix('#')).filter(|id| !id.is_empty())
}

fn has_includes(a: &Article) -> bool {
    !crate::include::directives(a.text(), |o| a.body.in_code(o)).is_empty()
}

/// `%20` and other escapes decoded, as a browser does before matching ids.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{article, check_files};

    const TARGET: &str = "<properties pageTitle=\"T\" />\n# Requests fail\n\n## Renew the token\n\nx\n\n## Steps {#custom-steps}\n\n## Renew the token\n\n<h3 id=\"raw\">Raw</h3>\n";

    #[test]
    fn computes_anchors_as_the_site_does() {
        let a = crate::article::Article::parse(crate::source::SourceFile::new("t.md".into(), TARGET.into(), false));
        assert_eq!(heading_ids(&a), ["renew-the-token", "custom-steps", "renew-the-token-1", "raw"]);
    }

    #[test]
    fn reports_fragments_that_match_no_heading_with_hints_and_a_case_fix() {
        let from = article(
            "",
            "[a](t.md#renew) [b](./t.md#Renew-The-Token) [c](t.md#custom-steps) [d](t.md#renew-the-token-1) [e](t.md#raw)\n",
        );
        let d = check_files("KB211", &[("a.md", &from), ("t.md", TARGET)]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].message, "no heading of `t.md` has the anchor `#renew`");
        assert_eq!(d[1].help.as_deref(), Some("did you mean `#renew-the-token`?"));
        let fix = d[1].fix.as_ref().unwrap();
        assert_eq!((&from[fix.span.clone()], fix.replacement.as_str()), ("Renew-The-Token", "renew-the-token"));
    }

    #[test]
    fn checks_links_within_the_article_and_skips_what_it_cannot_know() {
        let own = article(
            "",
            "## Collect logs\n\n[a](#collect-logs) [b](#collect) [c](#top) [d](missing.md#x) [e](https://x.test/#y)\n",
        );
        let d = check_files("KB211", &[("a.md", &own)]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "no heading of this article has the anchor `#collect`");
        let with_include = "<properties pageTitle=\"T\" />\n# T\n\n[!INCLUDE [n](inc.md)]\n";
        let from = article("", "[a](i.md#from-the-include)\n");
        assert!(check_files("KB211", &[("a.md", &from), ("i.md", with_include)]).is_empty());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b%zz%C3%A9"), "a b%zzé");
    }
}
