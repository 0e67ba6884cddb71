//! One file per rule, named after the rule: its metadata and docs, its check,
//! and its tests. Register new rules in [`super::registry::RULES`].

pub mod bold_h2_for_other_section;
pub mod broken_fragment_link;
pub mod broken_internal_link;
pub mod code_block_language_tag;
pub mod cross_cloud_link;
pub mod duplicate_article_id;
pub mod duplicate_attribute;
pub mod duplicate_display_order;
pub mod duplicate_file_name;
pub mod duplicate_folder_name;
pub mod duplicate_support_topic_id;
pub mod embedded_json_schema;
pub mod empty_article;
pub mod empty_required_attribute;
pub mod empty_section;
pub mod folder_too_deep;
pub mod formatting_in_issue_description;
pub mod heading_in_issue_description;
pub mod include_cycle;
pub mod include_not_found;
pub mod include_outside_root;
pub mod insecure_link;
pub mod invalid_apollo_component;
pub mod invalid_article_id;
pub mod invalid_display_order;
pub mod invalid_embedded_json;
pub mod invalid_encoding;
pub mod invalid_product_id;
pub mod invalid_support_topic_id;
pub mod links_run_together;
pub mod list_too_deep;
pub mod list_without_blank_line;
pub mod locale_in_docs_link;
pub mod long_file_name;
pub mod malformed_data_blade_link;
pub mod malformed_properties;
pub mod missing_h1;
pub mod missing_properties;
pub mod missing_required_attribute;
pub mod multiple_services_or_resources;
pub mod no_clouds;
pub mod noncanonical_attribute_case;
pub mod noncanonical_cloud_case;
pub mod placeholder_link;
pub mod placeholder_read_as_html;
pub mod public_host_in_sovereign_cloud;
pub mod punctuation_in_page_title;
pub mod recommended_heading_format;
pub mod recommended_sections_out_of_order;
pub mod retired_cloud;
pub mod review_link;
pub mod same_article_anchor_link;
pub mod secret_in_content;
pub mod short_link;
pub mod space_in_file_name;
pub mod template_placeholder;
pub mod unbalanced_issue_description;
pub mod unbalanced_token;
pub mod unexpected_schema;
pub mod unknown_attribute;
pub mod unknown_blade;
pub mod unknown_cloud;
pub mod unknown_common_solution_article;
pub mod unknown_resource_tag;
pub mod unknown_self_help_type;
pub mod unknown_support_topic;
pub mod unreadable_file;
pub mod unsafe_source_file;
pub mod unsupported_docs_extension;
pub mod unsupported_table;
pub mod unused_suppression;

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
    pub fn check_files(code: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
        check_files_with(code, files, &Config::default())
    }

    pub fn check_files_with(code: &str, files: &[(&str, &str)], config: &Config) -> Vec<Diagnostic> {
        let sources = files.iter().map(|(path, text)| SourceFile::new(path.to_string(), text.to_string(), false));
        lint::check_sources(sources.collect(), config, &opted_in(code)).1
    }

    /// Only rule `code` (a code or a name) enabled: at its default level, or
    /// as a warning when it is off by default.
    pub fn opted_in(code: &str) -> Levels {
        let mut levels = Levels::only(&[code]);
        if let Some(rule) = crate::lint::registry::find(code)
            && rule.meta().default_level == crate::diagnostic::Level::Allow
        {
            levels.set(rule.meta().code, crate::diagnostic::Level::Warning);
        }
        levels
    }

    pub fn check(code: &str, text: &str) -> Vec<Diagnostic> {
        check_files(code, &[("a.md", text)])
    }

    /// A valid header with the given extra attribute lines, and a body.
    pub fn article(extra: &str, body: &str) -> String {
        format!(
            "<properties\n  pageTitle=\"Title\"\n  description=\"Desc\"\n  service=\"microsoft.test\"\n  resource=\"things\"\n  ms.author=\"alias\"\n  selfHelpType=\"generic\"\n  supportTopicIds=\"32677721\"\n  productPesIds=\"16432\"\n  cloudEnvironments=\"public\"\n  articleId=\"f1dae65e-2eee-4c5e-bbd3-4a1310313f3d\"\n  ownershipId=\"Team_Owner\"\n{extra}/>\n\n# Title\n\n{body}"
        )
    }
}
