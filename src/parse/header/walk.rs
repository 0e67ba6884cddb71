//! The quote-aware walk over the `<properties` tag: finds where it ends and
//! repairs, byte for byte, the mistakes quick-xml cannot recover from (an
//! unclosed quote, a doubled closing quote, a missing `=`, a quoted stray,
//! invisible characters), reporting each once.

use super::{HeaderProblem, OPEN};
use crate::source::Span;

#[derive(Default)]
pub(super) struct TagEnd {
    /// Where the attribute list stops (before `/>` or `>`).
    pub attrs_end: usize,
    /// Where the whole header stops.
    pub header_end: usize,
    /// Line ends where an unclosed quote was cut off, with its quote character.
    pub cuts: Vec<(usize, u8)>,
    /// Byte ranges, already reported, that the attribute reader must see
    /// filled with the given byte (a space to blank them out, or `=`).
    pub patches: Vec<(Span, u8)>,
}

/// How a quoted string outside a value is handled when it closes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An attribute value (after `=`, or after a name whose `=` was patched in).
    Value,
    /// A value whose name lacks `=` and is glued to it; blanked, already reported.
    Blank,
    /// Quoted text where no attribute can start; blanked and reported on close.
    Stray,
}

#[derive(Clone, Copy)]
struct Open {
    ch: u8,
    at: usize,
    mode: Mode,
    /// A single-quoted value had an apostrophe in it (`'Can't connect'`).
    apostrophe: bool,
}

/// State of the walk.
struct Walk<'a> {
    text: &'a str,
    /// Where the attribute list starts.
    from: usize,
    problems: &'a mut Vec<HeaderProblem>,
    quote: Option<Open>,
    /// Where the last closing quote is.
    last_close: Option<usize>,
    cuts: Vec<(usize, u8)>,
    patches: Vec<(Span, u8)>,
}

/// Walks the tag, honouring quotes, to find `/>` or `>` (then `</properties>`).
/// An unclosed quote is detected when a later line starts like a new attribute.
pub(super) fn find_tag_end(text: &str, open: usize, from: usize, problems: &mut Vec<HeaderProblem>) -> TagEnd {
    let bytes = text.as_bytes();
    let mut w = Walk { text, from, problems, quote: None, last_close: None, cuts: Vec::new(), patches: Vec::new() };
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = w.quote {
            w.in_quote(i, b, q);
        } else if b == b'"' || b == b'\'' {
            w.open_quote(i, b);
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
    if let Some(q) = w.quote {
        w.problems.push(HeaderProblem::new(q.at..q.at + 1, "unclosed quote in header attribute value", None));
    }
    let end = unterminated(open, bytes.len(), w.problems);
    w.finish(end)
}

impl Walk<'_> {
    fn in_quote(&mut self, i: usize, b: u8, q: Open) {
        if b == q.ch && b == b'\'' && self.is_apostrophe(i) {
            self.problems.push(HeaderProblem::new(
                i..i + 1,
                "apostrophe inside a single-quoted header value ends the value early",
                Some("put the value in double quotes instead"),
            ));
            self.quote = Some(Open { apostrophe: true, ..q });
        } else if b == q.ch {
            self.quote = None;
            self.last_close = Some(i);
            self.close_quote(q, i);
        } else if b == b'\n' && line_starts_new_attribute(&self.text[i + 1..]) {
            self.problems.push(HeaderProblem::new(
                q.at..q.at + 1,
                "unclosed quote in header attribute value",
                Some("close the value with the same quote character it starts with"),
            ));
            let cut = if i > 0 && self.text.as_bytes()[i - 1] == b'\r' { i - 1 } else { i };
            // Only a real value is kept; a stray one is blanked up to the cut.
            if q.mode == Mode::Value {
                self.cuts.push((cut, q.ch))
            } else {
                self.patches.push((q.at..cut, b' '))
            }
            self.quote = None;
        }
    }

    /// A `'` followed by a word that is not the next attribute (`'Can't …'`):
    /// attributes need a blank between them, so this is an apostrophe.
    fn is_apostrophe(&self, i: usize) -> bool {
        let rest = &self.text.as_bytes()[i + 1..];
        let word = rest.iter().take_while(|&&b| is_name_byte(b)).count();
        word > 0 && rest.get(word) != Some(&b'=')
    }

    fn close_quote(&mut self, q: Open, close: usize) {
        // Double quotes make the apostrophes part of the value, byte for byte.
        if q.apostrophe && !self.text[q.at..close].contains('"') {
            self.patches.push((q.at..q.at + 1, b'"'));
            self.patches.push((close..close + 1, b'"'));
        }
        self.close_stray(q, close);
    }

    fn close_stray(&mut self, q: Open, close: usize) {
        let span = q.at..close + 1;
        if q.mode == Mode::Stray {
            let shown: String = self.text[span.clone()].chars().take(40).collect();
            self.problems.push(HeaderProblem::new(
                span.clone(),
                format!("stray text {shown} in header"),
                Some("every header attribute is written as name=\"value\"; add the name or delete the text"),
            ));
        }
        if q.mode != Mode::Value {
            self.patches.push((span, b' '));
        }
    }

    /// A quote outside a value: a stray right after a closing quote
    /// (`"text""`), a value after `=`, a value whose `=` is missing, or stray
    /// quoted text.
    fn open_quote(&mut self, i: usize, ch: u8) {
        if self.last_close.is_some_and(|c| c + 1 == i) {
            self.problems.push(HeaderProblem::new(
                i..i + 1,
                "stray quote after the end of an attribute value",
                Some("delete the extra quote"),
            ));
            self.patches.push((i..i + 1, b' '));
            return;
        }
        let before = &self.text[self.from..i];
        let trimmed = before.trim_end_matches([' ', '\t', '\r', '\n']);
        let mode = if trimmed.ends_with('=') { Mode::Value } else { self.missing_equals(trimmed, before.len()) };
        self.quote = Some(Open { ch, at: i, mode, apostrophe: false });
    }

    /// `name "value"`: reports the missing `=` at the name and patches it into
    /// the blank after the name; `name"value"` has no room, so the pair is
    /// blanked. Anything else before the quote makes it stray text.
    fn missing_equals(&mut self, trimmed: &str, gap_end: usize) -> Mode {
        let name_len = trimmed.bytes().rev().take_while(|&b| is_name_byte(b)).count();
        if name_len == 0 {
            return Mode::Stray;
        }
        let name = self.from + trimmed.len() - name_len..self.from + trimmed.len();
        self.problems.push(HeaderProblem::new(
            name.clone(),
            format!("expected `=` after `{}` in header", &self.text[name.clone()]),
            Some("every header attribute is written as name=\"value\"; add the `=`"),
        ));
        if gap_end > trimmed.len() {
            self.patches.push((name.end..name.end + 1, b'='));
            Mode::Value
        } else {
            self.patches.push((name, b' '));
            Mode::Blank
        }
    }

    /// Reports an invisible character between attributes; returns its length.
    fn non_ascii(&mut self, i: usize) -> usize {
        let c = self.text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if let Some(what) = crate::parse::invisible::describe(c) {
            self.problems.push(HeaderProblem::new(
                i..i + len,
                format!("unexpected invisible character {what} in header"),
                Some("delete it; it is usually left by copying text from a web page or document"),
            ));
            self.patches.push((i..i + len, b' '));
        }
        len
    }

    fn finish(self, end: TagEnd) -> TagEnd {
        TagEnd { cuts: self.cuts, patches: self.patches, ..end }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':')
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
    let name_len = line.bytes().take_while(|&b| is_name_byte(b)).count();
    name_len > 0 && line[name_len..].trim_start_matches([' ', '\t']).starts_with('=')
}
