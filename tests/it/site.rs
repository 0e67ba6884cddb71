//! The static site as files on disk: every article and group gets a page of
//! its own (no two outputs share a path), and no page is too heavy to load.

use crate::common::Kb;
use std::path::Path;

/// A valid article with a title, a service and an article id.
fn article(title: &str, service: &str, id: u32) -> String {
    format!(
        "<properties\n    pageTitle=\"{title}\"\n    description=\"About {title}\"\n    service=\"{service}\"\n    \
         resource=\"things\"\n    ms.author=\"someone\"\n    selfHelpType=\"generic\"\n    supportTopicIds=\"{}\"\n    \
         productPesIds=\"16432\"\n    cloudEnvironments=\"public\"\n    \
         articleId=\"8e0f4a6c-1d2b-4c3e-9f5a-{id:012}\"\n    ownershipId=\"Owner\"\n/>\n\n# {title}\n\n\
         ## **Recommended Steps**\n\n* Do the thing.\n",
        32_677_000 + id
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_page_beside_a_folder_of_the_same_name_and_similar_services_get_pages_of_their_own() {
    let kb = Kb::empty();
    kb.write("articles/x.md", article("Page x", "Foo Bar", 1));
    kb.write("articles/x.html/y.md", article("Page y", "Foo/Bar", 2));
    kb.write("articles/z/z.md", article("Page z", "Foo-Bar", 3));
    let run = kb.run(["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let site = kb.path("out/site");
    assert!(read(&site.join("articles/x.html")).contains("Page x"));
    assert!(read(&site.join("articles/x.html_/y.html")).contains("Page y"));
    for (file, title) in [("foo_20bar", "Page x"), ("foo_2fbar", "Page y"), ("foo-bar", "Page z")] {
        let page = read(&site.join(format!("services/{file}.html")));
        assert!(page.contains(title), "services/{file}.html lacks {title}");
        assert_eq!(page.matches("<li>\n    <a href").count(), 1, "services/{file}.html lists one article");
    }
}

/// The most an HTML page of the site may weigh.
const PAGE_BUDGET: u64 = 200 * 1024;

/// Every `.html` file under `dir` with its size, heaviest first.
fn html_pages(dir: &Path) -> Vec<(u64, String)> {
    let mut pages: Vec<(u64, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| (e.metadata().unwrap().len(), e.path().strip_prefix(dir).unwrap().display().to_string()))
        .collect();
    pages.sort_by(|a, b| b.cmp(a));
    pages
}

fn assert_pages_light(out: &Path) {
    let pages = html_pages(out);
    let heavy: Vec<&(u64, String)> = pages.iter().filter(|p| p.0 > PAGE_BUDGET).collect();
    eprintln!("{} HTML pages; heaviest: {:?}", pages.len(), &pages[..pages.len().min(3)]);
    assert!(heavy.is_empty(), "pages over {PAGE_BUDGET} B: {heavy:?}");
}

#[test]
fn every_page_of_the_sample_weighs_at_most_200_kb() {
    let kb = Kb::empty();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(manifest.join("book.toml"), kb.path("book.toml")).unwrap();
    crate::common::copy_tree(&manifest.join("articles"), &kb.path("articles"));
    let run = kb.run(["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_pages_light(&kb.path("out"));
}

/// The corpus (`KBC_CORPUS`) built once per test run with `--skip-invalid`;
/// `None` (said by the gate) without it.
pub fn corpus_out() -> Option<&'static Path> {
    static OUT: std::sync::OnceLock<Option<tempfile::TempDir>> = std::sync::OnceLock::new();
    let root = crate::common::gate::require_corpus()?;
    let dir = OUT.get_or_init(|| {
        // A static is never dropped, so each run's folder outlives it (650 MB
        // each): remove those of test processes that are gone.
        remove_stale_corpus_outs(Path::new(env!("CARGO_TARGET_TMPDIR")));
        let prefix = format!("site-corpus-{}-", std::process::id());
        let out = tempfile::Builder::new().prefix(&prefix).tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
            .args(["build", "--skip-invalid", "-q", "-o"])
            .arg(out.path().join("out"))
            .arg(&root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.code().is_some_and(|c| c <= 1), "the corpus build failed: {status}");
        Some(out)
    });
    dir.as_ref().map(|d| &*Box::leak(d.path().join("out").into_boxed_path()))
}

/// Removes `site-corpus-PID-*` folders whose process no longer runs.
fn remove_stale_corpus_outs(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid =
            name.strip_prefix("site-corpus-").and_then(|r| r.split('-').next()).and_then(|p| p.parse::<u32>().ok());
        let gone = pid.is_none_or(|p| !Path::new(&format!("/proc/{p}")).exists());
        if name.starts_with("site-corpus-") && gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Typical questions and error messages, for measuring what a query loads.
pub const CORPUS_QUERIES: &[&str] = &[
    "storage account key rotation",
    "login failed for user",
    "cannot connect to virtual machine",
    "AADSTS50076",
    "quota exceeded",
    "VPN gateway disconnects",
    "backup failed",
    "request rate too large",
    "kubernetes node not ready",
    "certificate expired",
    "function app timeout",
    "blob access denied 403",
    "recovery services vault",
    "disk encryption",
    "The remote server returned an error: (409) Conflict",
];

/// FNV-1a (32 bits) of the UTF-8 bytes: how the site puts a term in its shard.
fn shard_of(term: &str, shards: usize) -> usize {
    let h = term.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    h as usize & (shards - 1)
}

/// A number in the manifest (`"key":123`).
fn manifest_number(manifest: &str, key: &str) -> usize {
    let rest = &manifest[manifest.find(&format!("\"{key}\":")).unwrap() + key.len() + 3..];
    rest[..rest.find([',', '}']).unwrap()].parse().unwrap()
}

/// The bytes the site's search loads for `query` before showing its first
/// ten results, as assets/search.js asks for them: the manifest, the shard
/// of each distinct term and word pair, the fragment chunks of the ten
/// results (the site ranks as `kbc match` does; the browser test asserts
/// it, and measures the same in Chromium).
fn search_bytes(out: &Path, urls: &std::collections::HashMap<String, usize>, query: &str) -> (u64, usize) {
    let search = out.join("site/search");
    let size = |rel: &str| std::fs::metadata(search.join(rel)).map(|m| m.len()).unwrap_or(0);
    let manifest = std::fs::read_to_string(search.join("index.js")).unwrap();
    let (shards, chunk) = (manifest_number(&manifest, "shards"), manifest_number(&manifest, "chunk"));
    let mut files = std::collections::BTreeSet::from(["index.js".to_string()]);
    // The shards of its tokens and word pairs (these queries have no log
    // noise to clean, nor camel-case words to split).
    let terms = kbc::matching::model::tokens(query).into_iter().chain(kbc::matching::model::bigrams(query));
    for t in terms {
        files.insert(format!("t/{:x}.js", shard_of(&t, shards)));
    }
    let matched = std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
        .args(["match", "--format", "json", "--limit", "10", "--bundle"])
        .arg(out.join("rules.json"))
        .arg(query)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&matched.stdout).unwrap();
    let hits = json["matches"].as_array().unwrap();
    for m in hits {
        let doc = urls[m["path"].as_str().unwrap()];
        files.insert(format!("d/{:x}.js", doc / chunk));
    }
    (files.iter().map(|f| size(f)).sum(), hits.len())
}

/// Article numbers in the search index (path order) by source path, read
/// from the bundle (the index numbers published articles by path).
fn doc_numbers(out: &Path) -> std::collections::HashMap<String, usize> {
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("rules.json")).unwrap()).unwrap();
    let mut paths: Vec<String> =
        bundle["articles"].as_array().unwrap().iter().map(|a| a["path"].as_str().unwrap().to_string()).collect();
    paths.sort();
    paths.into_iter().enumerate().map(|(i, p)| (p, i)).collect()
}

/// What a typical query may load before its first results.
const SEARCH_BUDGET: u64 = 150 * 1024;

#[test]
fn corpus_pages_weigh_at_most_200_kb_and_a_query_loads_little() {
    let Some(out) = corpus_out() else { return };
    assert_pages_light(out);
    let urls = doc_numbers(out);
    let mut bytes: Vec<(u64, usize, &str)> = CORPUS_QUERIES
        .iter()
        .map(|q| {
            let (b, hits) = search_bytes(out, &urls, q);
            (b, hits, *q)
        })
        .collect();
    bytes.sort();
    eprintln!("search: bytes loaded before the first ten results, per query:");
    for (b, hits, q) in &bytes {
        eprintln!("  {b:>8} B  {hits:>2} results  {q}");
    }
    let median = bytes[bytes.len() / 2].0;
    eprintln!("  median {median} B, max {} B", bytes.last().unwrap().0);
    assert!(median <= SEARCH_BUDGET, "a typical query loads {median} B, over {SEARCH_BUDGET} B");
}
