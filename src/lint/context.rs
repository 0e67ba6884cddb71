//! What a rule may consult besides the article it checks, and the record of
//! what it consulted. The corpus is private to this module: a rule reaches
//! another article only through [`Context`]'s methods, and while an article
//! is checked each of them notes what it looked at. An incremental check
//! (`engine`) re-runs a rule over an article when something that rule read
//! there changed, so that dependency is derived from what the rule did, not
//! declared by hand, and a rule cannot read another article unnoticed:
//!
//! ```compile_fail
//! fn peek(cx: &kbc::lint::Context<'_>) -> usize {
//!     cx.corpus.articles.len() // private: use `cx.article(path)` or `cx.corpus()`
//! }
//! ```

use super::groups::{Group, Groups};
use crate::article::{Article, Corpus};
use crate::config::Config;
use crate::include::Resolver;
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Shared read-only state a rule may consult.
pub struct Context<'a> {
    corpus: &'a Corpus,
    pub config: &'a Config,
    /// The article being checked, when reads are recorded.
    own: Option<&'a str>,
    /// The rules' groups of articles, when an article is checked.
    groups: Option<&'a Groups>,
    /// The group keys looked up.
    keys: RefCell<Vec<String>>,
    /// Paths of other articles looked up (found or not).
    consulted: RefCell<Vec<String>>,
    /// The whole corpus was handed out.
    whole: Cell<bool>,
}

/// What one rule consulted of other articles while checking one article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// It read the whole corpus: any change may change its findings.
    pub whole: bool,
    /// The other articles it looked up by path, sorted, without repeats.
    pub paths: Vec<String>,
    /// The keys of its groups it looked up (`Context::group`), sorted,
    /// without repeats: any change to an article under one of them, or an
    /// article coming or leaving, may change the findings.
    pub keys: Vec<String>,
}

impl Reads {
    pub fn is_empty(&self) -> bool {
        !self.whole && self.paths.is_empty() && self.keys.is_empty()
    }

    /// Whether a change under the group key `key` may change the findings.
    pub fn covers_key(&self, key: &str) -> bool {
        self.whole || self.keys.binary_search_by(|k| k.as_str().cmp(key)).is_ok()
    }

    /// Whether a change to the article at `path` may change the findings.
    pub fn covers(&self, path: &str) -> bool {
        self.whole || self.paths.binary_search_by(|p| p.as_str().cmp(path)).is_ok()
    }
}

impl<'a> Context<'a> {
    /// A context for corpus rules (and tools): nothing is recorded.
    pub fn new(corpus: &'a Corpus, config: &'a Config) -> Context<'a> {
        Context {
            corpus,
            config,
            own: None,
            groups: None,
            keys: RefCell::default(),
            consulted: RefCell::default(),
            whole: Cell::new(false),
        }
    }

    /// A context for checking an article, recording what else is read
    /// when the path of the article is given as `own`.
    pub(crate) fn for_article(
        corpus: &'a Corpus,
        config: &'a Config,
        groups: &'a Groups,
        own: Option<&'a str>,
    ) -> Context<'a> {
        Context { own, groups: Some(groups), ..Context::new(corpus, config) }
    }

    /// What was read of other articles since this context was made.
    pub(crate) fn into_reads(self) -> Reads {
        let own = self.own;
        let mut paths = self.consulted.into_inner();
        paths.retain(|p| Some(p.as_str()) != own);
        paths.sort_unstable();
        paths.dedup();
        let mut keys = self.keys.into_inner();
        keys.sort_unstable();
        keys.dedup();
        Reads { whole: self.whole.get(), paths, keys }
    }

    /// The source folder relative to the root (`articles`; empty when it
    /// is the root), which article paths start with.
    pub fn source_prefix(&self) -> std::borrow::Cow<'a, str> {
        match self.groups {
            Some(g) => std::borrow::Cow::Borrowed(g.source_prefix.as_str()),
            None => std::borrow::Cow::Owned(super::rules::folder_too_deep::source_prefix(self.config)),
        }
    }

    /// The articles that rule `code` groups under `key` (see
    /// [`Rule::group_keys`](super::Rule::group_keys)), in path order, the
    /// article being checked included. For article rules only.
    pub fn group(&self, code: &str, key: &str) -> Group<'a> {
        let groups = self.groups.expect("groups are built before articles are checked");
        if self.own.is_some() {
            self.keys.borrow_mut().push(key.to_string());
        }
        Group { members: groups.members(code, key), corpus: self.corpus }
    }

    /// The article at `path` (relative to the root), if there is one.
    pub fn article(&self, path: &str) -> Option<&'a Article> {
        if self.own.is_some() {
            self.consulted.borrow_mut().push(path.to_string());
        }
        self.corpus.by_path(path)
    }

    /// Whether `path` names an article or any other file under the root.
    pub fn exists(&self, path: &str) -> bool {
        self.article(path).is_some() || (!path.is_empty() && self.corpus.probes.is_file(self.root(), path))
    }

    /// The whole knowledge base. For corpus rules; an article rule that asks
    /// for it depends on every article.
    pub fn corpus(&self) -> &'a Corpus {
        self.whole.set(true);
        self.corpus
    }

    /// The include resolver, its look-ups at articles recorded.
    pub fn resolver(&self) -> Resolver<'_> {
        match self.own {
            Some(_) => Resolver::recording(self.root(), self.corpus, &self.consulted),
            None => Resolver::new(self.root(), self.corpus),
        }
    }

    /// The knowledge-base root (the current folder when none is set, as in
    /// unit tests).
    pub fn root(&self) -> &'a Path {
        static DOT: LazyLock<PathBuf> = LazyLock::new(|| PathBuf::from("."));
        if self.config.root.as_os_str().is_empty() { DOT.as_path() } else { &self.config.root }
    }
}
