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
