//! Include directives: `[!INCLUDE [title](path)]` (Microsoft Docs) and the
//! older `[AZURE.INCLUDE [title](path)]` that the knowledge base's
//! `includes/` files are written for. Paths are relative to the including
//! file. This module finds directives, resolves them against the
//! knowledge-base root and walks nested includes. Rules report its findings;
//! renderers can resolve includes through [`Resolver`] too.

use crate::article::{Article, Corpus};
use crate::source::Span;
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\[(?:!|AZURE\.)INCLUDE\s*\[[^\]]*\]\(\s*<?([^)\s>]*)>?\s*\)\s*\]").expect("valid regex")
});

/// One include directive in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Directive {
    /// The path as written.
    pub target: String,
    /// The whole directive.
    pub span: Span,
}

/// Directives in `text`, skipping those that start inside `in_code`.
pub(crate) fn directives(text: &str, in_code: impl Fn(usize) -> bool) -> Vec<Directive> {
    DIRECTIVE
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            (!in_code(m.start())).then(|| Directive { target: c[1].to_string(), span: m.range() })
        })
        .collect()
}

/// Where a directive leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An existing file, relative to the root.
    Found(String),
    /// The resolved path does not exist.
    Missing(String),
    /// The path climbs above the root, or a symbolic link leads out of it.
    OutsideRoot,
}

/// Resolves and reads include files of one knowledge base.
pub struct Resolver<'a> {
    root: &'a Path,
    corpus: &'a Corpus,
    /// Where to note each article of the corpus looked up, when a rule's
    /// reads are being recorded (see `lint::Context`).
    consulted: Option<&'a RefCell<Vec<String>>>,
}

impl Resolver<'_> {
    /// The article at `path`, noted as consulted.
    fn article(&self, path: &str) -> Option<&Article> {
        if let Some(seen) = self.consulted {
            seen.borrow_mut().push(path.to_string());
        }
        self.corpus.by_path(path)
    }

    pub fn resolve(&self, from_file: &str, target: &str) -> Target {
        let Some(path) = crate::syntax::url::resolve(from_file, target) else { return Target::OutsideRoot };
        if self.article(&path).is_some() {
            return Target::Found(path);
        }
        if !self.corpus.probes.is_file(self.root, &path) {
            return Target::Missing(path);
        }
        // The check discovery makes of every article: a regular file whose
        // real path is inside ROOT (a device or FIFO, or a link out, is not read).
        let root = self.root.canonicalize().unwrap_or_else(|_| self.root.to_path_buf());
        match crate::discover::confined(&root, &self.root.join(&path)) {
            Ok(Ok(_)) => Target::Found(path),
            Ok(Err(_)) => Target::OutsideRoot,
            Err(_) => Target::Missing(path),
        }
    }

    /// The text of a found include: the parsed article, else the file.
    pub fn text(&self, path: &str) -> Option<String> {
        match self.article(path) {
            Some(a) => Some(a.text().to_string()),
            None => self.corpus.probes.read_to_string(self.root, path),
        }
    }

    /// The chain of files (starting with `path`) that leads back to a file
    /// already in `stack`, if following includes from `path` does. `done`
    /// holds the files already followed to the end from this `stack`'s
    /// base without finding one: each file is followed once, where a file
    /// included twice by each of 30 others in a row was followed 2^30 times.
    pub fn cycle(&self, path: &str, stack: &mut Vec<String>, done: &mut HashSet<String>) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|p| p == path) {
            let mut chain = stack[i..].to_vec();
            chain.push(path.to_string());
            return Some(chain);
        }
        // Past 32 files the chain is not followed (no recursion that deep);
        // a cycle longer than that is not reported.
        if stack.len() > 32 || done.contains(path) {
            return None;
        }
        let text = self.text(path)?;
        stack.push(path.to_string());
        let found = directives(&text, |_| false).into_iter().find_map(|d| match self.resolve(path, &d.target) {
            Target::Found(next) => self.cycle(&next, stack, done),
            _ => None,
        });
        stack.pop();
        if found.is_none() {
            done.insert(path.to_string());
        }
        found
    }
}

impl<'a> Resolver<'a> {
    /// A resolver of `corpus` under `root` (the current folder when `root`
    /// is empty, as in unit tests).
    pub fn new(root: &'a Path, corpus: &'a Corpus) -> Resolver<'a> {
        static DOT: LazyLock<PathBuf> = LazyLock::new(|| PathBuf::from("."));
        let root = if root.as_os_str().is_empty() { DOT.as_path() } else { root };
        Resolver { root, corpus, consulted: None }
    }

    /// [`Resolver::new`], noting in `consulted` the path of every article
    /// of the corpus it looks up.
    pub(crate) fn recording(root: &'a Path, corpus: &'a Corpus, consulted: &'a RefCell<Vec<String>>) -> Self {
        Resolver { consulted: Some(consulted), ..Resolver::new(root, corpus) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_directive_spellings_outside_code() {
        let text = "[!INCLUDE [note](../includes/a.md)]\n`[!INCLUDE [x](b.md)]`\n[AZURE.INCLUDE [n](<c.md>)]";
        let code = text.find('`').unwrap()..text.rfind('`').unwrap();
        let got: Vec<_> = directives(text, |o| code.contains(&o)).into_iter().map(|d| d.target).collect();
        assert_eq!(got, ["../includes/a.md", "c.md"]);
    }
}
