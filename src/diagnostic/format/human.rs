//! rustc-style output via annotate-snippets: `error[KB012]: …`, `--> path:l:c`,
//! the source line with a caret, `= help: …`.

use super::Files;
use crate::diagnostic::{Diagnostic, Level as KbLevel};
use crate::source::{SourceFile, Span};
use annotate_snippets::{AnnotationKind, Element, Group, Level, Origin, Renderer, Snippet};

pub fn write(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    files: &Files<'_>,
    color: bool,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    // Rendering a snippet costs ~70k instructions; a corpus with 20k findings
    // spent a quarter of `kbc check` here on one thread. Chunks keep memory
    // bounded and the output in order.
    for chunk in diags.chunks(1024) {
        let texts: Vec<String> = chunk
            .par_iter()
            .map(|d| match color {
                false => simple(d, files).unwrap_or_else(|| render(&renderer, d, files)),
                true => render(&renderer, d, files),
            })
            .collect();
        for text in texts {
            writeln!(out, "{text}\n")?;
        }
    }
    Ok(())
}

/// One diagnostic as text (no trailing newline).
pub fn render(renderer: &Renderer, d: &Diagnostic, files: &Files<'_>) -> String {
    let level = match d.level {
        KbLevel::Error => Level::ERROR,
        _ => Level::WARNING,
    };
    let mut primary = files.get(&d.path).map(|f| excerpt(f, &d.span));
    if d.redact
        && let Some(ex) = &mut primary
    {
        ex.mask();
    }
    let mut group: Group<'_> = level.primary_title(&d.message).id(d.code).element(location(
        &d.path,
        primary.as_ref(),
        AnnotationKind::Primary,
        "",
    ));
    let label_excerpts: Vec<(&str, Option<Excerpt>, &str)> = d
        .labels
        .iter()
        .map(|l| (l.path.as_str(), files.get(&l.path).map(|f| excerpt(f, &l.span)), l.message.as_str()))
        .collect();
    for (path, ex, msg) in &label_excerpts {
        group = group.element(location(path, ex.as_ref(), AnnotationKind::Context, msg));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help));
    }
    group = group.element(Level::NOTE.message(note(d)));
    renderer.render(&[group])
}

/// The note every finding ends with: its rule and where to read more.
fn note(d: &Diagnostic) -> String {
    format!("`{}` ({}); run `kbc explain {}` for details", d.name, d.level.as_str(), d.code)
}

/// The plain rendering of the most common shape of finding (one short line
/// of ASCII text or tabs with the span inside it, no labels, no line breaks in the
/// messages) written out directly: the same bytes annotate-snippets gives
/// (tested on every finding of the corpus), at a fraction of its cost.
/// `None` for any other shape.
pub fn simple(d: &Diagnostic, files: &Files<'_>) -> Option<String> {
    use std::fmt::Write as _;
    let plain = |s: &str| s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t');
    let one_line = |s: &str| !s.contains(['\n', '\r', '\t']);
    if !d.labels.is_empty() || d.redact || !one_line(&d.message) || !d.help.as_deref().is_none_or(one_line) {
        return None;
    }
    let f = files.get(&d.path)?;
    let span = crate::source::clamp_span(&f.text, &d.span);
    let (line, col) = f.line_col(span.start);
    let line_span = f.lines().line_span(&f.text, line);
    let at = span.start - line_span.start;
    let source = &f.text[line_span];
    let width = span.end.checked_sub(span.start).filter(|&w| w > 0 && at + w <= source.len())?;
    if source.len() > 100 || !plain(source) {
        return None;
    }
    let level = if d.level == KbLevel::Error { "error" } else { "warning" };
    let pad = " ".repeat(line.to_string().len());
    let mut out = String::with_capacity(256 + d.message.len() + source.len());
    let _ = writeln!(out, "{level}[{}]: {}", d.code, d.message);
    let _ = writeln!(out, "{pad}--> {}:{line}:{col}", d.path);
    let _ = writeln!(out, "{pad} |");
    // Tabs show as four spaces, as annotate-snippets writes them.
    let columns = |s: &str| s.bytes().map(|b| if b == b'\t' { 4 } else { 1 }).sum::<usize>();
    let _ = writeln!(out, "{line} | {}", source.replace('\t', "    "));
    let (before, under) = (columns(&source[..at]), columns(&source[at..at + width]));
    let _ = writeln!(out, "{pad} | {}{}", " ".repeat(before), "^".repeat(under));
    let _ = writeln!(out, "{pad} |");
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    let _ = write!(out, "{pad} = note: {}", note(d));
    Some(out)
}

/// A snippet with the span underlined, or just `--> path` for a file whose
/// text is unknown (one that could not be read).
fn location<'a>(path: &'a str, ex: Option<&'a Excerpt>, kind: AnnotationKind, label: &'a str) -> Element<'a> {
    match ex {
        Some(ex) => snippet(path, ex, kind, label).into(),
        None => Origin::path(path).into(),
    }
}

/// The lines around a span, with the span made relative to them.
struct Excerpt {
    text: String,
    line_start: usize,
    span: Span,
}

impl Excerpt {
    /// Hides the spanned text (a credential) behind `*`, one per byte, so
    /// the underline still lines up and the value is never printed.
    fn mask(&mut self) {
        let span = self.span.clone();
        if self.text.is_char_boundary(span.start) && self.text.is_char_boundary(span.end) {
            self.text.replace_range(span.clone(), &"*".repeat(span.len()));
        }
    }
}

fn excerpt(f: &SourceFile, span: &Span) -> Excerpt {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, RuleMeta};

    const MALFORMED: RuleMeta =
        RuleMeta { code: "KB002", name: "malformed-properties", default_level: KbLevel::Error, summary: "", docs: "" };

    fn show(text: &str, span: Span) -> String {
        let f = SourceFile::new("a.md".into(), text.into(), false);
        let d = Diagnostic::new(&MALFORMED, span, "bad").with_path("a.md");
        render(&Renderer::plain(), &d, &Files::new([&f]))
    }

    /// The fast path and annotate-snippets agree on every span of a text.
    #[test]
    fn simple_rendering_is_what_annotate_snippets_gives() {
        let meta = &RuleMeta { code: "KB005", default_level: KbLevel::Warning, ..MALFORMED };
        let mut text =
            "<properties\n  pagetitle=\"A title\"\t \n\tx=1\t\ty=2\n/>\n\nbody line  with  spaces\n".to_string();
        text += &"filler\n".repeat(6);
        text += &format!("  line ten{}end\n\n   \n{}\r\nlast", " ".repeat(80), "x".repeat(20));
        let text = text.as_str();
        let f = SourceFile::new("a.md".into(), text.into(), false);
        let files = Files::new([&f]);
        let mut compared = 0;
        for start in 0..text.len() {
            for end in start..=text.len() {
                for help in [None, Some("rename it")] {
                    let mut d = Diagnostic::new(meta, start..end, "bad `x`").with_path("a.md");
                    d.help = help.map(String::from);
                    if let Some(fast) = simple(&d, &files) {
                        assert_eq!(fast, render(&Renderer::plain(), &d, &files), "{start}..{end}");
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 100, "{compared}");
    }

    #[test]
    fn underlines_the_span_under_its_line() {
        let out = show("<properties\n    a=1\n/>\n", 18..19);
        assert!(out.starts_with("error[KB002]: bad\n --> a.md:2:7\n"), "{out}");
        assert!(out.contains("2 |     a=1\n  |       ^\n"), "{out}");
    }

    #[test]
    fn shows_every_line_of_a_span_that_crosses_lines() {
        let out = show("one\ntwo\nthree\n", 1..9);
        assert!(out.contains("one") && out.contains("two") && out.contains("three"), "{out}");
    }

    #[test]
    fn leaves_no_carriage_return_and_survives_spans_past_the_end() {
        assert!(!show("a\r\nbb\r\n", 3..5).contains('\r'));
        let out = show("abc", 2..99);
        assert!(out.contains("--> a.md:1:3"), "{out}");
        let out = show("", 0..0);
        assert!(out.contains("--> a.md:1:1"), "{out}");
    }
}
