//! kbc removes or replaces only what it wrote itself (issue 11, "data
//! loss"): the user's files in OUT survive full and incremental builds, a
//! folder that merely has kbc-like file names is refused, a symbolic link
//! named as OUT is followed and kept, nothing read from OUT leads kbc outside
//! it, `--clean` removes only kbc's files, and a build killed while moving
//! its files in leaves OUT as the old or the new build, never a mix.

use crate::common::{Kb, output_tree};
use std::collections::BTreeMap;
use std::path::Path;

fn build(kb: &Kb, out: &str) -> assert_cmd::assert::Assert {
    kb.kbc(["build", "--quiet", "-o", out]).assert()
}

/// Forces the next build to be a full one (the config is in every page key).
fn change_config(kb: &Kb, n: u32) {
    let toml = std::fs::read_to_string(kb.path("book.toml")).unwrap();
    let title = format!("title = \"Fixture Help {n}\"");
    let toml = toml.lines().map(|l| if l.starts_with("title") { title.as_str() } else { l }).collect::<Vec<_>>();
    kb.write("book.toml", toml.join("\n") + "\n");
}

fn edit_article(kb: &Kb, line: &str) {
    let rel = "articles/storage/blob-403.md";
    let text = std::fs::read_to_string(kb.path(rel)).unwrap();
    kb.write(rel, format!("{text}\n{line}\n"));
}

/// The user's own files in OUT, as a static host's repository has them.
fn add_users_files(out: &Path) {
    for (rel, text) in
        [("CNAME", "help.example.org"), (".git/HEAD", "ref: main"), ("README", "mine"), ("site/extra.html", "x")]
    {
        std::fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
        std::fs::write(out.join(rel), text).unwrap();
    }
}

fn assert_users_files(out: &Path) {
    assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "help.example.org");
    assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref: main");
    assert_eq!(std::fs::read_to_string(out.join("README")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(out.join("site/extra.html")).unwrap(), "x");
}

/// The tree without the user's files, for comparing with a clean build.
fn kbc_tree(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut tree = output_tree(out);
    tree.retain(|rel, _| !["CNAME", ".git/HEAD", "README", "site/extra.html"].contains(&rel.as_str()));
    tree
}

/// Every file under `dir` with its bytes.
fn raw_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn the_users_files_in_out_survive_full_and_incremental_builds() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out").success();
    add_users_files(&kb.path("out"));
    change_config(&kb, 1);
    build(&kb, "out").success();
    assert_users_files(&kb.path("out"));
    edit_article(&kb, "An incremental edit.");
    build(&kb, "out").success();
    assert_users_files(&kb.path("out"));
    build(&kb, "clean").success();
    assert!(kbc_tree(&kb.path("out")) == kbc_tree(&kb.path("clean")), "OUT differs from a clean build");
}

#[test]
fn a_folder_with_only_kbc_file_names_is_not_taken_for_kbc_output() {
    let kb = Kb::fixture("build-sample");
    for name in ["build-report.json", ".kbc-cache.json", ".kbc-diagnostics.json"] {
        kb.write(&format!("home/{name}"), "");
    }
    kb.write("home/.ssh/id_ed25519", "key").write("home/Documents/thesis.txt", "years of work");
    let before = raw_tree(&kb.path("home"));
    let out = kb.kbc(["build", "--quiet", "-o", "home"]).assert().code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kbc did not write it") && stderr.contains("-o"), "{stderr}");
    assert_eq!(raw_tree(&kb.path("home")), before, "nothing in the folder changed");
}

#[test]
fn a_marker_edited_or_made_by_hand_is_refused_and_nothing_is_deleted() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out").success();
    kb.write("victim.txt", "outside OUT");
    let marker = std::fs::read_to_string(kb.path("out/.kbc-output")).unwrap();
    kb.write("out/.kbc-output", marker.replace("\"rules.json\"", "\"rules.json\",\"../victim.txt\""));
    let before = output_tree(&kb.path("out"));
    let out = build(&kb, "out").code(2).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot trust"));
    assert_eq!(output_tree(&kb.path("out")), before);
    assert!(kb.path("victim.txt").exists());
}

#[cfg(unix)]
#[test]
fn a_link_inside_out_never_leads_a_build_outside_it() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out").success();
    // A folder of kbc's output replaced by a link to a folder outside OUT
    // holding files with the names kbc wrote there.
    let dir = "out/site/articles/storage";
    let outside = kb.path("outside");
    std::fs::rename(kb.path(dir), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, kb.path(dir)).unwrap();
    let before = output_tree(&outside);
    edit_article(&kb, "An edit that replaces the page behind the link.");
    let out = build(&kb, "out").code(2).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("in the way"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(output_tree(&outside), before, "the files behind the link are untouched");
    // A full build, which would remove the previous output's files, too.
    change_config(&kb, 2);
    build(&kb, "out").code(2);
    assert_eq!(output_tree(&outside), before);
}

#[cfg(unix)]
#[test]
fn a_symlinked_out_is_built_through_and_kept() {
    let kb = Kb::fixture("build-sample");
    std::fs::create_dir_all(kb.path("pages")).unwrap();
    std::os::unix::fs::symlink(kb.path("pages"), kb.path("public")).unwrap();
    build(&kb, "public").success();
    add_users_files(&kb.path("pages"));
    change_config(&kb, 3);
    build(&kb, "public").success();
    assert!(kb.path("public").is_symlink(), "the link was replaced");
    assert!(kb.path("pages/rules.json").is_file());
    assert_users_files(&kb.path("pages"));
    let beside: Vec<_> = std::fs::read_dir(kb.root()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!beside.iter().any(|n| n.to_string_lossy().contains(".kbc-")), "{beside:?}");
}

#[test]
fn clean_removes_only_what_kbc_wrote_and_says_so() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out").success();
    add_users_files(&kb.path("out"));
    let run = kb.run(["build", "--clean", "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("Removed ") && run.stderr.contains("file(s) kbc wrote in out: "), "{}", run.stderr);
    assert!(run.stderr.contains("site/ (") && run.stderr.contains("rules.json"), "{}", run.stderr);
    assert!(run.stderr.contains("Kept what kbc did not write: .git/, CNAME, README, site/"), "{}", run.stderr);
    assert_users_files(&kb.path("out"));
    assert!(kb.path("out/rules.json").is_file(), "and then it builds");
}

/// Builds `out` with the commit aborted (as a kill would: nothing cleaned
/// up) after its `n`th rename; whether it was (false: it finished first).
fn build_killed_after(kb: &Kb, n: usize) -> bool {
    let mut cmd = kb.kbc(["build", "--quiet", "-o", "out"]);
    cmd.env("KBC_TEST_ABORT_AFTER_RENAMES", n.to_string());
    let status = cmd.output().unwrap().status;
    match status.code() {
        Some(0) => false,
        None => true,
        Some(code) => panic!("the build failed with {code} instead of being killed or finishing"),
    }
}

/// What the next run makes of OUT, seen without a build on top: an article
/// with an error stops the build after OUT was recovered.
fn recover_only(kb: &Kb) {
    kb.write("articles/broken.md", "No header: the build stops before writing.\n");
    kb.kbc(["build", "--quiet", "-o", "out"]).assert().code(1);
    kb.remove("articles/broken.md");
    let beside: Vec<String> = std::fs::read_dir(kb.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".kbc-"))
        .collect();
    assert!(beside.is_empty(), "left beside OUT after recovery: {beside:?}");
}

fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names.into_iter().filter(|n| a.get(*n) != b.get(*n)).cloned().collect()
}

/// Kills the build going from `old` to `new` (by `change`) after 1, 2, 3,
/// 5, 8 ... renames until one finishes, then after the last rename of the
/// files and after the rename that marks the commit done, and requires OUT,
/// once recovered, to be exactly the old or the new build, with the user's
/// files.
fn killed_builds_leave_old_or_new(change: impl Fn(&Kb, bool)) {
    let kb = Kb::fixture("build-sample");
    build(&kb, "new").success();
    change(&kb, true);
    build(&kb, "new-out").success();
    let new = output_tree(&kb.path("new-out"));
    change(&kb, false);
    build(&kb, "out").success();
    let old = output_tree(&kb.path("out"));
    add_users_files(&kb.path("out"));
    // Builds with a kill after `n` renames and checks; false if it finished.
    let kill_at = |n: usize| {
        change(&kb, true);
        let killed = build_killed_after(&kb, n);
        if killed {
            recover_only(&kb);
            let now = kbc_tree(&kb.path("out"));
            assert!(
                now == old || now == new,
                "after a kill at rename {n}, OUT is neither the old build (differs in {:?}) nor the new (in {:?})",
                differences(&now, &old),
                differences(&now, &new)
            );
        } else {
            assert!(kbc_tree(&kb.path("out")) == new);
        }
        assert_users_files(&kb.path("out"));
        // Back to the old build for the next kill.
        change(&kb, false);
        build(&kb, "out").success();
        assert!(kbc_tree(&kb.path("out")) == old);
        killed
    };
    let (mut n, mut next, mut kills) = (1, 2, 0);
    while kill_at(n) {
        kills += 1;
        (n, next) = (next, n + next);
    }
    // The last kill point: the smallest count that finishes, less one.
    let (mut killed, mut finished) = (next - n, n);
    while finished - killed > 1 {
        let mid = (killed + finished) / 2;
        if kill_at(mid) { killed = mid } else { finished = mid }
    }
    assert!(kill_at(killed - 1) && kill_at(killed), "the last renames");
    assert!(kills >= 4, "only {kills} kills: the commit was too short to test");
}

#[test]
fn an_incremental_build_killed_while_committing_leaves_the_old_or_the_new_build() {
    killed_builds_leave_old_or_new(|kb, new| {
        let rel = "articles/storage/blob-403.md";
        let text = std::fs::read_to_string(kb.path(rel)).unwrap();
        let text = text.replace("\nThe edit a killed build brings.\n", "");
        kb.write(rel, if new { text + "\nThe edit a killed build brings.\n" } else { text });
    });
}

#[test]
fn a_full_build_killed_while_committing_leaves_the_old_or_the_new_build() {
    killed_builds_leave_old_or_new(|kb, new| change_config(kb, u32::from(new)));
}

#[test]
fn folders_of_dead_builds_beside_out_are_removed_and_a_live_ones_kept() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out").success();
    // No process has a pid this high (Linux's maximum is 2^22).
    kb.write(".out.kbc-staging-4294967/site/x.html", "a killed build's")
        .write(".out.kbc-backup-4294967/rules.json", "x");
    let live = format!(".out.kbc-staging-{}", std::process::id());
    kb.write(&format!("{live}/y.html"), "a running build's");
    kb.write(".other.kbc-staging-4294967/z", "another folder's");
    edit_article(&kb, "An edit.");
    build(&kb, "out").success();
    assert!(!kb.path(".out.kbc-staging-4294967").exists() && !kb.path(".out.kbc-backup-4294967").exists());
    assert!(kb.path(&live).exists(), "a running build's folder was removed");
    assert!(kb.path(".other.kbc-staging-4294967").exists(), "not OUT's");
}

#[cfg(unix)]
#[test]
fn a_forged_cache_manifest_neither_hangs_nor_reads_outside_the_root() {
    let kb = Kb::fixture("build-sample");
    build(&kb, "out").success();
    let fifo = std::ffi::CString::new(kb.path("pipe").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let rel = "out/.kbc-cache.json";
    // One at a time: a path refused first would hide what the next does.
    for path in ["pipe", "../outside.md", "/etc/passwd"] {
        let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(kb.path(rel)).unwrap()).unwrap();
        let probe = serde_json::json!({"is_file": true, "hash": "0".repeat(64)});
        manifest["probes"].as_object_mut().unwrap().insert(path.into(), probe);
        kb.write(rel, serde_json::to_vec(&manifest).unwrap());
        let mut cmd = kb.kbc(["build", "--quiet", "-o", "out"]);
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd.assert().success();
        assert!(!std::fs::read_to_string(kb.path(rel)).unwrap().contains(path), "{path}: rebuilt with its own probes");
    }
}
