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
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

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

/// Renders an article body (`events` of `text`) to sanitised HTML. `link`
/// maps a link target to the URL to use instead (relative links to other
/// articles' `.md` files).
pub(crate) fn render<'a>(
    text: &str,
    events: impl Iterator<Item = Spanned<'a>>,
    link: &dyn Fn(&str) -> Option<String>,
    sanitizer: &Sanitizer,
) -> String {
    render_pieces(text, events, link, sanitizer).0
}

/// [`render`], and how many pieces it sanitised.
fn render_pieces<'a>(
    text: &str,
    events: impl Iterator<Item = Spanned<'a>>,
    link: &dyn Fn(&str) -> Option<String>,
    sanitizer: &Sanitizer,
) -> (String, usize) {
    let pieces = Rc::new(RefCell::new(Pieces::default()));
    let events = Cuts {
        text,
        events: Transform::new(events, link),
        pieces: Rc::clone(&pieces),
        sanitizer,
        depth: 0,
        plain: true,
        in_p: false,
    };
    // Writing to a String cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(Sink(Rc::clone(&pieces)), events);
    let mut p = pieces.borrow_mut();
    p.flush(sanitizer, 0);
    (std::mem::take(&mut p.out), p.count)
}

/// Sanitised pieces of a page, and the HTML not yet sanitised. An HTML
/// parser's tree costs about 140 bytes a node (a paragraph of code spans
/// and emphases: 60 times its text), so a long body is sanitised a piece
/// at a time, cut where the pieces cannot affect each other (see [`Cuts`]).
#[derive(Default)]
struct Pieces {
    out: String,
    pending: String,
    /// The writer's output goes to `out` as it is (a plain paragraph's own
    /// `<p>` and `</p>`, which the sanitiser would write the same).
    direct: bool,
    /// Pieces sanitised.
    count: usize,
}

/// The size of HTML worth sanitising on its own; smaller pages are one piece.
const PIECE: usize = 64 * 1024;

impl Pieces {
    /// Sanitises what is pending, `depth` elements deep in the page.
    fn flush(&mut self, sanitizer: &Sanitizer, depth: usize) {
        if self.pending.is_empty() {
            return;
        }
        // Past the limit the sanitiser's HTML parser goes quadratic; the tags
        // deeper than it are dropped (`nesting-too-deep` reports them).
        let limit = crate::syntax::nesting::RENDER_LIMIT - depth;
        let clean = match crate::syntax::nesting::cap_at(&self.pending, limit) {
            Some(capped) => sanitizer.clean(&capped),
            None => sanitizer.clean(&self.pending),
        };
        self.out.push_str(&clean);
        self.pending.clear();
        self.count += 1;
    }
}

struct Sink(Rc<RefCell<Pieces>>);

impl std::fmt::Write for Sink {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let mut p = self.0.borrow_mut();
        match p.direct {
            true => p.out.push_str(s),
            false => p.pending.push_str(s),
        }
        Ok(())
    }
}

/// Passes the events to the HTML writer and, between two of them, sanitises
/// what is pending when a cut there cannot change the page: no raw HTML so
/// far (so the HTML parser is back in its first state after each complete
/// block), and either between top-level blocks or, inside a long top-level
/// paragraph without raw HTML, between its inline elements (its `<p>` and
/// `</p>` written as they are). Every byte of raw HTML is sanitised still.
struct Cuts<'t, 's, I> {
    text: &'t str,
    events: I,
    pieces: Rc<RefCell<Pieces>>,
    sanitizer: &'s Sanitizer,
    /// Open Markdown elements.
    depth: usize,
    /// No raw HTML before this event.
    plain: bool,
    /// Inside a long plain top-level paragraph.
    in_p: bool,
}

impl<'a, I: Iterator<Item = Spanned<'a>>> Iterator for Cuts<'_, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        let (event, span) = self.events.next()?;
        let mut p = self.pieces.borrow_mut();
        p.direct = false;
        match &event {
            Event::End(TagEnd::Paragraph) if self.in_p && self.depth == 1 => {
                p.flush(self.sanitizer, 1);
                p.direct = true;
                self.in_p = false;
            }
            Event::Start(Tag::Paragraph)
                if self.depth == 0
                    && self.plain
                    && span.len() >= PIECE
                    && self.text.get(span.clone()).is_some_and(|t| !t.contains('<')) =>
            {
                p.flush(self.sanitizer, 0);
                p.direct = true;
                self.in_p = true;
            }
            _ if p.pending.len() >= PIECE && self.depth == 0 && self.plain => p.flush(self.sanitizer, 0),
            _ if p.pending.len() >= PIECE && self.depth == 1 && self.in_p => p.flush(self.sanitizer, 1),
            _ => {}
        }
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Html(_) | Event::InlineHtml(_) => self.plain = false,
            _ => {}
        }
        Some(event)
    }
}

/// The page's changes to the body events: the first H1 dropped (the page
/// shows the title), headings given anchors, links to other articles
/// pointed at their pages, portal markers made visible.
struct Transform<'a, 'l, I> {
    events: I,
    link: &'l dyn Fn(&str) -> Option<String>,
    /// A heading's events, read ahead for its anchor.
    ahead: VecDeque<Spanned<'a>>,
    in_h1: bool,
    h1_done: bool,
    ids: HashSet<String>,
    block: Scanner,
}

impl<'a, 'l, I: Iterator<Item = Spanned<'a>>> Transform<'a, 'l, I> {
    fn new(events: I, link: &'l dyn Fn(&str) -> Option<String>) -> Self {
        Transform {
            events,
            link,
            ahead: VecDeque::new(),
            in_h1: false,
            h1_done: false,
            ids: HashSet::new(),
            block: Scanner::default(),
        }
    }

    fn change(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        let is_html = matches!(event, Event::Html(_));
        let out = match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) if !self.h1_done => {
                self.in_h1 = true;
                None
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if self.in_h1 => {
                self.in_h1 = false;
                self.h1_done = true;
                None
            }
            _ if self.in_h1 => None,
            Event::Start(Tag::Heading { level, id: None, classes, attrs }) => {
                self.read_heading();
                let id = heading_id(&self.ahead, &mut self.ids);
                Some(Event::Start(Tag::Heading { level, id: Some(id.into()), classes, attrs }))
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                Some(Event::Start(Tag::Link { link_type, dest_url: mapped(&dest_url, self.link), title, id }))
            }
            // An HTML block arrives a line at a time, and a tag may span lines.
            Event::Html(t) => Some(Event::Html(markers(&t, &mut self.block))),
            Event::InlineHtml(t) => Some(Event::InlineHtml(markers(&t, &mut Scanner::default()))),
            e => Some(e),
        };
        if !is_html {
            self.block = Scanner::default();
        }
        out
    }

    /// Reads the rest of a heading ahead (its end included).
    fn read_heading(&mut self) {
        for (event, span) in self.events.by_ref() {
            let end = matches!(event, Event::End(TagEnd::Heading(_)));
            self.ahead.push_back((event, span));
            if end {
                break;
            }
        }
    }
}

impl<'a, I: Iterator<Item = Spanned<'a>>> Iterator for Transform<'a, '_, I> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Spanned<'a>> {
        loop {
            let (event, span) = match self.ahead.pop_front() {
                Some(e) => e,
                None => self.events.next()?,
            };
            if let Some(e) = self.change(event) {
                return Some((e, span));
            }
        }
    }
}

/// A GitHub-style anchor for a heading (lowercase words joined by `-`),
/// unique in the page, so links like `article.md#renew` land.
fn heading_id(rest: &VecDeque<Spanned<'_>>, ids: &mut HashSet<String>) -> String {
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
        let link = |u: &str| u.strip_suffix(".md").map(|s| format!("{s}.html"));
        render(md, outline::events(md, &b), &link, &Sanitizer::new(Rewrites::default()))
    }

    /// The page as one piece: the events written whole, then capped and
    /// sanitised at once (what [`render`] did before it cut pieces).
    fn whole(md: &str) -> String {
        let b = body::parse(md, 0);
        let link = |u: &str| u.strip_suffix(".md").map(|s| format!("{s}.html"));
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Transform::new(outline::events(md, &b), &link).map(|(e, _)| e));
        let capped = crate::syntax::nesting::cap(&out).unwrap_or(out);
        Sanitizer::new(Rewrites::default()).clean(&capped)
    }

    /// Checks that `md` is sanitised in at least `n` pieces, to the page
    /// sanitised whole.
    fn same_in_pieces(md: &str, n: usize) -> usize {
        let b = body::parse(md, 0);
        let link = |u: &str| u.strip_suffix(".md").map(|s| format!("{s}.html"));
        let (pieces, count) = render_pieces(md, outline::events(md, &b), &link, &Sanitizer::new(Rewrites::default()));
        let whole = whole(md);
        assert!(count >= n, "{count} pieces");
        if let Some(i) = pieces.bytes().zip(whole.bytes()).position(|(a, b)| a != b) {
            panic!(
                "differs at {i}: {:?} vs {:?}",
                &pieces[i.saturating_sub(80)..i + 80],
                &whole[i.saturating_sub(80)..i + 80]
            );
        }
        assert_eq!(pieces.len(), whole.len());
        count
    }

    #[test]
    fn a_long_paragraph_is_sanitised_in_pieces_to_the_same_page() {
        let group =
            "`c1` *e & \"q\"* **s** [l](x.md) [j](javascript:alert(1)) ![i *a*](i.png \"t\") ~~d~~ x*y*z &lt;b&gt; ";
        same_in_pieces(&format!("# T\n\n{}\n\nafter\n", group.repeat(1200)), 3);
        // Inline nesting past the renderer's limit inside the long paragraph.
        let deep = format!("{}deep{}", "*a ".repeat(150), " b*".repeat(150));
        same_in_pieces(&format!("# T\n\n{} {deep} {}\n", group.repeat(600), group.repeat(600)), 3);
        // A `<` anywhere in the paragraph (here in code) keeps it one piece.
        assert_eq!(same_in_pieces(&format!("# T\n\nshort\n\n{} `<`\n", group.repeat(1200)), 1), 1);
        assert!(!html(&group.repeat(1200)).contains("javascript"));
    }

    #[test]
    fn many_blocks_are_sanitised_in_pieces_to_the_same_page() {
        let blocks = "## H *x*\n\n- a\n- `b`\n\n> q\n> > r\n\n| a | b |\n|:--|--:|\n| `1` | *2* |\n\n1. one\n\n   two\n\n```rs\nfn x() {}\n```\n\n---\n\n";
        same_in_pieces(&format!("# T\n\n{}", blocks.repeat(400)), 3);
        // Raw HTML halfway: the rest is one piece, as raw HTML may leave
        // elements open that change how what follows is parsed.
        let half = blocks.repeat(200);
        same_in_pieces(&format!("# T\n\n{half}<div>\n\n<b>open\n\n{half}</div>\n\n{half}"), 2);
        same_in_pieces(&format!("# T\n\n{half}Text <b>bold\n\n{half}"), 2);
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
        let s = Sanitizer::new(config.rewrites(crate::article::vocab::Cloud::Fairfax).clone());
        let out = s.clean("<a href=\"https://portal.azure.com/#x\">a</a><img src=\"https://portal.azure.com/i.png\">");
        assert!(out.contains("https://portal.azure.us/#x") && out.contains("https://portal.azure.us/i.png"), "{out}");
    }
}
