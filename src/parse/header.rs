//! Finds and scans the `<properties …/>` header. Lenient: it accepts what real
//! files contain (comments before the header, either quote style, values across
//! lines, any attribute case, `/>` or `</properties>`) and reports everything
//! else as [`HeaderProblem`]s with exact spans, keeping every attribute it can.

use crate::article::properties::Attribute;
use crate::article::vocab::canonical_attribute;
use crate::source::Span;
use quick_xml::events::attributes::{AttrError, Attributes};

/// The raw header: where it is and its attributes in source order, duplicates
/// and original case kept.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// From `<properties` to the end of `/>` or `</properties>`.
    pub span: Span,
    pub attrs: Vec<Attribute>,
}

/// Something wrong with the header's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderProblem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl HeaderProblem {
    fn new(span: Span, message: impl Into<String>, help: Option<&str>) -> Self {
        HeaderProblem { span, message: message.into(), help: help.map(str::to_string) }
    }
}

/// The result of looking for a header.
#[derive(Debug, Clone)]
pub enum Scan {
    /// No `<properties` element opens the file. `at` is where one was found later
    /// in the file, if anywhere.
    Missing {
        found_later: Option<usize>,
    },
    Found {
        header: Header,
        problems: Vec<HeaderProblem>,
    },
}

const OPEN: &str = "<properties";

/// Scans `text` (BOM already removed) for the header.
pub fn scan(text: &str) -> Scan {
    let start = skip_preamble(text);
    if !starts_with_open_tag(&text[start..]) {
        let found_later = find_open_tag(text, start);
        return Scan::Missing { found_later };
    }
    let mut problems = Vec::new();
    let attrs_start = start + OPEN.len();
    let end = find_tag_end(text, start, attrs_start, &mut problems);
    let attrs = scan_attributes(text, attrs_start..end.attrs_end, &end, &mut problems);
    let header = Header { span: start..end.header_end, attrs };
    Scan::Found { header, problems }
}

/// Skips whitespace and HTML comments before the header.
fn skip_preamble(text: &str) -> usize {
    let mut i = 0;
    loop {
        let rest = &text[i..];
        // A second byte-order mark (files saved twice with one) is invisible too.
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        i += rest.len() - trimmed.len();
        if trimmed.starts_with("<!--") {
            match trimmed.find("-->") {
                Some(e) => i += e + 3,
                None => return i,
            }
        } else {
            return i;
        }
    }
}

fn starts_with_open_tag(s: &str) -> bool {
    s.len() >= OPEN.len()
        && s.as_bytes()[..OPEN.len()].eq_ignore_ascii_case(OPEN.as_bytes())
        && s[OPEN.len()..].chars().next().is_none_or(|c| c.is_whitespace() || c == '/' || c == '>')
}

fn find_open_tag(text: &str, from: usize) -> Option<usize> {
    let lower = text[from..].to_ascii_lowercase();
    lower.find(OPEN).map(|i| from + i)
}

#[derive(Default)]
struct TagEnd {
    /// Where the attribute list stops (before `/>` or `>`).
    attrs_end: usize,
    /// Where the whole header stops.
    header_end: usize,
    /// Line ends where an unclosed quote was cut off, with its quote character.
    cuts: Vec<(usize, u8)>,
    /// Stray quotes and invisible characters, already reported, that the
    /// attribute reader must see as blanks.
    blanks: Vec<Span>,
}

/// State of the quote-aware walk over the tag.
struct Walk<'a> {
    text: &'a str,
    problems: &'a mut Vec<HeaderProblem>,
    /// The open quote character and where it is.
    quote: Option<(u8, usize)>,
    /// Where the last value's closing quote is.
    last_close: Option<usize>,
    cuts: Vec<(usize, u8)>,
    blanks: Vec<Span>,
}

/// Walks the tag, honouring quotes, to find `/>` or `>` (then `</properties>`).
/// An unclosed quote is detected when a later line starts like a new attribute.
fn find_tag_end(text: &str, open: usize, from: usize, problems: &mut Vec<HeaderProblem>) -> TagEnd {
    let bytes = text.as_bytes();
    let mut w = Walk { text, problems, quote: None, last_close: None, cuts: Vec::new(), blanks: Vec::new() };
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some((q, at)) = w.quote {
            w.in_value(i, b, q, at);
        } else if b == b'"' || b == b'\'' {
            w.quote_outside_value(i, b);
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'>') {
            return w.finish(TagEnd { attrs_end: i, header_end: i + 2, ..TagEnd::default() });
        } else if b == b'>' {
            let end = close_element(text, i, w.problems);
            return w.finish(end);
        } else if b == b'\n' && text[i + 1..].trim_start_matches([' ', '\t']).starts_with('#') {
            let end = unterminated(open, i, w.problems);
            return w.finish(end);
        } else if b >= 0x80 {
            i += w.non_ascii(i);
            continue;
        }
        i += 1;
    }
    if let Some((_, at)) = w.quote {
        w.problems.push(HeaderProblem::new(at..at + 1, "unclosed quote in header attribute value", None));
    }
    let end = unterminated(open, bytes.len(), w.problems);
    w.finish(end)
}

impl Walk<'_> {
    fn in_value(&mut self, i: usize, b: u8, q: u8, at: usize) {
        if b == q {
            self.quote = None;
            self.last_close = Some(i);
        } else if b == b'\n' && line_starts_new_attribute(&self.text[i + 1..]) {
            self.problems.push(HeaderProblem::new(
                at..at + 1,
                "unclosed quote in header attribute value",
                Some("close the value with the same quote character it starts with"),
            ));
            let cut = if i > 0 && self.text.as_bytes()[i - 1] == b'\r' { i - 1 } else { i };
            self.cuts.push((cut, q));
            self.quote = None;
        }
    }

    /// A quote right after a value's closing quote (`"text""`) is a stray, not
    /// the start of a new value; anything else opens a value.
    fn quote_outside_value(&mut self, i: usize, b: u8) {
        if self.last_close.is_some_and(|c| c + 1 == i) {
            self.problems.push(HeaderProblem::new(
                i..i + 1,
                "stray quote after the end of an attribute value",
                Some("delete the extra quote"),
            ));
            self.blanks.push(i..i + 1);
        } else {
            self.quote = Some((b, i));
        }
    }

    /// Reports an invisible character between attributes; returns its length.
    fn non_ascii(&mut self, i: usize) -> usize {
        let c = self.text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if let Some(what) = super::invisible::describe(c) {
            self.problems.push(HeaderProblem::new(
                i..i + len,
                format!("unexpected invisible character {what} in header"),
                Some("delete it; it is usually left by copying text from a web page or document"),
            ));
            self.blanks.push(i..i + len);
        }
        len
    }

    fn finish(self, end: TagEnd) -> TagEnd {
        TagEnd { cuts: self.cuts, blanks: self.blanks, ..end }
    }
}

fn unterminated(open: usize, at: usize, problems: &mut Vec<HeaderProblem>) -> TagEnd {
    problems.push(HeaderProblem::new(
        open..open + OPEN.len(),
        "the <properties> header is never closed",
        Some("end the header with `/>`"),
    ));
    TagEnd { attrs_end: at, header_end: at, ..TagEnd::default() }
}

/// After a plain `>`, the element must be closed by `</properties>`.
fn close_element(text: &str, gt: usize, problems: &mut Vec<HeaderProblem>) -> TagEnd {
    let rest = &text[gt + 1..];
    let trimmed = rest.trim_start();
    let at = gt + 1 + (rest.len() - trimmed.len());
    let close = "</properties>";
    if trimmed.len() >= close.len() && trimmed.as_bytes()[..close.len()].eq_ignore_ascii_case(close.as_bytes()) {
        return TagEnd { attrs_end: gt, header_end: at + close.len(), ..TagEnd::default() };
    }
    problems.push(HeaderProblem::new(
        gt..gt + 1,
        "the <properties> header ends with `>` but has no `</properties>`",
        Some("end the header with `/>` instead of `>`"),
    ));
    TagEnd { attrs_end: gt, header_end: gt + 1, ..TagEnd::default() }
}

/// `name="…` at the start of a line: the previous value's quote was never closed.
fn line_starts_new_attribute(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '\t']);
    if line.starts_with("/>") {
        return true;
    }
    let name_len =
        line.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':')).count();
    name_len > 0 && line[name_len..].trim_start_matches([' ', '\t']).starts_with('=')
}

/// Reads attributes with quick-xml, turning its errors into problems and
/// recovering after each one. The list is read in segments split at `cuts`;
/// a segment whose value was cut gets its quote closed so the attribute is kept.
fn scan_attributes(text: &str, range: Span, end: &TagEnd, problems: &mut Vec<HeaderProblem>) -> Vec<Attribute> {
    let blanked = blank_out(&text[..range.end], &end.blanks);
    let text = blanked.as_str();
    let mut attrs = Vec::new();
    let mut seg_start = range.start;
    for &(cut, quote) in &end.cuts {
        let mut repaired = text[seg_start..cut].to_string();
        repaired.push(quote as char);
        scan_segment(text, seg_start, &repaired, &mut attrs, problems);
        seg_start = cut;
    }
    scan_segment(text, seg_start, &text[seg_start..range.end], &mut attrs, problems);
    attrs
}

/// `text` with the given ranges replaced by spaces, byte for byte, so that
/// offsets stay valid.
fn blank_out(text: &str, blanks: &[Span]) -> String {
    if blanks.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len();
    for b in blanks.iter().filter(|b| b.end <= len) {
        bytes[b.clone()].fill(b' ');
    }
    // Whole characters were blanked, so this is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Scans `buf`, which stands at `base` in `text` (byte for byte, except for a
/// closing quote a repaired segment has at its end).
fn scan_segment(text: &str, base: usize, buf: &str, attrs: &mut Vec<Attribute>, problems: &mut Vec<HeaderProblem>) {
    let mut iter = Attributes::new(buf, 0);
    iter.with_checks(false);
    for item in iter {
        match item {
            Ok(attr) => {
                let name: &str = attr.key.as_ref();
                let name_start = base + offset_in(buf, name);
                let raw: &str = attr.value.as_ref();
                let value_start = base + offset_in(buf, raw);
                let value =
                    quick_xml::escape::unescape(raw).map(|c| c.into_owned()).unwrap_or_else(|_| raw.to_string());
                attrs.push(Attribute {
                    canonical: canonical_attribute(name),
                    name: name.to_string(),
                    name_span: name_start..name_start + name.len(),
                    value,
                    value_span: value_start..value_start + raw.len(),
                });
            }
            Err(e) => problems.push(attr_problem(text, base, e)),
        }
    }
}

/// The word that ends at or before `at` (quick-xml reports a missing `=` at the
/// token after the name).
fn word_before(text: &str, at: usize) -> Span {
    let at = crate::source::floor_char_boundary(text, at.min(text.len()));
    let end = text[..at].trim_end().len();
    let start = text[..end]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '"' || c == '\'')
        .map_or(0, |(i, c)| i + c.len_utf8());
    // Clamped: the character at `at` may be wider than one byte.
    if start < end { start..end } else { crate::source::clamp_span(text, &(at..at + 1)) }
}

fn offset_in(buf: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(buf.as_ptr() as usize).min(buf.len())
}

fn attr_problem(text: &str, base: usize, e: AttrError) -> HeaderProblem {
    let word_at = |p: usize| {
        let start = crate::source::floor_char_boundary(text, (base + p).min(text.len()));
        let len =
            text[start..].find(|c: char| c.is_whitespace() || c == '=' || c == '/' || c == '>').unwrap_or(0).max(1);
        // Clamped: a one-byte fallback may end inside a wider character.
        crate::source::clamp_span(text, &(start..start + len))
    };
    match e {
        AttrError::ExpectedEq(p) => {
            let span = word_before(text, base + p);
            let word = &text[span.clone()];
            HeaderProblem::new(
                span,
                format!("expected `=` after `{word}` in header"),
                Some("every header attribute is written as name=\"value\"; add the `=` or remove stray text"),
            )
        }
        AttrError::ExpectedValue(p) | AttrError::UnquotedValue(p) => HeaderProblem::new(
            word_at(p),
            "header attribute value is not quoted",
            Some("put the value in double quotes"),
        ),
        AttrError::ExpectedQuote(p, _) => {
            HeaderProblem::new(word_at(p), "unclosed quote in header attribute value", None)
        }
        AttrError::Duplicated(p, _) => HeaderProblem::new(word_at(p), "duplicate header attribute", None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> (Header, Vec<HeaderProblem>) {
        match scan(text) {
            Scan::Found { header, problems } => (header, problems),
            Scan::Missing { .. } => panic!("no header in {text:?}"),
        }
    }

    #[test]
    fn problem_spans_stay_on_character_boundaries() {
        // Found by fuzzing: a stray quote, then a line starting with `é`.
        for text in ["<properties\n    a=\"x\"\n    bc\"\n\u{e9}    c=\"1\"\n/>\n", "<properties a b\"\u{e9}\" />"] {
            let (h, problems) = found(text);
            for span in problems.iter().map(|p| &p.span).chain(h.attrs.iter().map(|a| &a.value_span)) {
                assert!(text.get(span.clone()).is_some(), "{span:?} in {text:?}");
            }
        }
    }

    #[test]
    fn reads_attributes_with_spans() {
        let text = "<properties\n  pageTitle=\"Hi &amp; bye\"\n  articleid='x1' />\n# T";
        let (h, p) = found(text);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(h.attrs.len(), 2);
        assert_eq!(h.attrs[0].value, "Hi & bye");
        assert_eq!(&text[h.attrs[0].value_span.clone()], "Hi &amp; bye");
        assert_eq!(h.attrs[1].canonical, Some("articleId"));
        assert_eq!(&text[h.attrs[1].name_span.clone()], "articleid");
        assert_eq!(&text[h.span.clone()], &text[..text.find("/>").unwrap() + 2]);
    }

    #[test]
    fn accepts_comments_before_and_closing_element() {
        let text = "<!-- note -->\n\n<properties a=\"1\"></properties>\nbody";
        let (h, p) = found(text);
        assert!(p.is_empty());
        assert!(text[h.span].ends_with("</properties>"));
    }

    #[test]
    fn keeps_multi_line_values() {
        let (h, p) = found("<properties description=\"one\ntwo\" />");
        assert!(p.is_empty());
        assert_eq!(h.attrs[0].value, "one\ntwo");
    }

    #[test]
    fn reports_unclosed_quote_and_keeps_later_attributes() {
        let text = "<properties\n a=\"1\n b=\"2\"\n/>";
        let (h, p) = found(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].span.start, text.find('"').unwrap());
        assert!(h.attrs.iter().any(|a| a.name == "b" && a.value == "2"));
    }

    #[test]
    fn reports_missing_equals_and_stray_text() {
        let text = "<properties a=\"1\" stray b=\"2\" />";
        let (h, p) = found(text);
        assert_eq!(p.len(), 1);
        assert_eq!(&text[p[0].span.clone()], "stray");
        assert_eq!(h.attrs.len(), 2);
    }

    #[test]
    fn reports_unterminated_header_before_heading() {
        let (_, p) = found("<properties a=\"1\"\n\n# Title\n");
        assert!(p[0].message.contains("never closed"));
    }

    #[test]
    fn names_an_invisible_character_after_a_value_and_keeps_reading() {
        let text = "<properties\n a=\"1\"\u{200B}\n b=\"2\"\n/>";
        let (h, p) = found(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "unexpected invisible character U+200B ZERO WIDTH SPACE in header");
        assert_eq!(&text[p[0].span.clone()], "\u{200B}");
        assert_eq!(h.attrs.len(), 2);
    }

    #[test]
    fn reports_a_doubled_closing_quote_once_and_keeps_later_attributes() {
        let text = "<properties\n a=\"text\"\"\n    b=\"2\"\n/>";
        let (h, p) = found(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "stray quote after the end of an attribute value");
        assert_eq!(p[0].span.start, text.find("\"\"").unwrap() + 1);
        assert_eq!(
            h.attrs.iter().map(|a| (a.name.as_str(), a.value.as_str())).collect::<Vec<_>>(),
            [("a", "text"), ("b", "2")]
        );
    }

    #[test]
    fn missing_equals_after_a_wide_space_stays_on_character_boundaries() {
        // Found by fuzzing: a no-break space inside a stray value before the word.
        let text = "<properties\nb=\"1\"\nb=\"1\" \"\"x\" <!--\u{FEFF}</properties>>";
        let (_, problems) = found(text);
        assert!(problems.iter().all(|p| text.get(p.span.clone()).is_some()), "{problems:?}");
        assert_eq!(word_before("\u{A0}ab c", 5), 2..4);
    }

    #[test]
    fn skips_a_second_byte_order_mark_before_the_header() {
        let (h, p) = found("\u{FEFF}<properties a=\"1\" />");
        assert!(p.is_empty());
        assert_eq!(h.span.start, 3);
    }

    #[test]
    fn reports_missing_header() {
        assert!(matches!(scan("# Title\n"), Scan::Missing { found_later: None }));
        assert!(matches!(scan("# T\n<properties a=\"1\"/>"), Scan::Missing { found_later: Some(4) }));
    }
}
