//! The one ordered list of rules, lookup by code or name, and the levels the
//! `[lints]` table of book.toml resolves to.

use super::rules::*;
use super::{Rule, RuleMeta};
use crate::config::Config;
use crate::diagnostic::Level;
use crate::vocab::did_you_mean;
use std::collections::{BTreeMap, HashMap};

/// Every rule, in code order. Add a rule here and nowhere else.
pub static RULES: &[&dyn Rule] = &[
    // KB0xx: the header and its metadata.
    &missing_properties::MissingProperties,
    &malformed_properties::MalformedProperties,
    &duplicate_attribute::DuplicateAttribute,
    &unknown_attribute::UnknownAttribute,
    &noncanonical_attribute_case::NoncanonicalAttributeCase,
    &missing_required_attribute::MissingRequiredAttribute,
    &empty_required_attribute::EmptyRequiredAttribute,
    &invalid_support_topic_id::InvalidSupportTopicId,
    &duplicate_support_topic_id::DuplicateSupportTopicId,
    &invalid_product_id::InvalidProductId,
    &invalid_article_id::InvalidArticleId,
    &duplicate_article_id::DuplicateArticleId,
    &unknown_cloud::UnknownCloud,
    &retired_cloud::RetiredCloud,
    &no_clouds::NoClouds,
    &unknown_self_help_type::UnknownSelfHelpType,
    &invalid_display_order::InvalidDisplayOrder,
    &template_placeholder::TemplatePlaceholder,
    &noncanonical_cloud_case::NoncanonicalCloudCase,
    &punctuation_in_page_title::PunctuationInPageTitle,
    &multiple_services_or_resources::MultipleServicesOrResources,
    &long_file_name::LongFileName,
    &space_in_file_name::SpaceInFileName,
    &folder_too_deep::FolderTooDeep,
    &unknown_resource_tag::UnknownResourceTag,
    // KB1xx: content structure.
    &missing_h1::MissingH1,
    &recommended_heading_format::RecommendedHeadingFormat,
    &empty_section::EmptySection,
    &list_too_deep::ListTooDeep,
    &unsupported_table::UnsupportedTable,
    &unsupported_docs_extension::UnsupportedDocsExtension,
    &placeholder_read_as_html::PlaceholderReadAsHtml,
    &empty_article::EmptyArticle,
    &bold_h2_for_other_section::BoldH2ForOtherSection,
    &code_block_language_tag::CodeBlockLanguageTag,
    &recommended_sections_out_of_order::RecommendedSectionsOutOfOrder,
    &links_run_together::LinksRunTogether,
    &list_without_blank_line::ListWithoutBlankLine,
    &nesting_too_deep::NestingTooDeep,
    // KB2xx: links.
    &locale_in_docs_link::LocaleInDocsLink,
    &review_link::ReviewLink,
    &short_link::ShortLink,
    &insecure_link::InsecureLink,
    &placeholder_link::PlaceholderLink,
    &malformed_data_blade_link::MalformedDataBladeLink,
    &broken_internal_link::BrokenInternalLink,
    &cross_cloud_link::CrossCloudLink,
    &public_host_in_sovereign_cloud::PublicHostInSovereignCloud,
    &same_article_anchor_link::SameArticleAnchorLink,
    &broken_fragment_link::BrokenFragmentLink,
    &unknown_blade::UnknownBlade,
    // KB3xx: across articles.
    &unknown_support_topic::UnknownSupportTopic,
    &duplicate_display_order::DuplicateDisplayOrder,
    &duplicate_file_name::DuplicateFileName,
    &unknown_common_solution_article::UnknownCommonSolutionArticle,
    &duplicate_folder_name::DuplicateFolderName,
    // KB4xx: embedded JSON, portal markup and includes.
    &invalid_embedded_json::InvalidEmbeddedJson,
    &embedded_json_schema::EmbeddedJsonSchema,
    &unbalanced_token::UnbalancedToken,
    &unbalanced_issue_description::UnbalancedIssueDescription,
    &formatting_in_issue_description::FormattingInIssueDescription,
    &include_not_found::IncludeNotFound,
    &include_cycle::IncludeCycle,
    &include_outside_root::IncludeOutsideRoot,
    &heading_in_issue_description::HeadingInIssueDescription,
    &unexpected_schema::UnexpectedSchema,
    &invalid_apollo_component::InvalidApolloComponent,
    // KB5xx: security.
    &secret_in_content::SecretInContent,
    // KB6xx: suppressions.
    &unused_suppression::UnusedSuppression,
    // KB9xx: files that could not be read.
    &invalid_encoding::InvalidEncoding,
    &unreadable_file::UnreadableFile,
    &unsafe_source_file::UnsafeSourceFile,
];

/// The rule with exactly this code (`KB012`): a binary search, since `RULES`
/// is in code order. For every finding's level, so it must be cheap.
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    RULES.binary_search_by(|r| r.meta().code.cmp(code)).ok().map(|i| RULES[i])
}

/// The metadata of the rule with exactly this code.
pub fn meta(code: &str) -> Option<&'static RuleMeta> {
    by_code(code).map(|r| r.meta())
}

/// Finds a rule by code (`KB012`, any case) or name (`duplicate-article-id`).
pub fn find(key: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(key) || m.name == key
    })
}

pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|r| r.meta())
}

/// A "did you mean" for an unknown rule key.
pub fn suggest(key: &str) -> Option<&'static str> {
    did_you_mean(key, metas().map(|m| m.name))
}

/// Rule levels after configuration: defaults, then `[lints]`, then per-path
/// overrides in order (the last matching override wins).
#[derive(Debug, Clone, Default)]
pub struct Levels {
    configured: HashMap<&'static str, Level>,
    overrides: Vec<PathOverride>,
    /// Every override's globs, each with the index of its override.
    globs: Vec<(globset::Glob, usize)>,
    /// `globs` as one set, built on first use: a path is matched against
    /// every override at once, where a set per override made each finding
    /// cost one match per `[[lints.overrides]]` table (docs/bench/harden.md).
    /// `None` if the set cannot be built; the overrides' own sets serve then.
    all_globs: std::sync::OnceLock<Option<globset::GlobSet>>,
}

#[derive(Debug, Clone)]
struct PathOverride {
    paths: globset::GlobSet,
    levels: HashMap<&'static str, Level>,
}

impl Levels {
    /// The levels `[lints]` and `[[lints.overrides]]` of book.toml set, with
    /// unknown rules and levels reported as errors in the configuration.
    pub fn from_config(config: &Config) -> anyhow::Result<Levels> {
        use anyhow::Context as _;
        let path = config.root.join("book.toml");
        let in_config = || format!("invalid configuration in {}", path.display());
        let table = parse_levels(&config.lints.levels).with_context(in_config)?;
        let mut levels = Levels::from_table(table.iter().map(|(k, l)| (k.as_str(), *l)))
            .map_err(anyhow::Error::msg)
            .with_context(in_config)?;
        for o in &config.lints.overrides {
            let table = parse_levels(&o.levels).with_context(in_config)?;
            levels.add_override(&o.paths, table).map_err(anyhow::Error::msg).with_context(in_config)?;
        }
        Ok(levels)
    }

    /// Resolves `[lints]` entries (keys are rule names or codes).
    pub fn from_table<'a>(table: impl IntoIterator<Item = (&'a str, Level)>) -> Result<Levels, String> {
        let mut configured = HashMap::new();
        for (key, level) in table {
            let rule = find(key).ok_or_else(|| unknown_rule_message(key))?;
            configured.insert(rule.meta().code, level);
        }
        Ok(Levels { configured, ..Levels::default() })
    }

    /// Adds a `[[lints.overrides]]` entry: levels that apply to matching paths.
    pub fn add_override(&mut self, globs: &[String], table: Vec<(String, Level)>) -> Result<(), String> {
        let mut builder = globset::GlobSetBuilder::new();
        for g in globs {
            let glob = globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("invalid glob `{g}` in [[lints.overrides]]: {e}"))?;
            builder.add(glob.clone());
            self.globs.push((glob, self.overrides.len()));
        }
        let paths = builder.build().map_err(|e| e.to_string())?;
        self.all_globs = std::sync::OnceLock::new();
        let mut levels = HashMap::new();
        for (key, level) in table {
            let rule = find(&key).ok_or_else(|| unknown_rule_message(&key))?;
            levels.insert(rule.meta().code, level);
        }
        self.overrides.push(PathOverride { paths, levels });
        Ok(())
    }

    /// Levels where only the given rules are enabled (at their default level).
    pub fn only(codes: &[&str]) -> Levels {
        let configured = metas()
            .map(|m| {
                (
                    m.code,
                    if codes.contains(&m.code) || codes.contains(&m.name) { m.default_level } else { Level::Allow },
                )
            })
            .collect();
        Levels { configured, ..Levels::default() }
    }

    pub fn set(&mut self, code: &'static str, level: Level) {
        self.configured.insert(code, level);
    }

    pub fn level(&self, code: &str, path: &str) -> Level {
        match self.overridden(code, path).or_else(|| self.configured.get(code)) {
            Some(&l) => l,
            None => by_code(code).or_else(|| find(code)).map_or(Level::Error, |r| r.meta().default_level),
        }
    }

    /// The level the last override matching `path` that sets `code` gives.
    fn overridden(&self, code: &str, path: &str) -> Option<&Level> {
        if self.overrides.is_empty() {
            return None;
        }
        let all = self.all_globs.get_or_init(|| {
            let mut builder = globset::GlobSetBuilder::new();
            for (glob, _) in &self.globs {
                builder.add(glob.clone());
            }
            builder.build().ok()
        });
        let Some(all) = all else {
            return self.overrides.iter().rev().filter(|o| o.paths.is_match(path)).find_map(|o| o.levels.get(code));
        };
        let mut matched: Vec<usize> = all.matches(path).into_iter().map(|g| self.globs[g].1).collect();
        matched.sort_unstable();
        matched.dedup();
        matched.into_iter().rev().find_map(|o| self.overrides[o].levels.get(code))
    }

    /// False when the rule is off everywhere, so the engine can skip it.
    pub fn may_fire(&self, code: &str) -> bool {
        let base = match self.configured.get(code) {
            Some(&l) => l,
            None => by_code(code).or_else(|| find(code)).map_or(Level::Error, |r| r.meta().default_level),
        };
        base != Level::Allow || self.overrides.iter().any(|o| o.levels.get(code).is_some_and(|&l| l != Level::Allow))
    }
}

fn parse_levels(table: &BTreeMap<String, String>) -> anyhow::Result<Vec<(String, Level)>> {
    table
        .iter()
        .map(|(k, v)| match Level::parse(v) {
            Some(l) => Ok((k.clone(), l)),
            None => anyhow::bail!("invalid level `{v}` for `{k}` in [lints]: use \"allow\", \"warn\" or \"deny\""),
        })
        .collect()
}

pub fn unknown_rule_message(key: &str) -> String {
    match suggest(key) {
        Some(s) => format!("unknown rule `{key}` (did you mean `{s}`?)"),
        None => format!("unknown rule `{key}` (run `kbc rules` to list them)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for m in metas() {
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(
                m.code.len() == 5 && m.code.starts_with("KB") && m.code[2..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                m.code
            );
            assert!(m.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", m.name);
            assert!(m.name.starts_with(|c: char| c.is_ascii_lowercase()), "{}", m.name);
            assert!(!m.summary.is_empty() && !m.summary.ends_with('.'), "{} summary", m.name);
        }
    }

    #[test]
    fn every_rule_has_documentation_sections() {
        for m in metas() {
            for section in ["## What it checks", "## Why", "## Example", "## How to fix", "## Configuration"] {
                assert!(m.docs.contains(section), "{} docs lack `{section}`", m.name);
            }
        }
    }

    #[test]
    fn every_rule_example_shows_a_bad_and_a_good_case() {
        for m in metas() {
            let example = m.docs.split("## Example").nth(1).and_then(|e| e.split("## How to fix").next()).unwrap_or("");
            assert!(example.contains("Bad") && example.contains("Good"), "{}: Example needs `Bad` and `Good`", m.name);
        }
    }

    #[test]
    fn rules_are_listed_in_code_order() {
        let codes: Vec<_> = metas().map(|m| m.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn levels_come_from_the_config_and_reject_unknown_rules_and_levels() {
        let c = Config::parse("[lints]\nmalformed-properties = \"warn\"\n[[lints.overrides]]\npaths = [\"legacy/**\"]\nKB012 = \"allow\"\n").unwrap();
        let levels = Levels::from_config(&c).unwrap();
        assert_eq!(levels.level("KB002", "a.md"), Level::Warning);
        assert_eq!(levels.level("KB012", "legacy/a.md"), Level::Allow);
        assert_eq!(levels.level("KB012", "a.md"), Level::Error);
        let c = Config::parse("[lints]\nduplicate-articleid = \"deny\"").unwrap();
        let err = format!("{:#}", Levels::from_config(&c).unwrap_err());
        assert!(err.contains("did you mean `duplicate-article-id`"), "{err}");
        let c = Config::parse("[lints]\nKB012 = \"loud\"").unwrap();
        assert!(Levels::from_config(&c).is_err());
    }

    #[test]
    fn the_last_matching_override_that_sets_a_rule_wins() {
        let c = Config::parse(
            "[lints]\nKB012 = \"warn\"\n[[lints.overrides]]\npaths = [\"a/**\", \"b/*.md\"]\nKB012 = \"allow\"\n\
             [[lints.overrides]]\npaths = [\"a/x/**\"]\nKB012 = \"deny\"\nKB013 = \"allow\"\n\
             [[lints.overrides]]\npaths = [\"a/**\"]\nKB013 = \"warn\"\n",
        )
        .unwrap();
        let levels = Levels::from_config(&c).unwrap();
        let mut copy = levels.clone();
        for levels in [&levels, &levels, &copy] {
            assert_eq!(levels.level("KB012", "a/x/y.md"), Level::Error);
            assert_eq!(levels.level("KB012", "a/z.md"), Level::Allow);
            assert_eq!(levels.level("KB012", "b/q.md"), Level::Allow);
            assert_eq!(levels.level("KB012", "b/c/q.md"), Level::Warning, "`*` stops at a slash");
            assert_eq!(levels.level("KB012", "c.md"), Level::Warning);
            assert_eq!(levels.level("KB013", "a/x/y.md"), Level::Warning);
        }
        // An override added after the first lookup counts.
        copy.add_override(&["c.md".to_string()], vec![("KB012".to_string(), Level::Allow)]).unwrap();
        assert_eq!(copy.level("KB012", "c.md"), Level::Allow);
    }

    #[test]
    fn unknown_rule_gets_a_suggestion() {
        assert!(unknown_rule_message("duplicate-articleid").contains("duplicate-article-id"));
    }
}
