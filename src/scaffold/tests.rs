use super::*;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lint::{self, Levels};
use crate::source::SourceFile;

const ID: &str = "0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901";

/// Runs every rule at its default level over one article.
fn check(text: &str) -> Vec<Diagnostic> {
    let source = SourceFile::new("a/new.md".into(), text.into(), false);
    let config = Config::default();
    let levels = Levels::from_config(&config).unwrap();
    lint::check_sources(vec![source], &config, &levels).1
}

fn full() -> Fields {
    Fields {
        title: Some("Fix \"quoted\" & odd titles".into()),
        description: None,
        service: Some("microsoft.databricks".into()),
        resource: Some("workspaces".into()),
        author: Some("kbsample".into()),
        support_topics: vec!["32677721".into()],
        products: vec!["16432".into()],
        clouds: vec![],
        ownership: Some("AzureData_AzureDatabricks".into()),
    }
}

#[test]
fn every_scaffold_with_all_fields_given_passes_check() {
    for t in types() {
        let s = render_with_id(t, &full(), ID).unwrap();
        let diags = check(&s.text);
        let fill: Vec<_> = s.to_fill.iter().filter(|a| **a != "diagnosticScenario").collect();
        assert!(fill.is_empty(), "{t}: left to fill {fill:?}");
        let non_marked: Vec<_> = diags.iter().filter(|d| !on_placeholder(&s.text, d)).collect();
        assert!(non_marked.is_empty(), "{t}:\n{}\n{non_marked:#?}", s.text);
    }
}

#[test]
fn bare_scaffolds_only_fail_on_the_marked_fields() {
    for t in types() {
        let s = render_with_id(t, &Fields::default(), ID).unwrap();
        assert!(s.to_fill.contains(&"ms.author"), "{t}");
        for d in check(&s.text) {
            assert!(on_placeholder(&s.text, &d), "{t}: unmarked finding {d:#?}\n{}", s.text);
        }
    }
}

/// Whether a finding points into a `<...>` placeholder value, or a
/// `TODO(author)` value of the embedded JSON (embedded-json-schema checks it).
fn on_placeholder(text: &str, d: &Diagnostic) -> bool {
    let line_start = text[..d.span.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    line.contains("=\"<") || line.contains("\"TODO(author)")
}

#[test]
fn scaffold_header_carries_type_id_and_clouds() {
    let mut f = full();
    f.clouds = vec![Cloud::Mooncake, Cloud::Public];
    let s = render_with_id("TSG_CONTENT", &f, ID).unwrap();
    assert!(s.text.contains("selfHelpType=\"TSG_Content\""));
    assert!(s.text.contains(&format!("articleId=\"{ID}\"")));
    assert!(s.text.contains("cloudEnvironments=\"public, mooncake\""));
    assert!(s.text.contains("pageTitle=\"Fix &quot;quoted&quot; &amp; odd titles\""));
}

#[test]
fn scoping_questions_scaffold_embeds_valid_json_with_the_title() {
    let s = render_with_id("problemScopingQuestions", &full(), ID).unwrap();
    let json = s.text.split("\n---\n").nth(1).unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["title"], "Fix \"quoted\" & odd titles");
    assert!(v["formElements"].as_array().unwrap().len() >= 2);
}

#[test]
fn fresh_scaffolds_get_distinct_guid_article_ids() {
    let a = render("generic", &full()).unwrap().text;
    let b = render("generic", &full()).unwrap().text;
    let id = |t: &str| t.split("articleId=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_ne!(id(&a), id(&b));
    assert!(crate::article::properties::is_guid(&id(&a)));
}

#[test]
fn unknown_type_suggests_the_closest() {
    let err = render("diagnostic", &full()).unwrap_err().to_string();
    assert!(err.contains("did you mean `diagnostics`"), "{err}");
    let err = render("health", &full()).unwrap_err().to_string();
    assert!(err.contains("no template"), "{err}");
}
