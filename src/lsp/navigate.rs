//! Finding one's way around the knowledge base: workspace symbols (article
//! titles).

use super::diagnostics::Converter;
use super::workspace::Workspace;
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
