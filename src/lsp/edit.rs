//! Keeping an open document's text as the client edits it, and finding the
//! article files a change on disk touches.

use super::position::Lines;
use super::workspace::Workspace;
use lsp_types::TextDocumentContentChangeEvent;

/// A document the client has open.
pub(crate) struct Doc {
    pub version: i32,
    pub text: String,
}

/// Applies one change: a range replaced, or (without a range) the whole text.
pub(crate) fn apply(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        Some(range) => {
            let span = Lines::new(text).span(range);
            text.replace_range(span, &change.text);
        }
        None => *text = change.text,
    }
}

/// The article files at `path`: the file itself, or for a folder (created
/// or deleted whole) the articles the engine knows under it and the
/// Markdown files now on disk under it.
pub(crate) fn files_at(ws: &Workspace, path: &str) -> Vec<String> {
    let abs = ws.root.join(path);
    if !abs.is_dir() && path.to_ascii_lowercase().ends_with(".md") {
        return vec![path.to_string()];
    }
    let prefix = format!("{path}/");
    let mut found: Vec<String> = ws
        .session
        .corpus()
        .articles
        .iter()
        .map(|a| a.path())
        .filter(|p| p.starts_with(&prefix))
        .map(String::from)
        .collect();
    if abs.is_dir() {
        let (files, _) = crate::discover::list(&ws.root, &abs);
        found.extend(files.into_iter().map(|(_, rel)| rel));
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(range: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        let range = range.map(|(a, b)| Range::new(Position::new(a.0, a.1), Position::new(b.0, b.1)));
        TextDocumentContentChangeEvent { range, range_length: None, text: text.into() }
    }

    #[test]
    fn applies_ranged_and_whole_changes() {
        let mut text = "héllo 😀 wörld\nline two\n".to_string();
        apply(&mut text, change(Some(((0, 9), (0, 14))), "world"));
        assert_eq!(text, "héllo 😀 world\nline two\n");
        apply(&mut text, change(Some(((1, 0), (1, 4))), ""));
        assert_eq!(text, "héllo 😀 world\n two\n");
        apply(&mut text, change(Some(((2, 0), (2, 0))), "end"));
        assert_eq!(text, "héllo 😀 world\n two\nend");
        apply(&mut text, change(None, "new"));
        assert_eq!(text, "new");
    }
}
