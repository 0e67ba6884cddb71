//! `kbc match`: which published articles fit an error message or question?
//! Articles of a bundle are indexed once for BM25 over weighted fields
//! (title, headings, problem signatures, text); a query ranks articles whose
//! problem signature matches it exactly ([`signature`]) first, then by score.

pub mod bundle;
pub(crate) mod model;
pub(crate) mod query;
pub(crate) mod signature;

use bundle::{Article, Bundle};
use model::{Field, MIN_RELATIVE_SCORE};
use rayon::prelude::*;
use signature::Pattern;
use std::collections::HashMap;

use model::tokens;

/// The text of one field of an article.
pub fn field_text(field: Field, a: &Article) -> String {
    match field {
        Field::Title => format!("{}\n{}", a.title, a.heading),
        Field::Headings => a.sections.iter().map(|s| s.heading.as_str()).collect::<Vec<_>>().join("\n"),
        Field::Signatures => a.problems.iter().flat_map(|p| &p.signatures).cloned().collect::<Vec<_>>().join("\n"),
        Field::Text => {
            let sections = a.sections.iter().map(|s| s.text.as_str());
            let problems = a.problems.iter().map(|p| p.text.as_str());
            let all: Vec<&str> = [a.description.as_str()].into_iter().chain(sections).chain(problems).collect();
            let mut text = all.join("\n") + "\n" + &a.steps.join("\n");
            if let Some(data) = &a.data {
                data_prose(data, false, &mut text);
            }
            text
        }
    }
}

/// The prose of the embedded JSON that readers see (advisor descriptions,
/// scoping questions, support-topic descriptions): every string value with
/// a space in it that is not a URL, and every value under a `…tags` key.
fn data_prose(v: &serde_json::Value, tags: bool, out: &mut String) {
    match v {
        serde_json::Value::String(s) if tags || (s.contains(' ') && !s.trim_start().starts_with("http")) => {
            out.push('\n');
            out.push_str(s);
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| data_prose(x, tags, out)),
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                data_prose(x, k.to_ascii_lowercase().ends_with("tags"), out);
            }
        }
        _ => {}
    }
}

/// An inverted index over one bundle's articles (same order as the bundle).
pub struct Index {
    postings: HashMap<String, Vec<(u32, f32)>>,
    lengths: Vec<f32>,
    avg_len: f64,
    signatures: Vec<Vec<(String, Pattern)>>,
    /// Each article's title tokens (pageTitle, else the H1).
    titles: Vec<Vec<String>>,
}

/// What to look for, and where.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub cloud: Option<String>,
    pub support_topic: Option<String>,
    pub limit: usize,
}

/// One ranked article.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index into the bundle's articles.
    pub article: usize,
    pub score: f64,
    /// The signature that matched the query exactly, if one did.
    pub signature: Option<String>,
}

/// A ranked article with the query terms found in each of its fields: what
/// `kbc match` shows for every hit.
#[derive(Debug, Clone)]
pub struct Match {
    pub hit: Hit,
    pub terms: Vec<(Field, Vec<String>)>,
}

impl Index {
    pub fn build(bundle: &Bundle) -> Index {
        // Tokenizing is the expensive part and runs in parallel; the merge
        // visits articles in order, so postings stay sorted by article.
        let per_article: Vec<_> = bundle.articles.par_iter().map(weighted_terms).collect();
        let mut postings: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        let mut lengths = Vec::with_capacity(bundle.articles.len());
        for (i, (tf, len)) in per_article.into_iter().enumerate() {
            for (term, w) in tf {
                postings.entry(term).or_default().push((i as u32, w as f32));
            }
            lengths.push(len as f32);
        }
        let avg_len = lengths.iter().map(|&l| l as f64).sum::<f64>() / lengths.len().max(1) as f64;
        let signatures = bundle.articles.iter().map(article_signatures).collect();
        let titles =
            bundle.articles.iter().map(|a| tokens(if a.title.is_empty() { &a.heading } else { &a.title })).collect();
        Index { postings, lengths, avg_len, signatures, titles }
    }

    /// Ranks the articles that pass the filters: exact signature matches
    /// first, then by BM25 score, ties by bundle order.
    pub fn search(&self, bundle: &Bundle, q: &Query) -> Vec<Hit> {
        let scores = self.bm25(&q.text);
        let pattern = Pattern::new(&q.text);
        let query_tokens = tokens(&query::clean(&q.text));
        let mut hits: Vec<Hit> = (0..bundle.articles.len())
            .filter(|&i| passes_filters(&bundle.articles[i], q))
            .filter_map(|i| {
                let signature = self.signatures[i].iter().find(|(_, p)| signature::matches(&pattern, p));
                let mut boost = if signature.is_some() { 1.0 + model::SIGNATURE_BOOST } else { 1.0 };
                if model::holds_title(&query_tokens, &self.titles[i]) {
                    boost *= 1.0 + model::TITLE_BOOST;
                }
                let score = scores[i] * boost;
                (signature.is_some() || score > 0.0).then(|| Hit {
                    article: i,
                    score,
                    signature: signature.map(|s| s.0.clone()),
                })
            })
            .collect();
        let best = hits.iter().map(|h| h.score).fold(0.0, f64::max);
        hits.retain(|h| h.signature.is_some() || h.score >= best * MIN_RELATIVE_SCORE);
        top(hits, q.limit)
    }

    /// [`Index::search`] plus why each hit matched: all the per-query work of
    /// `kbc match` (the benchmark times exactly this).
    pub fn explain(&self, bundle: &Bundle, q: &Query) -> Vec<Match> {
        let hits = self.search(bundle, q);
        hits.into_iter()
            .map(|hit| Match { terms: matched_terms(&bundle.articles[hit.article], &q.text), hit })
            .collect()
    }

    /// BM25 score of every article (0 for those without a query term), by
    /// article: a plain vector, because common terms post to most articles.
    fn bm25(&self, text: &str) -> Vec<f64> {
        let mut terms = model::query_terms(text, |t| self.postings.contains_key(t));
        let pairs = model::bigrams(&query::clean(text));
        let mut seen = std::collections::HashSet::new();
        terms.extend(pairs.into_iter().filter(|p| seen.insert(p.clone())).map(|p| (p, model::BIGRAM_WEIGHT)));
        let n = self.lengths.len() as f64;
        let mut scores = vec![0.0; self.lengths.len()];
        for (term, weight) in &terms {
            let Some(list) = self.postings.get(term) else { continue };
            let idf = weight * model::idf(n, list.len() as f64);
            for &(doc, tf) in list {
                scores[doc as usize] +=
                    model::term_score(idf, tf as f64, self.lengths[doc as usize] as f64, self.avg_len);
            }
        }
        scores
    }
}

/// The `limit` best hits in rank order. Only those are sorted: the order is
/// total (ties fall back to bundle order), so selecting them first gives the
/// same list as sorting all hits, while a common word can hit thousands.
fn top(mut hits: Vec<Hit>, limit: usize) -> Vec<Hit> {
    let rank = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.article.cmp(&b.article));
    if limit == 0 {
        return Vec::new();
    }
    if hits.len() > limit {
        hits.select_nth_unstable_by(limit - 1, rank);
        hits.truncate(limit);
    }
    hits.sort_by(rank);
    hits
}

/// Weighted term frequencies of an article and its (unweighted) length.
pub fn weighted_terms(a: &Article) -> (HashMap<String, f64>, usize) {
    let mut tf: HashMap<String, f64> = HashMap::new();
    let mut len = 0;
    for field in Field::ALL {
        let text = field_text(field, a);
        for t in tokens(&text) {
            len += 1;
            *tf.entry(t).or_default() += field.weight();
        }
        for pair in model::bigrams(&text) {
            *tf.entry(pair).or_default() += field.weight();
        }
    }
    (tf, len)
}

fn article_signatures(a: &Article) -> Vec<(String, Pattern)> {
    let errors = a.problems.iter().flat_map(|p| &p.signatures).filter(|s| signature::looks_like_error(s));
    errors.map(|s| (s.clone(), Pattern::new(s))).collect()
}

fn passes_filters(a: &Article, q: &Query) -> bool {
    let cloud_ok = q.cloud.as_deref().is_none_or(|c| a.clouds.iter().any(|x| x.eq_ignore_ascii_case(c)));
    let topic_ok =
        q.support_topic.as_deref().is_none_or(|t| a.support_topic_ids.iter().any(|x| x.eq_ignore_ascii_case(t)));
    cloud_ok && topic_ok
}

/// The query terms found in each field of an article, for "why it matched".
pub fn matched_terms(a: &Article, query: &str) -> Vec<(Field, Vec<String>)> {
    let q: Vec<String> = model::query_terms(query, |_| true).into_iter().map(|(t, _)| t).collect();
    Field::ALL
        .into_iter()
        .filter_map(|f| {
            let have: std::collections::HashSet<String> = tokens(&field_text(f, a)).into_iter().collect();
            let found: Vec<String> = q.iter().filter(|t| have.contains(*t)).cloned().collect();
            (!found.is_empty()).then_some((f, found))
        })
        .collect()
}

#[cfg(test)]
mod tests;
