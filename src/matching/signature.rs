//! Exact problem-signature matching. A signature is an error message quoted
//! in an article; authors elide variable parts with `...` or `…`, and users
//! paste messages with their own elisions. A query and a signature match when
//! every literal fragment of one appears, in order, in the other.

/// Fragments shorter than this carry too little to count as a match.
const MIN_MATCHED_CHARS: usize = 12;

/// A text prepared for matching: lowercase, whitespace collapsed, split into
/// literal fragments at elisions.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    /// The whole normalized text (elisions replaced by a single space).
    pub flat: String,
    pub fragments: Vec<String>,
}

impl Pattern {
    pub(crate) fn new(text: &str) -> Pattern {
        let lower = text.to_lowercase().replace('…', "...");
        let fragments: Vec<String> = lower
            .split("...")
            .map(|f| collapse(f.trim_matches(|c: char| c.is_whitespace() || "\"'`".contains(c))))
            .filter(|f| !f.is_empty())
            .collect();
        Pattern { flat: fragments.join(" "), fragments }
    }

    fn literal_len(&self) -> usize {
        self.fragments.iter().map(|f| f.len()).sum()
    }

    /// Whether every fragment occurs in `haystack`, in order.
    fn occurs_in(&self, haystack: &str) -> bool {
        let mut rest = haystack;
        for f in &self.fragments {
            match rest.find(f.as_str()) {
                Some(i) => rest = &rest[i + f.len()..],
                None => return false,
            }
        }
        true
    }
}

/// Whether a query and a signature match exactly (modulo case, spacing and
/// elisions), in either direction.
pub(crate) fn matches(query: &Pattern, signature: &Pattern) -> bool {
    (query.literal_len() >= MIN_MATCHED_CHARS && query.occurs_in(&signature.flat))
        || (signature.literal_len() >= MIN_MATCHED_CHARS && signature.occurs_in(&query.flat))
}

/// Whether a quoted text reads like an error message rather than a name
/// or a phrase (`Query Explorer`, `on source and`, `<table_name>`): at
/// least 20 characters and 3 words, no `<placeholder>`, and an error word
/// or an error code in it.
pub(crate) fn looks_like_error(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if s.len() < 20 || words.len() < 3 || (s.contains('<') && s.contains('>')) {
        return false;
    }
    let lower = s.to_lowercase();
    const ERROR_WORDS: &[&str] = &[
        "error",
        "exception",
        "fail",
        "denied",
        "cannot",
        "can't",
        "unable",
        "invalid",
        "not found",
        "not allowed",
        "timed out",
        "timeout",
        "refused",
        "forbidden",
        "unauthorized",
        "not supported",
        "already exists",
        "could not",
        "couldn't",
        "not permitted",
        "no such",
        "expired",
        "disallowed",
        "rejected",
    ];
    ERROR_WORDS.iter().any(|w| lower.contains(w)) || words.iter().any(|w| is_code(w))
}

/// `AADSTS50011`, `0x80070005`, `ERR_TIMEOUT`, `E11000`: letters with 3+
/// digits, or an upper-case identifier with an underscore.
fn is_code(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
    let digits = w.bytes().filter(u8::is_ascii_digit).count();
    let letters = w.bytes().filter(u8::is_ascii_alphabetic).count();
    (digits >= 3 && letters >= 1) || (w.contains('_') && w.bytes().all(|c| c.is_ascii_uppercase() || c == b'_'))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(q: &str, s: &str) -> bool {
        matches(&Pattern::new(q), &Pattern::new(s))
    }

    #[test]
    fn elided_query_matches_the_full_signature() {
        let sig = "py4j.security.Py4JSecurityException: Method public org.apache.spark.rdd.RDD rdd() is not whitelisted on class JavaRDD";
        assert!(m("py4j.security.Py4JSecurityException: Method ... is not whitelisted", sig));
    }

    #[test]
    fn pasted_full_error_matches_an_elided_signature() {
        let sig = "py4j.security.Py4JSecurityException: … is not whitelisted";
        assert!(m("Error: py4j.security.Py4JSecurityException: Method  foo()  is not whitelisted on class Bar", sig));
    }

    #[test]
    fn fragments_must_appear_in_order() {
        assert!(!m(
            "is not whitelisted ... py4j.security.Py4JSecurityException",
            "py4j.security.Py4JSecurityException: x is not whitelisted"
        ));
    }

    #[test]
    fn only_error_shaped_quotes_count_as_signatures() {
        assert!(looks_like_error("Login failed for user 'sa'. (Microsoft SQL Server, Error: 18456)"));
        assert!(looks_like_error("AADSTS50011 The reply URL does not match"));
        for phrase in ["domain controllers", "Query Explorer", "on source and", "<table_name> could not be found"] {
            assert!(!looks_like_error(phrase), "{phrase}");
        }
        assert!(!looks_like_error("Select the Networking tab and then Save"));
    }

    #[test]
    fn short_queries_are_not_exact_matches() {
        assert!(!m("error", "Login failed for user 'x'. error 18456"));
    }
}
