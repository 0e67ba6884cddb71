//! The article body: the one place pulldown-cmark options are chosen. A single
//! walk over the offset iterator collects what rules and renderers need, with
//! byte spans into the article text.

use crate::source::Span;
use crate::syntax::nesting::{MAX_NESTING, Nesting};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Markdown extensions the portal renders (tables are parsed so that rules can
/// report them).
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// Plain text of the heading (markup removed, trimmed).
    pub text: String,
    pub span: Span,
    /// The whole heading text is wrapped in `**…**` (house style for H2s).
    pub bold: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    /// Plain text of the link (alt text for images).
    pub text: String,
    /// The whole link in the source.
    pub span: Span,
    pub image: bool,
    /// Written as `<https://…>` or a bare URL rather than `[text](url)`.
    pub autolink: bool,
}

impl Link {
    /// Where the destination is written in the article `text`, when it is
    /// written literally inside the link (not for reference-style links or
    /// destinations with escapes or entities).
    pub fn destination_span(&self, text: &str) -> Option<Span> {
        let whole = text.get(self.span.clone())?;
        if self.url.is_empty() {
            return None;
        }
        if whole == self.url {
            // A raw HTML anchor: the span is the URL itself.
            return Some(self.span.clone());
        }
        let at = if self.autolink { whole.find(&self.url)? } else { whole.rfind(&format!("({}", self.url))? + 1 };
        let start = self.span.start + at;
        Some(start..start + self.url.len())
    }
}

/// A list item with its nesting depth (1 = top level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub depth: usize,
    pub span: Span,
}

/// Raw HTML as written (blocks and inline), comments included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Html {
    pub text: String,
    pub span: Span,
    /// An HTML block (a line of its own) rather than HTML inside a paragraph:
    /// Markdown escapes (`\<`) do not work inside it.
    pub block: bool,
}

/// The JSON block between `---` lines right after the H1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonBlock {
    /// The text between the fences.
    pub span: Span,
    /// The whole block including both fences.
    pub outer: Span,
}

/// Bold or italic text (`**x**`, `*x*`, `__x__`, `_x_`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emphasis {
    pub span: Span,
    /// `**…**` rather than `*…*`.
    pub strong: bool,
}

/// A fenced or indented code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub lang: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Where the body starts in the article text (after the header).
    pub start: usize,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub list_items: Vec<ListItem>,
    pub tables: Vec<Span>,
    pub html: Vec<Html>,
    pub code_blocks: Vec<CodeBlock>,
    pub json: Option<JsonBlock>,
    /// Inline code spans (`` `x` ``).
    pub inline_code: Vec<Span>,
    /// Whole lists (the start of each list, nested ones included) with depth.
    pub lists: Vec<ListItem>,
    pub emphasis: Vec<Emphasis>,
    /// `href`s of raw HTML anchors (`<a href="…">`); the span is the URL.
    pub html_links: Vec<Link>,
    /// The first element (Markdown container or raw HTML tag) that opens
    /// past [`crate::syntax::nesting::MAX_NESTING`] levels.
    pub too_deep: Option<Span>,
}

impl Body {
    pub fn h1(&self) -> Option<&Heading> {
        self.headings.iter().find(|h| h.level == 1)
    }

    /// Markdown links and images, then raw HTML anchors: what link rules check.
    pub fn all_links(&self) -> impl Iterator<Item = &Link> {
        self.links.iter().chain(&self.html_links)
    }

    /// Whether a byte offset lies inside a code block or inline code, where
    /// text is literal and portal markup, links and syntax do not apply.
    /// Both lists are in text order and their spans never overlap (the walk
    /// records them as the parser meets them), so a binary search finds the
    /// one span that may hold `offset`: callers ask once per marker or link.
    pub fn in_code(&self, offset: usize) -> bool {
        let blocks = &self.code_blocks;
        let block = blocks.partition_point(|c| c.span.start <= offset).checked_sub(1);
        let inline = self.inline_code.partition_point(|c| c.start <= offset).checked_sub(1);
        block.is_some_and(|i| blocks[i].span.contains(&offset))
            || inline.is_some_and(|i| self.inline_code[i].contains(&offset))
    }
}

/// Parses `text[start..]` as the article body.
pub(crate) fn parse(text: &str, start: usize) -> Body {
    let mut body = Body { start, ..Body::default() };
    let json = find_json_block(text, start);
    match &json {
        Some(block) => {
            walk(text, start..block.outer.start, &mut body);
            walk(text, block.outer.end..text.len(), &mut body);
        }
        None => walk(text, start..text.len(), &mut body),
    }
    body.json = json;
    body
}

/// Finds `---` / JSON / `---` directly after the first H1 line. Parsed apart
/// because Markdown would read the fences as a rule and a setext heading.
pub(crate) fn find_json_block(text: &str, start: usize) -> Option<JsonBlock> {
    let mut lines =
        line_iter(text, start).skip_while(|(_, l)| l.trim().is_empty() || l.trim_start().starts_with("<!--"));
    let (_, h1) = lines.next()?;
    if !h1.trim_start().starts_with("# ") && h1.trim() != "#" {
        return None;
    }
    // Authors sometimes put a portal comment (`<!--issueDescription-->`) between.
    let (open, fence) = lines.find(|(_, l)| !l.trim().is_empty() && !is_comment_line(l))?;
    if fence.trim_end() != "---" {
        return None;
    }
    let inner_start = open + fence.len();
    let inner_start = inner_start + usize::from(text[inner_start..].starts_with('\n'));
    if !text[inner_start..].trim_start().starts_with(['{', '[']) {
        return None;
    }
    let (close, close_line) = line_iter(text, inner_start).find(|(_, l)| l.trim_end() == "---")?;
    let outer_end = close + close_line.len();
    Some(JsonBlock { span: inner_start..close, outer: open..outer_end })
}

fn is_comment_line(l: &str) -> bool {
    let l = l.trim();
    l.starts_with("<!--") && l.ends_with("-->")
}

/// Lines with their start offsets, without `\n` (a trailing `\r` is kept).
fn line_iter(text: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let item = (pos, &text[pos..end]);
        pos = end + 1;
        Some(item)
    })
}

struct Walk {
    heading: Option<(u8, usize, String, bool)>,
    link: Option<(String, usize, String, bool, bool)>,
    list_depth: usize,
    strong_depth: usize,
    /// Open emphasis tags: (start, strong).
    emphasis: Vec<(usize, bool)>,
    heading_only_strong: bool,
    nesting: Nesting,
}

fn walk(text: &str, range: Span, body: &mut Body) {
    let base = range.start;
    let parser = Parser::new_ext(&text[range], options()).into_offset_iter();
    let mut w = Walk {
        heading: None,
        link: None,
        list_depth: 0,
        strong_depth: 0,
        emphasis: Vec::new(),
        heading_only_strong: true,
        nesting: Nesting::new(MAX_NESTING),
    };
    for (event, r) in parser {
        let span = base + r.start..base + r.end;
        on_event(&mut w, event, span, body);
    }
}

fn on_event(w: &mut Walk, event: Event<'_>, span: Span, body: &mut Body) {
    nest(w, &event, &span, body);
    match event {
        Event::Start(tag) => on_start(w, tag, span, body),
        Event::End(tag) => on_end(w, tag, span, body),
        Event::Code(t) => {
            body.inline_code.push(span);
            push_text(w, &t);
        }
        Event::Text(t) => push_text(w, &t),
        Event::Html(t) => on_html(&t, span, true, body),
        Event::InlineHtml(t) => on_html(&t, span, false, body),
        Event::SoftBreak | Event::HardBreak => push_text(w, " "),
        _ => {}
    }
}

/// Counts the elements an event opens or closes (raw HTML's tags too) and
/// records the first one past the limit.
fn nest(w: &mut Walk, event: &Event<'_>, span: &Span, body: &mut Body) {
    let too_deep = match event {
        Event::Start(tag) => element(tag).is_some_and(|e| !w.nesting.open(e)).then(|| span.start..span.start + 1),
        Event::End(tag) => {
            if let Some(e) = end_element(*tag) {
                w.nesting.close(e);
            }
            None
        }
        Event::Html(t) | Event::InlineHtml(t) => {
            w.nesting.scan(t).first().map(|s| span.start + s.start..span.start + s.end)
        }
        _ => None,
    };
    if body.too_deep.is_none() {
        body.too_deep = too_deep;
    }
}

/// The HTML element a Markdown container becomes (`None`: no element, or a
/// void one).
fn element(tag: &Tag<'_>) -> Option<&'static str> {
    Some(match tag {
        Tag::Paragraph => "p",
        Tag::Heading { .. } => "h",
        Tag::BlockQuote(_) => "blockquote",
        Tag::CodeBlock(_) => "pre",
        Tag::List(_) => "ul",
        Tag::Item => "li",
        Tag::Emphasis => "em",
        Tag::Strong => "strong",
        Tag::Strikethrough => "del",
        Tag::Link { .. } => "a",
        Tag::Table(_) => "table",
        Tag::TableHead => "thead",
        Tag::TableRow => "tr",
        Tag::TableCell => "td",
        Tag::FootnoteDefinition(_) => "div",
        _ => return None,
    })
}

fn end_element(tag: TagEnd) -> Option<&'static str> {
    Some(match tag {
        TagEnd::Paragraph => "p",
        TagEnd::Heading(_) => "h",
        TagEnd::BlockQuote(_) => "blockquote",
        TagEnd::CodeBlock => "pre",
        TagEnd::List(_) => "ul",
        TagEnd::Item => "li",
        TagEnd::Emphasis => "em",
        TagEnd::Strong => "strong",
        TagEnd::Strikethrough => "del",
        TagEnd::Link => "a",
        TagEnd::Table => "table",
        TagEnd::TableHead => "thead",
        TagEnd::TableRow => "tr",
        TagEnd::TableCell => "td",
        TagEnd::FootnoteDefinition => "div",
        _ => return None,
    })
}

fn on_html(text: &str, span: Span, block: bool, body: &mut Body) {
    html_links(text, span.start, &mut body.html_links);
    body.html.push(Html { text: text.to_string(), span, block });
}

/// `<a href="…">` anchors in raw HTML (comments excepted), URL spans only.
fn html_links(html: &str, base: usize, out: &mut Vec<Link>) {
    static HREF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?is)<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
    });
    if html.trim_start().starts_with("<!--") {
        return;
    }
    for c in HREF.captures_iter(html) {
        // An href made of a replacement token is filled in by the portal.
        let Some(m) = c.get(1).or_else(|| c.get(2)).filter(|m| !m.as_str().contains("<!--")) else { continue };
        let span = base + m.start()..base + m.end();
        out.push(Link { url: m.as_str().to_string(), text: String::new(), span, image: false, autolink: false });
    }
}

fn push_text(w: &mut Walk, t: &str) {
    if let Some((_, _, text, _)) = &mut w.heading {
        if w.strong_depth == 0 && !t.trim().is_empty() {
            w.heading_only_strong = false;
        }
        text.push_str(t);
    }
    if let Some((_, _, text, _, _)) = &mut w.link {
        text.push_str(t);
    }
}

fn on_start(w: &mut Walk, tag: Tag<'_>, span: Span, body: &mut Body) {
    match tag {
        Tag::Heading { level, .. } => {
            w.heading = Some((heading_level(level), span.start, String::new(), false));
            w.heading_only_strong = true;
        }
        Tag::Emphasis => w.emphasis.push((span.start, false)),
        Tag::Strong => {
            w.emphasis.push((span.start, true));
            w.strong_depth += 1;
            if let Some(h) = &mut w.heading {
                h.3 = true;
            }
        }
        Tag::Link { link_type, dest_url, .. } => {
            let auto = matches!(link_type, pulldown_cmark::LinkType::Autolink | pulldown_cmark::LinkType::Email);
            w.link = Some((dest_url.to_string(), span.start, String::new(), false, auto));
        }
        Tag::Image { dest_url, .. } => w.link = Some((dest_url.to_string(), span.start, String::new(), true, false)),
        Tag::List(_) => {
            w.list_depth += 1;
            body.lists.push(ListItem { depth: w.list_depth, span });
        }
        Tag::Item => body.list_items.push(ListItem { depth: w.list_depth, span }),
        Tag::Table(_) => body.tables.push(span),
        Tag::CodeBlock(kind) => {
            let lang = match kind {
                CodeBlockKind::Fenced(l) => l.to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            body.code_blocks.push(CodeBlock { lang, span });
        }
        _ => {}
    }
}

fn on_end(w: &mut Walk, tag: TagEnd, span: Span, body: &mut Body) {
    match tag {
        TagEnd::Heading(_) => {
            if let Some((level, start, text, had_strong)) = w.heading.take() {
                let bold = had_strong && w.heading_only_strong;
                body.headings.push(Heading { level, text: text.trim().to_string(), span: start..span.end, bold });
            }
        }
        TagEnd::Strong | TagEnd::Emphasis => {
            if tag == TagEnd::Strong {
                w.strong_depth = w.strong_depth.saturating_sub(1);
            }
            if let Some((start, strong)) = w.emphasis.pop() {
                body.emphasis.push(Emphasis { span: start..span.end, strong });
            }
        }
        TagEnd::Link | TagEnd::Image => {
            if let Some((url, start, text, image, autolink)) = w.link.take() {
                body.links.push(Link { url, text, span: start..span.end, image, autolink });
            }
        }
        TagEnd::List(_) => w.list_depth = w.list_depth.saturating_sub(1),
        _ => {}
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_headings_with_bold_flag() {
        let text = "# Title\n\n## **Recommended Steps**\n\n## Recommended Documents\n";
        let b = parse(text, 0);
        let got: Vec<_> = b.headings.iter().map(|h| (h.level, h.text.as_str(), h.bold)).collect();
        assert_eq!(got, [(1, "Title", false), (2, "Recommended Steps", true), (2, "Recommended Documents", false)]);
    }

    #[test]
    fn collects_links_with_spans_and_list_depth() {
        let text = "* [a](https://x.test/a)\n  * b\n    * c\n";
        let b = parse(text, 0);
        assert_eq!(b.links[0].url, "https://x.test/a");
        assert_eq!(&text[b.links[0].span.clone()], "[a](https://x.test/a)");
        assert_eq!(b.list_items.iter().map(|i| i.depth).max(), Some(3));
    }

    #[test]
    fn separates_the_embedded_json_block() {
        let text = "<properties a=\"1\"/>\n# T\n---\n{\n \"a\": 1\n}\n---\nafter\n";
        let start = text.find('#').unwrap();
        let b = parse(text, start);
        let json = b.json.expect("json block");
        assert_eq!(&text[json.span], "{\n \"a\": 1\n}\n");
        assert_eq!(b.headings.len(), 1, "fences must not become headings");
    }

    #[test]
    fn records_code_emphasis_and_list_starts() {
        let text = "Use `x` and **bold** or *it*.\n\n```\n[a](https://b.test)\n```\n\n* a\n  * b\n";
        let b = parse(text, 0);
        assert!(b.in_code(text.find('x').unwrap()));
        assert!(b.in_code(text.find("[a]").unwrap()));
        assert!(b.links.is_empty(), "links in code are not links");
        let em: Vec<_> = b.emphasis.iter().map(|e| (&text[e.span.clone()], e.strong)).collect();
        assert_eq!(em, [("**bold**", true), ("*it*", false)]);
        assert_eq!(b.lists.iter().map(|l| l.depth).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn finds_the_json_block_after_a_comment_line() {
        let text = "# T\n<!--issueDescription-->\n---\n{}\n---\n";
        assert_eq!(&text[find_json_block(text, 0).unwrap().span], "{}\n");
    }

    #[test]
    fn collects_html_anchor_urls_but_not_commented_ones() {
        let text = "See <a href=\"http://x.test/a\">x</a>.\n\n<!-- <a href='http://y.test'>y</a> -->\n\n<a href=\"<!--$L-->l<!--/$L-->\">t</a>\n";
        let b = parse(text, 0);
        let urls: Vec<_> = b.html_links.iter().map(|l| &text[l.span.clone()]).collect();
        assert_eq!(urls, ["http://x.test/a"]);
        assert_eq!(b.all_links().count(), 1);
        assert!(b.links.is_empty());
    }

    #[test]
    fn ignores_rules_that_are_not_json_fences() {
        let text = "# T\n---\nplain text\n";
        assert!(find_json_block(text, 0).is_none());
    }

    #[test]
    fn finds_the_destination_inside_the_link_text() {
        let text = "see [x](https://a.test/b) and <https://c.test>";
        let b = parse(text, 0);
        let spans: Vec<_> = b.links.iter().filter_map(|l| l.destination_span(text)).map(|s| &text[s]).collect();
        assert_eq!(spans, ["https://a.test/b", "https://c.test"]);
    }
}
