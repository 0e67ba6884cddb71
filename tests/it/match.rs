//! `kbc match` end to end over a small fixture bundle (the rules.json layout
//! of issue 3); the sample knowledge base is matched in tests/author_e2e.rs
//! once it is built.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

const BUNDLE: &str = "tests/fixtures/bundles/small.json";

fn kbc_match(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("kbc").unwrap().args(["match", "--bundle", BUNDLE]).args(args).assert()
}

#[test]
fn match_prints_title_path_and_why_for_an_error_message() {
    kbc_match(&["py4j.security.Py4JSecurityException: Method ... is not whitelisted"])
        .success()
        .stdout(contains("1. Resolve errors on clusters with credential passthrough"))
        .stdout(contains("articles/databricks/passthrough.md"))
        .stdout(contains("matches this article's problem signature"));
}

#[test]
fn match_json_lists_ranked_matches_with_reasons() {
    let out =
        kbc_match(&["--format", "json", "--limit", "1", "invalid access token"]).success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let m = &v["matches"];
    assert_eq!(m.as_array().unwrap().len(), 1);
    assert_eq!(m[0]["path"], "articles/databricks/tokens.md");
    assert!(m[0]["exactSignature"].is_null());
    assert_eq!(m[0]["terms"][0]["field"], "title");
}

#[test]
fn match_exits_1_when_nothing_matches() {
    kbc_match(&["kubernetes ingress"]).code(1).stdout(contains("no article matches (searched 4 articles)"));
}

#[test]
fn match_honours_cloud_and_support_topic_filters() {
    // "security" is in the secrets article too, which is in mooncake: the
    // filtered result must be non-empty, or the test would pass on nothing.
    kbc_match(&["--cloud", "mooncake", "py4j security exception whitelisted secret scope"])
        .success()
        .stdout(contains("secrets.md").and(contains("passthrough.md").not()));
    kbc_match(&["--cloud", "public", "py4j security exception whitelisted"])
        .success()
        .stdout(contains("passthrough.md"));
    kbc_match(&["--support-topic", "32629300", "fix"])
        .success()
        .stdout(contains("mismatch.md").and(contains("tokens.md").not()));
}

#[test]
fn match_explains_a_missing_bundle() {
    Command::cargo_bin("kbc")
        .unwrap()
        .args(["match", "--bundle", "no/such/rules.json", "x"])
        .assert()
        .code(2)
        .stderr(contains("run `kbc build` first"));
}

#[test]
fn match_finds_the_passthrough_article_in_the_built_sample() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    Command::cargo_bin("kbc").unwrap().args(["build", "-q", "-o"]).arg(&out_dir).assert().success();
    Command::cargo_bin("kbc")
        .unwrap()
        .args(["match", "--limit", "1", "--bundle"])
        .arg(out_dir.join("rules.json"))
        .arg("py4j.security.Py4JSecurityException: Method ... is not whitelisted")
        .assert()
        .success()
        .stdout(contains("articles/microsoft.databricks/credential-passthrough.md"))
        .stdout(contains("problem signature"));
}

#[test]
fn match_batch_answers_each_json_line_in_order_and_reports_bad_lines() {
    let input = concat!(
        "{\"id\": 7, \"text\": \"py4j.security.Py4JSecurityException: Method ... is not whitelisted\"}\n",
        "\n",
        "{\"text\": \"invalid access token\", \"limit\": 1, \"cloud\": \"mooncake\"}\n",
        "{\"text\": \"kubernetes ingress\"}\n",
        "not json\n",
    );
    let out = Command::cargo_bin("kbc")
        .unwrap()
        .args(["match", "--batch", "--bundle", BUNDLE])
        .write_stdin(input)
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[0]["matches"][0]["path"], "articles/databricks/passthrough.md");
    assert!(lines[0]["matches"][0]["exactSignature"].is_string());
    assert_eq!(lines[1]["id"], serde_json::Value::Null);
    assert_eq!(lines[1]["matches"].as_array().unwrap().len(), 1);
    assert_eq!(lines[1]["matches"][0]["path"], "articles/databricks/tokens.md");
    assert_eq!(lines[2]["matches"].as_array().unwrap().len(), 0);
    assert_eq!(lines[3]["line"], 5);
    assert!(lines[3]["error"].as_str().unwrap().contains("expected"));
}

#[test]
fn match_batch_gives_the_same_ranking_as_one_query() {
    let q = "secret scope token access";
    let one = kbc_match(&["--format", "json", "--limit", "3", q]).success().get_output().stdout.clone();
    let one: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let batch = Command::cargo_bin("kbc")
        .unwrap()
        .args(["match", "--batch", "--limit", "3", "--bundle", BUNDLE])
        .write_stdin(format!("{{\"text\": \"{q}\"}}\n"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let batch: serde_json::Value = serde_json::from_slice(&batch).unwrap();
    assert_eq!(one["matches"], batch["matches"]);
    assert!(!batch["matches"].as_array().unwrap().is_empty());
}

#[test]
fn build_writes_a_match_index_that_match_uses_while_it_fits_the_bundle() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    Command::cargo_bin("kbc").unwrap().args(["build", "-q", "-o"]).arg(&out_dir).assert().success();
    assert!(out_dir.join("match.idx").is_file());
    let bundle = out_dir.join("rules.json");
    let run = || {
        let a = Command::cargo_bin("kbc")
            .unwrap()
            .args(["match", "--timings", "--format", "json", "--limit", "1", "--bundle"])
            .arg(&bundle)
            .arg("py4j.security.Py4JSecurityException: Method ... is not whitelisted")
            .assert()
            .success();
        let o = a.get_output();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (String::from_utf8_lossy(&o.stderr).to_string(), v["matches"].clone())
    };
    let (stderr, from_index) = run();
    assert!(stderr.contains("open match.idx"), "{stderr}");
    assert_eq!(from_index[0]["path"], "articles/microsoft.databricks/credential-passthrough.md");
    // A bundle changed after the build: the index no longer fits it.
    let mut text = std::fs::read(&bundle).unwrap();
    text.extend(b"\n");
    std::fs::write(&bundle, text).unwrap();
    let (stderr, from_bundle) = run();
    assert!(stderr.contains("load and index rules.json"), "{stderr}");
    assert_eq!(from_index, from_bundle);
}

/// A bundle `kbc build` made of the sample knowledge base, with its schema.
fn built_bundle() -> (tempfile::TempDir, serde_json::Value, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("kbc").unwrap().args(["build", "-q", "-o"]).arg(&out).assert().success();
    let read = |name: &str| serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap();
    (dir, read("rules.json"), read("rules.schema.json"))
}

#[test]
fn the_schema_rejects_each_malformed_bundle_and_kbc_the_rest() {
    use serde_json::{Value, json};
    let (dir, good, schema) = built_bundle();
    assert_eq!(schema["$id"], "urn:kbc:rules.json:schema-version:1");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    assert!(validator.is_valid(&good), "{:?}", validator.iter_errors(&good).map(|e| e.to_string()).collect::<Vec<_>>());
    let a0 = good["articles"][0].clone();
    let first_id = a0["articleId"].as_str().unwrap().to_string();
    type Edit = Box<dyn Fn(&mut Value)>;
    let schema_cases: Vec<(&str, Edit)> = vec![
        ("unknown cloud in an article", Box::new(|b| b["articles"][0]["clouds"] = json!(["moon"]))),
        ("unknown bundle cloud", Box::new(|b| b["cloud"] = json!("moon"))),
        ("empty articleId", Box::new(|b| b["articles"][0]["articleId"] = json!(""))),
        ("articleId with spaces around", Box::new(|b| b["articles"][0]["articleId"] = json!(" x "))),
        ("article listed twice", Box::new(move |b| b["articles"].as_array_mut().unwrap().push(a0.clone()))),
        ("schemaVersion 99", Box::new(|b| b["schemaVersion"] = json!(99))),
        ("malformed contentHash", Box::new(|b| b["articles"][0]["contentHash"] = json!("blake3:xyz"))),
        ("another hash", Box::new(|b| b["articles"][0]["contentHash"] = json!(format!("sha256:{}", "0".repeat(64))))),
        ("unknown top-level field", Box::new(|b| b["extra"] = json!(1))),
        ("unknown article field", Box::new(|b| b["articles"][0]["extra"] = json!(1))),
        ("unknown section field", Box::new(|b| b["articles"][0]["sections"][0]["extra"] = json!(1))),
        ("missing title", Box::new(|b| drop(b["articles"][0].as_object_mut().unwrap().remove("title")))),
        ("missing selfHelpType", Box::new(|b| drop(b["articles"][0].as_object_mut().unwrap().remove("selfHelpType")))),
        ("missing index", Box::new(|b| drop(b.as_object_mut().unwrap().remove("index")))),
        ("missing generator", Box::new(|b| drop(b.as_object_mut().unwrap().remove("generator")))),
        ("unknown selfHelpType", Box::new(|b| b["articles"][0]["selfHelpType"] = json!("howto"))),
        ("cloud listed twice", Box::new(|b| b["articles"][0]["clouds"] = json!(["public", "public"]))),
        ("empty index list", Box::new(|b| b["index"]["byService"]["svc"] = json!([]))),
        ("index list not an array", Box::new(|b| b["index"]["byService"]["svc"] = json!("x"))),
        ("absolute path", Box::new(|b| b["articles"][0]["path"] = json!("/etc/passwd.md"))),
        ("url to another site", Box::new(|b| b["articles"][0]["url"] = json!("https://evil.test/a.html"))),
        ("displayOrder as a string", Box::new(|b| b["articles"][0]["displayOrder"] = json!("3"))),
    ];
    for (name, edit) in &schema_cases {
        let mut bad = good.clone();
        edit(&mut bad);
        assert!(!validator.is_valid(&bad), "the schema accepts a bundle with {name}");
    }
    // What JSON Schema cannot say, kbc's reader checks (docs/build.md).
    let second_id = good["articles"][1]["articleId"].clone();
    let kbc_cases: Vec<(&str, Edit, &str)> = vec![
        (
            "same articleId, different article",
            Box::new(move |b| b["articles"][1]["articleId"] = json!(first_id)),
            "repeats articleId",
        ),
        (
            "index entry naming no article",
            Box::new(|b| b["index"]["byService"]["svc"] = json!(["no-such-id"])),
            "no article of the bundle",
        ),
        (
            "index entry naming a removed article",
            Box::new(move |b| {
                b["articles"].as_array_mut().unwrap().retain(|a| a["articleId"] != second_id);
            }),
            "no article of the bundle",
        ),
    ];
    assert!(schema_cases.len() + kbc_cases.len() >= 20);
    for (name, edit, message) in &kbc_cases {
        let mut bad = good.clone();
        edit(&mut bad);
        assert!(validator.is_valid(&bad), "{name}: expected to be beyond JSON Schema");
        let path = dir.path().join("bad.json");
        std::fs::write(&path, serde_json::to_vec(&bad).unwrap()).unwrap();
        Command::cargo_bin("kbc")
            .unwrap()
            .args(["match", "--bundle"])
            .arg(&path)
            .arg("anything")
            .assert()
            .code(2)
            .stderr(contains(*message));
    }
}

#[test]
fn every_entry_has_its_page_url_and_services_differing_in_case_are_one_key() {
    let (dir, bundle, _) = built_bundle();
    for a in bundle["articles"].as_array().unwrap() {
        let url = a["url"].as_str().unwrap();
        assert!(dir.path().join("out/site").join(url).is_file(), "{url}");
    }
    let keys: Vec<String> =
        bundle["index"]["byService"].as_object().unwrap().keys().map(|k| k.to_lowercase()).collect();
    let mut unique = keys.clone();
    unique.dedup();
    assert_eq!(keys, unique);
}
