//! Fixture tests for the content, link, embedded-data, include, security and
//! suppression rules. Each `tests/fixtures/rules/<rule-name>/` folder is a
//! small knowledge base (so fixtures can link to and include each other);
//! it is checked through the library, only that rule's findings are kept,
//! and the human output is snapshotted. Every fixture file opens with a
//! comment saying what it should (or must not) emit.

use kbc::commands::check::load;
use kbc::diagnostic::format::{self, Format, Options};
use std::path::Path;

/// Checks one rule's fixture folder and renders its findings.
fn render(rule: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules").join(rule);
    assert!(dir.is_dir(), "no fixtures for {rule}");
    let mut checked = load(&dir).expect("fixture loads");
    checked.diagnostics.retain(|d| d.name == rule);
    let mut out = Vec::new();
    let files = checked.files();
    format::write(Format::Human, &mut out, &checked.diagnostics, &files, &Options::default()).unwrap();
    String::from_utf8(out).unwrap()
}

/// Files whose names start with `allows` must produce nothing; every
/// `catches` file must produce something.
fn assert_fixture_contract(rule: &str, output: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules").join(rule);
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names.iter().filter(|n| n.ends_with(".md")) {
        let mentioned = output.contains(&format!("--> {name}:"));
        if name.starts_with("allows") {
            assert!(!mentioned, "{rule}: {name} must not be reported:\n{output}");
        } else if name.starts_with("catches") {
            assert!(mentioned, "{rule}: {name} must be reported:\n{output}");
        }
    }
}

macro_rules! rule_fixtures {
    ($($test:ident => $rule:literal,)*) => {$(
        #[test]
        fn $test() {
            let output = render($rule);
            assert_fixture_contract($rule, &output);
            insta::assert_snapshot!(concat!("content_rule__", $rule), output);
        }
    )*};
}

rule_fixtures! {
    missing_h1 => "missing-h1",
    recommended_heading_format => "recommended-heading-format",
    empty_section => "empty-section",
    list_too_deep => "list-too-deep",
    unsupported_table => "unsupported-table",
    unsupported_docs_extension => "unsupported-docs-extension",
    placeholder_read_as_html => "placeholder-read-as-html",
    empty_article => "empty-article",
    locale_in_docs_link => "locale-in-docs-link",
    review_link => "review-link",
    short_link => "short-link",
    insecure_link => "insecure-link",
    placeholder_link => "placeholder-link",
    malformed_data_blade_link => "malformed-data-blade-link",
    broken_internal_link => "broken-internal-link",
    cross_cloud_link => "cross-cloud-link",
    public_host_in_sovereign_cloud => "public-host-in-sovereign-cloud",
    unknown_support_topic => "unknown-support-topic",
    invalid_embedded_json => "invalid-embedded-json",
    embedded_json_schema => "embedded-json-schema",
    unbalanced_token => "unbalanced-token",
    unbalanced_issue_description => "unbalanced-issue-description",
    formatting_in_issue_description => "formatting-in-issue-description",
    include_not_found => "include-not-found",
    include_cycle => "include-cycle",
    include_outside_root => "include-outside-root",
    secret_in_content => "secret-in-content",
    unused_suppression => "unused-suppression",
}
