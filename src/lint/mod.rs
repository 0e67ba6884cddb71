//! The lint engine: the [`Rule`] trait, running rules over a [`Corpus`], and
//! applying configured levels. Rules live one per file in [`rules`] and are
//! listed once in [`registry::RULES`].

pub mod baseline;
pub mod registry;
pub mod rules;
pub(crate) mod secrets;
pub mod suppress;

use crate::article::{Article, Corpus};
use crate::config::Config;
/// What every rule declares about itself; it lives with the findings it
/// describes, so that output formats need not know the rules.
pub use crate::diagnostic::RuleMeta;
use crate::diagnostic::{Diagnostic, Level};
use crate::discover::Unusable;
use crate::progress::Progress;
use crate::source::SourceFile;
use rayon::prelude::*;
pub use registry::Levels;

/// Shared read-only state a rule may consult.
pub struct Context<'a> {
    pub corpus: &'a Corpus,
    pub config: &'a Config,
}

/// A lint rule. Article rules run in parallel per article; corpus rules run
/// once over the whole knowledge base.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;

    fn check_article(&self, _article: &Article, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Whether `check_article` looks at other articles (a link's target, its
    /// clouds): then editing one article can change another's findings, and
    /// `kbc serve` runs the rule over every article after each save.
    fn reads_other_articles(&self) -> bool {
        false
    }

    fn check_corpus(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// Runs every enabled rule over the corpus. Output is not yet leveled or sorted.
pub fn lint(cx: &Context<'_>, levels: &Levels) -> Vec<Diagnostic> {
    let rules = enabled(levels);
    let mut diags: Vec<Diagnostic> =
        cx.corpus.articles.par_iter().flat_map_iter(|article| check_article(&rules, article, cx)).collect();
    for rule in &rules {
        rule.check_corpus(cx, &mut diags);
    }
    diags
}

/// The rules `levels` lets fire, in code order.
pub fn enabled(levels: &Levels) -> Vec<&'static dyn Rule> {
    registry::RULES.iter().copied().filter(|r| levels.may_fire(r.meta().code)).collect()
}

/// The article checks of `rules` over one article, every finding with a path.
pub fn check_article(rules: &[&'static dyn Rule], article: &Article, cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules {
        rule.check_article(article, cx, &mut out);
    }
    for d in out.iter_mut().filter(|d| d.path.is_empty()) {
        d.path.clone_from(&article.source.rel_path);
    }
    out
}

/// [`finish`] after applying the articles' inline suppressions.
pub fn finish_in(corpus: &Corpus, diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    finish(suppress::apply(corpus, diags, levels), levels)
}

/// Parses, lints and finishes sources already in memory: the pipeline after
/// discovery, for tests and tools without a folder on disk. The corpus is
/// returned too, since formatting needs its sources for line and column.
pub fn check_sources(sources: Vec<SourceFile>, config: &Config, levels: &Levels) -> (Corpus, Vec<Diagnostic>) {
    check_sources_with(sources, Vec::new(), config, levels, &Progress::hidden())
}

/// [`check_sources`] after discovery: `unusable` holds the files discovery
/// could not use, and `bar` counts parsed files.
pub fn check_sources_with(
    sources: Vec<SourceFile>,
    unusable: Vec<Unusable>,
    config: &Config,
    levels: &Levels,
    bar: &Progress,
) -> (Corpus, Vec<Diagnostic>) {
    let articles: Vec<Article> = sources
        .into_par_iter()
        .map(|s| {
            let a = Article::parse(s);
            bar.inc();
            a
        })
        .collect();
    bar.phase("linting");
    let mut corpus = Corpus::new(articles);
    corpus.unusable = unusable;
    let diags = lint(&Context { corpus: &corpus, config }, levels);
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
