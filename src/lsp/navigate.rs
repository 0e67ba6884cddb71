//! Finding one's way around the knowledge base: workspace symbols (article
//! titles), go to definition on relative links and include directives, and
//! document links.

use super::diagnostics::Converter;
use super::position::Lines;
use super::workspace::Workspace;
use crate::article::Article;
use crate::include::{Resolver, Target};
use crate::source::Span;
use crate::syntax::url::{Url, is_local_file, resolve};
use lsp_types as lsp;

/// At most this many symbols per answer (clients filter further as the
/// author types; an empty query would otherwise list every article).
const MAX_SYMBOLS: usize = 200;

/// Articles whose title (pageTitle, else the H1) contains every word of
/// `query`, ignoring case, in path order.
#[allow(deprecated)] // SymbolInformation::deprecated must be written out.
pub(crate) fn symbols(ws: &Workspace, query: &str) -> Vec<lsp::SymbolInformation> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut conv = Converter::new(ws, None);
    let mut out = Vec::new();
    for a in &ws.session.corpus().articles {
        let title = match (a.props.non_empty("pageTitle"), a.body.h1()) {
            (Some(t), _) => (t.trim(), a.props.get("pageTitle").map_or(0..0, |p| p.value_span.clone())),
            (None, Some(h)) => (h.text.as_str(), h.span.clone()),
            (None, None) => continue,
        };
        let lower = title.0.to_lowercase();
        if !words.iter().all(|w| lower.contains(w.as_str())) {
            continue;
        }
        let location = lsp::Location::new(ws.uri(a.path()), conv.range(a.path(), &title.1));
        out.push(lsp::SymbolInformation {
            name: title.0.to_string(),
            kind: lsp::SymbolKind::FILE,
            tags: None,
            deprecated: None,
            location,
            container_name: Some(a.path().to_string()),
        });
        if out.len() == MAX_SYMBOLS {
            break;
        }
    }
    out
}

/// Where a relative link or an include directive in an article leads: the
/// file's start, for each one whose target exists.
pub(crate) fn targets(ws: &Workspace, a: &Article) -> Vec<(Span, String)> {
    let text = a.text();
    let mut out = Vec::new();
    let resolver = Resolver::new(&ws.root, ws.session.corpus());
    let includes = crate::include::directives(text, |at| at >= a.body.start && a.body.in_code(at));
    for d in &includes {
        if let Target::Found(path) = resolver.resolve(a.path(), &d.target) {
            out.push((d.span.clone(), path));
        }
    }
    // An include directive's inner `[title](path)` is no link of its own.
    let in_include = |at: usize| includes.iter().any(|d| d.span.contains(&at));
    for link in a.body.all_links().filter(|l| !in_include(l.span.start)) {
        let url = Url::parse(&link.url);
        if !is_local_file(&url) {
            continue;
        }
        let Some(dest) = link.destination_span(text) else { continue };
        if let Some(path) = resolve(a.path(), &link.url).filter(|p| ws.root.join(p).is_file()) {
            out.push((dest, path));
        }
    }
    out.sort_by_key(|(span, _)| span.start);
    out
}

/// The target of the link or include under the cursor.
pub(crate) fn definition(ws: &Workspace, path: &str, pos: lsp::Position) -> Option<lsp::Location> {
    let a = ws.session.corpus().by_path(path)?;
    let at = Lines::new(a.text()).offset(pos);
    let (_, target) = targets(ws, a).into_iter().find(|(span, _)| span.start <= at && at <= span.end)?;
    Some(lsp::Location::new(ws.uri(&target), lsp::Range::default()))
}

/// Every relative link and include of the article whose target exists.
pub(crate) fn links(ws: &Workspace, path: &str) -> Vec<lsp::DocumentLink> {
    let Some(a) = ws.session.corpus().by_path(path) else { return Vec::new() };
    let lines = Lines::new(a.text());
    targets(ws, a)
        .into_iter()
        .map(|(span, target)| lsp::DocumentLink {
            range: lines.range(&span),
            target: Some(ws.uri(&target)),
            tooltip: Some(target),
            data: None,
        })
        .collect()
}
