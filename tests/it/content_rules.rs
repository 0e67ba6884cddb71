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
    folder_too_deep => "folder-too-deep",
    unknown_resource_tag => "unknown-resource-tag",
    missing_h1 => "missing-h1",
    recommended_heading_format => "recommended-heading-format",
    empty_section => "empty-section",
    list_too_deep => "list-too-deep",
    unsupported_table => "unsupported-table",
    unsupported_docs_extension => "unsupported-docs-extension",
    placeholder_read_as_html => "placeholder-read-as-html",
    empty_article => "empty-article",
    bold_h2_for_other_section => "bold-h2-for-other-section",
    code_block_language_tag => "code-block-language-tag",
    recommended_sections_out_of_order => "recommended-sections-out-of-order",
    links_run_together => "links-run-together",
    list_without_blank_line => "list-without-blank-line",
    nesting_too_deep => "nesting-too-deep",
    locale_in_docs_link => "locale-in-docs-link",
    review_link => "review-link",
    short_link => "short-link",
    insecure_link => "insecure-link",
    placeholder_link => "placeholder-link",
    malformed_data_blade_link => "malformed-data-blade-link",
    broken_internal_link => "broken-internal-link",
    cross_cloud_link => "cross-cloud-link",
    public_host_in_sovereign_cloud => "public-host-in-sovereign-cloud",
    same_article_anchor_link => "same-article-anchor-link",
    broken_fragment_link => "broken-fragment-link",
    unknown_blade => "unknown-blade",
    unknown_support_topic => "unknown-support-topic",
    duplicate_display_order => "duplicate-display-order",
    duplicate_file_name => "duplicate-file-name",
    unknown_common_solution_article => "unknown-common-solution-article",
    duplicate_folder_name => "duplicate-folder-name",
    invalid_embedded_json => "invalid-embedded-json",
    embedded_json_schema => "embedded-json-schema",
    unbalanced_token => "unbalanced-token",
    unbalanced_issue_description => "unbalanced-issue-description",
    formatting_in_issue_description => "formatting-in-issue-description",
    include_not_found => "include-not-found",
    include_cycle => "include-cycle",
    include_outside_root => "include-outside-root",
    heading_in_issue_description => "heading-in-issue-description",
    unexpected_schema => "unexpected-schema",
    invalid_apollo_component => "invalid-apollo-component",
    secret_in_content => "secret-in-content",
    unused_suppression => "unused-suppression",
}

/// A vocabulary file that is missing or holds something that is not an
/// entry is a configuration error naming the file (exit status 2 from the
/// command), never a silent "rule off".
#[test]
fn a_missing_or_invalid_vocabulary_file_is_a_configuration_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "<properties pageTitle=\"T\" />\n# T\n").unwrap();
    std::fs::write(dir.path().join("book.toml"), "[vocabularies]\nblades = \"vocab/blades.txt\"\n").unwrap();
    let err = format!("{:#}", load(dir.path()).err().expect("a missing file is an error"));
    assert!(err.contains("invalid vocabulary file `vocab/blades.txt` ([vocabularies] blades in book.toml)"), "{err}");
    std::fs::create_dir(dir.path().join("vocab")).unwrap();
    std::fs::write(dir.path().join("vocab/blades.txt"), "Ext.Blade\nExt Blade\n").unwrap();
    let err = format!("{:#}", load(dir.path()).err().expect("an invalid entry is an error"));
    assert!(err.contains("vocab/blades.txt") && err.contains("line 2: `Ext Blade` is not a valid entry"), "{err}");
    std::fs::write(dir.path().join("book.toml"), "[vocabularies]\nblade = \"vocab/blades.txt\"\n").unwrap();
    let err = format!("{:#}", load(dir.path()).err().expect("an unknown key is an error"));
    assert!(err.contains("blade"), "{err}");
}

/// The new rules' fixes, applied by `--fix` to their catching fixtures,
/// leave nothing of what they fixed: each finding with a fix is gone after
/// one pass, and the findings without a fix are still there.
#[test]
fn fixes_of_the_house_rules_remove_what_they_fix() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("punctuation-in-page-title", "fixable.md"),
        ("multiple-services-or-resources", "catches.md"),
        ("bold-h2-for-other-section", "catches.md"),
        ("code-block-language-tag", "catches.md"),
        ("links-run-together", "catches.md"),
        ("list-without-blank-line", "catches.md"),
        ("locale-in-docs-link", "catches-query.md"),
        ("unexpected-schema", "catches.md"),
    ];
    for (rule, file) in cases {
        std::fs::copy(fixtures.join(rule).join(file), dir.path().join(format!("{rule}.md"))).unwrap();
    }
    let count = |checked: &kbc::commands::check::Checked, fixable: bool| {
        let names: Vec<&str> = cases.iter().map(|c| c.0).collect();
        checked.diagnostics.iter().filter(|d| names.contains(&d.name) && d.fix.is_some() == fixable).count()
    };
    let before = load(dir.path()).unwrap();
    let (with_fix, without) = (count(&before, true), count(&before, false));
    assert!(with_fix >= 9, "{with_fix} fixable findings");
    let files = before.files();
    let done = kbc::fix::apply_all(dir.path(), &before.diagnostics, |p| files.get(p)).unwrap();
    assert!(done.fixes >= with_fix, "{} fixes applied", done.fixes);
    let after = load(dir.path()).unwrap();
    assert_eq!(
        count(&after, true),
        0,
        "{:#?}",
        after.diagnostics.iter().filter(|d| d.fix.is_some()).collect::<Vec<_>>()
    );
    assert_eq!(count(&after, false), without);
}
