//! `kbc check --fix` never loses work (issue 11): every file it can fix is
//! fixed and named, every file it cannot is named with why (read-only, a
//! link out of ROOT), it never stops midway, and it never writes through a
//! link to a file outside ROOT. (That a file edited between the check and
//! the write is skipped, not overwritten, is tested beside the code in
//! `src/fix.rs`, where the edit can be made at that very moment.)

use crate::common::Kb;

fn article(n: u32) -> String {
    format!(
        "<properties\n    pageTitle=\"Job cluster fails to start {n}\"\n    description=\"Quota errors when a job starts a cluster\"\n    \
         service=\"microsoft.databricks\"\n    resource=\"workspaces\"\n    ms.author=\"fixtureauthor\"\n    \
         selfHelpType=\"generic\"\n    supportTopicIds=\"32677726\"\n    productPesIds=\"16432\"\n    \
         cloudEnvironments=\"public\"\n    articleId=\"00000000-0000-4000-8000-{n:012}\"\n    ownershipId=\"Fixture_Databricks\"\n/>\n\n\
         # Job cluster fails to start {n}\n\n## **Recommended Steps**\n\n* Ask for a higher core quota in the region.\n\n\
         [guide](https://learn.microsoft.com/en-us/azure/databricks/)\n"
    )
}

#[test]
fn a_read_only_file_is_skipped_and_named_and_the_others_are_still_fixed() {
    let kb = Kb::empty();
    for n in 1..=3 {
        kb.write(&format!("articles/a{n}.md"), article(n));
    }
    let ro = kb.path("articles/a2.md");
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).unwrap();
    let run = kb.run(["check", ".", "--fix"]);
    assert!(run.stderr.contains("warning: articles/a2.md: not fixed: it is read-only"), "{}", run.stderr);
    assert!(run.stderr.contains("fixed 1 problem(s) in articles/a1.md"), "{}", run.stderr);
    assert!(run.stderr.contains("fixed 1 problem(s) in articles/a3.md"), "{}", run.stderr);
    assert!(run.stderr.contains("fixed 2 problem(s) in 2 file(s)\nskipped 1 file(s)"), "{}", run.stderr);
    let read = |p: &str| std::fs::read_to_string(kb.path(p)).unwrap();
    assert!(!read("articles/a1.md").contains("/en-us/") && !read("articles/a3.md").contains("/en-us/"));
    assert_eq!(read("articles/a2.md"), article(2));
}

#[cfg(unix)]
#[test]
fn fix_never_writes_through_a_link_to_a_file_outside_the_root() {
    let kb = Kb::empty();
    kb.write("kb/articles/a1.md", article(1)).write("elsewhere/a2.md", article(2));
    std::os::unix::fs::symlink(kb.path("elsewhere/a2.md"), kb.path("kb/articles/a2.md")).unwrap();
    let run = kb.run(["check", "kb", "--fix"]);
    assert_eq!(std::fs::read_to_string(kb.path("elsewhere/a2.md")).unwrap(), article(2));
    assert!(kb.path("kb/articles/a2.md").is_symlink());
    assert!(run.stdout.contains("KB903") && run.stdout.contains("articles/a2.md"), "{}", run.stdout);
    assert!(run.stderr.contains("fixed 1 problem(s) in articles/a1.md"), "{}", run.stderr);
}
