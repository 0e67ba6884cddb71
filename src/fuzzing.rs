//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz), which link
//! kbc as an ordinary crate and so see only public items. Each runs one
//! layer on arbitrary text and checks what the layer promises (spans inside
//! the text and on character boundaries, no panic), so a fuzzer finds
//! wrong offsets as well as crashes. Not part of kbc's interface.

use crate::source::{SourceFile, Span};

/// Panics unless `span` is a valid slice range of `text`.
fn assert_span(text: &str, span: &Span, what: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "{what}: {span:?} outside 0..{}", text.len());
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{what}: {span:?} cuts a character");
}

/// The `<properties>` header scanner.
pub fn header(text: &str) {
    let _ = crate::parse::header::scan(text);
}

/// The body walk, the event list and the outline built from it.
pub fn body(text: &str) {
    let start = crate::parse::header::skip_preamble(text);
    let body = crate::parse::body::parse(text, start);
    for span in body.inline_code.iter().chain(body.tables.iter()).chain(body.too_deep.iter()) {
        assert_span(text, span, "body span");
    }
    for link in body.all_links() {
        assert_span(text, &link.span, "link");
    }
    let events = crate::parse::outline::body_events(text, &body);
    let _ = crate::parse::outline::extract(&events);
}

/// The raw HTML scanner and the nesting cap the renderer applies.
pub fn html(text: &str) {
    for tag in crate::syntax::html::tags(text) {
        assert_span(text, &tag.span, "tag");
    }
    if let Some(capped) = crate::syntax::nesting::cap(text) {
        assert!(capped.len() < text.len(), "a cap only removes");
    }
}

/// The embedded JSON parser: an error points inside the block, valid JSON
/// builds a tree whose spans lie in the block, and the bundle's view agrees
/// on validity.
pub fn json(text: &str) {
    let span = 0..text.len();
    match crate::syntax::json::parse_at(text, span.clone()) {
        Ok(node) => {
            assert_span(text, &node.span, "json node");
            assert!(crate::syntax::json::value_at(text, span).is_some(), "valid for kbc, not for the bundle");
        }
        Err(e) => {
            assert!(e.offset <= text.len() && text.is_char_boundary(e.offset), "error at {}", e.offset);
            assert!(crate::syntax::json::value_at(text, span).is_none(), "invalid for kbc, valid for the bundle");
        }
    }
}

/// `kbc check` of one article in memory, every finding printed in the human
/// format (line and column, snippets) and JSON.
pub fn check(text: &str) {
    let config = crate::config::Config::default();
    let levels = crate::lint::Levels::from_config(&config).expect("default levels");
    let source = SourceFile::new("articles/a.md".into(), text.to_string(), false);
    let (corpus, diags) = crate::lint::check_sources(vec![source], &config, &levels);
    for d in &diags {
        if d.path == "articles/a.md" {
            assert_span(text, &d.span, d.code);
        }
    }
    let files = crate::diagnostic::format::Files::new(corpus.articles.iter().map(|a| &a.source));
    let mut out = Vec::new();
    crate::diagnostic::format::human::write(&mut out, &diags, &files, false).expect("writes to memory");
}

/// Runs kbc's parallel steps on the calling thread. For the fuzz targets'
/// `init`: libFuzzer measures coverage on the thread that runs the input, and
/// a worker pool's threads waiting for work took a quarter of each
/// execution's CPU time (docs/bench/harden.md, "build_one speed"). Call once,
/// before anything runs in parallel; a second call changes nothing.
pub fn single_thread() {
    let _ = rayon::ThreadPoolBuilder::new().num_threads(1).use_current_thread().build_global();
}
