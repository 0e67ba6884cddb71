//! rustc-style output via annotate-snippets: `error[KB012]: …`, `--> path:l:c`,
//! the source line with a caret, `= help: …`.

use super::Files;
use crate::diagnostic::{Diagnostic, Level as KbLevel};
use crate::source::{SourceFile, Span};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

pub fn write(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    files: &Files<'_>,
    color: bool,
) -> std::io::Result<()> {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    for d in diags {
        writeln!(out, "{}\n", render(&renderer, d, files))?;
    }
    Ok(())
}

/// One diagnostic as text (no trailing newline).
pub fn render(renderer: &Renderer, d: &Diagnostic, files: &Files<'_>) -> String {
    let level = match d.level {
        KbLevel::Error => Level::ERROR,
        _ => Level::WARNING,
    };
    let primary = excerpt(files.get(&d.path), &d.span);
    let mut group: Group<'_> =
        level.primary_title(&d.message).id(d.code).element(snippet(&d.path, &primary, AnnotationKind::Primary, ""));
    let label_excerpts: Vec<(&str, Excerpt, &str)> =
        d.labels.iter().map(|l| (l.path.as_str(), excerpt(files.get(&l.path), &l.span), l.message.as_str())).collect();
    for (path, ex, msg) in &label_excerpts {
        group = group.element(snippet(path, ex, AnnotationKind::Context, msg));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help));
    }
    let note = format!("`{}` ({}); run `kbc explain {}` for details", d.name, d.level.as_str(), d.code);
    group = group.element(Level::NOTE.message(note));
    renderer.render(&[group])
}

/// The lines around a span, with the span made relative to them.
struct Excerpt {
    text: String,
    line_start: usize,
    span: Span,
}

fn excerpt(file: Option<&SourceFile>, span: &Span) -> Excerpt {
    let Some(f) = file else {
        return Excerpt { text: String::new(), line_start: 1, span: 0..0 };
    };
    let span = &crate::source::clamp_span(&f.text, span);
    let (first, _) = f.line_col(span.start);
    let (last, _) = f.line_col(span.end.max(span.start));
    let start = f.lines().line_span(&f.text, first).start;
    let end = f.lines().line_span(&f.text, last).end.max(span.end.min(f.text.len()));
    let text = f.text[start..end].replace('\r', " ");
    let rel = span.start.min(end) - start..span.end.min(end).max(span.start.min(end)) - start;
    Excerpt { text, line_start: first, span: rel }
}

fn snippet<'a>(
    path: &'a str,
    ex: &'a Excerpt,
    kind: AnnotationKind,
    label: &'a str,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let annotation = kind.span(ex.span.clone());
    let annotation = if label.is_empty() { annotation } else { annotation.label(label) };
    Snippet::source(ex.text.as_str()).line_start(ex.line_start).path(path).annotation(annotation)
}
