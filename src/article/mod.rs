//! The article model: one parsed file ([`Article`]) and the whole knowledge base
//! ([`Corpus`]), sorted by path, with lookup by articleId and path.

pub mod probes;
pub mod properties;
pub mod vocab;

use crate::parse::body::Body;
use crate::source::SourceFile;
use properties::Properties;
use std::collections::BTreeMap;
use vocab::Cloud;

/// One parsed article. The header may be missing or partial; rules still see
/// the body.
#[derive(Debug, Clone)]
pub struct Article {
    pub source: SourceFile,
    /// The header was found (possibly with problems).
    pub has_header: bool,
    pub props: Properties,
    pub body: Body,
}

impl Article {
    pub fn path(&self) -> &str {
        &self.source.rel_path
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }

    pub fn article_id(&self) -> Option<&str> {
        self.props.non_empty("articleId")
    }

    pub fn effective_clouds(&self) -> Vec<Cloud> {
        self.props.effective_clouds(&self.source.text)
    }

    pub fn self_help_type(&self) -> Option<&'static str> {
        self.props.self_help_type()
    }
}

/// Every article of a knowledge base, sorted by relative path.
#[derive(Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
    by_id: BTreeMap<String, Vec<usize>>,
    /// Every look at a file outside the corpus goes through here.
    pub probes: probes::Probes,
}

impl Corpus {
    pub fn new(mut articles: Vec<Article>) -> Corpus {
        articles.sort_by(|a, b| a.path().cmp(b.path()));
        let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, a) in articles.iter().enumerate() {
            if let Some(id) = a.article_id() {
                by_id.entry(id.to_ascii_lowercase()).or_default().push(i);
            }
        }
        Corpus { articles, by_id, probes: probes::Probes::default() }
    }

    /// Articles with this articleId (case-insensitive), in path order.
    pub fn by_article_id(&self, id: &str) -> impl Iterator<Item = &Article> {
        self.by_id.get(&id.to_ascii_lowercase()).into_iter().flatten().map(|&i| &self.articles[i])
    }

    /// Groups of article indices sharing an articleId, in id order.
    pub fn id_groups(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.by_id.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// The article at a path relative to the root, if any.
    pub fn by_path(&self, path: &str) -> Option<&Article> {
        self.articles.binary_search_by(|a| a.path().cmp(path)).ok().map(|i| &self.articles[i])
    }

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }
}
