//! Article Markdown to safe HTML: the body events (parsed once, shared with
//! the outline) are transformed (H1 dropped, portal markers made visible,
//! links to other articles pointed at their pages), rendered by
//! pulldown-cmark, then sanitised with ammonia because article HTML is
//! untrusted input.

use super::clouds::Rewrites;
use crate::parse::outline::Spanned;
use crate::syntax::html::Scanner;
use crate::syntax::portal::{self, Marker};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The sanitiser for one site: ammonia's safe defaults (no script, no event
/// handlers, no `javascript:` URLs), our marker classes, and the cloud's URL
/// rewriting applied to every `href` and `src`.
pub(crate) struct Sanitizer {
    builder: ammonia::Builder<'static>,
}

impl Sanitizer {
    pub(crate) fn new(rewrites: Rewrites) -> Sanitizer {
        let mut builder = ammonia::Builder::default();
        builder.link_rel(Some("noopener noreferrer"));
        let classes: HashMap<&str, HashSet<&str>> =
            HashMap::from([("span", HashSet::from(["kbc-placeholder"])), ("div", HashSet::from(["kbc-issue"]))]);
        builder.allowed_classes(classes);
        // Heading anchors; article pages run no script, so ids cannot be
        // used to clobber one.
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            builder.add_tag_attributes(h, ["id"]);
        }
        if !rewrites.is_empty() {
            builder.attribute_filter(move |_, attr, value| match attr {
                "href" | "src" => Some(rewrites.apply(value).map_or(Cow::Borrowed(value), Cow::Owned)),
                _ => Some(Cow::Borrowed(value)),
            });
        }
        Sanitizer { builder }
    }

    pub(crate) fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }
}

/// Renders an article body to sanitised HTML. `link` maps a link target to
/// the URL to use instead (relative links to other articles' `.md` files).
pub(crate) fn render(events: &[Spanned<'_>], link: &dyn Fn(&str) -> Option<String>, sanitizer: &Sanitizer) -> String {
    let mut html = String::with_capacity(events.len() * 16);
    // Streamed: a copy of the event list cost as much memory as the list
    // (about 100 bytes an event; an 8 MB paragraph of code spans has 4M).
    pulldown_cmark::html::push_html(&mut html, transform(events, link));
    // Past the limit the sanitiser's HTML parser goes quadratic; the tags
    // deeper than it are dropped (`nesting-too-deep` reports them).
    match crate::syntax::nesting::cap(&html) {
        Some(capped) => sanitizer.clean(&capped),
        None => sanitizer.clean(&html),
    }
}

fn transform<'e, 'a>(
    events: &'e [Spanned<'a>],
    link: &'e dyn Fn(&str) -> Option<String>,
) -> impl Iterator<Item = Event<'a>> + 'e {
    let mut in_h1 = false;
    let mut h1_done = false;
    let mut ids = HashSet::new();
    let mut block = Scanner::default();
    events.iter().enumerate().filter_map(move |(i, (event, _))| {
        let out = match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) if !h1_done => {
                in_h1 = true;
                None
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_h1 => {
                in_h1 = false;
                h1_done = true;
                None
            }
            _ if in_h1 => None,
            Event::Start(Tag::Heading { level, id: None, classes, attrs }) => Some(Event::Start(Tag::Heading {
                level: *level,
                id: Some(heading_id(&events[i + 1..], &mut ids).into()),
                classes: classes.clone(),
                attrs: attrs.clone(),
            })),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => Some(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: mapped(dest_url, link),
                title: title.clone(),
                id: id.clone(),
            })),
            // An HTML block arrives a line at a time, and a tag may span lines.
            Event::Html(t) => Some(Event::Html(markers(t, &mut block))),
            Event::InlineHtml(t) => Some(Event::InlineHtml(markers(t, &mut Scanner::default()))),
            e => Some(e.clone()),
        };
        if !matches!(event, Event::Html(_)) {
            block = Scanner::default();
        }
        out
    })
}

/// A GitHub-style anchor for a heading (lowercase words joined by `-`),
/// unique in the page, so links like `article.md#renew` land.
fn heading_id(rest: &[Spanned<'_>], ids: &mut HashSet<String>) -> String {
    let mut text = String::new();
    for (event, _) in rest {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    let slug: String = text
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect();
    let base = if slug.is_empty() { "section".to_string() } else { slug };
    let mut id = base.clone();
    let mut n = 1;
    while !ids.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn mapped<'a>(url: &CowStr<'a>, link: &dyn Fn(&str) -> Option<String>) -> CowStr<'a> {
    link(url).map_or_else(|| url.clone(), CowStr::from)
}

/// `<!--$Name-->…<!--/$Name-->` becomes a marked placeholder span and
/// `<!--issueDescription-->…<!--/issueDescription-->` the issue summary box
/// (the markers the portal acts on, read by `syntax::portal`); other
/// comments are left for the sanitiser to drop. Inside a tag (a placeholder
/// as a link's `href`) markup cannot go, so there the markers are dropped
/// and the placeholder's text stays.
fn markers<'a>(html: &CowStr<'a>, tag: &mut Scanner) -> CowStr<'a> {
    let found: Vec<Marker> = portal::scan(html).filter(portal::is_live).collect();
    if found.is_empty() {
        tag.scan(html, |_| {});
        return html.clone();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut last = 0;
    for m in found {
        tag.scan(&html[last..m.span.start], |_| {});
        out.push_str(&html[last..m.span.start]);
        if !tag.in_tag() {
            out.push_str(&marker_html(&m));
        }
        last = m.span.end;
    }
    tag.scan(&html[last..], |_| {});
    out.push_str(&html[last..]);
    CowStr::from(out)
}

fn marker_html(m: &Marker) -> String {
    match (portal::is_issue_description(m), m.closing) {
        (true, false) => "<div class=\"kbc-issue\">".to_string(),
        (true, true) => "</div>".to_string(),
        (false, true) => "</span>".to_string(),
        (false, false) => format!("<span class=\"kbc-placeholder\" title=\"{}\">", m.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{body, outline};

    fn html(md: &str) -> String {
        let b = body::parse(md, 0);
        let events = outline::body_events(md, &b);
        let link = |u: &str| u.strip_suffix(".md").map(|s| format!("{s}.html"));
        render(&events, &link, &Sanitizer::new(Rewrites::default()))
    }

    #[test]
    fn removes_scripts_event_handlers_and_javascript_urls() {
        let out = html(
            "# T\n\n<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(2)\">\n\n[go](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a>\n",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("<img src=\"x.png\">"), "{out}");
    }

    #[test]
    fn marks_placeholders_and_the_issue_summary() {
        let out = html(
            "# T\n<!--issueDescription-->\nServer **<!--$ServerName--> ServerName <!--/$ServerName-->** is down.\n<!--/issueDescription-->\n",
        );
        assert!(out.contains("<div class=\"kbc-issue\">"), "{out}");
        assert!(out.contains("<span class=\"kbc-placeholder\" title=\"ServerName\"> ServerName </span>"), "{out}");
    }

    #[test]
    fn placeholders_inside_a_tag_keep_their_text_and_lose_the_markers() {
        let out = html(
            "# T\n\nGo to the <a href=\"<!--$ViewLink-->[ViewLink]<!--/$ViewLink-->\" target=\"_blank\">view</a> for <!--$Device-->device<!--/$Device-->.\n",
        );
        assert!(out.contains("<a href=\"[ViewLink]\" rel=\"noopener noreferrer\">view</a>"), "{out}");
        assert!(out.contains(">view</a>"), "{out}");
        assert!(out.contains("<span class=\"kbc-placeholder\" title=\"Device\">device</span>"), "{out}");
    }

    #[test]
    fn a_tag_spanning_lines_of_an_html_block_is_followed() {
        let out = html(
            "# T\n\n<div>\n<a title=\"x > y\"\n href=\"<!--$Link-->Link<!--/$Link-->\">go</a> <!--$Name-->n<!--/$Name-->\n</div>\n",
        );
        assert!(!out.contains("span class=\"kbc-placeholder\" title=\"Link\""), "{out}");
        assert!(out.contains(">go</a>"), "{out}");
        assert!(out.contains("<span class=\"kbc-placeholder\" title=\"Name\">n</span>"), "{out}");
    }

    #[test]
    fn drops_the_h1_and_points_article_links_at_pages() {
        let out = html("# Title\n\nSee [other](../b/other.md) and [web](https://example.test/).\n");
        assert!(!out.contains("<h1"), "{out}");
        assert!(out.contains("href=\"../b/other.html\""), "{out}");
        assert!(out.contains("rel=\"noopener noreferrer\""), "{out}");
    }

    #[test]
    fn gives_headings_unique_anchors() {
        let headings = html("# T\n\n## **Recommended Steps**\n\n## Recommended Steps\n\n### Why? (v2)\n");
        assert!(headings.contains("<h2 id=\"recommended-steps\">"), "{headings}");
        assert!(headings.contains("<h2 id=\"recommended-steps-1\">"), "{headings}");
        assert!(headings.contains("<h3 id=\"why-v2\">"), "{headings}");
    }

    #[test]
    fn rewrites_urls_for_a_cloud_in_markdown_and_raw_html() {
        let config = crate::config::Config::parse(
            "[clouds.fairfax.rewrite]\n\"https://portal.azure.com\" = \"https://portal.azure.us\"\n",
        )
        .unwrap();
        let s = Sanitizer::new(Rewrites::for_cloud(&config, crate::article::vocab::Cloud::Fairfax));
        let out = s.clean("<a href=\"https://portal.azure.com/#x\">a</a><img src=\"https://portal.azure.com/i.png\">");
        assert!(out.contains("https://portal.azure.us/#x") && out.contains("https://portal.azure.us/i.png"), "{out}");
    }
}
