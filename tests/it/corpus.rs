//! `kbc check` over a real knowledge base, through the library (no subprocess).
//! Runs only when `KBC_CORPUS` names one (CI: `../shared/corpus`); otherwise
//! it says SKIPPED, and fails under CI (`common::gate`).

use kbc::commands::check::load;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[track_caller]
fn corpus() -> Option<PathBuf> {
    crate::common::gate::require_corpus()
}

/// Every `.md` under `dir` outside hidden folders, as a path relative to `root`
/// with forward slashes: the set kbc must account for.
fn markdown_files(root: &Path, dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x.eq_ignore_ascii_case("md")))
        .map(|e| e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn checks_the_whole_corpus_without_losing_a_file() {
    let Some(root) = corpus() else { return };
    let start = std::time::Instant::now();
    let checked = load(&root).expect("the corpus loads");
    let elapsed = start.elapsed();
    let expected = markdown_files(&root, &checked.config.source_dir());
    assert!(expected.len() > 10_000, "only {} articles under {}", expected.len(), root.display());

    let parsed: BTreeSet<String> = checked.corpus.articles.iter().map(|a| a.path().to_string()).collect();
    let diagnosed: BTreeSet<String> =
        checked.diagnostics.iter().filter(|d| d.code.starts_with("KB9")).map(|d| d.path.clone()).collect();
    let seen: BTreeSet<String> = parsed.union(&diagnosed).cloned().collect();
    let missing: Vec<_> = expected.difference(&seen).take(5).collect();
    assert!(missing.is_empty(), "files neither parsed nor diagnosed: {missing:?}");
    assert_eq!(parsed.len(), checked.corpus.articles.len(), "a file was parsed twice");
    let strays: Vec<_> = seen.difference(&expected).take(5).collect();
    assert!(strays.is_empty(), "diagnostics for files that are not articles: {strays:?}");

    crate::common::positions::assert_within_files(&checked);
    renders_simple_findings_as_annotate_snippets_does(&checked);
    eprintln!("corpus: {} in {:.2?} ({} diagnostics)", checked.summary().line(), elapsed, checked.diagnostics.len());
}

/// The human format's fast path gives annotate-snippets' very bytes for
/// every finding of the corpus it takes.
fn renders_simple_findings_as_annotate_snippets_does(checked: &kbc::commands::check::Checked) {
    use kbc::diagnostic::format::human;
    let files = checked.files();
    let renderer = annotate_snippets::Renderer::plain();
    let mut taken = 0;
    for d in &checked.diagnostics {
        if let Some(fast) = human::simple(d, &files) {
            assert_eq!(fast, human::render(&renderer, d, &files), "{}: {}", d.path, d.message);
            taken += 1;
        }
    }
    assert!(taken * 2 > checked.diagnostics.len(), "the fast path took only {taken}");
}

/// The corpus built (the main site and every cloud's): every relative link
/// resolves to a file, except a replacement token's sample value an author
/// wrote as a link's address (`<a href="<!--$Link-->[Link]<!--/$Link-->">`,
/// filled in by the portal), which `kbc check` does not take for a file. A link
/// check accepts but the site cannot follow (the two resolving targets
/// differently) fails here.
#[test]
fn builds_the_corpus_without_a_broken_relative_link() {
    let Some(root) = corpus() else { return };
    let out = tempfile::Builder::new().prefix("corpus-out-").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
        .args(["build", "--quiet", "--skip-invalid", "--format", "json", "-o"])
        .arg(out.path())
        .arg(&root)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "kbc build failed on the corpus");
    let sources: Vec<String> = markdown_files(&root, &root.join("articles"))
        .iter()
        .map(|rel| String::from_utf8_lossy(&std::fs::read(root.join(rel)).unwrap()).into_owned())
        .collect();
    // The value of a replacement token: `<!--$Name-->value<!--/$Name-->`.
    let placeholder = |url: &str| sources.iter().any(|s| s.contains(&format!("-->{url}<!--/$")));
    let sites = std::iter::once(out.path().join("site")).chain(
        ["public", "fairfax", "mooncake", "usnat", "ussec"].map(|c| out.path().join("clouds").join(c).join("site")),
    );
    for site in sites {
        assert!(site.join("index.html").is_file(), "{} was not built", site.display());
        let broken = crate::common::links::unresolved(&site);
        let dead: Vec<_> = broken.iter().filter(|(_, url)| !placeholder(url)).collect();
        assert!(dead.is_empty(), "{}: relative links that do not resolve: {dead:#?}", site.display());
        eprintln!("{}: {} placeholder address(es) left as written", site.display(), broken.len());
    }
}
