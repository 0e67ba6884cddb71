//! `kbc diff`: what a new build publishes differently from an old one, per
//! cloud. Articles are paired by articleId; a pair whose contentHash or any
//! other bundle field differs is "changed", with the fields named.

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// One bundle's articles by key (articleId, or articleId and path when an id
/// repeats), each as its JSON object.
pub(crate) type Articles = BTreeMap<String, Map<String, Value>>;

/// Reads a rules.json into [`Articles`].
pub(crate) fn load_articles(path: &Path) -> Result<Articles> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let v: Value = serde_json::from_slice(&bytes).with_context(|| format!("{} is not valid JSON", path.display()))?;
    if v.get("schemaVersion").and_then(Value::as_u64) != Some(1) {
        bail!("{} is not a kbc rules.json with schemaVersion 1", path.display());
    }
    let list = v.get("articles").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut out = Articles::new();
    for a in list.iter().filter_map(Value::as_object) {
        let id = str_field(a, "articleId").to_string();
        let key = if out.contains_key(&id) { format!("{id} {}", str_field(a, "path")) } else { id };
        out.insert(key, a.clone());
    }
    Ok(out)
}

fn str_field<'a>(a: &'a Map<String, Value>, key: &str) -> &'a str {
    a.get(key).and_then(Value::as_str).unwrap_or("")
}

/// An article as listed in a diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    pub article_id: String,
    pub path: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Change {
    #[serde(flatten)]
    pub entry: Entry,
    pub old_content_hash: String,
    pub new_content_hash: String,
    /// Bundle fields whose value differs (contentHash excluded), in key order.
    pub fields: Vec<String>,
}

/// The differences of one cloud's bundle.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct CloudDiff {
    pub cloud: String,
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
    pub changed: Vec<Change>,
    pub unchanged: usize,
}

impl CloudDiff {
    pub(crate) fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares two bundles of the same cloud. Lists are sorted by path.
pub(crate) fn compare(cloud: &str, old: &Articles, new: &Articles) -> CloudDiff {
    let mut d = CloudDiff { cloud: cloud.to_string(), added: vec![], removed: vec![], changed: vec![], unchanged: 0 };
    for (key, a) in new {
        match old.get(key) {
            None => d.added.push(entry(a)),
            Some(o) => match changed_fields(o, a) {
                fields if fields.is_empty() && same_hash(o, a) => d.unchanged += 1,
                fields => d.changed.push(Change {
                    entry: entry(a),
                    old_content_hash: str_field(o, "contentHash").to_string(),
                    new_content_hash: str_field(a, "contentHash").to_string(),
                    fields,
                }),
            },
        }
    }
    d.removed = old.iter().filter(|(k, _)| !new.contains_key(*k)).map(|(_, a)| entry(a)).collect();
    d.added.sort_by(|a, b| a.path.cmp(&b.path));
    d.removed.sort_by(|a, b| a.path.cmp(&b.path));
    d.changed.sort_by(|a, b| a.entry.path.cmp(&b.entry.path));
    d
}

fn same_hash(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    a.get("contentHash") == b.get("contentHash")
}

fn entry(a: &Map<String, Value>) -> Entry {
    Entry {
        article_id: str_field(a, "articleId").to_string(),
        path: str_field(a, "path").to_string(),
        title: str_field(a, "title").to_string(),
    }
}

/// Keys present in either object whose values differ, contentHash aside.
/// For an object-valued field (`properties`) the differing keys are named
/// within it (`properties.disableClouds`), which says more to a reviewer.
fn changed_fields(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for k in union_keys(old, new) {
        match (old.get(k), new.get(k)) {
            _ if k == "contentHash" => {}
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                out.extend(union_keys(a, b).into_iter().filter(|s| a.get(*s) != b.get(*s)).map(|s| format!("{k}.{s}")));
            }
            (a, b) if a != b => out.push(k.clone()),
            _ => {}
        }
    }
    out
}

fn union_keys<'a>(a: &'a Map<String, Value>, b: &'a Map<String, Value>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests;
