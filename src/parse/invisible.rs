//! Characters that look like nothing (or like a plain space) but are not ASCII
//! whitespace. Editors and copy-paste from web pages leave them in headers,
//! where they break parsing with no visible cause, so kbc names them.

/// The Unicode name of an invisible or space-like character, if `c` is one.
pub(crate) fn name(c: char) -> Option<&'static str> {
    let name = match c {
        '\u{00A0}' => "NO-BREAK SPACE",
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{2000}'..='\u{200A}' => "SPACE",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202F}' => "NARROW NO-BREAK SPACE",
        '\u{205F}' => "MEDIUM MATHEMATICAL SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)",
        _ => return None,
    };
    Some(name)
}

/// `U+200B ZERO WIDTH SPACE`, for messages.
pub(crate) fn describe(c: char) -> Option<String> {
    name(c).map(|n| format!("U+{:04X} {n}", c as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_zero_width_space_and_ignores_ordinary_characters() {
        assert_eq!(describe('\u{200B}').as_deref(), Some("U+200B ZERO WIDTH SPACE"));
        assert_eq!(describe('\u{A0}').as_deref(), Some("U+00A0 NO-BREAK SPACE"));
        assert_eq!(describe(' '), None);
        assert_eq!(describe('é'), None);
    }
}
