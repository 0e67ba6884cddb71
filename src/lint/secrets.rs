//! Credential detectors for `secret-in-content`: each finds candidate
//! secrets by shape, then placeholders (`[PASSWORD]`, `<client-secret>`,
//! `xxx`, `{key}`) and low-entropy example values are dropped.

use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

/// A credential found in text: what kind, and where the secret value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Secret {
    pub kind: &'static str,
    pub span: Span,
}

struct Detector {
    kind: &'static str,
    /// Group 1 is the secret value.
    regex: Regex,
    /// How candidate values are screened.
    screen: Screen,
    /// Lowercase text every match contains: a cheap test before the regex,
    /// as searchers built once (`str::contains` builds one per call).
    hints: Vec<memchr::memmem::Finder<'static>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Screen {
    /// The match itself is the evidence (a private key header).
    None,
    /// Placeholders are dropped.
    Placeholder,
    /// Free-form values (passwords): placeholders dropped, must look random.
    Strength,
}

static DETECTORS: LazyLock<Vec<Detector>> = LazyLock::new(|| {
    use Screen::{None as Fixed, Placeholder as P, Strength as S};
    let d = |kind, hints: &'static [&'static str], re: &str, screen| Detector {
        kind,
        regex: Regex::new(re).expect("valid"),
        screen,
        hints: hints.iter().map(memchr::memmem::Finder::new).collect(),
    };
    vec![
        d("Azure storage account key", &["accountkey"], r"(?i)\bAccountKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})", P),
        d(
            "password in a connection string",
            &["password", "pwd"],
            r#"(?i)(?:^|[;"'\s])(?:password|pwd)\s*=\s*([^;"'\s<>&,]{6,})"#,
            S,
        ),
        d("SAS token signature", &["sig="], r"(?i)[?&]sig=([A-Za-z0-9%+/=]{20,})", P),
        d("AAD client secret", &["client_secret"], r#"(?i)\bclient_secret["']?\s*[=:]\s*["']?([^&"'\s<>]{8,})"#, S),
        d("Databricks personal access token", &["dapi"], r"\b(dapi[0-9a-f]{32}(?:-\d+)?)\b", P),
        d(
            "GitHub token",
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
            r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b",
            P,
        ),
        d("AWS access key", &["akia", "asia"], r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b", P),
        d("Slack token", &["xox"], r"\b(xox[abprs]-[A-Za-z0-9-]{10,})\b", P),
        d("Google API key", &["aiza"], r"\b(AIza[0-9A-Za-z_-]{35})\b", P),
        d(
            "private key",
            &["private key"],
            r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
            Fixed,
        ),
        d("JSON Web Token", &["eyj"], r"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})", P),
    ]
});

/// Every credential in `text`, in order, placeholders excluded.
pub(crate) fn find(text: &str) -> Vec<Secret> {
    let mut out: Vec<Secret> = Vec::new();
    let lower = text.to_ascii_lowercase();
    for d in DETECTORS.iter().filter(|d| d.hints.iter().any(|h| h.find(lower.as_bytes()).is_some())) {
        for c in d.regex.captures_iter(text) {
            let m = c.get(1).expect("secret group");
            let value = m.as_str();
            let screened = match d.screen {
                Screen::None => false,
                Screen::Placeholder => is_placeholder(value),
                Screen::Strength => is_placeholder(value) || !looks_random(value),
            };
            if screened {
                continue;
            }
            if !out.iter().any(|s| s.span.start < m.end() && m.start() < s.span.end) {
                out.push(Secret { kind: d.kind, span: m.range() });
            }
        }
    }
    out.sort_by_key(|s| s.span.start);
    out
}

/// Template values: bracketed or variable-like, repeated filler, or words
/// that describe the value instead of being it.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let first = v.chars().next().unwrap_or(' ');
    if "[<{($%*#.".contains(first) || v.ends_with(['>', ']', '}', '%', '$']) {
        return true;
    }
    let distinct: std::collections::HashSet<char> = v.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if distinct.len() <= 2 {
        return true;
    }
    const WORDS: &[&str] = &[
        "your",
        "password",
        "secret",
        "placeholder",
        "example",
        "sample",
        "redacted",
        "xxx",
        "***",
        "...",
        "changeme",
        "dummy",
        "token",
        "key",
    ];
    WORDS.iter().any(|w| v.contains(w))
}

/// At least three of: lowercase, uppercase, digit, symbol; and 8+ chars.
fn looks_random(value: &str) -> bool {
    let classes = [
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
        value.bytes().any(|b| b.is_ascii_digit()),
        value.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ];
    value.len() >= 8 && classes.iter().filter(|&&c| c).count() >= 3
}

/// The secret with all but its first two characters hidden.
pub(crate) fn mask(value: &str) -> String {
    let shown: String = value.chars().take(2).collect();
    format!("{shown}{} ({} characters)", "*".repeat(6), value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        find(text).into_iter().map(|s| s.kind).collect()
    }

    #[test]
    fn finds_each_kind_of_credential() {
        let key = format!("AccountKey={}==", "Ab3dEf9hIjK1mN0pQr5tUvWxYz".repeat(3));
        assert_eq!(
            kinds(&format!("DefaultEndpointsProtocol=https;AccountName=a;{key};")),
            ["Azure storage account key"]
        );
        assert_eq!(kinds("Server=tcp:a;User ID=b;Password=Xk9#mQ2!vL7p;"), ["password in a connection string"]);
        assert_eq!(
            kinds("https://a.blob.core.windows.net/c?sv=2020&sig=Qk8sJd93kLmN02pQaZ%2Bx7Yb4%3D"),
            ["SAS token signature"]
        );
        assert_eq!(kinds("grant_type=client_credentials&client_secret=Zx8~Qp.4kL_2mN9vB7cR"), ["AAD client secret"]);
        assert_eq!(kinds("token dapi0123456789abcdef0123456789abcdef"), ["Databricks personal access token"]);
        assert_eq!(kinds(&format!("ghp_{}", "aB3".repeat(12))), ["GitHub token"]);
        assert_eq!(kinds("-----BEGIN RSA PRIVATE KEY-----\nMIIE"), ["private key"]);
        assert_eq!(
            kinds("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
            ["JSON Web Token"]
        );
    }

    #[test]
    fn ignores_placeholders_and_example_values() {
        for text in [
            "client_id=[APP_ID]&client_secret=[PASSWORD]&resource=x",
            "client_secret=<client-secret>",
            "AccountKey={yourstorageaccountkey}",
            "AccountKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "Password=changeit; password=cassandra; Password=mystrongpassword",
            "password=$storage-account-key$,dir_mode=0777",
            "sig=<signature>",
        ] {
            assert!(find(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn masks_all_but_two_characters() {
        assert_eq!(mask("Xk9#mQ2!vL7p"), "Xk****** (12 characters)");
    }
}
