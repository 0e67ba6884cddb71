//! Tags in the raw HTML that Markdown passes through, and the names HTML
//! knows: what rules about raw HTML need without a full HTML parser.

use crate::source::Span;

/// One start or end tag, with its span in the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    pub name: &'a str,
    pub closing: bool,
    pub span: Span,
}

/// The tags of `html` in order. Comments, declarations (`<!DOCTYPE`),
/// processing instructions and CDATA are skipped; `>` inside a quoted
/// attribute value does not end a tag; a tag whose `>` is not in `html`
/// (one cut by a line break inside an HTML block) is left out.
pub(crate) fn tags(html: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    Scanner::default().scan(html, |span| {
        let inner = &html[span.start + 1..];
        let closing = inner.starts_with('/');
        let name = inner.trim_start_matches('/');
        let len = name.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-').count();
        out.push(Tag { name: &name[..len], closing, span });
    });
    out
}

/// Constructs whose text is not markup, with what ends them.
const SKIPPED: [(&str, &str); 4] = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">")];

/// Where a scan of raw HTML has left off, carried from one piece of text to
/// the next: an HTML block reaches the renderer a line at a time, and a tag
/// or a comment may span lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scanner {
    at: At,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum At {
    #[default]
    Text,
    /// In a comment, declaration, processing instruction or CDATA, which
    /// this ends.
    Skipped(&'static str),
    /// Inside a tag, maybe in a value quoted with this quote.
    Tag(Option<u8>),
}

impl Scanner {
    /// Whether the text scanned so far ends inside a tag.
    pub(crate) fn in_tag(&self) -> bool {
        matches!(self.at, At::Tag(_))
    }

    /// Scans `text` on from where the last scan left off, calling `tag` with
    /// the span (in `text`) of each tag that starts and ends in it.
    pub(crate) fn scan(&mut self, text: &str, mut tag: impl FnMut(Span)) {
        let bytes = text.as_bytes();
        let mut start = None;
        let mut i = 0;
        while i < bytes.len() {
            match self.at {
                At::Skipped(close) => match text[i..].find(close) {
                    Some(e) => (i, self.at) = (i + e + close.len(), At::Text),
                    None => i = bytes.len(),
                },
                At::Tag(quote) => {
                    let b = bytes[i];
                    match (quote, b) {
                        (Some(q), _) if b == q => self.at = At::Tag(None),
                        (None, b'"' | b'\'') => self.at = At::Tag(Some(b)),
                        (None, b'>') => {
                            self.at = At::Text;
                            if let Some(s) = start.take() {
                                tag(s..i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                At::Text => {
                    let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| i + p) else { break };
                    let rest = &text[lt..];
                    if let Some((open, close)) = SKIPPED.iter().find(|(open, _)| rest.starts_with(open)) {
                        (i, self.at) = (lt + open.len(), At::Skipped(close));
                    } else if rest
                        .strip_prefix("</")
                        .unwrap_or(&rest[1..])
                        .starts_with(|c: char| c.is_ascii_alphabetic())
                    {
                        (start, self.at) = (Some(lt), At::Tag(None));
                        i = lt + 1;
                    } else {
                        i = lt + 1;
                    }
                }
            }
        }
    }
}

/// Whether `name` (any case) is an HTML element: the WHATWG list, the
/// obsolete elements browsers still know, and the `svg` and `math` roots.
pub(crate) fn is_element(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ELEMENTS.binary_search(&lower.as_str()).is_ok()
}

/// Sorted, for the binary search.
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "isindex",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "menuitem",
    "meta",
    "meter",
    "multicol",
    "nav",
    "nextid",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_element_list_is_sorted_and_lowercase() {
        assert!(ELEMENTS.windows(2).all(|w| w[0] < w[1]), "not sorted");
        assert!(ELEMENTS.iter().all(|e| *e == e.to_ascii_lowercase()));
        assert!(is_element("BR") && is_element("Table") && !is_element("PipelineName") && !is_element("path"));
    }

    #[test]
    fn finds_tags_past_comments_and_quoted_angle_brackets() {
        let html = "<!-- <x> --><a title=\"1 > 2\" href='y'>go</a><Value Name=\"u\" /><!DOCTYPE html><br/>";
        let found: Vec<_> = tags(html).into_iter().map(|t| (t.name, t.closing, &html[t.span])).collect();
        assert_eq!(
            found,
            [
                ("a", false, "<a title=\"1 > 2\" href='y'>"),
                ("a", true, "</a>"),
                ("Value", false, "<Value Name=\"u\" />"),
                ("br", false, "<br/>"),
            ]
        );
    }

    #[test]
    fn any_text_gives_tags_on_character_boundaries() {
        // A fixed pseudo-random walk over the characters the scanner cares about.
        let alphabet = ['<', '>', '/', '!', '-', '?', '[', '"', '\'', ' ', 'a', 'Z', '1', 'é', '\n', '='];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            let text: String = (0..24)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            for t in tags(&text) {
                assert!(text.get(t.span.clone()).is_some_and(|s| s.starts_with('<') && s.ends_with('>')), "{text:?}");
                assert!(!t.name.is_empty() && t.name.starts_with(|c: char| c.is_ascii_alphabetic()), "{text:?}");
            }
        }
    }

    #[test]
    fn a_scan_carries_comments_tags_and_quotes_from_one_piece_to_the_next() {
        let mut s = Scanner::default();
        s.scan("<!-- <a href=\"x -->text <b class='a>b'", |_| {});
        assert!(s.in_tag());
        s.scan(">", |_| {});
        assert!(!s.in_tag());
        s.scan("<!-- open", |_| {});
        s.scan("<a> -->1 < 2 and a <", |_| {});
        assert!(!s.in_tag());
    }

    #[test]
    fn leaves_out_what_is_not_a_whole_tag() {
        assert!(tags("1 < 2 and <3> and <-x>").is_empty());
        assert!(tags("<div class=\"cut").is_empty());
        assert_eq!(tags("<td>\n<Name").len(), 1);
    }
}
