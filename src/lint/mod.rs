//! Running rules: the [`Rule`] trait, the article rules over each article
//! (in parallel) and the corpus rules over the whole knowledge base, and
//! applying configured levels and suppressions. Rules live one per file in
//! [`rules`] and are listed once in [`registry::RULES`]. What a rule may read
//! besides its article goes through [`Context`], which records it.

pub mod baseline;
mod context;
pub mod groups;
pub mod registry;
pub(crate) mod rules;
pub(crate) mod secrets;
pub(crate) mod suppress;

use crate::article::{Article, Corpus};
use crate::config::Config;
/// What every rule declares about itself; it lives with the findings it
/// describes, so that output formats need not know the rules.
pub use crate::diagnostic::RuleMeta;
use crate::diagnostic::{Diagnostic, Level};
use crate::progress::Progress;
use crate::source::SourceFile;
pub use context::{Context, Reads};
pub use groups::{Group, Groups, Keys};
use rayon::prelude::*;
pub use registry::Levels;

/// A lint rule. Article rules run in parallel per article; corpus rules run
/// once over the whole knowledge base.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;

    /// Findings about `article`. Anything else the rule looks at (another
    /// article, a file) it asks `cx` for, which records it.
    fn check_article(&self, _article: &Article, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

    /// For a rule that compares articles with each other: the keys under
    /// which `article` is grouped with others (see [`groups`]). Checking an
    /// article, the rule asks [`Context::group`] for a key's articles.
    /// `source_prefix` is the source folder relative to the root (see
    /// [`Context::source_prefix`]).
    fn group_keys(&self, _article: &Article, _source_prefix: &str) -> Vec<String> {
        Vec::new()
    }

    /// Whether this rule groups articles ([`Rule::group_keys`]), so that
    /// the other rules are not asked for keys of every article.
    fn compares_articles(&self) -> bool {
        false
    }

    fn check_corpus(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// The article rules' findings over one article, and what each rule read of
/// other articles (only rules that read something are listed).
#[derive(Debug, Clone, Default)]
pub struct ArticleRun {
    /// Every finding has a path.
    pub findings: Vec<Diagnostic>,
    /// `(rule code, what it read)`.
    pub reads: Vec<(&'static str, Reads)>,
}

/// Runs every enabled rule over the corpus. Output is not yet leveled or sorted.
pub fn lint(cx: &Context<'_>, levels: &Levels) -> Vec<Diagnostic> {
    let rules = enabled(levels);
    let groups = Groups::build(&rules, cx.corpus(), cx.config);
    let runs = run_articles(&rules, cx.corpus(), cx.config, &groups, false);
    let mut diags: Vec<Diagnostic> = runs.into_iter().flat_map(|r| r.findings).collect();
    diags.extend(run_corpus(&rules, cx));
    diags
}

/// The rules `levels` lets fire, in code order.
pub fn enabled(levels: &Levels) -> Vec<&'static dyn Rule> {
    registry::RULES.iter().copied().filter(|r| levels.may_fire(r.meta().code)).collect()
}

/// The article checks of `rules` over every article, in corpus order;
/// what they read is recorded if `record` (for re-checking).
pub fn run_articles(
    rules: &[&'static dyn Rule],
    corpus: &Corpus,
    config: &Config,
    groups: &Groups,
    record: bool,
) -> Vec<ArticleRun> {
    corpus.articles.par_iter().map(|a| run_article(rules, a, corpus, config, groups, record)).collect()
}

/// The article checks of `rules` over one article of `corpus`, what they
/// read recorded if `record`.
pub fn run_article(
    rules: &[&'static dyn Rule],
    article: &Article,
    corpus: &Corpus,
    config: &Config,
    groups: &Groups,
    record: bool,
) -> ArticleRun {
    let mut run = ArticleRun::default();
    let own = record.then(|| article.path());
    for rule in rules {
        let cx = Context::for_article(corpus, config, groups, own);
        rule.check_article(article, &cx, &mut run.findings);
        if record {
            let reads = cx.into_reads();
            if !reads.is_empty() {
                run.reads.push((rule.meta().code, reads));
            }
        }
    }
    for d in run.findings.iter_mut().filter(|d| d.path.is_empty()) {
        d.path.clone_from(&article.source.rel_path);
    }
    run
}

/// The corpus checks of `rules`.
pub fn run_corpus(rules: &[&'static dyn Rule], cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules {
        rule.check_corpus(cx, &mut out);
    }
    out
}

/// [`finish`] after applying the articles' inline suppressions.
pub fn finish_in(corpus: &Corpus, diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    finish(suppress::apply(corpus, diags, levels), levels)
}

/// [`finish_in`] for the findings of one file, all with that file's path
/// (`article`, when it is an article): the same findings, in the same order,
/// as that file's part of [`finish_in`] over the whole knowledge base.
pub fn finish_one(article: Option<&Article>, diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    finish(suppress::apply_one(article, diags, levels), levels)
}

/// Parses sources already in memory into a corpus, in parallel, counting
/// them on `bar`.
pub fn parse_all(sources: Vec<SourceFile>, bar: &Progress) -> Corpus {
    let articles: Vec<Article> = sources
        .into_par_iter()
        .map(|s| {
            let a = Article::parse(s);
            bar.inc();
            a
        })
        .collect();
    Corpus::new(articles)
}

/// Parses, lints and finishes sources already in memory: the pipeline after
/// discovery, for tests and tools without a folder on disk (`engine::Session`
/// is the same over a folder, and keeps what re-checking needs). The corpus
/// is returned too, since formatting needs its sources for line and column.
pub fn check_sources(sources: Vec<SourceFile>, config: &Config, levels: &Levels) -> (Corpus, Vec<Diagnostic>) {
    let corpus = parse_all(sources, &Progress::hidden());
    let diags = lint(&Context::new(&corpus, config), levels);
    let diags = finish_in(&corpus, diags, levels);
    (corpus, diags)
}

/// Applies configured levels, drops allowed findings and sorts.
pub fn finish(mut diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    for d in &mut diags {
        d.level = levels.level(d.code, &d.path);
    }
    diags.retain(|d| d.level != Level::Allow);
    crate::diagnostic::sort(&mut diags);
    diags
}
