//! Rule fixtures: each `tests/fixtures/rules/<rule-name>/<fixture>` runs with
//! only that rule enabled, and its human output is snapshotted with insta
//! (`tests/it/snapshots/rules__<rule-name>__<fixture>.snap`).
//!
//! A fixture is a Markdown file, or a folder of them for rules that compare
//! articles. Each file opens with `<!-- emits N: why -->`; the test checks that
//! the rule emits exactly N findings in that file, so the comment cannot drift
//! from the snapshot. To add a case, add a row to [`FIXTURES`] and run
//! `INSTA_UPDATE=always cargo test --test rules`, then review the new `.snap`.

use kbc::config::Config;
use kbc::diagnostic::Level;
use kbc::diagnostic::format::{Files, human};
use kbc::lint::{Levels, check_sources, registry};
use kbc::source::SourceFile;
use std::path::{Path, PathBuf};

/// `(rule name, fixture)` pairs, grouped by rule in code order.
const FIXTURES: &[(&str, &str)] = &[
    ("missing-properties", "catches.md"),
    ("missing-properties", "below-title.md"),
    ("missing-properties", "allows.md"),
    ("malformed-properties", "catches.md"),
    ("malformed-properties", "never-closed.md"),
    ("malformed-properties", "allows.md"),
    ("duplicate-attribute", "catches.md"),
    ("duplicate-attribute", "allows.md"),
    ("unknown-attribute", "catches.md"),
    ("unknown-attribute", "allows.md"),
    ("noncanonical-attribute-case", "catches.md"),
    ("noncanonical-attribute-case", "allows.md"),
    ("missing-required-attribute", "catches.md"),
    ("missing-required-attribute", "diagnostics.md"),
    ("missing-required-attribute", "allows.md"),
    ("missing-required-attribute", "allows-generic.md"),
    ("empty-required-attribute", "catches.md"),
    ("empty-required-attribute", "allows.md"),
    ("empty-required-attribute", "allows-generic.md"),
    ("invalid-support-topic-id", "catches.md"),
    ("invalid-support-topic-id", "allows.md"),
    ("duplicate-support-topic-id", "catches.md"),
    ("duplicate-support-topic-id", "allows.md"),
    ("invalid-product-id", "catches.md"),
    ("invalid-product-id", "allows.md"),
    ("invalid-article-id", "catches.md"),
    ("invalid-article-id", "allows.md"),
    ("duplicate-article-id", "catches"),
    ("duplicate-article-id", "allows"),
    ("unknown-cloud", "catches.md"),
    ("unknown-cloud", "allows.md"),
    ("retired-cloud", "catches.md"),
    ("retired-cloud", "allows.md"),
    ("no-clouds", "catches.md"),
    ("no-clouds", "empty.md"),
    ("no-clouds", "allows.md"),
    ("unknown-self-help-type", "catches.md"),
    ("unknown-self-help-type", "allows.md"),
    ("invalid-display-order", "catches.md"),
    ("invalid-display-order", "allows.md"),
    ("template-placeholder", "catches.md"),
    ("template-placeholder", "allows.md"),
    ("noncanonical-cloud-case", "catches.md"),
    ("noncanonical-cloud-case", "allows.md"),
    ("punctuation-in-page-title", "catches.md"),
    ("punctuation-in-page-title", "fixable.md"),
    ("punctuation-in-page-title", "allows.md"),
    ("multiple-services-or-resources", "catches.md"),
    ("multiple-services-or-resources", "allows.md"),
    ("long-file-name", "catches"),
    ("long-file-name", "allows"),
    ("space-in-file-name", "catches"),
    ("space-in-file-name", "allows"),
];

/// KB0xx rules whose fixtures are whole knowledge bases, because they read
/// book.toml or the folder layout: `tests/it/content_rules.rs` runs them.
const KNOWLEDGE_BASE_FIXTURES: &[&str] = &["folder-too-deep", "unknown-resource-tag"];

const ROOT: &str = "tests/fixtures/rules";

#[test]
fn every_fixture_emits_what_its_comment_says_and_matches_its_snapshot() {
    for &(rule, fixture) in FIXTURES {
        let sources = load(rule, fixture);
        let levels = opted_in(rule);
        let (corpus, diags) = check_sources(sources.clone(), &Config::default(), &levels);
        for source in &sources {
            let emitted = diags.iter().filter(|d| d.path == source.rel_path).count();
            assert_eq!(emitted, expected(source), "{} emits {emitted} finding(s) of {rule}", source.rel_path);
        }
        let files = Files::new(corpus.articles.iter().map(|a| &a.source));
        let mut out = Vec::new();
        human::write(&mut out, &diags, &files, false).unwrap();
        let name = format!("{rule}__{}", fixture.trim_end_matches(".md"));
        insta::assert_snapshot!(name, String::from_utf8(out).unwrap());
    }
}

#[test]
fn every_metadata_rule_has_a_catching_and_an_allowing_fixture() {
    for meta in registry::metas().filter(|m| m.code.starts_with("KB0") && !KNOWLEDGE_BASE_FIXTURES.contains(&m.name)) {
        let has = |kind: &str| FIXTURES.iter().any(|&(r, f)| r == meta.name && f.starts_with(kind));
        let catches = FIXTURES.iter().any(|&(r, f)| r == meta.name && !f.starts_with("allows"));
        assert!(catches && has("allows"), "{} ({}) needs catches and allows fixtures", meta.name, meta.code);
    }
}

#[test]
fn knowledge_base_fixtures_have_catching_and_allowing_files() {
    for rule in KNOWLEDGE_BASE_FIXTURES {
        let names: Vec<String> = std::fs::read_dir(Path::new(ROOT).join(rule))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().any(|n| n.starts_with("catches")), "{rule} needs a catches fixture: {names:?}");
        assert!(names.iter().any(|n| n.starts_with("allows")), "{rule} needs an allows fixture: {names:?}");
    }
}

/// Only `rule` enabled, at its default level; a rule that is off by default
/// runs as a warning, as in a knowledge base that opts in.
fn opted_in(rule: &str) -> Levels {
    let mut levels = Levels::only(&[rule]);
    let meta = registry::find(rule).expect("a registered rule").meta();
    if meta.default_level == Level::Allow {
        levels.set(meta.code, Level::Warning);
    }
    levels
}

/// The fixture's files, with paths relative to the fixtures root.
fn load(rule: &str, fixture: &str) -> Vec<SourceFile> {
    let path = Path::new(ROOT).join(rule).join(fixture);
    let mut paths: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some()).collect()
    } else {
        vec![path]
    };
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(ROOT).unwrap().to_string_lossy().replace('\\', "/");
            SourceFile::decode(format!("rules/{rel}"), std::fs::read(&p).unwrap()).unwrap()
        })
        .collect()
}

/// N from the fixture's opening `<!-- emits N: … -->` comment.
fn expected(source: &SourceFile) -> usize {
    let rest =
        source.text.strip_prefix("<!-- emits ").unwrap_or_else(|| panic!("{}: no `emits` comment", source.rel_path));
    rest.split(':').next().and_then(|n| n.trim().parse().ok()).expect("a number after `emits`")
}
