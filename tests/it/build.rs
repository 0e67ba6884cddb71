//! `kbc build` end to end: the bundle snapshot, per-cloud filtering and link
//! rewriting, schema validation, failure safety, determinism across thread
//! counts, and sanitising of hostile HTML.

use crate::common::Kb;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ids(bundle: &Value) -> Vec<String> {
    bundle["articles"].as_array().unwrap().iter().map(|a| a["path"].as_str().unwrap().to_string()).collect()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::common::output_tree(dir)
}

/// Re-indents compact JSON two spaces per level, keeping key order and
/// every byte of every string, so the bundle snapshot is readable.
fn indent(json: &str) -> String {
    let (mut out, mut depth, mut in_string, mut escaped) = (String::new(), 0usize, false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    for c in json.chars().filter(|&c| c != '\n') {
        if in_string {
            out.push(c);
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
            continue;
        }
        match c {
            '"' => (in_string, escaped) = (true, false),
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
            }
            _ => {}
        }
        out.push(c);
        match c {
            '{' | '[' | ',' => newline(&mut out, depth),
            ':' => out.push(' '),
            _ => {}
        }
    }
    out
}

const BROKEN: &str = "# No header here\n\nThis article has no properties block.\n";

#[test]
fn builds_the_sample_bundle_as_in_the_snapshot() {
    let kb = Kb::fixture("build-sample");
    kb.run(["build"]).code(0);
    let bundle = std::fs::read_to_string(kb.path("out/rules.json")).unwrap();
    insta::with_settings!({filters => vec![(r"kbc \d+\.\d+\.\d+\S*?\x22", "kbc [VERSION]\"")]}, {
        insta::assert_snapshot!(indent(&bundle));
    });
    for page in
        ["index.html", "search/index.js", "assets/style.css", "articles/storage/blob-403.html", "types/rca.html"]
    {
        assert!(kb.path("out/site").join(page).is_file(), "missing site/{page}");
    }
}

#[test]
fn publishes_each_article_only_to_its_effective_clouds() {
    let kb = Kb::fixture("build-sample");
    kb.run(["build"]).code(0);
    let cloud = |c: &str| ids(&read_json(&kb.path(&format!("out/clouds/{c}/rules.json"))));
    let all = "articles/rca/storage-outage-rca.md";
    assert_eq!(cloud("fairfax"), ["articles/storage/blob-403.md", all], "sas-expired names fairfax in disableClouds");
    assert_eq!(cloud("mooncake"), ["articles/storage/sas-expired.md", "articles/scoping/storage-questions.md", all]);
    assert_eq!(cloud("ussec"), [all]);
    assert_eq!(ids(&read_json(&kb.path("out/rules.json"))).len(), 4);
    assert_eq!(read_json(&kb.path("out/clouds/ussec/rules.json"))["cloud"], "ussec");
    assert!(kb.path("out/clouds/mooncake/site/articles/storage/sas-expired.html").is_file());
    assert!(!kb.path("out/clouds/fairfax/site/articles/storage/sas-expired.html").exists());
    let report = read_json(&kb.path("out/build-report.json"));
    assert_eq!(report["counts"]["clouds"]["fairfax"], 2);
    assert_eq!(report["counts"]["published"], 4);
}

#[test]
fn rewrites_links_in_that_clouds_site_and_bundle_only() {
    let kb = Kb::fixture("build-sample");
    kb.run(["build"]).code(0);
    let page =
        |prefix: &str| std::fs::read_to_string(kb.path(&format!("{prefix}/articles/storage/blob-403.html"))).unwrap();
    assert!(page("out/clouds/fairfax/site").contains("https://portal.azure.us/#blade/storage/networking"));
    assert!(!page("out/clouds/fairfax/site").contains("https://portal.azure.com"));
    assert!(page("out/clouds/public/site").contains("https://portal.azure.com/#blade/storage/networking"));
    assert!(page("out/site").contains("https://portal.azure.com/#blade/storage/networking"));
    let fairfax = read_json(&kb.path("out/clouds/fairfax/rules.json"));
    let links: Vec<&str> =
        fairfax["articles"][0]["links"].as_array().unwrap().iter().map(|l| l["url"].as_str().unwrap()).collect();
    assert!(links.contains(&"https://portal.azure.us/#blade/storage/networking"), "{links:?}");
    let public = read_json(&kb.path("out/clouds/public/rules.json"));
    assert_eq!(public["articles"][0]["links"][0]["url"], "https://portal.azure.com/#blade/storage/networking");
    // Pages a cloud does not rewrite are the main site's page, not a copy.
    let shared = std::fs::read(kb.path("out/clouds/fairfax/site/articles/rca/storage-outage-rca.html")).unwrap();
    assert_eq!(shared, std::fs::read(kb.path("out/site/articles/rca/storage-outage-rca.html")).unwrap());
}

#[test]
fn bundles_validate_against_the_generated_schema() {
    let kb = Kb::fixture("build-sample");
    kb.run(["build"]).code(0);
    let schema = read_json(&kb.path("out/rules.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    for bundle in ["out/rules.json", "out/clouds/public/rules.json", "out/clouds/mooncake/rules.json"] {
        let value = read_json(&kb.path(bundle));
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{bundle}: {errors:#?}");
    }
    let mut broken = read_json(&kb.path("out/rules.json"));
    broken["articles"][0]["clouds"] = Value::from("public");
    assert!(!validator.is_valid(&broken), "the schema must reject a wrong type");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let kb = Kb::fixture("build-sample");
    kb.run(["build"]).code(0);
    let before = tree(&kb.path("out"));
    kb.write("articles/storage/broken.md", BROKEN);
    let run = kb.run(["build"]);
    run.code(1);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(tree(&kb.path("out")), before);
    let leftovers: Vec<_> = std::fs::read_dir(kb.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("kbc-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

#[test]
fn skip_invalid_publishes_the_rest_and_reports_what_was_skipped() {
    let kb = Kb::fixture("build-sample");
    kb.write("articles/storage/broken.md", BROKEN);
    kb.run(["build", "--skip-invalid"]).code(0);
    let report = read_json(&kb.path("out/build-report.json"));
    assert_eq!(report["counts"]["read"], 5);
    assert_eq!(report["counts"]["published"], 4);
    assert_eq!(report["skipped"][0]["path"], "articles/storage/broken.md");
    assert_eq!(report["skipped"][0]["reasons"][0]["name"], "missing-properties");
    assert!(report["diagnostics"]["KB001"]["errors"].as_u64() == Some(1));
    assert!(!ids(&read_json(&kb.path("out/rules.json"))).iter().any(|p| p.contains("broken")));
}

#[test]
fn one_and_two_threads_write_byte_identical_output() {
    let kb = Kb::fixture("build-sample");
    kb.finish(kb.kbc(["build", "-o", "one"]).env("RAYON_NUM_THREADS", "1")).code(0);
    kb.finish(kb.kbc(["build", "-o", "two"]).env("RAYON_NUM_THREADS", "2")).code(0);
    let (one, two) = (tree(&kb.path("one")), tree(&kb.path("two")));
    assert!(one.len() > 20, "expected a full output, got {} files", one.len());
    assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
    for (path, bytes) in &one {
        assert!(bytes == &two[path], "{path} differs between 1 and 2 threads");
    }
}

#[test]
fn cloud_flag_limits_the_per_cloud_outputs() {
    let kb = Kb::fixture("build-sample");
    kb.run(["build", "--cloud", "Mooncake"]).code(0);
    let clouds: Vec<_> = std::fs::read_dir(kb.path("out/clouds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(clouds, ["mooncake"]);
    assert!(kb.path("out/rules.json").is_file() && kb.path("out/site/index.html").is_file());
    let run = kb.run(["build", "--cloud", "fairfx"]);
    run.code(2);
    assert!(run.stderr.contains("did you mean `fairfax`"), "{}", run.stderr);
}

#[test]
fn refuses_an_output_folder_inside_the_sources() {
    let kb = Kb::fixture("build-sample");
    let run = kb.run(["build", "-o", "articles/site"]);
    run.code(2);
    assert!(run.stderr.contains("inside the source folder"), "{}", run.stderr);
    assert!(!kb.path("articles/site").exists());
}

#[test]
fn renders_readable_views_of_portal_markup_and_embedded_json() {
    let kb = Kb::fixture("build-sample");
    kb.run(["build"]).code(0);
    let rca = std::fs::read_to_string(kb.path("out/site/articles/rca/storage-outage-rca.html")).unwrap();
    assert!(rca.contains("<div class=\"kbc-issue\">"), "{rca}");
    assert!(rca.contains("<span class=\"kbc-placeholder\" title=\"AccountName\">AccountName</span>"), "{rca}");
    let form = std::fs::read_to_string(kb.path("out/site/articles/scoping/storage-questions.html")).unwrap();
    let first = form.find("Where does the request come from?").expect("dropdown question shown");
    assert!(first < form.find("Describe the failing request").unwrap(), "questions follow their order field");
    assert!(form.contains("<option>A virtual network</option>"));
    let blob = std::fs::read_to_string(kb.path("out/site/articles/storage/blob-403.html")).unwrap();
    assert!(
        blob.contains("href=\"../../articles/storage/sas-expired.html#renew\""),
        "relative .md links point at pages"
    );
    assert!(blob.contains(
        "<span class=\"badge cloud\" title=\"Published to Azure Government (fairfax)\">Azure Government</span>"
    ));
    let sas = std::fs::read_to_string(kb.path("out/site/articles/storage/sas-expired.html")).unwrap();
    assert!(sas.contains("rotate the account key to invalidate it"), "the include is expanded");
    assert!(sas.contains("<h2 id=\"renew\">"), "the anchor the link above points at exists");
    assert!(!sas.contains("INCLUDE"), "{sas}");
}

/// Built through the library with every article published, so that the
/// sanitiser is tested even if a lint rule would stop these articles.
#[test]
fn sanitises_hostile_html_in_article_pages() {
    let kb = Kb::fixture("build-hostile");
    let mut checked = kbc::commands::check::load(kb.root()).unwrap();
    let input = kbc::render::BuildInput {
        config: &checked.config,
        published: (0..checked.corpus.articles.len()).collect(),
        read: checked.corpus.len(),
        corpus: std::mem::take(&mut checked.corpus),
        skipped: Vec::new(),
        diagnostics: &checked.diagnostics,
        clouds: vec![kbc::article::vocab::Cloud::Public],
        out: kb.path("out"),
        input_key: String::new(),
    };
    kbc::render::build(input, &mut Default::default()).unwrap();
    let page = std::fs::read_to_string(kb.path("out/site/articles/hostile.html")).unwrap();
    let body = &page[page.find("<div class=\"content\">").unwrap()..page.find("<aside").unwrap()];
    for bad in ["<script", "owned", "onerror", "onclick", "onmouseover", "javascript:", "<iframe", "style="] {
        assert!(!body.contains(bad), "`{bad}` survived:\n{body}");
    }
    assert!(body.contains("<img src=\"diagram.png\" alt=\"diagram\">"), "{body}");
    assert!(body.contains("href=\"https://learn.microsoft.com/azure/storage/\""), "{body}");
}

/// A sample of the real corpus (every 40th article, with its folders),
/// built with --skip-invalid: it must complete, validate against the schema
/// and give every published article a sanitised page. Runs only when
/// `KBC_CORPUS` is set; the full corpus is too slow for a debug test build.
#[test]
fn builds_a_sample_of_the_real_corpus() {
    let Some(corpus) = crate::common::gate::require_corpus() else { return };
    let kb = Kb::empty();
    let files: Vec<_> = walkdir::WalkDir::new(corpus.join("articles"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .step_by(40)
        .collect();
    for e in &files {
        let rel = e.path().strip_prefix(&corpus).unwrap().to_string_lossy().replace('\\', "/");
        kb.write(&rel, std::fs::read(e.path()).unwrap());
    }
    kb.run(["build", "--skip-invalid", "-q"]).code(0);
    let report = read_json(&kb.path("out/build-report.json"));
    assert_eq!(report["counts"]["read"].as_u64(), Some(files.len() as u64));
    let bundle = read_json(&kb.path("out/rules.json"));
    let validator = jsonschema::validator_for(&read_json(&kb.path("out/rules.schema.json"))).unwrap();
    assert!(validator.is_valid(&bundle));
    let published = bundle["articles"].as_array().unwrap();
    assert!(published.len() * 10 > files.len() * 9, "most of the sample publishes: {}", published.len());
    let pages: Vec<_> = walkdir::WalkDir::new(kb.path("out/site/articles"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .collect();
    assert_eq!(pages.len(), published.len(), "one page per published article");
    for page in pages {
        let html = std::fs::read_to_string(page.path()).unwrap();
        let content = &html[html.find("<div class=\"content\">").unwrap()..];
        assert!(!content.contains("<script") && !content.contains("javascript:"), "{}", page.path().display());
    }
}

/// The bundled sample knowledge base (`book.toml` and `articles/`), copied.
fn repository_sample() -> Kb {
    let kb = Kb::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    kb.write("book.toml", std::fs::read(repo.join("book.toml")).unwrap());
    for e in walkdir::WalkDir::new(repo.join("articles")).into_iter().filter_map(Result::ok) {
        if e.file_type().is_file() {
            kb.write(&e.path().strip_prefix(repo).unwrap().to_string_lossy(), std::fs::read(e.path()).unwrap());
        }
    }
    kb
}

#[test]
fn every_relative_link_of_every_built_site_resolves() {
    let kb = repository_sample();
    kb.run(["build", "--quiet"]).code(0);
    let out = kb.path("out");
    let sites: Vec<_> = std::iter::once(out.join("site"))
        .chain(["public", "fairfax", "mooncake", "usnat", "ussec"].map(|c| out.join("clouds").join(c).join("site")))
        .collect();
    for site in sites {
        assert!(site.join("index.html").is_file(), "{} was not built", site.display());
        let broken = crate::common::links::unresolved(&site);
        assert!(broken.is_empty(), "{}: unresolved links {broken:#?}", site.display());
    }
}

/// A whole article with a valid header (id `n`) and `body` under an H1.
fn article(n: u32, title: &str, body: &str) -> String {
    format!(
        "<properties\n  pageTitle=\"{title}\"\n  description=\"d\"\n  service=\"microsoft.test\"\n  resource=\"r\"\n  ms.author=\"a\"\n  selfHelpType=\"generic\"\n  supportTopicIds=\"32677721\"\n  productPesIds=\"16432\"\n  cloudEnvironments=\"public, fairfax\"\n  articleId=\"00000000-0000-4000-8000-{n:012}\"\n  ownershipId=\"T\"\n/>\n\n# {title}\n\n{body}\n"
    )
}

/// `kbc check` and the site find a relative link's target with one resolver
/// (query and fragment cut, then each segment percent-decoded, a leading `/`
/// at the root): every link check accepts points at the target's page on
/// every site, and the one link check reports stays as written.
#[test]
fn a_link_check_accepts_works_on_the_site_and_a_broken_one_is_reported() {
    let kb = Kb::empty();
    // The target names are odd on purpose: the house rule against spaces in file names is off here.
    kb.write("book.toml", "[lints]\nbroken-internal-link = \"warn\"\nspace-in-file-name = \"allow\"\n");
    let targets = ["with space.md", "c#d.md", "e?f.md", "100%.md", "café.md"];
    for (i, name) in targets.iter().enumerate() {
        kb.write(&format!("articles/b/{name}"), article(i as u32 + 1, &format!("Target {i}"), "Text."));
    }
    let good = [
        "../b/with%20space.md",
        "<../b/with space.md>",
        "../b/c%23d.md#top",
        "../b/e%3Ff.md?x=1",
        "../b/100%25.md",
        "../b/caf%C3%A9.md",
        "/articles/b/with%20space.md",
        "%2E%2E/b/c%23d.md",
    ];
    let links: Vec<String> = good.iter().enumerate().map(|(i, t)| format!("[link {i}]({t})")).collect();
    let body = format!("{}\n\nAnd [broken](../b/with%2520space.md).", links.join("\n\n"));
    kb.write("articles/a/links.md", article(99, "Links", &body));

    let run = kb.run(["check", "--format", "json"]);
    let findings: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let codes: Vec<(&str, &str)> =
        findings.iter().map(|f| (f["code"].as_str().unwrap(), f["message"].as_str().unwrap())).collect();
    assert_eq!(
        codes,
        [("KB207", "`../b/with%2520space.md` does not exist (resolved to `articles/b/with%20space.md`)")]
    );

    kb.run(["build", "--quiet"]).code(0);
    for site in ["out/site", "out/clouds/public/site", "out/clouds/fairfax/site"] {
        let page = std::fs::read_to_string(kb.path(site).join("articles/a/links.html")).unwrap();
        let hrefs: Vec<&str> = page.split("href=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
        let to_pages = hrefs.iter().filter(|h| h.starts_with("../../articles/b/")).count();
        assert_eq!(to_pages, good.len(), "{site}: {hrefs:#?}");
        let broken = crate::common::links::unresolved(&kb.path(site));
        let written: Vec<&str> = broken.iter().map(|(_, url)| url.as_str()).collect();
        assert_eq!(written, ["../b/with%2520space.md"], "{site}");
    }
}
