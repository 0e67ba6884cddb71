//! The article model: one parsed file ([`Article`]) and the whole knowledge base
//! ([`Corpus`]), sorted by path, with lookup by articleId and path.

pub(crate) mod probes;
pub(crate) mod properties;
/// The header's closed vocabularies (a layer below: the parser needs them).
pub use crate::vocab;

use crate::discover::Unusable;
use crate::parse::body::Body;
use crate::parse::header::{self, HeaderProblem, Scan};
use crate::source::{SourceFile, Span};
use crate::syntax::json::{self, JsonError, Node};
use crate::syntax::portal::{self, Marker};
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
    /// What is wrong with the header's syntax (`malformed-properties`).
    pub header_problems: Vec<HeaderProblem>,
    /// Without a header at the top, where a `<properties` tag appears further
    /// down, if anywhere (`missing-properties`).
    pub header_found_later: Option<usize>,
}

impl Article {
    /// Parses one file. Never fails: what is wrong with the file is kept as
    /// facts on the article, which rules turn into findings.
    pub fn parse(source: SourceFile) -> Article {
        let (props, has_header, header_problems, header_found_later) = match header::scan(&source.text) {
            Scan::Found { header, problems } => {
                (Properties { span: header.span, attrs: header.attrs }, true, problems, None)
            }
            Scan::Missing { found_later } => (Properties::default(), false, Vec::new(), found_later),
        };
        let body = crate::parse::body::parse(&source.text, props.span.end);
        Article { source, has_header, props, body, header_problems, header_found_later }
    }

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

    /// The portal markers of the body, outside code, in order.
    pub(crate) fn portal_markers(&self) -> Vec<Marker> {
        portal::markers(self.text(), self.body.start, |at| self.body.in_code(at))
    }

    /// The text between matched `<!--issueDescription-->` markers.
    pub(crate) fn issue_descriptions(&self) -> Vec<Span> {
        portal::issue_descriptions(self.text(), self.body.start, |at| self.body.in_code(at))
    }

    /// The embedded JSON block parsed, if the article has one.
    pub(crate) fn embedded_json(&self) -> Option<Result<Node, JsonError>> {
        let block = self.body.json.as_ref()?;
        Some(json::parse_at(self.text(), block.span.clone()))
    }

    /// Why the embedded JSON block is invalid, if it is (cheaper than
    /// [`Article::embedded_json`]).
    pub(crate) fn embedded_json_error(&self) -> Option<JsonError> {
        let block = self.body.json.as_ref()?;
        json::error_at(self.text(), block.span.clone())
    }
}

/// Every article of a knowledge base, sorted by relative path.
#[derive(Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
    by_id: BTreeMap<String, Vec<usize>>,
    /// Every look at a file outside the corpus goes through here.
    pub probes: probes::Probes,
    /// Files found that could not be read or decoded (`unreadable-file`,
    /// `invalid-encoding`).
    pub unusable: Vec<Unusable>,
}

impl Corpus {
    pub fn new(mut articles: Vec<Article>) -> Corpus {
        articles.sort_by(|a, b| a.path().cmp(b.path()));
        let mut corpus = Corpus { articles, ..Corpus::default() };
        corpus.index_ids();
        corpus
    }

    fn index_ids(&mut self) {
        self.by_id.clear();
        for (i, a) in self.articles.iter().enumerate() {
            if let Some(id) = a.article_id() {
                self.by_id.entry(id.to_ascii_lowercase()).or_default().push(i);
            }
        }
    }

    fn unindex_id(&mut self, old: &Article, i: usize) {
        let Some(id) = old.article_id() else { return };
        let key = id.to_ascii_lowercase();
        let Some(group) = self.by_id.get_mut(&key) else { return };
        group.retain(|&j| j != i);
        if group.is_empty() {
            self.by_id.remove(&key);
        }
    }

    fn index_id(&mut self, i: usize) {
        let Some(id) = self.articles[i].article_id() else { return };
        let group = self.by_id.entry(id.to_ascii_lowercase()).or_default();
        if let Err(at) = group.binary_search(&i) {
            group.insert(at, i);
        }
    }

    /// Puts `article` in place of the article at its path, or adds it in
    /// path order; returns its index.
    pub fn upsert(&mut self, article: Article) -> usize {
        let i = match self.articles.binary_search_by(|a| a.path().cmp(article.path())) {
            Ok(i) => {
                // Indices stay put: only this article's id entry moves.
                let old = std::mem::replace(&mut self.articles[i], article);
                self.unindex_id(&old, i);
                self.index_id(i);
                return i;
            }
            Err(i) => {
                self.articles.insert(i, article);
                i
            }
        };
        self.index_ids();
        i
    }

    /// Takes the article at `path` out; returns its index and the article.
    pub fn remove(&mut self, path: &str) -> Option<(usize, Article)> {
        let i = self.articles.binary_search_by(|a| a.path().cmp(path)).ok()?;
        let article = self.articles.remove(i);
        self.index_ids();
        Some((i, article))
    }

    /// The index of the article at `path`.
    pub fn position(&self, path: &str) -> Option<usize> {
        self.articles.binary_search_by(|a| a.path().cmp(path)).ok()
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
        self.position(path).map(|i| &self.articles[i])
    }

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }
}
