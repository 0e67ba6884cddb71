//! A small URL splitter for link rules: scheme, host and path of a link
//! destination as written, without normalising it (rules report and fix the
//! author's text, so offsets must stay meaningful).

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
    pub fn parse(url: &'a str) -> Url<'a> {
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

    pub fn is_web(&self) -> bool {
        self.scheme.is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
    }

    /// The host equals `domain` or is a subdomain of it (case-insensitive).
    pub fn host_is(&self, domain: &str) -> bool {
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

/// Resolves a relative link target (query and fragment removed, `%20`
/// decoded) against the linking file's path, both relative to the
/// knowledge-base root. `None` when it climbs above the root.
pub(crate) fn resolve(from_file: &str, target: &str) -> Option<String> {
    let target = target.split(['#', '?']).next().unwrap_or("").replace("%20", " ");
    let mut parts: Vec<&str> = match from_file.rsplit_once('/') {
        Some((dir, _)) if !target.starts_with('/') => dir.split('/').collect(),
        _ => Vec::new(),
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
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
    }
}
