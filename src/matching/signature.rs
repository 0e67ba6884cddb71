//! Exact problem-signature matching. A signature is an error message quoted
//! in an article; authors elide variable parts with `...` or `…`, and users
//! paste messages with their own elisions. A query and a signature match when
//! every literal fragment of one appears, in order, in the other.

/// Fragments shorter than this carry too little to count as a match.
const MIN_MATCHED_CHARS: usize = 12;

/// A text prepared for matching: lowercase, whitespace collapsed, split into
/// literal fragments at elisions.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The whole normalized text (elisions replaced by a single space).
    pub flat: String,
    pub fragments: Vec<String>,
}

impl Pattern {
    pub fn new(text: &str) -> Pattern {
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
pub fn matches(query: &Pattern, signature: &Pattern) -> bool {
    (query.literal_len() >= MIN_MATCHED_CHARS && query.occurs_in(&signature.flat))
        || (signature.literal_len() >= MIN_MATCHED_CHARS && signature.occurs_in(&query.flat))
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
    fn short_queries_are_not_exact_matches() {
        assert!(!m("error", "Login failed for user 'x'. error 18456"));
    }
}
