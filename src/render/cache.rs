//! The incremental build cache. A build records, in OUT, a key: a BLAKE3
//! hash over everything the output is a function of (kbc's version and
//! executable, the config, the templates folder, the selected clouds, every
//! published article's path and text, and what the report says about skipped
//! articles and diagnostics). A later build whose key matches finds OUT
//! already up to date and writes nothing.
//!
//! Correct first: any input the key misses would be a stale output, so the
//! key errs on the side of rebuilding (a rebuilt kbc binary, even with the
//! same version, invalidates it). The cache lives inside OUT, so it is
//! swapped in atomically with the output it describes and cannot outlive it.
//!
//! When the build key differs, pages can still be reused one by one: the
//! manifest also records, per article page URL, a page key hashing
//! everything a page is a function of (kbc, config, templates, clouds, the
//! set of published paths, which decides every URL and article link, and
//! the article's text before and after include expansion). A page whose key
//! matches the previous build's is hard-linked from the previous OUT.

use super::report::{self, BuildReport};
use super::{BuildInput, GENERATOR};
use anyhow::Result;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The cache file, relative to OUT.
pub(crate) const CACHE_FILE: &str = ".kbc-cache.json";

/// What a build leaves in [`CACHE_FILE`].
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Manifest {
    /// `kbc <version>`: another version never trusts this cache.
    pub(crate) generator: String,
    /// `blake3:` and the hex hash of every input (see the module docs).
    pub(crate) key: String,
    /// Page key by article page URL (see the module docs).
    #[serde(default)]
    pub(crate) pages: BTreeMap<String, String>,
}

impl Manifest {
    pub(crate) fn new(key: String) -> Manifest {
        Manifest { generator: GENERATOR.to_string(), key, pages: BTreeMap::new() }
    }

    pub(crate) fn to_json(&self) -> Result<Vec<u8>> {
        let mut out = serde_json::to_vec_pretty(self)?;
        out.push(b'\n');
        Ok(out)
    }
}

/// The keys of a build of `input`: the whole build's, and the part every
/// article page's key starts from.
pub(crate) fn keys(input: &BuildInput<'_>) -> Result<(String, blake3::Hash)> {
    let mut h = blake3::Hasher::new();
    field(&mut h, "generator", GENERATOR.as_bytes());
    field(&mut h, "executable", executable_hash().as_bytes());
    field(&mut h, "config", format!("{:?}", input.config).as_bytes());
    hash_templates(&mut h, &input.config.root.join("templates"))?;
    field(&mut h, "clouds", format!("{:?}", input.clouds).as_bytes());
    let mut pages = h.clone();
    for a in &input.published {
        field(&mut pages, "path", a.path().as_bytes());
    }
    Ok((build_key(input, h)?, pages.finalize()))
}

/// The key of one article page, from the pages' shared key, the page's URL
/// and the article's text as read and with includes expanded.
pub(crate) fn page_key(pages: &blake3::Hash, url: &str, text: &str, expanded: Option<&str>) -> String {
    let mut h = blake3::Hasher::new();
    h.update(pages.as_bytes());
    field(&mut h, "url", url.as_bytes());
    field(&mut h, "text", text.as_bytes());
    match expanded {
        Some(e) => field(&mut h, "expanded", e.as_bytes()),
        None => field(&mut h, "unexpanded", b""),
    }
    h.finalize().to_hex().to_string()
}

fn build_key(input: &BuildInput<'_>, mut h: blake3::Hasher) -> Result<String> {
    field(&mut h, "read", input.read.to_string().as_bytes());
    let articles: Vec<blake3::Hash> = input.published.par_iter().map(|a| blake3::hash(a.text().as_bytes())).collect();
    for (a, text) in input.published.iter().zip(&articles) {
        field(&mut h, "article", a.path().as_bytes());
        h.update(text.as_bytes());
    }
    field(&mut h, "skipped", &serde_json::to_vec(&input.skipped)?);
    field(&mut h, "diagnostics", &serde_json::to_vec(&report::by_rule(input.diagnostics))?);
    Ok(format!("blake3:{}", h.finalize().to_hex()))
}

/// Length-prefixed, so that no two different inputs hash the same bytes.
fn field(h: &mut blake3::Hasher, name: &str, bytes: &[u8]) {
    h.update(name.as_bytes());
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// The running kbc's own bytes: a rebuilt kbc may render differently even at
/// the same version. Unreadable, it gets a key no later build can match.
fn executable_hash() -> String {
    let hash = std::env::current_exe().and_then(std::fs::File::open).and_then(|mut f| {
        let mut h = blake3::Hasher::new();
        let mut buf = vec![0; 1 << 16];
        loop {
            match f.read(&mut buf)? {
                0 => return Ok(h.finalize().to_hex().to_string()),
                n => h.update(&buf[..n]),
            };
        }
    });
    hash.unwrap_or_else(|_| format!("unreadable-{}", std::process::id()))
}

/// Every file under the knowledge base's `templates/` folder, by relative
/// path, so that adding, changing or removing an override changes the key.
fn hash_templates(h: &mut blake3::Hasher, dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for path in files {
        field(h, "template", crate::fs::display_rel(dir, &path).as_bytes());
        field(h, "bytes", &std::fs::read(&path).unwrap_or_default());
    }
    Ok(())
}

/// The manifest of the build in OUT, when written by this kbc version.
fn manifest(out: &Path) -> Option<Manifest> {
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(out.join(CACHE_FILE)).ok()?).ok()?;
    (manifest.generator == GENERATOR).then_some(manifest)
}

/// The page keys of the build in OUT (none when unknown).
pub(crate) fn previous_pages(out: &Path) -> BTreeMap<String, String> {
    manifest(out).map(|m| m.pages).unwrap_or_default()
}

/// The report of the build already in OUT, when that build had this key.
pub(crate) fn up_to_date(out: &Path, key: &str) -> Option<BuildReport> {
    if manifest(out)?.key != key {
        return None;
    }
    serde_json::from_slice(&std::fs::read(out.join(super::output::REPORT_FILE)).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_of_another_kbc_version_is_not_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let stale = Manifest { generator: "kbc 0.0.0".into(), key: "blake3:k".into(), pages: BTreeMap::new() };
        std::fs::write(dir.path().join(CACHE_FILE), stale.to_json().unwrap()).unwrap();
        std::fs::write(dir.path().join(super::super::output::REPORT_FILE), b"{}").unwrap();
        assert!(up_to_date(dir.path(), "blake3:k").is_none());
    }

    #[test]
    fn fields_are_length_prefixed() {
        let hash = |parts: &[&str]| {
            let mut h = blake3::Hasher::new();
            for p in parts {
                field(&mut h, "f", p.as_bytes());
            }
            h.finalize()
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
    }
}
