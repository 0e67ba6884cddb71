//! Reading a `rules.json` bundle written by `kbc build` (issue 3's contract).
//! Only the fields matching needs are deserialized; unknown fields are
//! ignored so newer bundles of the same schema version still load.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The bundle layout version this reader understands.
const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub schema_version: u32,
    #[serde(default)]
    pub cloud: Option<String>,
    pub articles: Vec<Article>,
    #[serde(default)]
    pub index: Option<Index>,
}

/// The bundle's index: article ids by support topic, product and service.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    #[serde(default)]
    pub by_support_topic_id: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub by_product_pes_id: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub by_service: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    pub article_id: String,
    pub path: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub heading: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub self_help_type: Option<String>,
    #[serde(default)]
    pub support_topic_ids: Vec<String>,
    #[serde(default)]
    pub clouds: Vec<String>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub steps: Vec<String>,
    #[serde(default)]
    pub problems: Vec<Problem>,
    #[serde(default)]
    pub data: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct Section {
    #[serde(default)]
    pub heading: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct Problem {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub signatures: Vec<String>,
}

impl Bundle {
    pub fn load(path: &Path) -> Result<Bundle> {
        let bytes = std::fs::read(path).with_context(|| {
            format!("cannot read the bundle {} (run `kbc build` first, or pass --bundle)", path.display())
        })?;
        Bundle::parse(&bytes).with_context(|| format!("{} is not a kbc rules.json bundle", path.display()))
    }

    pub fn parse(bytes: &[u8]) -> Result<Bundle> {
        let bundle: Bundle = serde_json::from_slice(bytes)?;
        if bundle.schema_version != SCHEMA_VERSION {
            bail!("schemaVersion {} is not supported (this kbc reads {SCHEMA_VERSION})", bundle.schema_version);
        }
        bundle.check()?;
        Ok(bundle)
    }

    /// The contract rules JSON Schema cannot state (docs/build.md, "The
    /// bundle's contract"): every article has a distinct, non-empty
    /// articleId, and every id the index lists is an article's.
    fn check(&self) -> Result<()> {
        let mut ids = HashSet::new();
        for (i, a) in self.articles.iter().enumerate() {
            if a.article_id.trim().is_empty() {
                bail!("articles[{i}] ({}) has an empty articleId", a.path);
            }
            if !ids.insert(a.article_id.as_str()) {
                bail!("articles[{i}] ({}) repeats articleId {:?}", a.path, a.article_id);
            }
        }
        let Some(index) = &self.index else { return Ok(()) };
        let lists = [
            ("bySupportTopicId", &index.by_support_topic_id),
            ("byProductPesId", &index.by_product_pes_id),
            ("byService", &index.by_service),
        ];
        for (name, map) in lists {
            for (key, list) in map {
                if let Some(id) = list.iter().find(|id| !ids.contains(id.as_str())) {
                    bail!("index.{name}[{key:?}] lists {id:?}, which is no article of the bundle");
                }
            }
        }
        Ok(())
    }
}
