//! The incremental build cache is correct: after each kind of input change
//! (an article, book.toml, a template override, another kbc version) a build
//! over the previous output equals a clean build byte for byte, except for
//! the timings in build-report.json. After an article edit, the pages that
//! did not change are reused (hard-linked) from the previous output.

mod common;

use common::Kb;
use std::collections::BTreeMap;
use std::path::Path;

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::output_tree(dir)
}

/// The files that differ between two trees, for a readable failure.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names.into_iter().filter(|n| a.get(*n) != b.get(*n)).cloned().collect()
}

fn build(kb: &Kb, out: &str) -> BTreeMap<String, Vec<u8>> {
    kb.kbc(["build", "--quiet", "-o", out]).assert().success();
    tree(&kb.path(out))
}

/// Rebuilds `out` over its previous contents, builds `clean` from nothing,
/// and requires them to be identical. Returns the rebuilt tree.
fn rebuild_equals_clean(kb: &Kb) -> BTreeMap<String, Vec<u8>> {
    let rebuilt = build(kb, "out");
    if kb.path("clean").exists() {
        std::fs::remove_dir_all(kb.path("clean")).unwrap();
    }
    let clean = build(kb, "clean");
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
