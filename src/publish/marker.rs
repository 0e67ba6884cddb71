//! `.kbc-output`: the list of the files kbc wrote into OUT, signed by
//! content. A folder is kbc's output only when it holds a marker whose
//! signature matches its list; a file merely named like one of kbc's
//! (`build-report.json`, `.kbc-cache.json`) proves nothing. kbc replaces
//! and removes only files on this list, so everything else in OUT (a
//! `CNAME`, `.git/`, a `README`) is the user's and stays.
//!
//! The format: a first line `kbc-output 1 <hex>`, where `<hex>` is a keyed
//! BLAKE3 hash of the rest of the file, then that rest, JSON naming the
//! generator and the files. The key is kbc's own (derived from a fixed
//! context string), so a file made by hand, or edited, does not verify.

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path};

/// The marker, relative to OUT.
pub(crate) const MARKER_FILE: &str = ".kbc-output";

const HEADER: &str = "kbc-output 1 ";

/// A marker larger than this is not read (the corpus's is about 3 MB).
const MAX_LEN: u64 = 1 << 30;

/// What the marker says: the files of the output, sorted, without itself.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Marker {
    pub(crate) generator: String,
    pub(crate) files: Vec<String>,
}

/// What is in OUT's place, as far as ownership goes.
#[derive(Debug)]
pub(crate) enum Found {
    /// No marker file at all.
    Absent,
    /// A marker whose signature or contents do not hold: not kbc's.
    Invalid(String),
    Valid(Marker),
}

/// Whether `rel` is a plain relative path: not empty, not absolute, only
/// normal components (no `.`, `..`, root or prefix), no NUL. Every path
/// read from OUT must be one before it is used.
pub(crate) fn plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\0')
        && !rel.split('/').any(|c| c.is_empty() || c == "." || c == "..")
        && Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)))
}

fn key() -> [u8; 32] {
    blake3::derive_key("kbc 2026-12 output marker: the files kbc wrote", b"kbc-output 1")
}

impl Marker {
    /// The marker's bytes: the signed header line, then the body.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut body = serde_json::to_vec(self)?;
        body.push(b'\n');
        let mac = blake3::keyed_hash(&key(), &body);
        let mut bytes = format!("{HEADER}{}\n", mac.to_hex()).into_bytes();
        bytes.extend_from_slice(&body);
        Ok(bytes)
    }

    /// The marker in `bytes`, when its signature holds and every path it
    /// lists is a plain relative path (see [`plain`]).
    pub(crate) fn from_bytes(bytes: &[u8]) -> std::result::Result<Marker, String> {
        let nl = memchr::memchr(b'\n', bytes).ok_or("no header line")?;
        let (head, body) = (&bytes[..nl], &bytes[nl + 1..]);
        let hex = head.strip_prefix(HEADER.as_bytes()).ok_or("not a kbc marker")?;
        let mac = blake3::keyed_hash(&key(), body);
        if hex != mac.to_hex().as_bytes() {
            return Err("its signature does not match its contents".into());
        }
        let marker: Marker = serde_json::from_slice(body).map_err(|e| format!("unreadable: {e}"))?;
        match marker.files.iter().find(|f| !plain(f) || *f == MARKER_FILE) {
            Some(bad) => Err(format!("it lists an unsafe path {bad:?}")),
            None => Ok(marker),
        }
    }

    /// Whether `rel` is on the list (which is sorted).
    pub(crate) fn owns(&self, rel: &str) -> bool {
        self.files.binary_search_by(|f| f.as_str().cmp(rel)).is_ok()
    }
}

/// The marker in the folder `out` (its real path), never following a
/// symbolic link and never reading anything but a regular file.
pub(crate) fn read(out: &Path) -> Result<Found> {
    let path = out.join(MARKER_FILE);
    let meta = match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Absent),
        other => other.with_context(|| format!("cannot read {}", path.display()))?,
    };
    if !meta.is_file() {
        return Ok(Found::Invalid("it is not a regular file".into()));
    }
    if meta.len() > MAX_LEN {
        bail!("{} is too large to be kbc's marker ({} bytes)", path.display(), meta.len());
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(match Marker::from_bytes(&bytes) {
        Ok(m) => Found::Valid(m),
        Err(why) => Found::Invalid(why),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Marker {
        Marker { generator: "kbc 1".into(), files: vec!["rules.json".into(), "site/index.html".into()] }
    }

    #[test]
    fn plain_paths_are_relative_and_normal() {
        for ok in ["a", "site/index.html", ".kbc-memo/00.bin", "a b/c"] {
            assert!(plain(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "../x", "a/../b", "./a", "a//b", "a/", "a/.", "x\0y"] {
            assert!(!plain(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_written_marker_verifies_and_lists_its_files() {
        let m = Marker::from_bytes(&sample().to_bytes().unwrap()).unwrap();
        assert_eq!(m, sample());
        assert!(m.owns("site/index.html") && !m.owns("CNAME"));
    }

    #[test]
    fn an_edited_or_hand_made_marker_does_not_verify() {
        let bytes = sample().to_bytes().unwrap();
        let edited = String::from_utf8(bytes).unwrap().replace("rules.json", "../home");
        assert!(Marker::from_bytes(edited.as_bytes()).unwrap_err().contains("signature"));
        let body = b"{\"generator\":\"kbc 1\",\"files\":[\"x\"]}\n";
        let forged = [b"kbc-output 1 ".as_slice(), blake3::hash(body).to_hex().as_bytes(), b"\n", body].concat();
        assert!(Marker::from_bytes(&forged).is_err(), "an unkeyed hash is not a signature");
        assert!(Marker::from_bytes(b"").is_err());
    }

    #[test]
    fn a_signed_marker_listing_an_unsafe_path_is_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "./a", MARKER_FILE] {
            let m = Marker { generator: "kbc 1".into(), files: vec![bad.into()] };
            assert!(Marker::from_bytes(&m.to_bytes().unwrap()).is_err(), "{bad:?}");
        }
    }
}
