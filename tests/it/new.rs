//! `kbc new` end to end: the scaffold is written, checks clean when every
//! field is given, and an existing file is never overwritten.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn kbc(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("kbc").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

const FULL: &[&str] = &[
    "--title",
    "Rotate expired tokens",
    "--service",
    "microsoft.databricks",
    "--resource",
    "workspaces",
    "--author",
    "kbsample",
    "--support-topic",
    "32677718",
    "--product",
    "16432",
    "--ownership",
    "AzureData_AzureDatabricks",
];

#[test]
fn new_article_with_every_field_given_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    for (t, path) in [("generic", "articles/a/tokens.md"), ("tsg_content", "articles/b/tsg.md")] {
        kbc(dir.path()).args(["new", t, path]).args(FULL).assert().success().stdout(contains("created"));
    }
    kbc(dir.path()).arg("check").assert().success().stdout(contains("checked 2 articles: 0 errors"));
}

#[test]
fn new_refuses_to_overwrite_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("articles/x.md");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "mine").unwrap();
    kbc(dir.path()).args(["new", "generic", "articles/x.md"]).assert().code(2).stderr(contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
}

#[test]
fn new_lists_the_fields_left_to_fill() {
    let dir = tempfile::tempdir().unwrap();
    kbc(dir.path())
        .args(["new", "problemScopingQuestions", "q.md", "--title", "Slow queries"])
        .assert()
        .success()
        .stdout(contains("ms.author").and(contains("supportTopicIds")));
    let text = std::fs::read_to_string(dir.path().join("q.md")).unwrap();
    assert!(text.contains("selfHelpType=\"problemScopingQuestions\"") && text.contains("\"title\": \"Slow queries\""));
}

#[test]
fn new_rejects_unknown_types_and_clouds_with_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    kbc(dir.path()).args(["new", "genric", "a.md"]).assert().code(2).stderr(contains("did you mean `generic`"));
    kbc(dir.path())
        .args(["new", "generic", "a.md", "--cloud", "mooncak"])
        .assert()
        .code(2)
        .stderr(contains("mooncake"));
    assert!(!dir.path().join("a.md").exists());
}
