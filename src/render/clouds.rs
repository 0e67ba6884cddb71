//! Per-cloud outputs: which clouds are built, each cloud's link rewriting
//! (book.toml `[clouds.<name>] rewrite`), and which articles each cloud gets.

use crate::article::vocab::Cloud;
use crate::config::Config;

/// A cloud's base-URL rewrites, longest prefix first so the most specific
/// mapping wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rewrites {
    pairs: Vec<(String, String)>,
}

impl Rewrites {
    pub(crate) fn for_cloud(config: &Config, cloud: Cloud) -> Rewrites {
        let mut pairs: Vec<(String, String)> = config
            .clouds
            .iter()
            .filter(|(name, _)| Cloud::parse(name) == Some(cloud))
            .flat_map(|(_, c)| c.rewrite.iter().map(|(k, v)| (k.clone(), v.clone())))
            .collect();
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Rewrites { pairs }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The rewritten URL, if a prefix matches (case-insensitively, as hosts are).
    pub(crate) fn apply(&self, url: &str) -> Option<String> {
        let (from, to) = self.pairs.iter().find(|(from, _)| starts_with_ignore_case(url, from))?;
        Some(format!("{to}{}", &url[from.len()..]))
    }

    /// Whether the text mentions any prefix, so the article's pages may differ
    /// in this cloud (a cheap test before rendering a variant).
    pub(crate) fn touches(&self, text: &str) -> bool {
        self.pairs.iter().any(|(from, _)| contains_ignore_case(text, from))
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && text.as_bytes().windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// The clouds to build: those named with `--cloud` (validated), else all.
pub(crate) fn selected(names: &[String]) -> anyhow::Result<Vec<Cloud>> {
    if names.is_empty() {
        return Ok(Cloud::ALL.to_vec());
    }
    let mut clouds = Vec::new();
    for n in names {
        let Some(c) = Cloud::parse(n) else {
            let all = Cloud::ALL.map(Cloud::as_str);
            let hint = crate::article::vocab::did_you_mean(n, all)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            anyhow::bail!("unknown cloud `{n}`{hint}; known clouds: {}", all.join(", "));
        };
        clouds.push(c);
    }
    clouds.sort();
    clouds.dedup();
    Ok(clouds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse("[clouds.fairfax.rewrite]\n\"https://portal.azure.com\" = \"https://portal.azure.us\"\n\"https://portal.azure.com/special\" = \"https://special.us\"\n").unwrap()
    }

    #[test]
    fn rewrites_the_longest_matching_prefix() {
        let r = Rewrites::for_cloud(&config(), Cloud::Fairfax);
        assert_eq!(r.apply("https://portal.azure.com/#blade").as_deref(), Some("https://portal.azure.us/#blade"));
        assert_eq!(r.apply("https://Portal.Azure.com/special/x").as_deref(), Some("https://special.us/x"));
        assert_eq!(r.apply("https://docs.example.test/"), None);
        assert!(r.touches("see HTTPS://PORTAL.AZURE.COM now"));
    }

    #[test]
    fn leaves_other_clouds_without_rewrites() {
        assert!(Rewrites::for_cloud(&config(), Cloud::Mooncake).is_empty());
    }

    #[test]
    fn rejects_unknown_cloud_names_with_a_suggestion() {
        assert_eq!(selected(&["Fairfax".into(), "public".into()]).unwrap(), [Cloud::Public, Cloud::Fairfax]);
        assert!(selected(&["fairfx".into()]).unwrap_err().to_string().contains("did you mean `fairfax`"));
    }
}
