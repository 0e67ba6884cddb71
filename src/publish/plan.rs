//! What a build does with OUT, decided before anything is rendered: the
//! mode (a clean build into a new or empty OUT, a full build over an
//! existing one, or an incremental one), and in an incremental build which
//! articles are taken as they are (their products from the memo, their
//! pages from OUT) and which are rendered, which memo shards stay, and
//! which index pages may stay once their keys are known.
//!
//! Pure data: the renderer says what it knows of each article (its URL,
//! page key, the memo's key for it, the files of OUT its pages are), and
//! whether OUT has a file as kbc wrote it is a question the caller answers
//! (`Out::regular` and the marker in a build; a set in the tests). The
//! renderer then renders exactly the articles marked [`Action::Render`],
//! and `Staging` keeps exactly what the plan keeps. What is removed from
//! OUT is decided by the commit: the files on OUT's marker that the new
//! output does not have.

use super::cache::Manifest;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;

/// How a build's output replaces OUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// OUT is new or holds no file kbc wrote: everything is rendered, and
    /// the staging folder becomes OUT.
    Clean,
    /// OUT holds a build whose pages key differs (another kbc, config,
    /// templates, clouds or set of articles, so URLs or links may differ):
    /// everything is rendered and swapped in, the user's files carried over.
    Full,
    /// OUT holds a build with this pages key: only changed articles are
    /// rendered, and OUT is patched.
    Incremental,
}

impl Mode {
    /// The mode of a build with `pages_key` over OUT, given the manifest
    /// of the build there (empty when none can be trusted) and whether OUT
    /// has any file kbc wrote.
    pub(crate) fn of(previous: &Manifest, pages_key: &str, out_has_files: bool) -> Mode {
        match (out_has_files, previous.pages_key == pages_key) {
            (false, _) => Mode::Clean,
            (true, false) => Mode::Full,
            (true, true) => Mode::Incremental,
        }
    }

    /// Whether every file is staged (nothing of OUT is kept).
    pub(crate) fn whole(self) -> bool {
        self != Mode::Incremental
    }
}

/// What the renderer knows of one article before rendering it (in an
/// incremental build; a full build renders every article).
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    /// The page's URL in the site.
    pub(crate) url: String,
    /// The page key now.
    pub(crate) key: String,
    /// The page key the memo holds this article's products for, if any.
    pub(crate) memo_key: Option<String>,
    /// The files of OUT its pages are (relative to OUT): its page, its
    /// clouds' rewritten pages, its clouds' links to its page.
    pub(crate) files: Vec<String>,
    /// How many of `files` are distinct page files (the links are not).
    pub(crate) pages: usize,
}

/// What becomes of one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Rendered, its products and pages written.
    Render,
    /// Taken as it is: its products from the memo, its files from OUT.
    Reuse,
}

/// The build's decisions about OUT (see the module docs).
#[derive(Debug)]
pub(crate) struct Plan {
    /// Per article, in page order.
    actions: Vec<Action>,
    /// Per memo shard: whether OUT's file stays.
    shards: Vec<bool>,
    /// Index pages OUT has as kbc wrote them, with their keys: each stays
    /// if its key now is the same.
    indexes: BTreeMap<String, String>,
    /// Page files kept from OUT.
    reused_pages: usize,
}

/// What a plan is made from.
pub(crate) struct Inputs<'a> {
    pub(crate) mode: Mode,
    /// The previous build's manifest.
    pub(crate) previous: Manifest,
    /// Every published article, in page order (empty unless incremental).
    pub(crate) articles: &'a [Known],
    /// The memo's shards: each one's file and its articles (page order).
    pub(crate) shards: &'a [(String, Range<usize>)],
    /// Whether the memo was read whole (only then may shards stay).
    pub(crate) memo_whole: bool,
}

impl Plan {
    /// Decides, with `have` saying whether OUT has a file as kbc wrote it
    /// (a regular file on its marker, reached without a link).
    pub(crate) fn new(inputs: Inputs<'_>, n: usize, have: &(dyn Fn(&str) -> bool + Sync)) -> Plan {
        let Inputs { mode, previous, articles, shards, memo_whole } = inputs;
        if mode.whole() {
            let shards = vec![false; shards.len()];
            return Plan { actions: vec![Action::Render; n], shards, indexes: BTreeMap::new(), reused_pages: 0 };
        }
        debug_assert_eq!(articles.len(), n);
        // In parallel: each article's files are looked at in OUT.
        let actions: Vec<Action> = articles.par_iter().map(|k| action(&previous.pages, k, have)).collect();
        let reused_pages =
            articles.iter().zip(&actions).filter(|(_, a)| **a == Action::Reuse).map(|(k, _)| k.pages).sum();
        let all_reused = |r: &Range<usize>| actions[r.clone()].iter().all(|a| *a == Action::Reuse);
        let shards = shards.iter().map(|(rel, r)| memo_whole && all_reused(r) && have(rel)).collect();
        let indexes = previous.indexes.into_par_iter().filter(|(rel, _)| have(rel)).collect();
        Plan { actions, shards, indexes, reused_pages }
    }

    /// What becomes of article `i` (in page order).
    pub(crate) fn action(&self, i: usize) -> Action {
        self.actions[i]
    }

    pub(crate) fn reused(&self, i: usize) -> bool {
        self.actions[i] == Action::Reuse
    }

    /// Whether OUT's memo shard `k` stays as it is.
    pub(crate) fn keep_shard(&self, k: usize) -> bool {
        self.shards[k]
    }

    /// Whether OUT's index page `rel`, whose key is now `key`, stays.
    pub(crate) fn keep_index(&self, rel: &str, key: &str) -> bool {
        self.indexes.get(rel).is_some_and(|k| k == key)
    }

    /// How many page files are kept from OUT.
    pub(crate) fn reused_pages(&self) -> usize {
        self.reused_pages
    }
}

/// An article is reused when its page key is the previous build's, the
/// memo holds its products for that key, and OUT still has its files.
fn action(previous: &BTreeMap<String, String>, k: &Known, have: &(dyn Fn(&str) -> bool + Sync)) -> Action {
    let same = previous.get(&k.url) == Some(&k.key) && k.memo_key.as_ref() == Some(&k.key);
    match same && k.files.iter().all(|f| have(f)) {
        true => Action::Reuse,
        false => Action::Render,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn known(url: &str, key: &str, memo: Option<&str>) -> Known {
        let files = vec![format!("site/{url}"), format!("clouds/fairfax/site/{url}")];
        Known { url: url.into(), key: key.into(), memo_key: memo.map(String::from), files, pages: 1 }
    }

    fn manifest(pages: &[(&str, &str)], indexes: &[(&str, &str)]) -> Manifest {
        let map = |l: &[(&str, &str)]| l.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        Manifest { pages_key: "p".into(), pages: map(pages), indexes: map(indexes), ..Manifest::default() }
    }

    fn have(files: &[&str]) -> impl Fn(&str) -> bool + Sync {
        let set: BTreeSet<String> = files.iter().map(|f| f.to_string()).collect();
        move |f: &str| set.contains(f)
    }

    #[test]
    fn the_mode_follows_out_and_the_pages_key() {
        let m = manifest(&[], &[]);
        assert_eq!(Mode::of(&m, "p", false), Mode::Clean);
        assert_eq!(Mode::of(&m, "q", true), Mode::Full);
        assert_eq!(Mode::of(&m, "p", true), Mode::Incremental);
        assert_eq!(Mode::of(&Manifest::default(), "p", true), Mode::Full, "no manifest to trust");
        assert!(Mode::Clean.whole() && Mode::Full.whole() && !Mode::Incremental.whole());
    }

    #[test]
    fn a_full_build_renders_everything_and_keeps_nothing() {
        let shards = [(".kbc-memo/00.bin".to_string(), 0..2)];
        let previous = manifest(&[("a.html", "k")], &[("site/index.html", "i")]);
        let inputs = Inputs { mode: Mode::Full, previous, articles: &[], shards: &shards, memo_whole: true };
        let plan = Plan::new(inputs, 2, &|_| true);
        assert_eq!((plan.action(0), plan.action(1)), (Action::Render, Action::Render));
        assert!(!plan.keep_shard(0) && !plan.keep_index("site/index.html", "i"));
        assert_eq!(plan.reused_pages(), 0);
    }

    #[test]
    fn an_incremental_build_reuses_only_unchanged_articles_whose_files_out_has() {
        let articles = [
            known("a.html", "k1", Some("k1")),   // unchanged
            known("b.html", "k2", Some("old")),  // the memo is stale
            known("c.html", "new", Some("new")), // changed since the previous build
            known("d.html", "k4", Some("k4")),   // OUT lost its cloud page
            known("e.html", "k5", None),         // not in the memo
        ];
        let previous =
            manifest(&[("a.html", "k1"), ("b.html", "k2"), ("c.html", "k3"), ("d.html", "k4"), ("e.html", "k5")], &[]);
        let mut files: Vec<String> = articles.iter().flat_map(|k| k.files.clone()).collect();
        files.retain(|f| f != "clouds/fairfax/site/d.html");
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let inputs = Inputs { mode: Mode::Incremental, previous, articles: &articles, shards: &[], memo_whole: true };
        let plan = Plan::new(inputs, 5, &have(&files));
        let actions: Vec<Action> = (0..5).map(|i| plan.action(i)).collect();
        assert_eq!(actions, [Action::Reuse, Action::Render, Action::Render, Action::Render, Action::Render]);
        assert!(plan.reused(0) && !plan.reused(1));
        assert_eq!(plan.reused_pages(), 1);
    }

    #[test]
    fn a_memo_shard_stays_when_all_its_articles_are_reused_and_out_has_it() {
        let articles = [known("a.html", "k", Some("k")), known("b.html", "k", Some("k")), known("c.html", "x", None)];
        let shards: Vec<(String, Range<usize>)> =
            [0..1, 1..2, 2..3].into_iter().enumerate().map(|(k, r)| (format!(".kbc-memo/{k:02}.bin"), r)).collect();
        let mut files: Vec<String> = articles.iter().flat_map(|k| k.files.clone()).collect();
        files.extend([".kbc-memo/00.bin".to_string(), ".kbc-memo/02.bin".to_string()]);
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let plan = |memo_whole| {
            let previous = manifest(&[("a.html", "k"), ("b.html", "k"), ("c.html", "k")], &[]);
            let inputs = Inputs { mode: Mode::Incremental, previous, articles: &articles, shards: &shards, memo_whole };
            Plan::new(inputs, 3, &have(&files))
        };
        let p = plan(true);
        assert_eq!((p.keep_shard(0), p.keep_shard(1), p.keep_shard(2)), (true, false, false));
        assert!(!plan(false).keep_shard(0), "a memo not read whole is written again");
    }

    #[test]
    fn an_index_page_stays_when_its_key_is_the_same_and_out_has_it() {
        let previous = manifest(&[], &[("site/index.html", "i"), ("site/types/x.html", "t")]);
        let inputs = Inputs { mode: Mode::Incremental, previous, articles: &[], shards: &[], memo_whole: true };
        let plan = Plan::new(inputs, 0, &have(&["site/index.html"]));
        assert!(plan.keep_index("site/index.html", "i"));
        assert!(!plan.keep_index("site/index.html", "changed"));
        assert!(!plan.keep_index("site/types/x.html", "t"), "OUT lost it");
        assert!(!plan.keep_index("site/new.html", "n"));
    }
}
