//! rules.json: the bundle of published articles and its index, in a fixed
//! key and article order so the same input gives byte-identical files.

use super::clouds::Rewrites;
use super::view::{BundleArticle, BundleIndex, DocumentView, LinkView, ProblemView, SCHEMA_VERSION, SectionView};
use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::parse::body::Body;
use crate::parse::outline::Outline;
use std::collections::BTreeMap;
use std::io::Write;

/// The bundle entry of one article, from its header, its body (`text` and
/// `body` are the article's own, or with includes expanded) and outline.
pub(crate) fn article(a: &Article, text: &str, body: &Body, outline: Outline) -> BundleArticle {
    let p = &a.props;
    let list = |name: &str| p.list(text, name).iter().map(|i| i.text.to_string()).collect::<Vec<_>>();
    let value = |name: &str| p.value(name).unwrap_or_default().to_string();
    BundleArticle {
        article_id: value("articleId"),
        path: a.path().to_string(),
        url: String::new(),
        title: value("pageTitle"),
        heading: body.h1().map(|h| h.text.clone()).unwrap_or_default(),
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
        links: body
            .links
            .iter()
            .map(|l| LinkView { url: l.url.clone(), text: l.text.trim().to_string(), image: l.image })
            .collect(),
        data: data(text, body),
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
fn data(text: &str, body: &Body) -> Option<serde_json::Value> {
    let block = body.json.as_ref()?;
    crate::syntax::json::value_at(text, block.span.clone())
}

pub(crate) fn content_hash(text: &str) -> String {
    format!("blake3:{}", blake3::hash(text.as_bytes()).to_hex())
}

/// What index pages, lists and the bundle index need of a published
/// article, kept after its full entry has been serialized (so the whole
/// corpus's text is not held twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub article_id: String,
    pub path: String,
    /// pageTitle, else the H1, else the path.
    pub title: String,
    pub description: String,
    pub service: String,
    pub self_help_type: Option<String>,
    pub clouds: Vec<String>,
    pub support_topic_ids: Vec<String>,
    pub product_pes_ids: Vec<String>,
}

impl Entry {
    pub(crate) fn new(a: &BundleArticle) -> Entry {
        let title = [&a.title, &a.heading, &a.path].into_iter().find(|s| !s.is_empty()).cloned().unwrap_or_default();
        Entry {
            article_id: a.article_id.clone(),
            path: a.path.clone(),
            title,
            description: a.description.clone(),
            service: a.service.clone(),
            self_help_type: a.self_help_type.clone(),
            clouds: a.clouds.clone(),
            support_topic_ids: a.support_topic_ids.clone(),
            product_pes_ids: a.product_pes_ids.clone(),
        }
    }

    pub(crate) fn in_cloud(&self, cloud: Cloud) -> bool {
        self.clouds.iter().any(|c| c == cloud.as_str())
    }
}

/// One article's bundle entry as compact JSON, serialized once and shared by
/// every bundle it appears in.
pub(crate) fn entry_json(a: &BundleArticle) -> anyhow::Result<Vec<u8>> {
    Ok(serde_json::to_vec(a)?)
}

/// Bundle order: by articleId, then path.
pub(crate) fn sort_key(e: &Entry) -> (&str, &str) {
    (e.article_id.as_str(), e.path.as_str())
}

/// rules.json from serialized entries already in bundle order: compact
/// JSON with one article per line, so that diffs of it stay readable. The
/// same bytes as serializing [`Bundle`] compactly, plus line breaks.
/// Streamed to `out`, so a large bundle is never held whole in memory:
/// `json(out, k)` writes entry `k`'s serialized JSON.
pub(crate) fn assemble<W: Write>(
    out: &mut W,
    cloud: Option<Cloud>,
    entries: &[&Entry],
    mut json: impl FnMut(&mut W, usize) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    write!(out, "{{\"schemaVersion\":{SCHEMA_VERSION},\"generator\":")?;
    serde_json::to_writer(&mut *out, super::GENERATOR)?;
    out.write_all(b",\"cloud\":")?;
    serde_json::to_writer(&mut *out, &cloud.map(Cloud::as_str))?;
    out.write_all(b",\"articles\":[")?;
    for k in 0..entries.len() {
        out.write_all(if k == 0 { b"\n" } else { b",\n" })?;
        json(out, k)?;
    }
    out.write_all(if entries.is_empty() { b"],\"index\":" } else { b"\n],\"index\":" })?;
    serde_json::to_writer(&mut *out, &index(entries.iter().copied()))?;
    out.write_all(b"}\n")?;
    Ok(())
}

/// Makes the generated schema of rules.json a strict contract: `$id` with
/// the schema version, the version as a constant, closed objects with every
/// property required, the closed vocabularies as enums, patterns for ids,
/// paths, URLs and hashes, no duplicate articles (docs/build.md, "The
/// bundle's contract"). What JSON Schema cannot say (unique articleIds,
/// index entries naming articles) `kbc match` checks when it loads a bundle.
pub(crate) fn tighten_schema(schema: &mut serde_json::Value) {
    use serde_json::json;
    let clouds: Vec<&str> = Cloud::ALL.iter().map(|c| c.as_str()).collect();
    let mut types: Vec<serde_json::Value> = crate::vocab::SELF_HELP_TYPES.iter().map(|t| json!(t)).collect();
    types.push(serde_json::Value::Null);
    schema["$id"] = json!(format!("urn:kbc:rules.json:schema-version:{SCHEMA_VERSION}"));
    close(schema);
    let root = &mut schema["properties"];
    root["schemaVersion"] = json!({"const": SCHEMA_VERSION});
    root["generator"]["pattern"] = json!("^kbc \\S+$");
    root["cloud"] =
        json!({"enum": clouds.iter().map(|c| json!(c)).chain([serde_json::Value::Null]).collect::<Vec<_>>()});
    root["articles"]["uniqueItems"] = json!(true);
    let defs = &mut schema["$defs"];
    for def in defs.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
        close(def);
    }
    let a = &mut defs["BundleArticle"]["properties"];
    a["articleId"] = json!({"type": "string", "minLength": 1, "pattern": "^\\S(.*\\S)?$"});
    a["path"] = json!({"type": "string", "pattern": "^[^/\\\\][^\\\\]*\\.[mM][dD]$"});
    a["url"] = json!({"type": "string", "pattern": "^[^/\\\\:?#][^\\\\:?#]*\\.html$"});
    a["selfHelpType"] = json!({"enum": types});
    a["clouds"] = json!({"type": "array", "items": {"enum": clouds}, "uniqueItems": true});
    a["contentHash"] = json!({"type": "string", "pattern": "^blake3:[0-9a-f]{64}$"});
    for ids in ["supportTopicIds", "productPesIds"] {
        a[ids]["items"] = json!({"type": "string", "minLength": 1});
    }
    let list =
        json!({"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "uniqueItems": true});
    let map = json!({"type": "object", "propertyNames": {"minLength": 1}, "additionalProperties": list});
    for key in ["bySupportTopicId", "byProductPesId", "byService"] {
        defs["BundleIndex"]["properties"][key] = map.clone();
    }
}

/// An object schema with named properties: no others allowed, all required.
fn close(schema: &mut serde_json::Value) {
    let Some(props) = schema.get("properties").and_then(|p| p.as_object()) else { return };
    let names: Vec<serde_json::Value> = props.keys().map(|k| serde_json::json!(k)).collect();
    schema["required"] = serde_json::Value::Array(names);
    schema["additionalProperties"] = serde_json::json!(false);
}

/// `kbc match`'s index of the main bundle (`match.idx`), from its `n`
/// entries in bundle order (entry `k`'s JSON is `json(k)`, its search
/// document `terms(k)`) and its length in bytes (so `kbc match` can tell the
/// index belongs to the bundle beside it).
pub(crate) fn match_index(
    out: &mut impl Write,
    n: usize,
    json: impl Fn(usize) -> anyhow::Result<Vec<u8>> + Sync,
    terms: impl Fn(usize) -> anyhow::Result<Vec<u8>> + Sync,
    bundle_len: u64,
) -> anyhow::Result<()> {
    crate::matching::store::write_json(out, n, json, terms, bundle_len)
}

/// A writer that counts the bytes written through it.
pub(crate) struct Counted<'a, W> {
    inner: W,
    count: &'a mut u64,
}

impl<'a, W: Write> Counted<'a, W> {
    pub(crate) fn new(inner: W, count: &'a mut u64) -> Self {
        Counted { inner, count }
    }
}

impl<W: Write> Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        *self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn index<'a>(entries: impl Iterator<Item = &'a Entry>) -> BundleIndex {
    let mut index = BundleIndex::default();
    let mut services: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for a in entries {
        let id = &a.article_id;
        for t in &a.support_topic_ids {
            index.by_support_topic_id.entry(t.clone()).or_default().push(id.clone());
        }
        for t in &a.product_pes_ids {
            index.by_product_pes_id.entry(t.clone()).or_default().push(id.clone());
        }
        if !a.service.is_empty() {
            // Services differing only in case are one service: the first
            // spelling in bundle order names it.
            let key = services.entry(a.service.to_lowercase()).or_insert_with(|| a.service.clone());
            index.by_service.entry(key.clone()).or_default().push(id.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::outline;

    fn sample(id: &str, path: &str) -> BundleArticle {
        let text = format!(
            "<properties pageTitle=\"T {id}\" articleId=\"{id}\" supportTopicIds=\"7, 8\" service=\"svc\" cloudEnvironments=\"public\" />\n# H\n\nSee [x](https://portal.azure.com/a).\n"
        );
        let a = crate::article::Article::parse(crate::source::SourceFile::new(path.into(), text, false));
        article(&a, a.text(), &a.body, outline::extract(&outline::body_events(a.text(), &a.body)))
    }

    #[test]
    fn assembles_the_same_bytes_as_serializing_the_bundle_type() {
        let arts = [sample("a", "x/1.md"), sample("b", "x/2.md")];
        let entries: Vec<Entry> = arts.iter().map(Entry::new).collect();
        let jsons: Vec<Vec<u8>> = arts.iter().map(|a| entry_json(a).unwrap()).collect();
        let refs: Vec<&Entry> = entries.iter().collect();
        let mut bytes = Vec::new();
        assemble(&mut bytes, Some(Cloud::Public), &refs, |out, k| Ok(out.write_all(&jsons[k])?)).unwrap();
        let assembled = String::from_utf8(bytes).unwrap();
        let typed = super::super::view::Bundle {
            schema_version: SCHEMA_VERSION,
            generator: super::super::GENERATOR.to_string(),
            cloud: Some("public".into()),
            articles: arts.iter().collect(),
            index: index(entries.iter()),
        };
        assert_eq!(assembled.replace('\n', ""), serde_json::to_string(&typed).unwrap());
        assert_eq!(assembled.lines().count(), 4, "header, one line per article, index");
        assert_eq!(typed.index.by_support_topic_id["7"], ["a", "b"]);
    }

    #[test]
    fn services_differing_only_in_case_are_one_index_key_named_by_the_first() {
        let entry = |id: &str, service: &str| Entry {
            article_id: id.into(),
            path: format!("{id}.md"),
            title: String::new(),
            description: String::new(),
            service: service.into(),
            self_help_type: None,
            clouds: vec![],
            support_topic_ids: vec![],
            product_pes_ids: vec![],
        };
        let entries = [entry("a", "Microsoft.AAD"), entry("b", "microsoft.aad"), entry("c", "other")];
        let index = index(entries.iter());
        let keys: Vec<&String> = index.by_service.keys().collect();
        assert_eq!(keys, ["Microsoft.AAD", "other"]);
        assert_eq!(index.by_service["Microsoft.AAD"], ["a", "b"]);
    }

    #[test]
    fn the_schema_is_closed_and_names_its_version() {
        let schema = super::super::bundle_schema().to_value();
        assert_eq!(schema["$id"], format!("urn:kbc:rules.json:schema-version:{SCHEMA_VERSION}"));
        assert_eq!(schema["additionalProperties"], false);
        let article = &schema["$defs"]["BundleArticle"];
        assert_eq!(article["additionalProperties"], false);
        let required = article["required"].as_array().unwrap().len();
        assert_eq!(required, article["properties"].as_object().unwrap().len());
    }

    #[test]
    fn rewrites_only_articles_with_matching_urls() {
        let config = crate::config::Config::parse(
            "[clouds.fairfax.rewrite]\n\"https://portal.azure.com\" = \"https://portal.azure.us\"\n",
        )
        .unwrap();
        let a = sample("a", "x/1.md");
        let r = rewrite(&a, config.rewrites(Cloud::Fairfax)).expect("rewritten");
        assert_eq!(r.links[0].url, "https://portal.azure.us/a");
        assert!(rewrite(&a, config.rewrites(Cloud::Mooncake)).is_none());
    }
}
