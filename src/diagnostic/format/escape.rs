//! The one escaping every output format applies to text that comes from the
//! knowledge base: file names, values quoted in messages, article lines.
//!
//! A file name is attacker-controlled in a pull request. Written raw, a
//! newline in it starts a new line of the CI log (`::error file=…::` there is
//! a GitHub workflow command), an ESC starts a terminal control sequence, and
//! a bidirectional override reorders what the reader sees. So control
//! characters (C0, DEL, C1), the Unicode line and paragraph separators and the
//! bidirectional controls are written as visible escapes: `\n`, `\r`, `\t`,
//! `\u{1b}`. Format-specific escaping (JSON strings, GitHub's `%0A`, SARIF
//! URIs) comes on top.

use std::borrow::Cow;

/// `s` with every control character written as a visible escape.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    escape_except(s, &[])
}

/// Source lines for a snippet: as [`escape_controls`], but line breaks and
/// tabs stay (the snippet renderer lays them out).
pub(crate) fn escape_source(s: &str) -> Cow<'_, str> {
    escape_except(s, &['\n', '\t'])
}

fn escape_except<'a>(s: &'a str, keep: &[char]) -> Cow<'a, str> {
    let escaped = |c: char| is_hostile(c) && !keep.contains(&c);
    if !has_hostile(s, keep) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            _ if !escaped(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// Whether `s` holds a character to escape, on bytes: this runs for every
/// path and message printed, and nearly all are plain. Every hostile
/// character above ASCII starts with one of three lead bytes.
fn has_hostile(s: &str, keep: &[char]) -> bool {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return false; // printable ASCII: a loop the compiler vectorises
    }
    s.bytes().enumerate().any(|(i, b)| match b {
        0x00..=0x1f | 0x7f => !keep.contains(&char::from(b)),
        // Lead bytes (never continuation bytes), so `i` is a char boundary.
        0xc2 | 0xd8 | 0xe2 => s[i..].chars().next().is_some_and(is_hostile),
        _ => false,
    })
}

/// Characters that move the cursor, start a line or a control sequence, or
/// change the order text is displayed in.
fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_control_characters_as_visible_escapes() {
        assert_eq!(escape_controls("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(escape_controls("x\u{1b}[31my\u{7f}\u{9b}z"), "x\\u{1b}[31my\\u{7f}\\u{9b}z");
        assert_eq!(escape_controls("ab\u{202e}cd\u{2028}"), "ab\\u{202e}cd\\u{2028}");
        assert_eq!(escape_source("a\tb\nc\u{1b}"), "a\tb\nc\\u{1b}");
    }

    #[test]
    fn leaves_ordinary_text_borrowed() {
        let s = "articles/é 中文/a b%0A::error.md";
        assert!(matches!(escape_controls(s), Cow::Borrowed(x) if x == s));
    }
}
