//! One file per rule, named after the rule: its metadata and docs, its check,
//! and its tests. Register new rules in [`super::registry::RULES`].

pub(crate) mod bold_h2_for_other_section;
pub(crate) mod broken_fragment_link;
pub(crate) mod broken_internal_link;
pub(crate) mod code_block_language_tag;
pub(crate) mod cross_cloud_link;
pub(crate) mod duplicate_article_id;
pub(crate) mod duplicate_attribute;
pub(crate) mod duplicate_display_order;
pub(crate) mod duplicate_file_name;
pub(crate) mod duplicate_folder_name;
pub(crate) mod duplicate_support_topic_id;
pub(crate) mod embedded_json_schema;
pub(crate) mod empty_article;
pub(crate) mod empty_required_attribute;
pub(crate) mod empty_section;
pub(crate) mod folder_too_deep;
pub(crate) mod formatting_in_issue_description;
pub(crate) mod heading_in_issue_description;
pub(crate) mod include_cycle;
pub(crate) mod include_not_found;
pub(crate) mod include_outside_root;
pub(crate) mod insecure_link;
pub(crate) mod invalid_apollo_component;
pub(crate) mod invalid_article_id;
pub(crate) mod invalid_display_order;
pub(crate) mod invalid_embedded_json;
pub(crate) mod invalid_encoding;
pub(crate) mod invalid_product_id;
pub(crate) mod invalid_support_topic_id;
pub(crate) mod links_run_together;
pub(crate) mod list_too_deep;
pub(crate) mod list_without_blank_line;
pub(crate) mod locale_in_docs_link;
pub(crate) mod long_file_name;
pub(crate) mod malformed_data_blade_link;
pub(crate) mod malformed_properties;
pub(crate) mod missing_h1;
pub(crate) mod missing_properties;
pub(crate) mod missing_required_attribute;
pub(crate) mod multiple_services_or_resources;
pub(crate) mod nesting_too_deep;
pub(crate) mod no_clouds;
pub(crate) mod noncanonical_attribute_case;
pub(crate) mod noncanonical_cloud_case;
pub(crate) mod placeholder_link;
pub(crate) mod placeholder_read_as_html;
pub(crate) mod public_host_in_sovereign_cloud;
pub(crate) mod punctuation_in_page_title;
pub(crate) mod recommended_heading_format;
pub(crate) mod recommended_sections_out_of_order;
pub(crate) mod retired_cloud;
pub(crate) mod review_link;
pub(crate) mod same_article_anchor_link;
pub(crate) mod secret_in_content;
pub(crate) mod short_link;
pub(crate) mod space_in_file_name;
pub(crate) mod template_placeholder;
pub(crate) mod unbalanced_issue_description;
pub(crate) mod unbalanced_token;
pub(crate) mod unexpected_schema;
pub(crate) mod unknown_attribute;
pub(crate) mod unknown_blade;
pub(crate) mod unknown_cloud;
pub(crate) mod unknown_common_solution_article;
pub(crate) mod unknown_resource_tag;
pub(crate) mod unknown_self_help_type;
pub(crate) mod unknown_support_topic;
pub(crate) mod unreadable_file;
pub(crate) mod unsafe_source_file;
pub(crate) mod unsupported_docs_extension;
pub(crate) mod unsupported_table;
pub(crate) mod unused_suppression;

#[cfg(test)]
pub(crate) mod testing {
    //! Runs one rule over small inline articles.
    use crate::config::Config;
    use crate::diagnostic::Diagnostic;
    use crate::lint::{self, Levels};
    use crate::source::SourceFile;

    /// Parses `(path, text)` files and returns the findings of rule `code` only
    /// (parser findings included when they belong to that rule). A rule that
    /// is off by default runs as a warning, as when a knowledge base opts in.
    /// The corpus folder (`KBC_CORPUS`), or `None` after saying SKIPPED on
    /// stderr: tests/it/common/gate.rs's rule for unit tests (fails under CI).
    pub(crate) fn corpus() -> Option<std::path::PathBuf> {
        if let Some(root) = std::env::var_os("KBC_CORPUS").filter(|v| !v.is_empty()) {
            return Some(root.into());
        }
        assert!(std::env::var_os("CI").is_none(), "KBC_CORPUS must be set in CI");
        let test = std::thread::current().name().unwrap_or("a test").to_string();
        // Not `eprintln!`, which libtest hides for a passing test.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("SKIPPED: {test}: KBC_CORPUS is not set\n").as_bytes(),
        );
        None
    }

    pub(crate) fn check_files(code: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
        check_files_with(code, files, &Config::default())
    }

    pub(crate) fn check_files_with(code: &str, files: &[(&str, &str)], config: &Config) -> Vec<Diagnostic> {
        let sources = files.iter().map(|(path, text)| SourceFile::new(path.to_string(), text.to_string(), false));
        lint::check_sources(sources.collect(), config, &opted_in(code)).1
    }

    /// Only rule `code` (a code or a name) enabled: at its default level, or
    /// as a warning when it is off by default.
    pub(crate) fn opted_in(code: &str) -> Levels {
        let mut levels = Levels::only(&[code]);
        if let Some(rule) = crate::lint::registry::find(code)
            && rule.meta().default_level == crate::diagnostic::Level::Allow
        {
            levels.set(rule.meta().code, crate::diagnostic::Level::Warning);
        }
        levels
    }

    pub(crate) fn check(code: &str, text: &str) -> Vec<Diagnostic> {
        check_files(code, &[("a.md", text)])
    }

    /// A valid header with the given extra attribute lines, and a body.
    pub(crate) fn article(extra: &str, body: &str) -> String {
        format!(
            "<properties\n  pageTitle=\"Title\"\n  description=\"Desc\"\n  service=\"microsoft.test\"\n  resource=\"things\"\n  ms.author=\"alias\"\n  selfHelpType=\"generic\"\n  supportTopicIds=\"32677721\"\n  productPesIds=\"16432\"\n  cloudEnvironments=\"public\"\n  articleId=\"f1dae65e-2eee-4c5e-bbd3-4a1310313f3d\"\n  ownershipId=\"Team_Owner\"\n{extra}/>\n\n# Title\n\n{body}"
        )
    }
}
