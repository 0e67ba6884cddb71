//! Finds the articles: every `.md` file under the source folder, hidden folders
//! skipped, symlink loops reported, sorted by relative path. Reads and decodes
//! them in parallel; files that cannot be read are reported as facts
//! ([`Unusable`]), which rules turn into findings.
//!
//! Only regular files whose real path lies inside ROOT are read
//! ([`confined`], the one check that includes, `--fix`, `book.toml`, the
//! vocabularies and the templates go through too): a symbolic link leading
//! out of ROOT (to `/etc/passwd`, `/proc/self/environ`, a folder elsewhere,
//! the source folder itself), or to a device, FIFO or socket, is a fact
//! naming the link, and nothing behind it is read, printed or published.

use crate::source::{DecodeError, SourceFile};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// What discovery found: decoded sources and the files it could not use.
#[derive(Debug, Default)]
pub struct Discovered {
    pub sources: Vec<SourceFile>,
    pub unusable: Vec<Unusable>,
    /// Lossy display copies of the files that failed to decode, so their
    /// diagnostics can show a snippet.
    pub undecodable: Vec<SourceFile>,
}

/// A file or folder that could not be used, by its path relative to the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub path: String,
    pub reason: Reason,
}

/// Why a file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// It could not be read (permissions, a broken or looping link): what
    /// went wrong, as a sentence.
    Unreadable(String),
    /// It was read but is not UTF-8 text; `len` is its size in bytes.
    Undecodable { error: DecodeError, len: usize },
    /// It was not read because of what it is (see [`Refusal`]).
    Refused(Refusal),
}

/// Why a path is not read as a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Its real path (symbolic links followed) is outside ROOT.
    OutsideRoot,
    /// It is not a regular file: what it is ("a FIFO", "a device").
    NotAFile(&'static str),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::OutsideRoot => f.write_str("it is a symbolic link leading outside the knowledge base"),
            Refusal::NotAFile(what) => write!(f, "it is {what}, not a regular file"),
        }
    }
}

/// The real path of `path` (symbolic links followed) when it is a regular
/// file or folder inside `root_real` (ROOT's real path), without opening it
/// (a FIFO would block); `Err` when it cannot be resolved (missing, a
/// broken link, no permission). The one check every read
/// of a knowledge-base file by its path goes through: articles, includes,
/// `--fix`, templates, and through [`read_confined`] `book.toml` and the
/// vocabularies.
pub fn confined(root_real: &Path, path: &Path) -> std::io::Result<Result<PathBuf, Refusal>> {
    let real = path.canonicalize()?;
    if !real.starts_with(root_real) {
        return Ok(Err(Refusal::OutsideRoot));
    }
    let meta = std::fs::metadata(&real)?;
    if meta.is_file() || meta.is_dir() {
        return Ok(Ok(real));
    }
    Ok(Err(Refusal::NotAFile(kind(&meta.file_type()))))
}

/// The text (UTF-8, a byte-order mark dropped) of the file at `path` when
/// [`confined`] to `root` accepts it: for files named by configuration
/// (`book.toml`, vocabularies). Errors name the path, never what lies
/// behind it.
pub fn read_confined(root: &Path, path: &Path) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let root_real = root.canonicalize().with_context(|| format!("cannot resolve {}", root.display()))?;
    let shown = path.display();
    let bytes = match confined(&root_real, path).with_context(|| format!("cannot open {shown}"))? {
        Ok(real) if real.is_file() => std::fs::read(&real).with_context(|| format!("cannot read {shown}"))?,
        Ok(_) => anyhow::bail!("{shown} is a folder, not a file"),
        Err(why) => anyhow::bail!("{shown} not read: {why}"),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{shown} is not UTF-8 text (byte {})", e.valid_up_to()))?;
    Ok(text.to_string())
}

fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = t;
    "a special file"
}

/// A file that could not be used, and, when it was read but not decoded, a
/// display copy of it.
#[derive(Debug)]
pub struct Unread {
    pub unusable: Unusable,
    pub display: Option<SourceFile>,
}

fn unreadable(path: &str, message: String) -> Unusable {
    Unusable { path: path.to_string(), reason: Reason::Unreadable(message) }
}

/// Lists `.md` files under `dir` as (absolute path, path relative to `root`).
/// Symbolic links are followed only into ROOT (each link is checked, `dir`
/// included; what lies under a real folder inside ROOT is inside), and only
/// to regular files and folders.
pub fn list(root: &Path, dir: &Path) -> (Vec<(PathBuf, String)>, Vec<Unusable>) {
    let mut files = Vec::new();
    let refused = std::cell::RefCell::new(Vec::new());
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // The source folder itself (`articles`, or `[book] src`) may be a link
    // too: one leading out of ROOT is refused whole.
    if let Ok(Err(why)) = confined(&root_real, dir) {
        let rel = crate::fs::display_rel(root, dir);
        return (Vec::new(), vec![Unusable { path: rel, reason: Reason::Refused(why) }]);
    }
    // A link, or a `.md` entry that is not a file or folder, is let through
    // only when `confined` accepts it.
    let allowed = |e: &walkdir::DirEntry| {
        let special = !e.file_type().is_file() && !e.file_type().is_dir();
        if e.depth() == 0 || !(e.path_is_symlink() || special && is_markdown(e.path())) {
            return true;
        }
        match confined(&root_real, e.path()) {
            Ok(Ok(_)) | Err(_) => true,
            Ok(Err(why)) => {
                let rel = crate::fs::display_rel(root, e.path());
                refused.borrow_mut().push(Unusable { path: rel, reason: Reason::Refused(why) });
                false
            }
        }
    };
    let mut unusable = Vec::new();
    // Not `sort_by_file_name`: its comparator re-parses paths and cost a tenth of
    // `kbc check`; the list is sorted once by relative path below.
    let walker = WalkDir::new(dir).follow_links(true).into_iter();
    for entry in walker.filter_entry(|e| (e.depth() == 0 || !is_hidden(e.file_name())) && allowed(e)) {
        match entry {
            Ok(e) if e.file_type().is_file() && is_markdown(e.path()) => {
                files.push((e.path().to_path_buf(), crate::fs::display_rel(root, e.path())));
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().map(|p| crate::fs::display_rel(root, p)).unwrap_or_default();
                let msg = match err.loop_ancestor() {
                    Some(a) => format!("symbolic link loops back to {}", crate::fs::display_rel(root, a)),
                    None => format!("cannot read: {}", io_reason(&err)),
                };
                unusable.push(unreadable(&path, msg));
            }
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    unusable.extend(refused.into_inner());
    (files, unusable)
}

fn io_reason(err: &walkdir::Error) -> String {
    err.io_error().map_or_else(|| err.to_string(), |e| e.to_string())
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Lists and reads every article under `dir`, in path order.
pub fn discover(root: &Path, dir: &Path) -> Discovered {
    let (files, mut unusable) = list(root, dir);
    let results: Vec<Result<SourceFile, Box<Unread>>> =
        files.into_par_iter().map(|(abs, rel)| read(&abs, rel)).collect();
    let mut sources = Vec::with_capacity(results.len());
    let mut undecodable = Vec::new();
    for r in results {
        match r {
            Ok(s) => sources.push(s),
            Err(u) => {
                unusable.push(u.unusable);
                undecodable.extend(u.display);
            }
        }
    }
    Discovered { sources, unusable, undecodable }
}

/// Reads and decodes the file `rel` of the knowledge base at `root` (at
/// `abs`), when [`confined`] accepts it.
pub fn read_in(root: &Path, abs: &Path, rel: String) -> Result<SourceFile, Box<Unread>> {
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match confined(&root_real, abs) {
        Ok(Ok(real)) if real.is_file() => read(abs, rel),
        Ok(Ok(_)) => Err(Box::new(Unread { unusable: unreadable(&rel, "it is a folder".into()), display: None })),
        Ok(Err(why)) => {
            Err(Box::new(Unread { unusable: Unusable { path: rel, reason: Reason::Refused(why) }, display: None }))
        }
        Err(e) => Err(Box::new(Unread { unusable: unreadable(&rel, format!("cannot read: {e}")), display: None })),
    }
}

/// Reads and decodes one file, listed by [`list`] (and so confined).
pub fn read(abs: &Path, rel: String) -> Result<SourceFile, Box<Unread>> {
    let bytes = std::fs::read(abs).map_err(|e| {
        let unusable = unreadable(&rel, format!("cannot read: {e}"));
        Box::new(Unread { unusable, display: None })
    })?;
    SourceFile::decode_keeping(rel.clone(), bytes).map_err(|(error, bytes)| {
        let unusable = Unusable { path: rel.clone(), reason: Reason::Undecodable { error, len: bytes.len() } };
        Box::new(Unread { unusable, display: Some(SourceFile::lossy(rel, &bytes)) })
    })
}

#[cfg(test)]
mod undecodable_tests {
    use super::*;

    #[test]
    fn keeps_a_display_copy_whose_position_matches_the_error_after_a_bom() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), b"\xEF\xBB\xBFok\ncaf\xE9 x\n").unwrap();
        let found = discover(dir.path(), dir.path());
        assert!(found.sources.is_empty());
        let [u] = found.unusable.as_slice() else { panic!("{:?}", found.unusable) };
        let Reason::Undecodable { error: DecodeError::InvalidUtf8 { offset, line, column }, .. } = &u.reason else {
            panic!("{u:?}")
        };
        let [shown] = found.undecodable.as_slice() else { panic!("no display copy") };
        assert_eq!(shown.rel_path, "a.md");
        assert_eq!(shown.line_col(*offset), (2, 4), "{:?}", u.reason);
        assert_eq!((*line, *column), (2, 4));
    }
}
