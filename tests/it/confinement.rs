//! Nothing outside ROOT is read, printed or published (issue 11,
//! "confinement"): a `.md` link to `/proc/self/environ` or `/etc/passwd`, a
//! linked folder outside ROOT, a FIFO, and an include through a link out of
//! ROOT each get a finding that names the link, and nothing behind them
//! reaches the output, the site or the bundle.

use crate::common::Kb;

fn article(n: u32, title: &str) -> String {
    format!(
        "<properties\n    pageTitle=\"{title}\"\n    description=\"Quota errors when a job starts a cluster\"\n    \
         service=\"microsoft.databricks\"\n    resource=\"workspaces\"\n    ms.author=\"fixtureauthor\"\n    \
         selfHelpType=\"generic\"\n    supportTopicIds=\"32677726\"\n    productPesIds=\"16432\"\n    \
         cloudEnvironments=\"public\"\n    articleId=\"00000000-0000-4000-8000-{n:012}\"\n    ownershipId=\"Fixture_Databricks\"\n/>\n\n\
         # {title}\n\n## **Recommended Steps**\n\n* Ask for a higher core quota in the region.\n"
    )
}

#[cfg(target_os = "linux")]
#[test]
fn links_to_proc_and_etc_are_reported_by_name_and_never_read() {
    let kb = Kb::empty();
    kb.write("articles/a.md", article(1, "An article"));
    std::os::unix::fs::symlink("/proc/self/environ", kb.path("articles/env.md")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", kb.path("articles/passwd.md")).unwrap();
    for format in ["human", "json", "github", "sarif"] {
        let mut cmd = kb.kbc(["check", ".", "--format", format]);
        cmd.env("KBC_TEST_SECRET", "s3cr3t-in-the-environment");
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains("s3cr3t") && !text.contains("root:x"), "{format}: {text}");
        assert!(text.contains("KB903") && text.contains("articles/env.md") && text.contains("articles/passwd.md"));
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
}

#[cfg(unix)]
#[test]
fn a_linked_folder_outside_the_root_is_not_published() {
    let kb = Kb::empty();
    kb.write("kb/articles/a.md", article(1, "An article")).write("outside/b.md", article(2, "Private notes"));
    std::os::unix::fs::symlink(kb.path("outside"), kb.path("kb/articles/linked")).unwrap();
    let run = kb.run(["check", "kb"]);
    assert!(run.stdout.contains("KB903") && run.stdout.contains("articles/linked"), "{}", run.stdout);
    assert!(!run.stdout.contains("Private notes"));
    kb.kbc(["build", "kb", "--quiet", "--skip-invalid", "-o", "out"]).assert().success();
    let bundle = std::fs::read_to_string(kb.path("out/rules.json")).unwrap();
    assert!(bundle.contains("An article") && !bundle.contains("Private notes"));
    assert!(!kb.path("out/site/articles/linked").exists());
    // A link that stays inside ROOT is followed.
    std::fs::remove_file(kb.path("kb/articles/linked")).unwrap();
    kb.write("kb/shared/c.md", article(3, "Shared inside"));
    std::os::unix::fs::symlink(kb.path("kb/shared"), kb.path("kb/articles/linked")).unwrap();
    let run = kb.run(["check", "kb"]);
    assert!(!run.stdout.contains("KB903"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_an_article_is_reported_and_not_opened() {
    let kb = Kb::empty();
    kb.write("articles/a.md", article(1, "An article"));
    let fifo = std::ffi::CString::new(kb.path("articles/pipe.md").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let mut cmd = kb.kbc(["check", "."]);
    cmd.timeout(std::time::Duration::from_secs(60));
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("KB903") && stdout.contains("it is a FIFO"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn an_include_through_a_link_out_of_the_root_is_not_expanded() {
    let kb = Kb::empty();
    kb.write("outside/secret.md", "TOP SECRET TEXT\n");
    std::fs::create_dir_all(kb.path("kb/includes")).unwrap();
    std::os::unix::fs::symlink(kb.path("outside/secret.md"), kb.path("kb/includes/note.md")).unwrap();
    let body = "\n[!INCLUDE [note](../includes/note.md)]\n";
    kb.write("kb/articles/a.md", article(1, "An article") + body);
    let run = kb.run(["check", "kb"]);
    assert!(run.stdout.contains("include-outside-root") && !run.stdout.contains("TOP SECRET"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn a_source_folder_linked_out_of_the_root_is_not_read() {
    let kb = Kb::empty();
    kb.write("outside/b.md", article(2, "Private notes")).write("kb/book.toml", "[book]\ntitle = \"KB\"\n");
    std::os::unix::fs::symlink(kb.path("outside"), kb.path("kb/articles")).unwrap();
    let run = kb.run(["check", "kb"]);
    run.code(1);
    assert!(run.stdout.contains("KB903") && run.stdout.contains("--> articles"), "{}", run.stdout);
    assert!(!run.stdout.contains("Private notes") && !run.stdout.contains("b.md"), "{}", run.stdout);
    kb.kbc(["build", "kb", "--quiet", "--skip-invalid", "-o", "out"]).assert().success();
    let bundle = std::fs::read_to_string(kb.path("out/rules.json")).unwrap();
    assert!(!bundle.contains("Private notes"), "{bundle}");
}

#[test]
fn a_book_src_that_leaves_the_root_is_refused() {
    let kb = Kb::empty();
    kb.write("outside/b.md", article(2, "Private notes"));
    let outside = kb.path("outside").display().to_string();
    for src in ["../outside", outside.as_str(), "articles/../../outside"] {
        kb.write("kb/book.toml", format!("[book]\nsrc = \"{src}\"\n"));
        let run = kb.run(["check", "kb"]);
        run.code(2);
        assert!(
            run.stderr.contains("[book] src") && run.stderr.contains("inside the knowledge-base root"),
            "{}",
            run.stderr
        );
        assert!(!run.stdout.contains("Private notes"), "{}", run.stdout);
    }
    // A folder inside the root, spelled with `..`, is fine.
    kb.write("kb/notes/a.md", article(1, "An article")).write("kb/other/README", "");
    kb.write("kb/book.toml", "[book]\nsrc = \"other/../notes\"\n");
    kb.run(["check", "kb"]).code(0);
}

#[cfg(unix)]
#[test]
fn a_book_toml_linked_out_of_the_root_is_not_read() {
    let kb = Kb::empty();
    kb.write("outside/passwd", "root:x:0:0:TOP-SECRET:/root:/bin/bash\n")
        .write("kb/articles/a.md", article(1, "An article"));
    std::os::unix::fs::symlink(kb.path("outside/passwd"), kb.path("kb/book.toml")).unwrap();
    for command in ["check", "build"] {
        let run = kb.run([command, "kb"]);
        run.code(2);
        assert!(
            run.stderr.contains("book.toml") && run.stderr.contains("outside the knowledge base"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("TOP-SECRET") && !run.stdout.contains("TOP-SECRET"), "{}", run.stderr);
    }
}

#[test]
fn a_malformed_book_toml_is_reported_by_line_and_column_without_its_text() {
    let kb = Kb::empty();
    kb.write("book.toml", "[book]\ntitle \"Private title\"\n").write("articles/a.md", article(1, "An article"));
    let run = kb.run(["check", "."]);
    run.code(2);
    assert!(run.stderr.contains("book.toml:2:7:"), "{}", run.stderr);
    assert!(!run.stderr.contains("\\n") && !run.stderr.contains("Private title"), "{}", run.stderr);
}
