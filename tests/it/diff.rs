//! `kbc diff` over two hand-made build outputs (OUT/clouds/<cloud>/rules.json).

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::{Value, json};
use std::path::Path;

fn art(id: &str, path: &str, title: &str, hash: &str) -> Value {
    json!({"articleId": id, "path": path, "title": title, "clouds": ["public"], "contentHash": hash})
}

fn write_out(dir: &Path, clouds: &[(&str, Vec<Value>)]) {
    for (cloud, articles) in clouds {
        let p = dir.join("clouds").join(cloud);
        std::fs::create_dir_all(&p).unwrap();
        let bundle =
            json!({"schemaVersion": 1, "generator": "kbc test", "cloud": cloud, "articles": articles, "index": {}});
        std::fs::write(p.join("rules.json"), serde_json::to_vec_pretty(&bundle).unwrap()).unwrap();
    }
}

fn outputs() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let a = art("1", "a.md", "A", "h1");
    let b = art("2", "b.md", "B", "h2");
    write_out(&t.path().join("old"), &[("public", vec![a.clone(), b.clone()]), ("fairfax", vec![a.clone()])]);
    let a2 = art("1", "a.md", "A new", "h1b");
    let c = art("3", "c.md", "C", "h3");
    write_out(&t.path().join("new"), &[("public", vec![a2, c]), ("fairfax", vec![a]), ("mooncake", vec![b])]);
    t
}

fn kbc(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("kbc").unwrap();
    c.current_dir(dir).args(["diff", "old", "new"]);
    c
}

#[test]
fn diff_lists_changes_per_cloud_in_publication_order() {
    let t = outputs();
    let out = kbc(t.path()).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let expected = "public: 1 added, 1 removed, 1 changed, 0 unchanged\n  + c.md  3  \"C\"\n  - b.md  2  \"B\"\n  ~ a.md  1  changed: title\nfairfax: no changes (1 articles)\nmooncake: 1 added, 0 removed, 0 changed, 0 unchanged\n  + b.md  2  \"B\"\n";
    assert_eq!(text, expected);
}

#[test]
fn diff_json_names_changed_fields_and_hashes() {
    let t = outputs();
    let out = kbc(t.path()).args(["--format", "json"]).assert().success().get_output().stdout.clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let public = &v["clouds"][0];
    assert_eq!(public["cloud"], "public");
    assert_eq!(public["changed"][0]["fields"], json!(["title"]));
    assert_eq!(public["changed"][0]["oldContentHash"], "h1");
    assert_eq!(public["changed"][0]["newContentHash"], "h1b");
    assert_eq!(v["clouds"][2]["added"][0]["articleId"], "2");
}

#[test]
fn diff_exit_code_flag_signals_differences() {
    let t = outputs();
    kbc(t.path()).arg("--exit-code").assert().code(1);
    kbc(t.path())
        .args(["--exit-code", "--cloud", "fairfax"])
        .assert()
        .success()
        .stdout("fairfax: no changes (1 articles)\n");
}

#[test]
fn diff_reports_a_missing_output_folder() {
    let t = tempfile::tempdir().unwrap();
    kbc(t.path()).assert().code(2).stderr(contains("old does not exist"));
}
