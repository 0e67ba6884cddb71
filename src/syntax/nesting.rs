//! How deep elements nest, counted as they open and close, with a limit.
//! HTML parsers check the open elements for each tag they meet (html5ever,
//! under ammonia, does), so nesting N deep costs N² there: 200 KB of `>`
//! took minutes to sanitise. The body walk counts Markdown's containers and
//! raw HTML's elements to report nesting past the limit (`nesting-too-deep`);
//! the renderer drops the tags past the limit before sanitising ([`cap`]), so
//! the page keeps the text and the sanitiser's work stays linear.

use super::html;
use crate::source::Span;

/// The deepest nesting the rule accepts. No real article comes near (the
/// sample knowledge base's deepest is under 15); the renderer allows a
/// little more ([`RENDER_LIMIT`]), since its HTML has a few elements the
/// Markdown events do not (`<thead>` with its row).
pub(crate) const MAX_NESTING: usize = 100;
pub(crate) const RENDER_LIMIT: usize = MAX_NESTING + 16;

/// Elements with no content (never pushed).
const VOID: [&str; 14] =
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];
/// Elements an HTML parser closes when a sibling of the same name opens.
const SIBLINGS: [&str; 8] = ["p", "li", "dt", "dd", "tr", "td", "th", "option"];

/// The open elements, and those dropped for being too deep (their end tags
/// are dropped as well).
#[derive(Debug)]
pub(crate) struct Nesting {
    limit: usize,
    open: Vec<Name>,
    dropped: Vec<Name>,
}

/// An element name lowercased, its first 15 bytes kept (no allocation per
/// tag: every page's HTML goes through here); names differing only past
/// that match each other, which only custom elements could.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Name([u8; 16]);

impl Name {
    fn new(name: &str) -> Name {
        let mut b = [0u8; 16];
        for (d, s) in b.iter_mut().zip(name.bytes().take(15)) {
            *d = s.to_ascii_lowercase();
        }
        Name(b)
    }
}

impl Nesting {
    pub(crate) fn new(limit: usize) -> Nesting {
        Nesting { limit, open: Vec::new(), dropped: Vec::new() }
    }

    /// An element opens; false if it lies past the limit (dropped).
    pub(crate) fn open(&mut self, name: &str) -> bool {
        if VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
            return true;
        }
        let key = Name::new(name);
        if SIBLINGS.iter().any(|s| s.eq_ignore_ascii_case(name)) && self.open.last() == Some(&key) {
            self.open.pop();
        }
        if self.open.len() >= self.limit {
            self.dropped.push(key);
            return false;
        }
        self.open.push(key);
        true
    }

    /// An element closes; false if its start tag was dropped. A stray end
    /// tag is kept (HTML parsers ignore it); the search for its start is
    /// bounded by the limit, so each tag costs at most that much.
    pub(crate) fn close(&mut self, name: &str) -> bool {
        let key = Name::new(name);
        if self.dropped.last() == Some(&key) {
            self.dropped.pop();
            return false;
        }
        if let Some(i) = self.open.iter().rposition(|o| *o == key) {
            self.open.truncate(i);
        }
        true
    }

    /// Spans (in `html`) of the tags to drop, in order: raw HTML's tags
    /// through [`Nesting::open`] and [`Nesting::close`].
    pub(crate) fn scan(&mut self, html: &str) -> Vec<Span> {
        let mut drop = Vec::new();
        for tag in html::tags(html) {
            let kept = match tag.closing {
                true => self.close(tag.name),
                false if html[..tag.span.end].ends_with("/>") => true,
                false => self.open(tag.name),
            };
            if !kept {
                drop.push(tag.span);
            }
        }
        drop
    }
}

/// `html` without the tags nested deeper than [`RENDER_LIMIT`]; `None`
/// (nothing to drop) for any page that could not reach it.
pub(crate) fn cap(html: &str) -> Option<String> {
    cap_at(html, RENDER_LIMIT)
}

/// [`cap`] for HTML that lies inside elements already: `limit` more levels.
pub(crate) fn cap_at(html: &str, limit: usize) -> Option<String> {
    memchr::memchr_iter(b'<', html.as_bytes()).nth(limit)?;
    let drop = Nesting::new(limit).scan(html);
    if drop.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for span in drop {
        out.push_str(&html[last..span.start]);
        last = span.end;
    }
    out.push_str(&html[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_tags_past_the_limit_and_their_end_tags_only() {
        let deep = format!("{}x{}", "<div>".repeat(RENDER_LIMIT + 5), "</div>".repeat(RENDER_LIMIT + 5));
        let capped = cap(&deep).expect("too deep");
        assert_eq!(capped, format!("{}x{}", "<div>".repeat(RENDER_LIMIT), "</div>".repeat(RENDER_LIMIT)));
        let fine = format!("{}x{}", "<p>a</p><br>".repeat(500), "</div>");
        assert_eq!(cap(&fine), None);
    }

    #[test]
    fn siblings_void_and_self_closing_elements_do_not_deepen() {
        let html = format!("<ul>{}</ul>", "<li>item<br><img src=x/><span/>".repeat(1000));
        assert_eq!(cap(&html), None);
    }

    #[test]
    fn never_closed_elements_are_capped_too() {
        let html = format!("{}deep", "<blockquote>\n".repeat(10_000));
        let capped = cap(&html).unwrap();
        assert_eq!(capped.matches("<blockquote>").count(), RENDER_LIMIT);
        assert!(capped.ends_with("deep"));
    }
}
