use super::*;
use crate::diagnostic::Diagnostic;
use crate::lint::rules::testing::article;

/// What a fresh check of the session's current texts finds.
fn fresh(s: &Session) -> Vec<Diagnostic> {
    let sources = s.corpus().articles.iter().map(|a| a.source.clone()).collect();
    let mut corpus = lint::parse_all(sources, &Progress::hidden());
    corpus.unusable = s.corpus().unusable.clone();
    let diags = lint::lint(&Context::new(&corpus, s.config()), s.levels());
    lint::finish_in(&corpus, diags, s.levels())
}

fn codes<'a>(s: &'a Session, path: &str) -> Vec<&'a str> {
    s.diagnostics_of(path).iter().map(|d| d.code).collect()
}

/// An article with a valid header, its own id (`n`), clouds and body.
fn page(n: u32, clouds: &str, body: &str) -> String {
    article("", body)
        .replace("cloudEnvironments=\"public\"", &format!("cloudEnvironments=\"{clouds}\""))
        .replace("f1dae65e-2eee-4c5e-bbd3-4a1310313f3d", &format!("00000000-0000-4000-8000-{n:012}"))
}

struct Kb {
    dir: tempfile::TempDir,
}

impl Kb {
    fn new(files: &[(&str, String)]) -> Kb {
        let kb = Kb { dir: tempfile::tempdir().unwrap() };
        for (path, text) in files {
            kb.write(path, text.as_bytes());
        }
        kb
    }

    fn write(&self, path: &str, bytes: &[u8]) {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    fn session(&self) -> Session {
        Session::load(self.dir.path(), Mode::Incremental).unwrap()
    }
}

const A: &str = "articles/a.md";
const B: &str = "articles/b.md";
const C: &str = "articles/c.md";

#[test]
fn findings_after_a_series_of_edits_equal_a_fresh_check() {
    let kb = Kb::new(&[
        (A, page(1, "public, fairfax", "See [b](b.md) and [gone](c.md).\n")),
        (B, page(2, "public, fairfax", "Text.\n")),
    ]);
    let mut s = kb.session();
    assert_eq!(s.diagnostics(), fresh(&s));
    assert_eq!(codes(&s, A), ["KB207"]);

    // The link target leaves a cloud: the linking article's findings change.
    let u = s.set_text(B, page(2, "public", "Text.\n"));
    assert_eq!(u.changed, [A]);
    assert_eq!(codes(&s, A), ["KB208", "KB207"]);
    assert_eq!(s.diagnostics(), fresh(&s));

    // A missing target appears (unsaved, in memory): the link resolves.
    let u = s.set_text(C, page(3, "public, fairfax", "New.\n"));
    assert_eq!(u.changed, [A]);
    assert_eq!(codes(&s, A), ["KB208"]);
    assert_eq!(s.diagnostics(), fresh(&s));

    // Two articles share an id: a corpus rule, findings on both.
    let u = s.set_text(C, page(2, "public, fairfax", "New.\n"));
    assert_eq!(u.changed, [B, C]);
    assert_eq!(s.diagnostics(), fresh(&s));

    // A broken header (no id: the duplicate is gone), then the file saved
    // on disk as Latin-1, then deleted (the link to it breaks).
    assert_eq!(s.set_text(B, "# No header\n\nText.\n".into()).changed, [A, B, C]);
    assert_eq!(codes(&s, B), ["KB001"]);
    assert_eq!(s.diagnostics(), fresh(&s));
    kb.write(B, b"caf\xe9\n");
    let u = s.reload(B);
    assert!(u.changed.contains(&B.to_string()), "{u:?}");
    assert_eq!(codes(&s, B), ["KB901"]);
    assert_eq!(s.diagnostics(), fresh(&s));
    std::fs::remove_file(kb.dir.path().join(B)).unwrap();
    let u = s.reload(B);
    assert_eq!(u.changed, [A, B]);
    assert_eq!(codes(&s, A), ["KB207"]);
    assert_eq!(s.diagnostics(), fresh(&s));

    // Back on disk: the session equals a fresh load from disk.
    kb.write(C, s.corpus().by_path(C).unwrap().text().as_bytes());
    assert_eq!(s.diagnostics(), kb.session().diagnostics());
}

#[test]
fn an_edit_that_changes_nothing_reports_nothing() {
    let kb = Kb::new(&[(A, page(1, "public", "See [b](b.md).\n")), (B, page(2, "public", "Text.\n"))]);
    let mut s = kb.session();
    let text = s.corpus().by_path(B).unwrap().text().to_string();
    assert_eq!(s.set_text(B, text.replace("Text.", "Other text.")), Update::default());
    assert_eq!(s.diagnostics(), fresh(&s));
}

#[test]
fn a_session_checked_once_can_still_be_edited() {
    let kb = Kb::new(&[(A, page(1, "public", "See [b](b.md).\n"))]);
    let mut s = Session::load(kb.dir.path(), Mode::Once).unwrap();
    assert_eq!(codes(&s, A), ["KB207"]);
    assert_eq!(s.set_text(B, page(2, "public", "Text.\n")).changed, [A]);
    assert_eq!(s.diagnostics(), fresh(&s));
}

/// Every article of the repository's sample, edited in turn in ways that
/// change what other articles see (its clouds, its id, its header): after
/// each edit the session's findings are a fresh check's.
#[test]
fn editing_each_sample_article_keeps_the_findings_of_a_fresh_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut s = Session::load(root, Mode::Incremental).unwrap();
    let paths: Vec<String> = s.corpus().articles.iter().map(|a| a.path().to_string()).collect();
    let first_id = s.corpus().articles[0].article_id().unwrap().to_string();
    for path in &paths {
        let text = s.corpus().by_path(path).unwrap().text().to_string();
        let id = s.corpus().by_path(path).unwrap().article_id().unwrap_or_default().to_string();
        let edits = [
            text.replacen("cloudEnvironments=\"", "cloudEnvironments=\"mooncake, ", 1),
            text.replacen(&id, &first_id, 1),
            text.replacen("<properties", "<propertie", 1),
            text.clone(),
        ];
        for edit in edits {
            s.set_text(path, edit);
            assert_eq!(s.diagnostics(), fresh(&s), "{path}");
        }
    }
    assert_eq!(s.diagnostics(), Session::load(root, Mode::Once).unwrap().diagnostics());
}

/// What a rule reads of other articles is recorded from what it asks the
/// context for; nothing else reaches them (the corpus is private to
/// `lint::context`, see its compile_fail example).
#[test]
fn what_a_rule_reads_is_recorded() {
    use crate::lint::{Reads, Rule, RuleMeta};
    struct Peeks;
    static META: RuleMeta = RuleMeta {
        code: "KB999",
        name: "peeks",
        default_level: crate::diagnostic::Level::Warning,
        summary: "",
        docs: "",
    };
    impl Rule for Peeks {
        fn meta(&self) -> &'static RuleMeta {
            &META
        }
        fn check_article(&self, a: &Article, cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {
            match a.path() {
                "a.md" => drop(cx.article("b.md").map(|b| b.effective_clouds())),
                "b.md" => drop(cx.corpus().len()),
                _ => drop(cx.resolver().resolve("c.md", "d.md")),
            }
        }
    }
    let corpus = lint::parse_all(
        ["a.md", "b.md", "c.md"].iter().map(|p| SourceFile::new(p.to_string(), "# T\n".into(), false)).collect(),
        &Progress::hidden(),
    );
    let config = Config::default();
    let runs = lint::run_articles(&[&Peeks], &corpus, &config, &Groups::default(), true);
    let reads: Vec<&[(&str, Reads)]> = runs.iter().map(|r| r.reads.as_slice()).collect();
    assert_eq!(reads[0], [("KB999", Reads { whole: false, paths: vec!["b.md".into()], keys: vec![] })]);
    assert_eq!(reads[1], [("KB999", Reads { whole: true, paths: vec![], keys: vec![] })]);
    assert_eq!(reads[2], [("KB999", Reads { whole: false, paths: vec!["d.md".into()], keys: vec![] })]);
    assert!(reads[0][0].1.covers("b.md") && !reads[0][0].1.covers("c.md") && reads[1][0].1.covers("c.md"));
}

/// A small pseudo-random generator (a linear congruential one): the same
/// seed gives the same edits on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.next() % xs.len()]
    }
}

/// Paths that share file names (`a.md`), folder names differing in case
/// (`x`, `X`), and a folder too deep.
const PATHS: &[&str] = &[
    "articles/x/a.md",
    "articles/X/b.md",
    "articles/y/a.md",
    "articles/y/c.md",
    "articles/x/deep/d.md",
    "articles/z/desc.md",
    "articles/z/ds.md",
];

/// An article drawn from a few values of everything the rules that compare
/// articles look at: articleIds (some equal but for case), products and
/// support topics (and descriptions defining them), displayOrder, clouds,
/// links with fragments, commonSolutionArticleIds, suppressions.
fn random_article(r: &mut Rng) -> String {
    const IDS: &[&str] = &[
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
        "00000000-0000-4000-8000-00000000000A",
        "00000000-0000-4000-8000-00000000000a",
        "00000000-0000-4000-8000-000000000009",
    ];
    let kind = r.pick(&["generic", "resource", "supportTopicDescription", "diagnoseAndSolve"]);
    let json = match kind {
        "supportTopicDescription" => {
            let topics = r.pick(&["{\"id\": \"111\"}, {\"id\": \"222\"}", "{\"id\": \"333\"}", ""]);
            format!("---\n{{\"supportTopics\": [{topics}]}}\n---\n")
        }
        "diagnoseAndSolve" => format!(
            "---\n{{\"commonProblems\": [{{\"supportTopicId\": \"{}\", \"commonSolutionArticleId\": \"{}\"}}]}}\n---\n",
            r.pick(&["111", "333", "444"]),
            r.pick(IDS),
        ),
        _ => String::new(),
    };
    format!(
        "<properties\n  pageTitle=\"Title\"\n  description=\"Desc\"\n  service=\"microsoft.test\"\n  resource=\"things\"\n  ms.author=\"alias\"\n  selfHelpType=\"{kind}\"\n  supportTopicIds=\"{}\"\n  productPesIds=\"{}\"\n  cloudEnvironments=\"{}\"\n  articleId=\"{}\"\n  displayOrder=\"{}\"\n  ownershipId=\"Team_Owner\"\n/>\n\n# Title\n\n{json}\n{}{}\n\n{}\n\nText.\n",
        r.pick(&["111", "222, 333", "444"]),
        r.pick(&["P1", "p1", "P2", "P1, P2"]),
        r.pick(&["public", "public, fairfax", "fairfax", "contoso"]),
        r.pick(IDS),
        r.pick(&["1", "2"]),
        r.pick(&["", "<!-- kbc-disable-next-line broken-fragment-link -->\n", "<!-- kbc-disable KB211 -->\n"]),
        r.pick(&["[t](a.md#steps)", "[t](../x/a.md#nope)", "[t](../y/c.md#other)", "[t](#steps)", "[t](../z/desc.md)"]),
        r.pick(&["## Steps", "## Other"]),
    )
}

/// The paths whose findings differ between two finished lists.
fn differing(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<String> {
    super::changed_paths(before, after)
}

/// Random edits (unsaved and saved), new files, deletions and undecodable
/// files over a knowledge base where every rule that compares articles has
/// something to compare: after each, the session's findings are those of a
/// fresh load of the same files, and it names exactly the files whose
/// findings changed.
#[test]
fn after_random_edits_the_session_equals_a_fresh_load() {
    let mut seen = BTreeSet::new();
    for seed in 1..=4 {
        let mut r = Rng(seed);
        let kb = Kb::new(&[]);
        for path in &PATHS[..4] {
            kb.write(path, random_article(&mut r).as_bytes());
        }
        let mut s = kb.session();
        assert_eq!(s.diagnostics(), kb.session().diagnostics());
        for step in 0..40 {
            let path = r.pick(PATHS);
            let before = s.diagnostics().to_vec();
            let update = match r.next() % 6 {
                0 => {
                    let _ = std::fs::remove_file(kb.dir.path().join(path));
                    s.remove(path)
                }
                1 => {
                    kb.write(path, b"caf\xe9\n");
                    s.reload(path)
                }
                2 => {
                    kb.write(path, random_article(&mut r).as_bytes());
                    s.reload(path)
                }
                _ => {
                    let text = random_article(&mut r);
                    kb.write(path, text.as_bytes());
                    s.set_text(path, text)
                }
            };
            let fresh = Session::load(kb.dir.path(), Mode::Once).unwrap();
            assert_eq!(s.diagnostics(), fresh.diagnostics(), "seed {seed}, step {step}, {path}");
            assert_eq!(update.changed, differing(&before, s.diagnostics()), "seed {seed}, step {step}, {path}");
            seen.extend(s.diagnostics().iter().map(|d| d.code));
        }
    }
    // Every rule that compares articles had findings to keep up to date.
    for code in ["KB012", "KB024", "KB211", "KB301", "KB302", "KB303", "KB304", "KB305", "KB600", "KB901"] {
        assert!(seen.contains(code), "{code} never fired: {seen:?}");
    }
}

/// On the real knowledge base (`KBC_CORPUS`), in memory only (nothing on
/// disk changes): edits that the rules comparing articles see (an articleId
/// copied, a support-topic description taken out, an article copied to a
/// new folder whose name differs only in case, typing in a title), then
/// the session's findings equal a fresh check's.
#[test]
fn edits_on_the_corpus_keep_the_findings_of_a_fresh_check() {
    let Some(root) = crate::lint::rules::testing::corpus() else { return };
    let mut s = Session::load(&root, Mode::Incremental).unwrap();
    let articles = &s.corpus().articles;
    let with_id: Vec<&Article> = articles.iter().filter(|a| a.article_id().is_some()).collect();
    let (a, b) = (with_id[0].path().to_string(), with_id[with_id.len() / 2].path().to_string());
    let id = with_id[0].article_id().unwrap().to_string();
    let b_text = with_id[with_id.len() / 2].text().to_string();
    let b_id = with_id[with_id.len() / 2].article_id().unwrap().to_string();
    let description = articles.iter().find(|a| a.self_help_type() == Some("supporttopicdescription"));
    let description = description.expect("the corpus has support-topic descriptions").path().to_string();
    let a_text = s.corpus().by_path(&a).unwrap().text().to_string();
    let (folder, name) = a.rsplit_once('/').unwrap();
    let twin = format!("{}/{name}", folder.to_uppercase());

    let u = s.set_text(&b, b_text.replacen(&b_id, &id, 1));
    assert!(u.changed.contains(&a) && u.changed.contains(&b), "{u:?}");
    s.remove(&description);
    s.set_text(&twin, a_text.clone());
    for (k, c) in "typed".chars().enumerate() {
        let text = s.corpus().by_path(&a).unwrap().text().to_string();
        let at = text.find("\n# ").map_or(0, |i| i + 3 + k);
        s.set_text(&a, format!("{}{c}{}", &text[..at], &text[at..]));
    }
    assert_eq!(s.diagnostics(), fresh(&s));
    // Back as on disk: the session equals a fresh load.
    s.remove(&twin);
    s.set_text(&a, a_text);
    s.set_text(&b, b_text);
    s.reload(&description);
    assert_eq!(s.diagnostics(), Session::load(Path::new(&root), Mode::Once).unwrap().diagnostics());
}
