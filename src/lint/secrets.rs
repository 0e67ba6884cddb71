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
    /// A private key header: a placeholder only when the block it opens
    /// holds one (`<private key>`, `...`, nothing).
    PemBody,
    /// A token with a fixed random format (`dapi` + 32 hex): only filler
    /// (`AKIAXXXXXXXXXXXXXXXX`) and published examples are placeholders.
    /// Words are not: random capitals spell words often enough.
    Token,
    /// Placeholders are dropped.
    Placeholder,
    /// Free-form values (passwords): placeholders dropped, must look random.
    Strength,
}

static DETECTORS: LazyLock<Vec<Detector>> = LazyLock::new(|| {
    use Screen::{PemBody as Pem, Placeholder as P, Strength as S, Token as T};
    let d = |kind, hints: &'static [&'static str], re: &str, screen| Detector {
        kind,
        regex: Regex::new(re).expect("valid"),
        screen,
        hints: hints.iter().map(memchr::memmem::Finder::new).collect(),
    };
    vec![
        d("Azure storage account key", &["accountkey"], r"(?i)\bAccountKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})", P),
        // Service Bus, Event Hubs, IoT Hub and Relay connection strings.
        d(
            "Azure shared access key",
            &["sharedaccesskey"],
            r"(?i)\bSharedAccessKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})",
            P,
        ),
        d(
            "password in a connection string",
            &["password", "pwd"],
            r#"(?i)(?:^|[;"'\s])(?:password|pwd)\s*=\s*([^;"'\s<>&,]{6,})"#,
            S,
        ),
        d("SAS token signature", &["sig="], r"(?i)[?&]sig=([A-Za-z0-9%+/=]{20,})", P),
        d("AAD client secret", &["client_secret"], r#"(?i)\bclient_secret["']?\s*[=:]\s*["']?([^&"'\s<>]{8,})"#, S),
        d("Databricks personal access token", &["dapi"], r"\b(dapi[0-9a-f]{32}(?:-\d+)?)\b", T),
        d(
            "GitHub token",
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
            r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b",
            T,
        ),
        d("AWS access key", &["akia", "asia"], r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b", T),
        d("Slack token", &["xox"], r"\b(xox[abprs]-[A-Za-z0-9-]{10,})\b", T),
        // Not `\b` after the key: a key may end with `-`.
        d("Google API key", &["aiza"], r"\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)", T),
        d(
            "private key",
            &["private key"],
            r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
            Pem,
        ),
        d("JSON Web Token", &["eyj"], r"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})", T),
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
                Screen::PemBody => pem_body_is_placeholder(&text[m.end()..]),
                Screen::Token => is_filler(value) || PUBLIC_EXAMPLES.contains(&value),
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

/// After a private key header: whether the block up to its `-----END`
/// line holds a placeholder instead of a key. A header with no end line
/// nearby counts as a key.
fn pem_body_is_placeholder(after: &str) -> bool {
    let window = &after[..after.floor_char_boundary(16 * 1024)];
    let Some(end) = window.find("-----END ") else { return false };
    let body: Vec<&str> = window[..end].split_whitespace().filter(|w| *w != ">").collect();
    body.is_empty() || is_placeholder(&body.join(" "))
}

/// Whether a captured value is a placeholder, judged on the whole value's
/// shape (percent escapes decoded), never on a substring: real credentials
/// are random, and a random value spells `key` or starts with `%2B` as often
/// as chance says.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let decoded = percent_decode(value);
    let v = trim_punctuation(&decoded);
    v.is_empty()
        || PUBLIC_EXAMPLES.contains(&v)
        || is_filler(v)
        || is_elided(v)
        || is_words(v, Words::Bare)
        || enclosed(v).is_some_and(|inner| {
            let inner = inner.trim();
            inner.is_empty() || is_filler(inner) || is_elided(inner) || is_words(inner, Words::Loose)
        })
}

/// Values published by vendors as examples, the same for everyone.
const PUBLIC_EXAMPLES: &[&str] = &[
    // AWS documentation's example access key pair.
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    // The Azurite / storage emulator account key (devstoreaccount1).
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // jwt.io's example token.
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// `%XX` escapes decoded; a value with a `%` that starts no escape is
/// returned as it is (`%STORAGE_KEY%`).
fn percent_decode(value: &str) -> std::borrow::Cow<'_, str> {
    let b = value.as_bytes();
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    let escapes = memchr::memchr_iter(b'%', b).collect::<Vec<_>>();
    if escapes.is_empty() || !escapes.iter().all(|&i| hex(i + 1) && hex(i + 2)) {
        return value.into();
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let digits = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex digits");
            out.push(u8::from_str_radix(digits, 16).expect("hex digits"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned().into()
}

/// Sentence punctuation after a value (`Password=[PASSWORD]).`) and closing
/// brackets that nothing in the value opened.
fn trim_punctuation(v: &str) -> &str {
    let mut v = v.trim();
    loop {
        let Some(last) = v.chars().last() else { return v };
        let unbalanced = |open: char| v.matches(open).count() < v.matches(last).count();
        let strip = match last {
            '.' => !v.ends_with("..."),
            ',' | ';' | ':' | '!' | '?' => true,
            ')' => unbalanced('('),
            ']' => unbalanced('['),
            '}' => unbalanced('{'),
            _ => false,
        };
        if !strip {
            return v;
        }
        v = &v[..v.len() - 1];
    }
}

/// Filler: no more than two distinct letters and digits (`xxxx`, `0000`,
/// `****`, `x0x0`), or at least half of it in runs of four or more of one
/// character (`AKIAXXXXXXXXXXXXXXXX`, `XXXX-XXXX-XXXX`, `dapi0000…`).
fn is_filler(v: &str) -> bool {
    let mut distinct = [false; 128];
    for b in v.bytes().filter(u8::is_ascii_alphanumeric) {
        distinct[usize::from(b.to_ascii_lowercase())] = true;
    }
    if distinct.iter().filter(|&&d| d).count() <= 2 {
        return true;
    }
    let b = v.as_bytes();
    let mut in_runs = 0;
    for run in b.chunk_by(|x, y| x.eq_ignore_ascii_case(y)) {
        if run.len() >= 4 {
            in_runs += run.len();
        }
    }
    in_runs * 2 >= b.len()
}

/// An example cut short: `...`, `ab12...`, `…xyz`. The stub is short, so
/// that a random value that merely starts or ends with dots still counts.
fn is_elided(v: &str) -> bool {
    let stub = v.chars().filter(|&c| c != '.' && c != '…').count();
    (v.starts_with("...") || v.ends_with("...") || v.starts_with('…') || v.ends_with('…')) && stub <= 8
}

/// The inside of a template delimiter around the whole value: `<…>`, `[…]`,
/// `{…}`, `(…)`, `{{…}}`, `${…}`, `$(…)`, `#{…}#`, `%…%`, `$…$`, `@…@`,
/// `__…__`, or after a variable sigil (`$name`, `@name`, `$env:NAME`).
fn enclosed(v: &str) -> Option<&str> {
    const PAIRS: &[(&str, &str)] = &[
        ("{{", "}}"),
        ("${", "}"),
        ("$(", ")"),
        ("#{", "}#"),
        ("<", ">"),
        ("[", "]"),
        ("{", "}"),
        ("(", ")"),
        ("%", "%"),
        ("$", "$"),
        ("@", "@"),
        ("__", "__"),
    ];
    let pair = PAIRS.iter().find_map(|(open, close)| {
        let inner = v.strip_prefix(open)?.strip_suffix(close)?;
        (!inner.contains(close)).then_some(inner)
    });
    let sigil = || ["$env:", "$", "@"].iter().find_map(|s| v.strip_prefix(s));
    pair.or_else(sigil)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Words {
    /// A value on its own: `YOUR_KEY_HERE`, `yourStorageAccountKey`, `Password123`.
    Bare,
    /// Inside template delimiters, where spaces and a bare number count
    /// too: `<my keystore password>`, `{0}`.
    Loose,
}

/// Whether `v` is made of words that describe a credential, and nothing
/// else: each part between separators (`_ - . :`, and spaces and `/` inside
/// delimiters) is a run of [`PLACEHOLDER_WORDS`] (any case, a plural `s`
/// allowed), optionally followed by digits. Random letters almost never
/// split into such words, where they often spell one of them.
fn is_words(v: &str, kind: Words) -> bool {
    let separators: &[char] = match kind {
        Words::Bare => &['_', '-', '.', ':'],
        Words::Loose => &['_', '-', '.', ':', ' ', '/'],
    };
    let mut words = false;
    for part in v.split(separators).filter(|p| !p.is_empty()) {
        let letters = part.trim_end_matches(|c: char| c.is_ascii_digit());
        if letters.is_empty() {
            continue;
        }
        if !letters.bytes().all(|b| b.is_ascii_alphabetic()) || !splits_into_words(&letters.to_ascii_lowercase()) {
            return false;
        }
        words = true;
    }
    words || (kind == Words::Loose && v.bytes().any(|b| b.is_ascii_digit()))
}

/// The words placeholders are written with (`YOUR_STORAGE_ACCOUNT_KEY_HERE`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "my",
    "our",
    "the",
    "this",
    "that",
    "it",
    "me",
    "to",
    "of",
    "for",
    "in",
    "is",
    "or",
    "and",
    "with",
    "here",
    "goes",
    "put",
    "insert",
    "enter",
    "replace",
    "paste",
    "actual",
    "real",
    "some",
    "any",
    "dummy",
    "fake",
    "sample",
    "example",
    "test",
    "demo",
    "placeholder",
    "redacted",
    "hidden",
    "masked",
    "removed",
    "secret",
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "phrase",
    "key",
    "token",
    "access",
    "account",
    "storage",
    "shared",
    "signature",
    "sig",
    "sas",
    "connection",
    "conn",
    "string",
    "client",
    "app",
    "application",
    "id",
    "tenant",
    "subscription",
    "user",
    "username",
    "admin",
    "administrator",
    "name",
    "api",
    "auth",
    "bearer",
    "credential",
    "private",
    "public",
    "primary",
    "secondary",
    "cert",
    "certificate",
    "store",
    "trust",
    "service",
    "principal",
    "database",
    "db",
    "server",
    "sql",
    "blob",
    "queue",
    "file",
    "table",
    "new",
    "old",
    "strong",
    "default",
    "generated",
    "change",
    "encoded",
    "base",
    "personal",
    "github",
    "databricks",
    "aws",
    "azure",
    "google",
    "slack",
    "jwt",
    "pat",
    "hub",
    "event",
    "bus",
    "device",
    "endpoint",
    "resource",
    "group",
    "vault",
    "value",
    "code",
    "number",
    "text",
    "random",
    "long",
    "login",
    "session",
    "refresh",
    "env",
    "var",
    "variable",
    "foo",
    "bar",
    "abc",
    "xyz",
];

/// Word break over [`PLACEHOLDER_WORDS`] (lowercase input).
fn splits_into_words(s: &str) -> bool {
    if s.len() > 256 {
        return false;
    }
    let mut reach = vec![false; s.len() + 1];
    reach[0] = true;
    for i in 0..s.len() {
        if !reach[i] {
            continue;
        }
        for w in PLACEHOLDER_WORDS.iter().filter(|w| s[i..].starts_with(**w)) {
            reach[i + w.len()] = true;
            if s[i + w.len()..].starts_with('s') {
                reach[i + w.len() + 1] = true;
            }
        }
    }
    reach[s.len()]
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
mod generated;

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
