//! kbc's findings as LSP diagnostics: UTF-16 ranges from byte spans, the
//! level (`book.toml`'s, already applied by the engine) as the severity, the
//! rule code with a link to its documentation when one is configured, and
//! each label as related information.

use super::position::Lines;
use super::workspace::Workspace;
use crate::diagnostic::format::escape_controls;
use crate::diagnostic::{Diagnostic, Level};
use lsp_types as lsp;
use std::collections::HashMap;

/// The text kbc has for a file: an article's, or the display copy of a file
/// that could not be decoded (empty for a file that could not be read).
pub(crate) fn text_of<'s>(ws: &'s Workspace, path: &str) -> &'s str {
    match ws.session.corpus().by_path(path) {
        Some(a) => a.text(),
        None => ws.session.undecodable().iter().find(|s| s.rel_path == path).map_or("", |s| s.text.as_str()),
    }
}

/// Converts findings, building each file's line table once.
pub(crate) struct Converter<'w> {
    ws: &'w Workspace,
    rules_url: Option<&'w str>,
    lines: HashMap<&'w str, Lines<'w>>,
}

impl<'w> Converter<'w> {
    pub(super) fn new(ws: &'w Workspace, rules_url: Option<&'w str>) -> Converter<'w> {
        Converter { ws, rules_url, lines: HashMap::new() }
    }

    pub(super) fn range(&mut self, path: &'w str, span: &crate::source::Span) -> lsp::Range {
        let ws = self.ws;
        self.lines.entry(path).or_insert_with(|| Lines::new(text_of(ws, path))).range(span)
    }

    pub(super) fn diagnostic(&mut self, d: &'w Diagnostic) -> lsp::Diagnostic {
        let mut message = escape_controls(&d.message).into_owned();
        if let Some(help) = &d.help {
            message = format!("{message}\nhelp: {}", escape_controls(help));
        }
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .map(|l| lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(self.ws.uri(&l.path), self.range(&l.path, &l.span)),
                message: escape_controls(&l.message).into_owned(),
            })
            .collect();
        lsp::Diagnostic {
            range: self.range(&d.path, &d.span),
            severity: Some(severity(d.level)),
            code: Some(lsp::NumberOrString::String(d.code.to_string())),
            code_description: self.rules_url.and_then(|u| rule_link(u, d.code)),
            source: Some("kbc".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: (d.code == crate::lint::rules::unused_suppression::META.code)
                .then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
            data: None,
        }
    }
}

fn severity(level: Level) -> lsp::DiagnosticSeverity {
    match level {
        Level::Error => lsp::DiagnosticSeverity::ERROR,
        Level::Warning | Level::Allow => lsp::DiagnosticSeverity::WARNING,
    }
}

/// `URL#kb012`: the rule's heading in the rule reference (docs/rules.md), as
/// SARIF's helpUri links it.
pub(crate) fn rule_link(base: &str, code: &str) -> Option<lsp::CodeDescription> {
    let href = lsp::Url::parse(&format!("{}#{}", base.trim_end_matches('#'), code.to_ascii_lowercase())).ok()?;
    Some(lsp::CodeDescription { href })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_a_rule_to_its_heading() {
        let link = rule_link("https://example.org/kbc/rules.md", "KB012").unwrap();
        assert_eq!(link.href.as_str(), "https://example.org/kbc/rules.md#kb012");
        assert!(rule_link("not a url", "KB012").is_none());
    }
}
