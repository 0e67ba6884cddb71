//! Completion: in the header, attribute names and the values kbc knows
//! (self-help types, clouds, support topics and products of the knowledge
//! base, a fresh GUID for `articleId`); in the body, relative paths to other
//! articles after `](`.

use super::hover::cloud_doc;
use super::position::Lines;
use super::topics::Topics;
use super::workspace::Workspace;
use crate::article::vocab::{Cloud, KNOWN_ATTRIBUTES, SELF_HELP_TYPES};
use lsp_types::{self as lsp, CompletionItem, CompletionItemKind};

/// At most this many link paths per answer; the list is marked incomplete
/// so the client asks again as the author types more.
const MAX_PATHS: usize = 100;

/// Where the cursor is, as far as completion cares.
#[derive(Debug, PartialEq, Eq)]
enum Spot<'t> {
    /// Between attributes of the header tag: the partial name typed.
    AttributeName { typed: &'t str },
    /// Inside the quoted value of `attr`: the list item typed so far.
    Value { attr: &'t str, typed: &'t str },
    /// After `](` in the body: the partial path typed.
    LinkPath { typed: &'t str },
}

pub(crate) fn complete(ws: &Workspace, path: &str, text: &str, pos: lsp::Position) -> lsp::CompletionResponse {
    let lines = Lines::new(text);
    let at = lines.offset(pos);
    let (items, incomplete) = match spot(text, at) {
        Some(Spot::AttributeName { typed }) => (attribute_names(text, typed), false),
        Some(Spot::Value { attr, .. }) => (values(ws, text, attr), false),
        Some(Spot::LinkPath { typed }) => link_paths(ws, path, typed),
        None => (Vec::new(), false),
    };
    // Each item replaces what was typed, so clients filter on the whole of it.
    let typed_len = match spot(text, at) {
        Some(Spot::AttributeName { typed } | Spot::Value { typed, .. } | Spot::LinkPath { typed }) => typed.len(),
        None => 0,
    };
    let range = lines.range(&(at - typed_len..at));
    let items = items
        .into_iter()
        .map(|mut i| {
            let new_text = i.insert_text.take().unwrap_or_else(|| i.label.clone());
            i.text_edit = Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit { range, new_text }));
            i
        })
        .collect();
    lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: incomplete, items })
}

/// The header tag is `<properties … />` at the top of the article; the
/// cursor is inside it when no `>` outside quotes comes between.
fn spot(text: &str, at: usize) -> Option<Spot<'_>> {
    let before = text.get(..at)?;
    let tag = before.find("<properties").filter(|&t| before[..t].trim().is_empty());
    if let Some(found) = tag.and_then(|t| header_spot(before, t + "<properties".len())) {
        return Some(found);
    }
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let open = line.rfind("](")?;
    let typed = &line[open + 2..];
    (!typed.contains([')', ' ', '\t'])).then_some(Spot::LinkPath { typed })
}

fn header_spot(before: &str, from: usize) -> Option<Spot<'_>> {
    let mut quote: Option<(char, usize)> = None;
    for (i, c) in before[from..].char_indices().map(|(i, c)| (i + from, c)) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some((c, i)),
            (Some((q, _)), c) if c == q => quote = None,
            (None, '>') => return None,
            _ => {}
        }
    }
    match quote {
        Some((_, open)) => {
            let name_end = before[..open].trim_end().strip_suffix('=')?.trim_end();
            let attr = &name_end[name_end.rfind(char::is_whitespace).map_or(0, |i| i + 1)..];
            let value = &before[open + 1..];
            let typed = value.rsplit([',', ';']).next().unwrap_or("").trim_start();
            Some(Spot::Value { attr, typed })
        }
        None => {
            let typed = &before[before.rfind(char::is_whitespace).map_or(from, |i| i + 1).max(from)..];
            (!typed.contains(['=', '"', '/'])).then_some(Spot::AttributeName { typed })
        }
    }
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem { label: label.to_string(), kind: Some(kind), detail, ..Default::default() }
}

/// Known attributes the header does not have yet, each inserted with `=""`.
fn attribute_names(text: &str, typed: &str) -> Vec<CompletionItem> {
    let header = &text[..text.find("/>").unwrap_or(text.len())];
    let present = |name: &str| header.to_ascii_lowercase().contains(&format!("{}=", name.to_ascii_lowercase()));
    KNOWN_ATTRIBUTES
        .iter()
        .filter(|n| !present(n) || n.eq_ignore_ascii_case(typed))
        .map(|n| CompletionItem {
            insert_text: Some(format!("{n}=\"\"")),
            ..item(n, CompletionItemKind::PROPERTY, None)
        })
        .collect()
}

fn values(ws: &Workspace, text: &str, attr: &str) -> Vec<CompletionItem> {
    let attr = crate::article::vocab::canonical_attribute(attr).unwrap_or(attr);
    match attr {
        "selfHelpType" => SELF_HELP_TYPES.iter().map(|t| item(t, CompletionItemKind::ENUM_MEMBER, None)).collect(),
        "cloudEnvironments" | "disableClouds" => Cloud::ALL
            .iter()
            .map(|c| item(c.as_str(), CompletionItemKind::ENUM_MEMBER, Some(cloud_doc(*c).to_string())))
            .collect(),
        "articleId" => {
            let guid = uuid::Uuid::new_v4().to_string();
            vec![CompletionItem {
                sort_text: Some("0".into()),
                ..item(&guid, CompletionItemKind::VALUE, Some("a new GUID".into()))
            }]
        }
        "supportTopicIds" => topic_items(ws, text),
        "productPesIds" => Topics::of(ws.session.corpus())
            .products
            .iter()
            .map(|p| item(&p.id, CompletionItemKind::VALUE, Some(p.name.clone())))
            .collect(),
        _ => Vec::new(),
    }
}

/// Support topics of the article's products (all when it names none that
/// are described), labelled with their ids, named in the detail.
fn topic_items(ws: &Workspace, text: &str) -> Vec<CompletionItem> {
    let topics = Topics::of(ws.session.corpus());
    let article =
        crate::article::Article::parse(crate::source::SourceFile::new(String::new(), text.to_string(), false));
    let mine: Vec<String> =
        article.props.list(text, "productPesIds").iter().map(|p| p.text.to_ascii_lowercase()).collect();
    let any_mine = topics.topics.iter().any(|t| mine.contains(&t.product.to_ascii_lowercase()));
    topics
        .topics
        .iter()
        .filter(|t| !any_mine || mine.contains(&t.product.to_ascii_lowercase()))
        .map(|t| CompletionItem {
            filter_text: Some(format!("{} {}", t.id, t.name)),
            ..item(&t.id, CompletionItemKind::VALUE, Some(format!("{} (product {})", t.name, t.product)))
        })
        .collect()
}

/// Other articles' paths relative to the article at `from`, those holding
/// `typed` (ignoring case) first by path.
fn link_paths(ws: &Workspace, from: &str, typed: &str) -> (Vec<CompletionItem>, bool) {
    let typed = typed.to_lowercase();
    let mut items = Vec::new();
    for a in ws.session.corpus().articles.iter().filter(|a| a.path() != from) {
        let rel = relative(from, a.path());
        if !rel.to_lowercase().contains(&typed) {
            continue;
        }
        if items.len() == MAX_PATHS {
            return (items, true);
        }
        let title = a.props.non_empty("pageTitle").map(|t| t.trim().to_string());
        let insert = Some(rel.replace(' ', "%20"));
        items.push(CompletionItem { insert_text: insert, ..item(&rel, CompletionItemKind::FILE, title) });
    }
    (items, false)
}

/// The path of `to` relative to the folder of `from` (both root-relative).
pub(crate) fn relative(from: &str, to: &str) -> String {
    let dir: Vec<&str> = from.split('/').collect();
    let dir = &dir[..dir.len() - 1];
    let to: Vec<&str> = to.split('/').collect();
    let common = dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; dir.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_where_the_cursor_is() {
        let text = "<properties\n  pageTitle=\"T\"\n  cloudEnvironments=\"public, fai\"\n  sel\n/>\n# T\nSee [x](../ot";
        let at = |needle: &str| text.find(needle).unwrap() + needle.len();
        assert_eq!(spot(text, at("fai")), Some(Spot::Value { attr: "cloudEnvironments", typed: "fai" }));
        assert_eq!(spot(text, at("sel")), Some(Spot::AttributeName { typed: "sel" }));
        assert_eq!(spot(text, at("\"T")), Some(Spot::Value { attr: "pageTitle", typed: "T" }));
        assert_eq!(spot(text, at("# T")), None);
        assert_eq!(spot(text, text.len()), Some(Spot::LinkPath { typed: "../ot" }));
    }

    #[test]
    fn makes_paths_relative_to_the_linking_article() {
        assert_eq!(relative("articles/a/x.md", "articles/a/y.md"), "y.md");
        assert_eq!(relative("articles/a/x.md", "articles/b/y.md"), "../b/y.md");
        assert_eq!(relative("articles/x.md", "articles/b/c/y.md"), "b/c/y.md");
        assert_eq!(relative("x.md", "y.md"), "y.md");
    }
}
