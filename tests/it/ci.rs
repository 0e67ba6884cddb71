//! kbc in pull requests and CI: `kbc check PATH...` and `--changed-since`
//! on scratch git repositories made by the tests.

use crate::common::Kb;
use serde_json::Value;

/// A clean article: the given articleId, clouds and body.
fn article(id: &str, clouds: &str, body: &str) -> String {
    format!(
        "<properties\n    pageTitle=\"Job cluster fails to start\"\n    description=\"Quota errors when a job starts a cluster\"\n    \
         service=\"microsoft.databricks\"\n    resource=\"workspaces\"\n    ms.author=\"fixtureauthor\"\n    \
         selfHelpType=\"generic\"\n    supportTopicIds=\"32677726\"\n    productPesIds=\"16432\"\n    \
         cloudEnvironments=\"{clouds}\"\n    articleId=\"{id}\"\n    ownershipId=\"Fixture_Databricks\"\n/>\n\n\
         # Job cluster fails to start\n\n## **Recommended Steps**\n\n* Ask for a higher core quota in the region.\n{body}"
    )
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// `git ARGS` in `dir`, with no user or system configuration.
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.test")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.test")
        .output()
        .expect("git is installed");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commit_all(dir: &std::path::Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Findings as (path, code, labels' messages), from `--format json`.
fn findings(stdout: &str) -> Vec<(String, String, Vec<String>)> {
    stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let labels = v["related"].as_array().unwrap().iter().map(|r| r["message"].as_str().unwrap().into());
            (v["path"].as_str().unwrap().into(), v["code"].as_str().unwrap().into(), labels.collect())
        })
        .collect()
}

/// A knowledge base in a git repository, in `kb/` below the top so that
/// paths from git and paths from ROOT differ, with `main` committed:
/// every article clean but `legacy.md`, which has a short link.
fn repository() -> Kb {
    let kb = Kb::empty();
    git(kb.root(), &["init", "-q", "-b", "main"]);
    let both = "public, fairfax";
    kb.write("README.md", "Not an article.\n")
        .write("kb/articles/edited.md", article(&id(1), both, ""))
        .write("kb/articles/linking.md", article(&id(2), both, "\n[target](target.md)\n"))
        .write("kb/articles/target.md", article(&id(3), both, ""))
        .write("kb/articles/to-gone.md", article(&id(4), both, "\n[gone](gone.md)\n"))
        .write("kb/articles/gone.md", article(&id(5), both, ""))
        .write("kb/articles/to-moved.md", article(&id(6), both, "\n[moved](old-name.md)\n"))
        .write("kb/articles/old-name.md", article(&id(7), both, ""))
        .write("kb/articles/id-owner.md", article(&id(8), both, ""))
        .write("kb/articles/legacy.md", article(&id(9), both, "\nSee [the notes](https://aka.ms/legacy) for more.\n"));
    commit_all(kb.root(), "main");
    git(kb.root(), &["checkout", "-q", "-b", "topic"]);
    kb
}

#[test]
fn changed_since_reports_changed_files_and_what_they_break_elsewhere() {
    let kb = repository();
    let both = "public, fairfax";
    // Committed on the branch: a new finding in a changed file, a target that
    // leaves fairfax, a deletion and a rename.
    kb.write("kb/articles/edited.md", article(&id(1), both, "\nSee [the notes](https://aka.ms/new) for more.\n"))
        .write("kb/articles/target.md", article(&id(3), "public", ""))
        .remove("kb/articles/gone.md");
    git(kb.root(), &["mv", "kb/articles/old-name.md", "kb/articles/new-name.md"]);
    commit_all(kb.root(), "topic");
    // main moves on meanwhile: its own changes are not the branch's.
    git(kb.root(), &["checkout", "-q", "main"]);
    kb.write("kb/articles/legacy.md", article(&id(9), both, "\nSee [the notes](https://aka.ms/legacy2) for more.\n"));
    commit_all(kb.root(), "main moves");
    git(kb.root(), &["checkout", "-q", "topic"]);
    // Not committed: a new file taking id-owner.md's articleId.
    kb.write("kb/articles/new.md", article(&id(8), both, ""));

    let run = kb.run(["check", "kb", "--changed-since", "main", "--format", "json"]);
    run.code(1);
    let found = findings(&run.stdout);
    let at = |path: &str| found.iter().filter(|f| f.0 == format!("articles/{path}")).collect::<Vec<_>>();
    assert_eq!(at("edited.md").len(), 1, "{found:?}");
    assert!(at("edited.md")[0].2.is_empty(), "a changed file's finding needs no reason");
    let reason = |path: &str| at(path).iter().flat_map(|f| f.2.clone()).collect::<Vec<_>>().join("; ");
    assert_eq!(reason("linking.md"), "target published here; reported because `articles/target.md` changed since main");
    assert_eq!(reason("to-gone.md"), "reported because `articles/gone.md` was deleted since main");
    assert_eq!(
        reason("to-moved.md"),
        "reported because `articles/old-name.md` was renamed to `articles/new-name.md` since main"
    );
    assert_eq!(reason("id-owner.md"), "also used here; reported because `articles/new.md` changed since main");
    assert_eq!(at("new.md").len(), 1, "the untracked file is checked: {found:?}");
    assert!(at("legacy.md").is_empty(), "an unchanged file's old finding is not reported: {found:?}");
    assert_eq!(found.len(), 6, "{found:?}");
    assert_eq!(run.summary(), Some("checked 4 of 9 articles (changed since main): 4 errors, 2 warnings"));
}

#[test]
fn changed_since_with_nothing_changed_reports_nothing_and_passes() {
    let kb = repository();
    let run = kb.run(["check", "kb", "--changed-since", "main"]);
    run.code(0);
    assert_eq!(run.stdout, "checked 0 of 9 articles (changed since main): 0 errors, 0 warnings\n");
}

#[test]
fn changed_since_reports_everything_when_book_toml_changed() {
    let kb = repository();
    kb.write("kb/book.toml", "[lints]\nshort-link = \"deny\"\n");
    let run = kb.run(["check", "kb", "--changed-since", "main", "--format", "json"]);
    run.code(1);
    assert_eq!(findings(&run.stdout).len(), 1, "legacy.md's short link, now an error");
    assert_eq!(run.summary(), Some("checked 9 articles: 1 error, 0 warnings"));
}

#[test]
fn changed_since_outside_git_or_with_an_unknown_revision_exits_two() {
    let kb = Kb::fixture("clean");
    // The test's folder is inside kbc's own repository: git must not look up there.
    let ceiling = kb.root().parent().unwrap();
    let run = kb.finish(kb.kbc(["check", "--changed-since", "main"]).env("GIT_CEILING_DIRECTORIES", ceiling));
    run.code(2);
    assert!(run.stderr.contains("is not inside a git working tree"), "{}", run.stderr);
    let kb = repository();
    let run = kb.run(["check", "kb", "--changed-since", "no-such-branch"]);
    run.code(2);
    assert!(run.stderr.contains("unknown git revision `no-such-branch`"), "{}", run.stderr);
    let run = kb.run(["check", "kb", "--changed-since", "--help"]);
    run.code(2);
}

#[test]
fn paths_report_their_findings_and_those_that_point_at_them() {
    let kb = repository();
    kb.write(
        "kb/articles/new.md",
        article(&id(8), "public, fairfax", "\nSee [the notes](https://aka.ms/x) for more.\n"),
    );
    // Relative to the current folder, from the top of the repository.
    let run = kb.run(["check", "kb", "kb/articles/new.md", "--format", "json"]);
    run.code(1);
    let found = findings(&run.stdout);
    let summary: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.1.as_str(), f.2.join("; "))).collect();
    assert_eq!(
        summary,
        [
            (
                "articles/id-owner.md",
                "KB012",
                "also used here; reported because it involves `articles/new.md`, one of the files named".into()
            ),
            ("articles/new.md", "KB012", "also used here".to_string()),
            ("articles/new.md", "KB203", String::new()),
        ]
    );
    assert_eq!(run.summary(), Some("checked 1 of 10 articles (named): 2 errors, 1 warning"));
    // Relative to ROOT, and a folder.
    let run = kb.run(["check", "kb", "articles/legacy.md", "--format", "json"]);
    assert_eq!(findings(&run.stdout).len(), 1);
    let run = kb.run(["check", "kb", "articles", "-q", "--format", "json"]);
    assert_eq!(findings(&run.stdout).len(), 4);
}

#[test]
fn a_first_path_that_is_a_file_makes_the_current_folder_root() {
    let kb = repository();
    let run = kb.finish(kb.kbc(["check", "articles/legacy.md", "articles/edited.md"]).current_dir(kb.path("kb")));
    run.code(0);
    assert!(run.stdout.contains("--> articles/legacy.md:"), "{}", run.stdout);
    assert_eq!(run.summary(), Some("checked 2 of 9 articles (named): 0 errors, 1 warning"));
}

#[test]
fn paths_that_are_not_articles_are_noted_and_missing_ones_exit_two() {
    let kb = repository();
    kb.write("kb/notes.md", "x");
    let run = kb.run(["check", "kb", "README.md", "kb/notes.md", "kb/articles/edited.md"]);
    run.code(0);
    let note = "note: 2 named file(s) are not articles of kb/articles and were not checked: README.md, notes.md";
    assert!(run.stderr.contains(note), "{}", run.stderr);
    let run = kb.run(["check", "kb", "kb/articles/nope.md"]);
    run.code(2);
    assert!(run.stderr.contains("kb/articles/nope.md does not exist"), "{}", run.stderr);
    let run = kb.run(["check", "kb", "kb/articles/edited.md", "--changed-since", "main"]);
    run.code(2);
}

// ---------------------------------------------------------------- rdjson

/// The rdjson output of `kbc check ARGS --format rdjson`, validated against
/// reviewdog's JSON schema (tests/fixtures/schemas).
fn rdjson(kb: &Kb, dir: &str, args: &[&str]) -> Value {
    let run = kb.finish(kb.kbc([&["check", "--format", "rdjson"][..], args].concat()).current_dir(kb.path(dir)));
    assert!(run.code <= 1, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let schema: Value = serde_json::from_str(include_str!("../fixtures/schemas/rdjson-DiagnosticResult.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    v
}

/// Applies rdjson suggestions to a text as reviewdog does: lines from 1,
/// columns in UTF-8 bytes from 1, ends exclusive.
fn apply_suggestions(text: &str, suggestions: &[&Value]) -> String {
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let offset =
        |p: &Value| starts[p["line"].as_u64().unwrap() as usize - 1] + p["column"].as_u64().unwrap() as usize - 1;
    let mut edits: Vec<(usize, usize, &str)> = suggestions
        .iter()
        .map(|s| (offset(&s["range"]["start"]), offset(&s["range"]["end"]), s["text"].as_str().unwrap()))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, with) in edits {
        out.replace_range(start..end, with);
    }
    out
}

#[test]
fn rdjson_suggestions_count_bytes_and_equal_what_fix_writes() {
    let kb = Kb::empty();
    // Lines with two-byte characters before the fixable links.
    let body = "\nVoir la procédure décrite ici : [guide](https://learn.microsoft.com/en-us/azure/databricks/) à jour.\n\n\
                Schritt für Schritt: [Übersicht](http://learn.microsoft.com/azure/databricks/) lesen.\n";
    let text = article(&id(1), "public", body);
    kb.write("kb/articles/a.md", &text);
    let v = rdjson(&kb, "", &[]);
    assert_eq!(v["source"]["name"], "kbc");
    let diags = v["diagnostics"].as_array().unwrap();
    let link = diags.iter().find(|d| d["code"]["value"] == "KB201").expect("locale-in-docs-link");
    assert_eq!(link["location"]["path"], "kb/articles/a.md", "relative to where reviewdog runs");
    let line = text.lines().position(|l| l.starts_with("Voir")).unwrap() + 1;
    let column = text.lines().nth(line - 1).unwrap().find("/en-us").unwrap() + 1;
    let start = &link["suggestions"][0]["range"]["start"];
    assert_eq!((start["line"].as_u64(), start["column"].as_u64()), (Some(line as u64), Some(column as u64)));
    let suggestions: Vec<&Value> =
        diags.iter().flat_map(|d| d["suggestions"].as_array().into_iter().flatten()).collect();
    assert_eq!(suggestions.len(), 2, "{diags:#?}");
    let suggested = apply_suggestions(&text, &suggestions);
    kb.run(["check", "kb", "--fix", "-q"]);
    assert_eq!(suggested, std::fs::read_to_string(kb.path("kb/articles/a.md")).unwrap());
    // From inside ROOT, paths need no prefix.
    let v = rdjson(&kb, "kb", &[]);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["location"]["path"].as_str().unwrap().starts_with("articles/"))
    );
}

#[test]
fn rdjson_carries_severity_code_help_and_related_locations() {
    let kb = Kb::fixture("several-problems");
    let v = rdjson(&kb, "", &[]);
    let diags = v["diagnostics"].as_array().unwrap();
    assert!(diags.iter().any(|d| d["severity"] == "ERROR") && diags.iter().any(|d| d["severity"] == "WARNING"));
    let dup = diags.iter().find(|d| d["code"]["value"] == "KB012").unwrap();
    assert!(dup["message"].as_str().unwrap().contains("\nhelp: "), "{dup}");
    assert_eq!(dup["related_locations"][0]["message"], "also used here");
    assert!(dup["related_locations"][0]["location"]["range"]["start"]["line"].as_u64().unwrap() > 1);
}

// ---------------------------------------------------------------- kbc build's report

#[test]
fn build_shows_errors_counts_warnings_by_rule_and_ends_with_the_site() {
    let kb = Kb::empty();
    let short = "\n[a](https://aka.ms/a) [b](https://aka.ms/b)\n";
    kb.write("articles/a.md", article(&id(1), "public", short))
        .write("articles/b.md", article(&id(2), "public", "\n[docs](https://learn.microsoft.com/en-us/azure/)\n"))
        .write("articles/c.md", article(&id(2), "public", ""));
    for _ in 0..2 {
        // The second build is up to date and replays the stored findings the same way.
        let run = kb.run(["build", "--skip-invalid"]);
        run.code(0);
        assert!(run.stdout.starts_with("error[KB012]: duplicate articleId"), "{}", run.stdout);
        assert!(!run.stdout.contains("warning["), "warnings are counted, not shown: {}", run.stdout);
        let table = "warning: 3 warnings not shown, by rule (`kbc check` lists them, as does `kbc build --verbose`):\n\
                     2  KB203  short-link           warning\n\
                     1  KB201  locale-in-docs-link  warning\n\n\
                     checked 3 articles: 2 errors, 3 warnings\n";
        assert!(run.stdout.ends_with(table), "{}", run.stdout);
        assert_eq!(run.stderr.lines().last(), Some("The site is at ./out/site/index.html"), "{}", run.stderr);
    }
    let verbose = kb.run(["build", "--skip-invalid", "--verbose"]);
    assert_eq!(verbose.stdout.matches("warning[").count(), 3, "{}", verbose.stdout);
    let json = kb.run(["build", "--skip-invalid", "--format", "json"]);
    assert_eq!(json.stdout.lines().count(), 5, "machine formats list every finding");
    let denied = kb.run(["build", "--skip-invalid", "--deny-warnings"]);
    assert_eq!(denied.stdout.matches("warning[").count(), 3, "warnings that stop the build are shown");
    assert!(!denied.stdout.contains("not shown"), "{}", denied.stdout);
}

// ---------------------------------------------------------------- --format github

#[test]
fn github_summarises_what_the_annotation_limit_hides_by_rule_and_by_file() {
    let kb = Kb::empty();
    for i in 0..12 {
        kb.write(&format!("kb/articles/no-header-{i:02}.md"), "# A title\n\nText.\n");
    }
    kb.write("kb/articles/links.md", article(&id(1), "public", &"\n[a](https://aka.ms/a)\n".repeat(15)));
    let summary = kb.path("summary.md");
    let mut cmd = kb.kbc(["check", "kb", "--format", "github"]);
    let run = kb.finish(cmd.env("GITHUB_STEP_SUMMARY", &summary).env("GITHUB_WORKSPACE", kb.root()));
    run.code(1);
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("::error ")).count(), 12, "every finding is in the log");
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("::warning ")).count(), 15);
    let note = "note: GitHub shows 10 error and 10 warning annotations per step: 2 error(s) and 5 warning(s) \
                are not annotated (the job summary counts them by rule and by file)";
    assert!(run.stderr.contains(note), "{}", run.stderr);
    let text = std::fs::read_to_string(&summary).unwrap();
    let hidden = text.split_once("### Not annotated").expect("the summary's section").1;
    assert!(hidden.contains("These 7 findings"), "{text}");
    assert!(hidden.contains("| KB001 | `missing-properties` | error | 2 |"), "{text}");
    assert!(hidden.contains("| KB203 | `short-link` | warning | 5 |"), "{text}");
    // Paths as in the annotations: relative to the checkout.
    assert!(hidden.contains("| `kb/articles/no-header-10.md` | 1 | 0 |"), "{text}");
    assert!(hidden.contains("| `kb/articles/links.md` | 0 | 5 |"), "{text}");
}

// ---------------------------------------------------------------- the corpus

#[test]
fn sarif_of_the_corpus_fits_code_scanning_and_validates() {
    let Some(corpus) = crate::common::gate::require_corpus() else { return };
    let out = crate::common::kbc(["check", "--format", "sarif"]).arg(&corpus).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 25_000, "{} results", results.len());
    assert!(results.iter().any(|r| r.get("fixes").is_some()));
    if let Some(validator) = crate::cli::sarif_validator() {
        crate::cli::assert_valid_sarif(&validator, &log, "the corpus");
    }
}

#[test]
fn fix_with_paths_fixes_only_the_named_files() {
    let kb = Kb::empty();
    let link = "\n[guide](https://learn.microsoft.com/en-us/azure/databricks/)\n";
    kb.write("articles/a.md", article(&id(1), "public", link)).write("articles/b.md", article(&id(2), "public", link));
    let run = kb.run(["check", "articles/a.md", "--fix"]);
    run.code(0);
    assert!(run.stderr.contains("fixed 1 problem(s) in 1 file(s)"), "{}", run.stderr);
    let read = |p: &str| std::fs::read_to_string(kb.path(p)).unwrap();
    assert!(!read("articles/a.md").contains("/en-us/"));
    assert!(read("articles/b.md").contains("/en-us/"), "b.md was not named");
}
