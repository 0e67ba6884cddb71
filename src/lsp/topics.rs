//! What the knowledge base's supportTopicDescription articles define:
//! products (their `productPesIds`) and support topics (the `supportTopics`
//! of their embedded JSON), with names, for completion and hover.

use crate::article::Corpus;
use crate::syntax::json::Node;

pub(crate) struct Topic {
    pub id: String,
    /// Its `shortDescription`.
    pub name: String,
    pub product: String,
}

pub(crate) struct Product {
    pub id: String,
    /// The description article's title.
    pub name: String,
}

#[derive(Default)]
pub(crate) struct Topics {
    pub topics: Vec<Topic>,
    pub products: Vec<Product>,
}

impl Topics {
    /// Read from the corpus's description articles, in path order.
    pub(super) fn of(corpus: &Corpus) -> Topics {
        let mut out = Topics::default();
        for a in corpus.articles.iter().filter(|a| a.self_help_type() == Some("supporttopicdescription")) {
            let products: Vec<String> =
                a.props.list(a.text(), "productPesIds").iter().map(|p| p.text.to_string()).collect();
            let title = a.props.non_empty("pageTitle").map(str::trim).unwrap_or(a.path());
            out.products.extend(products.iter().map(|p| Product { id: p.clone(), name: title.to_string() }));
            let Some(Ok(root)) = a.embedded_json() else { continue };
            for t in root.get("supportTopics").map(Node::items).unwrap_or_default() {
                let Some(id) = t.get("id").and_then(Node::as_str).map(str::trim) else { continue };
                let name = t.get("shortDescription").and_then(Node::as_str).unwrap_or("").trim().to_string();
                for p in &products {
                    out.topics.push(Topic { id: id.to_string(), name: name.clone(), product: p.clone() });
                }
            }
        }
        out
    }

    pub(super) fn topic(&self, id: &str) -> impl Iterator<Item = &Topic> {
        self.topics.iter().filter(move |t| t.id.eq_ignore_ascii_case(id.trim()))
    }

    pub(super) fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id.eq_ignore_ascii_case(id.trim()))
    }
}
