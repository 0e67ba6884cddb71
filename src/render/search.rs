//! The offline search index: a compact script (`search-index.js`, a script
//! rather than JSON so it loads from `file://`, where fetch is blocked) read
//! by the theme's own `assets/search.js`.

use super::view::BundleArticle;
use serde::Serialize;
use std::collections::HashSet;

/// Distinct words kept per article; the title, signatures and topic ids are
/// kept whole, so this only bounds the free-text part.
const MAX_WORDS: usize = 400;
/// Longest signature kept (long stack traces are cut).
const MAX_SIGNATURE: usize = 300;

#[derive(Serialize)]
struct Index<'a> {
    fields: [&'static str; 7],
    docs: Vec<Doc<'a>>,
}

/// `[title, url, service, type, topicIds, signatures, words]`.
#[derive(Serialize)]
struct Doc<'a>(&'a str, &'a str, &'a str, &'a str, &'a [String], Vec<&'a str>, String);

/// The script for one site's articles, each with its site-relative URL.
pub(crate) fn index_script(items: &[(&BundleArticle, &str)]) -> anyhow::Result<String> {
    let docs = items.iter().map(|(a, url)| doc(a, url)).collect();
    let index = Index { fields: ["title", "url", "service", "type", "topicIds", "signatures", "words"], docs };
    Ok(format!("window.KBC_SEARCH = {};\n", serde_json::to_string(&index)?))
}

fn doc<'a>(a: &'a BundleArticle, url: &'a str) -> Doc<'a> {
    let signatures: Vec<&str> = a.problems.iter().flat_map(|p| &p.signatures).map(|s| cut(s, MAX_SIGNATURE)).collect();
    Doc(
        super::site::display_title(a),
        url,
        &a.service,
        a.self_help_type.as_deref().unwrap_or(""),
        &a.support_topic_ids,
        signatures,
        words(a),
    )
}

/// Distinct lowercase words of the article in reading order, space-joined.
fn words(a: &BundleArticle) -> String {
    let texts = [&a.title, &a.heading, &a.description, &a.service]
        .into_iter()
        .map(String::as_str)
        .chain(a.sections.iter().flat_map(|s| [s.heading.as_str(), s.text.as_str()]));
    let mut seen = HashSet::new();
    let mut out = String::new();
    for text in texts {
        for w in text.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| w.chars().count() > 1) {
            if seen.len() >= MAX_WORDS {
                return out;
            }
            let w = w.to_lowercase();
            if seen.insert(w.clone()) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&w);
            }
        }
    }
    out
}

fn cut(s: &str, max: usize) -> &str {
    &s[..crate::source::floor_char_boundary(s, max.min(s.len()))]
}
