//! `kbc` as a command-line product: exit statuses, the four output formats,
//! paths, colour, the GitHub step summary, and the rule catalogue commands.
//! Every test runs the real binary on a copy of a fixture (see tests/README.md).

use crate::common::{Kb, kbc};
use serde_json::Value;

/// Header of a clean article with the given articleId, for tests that add files.
fn article(id: &str, extra: &str) -> String {
    format!(
        "<properties\n    pageTitle=\"Job cluster fails to start\"\n    description=\"Quota errors when a job starts a cluster\"\n    \
         service=\"microsoft.databricks\"\n    resource=\"workspaces\"\n    ms.author=\"fixtureauthor\"\n    \
         selfHelpType=\"generic\"\n    supportTopicIds=\"32677726\"\n    productPesIds=\"16432\"\n    \
         cloudEnvironments=\"public\"\n    articleId=\"{id}\"\n    ownershipId=\"Fixture_Databricks\"{extra}\n/>\n\n\
         # Job cluster fails to start\n\n## **Recommended Steps**\n\n* Ask for a higher core quota in the region.\n"
    )
}

// ---------------------------------------------------------------- exit status

#[test]
fn clean_knowledge_base_exits_zero_with_a_summary() {
    let run = Kb::fixture("clean").run(["check"]);
    run.code(0);
    assert_eq!(run.stdout, "checked 2 articles: 0 errors, 0 warnings\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn errors_exit_one() {
    let run = Kb::fixture("several-problems").run(["check"]);
    run.code(1);
    assert_eq!(run.summary(), Some("checked 6 articles: 4 errors, 1 warning"));
}

#[test]
fn warnings_alone_exit_zero_unless_denied() {
    let kb = Kb::fixture("clean");
    kb.write("book.toml", "[lints]\nmalformed-properties = \"warn\"\n");
    kb.write("articles/unquoted.md", article("6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "\n    displayOrder=5"));
    let run = kb.run(["check"]);
    run.code(0);
    assert_eq!(run.summary(), Some("checked 3 articles: 0 errors, 1 warning"));
    kb.run(["check", "--deny-warnings"]).code(1);
}

#[test]
fn empty_knowledge_base_passes_with_a_warning() {
    let kb = Kb::empty();
    kb.write("articles/README.txt", "no articles yet");
    let run = kb.run(["check"]);
    run.code(0);
    assert_eq!(run.stdout, "checked 0 articles: 0 errors, 0 warnings\n");
    assert_eq!(run.stderr, "warning: no articles (.md files) found in ./articles\n");
}

#[test]
fn missing_root_folder_exits_two_naming_it() {
    let kb = Kb::empty();
    let run = kb.run(["check", "no-such-kb"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "error: knowledge-base folder no-such-kb does not exist\n");
}

#[test]
fn root_that_is_a_file_exits_two_except_for_check_where_it_is_a_path() {
    let kb = Kb::fixture("flat");
    let run = kb.run(["build", "one.md"]);
    run.code(2);
    assert!(run.stderr.contains("one.md is not a folder"), "{}", run.stderr);
    // `kbc check FILE...`: the current folder is ROOT, FILE a path in it (tests/it/ci.rs).
    let run = kb.run(["check", "one.md"]);
    run.code(0);
    assert!(run.summary().is_some_and(|s| s.starts_with("checked 1 of ")), "{}", run.stdout);
}

#[test]
fn missing_source_folder_exits_two() {
    let kb = Kb::fixture("clean");
    kb.write("book.toml", "[book]\nsrc = \"docs\"\n");
    let run = kb.run(["check"]);
    run.code(2);
    assert!(run.stderr.contains("source folder ./docs does not exist"), "{}", run.stderr);
}

#[test]
fn malformed_book_toml_exits_two_with_its_position() {
    let kb = Kb::fixture("clean");
    kb.write("book.toml", "[book]\ntitle = \"unterminated\n");
    let run = kb.run(["check"]);
    run.code(2);
    assert!(run.stderr.starts_with("error: invalid configuration in ./book.toml\n"), "{}", run.stderr);
    assert!(run.stderr.contains("  caused by: ./book.toml:2:"), "{}", run.stderr);
}

#[test]
fn unknown_book_toml_key_exits_two_naming_it() {
    let kb = Kb::fixture("clean");
    kb.write("book.toml", "[book]\ntitel = \"Typo\"\n");
    let run = kb.run(["check"]);
    run.code(2);
    assert!(run.stderr.contains("titel"), "{}", run.stderr);
}

#[test]
fn unknown_rule_in_lints_exits_two_with_a_suggestion() {
    let kb = Kb::fixture("clean");
    kb.write("book.toml", "[lints]\nduplicate-articleid = \"deny\"\n");
    let run = kb.run(["check"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: invalid configuration in ./book.toml\n  \
         caused by: unknown rule `duplicate-articleid` (did you mean `duplicate-article-id`?)\n"
    );
}

#[test]
fn invalid_lint_level_exits_two() {
    let kb = Kb::fixture("clean");
    kb.write("book.toml", "[lints]\nKB012 = \"loud\"\n");
    let run = kb.run(["check"]);
    run.code(2);
    assert!(run.stderr.contains("invalid level `loud` for `KB012`"), "{}", run.stderr);
}

#[test]
fn lint_levels_in_book_toml_change_the_outcome() {
    let kb = Kb::fixture("several-problems");
    kb.write(
        "book.toml",
        "[lints]\nduplicate-article-id = \"allow\"\nmissing-properties = \"warn\"\ninvalid-encoding = \"warn\"\n\
         [[lints.overrides]]\npaths = [\"articles/legacy/**\"]\nmalformed-properties = \"allow\"\n",
    );
    let run = kb.run(["check"]);
    run.code(0);
    assert_eq!(run.summary(), Some("checked 6 articles: 0 errors, 2 warnings"));
}

#[test]
fn usage_errors_exit_two() {
    let kb = Kb::fixture("clean");
    for args in [&["check", "--no-such-flag"][..], &["check", "--format", "xml"], &["frobnicate"], &[]] {
        let run = kb.run(args);
        run.code(2);
        assert!(run.stderr.contains("error:") || run.stderr.contains("Usage:"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn help_and_version_exit_zero() {
    let kb = Kb::empty();
    let run = kb.run(["check", "--help"]);
    run.code(0);
    assert!(run.stdout.contains("--deny-warnings"));
    assert!(run.stdout.contains("Exit status:\n  0  no errors"), "{}", run.stdout);
    let run = kb.run(["--version"]);
    run.code(0);
    assert_eq!(run.stdout, format!("kbc {}\n", env!("CARGO_PKG_VERSION")));
}

#[cfg(unix)]
#[test]
fn broken_symbolic_link_is_reported_not_fatal() {
    let kb = Kb::fixture("clean");
    std::os::unix::fs::symlink("nowhere.md", kb.path("articles/broken.md")).unwrap();
    let run = kb.run(["check", "--format", "json"]);
    run.code(1);
    let d: Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!((d["code"].as_str(), d["path"].as_str()), (Some("KB902"), Some("articles/broken.md")));
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn closed_stdout_is_not_a_crash() {
    let kb = Kb::fixture("several-problems");
    for args in [&["check"][..], &["rules"], &["explain", "KB012"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
            .args(args)
            .current_dir(kb.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(if args[0] == "check" { 1 } else { 0 }), "{args:?}");
    }
}

#[test]
fn the_sample_knowledge_base_passes_cleanly() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = kbc(["check", root]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with(" errors, 0 warnings\n") && !stdout.contains("warning["), "{stdout}");
}

// ---------------------------------------------------------------- paths

#[test]
fn paths_are_relative_to_root_with_forward_slashes_however_root_is_written() {
    let kb = Kb::empty();
    let case = Kb::fixture("several-problems");
    std::fs::rename(case.root(), kb.path("kb")).unwrap();
    let expected = kb.run(["check", "kb", "--format", "json"]).stdout;
    assert!(expected.contains("\"path\":\"articles/databricks/token-expired.md\""), "{expected}");
    let absolute = kb.path("kb").display().to_string();
    for root in ["./kb/", "kb/.", absolute.as_str()] {
        assert_eq!(kb.run(["check", root, "--format", "json"]).stdout, expected, "ROOT given as {root}");
    }
    let mut cmd = kb.kbc(["check", ".", "--format", "json"]);
    cmd.current_dir(kb.path("kb"));
    assert_eq!(kb.finish(&mut cmd).stdout, expected, "ROOT given as . from inside");
}

#[test]
fn knowledge_base_without_book_toml_or_articles_folder_reads_root() {
    let run = Kb::fixture("flat").run(["check", "--format", "json"]);
    run.code(0);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "checked 2 articles: 0 errors, 0 warnings\n");
    let kb = Kb::fixture("flat");
    kb.write("sub/three.md", "# no header\n\nSome text.\n");
    let run = kb.run(["check", "--format", "json"]);
    let d: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(d["path"], "sub/three.md");
}

// ---------------------------------------------------------------- human

#[test]
fn human_output_matches_snapshot() {
    let run = Kb::fixture("several-problems").run(["check"]);
    insta::assert_snapshot!("human_several_problems", run.stdout);
}

#[test]
fn statistics_count_findings_by_rule_in_a_table_or_json() {
    let kb = Kb::fixture("several-problems");
    let run = kb.run(["check", "--statistics"]);
    run.code(1);
    insta::assert_snapshot!("statistics_several_problems", run.stdout);
    let json = kb.run(["check", "--statistics", "--format", "json"]);
    json.code(1);
    let counted: u64 =
        json.stdout.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["count"].as_u64().unwrap()).sum();
    let findings = kb.run(["check", "--format", "json"]).stdout.lines().count() as u64;
    assert_eq!(counted, findings);
    assert_eq!(json.summary(), run.summary());
    let sarif = kb.run(["check", "--statistics", "--format", "sarif"]);
    sarif.code(2);
    assert!(sarif.stderr.contains("use --format human or --format json"), "{}", sarif.stderr);
}

#[test]
fn human_output_points_at_every_file_sharing_an_article_id() {
    let kb = Kb::fixture("clean");
    kb.write("articles/twin.md", article("3c1b9d52-7f0e-4a8b-9c61-2d4e8f0a1b23", ""));
    let run = kb.run(["check"]);
    run.code(1);
    insta::assert_snapshot!("human_duplicate_id", run.stdout);
}

#[cfg(unix)]
#[test]
fn human_output_names_an_unreadable_file_without_a_snippet() {
    let kb = Kb::fixture("clean");
    std::os::unix::fs::symlink("nowhere.md", kb.path("articles/broken.md")).unwrap();
    let run = kb.run(["check"]);
    run.code(1);
    insta::assert_snapshot!("human_unreadable_file", run.stdout);
}

#[test]
fn no_escape_codes_unless_colour_is_asked_for() {
    let kb = Kb::fixture("several-problems");
    // Not a terminal: plain.
    assert!(!kb.run(["check"]).stdout.contains('\x1b'));
    assert!(!kb.kbc(["check"]).env("NO_COLOR", "1").output().unwrap().stdout.contains(&0x1b));
    assert!(!kb.run(["check", "--color", "never"]).stdout.contains('\x1b'));
    // Asked for explicitly: coloured, even with NO_COLOR (a flag beats the environment).
    let forced = kb.kbc(["check", "--color", "always"]).env("NO_COLOR", "1").output().unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains("\x1b["));
    // Machine formats are never coloured.
    assert!(!kb.run(["check", "--color", "always", "--format", "json"]).stdout.contains('\x1b'));
}

#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gets_colour_unless_no_color_is_set() {
    let kb = Kb::fixture("several-problems");
    let coloured = crate::common::run_on_terminal(kb.root(), &["check"], &[]);
    assert!(coloured.contains("\x1b["), "{coloured}");
    assert!(coloured.contains("checked 6 articles"), "{coloured}");
    let plain = crate::common::run_on_terminal(kb.root(), &["check"], &[("NO_COLOR", "1")]);
    assert!(!plain.contains('\x1b') && plain.contains("error[KB012]"), "{plain}");
    let never = crate::common::run_on_terminal(kb.root(), &["check", "--color", "never"], &[]);
    assert!(!never.contains('\x1b'), "{never}");
}

#[test]
fn quiet_leaves_out_the_summary() {
    let run = Kb::fixture("clean").run(["check", "--quiet"]);
    run.code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let kb = Kb::fixture("several-problems");
    for format in ["human", "json", "sarif"] {
        let one = kb.finish(kb.kbc(["check", "--format", format]).env("RAYON_NUM_THREADS", "1"));
        let four = kb.finish(kb.kbc(["check", "--format", format]).env("RAYON_NUM_THREADS", "4"));
        assert_eq!(one.stdout, four.stdout, "{format}");
    }
}

// ---------------------------------------------------------------- json

#[test]
fn json_prints_one_object_per_diagnostic_with_every_field() {
    let run = Kb::fixture("several-problems").run(["check", "--format", "json"]);
    run.code(1);
    assert_eq!(run.stderr, "checked 6 articles: 4 errors, 1 warning\n");
    let lines: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    let keys =
        ["code", "name", "severity", "path", "line", "column", "endLine", "endColumn", "message", "help", "related"];
    // Keys in this order, so the output reads the same every time.
    for raw in run.stdout.lines() {
        let at: Vec<usize> = keys.iter().map(|k| raw.find(&format!("\"{k}\":")).unwrap()).collect();
        assert!(at.is_sorted(), "{raw}");
    }
    for d in &lines {
        assert_eq!(d.as_object().unwrap().len(), keys.len());
    }
    let warning = lines.iter().find(|d| d["severity"] == "warning").unwrap();
    assert_eq!(
        (&warning["code"], &warning["name"], &warning["path"]),
        (&"KB002".into(), &"malformed-properties".into(), &"articles/legacy/unquoted-order.md".into())
    );
    let pos: Vec<u64> =
        ["line", "column", "endLine", "endColumn"].iter().map(|k| warning[k].as_u64().unwrap()).collect();
    assert_eq!(pos, [7, 18, 7, 20]);
    assert_eq!(warning["help"], "put the value in double quotes");
    let dup = &lines[0];
    assert_eq!(dup["related"][0]["path"], "articles/databricks/token-expired.md");
}

#[test]
fn format_names_are_case_insensitive() {
    let kb = Kb::fixture("several-problems");
    assert_eq!(kb.run(["check", "--format", "JSON"]).stdout, kb.run(["check", "--format", "json"]).stdout);
}

// ---------------------------------------------------------------- github

#[test]
fn github_output_matches_snapshot() {
    let run = Kb::fixture("several-problems").run(["check", "--format", "github"]);
    insta::assert_snapshot!("github_several_problems", run.stdout);
}

#[test]
fn github_annotations_list_errors_before_warnings() {
    let run = Kb::fixture("several-problems").run(["check", "--format", "github"]);
    run.code(1);
    let kinds: Vec<&str> = run.stdout.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(kinds, ["::error", "::error", "::error", "::error", "::warning"]);
    assert!(run.stdout.lines().last().unwrap().starts_with(
        "::warning file=articles/legacy/unquoted-order.md,line=7,col=18,endLine=7,endColumn=20,\
         title=KB002 malformed-properties::header attribute value is not quoted%0Ahelp: "
    ));
    assert_eq!(run.stderr, "checked 6 articles: 4 errors, 1 warning\n");
}

#[test]
fn github_step_summary_is_appended_when_set() {
    let kb = Kb::fixture("several-problems");
    let summary = kb.path("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let run = kb.finish(kb.kbc(["check", "--format", "github"]).env("GITHUB_STEP_SUMMARY", &summary));
    run.code(1);
    insta::assert_snapshot!("github_step_summary", std::fs::read_to_string(&summary).unwrap());
    // Other formats leave it alone.
    kb.finish(kb.kbc(["check", "--format", "json"]).env("GITHUB_STEP_SUMMARY", &summary));
    assert!(std::fs::read_to_string(&summary).unwrap().matches("## kbc check").count() == 1);
}

#[test]
fn github_step_summary_that_cannot_be_written_exits_two() {
    let kb = Kb::fixture("clean");
    let run =
        kb.finish(kb.kbc(["check", "--format", "github"]).env("GITHUB_STEP_SUMMARY", kb.path("no/such/dir/x.md")));
    run.code(2);
    assert!(run.stderr.contains("GITHUB_STEP_SUMMARY"), "{}", run.stderr);
}

#[test]
fn github_paths_are_relative_to_the_checkout_under_actions() {
    let kb = Kb::empty();
    std::fs::rename(Kb::fixture("several-problems").root(), kb.path("docs")).unwrap();
    let mut cmd = kb.kbc(["check", "docs", "--format", "github"]);
    let run = kb.finish(cmd.env("GITHUB_WORKSPACE", kb.root()));
    assert!(run.stdout.contains("file=docs/articles/databricks/token-expired.md,"), "{}", run.stdout);
    assert!(run.stdout.contains("also used here: docs/articles/databricks/token-expired.md:12:16"), "{}", run.stdout);
    // Outside Actions, paths stay relative to ROOT.
    let run = kb.run(["check", "docs", "--format", "github"]);
    assert!(run.stdout.contains("file=articles/databricks/token-expired.md,"), "{}", run.stdout);
}

// ---------------------------------------------------------------- sarif

fn sarif(kb: &Kb, args: &[&str]) -> Value {
    let run = kb.run([&["check", "--format", "sarif"][..], args].concat());
    serde_json::from_str(&run.stdout).unwrap()
}

/// A validator of the SARIF 2.1.0 schema, which ships beside the repository
/// (`../shared/schemas`), not in it. Without it the test says SKIPPED, and
/// fails under CI (`common::gate`).
#[track_caller]
pub(crate) fn sarif_validator() -> Option<jsonschema::Validator> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let text = crate::common::gate::require_file(&path)?;
    Some(jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap())
}

/// Asserts that a SARIF log is valid against the 2.1.0 schema.
#[track_caller]
pub(crate) fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value, what: &str) {
    let errors: Vec<String> = validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let Some(validator) = sarif_validator() else { return };
    for case in ["several-problems", "clean"] {
        assert_valid_sarif(&validator, &sarif(&Kb::fixture(case), &[]), case);
    }
    // Results with fixes, and help URIs.
    let kb = Kb::fixture("clean");
    let link = "\nSee [the guide](https://learn.microsoft.com/en-us/azure/databricks/).\n";
    kb.write("articles/fixable.md", article("5d0c8c33-9d6e-4a43-a0e6-3b1d3d1f5a10", "") + link);
    let out = kb
        .kbc(["check", "--format", "sarif"])
        .env("KBC_RULES_URL", "https://example.test/docs/rules.md")
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixed = &log["runs"][0]["results"][0];
    assert_eq!(fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"], "");
    assert_valid_sarif(&validator, &log, "fixes and help URIs");
    // The validator does catch a broken log.
    let mut log = sarif(&Kb::fixture("several-problems"), &[]);
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn sarif_runs_hold_at_most_25000_results_errors_first_and_say_what_was_cut() {
    let kb = Kb::empty();
    // Two errors (a shared articleId), then 25,003 warnings (short links) in one file,
    // a paragraph each (on consecutive lines they would also run together, KB112).
    let links = "[a](https://aka.ms/a)\n\n".repeat(25_003);
    let id = "5d0c8c33-9d6e-4a43-a0e6-3b1d3d1f5a10";
    kb.write("articles/a-many.md", article("0b5e8a50-3a3a-4c41-9a57-0d1a39f0e001", "") + "\n" + &links);
    kb.write("articles/b.md", article(id, "")).write("articles/c.md", article(id, ""));
    let run = kb.run(["check", "--format", "sarif"]);
    run.code(1);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    let levels: Vec<&str> = results.iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(&levels[..3], ["error", "error", "warning"], "errors first");
    let note = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    let text = note["message"]["text"].as_str().unwrap();
    assert!(text.contains("25005 findings") && text.contains("leaves out 0 error(s) and 5 warning(s)"), "{text}");
    assert!(run.stderr.contains(&format!("warning: {text}")), "{}", run.stderr);
    if let Some(validator) = sarif_validator() {
        assert_valid_sarif(&validator, &log, "a cut run");
    }
    // Under the limit, no notification.
    let log = sarif(&Kb::fixture("several-problems"), &[]);
    assert!(log["runs"][0]["invocations"][0].get("toolExecutionNotifications").is_none());
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_rules_carry_the_explanation_and_a_help_uri_into_the_rule_reference() {
    let kb = Kb::fixture("several-problems");
    let reference =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md")).unwrap();
    let out = kb
        .kbc(["check", "--format", "sarif"])
        .env("KBC_RULES_URL", "https://example.test/kbc/docs/rules.md")
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let code = rule["id"].as_str().unwrap();
        let anchor = code.to_ascii_lowercase();
        assert_eq!(rule["helpUri"], format!("https://example.test/kbc/docs/rules.md#{anchor}"));
        assert!(reference.contains(&format!("<a id=\"{anchor}\"></a>")), "docs/rules.md has no anchor for {code}");
        let explained = kbc(["explain", code]).output().unwrap().stdout;
        assert_eq!(rule["help"]["text"], String::from_utf8(explained).unwrap());
    }
    let kb012 = rules.iter().find(|r| r["id"] == "KB001").unwrap();
    assert!(kb012["help"]["markdown"].as_str().unwrap().contains("&lt;properties> header"), "{kb012}");
    // Without KBC_RULES_URL, kbc does not know where its reference is published.
    let log = sarif(&kb, &[]);
    assert!(log["runs"][0]["tool"]["driver"]["rules"][0].get("helpUri").is_none());
}

#[test]
fn the_rule_reference_in_docs_is_up_to_date() {
    let generated = kbc(["rules", "--format", "markdown"]).output().unwrap();
    assert!(generated.status.success());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.as_bytes() == generated.stdout,
        "docs/rules.md is out of date: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn sarif_meets_code_scanning_expectations() {
    let kb = Kb::fixture("several-problems");
    let log = sarif(&kb, &[]);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(run["tool"]["driver"].get("informationUri").is_none());
    for rule in rules {
        for key in ["id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"] {
            assert!(rule.get(key).is_some(), "rule lacks {key}: {rule}");
        }
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let mut fingerprints = std::collections::HashSet::new();
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        assert!(kb.path(uri).is_file(), "{uri} is not a file relative to ROOT");
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(r["partialFingerprints"]["kbcFingerprint/v1"].as_str().unwrap().to_string()));
    }
    assert_eq!(results[0]["relatedLocations"][0]["message"]["text"], "also used here");
    // Fingerprints do not move when lines are added above the finding.
    let text = std::fs::read_to_string(kb.path("articles/databricks/token-expired.md")).unwrap();
    kb.write("articles/databricks/token-expired.md", format!("<!-- moved down -->\n{text}"));
    let moved = sarif(&kb, &[]);
    let fp = |log: &Value| log["runs"][0]["results"][1]["partialFingerprints"].clone();
    assert_eq!(fp(&log), fp(&moved));
}

#[test]
fn sarif_uris_are_relative_to_the_checkout_under_actions() {
    let kb = Kb::empty();
    std::fs::rename(Kb::fixture("several-problems").root(), kb.path("kb")).unwrap();
    let log: Value = serde_json::from_slice(
        &kb.kbc(["check", "kb", "--format", "sarif"]).env("GITHUB_WORKSPACE", kb.root()).output().unwrap().stdout,
    )
    .unwrap();
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "kb/articles/databricks/secret-scope-access.md");
}

// ---------------------------------------------------------------- rules, explain

#[test]
fn rules_lists_every_rule_in_text_and_json() {
    let text = kbc(["rules"]).output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("KB012")).unwrap();
    assert!(line.contains("duplicate-article-id") && line.contains("error"), "{line}");
    let json: Value = serde_json::from_slice(&kbc(["rules", "--format", "json"]).output().unwrap().stdout).unwrap();
    let all = json.as_array().unwrap();
    assert_eq!(all.len(), text.lines().count());
    for r in all {
        for key in ["code", "name", "defaultLevel", "summary", "docs"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
    }
}

#[test]
fn explain_finds_a_rule_by_code_or_name() {
    let by_code = kbc(["explain", "KB012"]).output().unwrap();
    assert!(by_code.status.success());
    let by_name = kbc(["explain", "duplicate-article-id"]).output().unwrap();
    let lower = kbc(["explain", "kb012"]).output().unwrap();
    assert_eq!(by_code.stdout, by_name.stdout);
    assert_eq!(by_code.stdout, lower.stdout);
    let text = String::from_utf8(by_code.stdout).unwrap();
    assert!(text.starts_with("# duplicate-article-id (KB012)\n"), "{text}");
    for section in ["## What it checks", "## Why", "## Example", "## How to fix", "## Configuration"] {
        assert!(text.contains(section), "{section}");
    }
}

#[test]
fn explain_prints_json_on_request() {
    let out = kbc(["explain", "KB012", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["code"].as_str(), v["name"].as_str()), (Some("KB012"), Some("duplicate-article-id")));
    assert_eq!(v["defaultLevel"], "error");
    assert!(v["docs"].as_str().unwrap().contains("## How to fix"));
}

#[test]
fn explain_of_an_unknown_rule_exits_two_with_a_suggestion() {
    let out = kbc(["explain", "duplicate-articleid"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: unknown rule `duplicate-articleid` (did you mean `duplicate-article-id`?)\n"
    );
    let out = kbc(["explain", "zzz"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("kbc rules"));
}
