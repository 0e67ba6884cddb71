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
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| i + p) {
        let rest = &html[lt..];
        if let Some(skip) = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">")]
            .iter()
            .find(|(open, _)| rest.starts_with(open))
            .map(|(open, close)| rest[open.len()..].find(close).map_or(rest.len(), |e| open.len() + e + close.len()))
        {
            i = lt + skip;
            continue;
        }
        let closing = rest.starts_with("</");
        let name_at = lt + if closing { 2 } else { 1 };
        let name_len = html[name_at..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-').count();
        if name_len == 0 || !bytes[name_at].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let Some(end) = tag_end(bytes, name_at + name_len) else { break };
        out.push(Tag { name: &html[name_at..name_at + name_len], closing, span: lt..end });
        i = end;
    }
    out
}

/// The offset just past the `>` that ends a tag whose attributes start at
/// `from`, skipping quoted values.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
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
    fn leaves_out_what_is_not_a_whole_tag() {
        assert!(tags("1 < 2 and <3> and <-x>").is_empty());
        assert!(tags("<div class=\"cut").is_empty());
        assert_eq!(tags("<td>\n<Name").len(), 1);
    }
}
