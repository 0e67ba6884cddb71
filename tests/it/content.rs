//! End-to-end tests of suppressions, per-path overrides, baselines and
//! `--fix` through the `kbc` binary, plus the baseline round trip on the real
//! corpus (only when `KBC_CORPUS` is set).

use crate::common::Kb;

fn article(id: &str, clouds: &str, body: &str) -> String {
    format!(
        "<properties\n  pageTitle=\"T\"\n  description=\"D\"\n  service=\"microsoft.test\"\n  resource=\"things\"\n  ms.author=\"kbsample\"\n  selfHelpType=\"generic\"\n  supportTopicIds=\"32677721\"\n  productPesIds=\"16432\"\n  cloudEnvironments=\"{clouds}\"\n  articleId=\"{id}\"\n  ownershipId=\"Team_Owner\"\n/>\n\n# Title\n\n{body}"
    )
}

const ID_A: &str = "6a0e4e3c-1f7b-4c41-9a57-2d1a4e0c7b11";
const ID_B: &str = "7b1f5f4d-2a8c-4d52-8b68-3e2b5f1d8c22";

/// A knowledge base with known problems in two articles.
fn legacy_kb() -> Kb {
    let kb = Kb::empty();
    kb.write("book.toml", "[book]\ntitle = \"Legacy\"\n");
    kb.write("articles/a.md", article(ID_A, "public", "* [Status](https://aka.ms/status)\n* [Steps](https://)\n"));
    kb.write("articles/b.md", article(ID_B, "public", "| a | b |\n|---|---|\n| 1 | 2 |\n"));
    kb
}

#[test]
fn baseline_hides_known_findings_and_reports_only_the_new_one() {
    let kb = legacy_kb();
    kb.run(["check", "."]).code(1);
    let wrote = kb.run(["check", ".", "--write-baseline", "baseline.json"]);
    wrote.code(0);
    assert!(wrote.stderr.contains("wrote 3 findings"), "{}", wrote.stderr);
    kb.run(["check", ".", "--baseline", "baseline.json"]).code(0);

    // Shift every line and add one new problem: only that one is reported.
    let shifted = article(
        ID_A,
        "public",
        "An intro paragraph added later.\n\n* [Status](https://aka.ms/status)\n* [Steps](https://)\n* [More](https://review.docs.microsoft.com/azure/x)\n",
    );
    kb.write("articles/a.md", shifted);
    let run = kb.run(["check", ".", "--baseline", "baseline.json"]);
    run.code(1);
    assert_eq!(run.stdout.matches("error[").count() + run.stdout.matches("warning[").count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("error[KB202]"), "{}", run.stdout);
    assert!(run.stdout.contains("articles/a.md:21:3"), "{}", run.stdout);
}

#[test]
fn baseline_counts_entries_that_were_fixed() {
    let kb = legacy_kb();
    kb.run(["check", ".", "--write-baseline", "baseline.json"]).code(0);
    kb.write("articles/b.md", article(ID_B, "public", "* a: 1, b: 2\n"));
    let run = kb.run(["check", ".", "--baseline", "baseline.json"]);
    run.code(0);
    assert!(run.stderr.contains("1 entry is fixed and can be dropped"), "{}", run.stderr);
}

#[test]
fn build_takes_a_baseline_too() {
    let kb = legacy_kb();
    kb.run(["build", ".", "-o", "out"]).code(1);
    kb.run(["check", ".", "--write-baseline", "baseline.json"]).code(0);
    kb.run(["build", ".", "-o", "out", "--baseline", "baseline.json"]).code(0);
    assert!(kb.path("out").is_dir());
}

#[test]
fn a_broken_baseline_file_is_a_usage_error_naming_the_file() {
    let kb = legacy_kb();
    kb.write("baseline.json", "{ not json");
    let run = kb.run(["check", ".", "--baseline", "baseline.json"]);
    run.code(2);
    assert!(run.stderr.contains("baseline.json"), "{}", run.stderr);
}

#[test]
fn per_path_overrides_change_levels_only_under_matching_paths() {
    let kb = Kb::empty();
    kb.write(
        "book.toml",
        "[lints]\nshort-link = \"deny\"\n[[lints.overrides]]\npaths = [\"articles/legacy/**\"]\nshort-link = \"allow\"\nKB105 = \"deny\"\n",
    );
    kb.write("articles/new.md", article(ID_A, "public", "* [Status](https://aka.ms/status)\n"));
    kb.write(
        "articles/legacy/old.md",
        article(ID_B, "public", "* [Status](https://aka.ms/status)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
    );
    let run = kb.run(["check", "."]);
    run.code(1);
    assert!(run.stdout.contains("error[KB203]") && run.stdout.contains("articles/new.md"), "{}", run.stdout);
    assert!(!run.stdout.contains("articles/legacy/old.md:15"), "short-link allowed under legacy/: {}", run.stdout);
    assert!(run.stdout.contains("error[KB105]"), "table denied under legacy/: {}", run.stdout);
}

#[test]
fn inline_suppressions_work_end_to_end() {
    let kb = Kb::empty();
    let body = "<!-- kbc-disable-next-line placeholder-link -->\n* [Steps](https://)\n\n<!-- kbc-disable review-link -->\nplain text\n";
    kb.write("articles/a.md", article(ID_A, "public", body));
    let run = kb.run(["check", "."]);
    run.code(0);
    assert!(!run.stdout.contains("KB205"), "{}", run.stdout);
    assert!(run.stdout.contains("warning[KB600]") && run.stdout.contains("review-link"), "{}", run.stdout);
}

#[test]
fn fix_rewrites_only_the_fixed_bytes_keeping_bom_and_crlf() {
    let kb = Kb::empty();
    let before = article(
        ID_A,
        "Public, Fairfax",
        "* [Resize](https://docs.microsoft.com/en-us/azure/vm)\n* [Pricing](http://azure.microsoft.com/pricing/)\n* [Vendor](http://example.org/x)\n* Café ünïcödé stays.\n",
    )
    .replace("  ms.author=", "  MS.AUTHOR=")
    .replace('\n', "\r\n");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(before.as_bytes());
    kb.write("articles/a.md", &bytes);
    // The case rules are off by default (the guide: "capitalization don't matter"); opt in.
    kb.write("book.toml", "[lints]\nnoncanonical-attribute-case = \"warn\"\nnoncanonical-cloud-case = \"warn\"\n");

    let run = kb.run(["check", ".", "--fix"]);
    assert!(run.stderr.contains("fixed 5 problem(s) in 1 file(s)"), "{}", run.stderr);
    let expected = before
        .replace("  MS.AUTHOR=", "  ms.author=")
        .replace("\"Public, Fairfax\"", "\"public, fairfax\"")
        .replace("docs.microsoft.com/en-us/azure", "docs.microsoft.com/azure")
        .replace("http://azure.microsoft.com", "https://azure.microsoft.com");
    let mut expected_bytes = vec![0xEF, 0xBB, 0xBF];
    expected_bytes.extend_from_slice(expected.as_bytes());
    assert_eq!(std::fs::read(kb.path("articles/a.md")).unwrap(), expected_bytes);
    // What cannot be fixed safely is still reported.
    assert!(run.stdout.contains("example.org"), "{}", run.stdout);
    assert!(!run.stdout.contains("KB201"), "{}", run.stdout);
}

#[test]
fn baseline_round_trip_on_the_corpus() {
    let Some(root) = crate::common::gate::require_corpus() else { return };
    corpus::round_trip(&root);
}

mod corpus {
    use kbc::article::Corpus;
    use kbc::commands::check::load;
    use kbc::diagnostic::format::Files;
    use kbc::lint::baseline::Baseline;
    use kbc::lint::{self, Context};
    use kbc::source::SourceFile;
    use std::path::Path;

    /// Baseline the corpus, then edit one article in memory (a line shift plus
    /// a placeholder link) and check that only the new problem is left.
    pub fn round_trip(root: &Path) {
        let start = std::time::Instant::now();
        let checked = load(root).expect("corpus loads");
        let baseline = Baseline::new(&checked.diagnostics, &checked.files());
        let (unchanged, outcome) = baseline.filter(checked.diagnostics.clone(), &checked.files());
        assert!(unchanged.is_empty() && outcome.fixed == 0, "{outcome:?}");

        let mut sources: Vec<SourceFile> = checked.corpus.articles.iter().map(|a| a.source.clone()).collect();
        // An article with findings, an H1 and no embedded JSON (which must follow the H1 directly).
        let victim = checked
            .corpus
            .articles
            .iter()
            .position(|a| {
                a.body.json.is_none()
                    && a.body.h1().is_some()
                    && checked.diagnostics.iter().filter(|d| d.path == a.path()).count() >= 2
            })
            .expect("a suitable article");
        let h1_end = checked.corpus.articles[victim].body.h1().unwrap().span.end;
        let mut text = sources[victim].text.clone();
        text.insert_str(h1_end, "\nAn added line.\n\nSee [this](https://).\n\n");
        sources[victim] = SourceFile::new(sources[victim].rel_path.clone(), text, sources[victim].bom);
        let mut corpus = Corpus::new(sources.into_iter().map(kbc::article::Article::parse).collect());
        // Files that could not be read are not articles: their findings stay.
        corpus.unusable = checked.corpus.unusable.clone();
        let diags = lint::lint(&Context::new(&corpus, &checked.config), &checked.levels);
        let diags = lint::finish_in(&corpus, diags, &checked.levels);
        let files = Files::new(corpus.articles.iter().map(|a| &a.source).chain(&checked.undecodable));
        let (new, outcome) = baseline.filter(diags, &files);
        let names: Vec<_> = new.iter().map(|d| (d.path.as_str(), d.name)).collect();
        assert_eq!(names, [(corpus.articles[victim].path(), "placeholder-link")], "{outcome:?}");
        assert_eq!(outcome.fixed, 0);
        eprintln!("corpus baseline round trip: {:.1}s", start.elapsed().as_secs_f64());
    }
}
