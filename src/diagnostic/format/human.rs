//! rustc-style output via annotate-snippets: `error[KB012]: …`, `--> path:l:c`,
//! the source line with a caret, `= help: …`. Paths, messages and source
//! lines go through the shared control-character escaping.

use super::{Files, escape_controls, escape_source};
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
    render_within(renderer, d, files, WINDOW)
}

/// [`render`] with `window` bytes of context kept around spans on long lines.
fn render_within(renderer: &Renderer, d: &Diagnostic, files: &Files<'_>, window: usize) -> String {
    let level = match d.level {
        KbLevel::Error => Level::ERROR,
        _ => Level::WARNING,
    };
    let mut primary = files.get(&d.path).map(|f| excerpt(f, &d.span, window));
    if d.redact
        && let Some(ex) = &mut primary
    {
        ex.mask();
    }
    let (message, path) = (escape_controls(&d.message), escape_controls(&d.path));
    let mut group: Group<'_> = level.primary_title(message.as_ref()).id(d.code).element(location(
        &path,
        primary.as_ref(),
        AnnotationKind::Primary,
        "",
    ));
    let label_excerpts: Vec<_> = d
        .labels
        .iter()
        .map(|l| {
            (
                escape_controls(&l.path),
                files.get(&l.path).map(|f| excerpt(f, &l.span, window)),
                escape_controls(&l.message),
            )
        })
        .collect();
    for (path, ex, msg) in &label_excerpts {
        group = group.element(location(path, ex.as_ref(), AnnotationKind::Context, msg));
    }
    let help = d.help.as_deref().map(escape_controls);
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_ref()));
    }
    group = group.element(Level::NOTE.message(note(d)));
    let mut text = renderer.render(&[group]);
    let cuts = primary.iter().map(|ex| (path.as_ref(), ex));
    let cuts = cuts.chain(label_excerpts.iter().filter_map(|(p, ex, _)| Some((p.as_ref(), ex.as_ref()?))));
    for (path, ex) in cuts {
        ex.fix_column(path, &mut text);
    }
    text
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
    let _ = writeln!(out, "{level}[{}]: {}", d.code, escape_controls(&d.message));
    let _ = writeln!(out, "{pad}--> {}:{line}:{col}", escape_controls(&d.path));
    let _ = writeln!(out, "{pad} |");
    // Tabs show as four spaces, as annotate-snippets writes them.
    let columns = |s: &str| s.bytes().map(|b| if b == b'\t' { 4 } else { 1 }).sum::<usize>();
    let _ = writeln!(out, "{line} | {}", source.replace('\t', "    "));
    let (before, under) = (columns(&source[..at]), columns(&source[at..at + width]));
    let _ = writeln!(out, "{pad} | {}{}", " ".repeat(before), "^".repeat(under));
    let _ = writeln!(out, "{pad} |");
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {}", escape_controls(help));
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
    /// Characters cut from the start of the first line (see [`WINDOW`]).
    cut_chars: usize,
}

/// Bytes of context kept on each side of a span on a long line. A finding
/// on a line of megabytes (minified HTML, a pasted log) must not copy and
/// lay out the whole line: with one finding per link that was quadratic.
/// annotate-snippets shows at most a terminal's width around the span, so
/// cutting further out changes nothing on screen; lines with less than
/// twice this much on a side are never cut.
const WINDOW: usize = 1024;

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

fn excerpt(f: &SourceFile, span: &Span, window: usize) -> Excerpt {
    use crate::source::{ceil_char_boundary, floor_char_boundary};
    let span = &crate::source::clamp_span(&f.text, span);
    let (first, _) = f.line_col(span.start);
    let (last, _) = f.line_col(span.end.max(span.start));
    let mut start = f.lines().line_span(&f.text, first).start;
    let mut end = f.lines().line_span(&f.text, last).end.max(span.end.min(f.text.len()));
    let mut cut_chars = 0;
    if span.start - start > window.saturating_mul(2) {
        let from = floor_char_boundary(&f.text, span.start - window);
        cut_chars = f.line_col(from).1 - 1;
        start = from;
    }
    if end.saturating_sub(span.end) > window.saturating_mul(2) {
        end = ceil_char_boundary(&f.text, span.end + window);
    }
    let text = f.text[start..end].replace('\r', " ");
    let rel = span.start.min(end) - start..span.end.min(end).max(span.start.min(end)) - start;
    Excerpt { text, line_start: first, span: rel, cut_chars }.escaped()
}

impl Excerpt {
    /// annotate-snippets counts the column from the start of the text it
    /// was given; after a cut, the location line (`--> path:line:col`, or
    /// `::: ` for a label) gets the column in the whole line back.
    fn fix_column(&self, path: &str, rendered: &mut String) {
        if self.cut_chars == 0 {
            return;
        }
        let col = self.text[..self.span.start].chars().count() + 1;
        let shown = format!(" {path}:{}:{col}\n", self.line_start);
        if let Some(at) = rendered.find(&shown) {
            let real = format!(" {path}:{}:{}\n", self.line_start, col + self.cut_chars);
            rendered.replace_range(at..at + shown.len(), &real);
        }
    }

    /// Control characters in the lines made visible, the span moved with
    /// the text (an escape is longer than the character it stands for).
    fn escaped(self) -> Excerpt {
        let moved = |at: usize| escape_source(&self.text[..at]).len();
        let span = moved(self.span.start)..moved(self.span.end);
        let text = escape_source(&self.text).into_owned();
        Excerpt { text, span, ..self }
    }
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

    /// Cutting a long line around the span changes nothing in the output:
    /// spans at the start, middle and end of a 9,000-character line, with
    /// multi-byte text and a label on the same line, render as they do uncut.
    #[test]
    fn long_lines_render_as_if_uncut() {
        let line: String = (0..400).map(|i| format!("[é{i}](missing{i}.md) ")).collect();
        let text = format!("intro\n{line}\nnext line\n");
        let f = SourceFile::new("a.md".into(), text.clone(), false);
        let files = Files::new([&f]);
        let renderer = Renderer::plain();
        let mut checked = 0;
        for i in (0..400).step_by(37).chain([399]) {
            let at = text.find(&format!("[é{i}]")).unwrap();
            let span = at..at + format!("[é{i}](missing{i}.md)").len();
            let mut d = Diagnostic::new(&MALFORMED, span.clone(), "bad").with_path("a.md");
            assert!(excerpt(&f, &span, WINDOW).text.len() <= 4 * WINDOW + span.len(), "not cut");
            let label = text.find("[é200]").unwrap();
            for with_label in [false, true] {
                if with_label {
                    d = d.with_label("a.md", label..label + 4, "see here");
                }
                let cut = render(&renderer, &d, &files);
                assert_eq!(cut, render_within(&renderer, &d, &files, usize::MAX), "span {span:?}");
                checked += 1;
            }
        }
        assert!(checked > 20);
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
