//! The engine: one knowledge base read, parsed and checked, held in memory,
//! and kept checked as its files change. `kbc check` and `kbc build` run it
//! once ([`Mode::Once`]); `kbc serve` (and an editor's language server) keep
//! a [`Session`] ([`Mode::Incremental`]) and hand it each changed file, from
//! disk or as unsaved text: it re-checks that article, then the articles
//! whose findings read it (what a rule read is recorded by `lint::Context`
//! while it runs, so the dependency is what the rule did), runs the corpus
//! rules again, and says whose findings changed. Pages are rendered through
//! `render::page`, the build's own code path.

use crate::article::{Article, Corpus};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::format::Files;
use crate::discover::{Discovered, Unusable};
use crate::include::Resolver;
use crate::lint::{self, ArticleRun, Context, Groups, Keys, Levels, Rule};
use crate::progress::Progress;
use crate::render::markdown::Sanitizer;
use crate::render::page::{self, Page, Pages};
use crate::source::SourceFile;
use anyhow::{Result, bail};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[cfg(test)]
mod tests;

/// How long the findings must stay up to date (as Zola's `BuildMode` says
/// where pages go: the work is the same, what is kept differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Check once (`kbc check`, `kbc build`): nothing is kept for re-checking.
    Once,
    /// Keep each article's findings and what its rules read, so that a
    /// change re-checks only what it can affect (`kbc serve`, an editor).
    Incremental,
}

/// A knowledge base read from disk: its config and files, not yet parsed.
pub struct Read {
    pub config: Config,
    pub levels: Levels,
    pub found: Discovered,
}

impl Read {
    /// Every file read, for showing snippets.
    pub fn files(&self) -> Files<'_> {
        Files::new(self.found.sources.iter().chain(&self.found.undecodable))
    }

    /// How many files were read (decoded or not).
    pub fn count(&self) -> usize {
        self.found.sources.len() + self.found.undecodable.len()
    }
}

/// Reads the config and every article file under `root`.
pub fn read(root: &Path) -> Result<Read> {
    if !root.exists() {
        bail!("knowledge-base folder {} does not exist", root.display());
    }
    if !root.is_dir() {
        bail!("{} is not a folder (give the knowledge-base folder, not a file)", root.display());
    }
    let config = Config::load(root)?;
    let levels = Levels::from_config(&config)?;
    let src = config.source_dir();
    if !src.is_dir() {
        bail!("source folder {} does not exist (set [book] src in book.toml)", src.display());
    }
    let found = crate::discover::discover(root, &src);
    Ok(Read { config, levels, found })
}

/// A knowledge base checked, held in memory.
pub(crate) struct Session {
    config: Config,
    levels: Levels,
    rules: Vec<&'static dyn Rule>,
    corpus: Corpus,
    /// The articles grouped as the rules that compare them ask.
    groups: Groups,
    /// Lossy display copies of the files that could not be decoded.
    undecodable: Vec<SourceFile>,
    /// In incremental mode, each article's run (aligned with the corpus).
    runs: Option<Vec<ArticleRun>>,
    /// In incremental mode, the corpus rules' findings as they come, grouped
    /// by path (a stable sort: each path's findings keep their order).
    corpus_findings: Vec<Diagnostic>,
    /// Every finding, leveled, suppressions applied, sorted.
    diagnostics: Vec<Diagnostic>,
}

/// What re-checking after a change found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Update {
    /// The files whose findings changed (the changed file's included), sorted.
    pub changed: Vec<String>,
}

impl Session {
    /// Reads and checks the knowledge base at `root`.
    pub(crate) fn load(root: &Path, mode: Mode) -> Result<Session> {
        Ok(Session::check(read(root)?, mode, false))
    }

    /// Parses and checks what [`read`] read, with a progress bar on stderr
    /// when `progress` is wanted and someone is watching.
    pub(crate) fn check(read: Read, mode: Mode, progress: bool) -> Session {
        let Read { config, levels, found } = read;
        let bar = Progress::start(found.sources.len(), progress);
        let mut corpus = lint::parse_all(found.sources, &bar);
        corpus.unusable = found.unusable;
        bar.phase("linting");
        let rules = lint::enabled(&levels);
        let groups = Groups::build(&rules, &corpus, &config);
        let runs = lint::run_articles(&rules, &corpus, &config, &groups, mode == Mode::Incremental);
        let mut session = Session {
            config,
            levels,
            rules,
            corpus,
            groups,
            undecodable: found.undecodable,
            runs: None,
            corpus_findings: Vec::new(),
            diagnostics: Vec::new(),
        };
        match mode {
            Mode::Once => session.finish(runs.into_iter().flat_map(|r| r.findings).collect()),
            Mode::Incremental => {
                session.runs = Some(runs);
                session.refinish();
            }
        }
        bar.finish();
        session
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    #[cfg(test)]
    pub(crate) fn levels(&self) -> &Levels {
        &self.levels
    }

    pub(crate) fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// Every finding, leveled, suppressions applied, in the canonical order.
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The findings of one file (a slice of [`Session::diagnostics`]).
    pub(crate) fn diagnostics_of(&self, path: &str) -> &[Diagnostic] {
        of_path(&self.diagnostics, path)
    }

    /// Lossy display copies of the files that could not be decoded.
    pub(crate) fn undecodable(&self) -> &[SourceFile] {
        &self.undecodable
    }

    /// Every file's text, for showing snippets.
    pub(crate) fn files(&self) -> Files<'_> {
        Files::new(self.corpus.articles.iter().map(|a| &a.source).chain(&self.undecodable))
    }

    /// The session's parts, for a caller done with checking.
    pub(crate) fn into_parts(self) -> (Config, Levels, Corpus, Vec<Diagnostic>, Vec<SourceFile>) {
        (self.config, self.levels, self.corpus, self.diagnostics, self.undecodable)
    }

    /// Sets the text of the article file at `path` (relative to the root;
    /// added when it is new), as an editor holds it unsaved, and re-checks.
    pub(crate) fn set_text(&mut self, path: &str, text: String) -> Update {
        let bom = self.corpus.by_path(path).is_some_and(|a| a.source.bom);
        self.put(SourceFile::new(path.to_string(), text, bom))
    }

    /// Reads the article file at `path` (relative to the root) from disk
    /// again and re-checks: changed, added, removed, or no longer readable.
    pub(crate) fn reload(&mut self, path: &str) -> Update {
        let abs = self.config.root.join(path);
        if !abs.exists() {
            return self.remove(path);
        }
        match crate::discover::read_in(&self.config.root, &abs, path.to_string()) {
            Ok(source) => self.put(source),
            Err(unread) => {
                let touched = self.take_out(path);
                self.corpus.unusable.push(unread.unusable);
                self.undecodable.extend(unread.display);
                self.recheck(path, &touched)
            }
        }
    }

    /// Forgets the file at `path` (deleted) and re-checks.
    pub(crate) fn remove(&mut self, path: &str) -> Update {
        let touched = self.take_out(path);
        self.recheck(path, &touched)
    }

    /// Renders the page of the published article at `path`, number `k` of
    /// `pages`, as `kbc build` does.
    pub(crate) fn render_page(&self, pages: &Pages<'_>, k: usize, path: &str, sanitizer: &Sanitizer) -> Result<Page> {
        let Some(a) = self.corpus.by_path(path) else { bail!("{path} is not an article of this knowledge base") };
        page::render(&Resolver::new(&self.config.root, &self.corpus), a, pages, k, sanitizer)
    }

    /// Puts a decoded file in the corpus (in place of the article or the
    /// unusable file at its path) and re-checks.
    fn put(&mut self, source: SourceFile) -> Update {
        let path = source.rel_path.clone();
        self.forget_unusable(&path);
        let old = self.corpus.by_path(&path).map(|a| self.keys_of(a));
        let i = self.corpus.upsert(Article::parse(source));
        let new = self.keys_of(&self.corpus.articles[i]);
        match &old {
            Some(old) => self.groups.remove(i, old),
            None => self.groups.shift(i, true),
        }
        self.groups.add(i, &new);
        if let Some(runs) = &mut self.runs {
            let run = lint::run_article(
                &self.rules,
                &self.corpus.articles[i],
                &self.corpus,
                &self.config,
                &self.groups,
                true,
            );
            match old {
                None => runs.insert(i, run),
                Some(_) => runs[i] = run,
            }
        }
        let mut touched = old.unwrap_or_default();
        touched.extend(new);
        self.recheck(&path, &touched)
    }

    /// The group keys of `article` (see [`lint::groups`]).
    fn keys_of(&self, article: &Article) -> Keys {
        self.groups.keys_of(article)
    }

    /// Takes the article or unusable file at `path` out of the corpus;
    /// returns the article's group keys.
    fn take_out(&mut self, path: &str) -> Keys {
        self.forget_unusable(path);
        let Some((i, article)) = self.corpus.remove(path) else { return Vec::new() };
        let keys = self.keys_of(&article);
        self.groups.remove(i, &keys);
        self.groups.shift(i, false);
        if let Some(runs) = &mut self.runs {
            runs.remove(i);
        }
        keys
    }

    fn forget_unusable(&mut self, path: &str) {
        self.corpus.unusable.retain(|u: &Unusable| u.path != path);
        self.undecodable.retain(|s| s.rel_path != path);
    }

    /// After `path` changed: the rules that read it, or one of its group
    /// keys (`touched`, before and after the change), over the other
    /// articles, then the corpus rules, then the findings of the files whose
    /// findings may have changed finished again (levels, suppressions, order:
    /// each file's findings are finished on their own, which gives that
    /// file's part of a whole check's). After a check once, everything is
    /// checked again. Returns the files whose findings changed.
    fn recheck(&mut self, path: &str, touched: &Keys) -> Update {
        if self.runs.is_none() {
            self.runs = Some(lint::run_articles(&self.rules, &self.corpus, &self.config, &self.groups, true));
            let before = std::mem::take(&mut self.diagnostics);
            self.refinish();
            return Update { changed: changed_paths(&before, &self.diagnostics) };
        }
        let mut dirty = self.rerun_readers(path, touched);
        dirty.insert(path.to_string());
        let found = self.run_corpus_rules();
        dirty.extend(changed_paths(&self.corpus_findings, &found));
        self.corpus_findings = found;
        Update { changed: dirty.into_iter().filter(|p| self.refinish_path(p)).collect() }
    }

    /// Finishes the findings of the file at `path` again and puts them in
    /// place of its old ones; says whether they changed.
    fn refinish_path(&mut self, path: &str) -> bool {
        let runs = self.runs.as_ref().expect("incremental");
        let at = self.corpus.position(path);
        let mut raw: Vec<Diagnostic> = at.map(|i| runs[i].findings.clone()).unwrap_or_default();
        raw.extend(of_path(&self.corpus_findings, path).iter().cloned());
        let fresh = lint::finish_one(at.map(|i| &self.corpus.articles[i]), raw, &self.levels);
        let old = span_of(&self.diagnostics, path);
        if self.diagnostics[old.clone()] == fresh[..] {
            return false;
        }
        self.diagnostics.splice(old, fresh);
        true
    }

    /// The corpus rules' findings, grouped by path.
    fn run_corpus_rules(&self) -> Vec<Diagnostic> {
        let mut found = lint::run_corpus(&self.rules, &Context::new(&self.corpus, &self.config));
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
    }

    /// Runs again each (article, rule) whose last run read `path` or one of
    /// the `touched` group keys; returns the paths of the articles whose
    /// findings changed.
    fn rerun_readers(&mut self, path: &str, touched: &Keys) -> BTreeSet<String> {
        let runs = self.runs.as_ref().expect("incremental");
        let read = |code: &str, r: &lint::Reads| {
            r.covers(path) || touched.iter().any(|(c, key)| *c == code && r.covers_key(key))
        };
        let stale: Vec<(usize, Vec<&'static str>)> = runs
            .iter()
            .enumerate()
            .filter(|(j, _)| self.corpus.articles[*j].path() != path)
            .map(|(j, run)| (j, run.reads.iter().filter(|(c, r)| read(c, r)).map(|(code, _)| *code).collect()))
            .filter(|(_, codes): &(usize, Vec<&str>)| !codes.is_empty())
            .collect();
        let fresh: Vec<(usize, Vec<&'static str>, ArticleRun)> = stale
            .into_par_iter()
            .map(|(j, codes)| {
                let rules: Vec<&'static dyn Rule> =
                    self.rules.iter().copied().filter(|r| codes.contains(&r.meta().code)).collect();
                let run =
                    lint::run_article(&rules, &self.corpus.articles[j], &self.corpus, &self.config, &self.groups, true);
                (j, codes, run)
            })
            .collect();
        let runs = self.runs.as_mut().expect("incremental");
        let mut dirty = BTreeSet::new();
        for (j, codes, run) in fresh {
            let old = &mut runs[j];
            let (gone, kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
                std::mem::take(&mut old.findings).into_iter().partition(|d| codes.contains(&d.code));
            if gone != run.findings {
                dirty.insert(self.corpus.articles[j].path().to_string());
            }
            old.findings = kept;
            old.findings.extend(run.findings);
            old.reads.retain(|(code, _)| !codes.contains(code));
            old.reads.extend(run.reads);
            old.reads.sort_by_key(|(code, _)| *code);
        }
        dirty
    }

    /// The corpus rules, then levels, suppressions and order, over the kept
    /// runs: every file's findings.
    fn refinish(&mut self) {
        self.corpus_findings = self.run_corpus_rules();
        let runs = self.runs.as_ref().expect("incremental");
        let mut findings: Vec<Diagnostic> = runs.iter().flat_map(|r| r.findings.iter().cloned()).collect();
        findings.extend(self.corpus_findings.iter().cloned());
        self.diagnostics = lint::finish_in(&self.corpus, findings, &self.levels);
    }

    /// The corpus rules over `findings` of the article rules, then levels,
    /// suppressions and the canonical order.
    fn finish(&mut self, mut findings: Vec<Diagnostic>) {
        findings.extend(lint::run_corpus(&self.rules, &Context::new(&self.corpus, &self.config)));
        self.diagnostics = lint::finish_in(&self.corpus, findings, &self.levels);
    }
}

/// The part of `ds` (grouped by path) with this path.
fn span_of(ds: &[Diagnostic], path: &str) -> std::ops::Range<usize> {
    let start = ds.partition_point(|d| d.path.as_str() < path);
    start..start + ds[start..].partition_point(|d| d.path == path)
}

fn of_path<'a>(ds: &'a [Diagnostic], path: &str) -> &'a [Diagnostic] {
    &ds[span_of(ds, path)]
}

/// The paths whose findings differ between two finished lists (both in
/// the canonical order, so grouped by path), sorted.
fn changed_paths(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<String> {
    fn groups(ds: &[Diagnostic]) -> BTreeMap<&str, &[Diagnostic]> {
        ds.chunk_by(|a, b| a.path == b.path).map(|g| (g[0].path.as_str(), g)).collect()
    }
    let (b, a) = (groups(before), groups(after));
    let paths: BTreeSet<&str> = b.keys().chain(a.keys()).copied().collect();
    paths.into_iter().filter(|p| b.get(p) != a.get(p)).map(str::to_string).collect()
}
