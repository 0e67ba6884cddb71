//! Per-cloud outputs: which clouds are built, each cloud's link rewriting
//! (book.toml `[clouds.<name>] rewrite`, matched by `config::Rewrites`),
//! and which articles each cloud gets.

use crate::article::vocab::Cloud;

pub(crate) use crate::config::Rewrites;

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
    use crate::config::Config;

    fn config() -> Config {
        Config::parse("[clouds.fairfax.rewrite]\n\"https://portal.azure.com\" = \"https://portal.azure.us\"\n\"https://portal.azure.com/special\" = \"https://special.us\"\n").unwrap()
    }

    #[test]
    fn rewrites_the_longest_matching_prefix() {
        let config = config();
        let r = config.rewrites(Cloud::Fairfax);
        assert_eq!(r.apply("https://portal.azure.com/#blade").as_deref(), Some("https://portal.azure.us/#blade"));
        assert_eq!(r.apply("https://Portal.Azure.com/special/x").as_deref(), Some("https://special.us/x"));
        assert_eq!(r.apply("https://docs.example.test/"), None);
        assert!(r.touches("see HTTPS://PORTAL.AZURE.COM now"));
    }

    #[test]
    fn leaves_other_clouds_without_rewrites() {
        assert!(config().rewrites(Cloud::Mooncake).is_empty());
    }

    #[test]
    fn rejects_unknown_cloud_names_with_a_suggestion() {
        assert_eq!(selected(&["Fairfax".into(), "public".into()]).unwrap(), [Cloud::Public, Cloud::Fairfax]);
        assert!(selected(&["fairfx".into()]).unwrap_err().to_string().contains("did you mean `fairfax`"));
    }
}
