//! `book.toml`: a knowledge base's configuration, as plain data. Absent file
//! means defaults; unknown keys are errors (with the key named) so typos never
//! pass silently. The `[lints]` tables are resolved into rule levels by
//! `lint::Levels::from_config`, which reports unknown rules.

use crate::vocab::Cloud;
use anyhow::{Context as _, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub book: BookConfig,
    pub output: OutputConfig,
    pub lints: LintsConfig,
    /// Per-cloud settings, keyed by cloud name (`[clouds.fairfax]`).
    pub clouds: BTreeMap<String, CloudConfig>,
    /// Files listing allowed values (`[vocabularies]`).
    pub vocabularies: VocabulariesConfig,
    /// The knowledge-base root the config was loaded from.
    #[serde(skip)]
    pub root: PathBuf,
    /// Each cloud's [`Rewrites`], made from `clouds` on first use.
    #[serde(skip)]
    rewrites: std::sync::OnceLock<BTreeMap<Cloud, Rewrites>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookConfig {
    pub title: String,
    pub description: String,
    /// The folder holding the articles, relative to the root.
    pub src: Option<PathBuf>,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig { title: "Knowledge base".into(), description: String::new(), src: None }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct OutputConfig {
    /// Where `kbc build` writes, relative to the root (default `out`).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct LintsConfig {
    /// Per-path overrides, applied in order after the table's levels.
    pub overrides: Vec<LintOverride>,
    /// `rule-name-or-code = "allow" | "warn" | "deny"`.
    #[serde(flatten)]
    pub levels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct LintOverride {
    /// Glob patterns matched against paths relative to the root.
    pub paths: Vec<String>,
    #[serde(flatten)]
    pub levels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CloudConfig {
    /// Base URL prefixes rewritten in this cloud's site and bundle
    /// (`"https://portal.azure.com" = "https://portal.azure.us"`).
    pub rewrite: BTreeMap<String, String>,
}

/// `[vocabularies]`: files, relative to the root, that list the values a
/// knowledge base allows, one per line. A rule that checks against a list is
/// off while its file is not configured.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct VocabulariesConfig {
    /// Blades links may open (`Extension.BladeName`).
    pub blades: Option<PathBuf>,
    /// Values `resourceTags` may hold.
    pub resource_tags: Option<PathBuf>,
    /// The entries of `blades`, lowercase, read by [`Config::load`].
    #[serde(skip)]
    pub blade_list: Option<BTreeSet<String>>,
    /// The entries of `resource-tags`, lowercase, read by [`Config::load`].
    #[serde(skip)]
    pub resource_tag_list: Option<BTreeSet<String>>,
}

impl Config {
    /// Loads `ROOT/book.toml`, or defaults when there is none.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join("book.toml");
        // Whatever is there (a link, a FIFO) is read only through the check.
        let mut config = if path.symlink_metadata().is_ok() {
            let text = crate::discover::read_confined(root, &path)?;
            parse_file(&text, &path).with_context(|| format!("invalid configuration in {}", path.display()))?
        } else {
            Config::default()
        };
        config.root = root.to_path_buf();
        config.validate().with_context(|| format!("invalid configuration in {}", path.display()))?;
        let v = &mut config.vocabularies;
        v.blade_list = read_vocabulary(root, v.blades.as_deref(), "blades", crate::vocabulary::is_blade)?;
        v.resource_tag_list =
            read_vocabulary(root, v.resource_tags.as_deref(), "resource-tags", crate::vocabulary::is_tag)?;
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config> {
        Ok(toml::from_str(text)?)
    }

    /// `cloud`'s rewrites (none when book.toml has no `[clouds.<cloud>]`).
    pub fn rewrites(&self, cloud: Cloud) -> &Rewrites {
        let all = self.rewrites.get_or_init(|| {
            let of = |cloud: Cloud| {
                let tables = self.clouds.iter().filter(|(name, _)| Cloud::parse(name) == Some(cloud));
                Rewrites::new(tables.flat_map(|(_, c)| c.rewrite.iter().map(|(k, v)| (k.clone(), v.clone()))).collect())
            };
            Cloud::ALL.into_iter().map(|c| (c, of(c))).collect()
        });
        &all[&cloud]
    }

    fn validate(&self) -> Result<()> {
        if let Some(src) = self.book.src.as_deref().filter(|s| !crate::fs::stays_inside(s)) {
            bail!("[book] src = \"{}\" must name a folder inside the knowledge-base root", src.display());
        }
        for name in self.clouds.keys() {
            if crate::vocab::Cloud::parse(name).is_none() {
                bail!("unknown cloud `{name}` in [clouds] (known: public, fairfax, mooncake, usnat, ussec)");
            }
        }
        Ok(())
    }

    /// The folder articles are read from: `[book] src`, else `ROOT/articles`
    /// when it exists, else ROOT itself.
    pub fn source_dir(&self) -> PathBuf {
        match &self.book.src {
            Some(src) => self.root.join(src),
            None if self.root.join("articles").is_dir() => self.root.join("articles"),
            None => self.root.clone(),
        }
    }

    /// The build output folder: `[output] dir`, else `ROOT/out`.
    pub fn output_dir(&self) -> PathBuf {
        self.root.join(self.output.dir.as_deref().unwrap_or(Path::new("out")))
    }
}

/// A cloud's base-URL rewrites (`[clouds.<name>.rewrite]`), longest prefix
/// first so the most specific mapping wins, matched ASCII case-insensitively
/// (as hosts are). One automaton holds every prefix: [`Rewrites::touches`]
/// is one pass over a text and [`Rewrites::apply`] one over a URL's start,
/// however many and however long the prefixes are (comparing each prefix
/// at each position grew with the product: docs/bench/harden.md).
#[derive(Debug, Clone, Default)]
pub struct Rewrites {
    pairs: Vec<(String, String)>,
    /// `None` when there are no prefixes.
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl Rewrites {
    fn new(mut pairs: Vec<(String, String)>) -> Rewrites {
        use aho_corasick::{AhoCorasick, MatchKind, StartKind};
        pairs.retain(|(from, _)| !from.is_empty());
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        // Among matches of one length the first pattern wins: the order above.
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(pairs.iter().map(|(from, _)| from));
        // Building fails only past billions of states, far beyond any
        // book.toml that fits in memory; then no URL is rewritten.
        let automaton = automaton.ok().filter(|_| !pairs.is_empty());
        Rewrites { pairs, automaton }
    }

    pub fn is_empty(&self) -> bool {
        self.automaton.is_none()
    }

    /// The prefix `url` starts with and its replacement, if any.
    pub fn find(&self, url: &str) -> Option<&(String, String)> {
        let input = aho_corasick::Input::new(url).anchored(aho_corasick::Anchored::Yes);
        let found = self.automaton.as_ref()?.find(input)?;
        self.pairs.get(found.pattern().as_usize())
    }

    /// The rewritten URL, if a prefix matches.
    pub fn apply(&self, url: &str) -> Option<String> {
        let (from, to) = self.find(url)?;
        Some(format!("{to}{}", &url[from.len()..]))
    }

    /// Whether the text mentions any prefix, so the article's pages may differ
    /// in this cloud (a cheap test before rendering a variant).
    pub fn touches(&self, text: &str) -> bool {
        self.automaton.as_ref().is_some_and(|a| a.is_match(text))
    }
}

/// `book.toml`'s text parsed; a syntax error names the file, line and
/// column (not the line itself, which the author has open anyway).
fn parse_file(text: &str, path: &Path) -> Result<Config> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start.min(text.len()));
        let before = text.get(..at).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        anyhow::anyhow!("{}:{line}:{column}: {}", path.display(), e.message().trim_end())
    })
}

/// The entries of a configured vocabulary file, or `None` when the key is
/// not set. Errors name the key and the file.
fn read_vocabulary(
    root: &Path,
    file: Option<&Path>,
    key: &str,
    valid: fn(&str) -> bool,
) -> Result<Option<BTreeSet<String>>> {
    let Some(file) = file else { return Ok(None) };
    let shown = file.display();
    let entries = crate::vocabulary::read(root, file, valid)
        .with_context(|| format!("invalid vocabulary file `{shown}` ([vocabularies] {key} in book.toml)"))?;
    Ok(Some(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let c = Config::parse(
            r#"
[book]
title = "Sample"
src = "articles"
[output]
dir = "public"
[lints]
malformed-properties = "warn"
KB012 = "warn"
[[lints.overrides]]
paths = ["legacy/**"]
duplicate-article-id = "allow"
[clouds.fairfax.rewrite]
"https://portal.azure.com" = "https://portal.azure.us"
"#,
        )
        .unwrap();
        assert_eq!(c.book.title, "Sample");
        assert_eq!(c.lints.levels.len(), 2);
        assert_eq!(c.lints.overrides[0].paths, ["legacy/**"]);
        assert_eq!(c.clouds["fairfax"].rewrite["https://portal.azure.com"], "https://portal.azure.us");
    }

    #[test]
    fn rewrites_match_the_longest_prefix_ascii_case_insensitively_in_one_pass() {
        let c = Config::parse(
            "[clouds.Fairfax.rewrite]\n\"https://a.example\" = \"https://a.us\"\n\"https://A.EXAMPLE/x\" = \"https://x.us\"\n\
             \"\" = \"https://everything\"\n\"https://é.example\" = \"https://e.us\"\n",
        )
        .unwrap();
        let r = c.rewrites(Cloud::Fairfax);
        assert_eq!(r.apply("HTTPS://a.example/x/y").as_deref(), Some("https://x.us/y"));
        assert_eq!(r.apply("https://a.example/z").as_deref(), Some("https://a.us/z"));
        assert_eq!(r.apply("https://é.example/p").as_deref(), Some("https://e.us/p"));
        assert_eq!(r.apply("https://É.example/p"), None, "only ASCII letters fold");
        assert_eq!(r.apply("see https://a.example"), None, "a prefix, not anywhere");
        assert!(r.touches("see https://A.Example/ now") && !r.touches("nothing to rewrite"));
        assert!(c.rewrites(Cloud::Mooncake).is_empty() && !c.rewrites(Cloud::Mooncake).touches("https://a.example"));
    }

    #[test]
    fn rejects_unknown_keys() {
        assert!(Config::parse("[book]\ntitel = \"x\"").unwrap_err().to_string().contains("titel"));
    }
}
