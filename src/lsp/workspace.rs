//! The knowledge base the server works on: its root, the engine's
//! [`Session`] over it, and the mapping between the client's `file:` URIs and
//! kbc's root-relative paths.

use crate::engine::{Mode, Session};
use anyhow::Result;
use lsp_types::Url;
use std::path::{Component, Path, PathBuf};

pub(crate) struct Workspace {
    /// The knowledge-base root, absolute and without symbolic links.
    pub root: PathBuf,
    pub session: Session,
}

/// What a changed file on disk is to the knowledge base.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// An article file (or folder of them) under the source folder: its path.
    Article(String),
    /// book.toml or a vocabulary file: the whole configuration changes.
    Config,
    Other,
}

impl Workspace {
    /// Reads and checks the knowledge base at `root`.
    pub(super) fn load(root: &Path) -> Result<Workspace> {
        let root = normal(root);
        let session = Session::load(&root, Mode::Incremental)?;
        Ok(Workspace { root, session })
    }

    /// The root-relative path (forward slashes) of a file URI inside the root.
    pub(super) fn rel_path(&self, uri: &Url) -> Option<String> {
        let path = normal(&uri.to_file_path().ok()?);
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = rel
            .components()
            .map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect();
        Some(parts?.join("/")).filter(|p| !p.is_empty())
    }

    /// The root-relative path of `uri` if it is an article file of this
    /// knowledge base (a visible `.md` file in the source folder, outside
    /// the build output).
    pub(super) fn article_path(&self, uri: &Url) -> Option<String> {
        match self.kind(uri) {
            FileKind::Article(p) if p.to_ascii_lowercase().ends_with(".md") => Some(p),
            _ => None,
        }
    }

    /// What the file (or folder) at `uri` is to the knowledge base.
    pub(super) fn kind(&self, uri: &Url) -> FileKind {
        let Some(rel) = self.rel_path(uri) else { return FileKind::Other };
        let config = self.session.config();
        let vocabularies = [&config.vocabularies.blades, &config.vocabularies.resource_tags];
        if rel == "book.toml" || vocabularies.iter().any(|v| v.as_deref().is_some_and(|v| Path::new(&rel) == v)) {
            return FileKind::Config;
        }
        let abs = self.root.join(&rel);
        let hidden = rel.split('/').any(|s| s.starts_with('.'));
        let in_source = abs.starts_with(normal(&config.source_dir()));
        let in_output = abs.starts_with(normal(&config.output_dir()));
        match in_source && !in_output && !hidden {
            true => FileKind::Article(rel),
            false => FileKind::Other,
        }
    }

    /// The `file:` URI of a root-relative path.
    pub(super) fn uri(&self, rel: &str) -> Url {
        let path = self.root.join(rel);
        Url::from_file_path(&path).unwrap_or_else(|()| Url::parse("file:///").expect("a valid URL"))
    }
}

/// The knowledge-base root for a client's workspace folder: the folder
/// itself when it is one (book.toml, or an `articles/` folder: a knowledge
/// base without book.toml may sit inside another one's tree), else the
/// nearest folder above it with book.toml, else the nearest one below it (at most two levels down, sorted, so
/// a repository holding a knowledge base in a subfolder works), else the
/// folder itself (as `kbc check` takes a folder without book.toml).
pub(crate) fn find_root(folder: &Path) -> PathBuf {
    if is_knowledge_base(folder) {
        return folder.to_path_buf();
    }
    if let Some(up) = folder.ancestors().find(|d| d.join("book.toml").is_file()) {
        return up.to_path_buf();
    }
    let below = walkdir::WalkDir::new(folder)
        .min_depth(1)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_str().is_some_and(|s| s.starts_with('.')))
        .filter_map(|e| e.ok())
        .find(|e| e.file_type().is_dir() && e.path().join("book.toml").is_file());
    below.map_or_else(|| folder.to_path_buf(), |e| e.path().to_path_buf())
}

/// Whether `root` is a knowledge base kbc can check: it has book.toml, or
/// the `articles/` folder kbc reads without one. A server never loads or
/// watches any other folder (a home directory, `/`).
pub(crate) fn is_knowledge_base(root: &Path) -> bool {
    root.join("book.toml").is_file() || root.join("articles").is_dir()
}

/// The knowledge base an article file belongs to, for a client that named
/// no folder: the nearest folder above it that has book.toml or is the
/// parent of the `articles/` folder the file is in (a knowledge base
/// without book.toml may sit inside another one's tree).
pub(crate) fn root_of_file(file: &Path) -> Option<PathBuf> {
    file.parent()?.ancestors().find_map(|d| match d.join("book.toml").is_file() {
        true => Some(d.to_path_buf()),
        false if d.file_name().is_some_and(|n| n == "articles") => d.parent().map(Path::to_path_buf),
        false => None,
    })
}

/// `path` absolute and with symbolic links resolved, as far as it exists
/// (a deleted file's folder is resolved and its name kept).
pub(crate) fn normal(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => normal(dir).join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_root_above_or_below_the_workspace_folder() {
        let dir = tempfile::tempdir().unwrap();
        let kb = dir.path().join("docs/kb");
        std::fs::create_dir_all(kb.join("articles/a")).unwrap();
        std::fs::write(kb.join("book.toml"), "").unwrap();
        assert_eq!(find_root(&kb.join("articles/a")), kb);
        assert_eq!(find_root(dir.path()), kb);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(find_root(empty.path()), empty.path());
        assert!(is_knowledge_base(&kb) && !is_knowledge_base(empty.path()));
    }

    #[test]
    fn finds_an_open_files_knowledge_base_with_or_without_book_toml() {
        let dir = tempfile::tempdir().unwrap();
        let bare = dir.path().join("repo/kb");
        std::fs::create_dir_all(bare.join("articles/svc")).unwrap();
        assert_eq!(root_of_file(&bare.join("articles/svc/a.md")), Some(bare.clone()));
        assert!(is_knowledge_base(&bare));
        // The nearest wins: a book.toml further up is another knowledge base's.
        std::fs::write(dir.path().join("repo/book.toml"), "").unwrap();
        assert_eq!(root_of_file(&bare.join("articles/svc/a.md")), Some(bare.clone()));
        assert_eq!(root_of_file(&dir.path().join("repo/other/x.md")), Some(dir.path().join("repo")));
        assert_eq!(root_of_file(&dir.path().join("notes/todo.md")), None);
    }

    #[test]
    fn maps_uris_to_article_paths_and_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("articles/.hidden")).unwrap();
        std::fs::write(dir.path().join("book.toml"), "").unwrap();
        std::fs::write(dir.path().join("articles/a b.md"), "").unwrap();
        let ws = Workspace::load(dir.path()).unwrap();
        let uri = ws.uri("articles/a b.md");
        assert!(uri.as_str().ends_with("/articles/a%20b.md"), "{uri}");
        assert_eq!(ws.article_path(&uri).as_deref(), Some("articles/a b.md"));
        assert_eq!(ws.article_path(&ws.uri("articles/new.md")).as_deref(), Some("articles/new.md"));
        assert_eq!(ws.kind(&ws.uri("book.toml")), FileKind::Config);
        assert_eq!(ws.kind(&ws.uri("articles/.hidden/x.md")), FileKind::Other);
        assert_eq!(ws.kind(&ws.uri("README.md")), FileKind::Other);
        assert_eq!(ws.article_path(&Url::parse("file:///elsewhere/a.md").unwrap()), None);
    }
}
