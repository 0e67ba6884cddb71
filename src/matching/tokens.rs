//! The tokenizer shared by indexing and querying: lowercase alphanumeric runs,
//! plus the parts of camel-case identifiers (`Py4JSecurityException` also
//! yields `security` and `exception`), without stop words.

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "of", "on", "or",
    "that", "the", "this", "to", "was", "were", "with", "you", "your",
];

/// Tokens of `text` in order, duplicates kept (term frequency counts them).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        push(&mut out, word.to_lowercase());
        let parts = camel_parts(word);
        if parts.len() > 1 {
            for p in parts {
                push(&mut out, p.to_lowercase());
            }
        }
    }
    out
}

fn push(out: &mut Vec<String>, token: String) {
    if token.chars().count() > 1 && !STOP_WORDS.contains(&token.as_str()) {
        out.push(singular(token));
    }
}

/// Folds common English plurals (`tokens`, `policies`) so that they match
/// the singular; words like `access` or `status` are left alone.
fn singular(mut t: String) -> String {
    if t.len() > 4 && t.ends_with("ies") {
        t.truncate(t.len() - 3);
        t.push('y');
    } else if t.len() > 3 && t.ends_with('s') && !["ss", "us", "is"].iter().any(|e| t.ends_with(e)) {
        t.pop();
    }
    t
}

/// Splits `FooBarBaz` / `fooBar` / `HTTPServer` into their words; digits stay
/// with the word before them.
fn camel_parts(word: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (pos, c) = chars[i];
        let prev = chars[i - 1].1;
        let next_lower = chars.get(i + 1).is_some_and(|&(_, n)| n.is_lowercase());
        let boundary = c.is_uppercase() && (prev.is_lowercase() || (prev.is_uppercase() && next_lower));
        if boundary {
            parts.push(&word[start..pos]);
            start = pos;
        }
    }
    parts.push(&word[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_punctuation_and_lowercases() {
        assert_eq!(tokens("Login timeout expired (0)"), ["login", "timeout", "expired"]);
    }

    #[test]
    fn adds_camel_case_parts_of_identifiers() {
        assert_eq!(
            tokens("py4j.security.Py4JSecurityException"),
            ["py4j", "security", "py4jsecurityexception", "py4j", "security", "exception"]
        );
    }

    #[test]
    fn folds_plurals_but_not_words_ending_in_ss() {
        assert_eq!(tokens("tokens policies access status"), ["token", "policy", "access", "status"]);
    }

    #[test]
    fn drops_stop_words_and_single_letters() {
        assert_eq!(tokens("the method is not whitelisted on a class"), ["method", "not", "whitelisted", "class"]);
    }
}
