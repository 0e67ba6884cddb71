//! The ranking model shared by `kbc match` and the site's search index
//! (docs/build.md, "Ranking model", describes exactly this file; the site's
//! JavaScript ports its query side, so change both together): the
//! tokenizer, the fields of an article and their weights, and BM25 scoring.

/// BM25 saturation and length normalization: the usual defaults.
pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;

/// Hits scoring below this share of the best hit's score are dropped (a
/// single common word in common); exact signature matches are always kept.
pub const MIN_RELATIVE_SCORE: f64 = 0.2;

/// The fields of an article, each adding its weight to a term's frequency
/// per occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Signatures,
    Headings,
    Text,
}

impl Field {
    /// In the order "why it matched" lists them.
    pub const ALL: [Field; 4] = [Field::Title, Field::Signatures, Field::Headings, Field::Text];

    pub fn weight(self) -> f64 {
        match self {
            Field::Title => 3.0,
            Field::Signatures => 2.5,
            Field::Headings => 1.5,
            Field::Text => 1.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Headings => "headings",
            Field::Signatures => "signatures",
            Field::Text => "text",
        }
    }
}

/// Inverse document frequency of a term found in `df` of `n` articles
/// (BM25's, kept positive by the `1 +`).
pub fn idf(n: f64, df: f64) -> f64 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// One term's BM25 contribution for an article where its weighted
/// frequency is `tf` and its length (tokens, unweighted) `len`.
pub fn term_score(idf: f64, tf: f64, len: f64, avg_len: f64) -> f64 {
    let norm = K1 * (1.0 - B + B * len / avg_len.max(1.0));
    idf * tf * (K1 + 1.0) / (tf + norm)
}

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
