//! The embedded JSON block: strict parsing with the error's exact position in
//! the article, and a span-carrying tree for schema rules (serde_json values
//! know no positions). The tree parser only runs on text serde_json accepted.

use crate::source::Span;

/// A JSON value with its byte span in the article text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Members in source order, with each key's span.
    Object(Vec<(String, Span, Node)>),
    Array(Vec<Node>),
    String(String),
    Number(f64),
    Bool(bool),
    Null,
}

impl Node {
    /// A member by key, compared case-insensitively (the portal's reader is).
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|(_, _, n)| n)
    }

    pub(crate) fn member(&self, key: &str) -> Option<&(String, Span, Node)> {
        match &self.value {
            Value::Object(m) => m.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(key)),
            _ => None,
        }
    }

    pub(crate) fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(a) => a,
            _ => &[],
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Why the block is not valid JSON, at a byte offset in the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub offset: usize,
    pub message: String,
}

/// Why the JSON at `span` of `text` is invalid, if it is: [`parse_at`]
/// without building the tree (half the cost).
pub(crate) fn error_at(text: &str, span: Span) -> Option<JsonError> {
    validate(text, span).err()
}

/// The JSON at `span` as serde_json's `Value` (keys in the author's order),
/// for the bundle and the page; `None` if it is invalid or nested deeper
/// than [`MAX_DEPTH`], which `invalid-embedded-json` reports. serde_json's own
/// limit (127 levels) is lifted because the depth was checked here first.
pub(crate) fn value_at(text: &str, span: Span) -> Option<serde_json::Value> {
    use serde::Deserialize;
    let src = text.get(span)?;
    if too_deep(src).is_some() {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(src);
    de.disable_recursion_limit();
    let value = serde_json::Value::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

pub(crate) fn parse_at(text: &str, span: Span) -> Result<Node, JsonError> {
    validate(text, span.clone())?;
    let mut p = Parser { text, pos: span.start };
    Ok(p.value())
}

/// How deep arrays and objects may nest. Deeper JSON is an error with its
/// position: the tree below and serde_json's `Value` are built by recursion,
/// and serde_json refuses more than 128 levels (which the bundle would have
/// written as `null`).
pub(crate) const MAX_DEPTH: usize = 128;

fn validate(text: &str, span: Span) -> Result<(), JsonError> {
    let src = &text[span.clone()];
    // serde_json skips a value it ignores without recursion, at any depth;
    // a syntax error stands before a depth error further on.
    let syntax = syntax_error(text, span.clone());
    let depth = too_deep(src).map(|at| JsonError {
        offset: span.start + at,
        message: format!("JSON nested deeper than {MAX_DEPTH} levels (arrays and objects)"),
    });
    match (syntax, depth) {
        (Err(s), Some(d)) if d.offset < s.offset => Err(d),
        (Err(s), _) => Err(s),
        (Ok(()), Some(d)) => Err(d),
        (Ok(()), None) => value_error(text, span),
    }
}

/// The offset of the first `[` or `{` that opens level `MAX_DEPTH + 1`,
/// outside strings; one pass, no recursion.
fn too_deep(src: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in src.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn syntax_error(text: &str, span: Span) -> Result<(), JsonError> {
    let src = &text[span.clone()];
    match serde_json::from_str::<serde::de::IgnoredAny>(src) {
        Err(e) => Err(serde_error(text, span, &e)),
        Ok(_) => Ok(()),
    }
}

/// A number serde_json skips but cannot read as a value (`1e400` is out of
/// `f64`'s range): the bundle could only write it as `null`, so it is an
/// error here. Called once the depth is known to be within [`MAX_DEPTH`],
/// so building the value cannot exhaust the stack.
fn value_error(text: &str, span: Span) -> Result<(), JsonError> {
    use serde::Deserialize;
    let src = &text[span.clone()];
    let mut de = serde_json::Deserializer::from_str(src);
    de.disable_recursion_limit();
    match serde_json::Value::deserialize(&mut de).and_then(|_| de.end()) {
        Err(e) => Err(serde_error(text, span, &e)),
        Ok(()) => Ok(()),
    }
}

fn serde_error(text: &str, span: Span, e: &serde_json::Error) -> JsonError {
    let src = &text[span.clone()];
    let mut offset = span.start + offset_of(src, e.line(), e.column());
    if e.to_string().starts_with("control character") {
        // serde_json stops just before the offending character.
        offset += text[offset..].find(|c: char| c < ' ').unwrap_or(0);
    }
    let message = e.to_string();
    let mut message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m).to_string();
    if after_comma(text, offset) {
        message = format!("trailing comma before `{}` ({message})", &text[offset..offset + 1]);
    }
    JsonError { offset, message }
}

/// The error sits on a closing bracket right after a comma.
fn after_comma(text: &str, offset: usize) -> bool {
    text[offset..].starts_with(['}', ']']) && text[..offset].trim_end().ends_with(',')
}

/// serde_json reports 1-based lines and byte columns (column 0 means "at the
/// end of the previous line").
fn offset_of(src: &str, line: usize, column: usize) -> usize {
    let line_start: usize = src.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let mut at = (line_start + column.saturating_sub(1)).min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Recursive descent over text serde_json already accepted.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    fn value(&mut self) -> Node {
        self.skip_ws();
        let start = self.pos;
        let value = match self.text.as_bytes()[self.pos] {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => Value::String(self.string()),
            _ => self.scalar(),
        };
        Node { span: start..self.pos, value }
    }

    fn object(&mut self) -> Value {
        self.pos += 1;
        let mut members = Vec::new();
        loop {
            self.skip_ws();
            match self.text.as_bytes()[self.pos] {
                b'}' => break,
                b',' => self.pos += 1,
                _ => {
                    let key_start = self.pos;
                    let key = self.string();
                    let key_span = key_start..self.pos;
                    self.skip_ws();
                    self.pos += 1; // ':'
                    members.push((key, key_span, self.value()));
                }
            }
        }
        self.pos += 1;
        Value::Object(members)
    }

    fn array(&mut self) -> Value {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.text.as_bytes()[self.pos] {
                b']' => break,
                b',' => self.pos += 1,
                _ => items.push(self.value()),
            }
        }
        self.pos += 1;
        Value::Array(items)
    }

    fn string(&mut self) -> String {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        self.pos += 1;
        while bytes[self.pos] != b'"' {
            self.pos += if bytes[self.pos] == b'\\' { 2 } else { 1 };
        }
        self.pos += 1;
        serde_json::from_str(&self.text[start..self.pos]).unwrap_or_default()
    }

    fn scalar(&mut self) -> Value {
        let rest = &self.text[self.pos..];
        let len = rest.find([',', '}', ']', ' ', '\t', '\r', '\n']).unwrap_or(rest.len());
        self.pos += len;
        match &rest[..len] {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            n => Value::Number(n.parse().unwrap_or(0.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_tree_with_spans() {
        let text = "xx{\"a\": [1, \"s\\\"q\", true], \"B\": {\"c\": null}}";
        let node = parse_at(text, 2..text.len()).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&text[a.span.clone()], "[1, \"s\\\"q\", true]");
        assert_eq!(a.items()[1].as_str(), Some("s\"q"));
        assert_eq!(&text[node.member("b").unwrap().1.clone()], "\"B\"");
        assert_eq!(node.get("b").unwrap().get("c").unwrap().value, Value::Null);
    }

    #[test]
    fn reports_the_error_position_in_the_article() {
        let text = "# T\n---\n{\n  \"a\": 1,\n  \"b\": 2,\n}\n---\n";
        let start = text.find('{').unwrap();
        let end = text.rfind("---").unwrap();
        let err = parse_at(text, start..end).unwrap_err();
        assert_eq!(&text[err.offset..err.offset + 1], "}", "{err:?}");
        assert!(err.message.contains("trailing comma"), "{}", err.message);
    }
}
#[cfg(test)]
mod depth_tests {
    use super::*;

    fn nested(open: &str, close: &str, depth: usize) -> String {
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn accepts_the_documented_depth_and_serde_json_agrees() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let text = nested(open, close, MAX_DEPTH);
            let node = parse_at(&text, 0..text.len()).expect("within the limit");
            assert!(matches!(node.value, Value::Array(_) | Value::Object(_)));
            // The bundle parses the block with serde_json: what passes here
            // must never come out as `null` there.
            assert!(value_at(&text, 0..text.len()).is_some(), "the bundle takes it too");
        }
    }

    #[test]
    fn stops_past_the_limit_at_the_bracket_without_recursing() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[\"]{\",", "]")] {
            let text = format!("xx{}", nested(open, close, 200_000));
            let err = parse_at(&text, 2..text.len()).unwrap_err();
            let level = text[..err.offset].matches(['[', '{']).count() - text[..err.offset].matches("]{").count();
            assert_eq!(level, MAX_DEPTH, "{open}: {err:?}");
            assert!(text[err.offset..].starts_with(['[', '{']), "{err:?}");
            assert!(err.message.contains("128 levels"), "{}", err.message);
            assert_eq!(value_at(&text, 2..text.len()), None);
        }
    }

    #[test]
    fn brackets_in_strings_do_not_count_and_syntax_errors_come_first() {
        let text = format!("[\"{}\\\"{}\"]", "[".repeat(500), "{".repeat(500));
        assert!(parse_at(&text, 0..text.len()).is_ok());
        let text = format!("[1,,{}", nested("[", "]", 300));
        let err = parse_at(&text, 0..text.len()).unwrap_err();
        assert_eq!(err.offset, 3, "{err:?}");
    }
}

#[cfg(test)]
mod position_tests {
    use super::*;

    #[test]
    fn points_at_a_control_character_inside_a_string() {
        let text = "{\"a\": \"x\ty\"}";
        let err = parse_at(text, 0..text.len()).unwrap_err();
        assert_eq!(&text[err.offset..err.offset + 1], "\t", "{err:?}");
    }

    #[test]
    fn a_number_out_of_range_is_an_error_not_a_null_in_the_bundle() {
        let text = "{\"a\": [1, 1e22222]}";
        let err = parse_at(text, 0..text.len()).unwrap_err();
        assert!(err.message.contains("number out of range"), "{}", err.message);
        assert!(text[..err.offset].contains("1e2"), "{err:?}");
        assert!(error_at(text, 0..text.len()).is_some());
        assert!(value_at(text, 0..text.len()).is_none());
        let fine = "{\"a\": 1e300}";
        assert!(parse_at(fine, 0..fine.len()).is_ok());
    }
}
