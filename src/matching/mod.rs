//! `kbc match`: which published articles fit an error message or question?
//! The ranking model is [`model`] (docs/build.md, "Ranking model"); the
//! index is [`store`], written by `kbc build` beside rules.json or built in
//! memory from a bundle.

pub mod bundle;
pub mod model;
pub(crate) mod query;
pub(crate) mod signature;
pub(crate) mod store;
pub(crate) mod terms;

use bundle::{Article, Bundle};
use model::{Field, MIN_RELATIVE_SCORE};
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

/// A bundle's match index ([`store`]): read from `match.idx`, or built in
/// memory from the bundle; the same bytes and the same search either way.
pub struct Index {
    store: store::Store,
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

/// A ranked article with its record and the query terms found in each of
/// its fields: what `kbc match` shows for every hit.
#[derive(Debug, Clone)]
pub struct Match {
    pub hit: Hit,
    pub doc: store::Doc,
    pub terms: Vec<(Field, Vec<String>)>,
}

/// The query's terms as found in the index, with their postings.
struct Found {
    /// (term, weight, whether a word rather than a pair, postings)
    terms: Vec<(String, f64, bool, Vec<store::Posting>)>,
    /// The cleaned query's tokens as term ids (`u32::MAX` when unknown).
    token_ids: Vec<u32>,
}

impl Index {
    /// The index of a loaded bundle, built in memory.
    pub fn build(bundle: &Bundle) -> Index {
        let mut bytes = Vec::new();
        store::write(&mut bytes, &bundle.articles, 0).expect("writing to memory");
        Index { store: store::Store::open(Box::new(bytes)).expect("an index just written") }
    }

    /// The index file `kbc build` wrote.
    pub fn open(file: std::fs::File) -> anyhow::Result<Index> {
        #[cfg(not(unix))]
        let file = std::sync::Mutex::new(file);
        Ok(Index { store: store::Store::open(Box::new(file))? })
    }

    /// The length of the rules.json the index was built from (0 in memory).
    pub fn bundle_len(&self) -> u64 {
        self.store.bundle_len
    }

    pub fn len(&self) -> usize {
        self.store.n_docs
    }

    pub fn is_empty(&self) -> bool {
        self.store.n_docs == 0
    }

    /// Ranks the articles that pass the filters by score (BM25 with the
    /// title and signature boosts), ties by bundle order.
    pub fn search(&self, q: &Query) -> anyhow::Result<Vec<Hit>> {
        Ok(self.ranked(q, &self.find(&q.text)?)?.into_iter().map(|(hit, _)| hit).collect())
    }

    /// [`Index::search`] plus each hit's record and why it matched: all the
    /// per-query work of `kbc match` (the benchmark times exactly this).
    pub fn explain(&self, q: &Query) -> anyhow::Result<Vec<Match>> {
        let found = self.find(&q.text)?;
        let ranked = self.ranked(q, &found)?;
        Ok(ranked.into_iter().map(|(hit, doc)| Match { terms: matched_terms(&found, hit.article), hit, doc }).collect())
    }

    fn find(&self, text: &str) -> anyhow::Result<Found> {
        let mut cache: HashMap<String, Option<store::TermRef>> = HashMap::new();
        let mut lookup = |t: &str| -> anyhow::Result<Option<store::TermRef>> {
            if let Some(r) = cache.get(t) {
                return Ok(*r);
            }
            let r = self.store.lookup(t)?;
            cache.insert(t.to_string(), r);
            Ok(r)
        };
        let mut known = HashMap::new();
        for w in model::query_words(text) {
            known.insert(w.clone(), lookup(&w)?.is_some());
        }
        let words = model::query_terms(text, |t| known.get(t).copied().unwrap_or(false));
        let cleaned = query::clean(text);
        let mut seen = std::collections::HashSet::new();
        let pairs = model::bigrams(&cleaned).into_iter().filter(|p| seen.insert(p.clone()));
        let all = words.into_iter().map(|(t, w)| (t, w, true)).chain(pairs.map(|p| (p, model::BIGRAM_WEIGHT, false)));
        let mut terms = Vec::new();
        for (t, w, word) in all {
            if let Some(r) = lookup(&t)? {
                terms.push((t, w, word, self.store.postings(r)?));
            }
        }
        let mut token_ids = Vec::new();
        for t in tokens(&cleaned) {
            token_ids.push(lookup(&t)?.map_or(u32::MAX, |r| r.id));
        }
        Ok(Found { terms, token_ids })
    }

    /// BM25 score of every article (0 for those without a query term), by
    /// article: a plain vector, because common terms post to most articles.
    fn bm25(&self, found: &Found) -> Vec<f64> {
        let n = self.store.n_docs as f64;
        let mut scores = vec![0.0; self.store.n_docs];
        for (_, weight, _, list) in &found.terms {
            let idf = weight * model::idf(n, list.len() as f64);
            for &(doc, tf, _) in list {
                let len = self.store.lengths[doc as usize] as f64;
                scores[doc as usize] += model::term_score(idf, tf as f64, len, self.store.avg_len);
            }
        }
        scores
    }

    /// The hits in rank order with their records, filtered and cut.
    fn ranked(&self, q: &Query, found: &Found) -> anyhow::Result<Vec<(Hit, store::Doc)>> {
        let mut scores = self.bm25(found);
        let pattern = Pattern::new(&q.text);
        let mut signatures: HashMap<usize, &str> = HashMap::new();
        for (doc, sig) in &self.store.signatures {
            if *doc < scores.len() && !signatures.contains_key(doc) && signature::matches(&pattern, &Pattern::new(sig))
            {
                signatures.insert(*doc, sig);
                scores[*doc] *= 1.0 + model::SIGNATURE_BOOST;
            }
        }
        let mut hits: Vec<Hit> = Vec::new();
        for (doc, score) in scores.into_iter().enumerate() {
            if score <= 0.0 && !signatures.contains_key(&doc) {
                continue;
            }
            let title = self.store.title(doc);
            let boost = if model::holds_title_ids(&found.token_ids, title) { 1.0 + model::TITLE_BOOST } else { 1.0 };
            hits.push(Hit {
                article: doc,
                score: score * boost,
                signature: signatures.get(&doc).map(|s| s.to_string()),
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.article.cmp(&b.article)));
        let mut out: Vec<(Hit, store::Doc)> = Vec::new();
        let mut best = None;
        for hit in hits {
            if out.len() >= q.limit {
                break;
            }
            let low = best.is_some_and(|b: f64| hit.score < b * MIN_RELATIVE_SCORE);
            if low && hit.signature.is_none() {
                continue;
            }
            let doc = self.store.doc(hit.article)?;
            if passes_filters(&doc, q) {
                best.get_or_insert(hit.score);
                out.push((hit, doc));
            }
        }
        Ok(out)
    }
}

fn passes_filters(a: &store::Doc, q: &Query) -> bool {
    let cloud_ok = q.cloud.as_deref().is_none_or(|c| a.clouds.iter().any(|x| x.eq_ignore_ascii_case(c)));
    let topic_ok =
        q.support_topic.as_deref().is_none_or(|t| a.support_topic_ids.iter().any(|x| x.eq_ignore_ascii_case(t)));
    cloud_ok && topic_ok
}

/// The query's words found in each field of an article, for "why it
/// matched" (from the fields recorded in the postings).
fn matched_terms(found: &Found, doc: usize) -> Vec<(Field, Vec<String>)> {
    let mut out: Vec<(Field, Vec<String>)> = Field::ALL.iter().map(|&f| (f, Vec::new())).collect();
    for (term, _, word, list) in &found.terms {
        if !*word {
            continue;
        }
        let Ok(i) = list.binary_search_by_key(&(doc as u32), |p| p.0) else { continue };
        for (bit, (_, terms)) in out.iter_mut().enumerate() {
            if list[i].2 & (1 << bit) != 0 {
                terms.push(term.clone());
            }
        }
    }
    out.retain(|(_, t)| !t.is_empty());
    out
}

#[cfg(test)]
mod tests;
