//! Finds and scans the `<properties …/>` header. Lenient: it accepts what real
//! files contain (comments before the header, either quote style, values across
//! lines, any attribute case, `/>` or `</properties>`) and reports everything
//! else as [`HeaderProblem`]s with exact spans, keeping every attribute it can.

use crate::source::Span;
use crate::vocab::canonical_attribute;
use quick_xml::events::attributes::{AttrError, Attributes};
use walk::{TagEnd, find_tag_end};

mod walk;

/// One `name="value"` of the header as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The name as written, original case.
    pub name: String,
    pub name_span: Span,
    /// The value with XML entities decoded.
    pub value: String,
    /// The raw value between the quotes.
    pub value_span: Span,
    /// The canonical spelling when the name is known (case-insensitively).
    pub canonical: Option<&'static str>,
}

/// The raw header: where it is and its attributes in source order, duplicates
/// and original case kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
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
    /// A bare word where an attribute should be; a run of them is folded.
    bare: bool,
}

impl HeaderProblem {
    fn new(span: Span, message: impl Into<String>, help: Option<&str>) -> Self {
        HeaderProblem { span, message: message.into(), help: help.map(str::to_string), bare: false }
    }
}

/// The result of looking for a header.
#[derive(Debug, Clone)]
pub(crate) enum Scan {
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
pub(crate) fn scan(text: &str) -> Scan {
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
pub(crate) fn skip_preamble(text: &str) -> usize {
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

/// Reads attributes with quick-xml, turning its errors into problems and
/// recovering after each one. The list is read in segments split at `cuts`;
/// a segment whose value was cut gets its quote closed so the attribute is kept.
fn scan_attributes(text: &str, range: Span, end: &TagEnd, problems: &mut Vec<HeaderProblem>) -> Vec<Attribute> {
    let blanked = patch(&text[..range.end], &end.patches);
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

/// `text` with the given ranges filled with the given ASCII byte, byte for
/// byte, so that offsets stay valid.
fn patch(text: &str, patches: &[(Span, u8)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len();
    for (range, fill) in patches.iter().filter(|(r, _)| r.end <= len) {
        bytes[range.clone()].fill(*fill);
    }
    // Whole characters were replaced by ASCII, so this is still UTF-8.
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
                let value = attribute_value(raw);
                attrs.push(Attribute {
                    canonical: canonical_attribute(name),
                    name: name.to_string(),
                    name_span: name_start..name_start + name.len(),
                    value,
                    value_span: value_start..value_start + raw.len(),
                });
            }
            Err(AttrError::ExpectedEq(p)) => push_bare_word(text, word_before(text, base + p), problems),
            // find_tag_end already reported a quote left open at the end of the file.
            Err(AttrError::ExpectedQuote(..)) if problems.iter().any(|p| p.message.starts_with("unclosed quote")) => {}
            Err(AttrError::UnquotedValue(p)) => {
                problems.push(attr_problem(text, base, AttrError::UnquotedValue(p)));
                attrs.extend(unquoted_attribute(text, base + p));
            }
            Err(e) => problems.push(attr_problem(text, base, e)),
        }
    }
}

/// A value as an XML reader (the portal's) reads it: each line break (CR LF
/// counting once) or tab written in the value becomes a space, then
/// entities are decoded, so `&#xA;` still gives a line break.
fn attribute_value(raw: &str) -> String {
    let normalised = match raw.contains(['\t', '\n', '\r']) {
        true => std::borrow::Cow::Owned(raw.replace("\r\n", " ").replace(['\t', '\n', '\r'], " ")),
        false => std::borrow::Cow::Borrowed(raw),
    };
    match quick_xml::escape::unescape(&normalised) {
        Ok(value) => value.into_owned(),
        Err(_) => normalised.into_owned(),
    }
}

/// Keeps `name=value` written without quotes (reported as malformed), so the
/// value still counts and no "missing attribute" follows from a lost quote.
fn unquoted_attribute(text: &str, value_start: usize) -> Option<Attribute> {
    let value_start = crate::source::floor_char_boundary(text, value_start.min(text.len()));
    let rest = &text[value_start..];
    let len = rest.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(rest.len());
    // `articleId=abc/>`: the `/` belongs to the tag's end.
    let raw = match rest[len..].starts_with('>') {
        true => rest[..len].strip_suffix('/').unwrap_or(&rest[..len]),
        false => &rest[..len],
    };
    let before = text[..value_start].trim_end().strip_suffix('=')?;
    let name_span = word_before(text, before.trim_end().len());
    let name = &text[name_span.clone()];
    if raw.is_empty() || name.is_empty() || name.contains(['=', '"', '\'']) {
        return None;
    }
    Some(Attribute {
        canonical: canonical_attribute(name),
        name: name.to_string(),
        name_span,
        value: raw.to_string(),
        value_span: value_start..value_start + raw.len(),
    })
}

/// Adds a bare-word problem, folding a run of words (`some text here`) into
/// one "stray text" finding.
fn push_bare_word(text: &str, span: Span, problems: &mut Vec<HeaderProblem>) {
    let last = problems.last_mut().filter(|l| {
        l.bare && l.span.end <= span.start && text.get(l.span.end..span.start).is_some_and(|gap| gap.trim().is_empty())
    });
    match last {
        Some(last) => {
            last.span.end = span.end;
            last.message = format!("stray text `{}` in header", &text[last.span.clone()]);
            last.help = Some("every header attribute is written as name=\"value\"; delete the text".into());
        }
        None => problems.push(bare_word(text, span)),
    }
}

/// A word not followed by `=`: a name missing its `=`, or stray punctuation.
fn bare_word(text: &str, span: Span) -> HeaderProblem {
    let word = &text[span.clone()];
    let mut p = if word.chars().all(|c| c.is_ascii_punctuation()) {
        HeaderProblem::new(
            span,
            format!("stray `{word}` in header"),
            Some("attributes are separated by blanks or line breaks; delete it"),
        )
    } else {
        HeaderProblem::new(
            span,
            format!("expected `=` after `{word}` in header"),
            Some("every header attribute is written as name=\"value\"; add the `=` or remove stray text"),
        )
    };
    p.bare = true;
    p
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
        AttrError::ExpectedEq(p) => bare_word(text, word_before(text, base + p)),
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
mod tests;
