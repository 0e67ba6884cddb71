//! rules.json: the bundle of published articles and its index, in a fixed
//! key and article order so the same input gives byte-identical files.

use super::clouds::Rewrites;
use super::view::{
    Bundle, BundleArticle, BundleIndex, DocumentView, LinkView, ProblemView, SCHEMA_VERSION, SectionView,
};
use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::parse::outline::Outline;
use std::collections::BTreeMap;

/// The bundle entry of one article, from its header, body and outline.
pub(crate) fn article(a: &Article, outline: Outline) -> BundleArticle {
    let p = &a.props;
    let text = a.text();
    let list = |name: &str| p.list(text, name).iter().map(|i| i.text.to_string()).collect::<Vec<_>>();
    let value = |name: &str| p.value(name).unwrap_or_default().to_string();
    BundleArticle {
        article_id: value("articleId"),
        path: a.path().to_string(),
        title: value("pageTitle"),
        heading: a.body.h1().map(|h| h.text.clone()).unwrap_or_default(),
        description: value("description"),
        self_help_type: a.self_help_type().map(str::to_string),
        service: value("service"),
        resource: value("resource"),
        support_topic_ids: list("supportTopicIds"),
        product_pes_ids: list("productPesIds"),
        clouds: a.effective_clouds().iter().map(|c| c.as_str().to_string()).collect(),
        ownership_id: value("ownershipId"),
        display_order: p.display_order(),
        properties: properties(a),
        sections: outline
            .sections
            .into_iter()
            .map(|s| SectionView { heading: s.heading, level: s.level, text: s.text })
            .collect(),
        steps: outline.steps,
        documents: outline.documents.into_iter().map(|d| DocumentView { title: d.title, url: d.url }).collect(),
        problems: outline.problems.into_iter().map(problem).collect(),
        links: a
            .body
            .links
            .iter()
            .map(|l| LinkView { url: l.url.clone(), text: l.text.trim().to_string(), image: l.image })
            .collect(),
        data: data(a),
        content_hash: content_hash(text),
    }
}

fn problem(p: crate::parse::outline::Problem) -> ProblemView {
    ProblemView { text: p.text, signatures: p.signatures, cause: p.cause, solution: p.solution }
}

/// Every attribute by canonical name (unknown names as written), first wins.
fn properties(a: &Article) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for attr in &a.props.attrs {
        let key = attr.canonical.map_or_else(|| attr.name.clone(), str::to_string);
        map.entry(key).or_insert_with(|| attr.value.trim().to_string());
    }
    map
}

/// The embedded JSON block, parsed; invalid JSON is left to the lint rules.
fn data(a: &Article) -> Option<serde_json::Value> {
    let block = a.body.json.as_ref()?;
    serde_json::from_str(a.text().get(block.span.clone())?).ok()
}

pub(crate) fn content_hash(text: &str) -> String {
    format!("blake3:{}", blake3::hash(text.as_bytes()).to_hex())
}

/// A bundle of the given articles, already sorted by articleId then path.
pub(crate) fn bundle<'a>(articles: Vec<&'a BundleArticle>, cloud: Option<Cloud>) -> Bundle<'a> {
    let index = index(&articles);
    Bundle {
        schema_version: SCHEMA_VERSION,
        generator: super::GENERATOR.to_string(),
        cloud: cloud.map(|c| c.to_string()),
        articles,
        index,
    }
}

fn index(articles: &[&BundleArticle]) -> BundleIndex {
    let mut index = BundleIndex::default();
    for a in articles {
        let id = &a.article_id;
        for t in &a.support_topic_ids {
            index.by_support_topic_id.entry(t.clone()).or_default().push(id.clone());
        }
        for t in &a.product_pes_ids {
            index.by_product_pes_id.entry(t.clone()).or_default().push(id.clone());
        }
        if !a.service.is_empty() {
            index.by_service.entry(a.service.clone()).or_default().push(id.clone());
        }
    }
    for ids in index
        .by_support_topic_id
        .values_mut()
        .chain(index.by_product_pes_id.values_mut())
        .chain(index.by_service.values_mut())
    {
        ids.sort();
        ids.dedup();
    }
    index
}

/// The bundle as pretty JSON with a trailing newline.
pub(crate) fn to_json(bundle: &Bundle<'_>) -> anyhow::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(bundle)?;
    out.push(b'\n');
    Ok(out)
}

/// The article with a cloud's URL rewrites applied, or `None` when no URL in
/// it changes (the shared entry is used as is).
pub(crate) fn rewrite(a: &BundleArticle, rewrites: &Rewrites) -> Option<BundleArticle> {
    let touched = a.links.iter().any(|l| rewrites.apply(&l.url).is_some())
        || a.documents.iter().any(|d| rewrites.apply(&d.url).is_some());
    if !touched {
        return None;
    }
    let mut a = a.clone();
    for l in &mut a.links {
        if let Some(u) = rewrites.apply(&l.url) {
            l.url = u;
        }
    }
    for d in &mut a.documents {
        if let Some(u) = rewrites.apply(&d.url) {
            d.url = u;
        }
    }
    Some(a)
}
