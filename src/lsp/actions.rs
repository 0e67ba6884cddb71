//! Code actions: each finding's fix (`kbc check --fix`'s) as a quick fix, a
//! "did you mean" replacement, "suppress on this line"
//! (`kbc-disable-next-line`), and the source action "fix all".

use super::diagnostics::Converter;
use super::position::Lines;
use super::workspace::Workspace;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Fix};
use lsp_types::{self as lsp, CodeActionKind, Url};
use std::collections::HashMap;

/// The source action's kind: `source.fixAll.kbc`, so that an editor set to
/// fix all on save can name it.
pub(crate) fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.kbc")
}

/// The actions for the findings of the article at `path` that touch `range`.
pub(crate) fn actions(
    ws: &Workspace,
    path: &str,
    range: lsp::Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<lsp::CodeAction> {
    let Some(a) = ws.session.corpus().by_path(path) else { return Vec::new() };
    let uri = ws.uri(path);
    let lines = Lines::new(a.text());
    let want = lines.span(range);
    let mut conv = Converter::new(ws, None);
    let found = ws.session.diagnostics_of(path);
    let mut out = Vec::new();
    for d in found.iter().filter(|d| d.span.start <= want.end && want.start <= d.span.end) {
        let diag = conv.diagnostic(d);
        let quick = |title: String, edit: lsp::TextEdit, preferred: bool| lsp::CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diag.clone()]),
            edit: Some(edit_of(&uri, vec![edit])),
            is_preferred: Some(preferred),
            ..Default::default()
        };
        if let Some(fix) = &d.fix {
            out.push(quick(fix_title(d, fix, a.text()), text_edit(&lines, fix), true));
        } else if let Some(fix) = did_you_mean(d, a.text()) {
            out.push(quick(format!("Replace with `{}`", fix.replacement), text_edit(&lines, &fix), true));
        }
        if let Some(edit) = suppression(a, &lines, d) {
            out.push(quick(format!("Suppress {} on this line", d.name), edit, false));
        }
    }
    if let Some(all) = fix_all(&uri, a, found) {
        out.push(all);
    }
    out.retain(|action| wanted(action.kind.as_ref(), only));
    out
}

/// Whether `kind` is one the client asked for (all when it named none);
/// kinds are hierarchical (`source` covers `source.fixAll.kbc`).
fn wanted(kind: Option<&CodeActionKind>, only: Option<&[CodeActionKind]>) -> bool {
    let (Some(kind), Some(only)) = (kind, only) else { return true };
    only.iter().any(|o| kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str())))
}

fn fix_title(d: &Diagnostic, fix: &Fix, text: &str) -> String {
    let old = text.get(fix.span.clone()).unwrap_or("");
    match (old.is_empty(), fix.replacement.is_empty()) {
        (_, true) => format!("Fix {}: remove `{}`", d.name, short(old)),
        (true, false) => format!("Fix {}: insert `{}`", d.name, short(&fix.replacement)),
        (false, false) => format!("Fix {}: replace with `{}`", d.name, short(&fix.replacement)),
    }
}

/// At most 40 characters of `s` on one line, for a menu entry.
fn short(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], "⏎");
    match one_line.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// A finding whose whole help is "did you mean `X`?" and whose span is
/// the one word to change (a misspelt cloud, type or attribute name):
/// replacing it with `X` is what the author would type.
fn did_you_mean(d: &Diagnostic, text: &str) -> Option<Fix> {
    let help = d.help.as_deref()?;
    let suggestion = help.strip_prefix("did you mean `")?.strip_suffix("`?")?;
    let old = text.get(d.span.clone())?;
    let word = |s: &str| !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || "\"'<>()[]`#,;".contains(c));
    (word(old) && word(suggestion)).then(|| Fix { span: d.span.clone(), replacement: suggestion.to_string() })
}

/// `<!-- kbc-disable-next-line NAME -->` on its own line above the
/// finding's line, indented as it. Not offered where a comment line would
/// change the article: in the header, a code block, the embedded JSON or a
/// table (those findings are suppressed in book.toml).
fn suppression(a: &Article, lines: &Lines<'_>, d: &Diagnostic) -> Option<lsp::TextEdit> {
    let at = d.span.start;
    let body = &a.body;
    let blocked = at < body.start
        || body.in_code(at)
        || body.json.as_ref().is_some_and(|j| j.outer.contains(&at))
        || body.tables.iter().any(|t| t.contains(&at));
    if blocked {
        return None;
    }
    let text = a.text();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let eol = if text[line_start..].split('\n').next().is_some_and(|l| l.ends_with('\r')) { "\r\n" } else { "\n" };
    let insert = format!("{indent}<!-- kbc-disable-next-line {} -->{eol}", d.name);
    Some(text_edit(lines, &Fix { span: line_start..line_start, replacement: insert }))
}

/// Every fix of the file at once, as `kbc check --fix` applies them.
fn fix_all(uri: &Url, a: &Article, found: &[Diagnostic]) -> Option<lsp::CodeAction> {
    let fixes: Vec<&Fix> = found.iter().filter_map(|d| d.fix.as_ref()).collect();
    let (fixed, applied) = crate::fix::apply(a.text(), fixes);
    if applied == 0 {
        return None;
    }
    let lines = Lines::new(a.text());
    let whole = text_edit(&lines, &Fix { span: 0..a.text().len(), replacement: fixed });
    Some(lsp::CodeAction {
        title: format!("Fix all kbc findings in this file ({applied})"),
        kind: Some(fix_all_kind()),
        edit: Some(edit_of(uri, vec![whole])),
        ..Default::default()
    })
}

fn text_edit(lines: &Lines<'_>, fix: &Fix) -> lsp::TextEdit {
    lsp::TextEdit { range: lines.range(&fix.span), new_text: fix.replacement.clone() }
}

fn edit_of(uri: &Url, edits: Vec<lsp::TextEdit>) -> lsp::WorkspaceEdit {
    lsp::WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(help: &str, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic::new(&crate::lint::rules::unknown_cloud::META, span, "m").with_help(help)
    }

    #[test]
    fn a_did_you_mean_replaces_one_word_only() {
        let text = "clouds=\"public, publik\" x [a](#tokn)";
        let d = diag("did you mean `public`?", 16..22);
        assert_eq!(did_you_mean(&d, text).unwrap().replacement, "public");
        assert!(did_you_mean(&diag("did you mean `#token`?", 26..36), text).is_none(), "a link is no word");
        assert!(did_you_mean(&diag("the clouds are public, fairfax", 16..22), text).is_none());
    }

    #[test]
    fn no_quick_fix_lists_a_cloud_twice() {
        use crate::lint::rules::testing::{article, check};
        let text = article("", "").replace("cloudEnvironments=\"public\"", "cloudEnvironments=\"public, publik\"");
        let d = check("KB013", &text);
        assert_eq!(d.len(), 1);
        assert!(did_you_mean(&d[0], &text).is_none(), "{:?}", d[0].help);
    }

    #[test]
    fn kinds_are_matched_hierarchically() {
        let all = fix_all_kind();
        assert!(wanted(Some(&all), None));
        assert!(wanted(Some(&all), Some(&[CodeActionKind::SOURCE])));
        assert!(wanted(Some(&all), Some(&[CodeActionKind::SOURCE_FIX_ALL])));
        assert!(!wanted(Some(&all), Some(&[CodeActionKind::QUICKFIX])));
        assert!(!wanted(Some(&CodeActionKind::QUICKFIX), Some(&[CodeActionKind::new("source.fix")])));
    }
}
