//! The ranking model shared by `kbc match` and the site's search index
//! (docs/build.md, "Ranking model", describes exactly this file; the site's
//! JavaScript ports its query side, so change both together): the
//! tokenizer, the fields of an article and their weights, and BM25 scoring.

/// BM25 saturation and length normalization (`b` below the usual 0.75:
/// long articles are long because they cover many problems, tuned on the
/// harness's dev split).
pub(crate) const K1: f64 = 1.2;
pub(crate) const B: f64 = 0.5;

/// Hits scoring below this share of the best hit's score are dropped (a
/// single common word in common); exact signature matches are always kept.
pub(crate) const MIN_RELATIVE_SCORE: f64 = 0.2;

/// An article whose problem signature the query matches exactly
/// ([`super::signature`]) has its score multiplied by `1 +` this.
pub(crate) const SIGNATURE_BOOST: f64 = 1.0;

/// An article whose whole title (two tokens or more) the query holds, as
/// consecutive tokens, has its score multiplied by `1 +` this.
pub(crate) const TITLE_BOOST: f64 = 0.5;

/// Whether `query` holds `title` (two tokens or more) as a run of
/// consecutive term ids.
pub(crate) fn holds_title_ids(query: &[u32], title: &[u32]) -> bool {
    title.len() >= 2 && query.windows(title.len()).any(|w| w == title)
}

/// The words of a cleaned query whose presence in the index
/// [`query_terms`] asks about (each lowercased, filtered and folded).
pub(crate) fn query_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(&super::query::clean(text)) {
        push(&mut out, w.to_lowercase());
    }
    out
}

/// Whether `query` holds `title` as a run of consecutive tokens (the tests'
/// readable form of [`holds_title_ids`]).
#[cfg(test)]
pub(crate) fn holds_title(query: &[String], title: &[String]) -> bool {
    title.len() >= 2 && query.windows(title.len()).any(|w| w == title)
}

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
pub(crate) fn idf(n: f64, df: f64) -> f64 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// One term's BM25 contribution for an article where its weighted
/// frequency is `tf` and its length (tokens, unweighted) `len`.
pub(crate) fn term_score(idf: f64, tf: f64, len: f64, avg_len: f64) -> f64 {
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
    for word in words(text) {
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

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// Weight of a query term that names one error exactly: letters and digits
/// together (`aadsts50011`, `0x80070005`) or an identifier ending in
/// `exception` or `error`.
pub(crate) const EXACT_TERM_WEIGHT: f64 = 2.0;

/// The distinct terms of a query with their weights, in first-seen order:
/// log noise removed ([`super::query::clean`]), then each word as one term
/// (no camel-case parts: a pasted identifier is one thing), except that a
/// camel-case word no article holds gives its parts instead.
pub(crate) fn query_terms(text: &str, known: impl Fn(&str) -> bool) -> Vec<(String, f64)> {
    let cleaned = super::query::clean(text);
    let mut out: Vec<(String, f64)> = Vec::new();
    let mut add = |t: String| {
        if !out.iter().any(|(x, _)| *x == t) {
            let w = if is_exact(&t) { EXACT_TERM_WEIGHT } else { 1.0 };
            out.push((t, w));
        }
    };
    for word in words(&cleaned) {
        let mut whole = Vec::new();
        push(&mut whole, word.to_lowercase());
        let parts = camel_parts(word);
        match whole.pop() {
            Some(t) if known(&t) || parts.len() < 2 => add(t),
            _ => {
                let mut split = Vec::new();
                parts.iter().for_each(|p| push(&mut split, p.to_lowercase()));
                split.into_iter().for_each(&mut add);
            }
        }
    }
    out
}

/// Weight of a query's word pairs ([`bigrams`]) against its words.
pub(crate) const BIGRAM_WEIGHT: f64 = 0.5;

/// Pairs of consecutive words (lowercased, stop words and one-letter words
/// dropped, plurals folded, no camel-case parts) as `"first second"` terms.
pub fn bigrams(text: &str) -> Vec<String> {
    let mut plain = Vec::new();
    for w in words(text) {
        push(&mut plain, w.to_lowercase());
    }
    plain.windows(2).map(|w| format!("{} {}", w[0], w[1])).collect()
}

fn is_exact(t: &str) -> bool {
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    let letters = t.bytes().filter(u8::is_ascii_alphabetic).count();
    (digits >= 3 && letters >= 2) || (t.len() > 9 && (t.ends_with("exception") || t.ends_with("error")))
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
    fn query_terms_keep_pasted_identifiers_whole_unless_unknown() {
        let known = |t: &str| t == "cancellationtoken";
        let terms: Vec<String> =
            query_terms("CancellationToken JobRunner AADSTS50011", known).into_iter().map(|t| t.0).collect();
        assert_eq!(terms, ["cancellationtoken", "job", "runner", "aadsts50011"]);
    }

    #[test]
    fn error_codes_and_exception_names_weigh_more() {
        let terms = query_terms("AADSTS50011 token TaskCanceledException", |_| true);
        let w: Vec<f64> = terms.iter().map(|t| t.1).collect();
        assert_eq!(w, [EXACT_TERM_WEIGHT, 1.0, EXACT_TERM_WEIGHT]);
    }

    #[test]
    fn bigrams_pair_consecutive_words_without_stop_words() {
        assert_eq!(bigrams("The login failed for users"), ["login failed", "failed user"]);
    }

    #[test]
    fn a_title_counts_only_as_a_whole_run_of_tokens() {
        let q = tokens("customer association issues not working");
        assert!(holds_title(&q, &tokens("Customer Association Issues")));
        assert!(!holds_title(&q, &tokens("Customer issues")));
        assert!(!holds_title(&q, &tokens("Customer")));
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
