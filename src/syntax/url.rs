//! A small URL splitter for link rules: scheme, host and path of a link
//! destination as written, without normalising it (rules report and fix the
//! author's text, so offsets must stay meaningful). [`resolve`] is the one
//! resolver of relative links.

use std::borrow::Cow;

/// The parts of a link destination. Everything borrows from the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url<'a> {
    /// Lowercased by the caller when comparing; `None` for relative links.
    pub scheme: Option<&'a str>,
    /// Host without port or credentials; empty when the URL has none.
    pub host: &'a str,
    /// Byte offset of the path (after the host) inside the destination.
    pub path_start: usize,
    pub path: &'a str,
}

impl<'a> Url<'a> {
    pub(crate) fn parse(url: &'a str) -> Url<'a> {
        let url = url.trim();
        let Some(colon) = url.find(':').filter(|&i| is_scheme(&url[..i])) else {
            return Url { scheme: None, host: "", path_start: 0, path: url };
        };
        let scheme = &url[..colon];
        let rest = &url[colon + 1..];
        let Some(after) = rest.strip_prefix("//") else {
            return Url { scheme: Some(scheme), host: "", path_start: colon + 1, path: rest };
        };
        let auth_len = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = &after[..auth_len];
        let host = authority.rsplit('@').next().unwrap_or("");
        let host = host.split(':').next().unwrap_or("");
        let path_start = colon + 3 + auth_len;
        Url { scheme: Some(scheme), host, path_start, path: &url[path_start..] }
    }

    pub(crate) fn is_web(&self) -> bool {
        self.scheme.is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
    }

    /// The host equals `domain` or is a subdomain of it (case-insensitive).
    pub(crate) fn host_is(&self, domain: &str) -> bool {
        // Compared as bytes: a host may hold non-ASCII characters, and the
        // suffix cut could fall inside one.
        let h = self.host.trim_end_matches('.').as_bytes();
        let d = domain.as_bytes();
        h.eq_ignore_ascii_case(d)
            || (h.len() > d.len() && h[h.len() - d.len()..].eq_ignore_ascii_case(d) && h[h.len() - d.len() - 1] == b'.')
    }
}

fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Microsoft documentation hosts, where pages exist in every locale.
pub(crate) const DOCS_HOSTS: &[&str] = &[
    "docs.microsoft.com",
    "learn.microsoft.com",
    "azure.microsoft.com",
    "msdn.microsoft.com",
    "technet.microsoft.com",
    "support.microsoft.com",
    "techcommunity.microsoft.com",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_with_non_ascii_characters_does_not_panic() {
        // The suffix cut for `aka.ms` falls inside `é` / the zero-width space.
        assert!(!Url::parse("https://learn.microsof\u{e9}t.com/x").host_is("aka.ms"));
        assert!(!Url::parse("https://learn.microsoft\u{200b}.com/x").host_is("aka.ms"));
        assert!(Url::parse("https://\u{e9}.microsoft.com/x").host_is("microsoft.com"));
    }

    #[test]
    fn splits_scheme_host_and_path() {
        let u = Url::parse("https://user@Docs.Microsoft.com:443/en-us/azure?x#y");
        assert_eq!((u.scheme, u.host, u.path), (Some("https"), "Docs.Microsoft.com", "/en-us/azure?x#y"));
        assert!(u.host_is("docs.microsoft.com") && u.host_is("microsoft.com") && !u.host_is("soft.com"));
        let r = Url::parse("../includes/a.md#x");
        assert_eq!((r.scheme, r.path), (None, "../includes/a.md#x"));
        let b = Url::parse("data-blade:Ext.Blade");
        assert_eq!((b.scheme, b.host, b.path), (Some("data-blade"), "", "Ext.Blade"));
        assert_eq!(Url::parse("https://").host, "");
    }
}

/// Resolves a relative link target against the linking file's path, both
/// relative to the knowledge-base root, the way a browser finds the file:
/// the query and fragment are cut off first, then each path segment is
/// percent-decoded (RFC 3986: `%20`, `%23`, `%3F`, `%25`, UTF-8 sequences),
/// then `.` and `..` are applied. A target starting with `/` starts at the
/// root. `None` when it climbs above the root. The one resolver of the
/// link rules, the include resolver and the site's links, so that a link
/// `kbc check` accepts is a link that works on the site.
pub(crate) fn resolve(from_file: &str, target: &str) -> Option<String> {
    let path = target.split(['#', '?']).next().unwrap_or("");
    let segments: Vec<Cow<'_, str>> = path.split('/').map(decode_segment).collect();
    let mut parts: Vec<&str> = match from_file.rsplit_once('/') {
        Some((dir, _)) if !path.starts_with('/') => dir.split('/').collect(),
        _ => Vec::new(),
    };
    for seg in &segments {
        match seg.as_ref() {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// One path segment with its `%XX` escapes decoded. A `%` not followed by
/// two hex digits is kept as written; so is a segment whose decoded bytes are
/// not UTF-8 or would hold a `/` or NUL, which no file name in the
/// knowledge base can (the link then resolves to no file).
fn decode_segment(segment: &str) -> Cow<'_, str> {
    if !segment.contains('%') {
        return Cow::Borrowed(segment);
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| segment.get(i + 1..i + 3)).flatten();
        match escaped.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) if !s.contains(['/', '\0']) => Cow::Owned(s),
        _ => Cow::Borrowed(segment),
    }
}

/// A relative link to a local file: no scheme, not only a `#fragment`, not
/// protocol-relative.
pub(crate) fn is_local_file(url: &Url<'_>) -> bool {
    url.scheme.is_none() && !url.path.is_empty() && !url.path.starts_with('#') && !url.path.starts_with("//")
}

#[cfg(test)]
mod resolve_tests {
    use super::*;

    #[test]
    fn resolves_relative_paths_within_the_root() {
        assert_eq!(resolve("articles/a/x.md", "../b/y.md#top").as_deref(), Some("articles/b/y.md"));
        assert_eq!(resolve("articles/a/x.md", "./my%20file.md").as_deref(), Some("articles/a/my file.md"));
        assert_eq!(resolve("articles/x.md", "../../etc/passwd"), None);
        assert_eq!(resolve("x.md", "y.md").as_deref(), Some("y.md"));
    }

    #[test]
    fn a_leading_slash_starts_at_the_root() {
        assert_eq!(resolve("articles/a/x.md", "/articles/b/y.md").as_deref(), Some("articles/b/y.md"));
        assert_eq!(resolve("articles/a/x.md", "/../y.md"), None);
    }

    #[test]
    fn cuts_the_query_and_fragment_before_decoding() {
        let r = |t| resolve("a/x.md", t);
        assert_eq!(r("b.md?v=1#top").as_deref(), Some("a/b.md"));
        assert_eq!(r("b%23c.md#top").as_deref(), Some("a/b#c.md"));
        assert_eq!(r("b%3Fc.md?q").as_deref(), Some("a/b?c.md"));
        assert_eq!(r("100%25.md").as_deref(), Some("a/100%.md"));
        // Decoded once: `%2520` is a literal `%20`, not a blank.
        assert_eq!(r("a%2520b.md").as_deref(), Some("a/a%20b.md"));
    }

    #[test]
    fn decodes_utf8_sequences_and_either_case_of_hex() {
        let r = |t| resolve("a/x.md", t);
        assert_eq!(r("caf%C3%A9.md").as_deref(), Some("a/café.md"));
        assert_eq!(r("caf%c3%a9.md").as_deref(), Some("a/café.md"));
        assert_eq!(r("%E2%82%AC%20sign.md").as_deref(), Some("a/€ sign.md"));
        assert_eq!(r("caf\u{e9}.md").as_deref(), Some("a/café.md"));
    }

    #[test]
    fn keeps_what_cannot_name_a_file_as_written() {
        let r = |t| resolve("a/x.md", t);
        // Not an escape: `%` without two hex digits.
        assert_eq!(r("50%.md").as_deref(), Some("a/50%.md"));
        assert_eq!(r("a%zz.md").as_deref(), Some("a/a%zz.md"));
        assert_eq!(r("a%2").as_deref(), Some("a/a%2"));
        // Not UTF-8 once decoded, or a separator inside a segment.
        assert_eq!(r("a%FF.md").as_deref(), Some("a/a%FF.md"));
        assert_eq!(r("b%2Fc.md").as_deref(), Some("a/b%2Fc.md"));
        assert_eq!(r("b%00.md").as_deref(), Some("a/b%00.md"));
    }

    #[test]
    fn decoded_dot_segments_are_dot_segments() {
        // As browsers do (WHATWG URL): `%2E%2E` climbs like `..`.
        assert_eq!(resolve("a/b/x.md", "%2E%2E/y.md").as_deref(), Some("a/y.md"));
        assert_eq!(resolve("x.md", "%2e%2e/y.md"), None);
    }
}
