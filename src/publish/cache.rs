//! The incremental build cache, kept in OUT beside the output it describes.
//!
//! - The input key: a BLAKE3 hash over everything a build reads (kbc's
//!   version and executable, the config, the templates folder, the build's
//!   options, every file found under the source folder, path and bytes). A
//!   build records it with the files outside the corpus that checking and
//!   rendering consulted (includes, link targets: see
//!   [`crate::article::probes`]) and the diagnostics checking found. A later
//!   build with the same key, whose consulted files are unchanged, shows
//!   those diagnostics again and is done: it neither checks nor renders.
//! - Page keys: per article page URL, a hash of everything the page is a
//!   function of (the pages' shared key: kbc, config, templates, clouds and
//!   the set of published paths, which decides every URL and article link;
//!   then the page's URL and the article's text before and after include
//!   expansion). A page whose key matches the previous build's is not
//!   rendered again.
//! - Index page keys: a hash of what each index page shows.
//!
//! The list of the files of the output is not here but in the signed
//! marker (`marker`): this manifest only ever decides what to reuse, never
//! what to remove, and a damaged one means a full build.
//!
//! Correct first: any input a key misses would be a stale output, so keys
//! err on the side of rebuilding (a rebuilt kbc binary, even with the same
//! version, invalidates them). `tests/it/build_cache.rs` proves incremental
//! output equal to a clean build's, byte for byte, after each kind of change.

use super::GENERATOR;
use super::out::Out;
use crate::article::probes::{self, Seen};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::discover::Discovered;
use anyhow::Result;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The cache manifest, relative to OUT.
pub(crate) const CACHE_FILE: &str = ".kbc-cache.json";
/// The diagnostics of the build in OUT, relative to OUT.
pub(crate) const DIAGNOSTICS_FILE: &str = ".kbc-diagnostics.json";

/// What a build leaves in [`CACHE_FILE`].
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Manifest {
    /// `kbc <version>`: another version never trusts this cache.
    pub(crate) generator: String,
    /// `blake3:` and the hex hash of every input (see the module docs).
    pub(crate) input_key: String,
    /// Files outside the corpus that the build consulted, as it saw them.
    #[serde(default)]
    pub(crate) probes: BTreeMap<String, Seen>,
    /// The key every page key starts from.
    #[serde(default)]
    pub(crate) pages_key: String,
    /// Page key by article page URL (see the module docs).
    #[serde(default)]
    pub(crate) pages: BTreeMap<String, String>,
    /// Index page key by path in OUT: a key over everything the page shows.
    #[serde(default)]
    pub(crate) indexes: BTreeMap<String, String>,
}

impl Manifest {
    pub(crate) fn write(&self, out: &mut impl std::io::Write) -> Result<()> {
        serde_json::to_writer(&mut *out, self)?;
        out.write_all(b"\n")?;
        Ok(())
    }

    /// The manifest of the build in OUT, when kbc wrote it (it is on the
    /// marker's list and a regular file) and this kbc version.
    pub(crate) fn read(out: &Out) -> Option<Manifest> {
        if !out.owned.owns(CACHE_FILE) || !out.regular(CACHE_FILE) {
            return None;
        }
        let manifest: Manifest = serde_json::from_slice(&std::fs::read(out.path(CACHE_FILE)).ok()?).ok()?;
        (manifest.generator == GENERATOR).then_some(manifest)
    }
}

/// The input key of a build of `found` under `config`, with the build's
/// options as named `settings`.
pub(crate) fn input_key(config: &Config, found: &Discovered, settings: &[(&str, &[u8])]) -> Result<String> {
    let mut h = shared(config)?;
    for (name, value) in settings {
        field(&mut h, name, value);
    }
    // In parallel here; each source keeps its hash for its page key.
    found.sources.par_iter().for_each(|s| {
        s.hash();
    });
    for s in &found.sources {
        field(&mut h, "source", s.rel_path.as_bytes());
        field(&mut h, "bom", &[u8::from(s.bom)]);
        h.update(s.hash().as_bytes());
    }
    for s in &found.undecodable {
        field(&mut h, "undecodable", s.rel_path.as_bytes());
        field(&mut h, "text", s.text.as_bytes());
    }
    field(&mut h, "found", format!("{:?}", found.unusable).as_bytes());
    Ok(format!("blake3:{}", h.finalize().to_hex()))
}

/// What a build up to date in OUT found and reported.
pub(crate) struct Replay<R> {
    pub diagnostics: Vec<Diagnostic>,
    pub report: R,
}

/// The diagnostics and report of the build in OUT (whose `manifest` is
/// given), when it had this input key, the files it consulted outside the
/// corpus are as it saw them, and OUT still has every file it wrote (a lost
/// one is restored by building).
pub(crate) fn replay<R: serde::de::DeserializeOwned>(
    manifest: &Manifest,
    out: &Out,
    key: &str,
    root: &Path,
) -> Option<Replay<R>> {
    // The probes' paths are read from OUT: only plain paths inside ROOT.
    let plain = manifest.probes.keys().all(|p| super::marker::plain(p));
    if manifest.input_key != key || !plain || !probes::unchanged(root, &manifest.probes) {
        return None;
    }
    if !out.owned.files.par_iter().all(|f| out.regular(f)) {
        return None;
    }
    let stored = std::fs::read(out.path(DIAGNOSTICS_FILE)).ok()?;
    let diagnostics = crate::diagnostic::store::decode(&stored, crate::lint::registry::meta)?;
    let report = serde_json::from_slice(&std::fs::read(out.path(super::staging::REPORT_FILE)).ok()?).ok()?;
    Some(Replay { diagnostics, report })
}

/// The key every page key of a build starts from: kbc, the config, the
/// templates, the clouds built (`clouds`, as the build names them) and the
/// published articles' paths.
pub(crate) fn pages_key<'a>(
    config: &Config,
    clouds: &str,
    paths: impl Iterator<Item = &'a str>,
) -> Result<blake3::Hash> {
    let mut h = shared(config)?;
    field(&mut h, "clouds", clouds.as_bytes());
    for path in paths {
        field(&mut h, "path", path.as_bytes());
    }
    Ok(h.finalize())
}

/// What every key starts from: kbc itself, the config and the templates.
fn shared(config: &Config) -> Result<blake3::Hasher> {
    let mut h = blake3::Hasher::new();
    field(&mut h, "generator", GENERATOR.as_bytes());
    field(&mut h, "executable", executable_hash().as_bytes());
    field(&mut h, "config", format!("{config:?}").as_bytes());
    hash_templates(&mut h, &config.root.join("templates"))?;
    Ok(h)
}

/// The key of one article page, from the pages' shared key, the page's URL
/// and the article's text as read (its hash) and with includes expanded.
pub(crate) fn page_key(pages: &blake3::Hash, url: &str, text: &blake3::Hash, expanded: Option<&str>) -> String {
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

/// Length-prefixed, so that no two different inputs hash the same bytes.
fn field(h: &mut blake3::Hasher, name: &str, bytes: &[u8]) {
    h.update(name.as_bytes());
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// The running kbc's own bytes: a rebuilt kbc may render differently even at
/// the same version. Unreadable, it gets a key no later build can match.
/// Hashed once per run.
fn executable_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(hash_executable)
}

fn hash_executable() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_of_another_kbc_version_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let stale = Manifest { generator: "kbc 0.0.0".into(), input_key: "blake3:k".into(), ..Manifest::default() };
        let json = |m: &Manifest| {
            let mut out = Vec::new();
            m.write(&mut out).unwrap();
            out
        };
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let owned = super::super::marker::Marker { generator: GENERATOR.into(), files: vec![CACHE_FILE.into()] };
        std::fs::write(out.join(super::super::marker::MARKER_FILE), owned.to_bytes().unwrap()).unwrap();
        let open = || super::super::open(&out, &dir.path().join("kb"), &dir.path().join("kb/src")).unwrap();
        std::fs::write(out.join(CACHE_FILE), json(&stale)).unwrap();
        assert!(Manifest::read(&open()).is_none());
        let ours = Manifest { generator: GENERATOR.into(), ..stale };
        std::fs::write(out.join(CACHE_FILE), json(&ours)).unwrap();
        assert_eq!(Manifest::read(&open()), Some(ours));
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
