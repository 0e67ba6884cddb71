//! The incremental build cache is correct: after each kind of input change
//! (an article, book.toml, a template override, another kbc version) a build
//! over the previous output equals a clean build byte for byte, except for
//! the timings in build-report.json. After an article edit, the pages that
//! did not change are reused (hard-linked) from the previous output.

use crate::common::Kb;
use std::collections::BTreeMap;
use std::path::Path;

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::common::output_tree(dir)
}

/// The files that differ between two trees, for a readable failure.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names.into_iter().filter(|n| a.get(*n) != b.get(*n)).cloned().collect()
}

fn build(kb: &Kb, out: &str) -> BTreeMap<String, Vec<u8>> {
    build_with(kb, out, &[])
}

fn build_with(kb: &Kb, out: &str, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    kb.kbc(["build", "--quiet", "-o", out].iter().chain(args)).assert().success();
    tree(&kb.path(out))
}

/// Rebuilds `out` over its previous contents, builds `clean` from nothing,
/// and requires them to be identical. Returns the rebuilt tree.
fn rebuild_equals_clean(kb: &Kb) -> BTreeMap<String, Vec<u8>> {
    rebuild_equals_clean_with(kb, &[])
}

fn rebuild_equals_clean_with(kb: &Kb, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let rebuilt = build_with(kb, "out", args);
    if kb.path("clean").exists() {
        std::fs::remove_dir_all(kb.path("clean")).unwrap();
    }
    let clean = build_with(kb, "clean", args);
    assert!(rebuilt == clean, "rebuild differs from a clean build in {:?}", differences(&rebuilt, &clean));
    rebuilt
}

fn edit(kb: &Kb, rel: &str, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(kb.path(rel)).unwrap();
    kb.write(rel, f(text));
}

#[test]
fn rebuild_with_nothing_changed_leaves_the_output_untouched() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out");
    let report = std::fs::read(kb.path("out/build-report.json")).unwrap();
    build(&kb, "out");
    // Timings are measured afresh by every build that writes: equal bytes
    // mean the second build wrote nothing.
    assert_eq!(std::fs::read(kb.path("out/build-report.json")).unwrap(), report);
}

#[test]
fn rebuild_after_each_kind_of_change_equals_a_clean_build() {
    let kb = Kb::fixture("build-sample");
    let mut before = build(&kb, "out");

    edit(&kb, "articles/storage/blob-403.md", |t| t + "\nA paragraph added by the cache test.\n");
    let after = rebuild_equals_clean(&kb);
    assert_ne!(after, before, "the article edit changed nothing");
    before = after;

    // Outside the source folder: seen only through what the last build recorded.
    edit(&kb, "includes/sas-note.md", |t| t.replace("rotate the account key", "rotate both account keys"));
    let after = rebuild_equals_clean(&kb);
    assert_ne!(after, before, "the include edit changed nothing");
    before = after;

    // Patched in place: the article leaves fairfax, and moves to a new service.
    edit(&kb, "articles/storage/blob-403.md", |t| {
        t.replace("cloudEnvironments=\"public, fairfax\"", "cloudEnvironments=\"public\"")
            .replace("service=\"microsoft.storage\"", "service=\"microsoft.network\"")
    });
    let after = rebuild_equals_clean(&kb);
    assert!(!after.keys().any(|p| p.starts_with("clouds/fairfax/site/articles/storage/blob-403")), "left fairfax");
    assert_ne!(after, before, "the metadata edit changed nothing");
    before = after;

    edit(&kb, "book.toml", |t| t.replace("title = \"Fixture Help\"", "title = \"Renamed Help\""));
    let after = rebuild_equals_clean(&kb);
    assert_ne!(after, before, "the book.toml edit changed nothing");
    before = after;

    let default =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/article.html")).unwrap();
    kb.write("templates/article.html", default + "\n<!-- overridden by the cache test -->\n");
    let after = rebuild_equals_clean(&kb);
    assert_ne!(after, before, "the template override changed nothing");
    before = after;

    kb.remove("articles/rca/storage-outage-rca.md");
    let after = rebuild_equals_clean(&kb);
    assert_ne!(after, before, "removing an article changed nothing");
}

#[test]
fn rebuild_with_nothing_changed_shows_the_same_diagnostics() {
    let kb = Kb::fixture("build-sample");
    for format in ["human", "json", "github", "sarif"] {
        // A fresh output per format, so that the first build checks for real.
        let out = format!("out-{format}");
        let first = kb.run(["build", "-o", &out, "--format", format]);
        first.code(0);
        assert!(!first.stderr.contains("(up to date)"), "{}", first.stderr);
        let again = kb.run(["build", "-o", &out, "--format", format]);
        again.code(0);
        assert!(first.stdout.contains("KB208"), "the fixture has a finding to show: {}", first.stdout);
        assert_eq!(again.stdout, first.stdout, "{format}");
        assert!(again.stderr.contains("(up to date)"), "{}", again.stderr);
    }
}

#[test]
fn a_link_target_that_appears_outside_the_articles_is_seen_by_the_next_build() {
    let kb = Kb::fixture("build-sample");
    edit(&kb, "articles/storage/blob-403.md", |t| t + "\nSee the [flow](../../media/flow.png).\n");
    let before = build_with(&kb, "out", &["--skip-invalid"]);
    assert!(!before.contains_key("site/articles/storage/blob-403.html"), "skipped for its broken link");
    kb.write("media/flow.png", "png");
    let after = rebuild_equals_clean_with(&kb, &["--skip-invalid"]);
    assert!(after.contains_key("site/articles/storage/blob-403.html"), "published once the target exists");
}

/// The memo is what an incremental build takes an unchanged article's
/// bundle entry, index entry and search document from: doctored, it shows.
#[test]
fn an_incremental_build_takes_unchanged_articles_from_the_memo() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out");
    let (from, to) = (b"AuthorizationFailure", b"AuthorizationFAILURE");
    let mut doctored = 0;
    for shard in std::fs::read_dir(kb.path("out/.kbc-memo")).unwrap() {
        let path = shard.unwrap().path();
        let mut memo = std::fs::read(&path).unwrap();
        // Same length, so the memo stays well-formed.
        let mut at = 0;
        while let Some(i) = memo[at..].windows(from.len()).position(|w| w == from) {
            memo[at + i..at + i + from.len()].copy_from_slice(to);
            at += i + from.len();
            doctored += 1;
        }
        std::fs::write(&path, memo).unwrap();
    }
    assert!(doctored > 0, "the memo holds the title");
    edit(&kb, "articles/storage/sas-expired.md", |t| t + "\nAn edit elsewhere.\n");
    let rebuilt = build(&kb, "out");
    let bundle = String::from_utf8_lossy(&rebuilt["rules.json"]).into_owned();
    assert!(bundle.contains("AuthorizationFAILURE"), "the unchanged article came from the memo");
}

/// Index pages that do not list an edited article are not rendered again:
/// doctored, they stay so; the pages that list it are rendered afresh.
#[test]
fn an_incremental_build_renders_only_the_index_pages_listing_the_edit() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out");
    let mark = "<!-- doctored -->";
    for page in ["site/types/rca.html", "site/types/generic.html"] {
        edit(&kb, &format!("out/{page}"), |t| t + mark);
    }
    // A new title: the lists that show the article change.
    edit(&kb, "articles/storage/blob-403.md", |t| t.replace("fail with 403", "fail with HTTP 403"));
    let rebuilt = build(&kb, "out");
    let text = |p: &str| String::from_utf8_lossy(&rebuilt[p]).into_owned();
    assert!(text("site/types/rca.html").ends_with(mark), "the RCA list does not list the edited article");
    assert!(!text("site/types/generic.html").contains(mark), "the generic list lists it");
}

/// A damaged memo shard is not trusted, and the next build writes it anew.
#[test]
fn an_incremental_build_replaces_a_damaged_memo() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out");
    // The first shard: the edited article, last in page order, is not in it.
    let shard = kb.path("out/.kbc-memo/00.bin");
    let bytes = std::fs::read(&shard).unwrap();
    std::fs::write(&shard, &bytes[..bytes.len() / 2]).unwrap();
    edit(&kb, "articles/storage/sas-expired.md", |t| t + "\nAn edit elsewhere.\n");
    rebuild_equals_clean(&kb);
}

/// Files lost from OUT (a page and its cloud copy, an index page) come back
/// with the next incremental build.
#[test]
fn an_incremental_build_restores_files_lost_from_the_output() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out");
    for lost in [
        "site/articles/storage/blob-403.html",
        "clouds/public/site/articles/storage/blob-403.html",
        "clouds/fairfax/site/types/generic.html",
    ] {
        kb.remove(&format!("out/{lost}"));
    }
    edit(&kb, "articles/storage/sas-expired.md", |t| t + "\nAn edit elsewhere.\n");
    rebuild_equals_clean(&kb);
    // With nothing changed too: the build is not up to date while a file is missing.
    kb.remove("out/site/articles/storage/blob-403.html");
    rebuild_equals_clean(&kb);
}

#[test]
fn rebuild_by_another_kbc_version_equals_a_clean_build() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out");
    // An output from another version, which this kbc must not trust: its cache
    // names another generator, and one of its pages differs.
    edit(&kb, "out/.kbc-cache.json", |t| t.replace("\"kbc ", "\"kbc 0.0.0-old "));
    kb.write("out/site/index.html", "written by an older kbc");
    rebuild_equals_clean(&kb);
}

/// The file's inode: a reused page is the previous output's very file.
#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[cfg(unix)]
#[test]
fn rebuild_after_one_article_changed_reuses_the_other_pages_and_equals_a_clean_build() {
    let kb = Kb::fixture("build-sample");
    let first = build(&kb, "out");
    let report = |kb: &Kb| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(kb.path("out/build-report.json")).unwrap()).unwrap()
    };
    assert_eq!(report(&kb)["counts"]["pagesReused"], 0, "a clean build reuses nothing");
    // Main-site and per-cloud pages, the clouds' link-rewritten pages included.
    let pages: Vec<&String> = first.keys().filter(|p| p.contains("site/articles/")).collect();
    assert!(pages.len() >= 3, "the fixture has too few pages: {pages:?}");
    let edited = "site/articles/storage/blob-403.html";
    assert!(first.contains_key(edited), "{pages:?}");
    assert!(pages.iter().any(|p| p.starts_with("clouds/fairfax/")), "{pages:?}");
    let before: Vec<(String, u64)> =
        pages.iter().map(|p| (p.to_string(), inode(&kb.path(&format!("out/{p}"))))).collect();

    // Hold the old files so their inodes cannot be recycled by the rebuild.
    for (i, (p, _)) in before.iter().enumerate() {
        std::fs::hard_link(kb.path(&format!("out/{p}")), kb.path(&format!("held-{i}"))).unwrap();
    }

    edit(&kb, "articles/storage/blob-403.md", |t| t + "\nA paragraph added by the reuse test.\n");
    rebuild_equals_clean(&kb);
    for (p, old) in &before {
        let now = inode(&kb.path(&format!("out/{p}")));
        match p.as_str() {
            p if p.ends_with(edited) => assert_ne!(now, *old, "the edited article's page was reused"),
            _ => assert_eq!(now, *old, "{p} was rendered again instead of reused"),
        }
    }
    // Cloud pages identical to the main site's are links to it: one file each.
    let files: std::collections::BTreeSet<u64> =
        before.iter().filter(|(p, _)| !p.ends_with(edited)).map(|(_, ino)| *ino).collect();
    assert_eq!(report(&kb)["counts"]["pagesReused"], files.len(), "the report counts every reused page file");
}
