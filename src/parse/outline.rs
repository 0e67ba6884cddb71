//! The article's outline for the bundle: sections with plain text, the
//! Recommended Steps items, the Recommended Documents links, and problems
//! written as Problem / Cause / Solution. Works on the body's event list
//! ([`body_events`]) so the renderer can reuse the same single Markdown parse.

use super::body::{Body, options};
use crate::source::Span;
use crate::syntax::portal;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::borrow::Borrow;

/// One body event with its absolute byte span in the article text.
pub(crate) type Spanned<'a> = (Event<'a>, Span);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Section {
    pub heading: String,
    /// 1-6; 0 for text before the first heading.
    pub level: u8,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Document {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Problem {
    pub text: String,
    /// Error messages quoted in the problem text (code blocks, long inline
    /// code, long quoted strings), in order, without duplicates.
    pub signatures: Vec<String>,
    pub cause: String,
    pub solution: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outline {
    pub sections: Vec<Section>,
    pub steps: Vec<String>,
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
}

/// The body's Markdown events (the embedded JSON block left out), parsed once
/// for both the outline and the HTML renderer.
pub(crate) fn body_events<'a>(text: &'a str, body: &Body) -> Vec<Spanned<'a>> {
    events(text, body).collect()
}

/// [`body_events`] as a stream: the page renderer and the outline each walk
/// it without keeping a list (about 100 bytes an event; a paragraph of code
/// spans and emphases has one event for every four bytes of text).
pub(crate) fn events<'a>(text: &'a str, body: &Body) -> impl Iterator<Item = Spanned<'a>> {
    let start = body.start.min(text.len());
    let ranges = match &body.json {
        Some(j) => [start..j.outer.start, j.outer.end..text.len()],
        None => [start..text.len(), text.len()..text.len()],
    };
    ranges.into_iter().filter(|r| !r.is_empty()).flat_map(move |r| {
        let base = r.start;
        let parser = Parser::new_ext(&text[r], options()).into_offset_iter();
        parser.map(move |(e, s)| (e, base + s.start..base + s.end))
    })
}

/// Which part of a problem the text being read belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Text,
    Cause,
    Solution,
}

/// Shortest inline code or quoted text taken as an error signature.
const MIN_SIGNATURE: usize = 12;

#[derive(Default)]
struct Walk {
    outline: Outline,
    /// Text of the current leaf block (paragraph, item text, heading).
    block: String,
    /// Whether every non-blank character of `block` was inside `**…**`.
    block_all_strong: bool,
    block_codes: Vec<String>,
    /// Where a `**…**` span that opens the block ends (`**Cause:** text`).
    lead_end: Option<usize>,
    lead_open: bool,
    /// Inside `<!--issueDescription-->…<!--/issueDescription-->`.
    in_issue: bool,
    /// The issue summary's text: the problem text of RCA-style articles
    /// whose problems start at their Cause.
    issue: String,
    strong: usize,
    heading: Option<u8>,
    kind: SectionKind,
    list_depth: usize,
    step: Option<String>,
    link: Option<(String, String)>,
    field: Option<Field>,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    #[default]
    Other,
    Steps,
    Documents,
}

/// Extracts the outline from the body events.
pub(crate) fn extract(events: &[Spanned<'_>]) -> Outline {
    extract_from(events.iter().map(|(e, _)| e))
}

/// [`extract`] from a stream of events (owned or borrowed).
pub(crate) fn extract_from<'a, E: Borrow<Event<'a>>>(events: impl Iterator<Item = E>) -> Outline {
    let mut w = Walk { block_all_strong: true, ..Walk::default() };
    for event in events {
        w.on_event(event.borrow());
    }
    w.flush(false);
    w.end_step();
    w.outline.sections.retain(|s| !(s.level == 0 && s.text.is_empty()));
    for s in &mut w.outline.sections {
        s.text = tidy(&s.text);
    }
    for p in &mut w.outline.problems {
        p.text = tidy(if p.text.trim().is_empty() { &w.issue } else { &p.text });
        p.cause = tidy(&p.cause);
        p.solution = tidy(&p.solution);
    }
    w.outline
}

impl Walk {
    fn on_event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(tag) => self.on_start(tag),
            Event::End(tag) => self.on_end(*tag),
            Event::Text(t) => self.push_text(t),
            Event::Code(t) => {
                self.block_codes.push(t.to_string());
                self.push_text(t);
            }
            Event::SoftBreak | Event::HardBreak => self.push_text(" "),
            Event::Html(t) | Event::InlineHtml(t) => {
                if let Some(m) = portal::scan(t).filter(portal::is_issue_description).last() {
                    self.flush(false);
                    self.in_issue = !m.closing;
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, t: &str) {
        if self.strong == 0 && !t.trim().is_empty() {
            self.block_all_strong = false;
        }
        self.block.push_str(t);
        if let Some((_, text)) = &mut self.link {
            text.push_str(t);
        }
    }

    fn on_start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush(false);
                self.heading = Some(*level as u8);
            }
            Tag::Strong => {
                if self.strong == 0 && self.block.trim().is_empty() {
                    self.lead_open = true;
                }
                self.strong += 1;
            }
            Tag::Link { dest_url, .. } => self.link = Some((dest_url.to_string(), String::new())),
            Tag::List(_) => {
                self.flush(false);
                self.list_depth += 1;
            }
            Tag::Item => {
                self.flush(false);
                if self.list_depth == 1 && self.kind == SectionKind::Steps {
                    self.end_step();
                    self.step = Some(String::new());
                }
            }
            Tag::Paragraph | Tag::BlockQuote(_) | Tag::Table(_) | Tag::TableRow | Tag::TableHead => self.flush(false),
            Tag::CodeBlock(_) => self.flush(false),
            _ => {}
        }
    }

    fn on_end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::Strong => {
                self.strong = self.strong.saturating_sub(1);
                if self.strong == 0 && std::mem::take(&mut self.lead_open) {
                    self.lead_end = Some(self.block.len());
                }
            }
            TagEnd::Link => self.end_link(),
            TagEnd::List(_) => {
                self.flush(false);
                self.list_depth = self.list_depth.saturating_sub(1);
            }
            TagEnd::Item => {
                self.flush(false);
                if self.list_depth == 1 {
                    self.end_step();
                }
            }
            TagEnd::CodeBlock => self.flush(true),
            TagEnd::TableCell => self.block.push(' '),
            _ => self.flush(false),
        }
    }

    fn end_link(&mut self) {
        if let Some((url, title)) = self.link.take()
            && self.kind == SectionKind::Documents
        {
            self.outline.documents.push(Document { title: collapse(&title), url });
        }
    }

    fn end_heading(&mut self) {
        let text = collapse(&std::mem::take(&mut self.block));
        let level = self.heading.take().unwrap_or(1);
        let marker = marker(&text);
        self.block_codes.clear();
        self.block_all_strong = true;
        if let Some(m) = marker {
            self.set_field(m);
        } else {
            self.field = None;
        }
        self.end_step();
        self.kind = section_kind(&text);
        self.outline.sections.push(Section { heading: text, level, text: String::new() });
    }

    /// Ends the current leaf block: a marker paragraph switches the problem
    /// field, anything else is appended where it belongs.
    fn flush(&mut self, code: bool) {
        if self.heading.is_some() {
            return;
        }
        let text = std::mem::take(&mut self.block);
        let codes = std::mem::take(&mut self.block_codes);
        let all_strong = std::mem::replace(&mut self.block_all_strong, true);
        let lead_end = self.lead_end.take();
        self.lead_open = false;
        if text.trim().is_empty() {
            return;
        }
        self.append_section(&text);
        if let Some(step) = &mut self.step {
            push_line(step, &text);
        }
        if self.in_issue {
            push_line(&mut self.issue, &text);
        }
        let lead = lead_end.filter(|_| !code).and_then(|end| lead_marker(&text, end));
        match (marker(&text).filter(|_| all_strong && !code), lead) {
            (Some(m), _) => self.set_field(m),
            (None, Some((m, end))) => {
                self.set_field(m);
                let rest = text[end..].trim_start_matches(|c: char| c == ':' || c == '-' || c.is_whitespace());
                self.append_problem(rest, &codes, false);
            }
            (None, None) => self.append_problem(&text, &codes, code),
        }
    }

    fn append_section(&mut self, text: &str) {
        if self.outline.sections.is_empty() {
            self.outline.sections.push(Section::default());
        }
        let section = self.outline.sections.last_mut().expect("pushed above");
        push_line(&mut section.text, text);
    }

    fn set_field(&mut self, m: Field) {
        let open_new = m == Field::Text || self.outline.problems.is_empty() || self.field.is_none();
        if open_new {
            self.outline.problems.push(Problem::default());
        }
        self.field = Some(m);
    }

    fn append_problem(&mut self, text: &str, codes: &[String], code: bool) {
        let (Some(field), Some(p)) = (self.field, self.outline.problems.last_mut()) else { return };
        match field {
            Field::Text => {
                push_line(&mut p.text, text);
                let found = if code { vec![text.trim().to_string()] } else { signatures_in(text, codes) };
                for s in found {
                    if !p.signatures.contains(&s) {
                        p.signatures.push(s);
                    }
                }
            }
            Field::Cause => push_line(&mut p.cause, text),
            Field::Solution => push_line(&mut p.solution, text),
        }
    }

    fn end_step(&mut self) {
        if let Some(step) = self.step.take() {
            let step = tidy(&step);
            if !step.is_empty() {
                self.outline.steps.push(step);
            }
        }
    }
}

fn section_kind(heading: &str) -> SectionKind {
    let h = heading.to_ascii_lowercase();
    if h.contains("recommended steps") {
        SectionKind::Steps
    } else if h.contains("recommended documents") || h.contains("recommended docs") {
        SectionKind::Documents
    } else {
        SectionKind::Other
    }
}

/// `Problem`, `Cause`, `Solution` and their usual synonyms, as a whole
/// paragraph or heading (a trailing colon allowed).
fn marker(text: &str) -> Option<Field> {
    let t = text.trim().trim_end_matches(':').trim().to_ascii_lowercase();
    match t.as_str() {
        "problem" | "issue" | "symptom" | "symptoms" | "error" => Some(Field::Text),
        "cause" | "root cause" => Some(Field::Cause),
        "solution" | "resolution" | "mitigation" | "workaround" | "fix" => Some(Field::Solution),
        _ => None,
    }
}

/// A marker in bold opening a paragraph, followed by a colon inside or
/// right after the bold (`**Cause:** …`, `**Error**: …`); the colon keeps
/// ordinary bold words ("**Fix** the …") from counting.
fn lead_marker(text: &str, end: usize) -> Option<(Field, usize)> {
    let lead = text.get(..end)?;
    let colon = lead.trim_end().ends_with(':') || text[end..].trim_start().starts_with(':');
    Some((marker(lead).filter(|_| colon)?, end))
}

/// Long inline code spans and long quoted strings ("…", “…”, '…') in a block.
fn signatures_in(text: &str, codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> =
        codes.iter().map(|c| c.trim().to_string()).filter(|c| c.len() >= MIN_SIGNATURE).collect();
    for (open, close) in [('"', '"'), ('“', '”'), ('\'', '\'')] {
        let mut rest = text;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len_utf8()..];
            let Some(j) = after.find(close) else { break };
            let quoted = after[..j].trim();
            if quoted.len() >= MIN_SIGNATURE && !out.iter().any(|s| s == quoted) {
                out.push(quoted.to_string());
            }
            rest = &after[j + close.len_utf8()..];
        }
    }
    out
}

fn push_line(buf: &mut String, text: &str) {
    if !buf.is_empty() {
        buf.push('\n');
    }
    buf.push_str(text.trim());
}

/// Whitespace runs inside a line collapsed, lines trimmed, blank lines dropped.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if let Some(first) = words.next() {
            if !out.is_empty() {
                out.push('\n');
            }
            push_words(&mut out, first, words);
        }
    }
    out
}

/// Whitespace runs collapsed to one space, ends trimmed.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut words = text.split_whitespace();
    if let Some(first) = words.next() {
        push_words(&mut out, first, words);
    }
    out
}

fn push_words<'a>(out: &mut String, first: &str, rest: impl Iterator<Item = &'a str>) {
    out.push_str(first);
    for w in rest {
        out.push(' ');
        out.push_str(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(md: &str) -> Outline {
        let body = super::super::body::parse(md, 0);
        extract(&body_events(md, &body))
    }

    const SEED_LIKE: &str = "# Fix login\n\nIntro text.\n\n## **Recommended Steps**\n\n* **Problem**\n\n  Login fails with:\n\n  ```\n  ERR_TIMEOUT: login expired (0)\n  ```\n\n  **Cause**\n\n  The port is closed.\n\n  **Solution**\n\n  Open port 1433.\n\n* **Problem**\n\n  Getting `SecurityException: not allowed here` on save.\n\n  **Cause**\n\n  Locked.\n\n  **Solution**\n\n  Unlock it.\n\n## **Recommended Documents**\n\n* [Ports](https://docs.example.test/ports)\n* [Locks](https://docs.example.test/locks). More text.\n";

    #[test]
    fn splits_sections_with_plain_text() {
        let o = outline(SEED_LIKE);
        let heads: Vec<_> = o.sections.iter().map(|s| (s.level, s.heading.as_str())).collect();
        assert_eq!(heads, [(1, "Fix login"), (2, "Recommended Steps"), (2, "Recommended Documents")]);
        assert_eq!(o.sections[0].text, "Intro text.");
        assert!(o.sections[1].text.contains("Open port 1433."));
    }

    #[test]
    fn collects_steps_and_documents() {
        let o = outline(SEED_LIKE);
        assert_eq!(o.steps.len(), 2);
        assert!(o.steps[0].starts_with("Problem\nLogin fails with:"));
        let docs: Vec<_> = o.documents.iter().map(|d| (d.title.as_str(), d.url.as_str())).collect();
        assert_eq!(docs, [("Ports", "https://docs.example.test/ports"), ("Locks", "https://docs.example.test/locks")]);
    }

    #[test]
    fn reads_problems_with_signatures_cause_and_solution() {
        let o = outline(SEED_LIKE);
        assert_eq!(o.problems.len(), 2);
        let p = &o.problems[0];
        assert_eq!(p.signatures, ["ERR_TIMEOUT: login expired (0)"]);
        assert_eq!(p.cause, "The port is closed.");
        assert_eq!(p.solution, "Open port 1433.");
        assert_eq!(o.problems[1].signatures, ["SecurityException: not allowed here"]);
    }

    #[test]
    fn reads_quoted_errors_and_heading_markers() {
        let md = "# T\n\n### Symptom\n\nThe call returns \"AADSTS500011: resource not found\".\n\n### Root Cause\n\nWrong tenant.\n\n### Resolution\n\nUse the right one.\n\n## Other\n\nNot a solution.\n";
        let o = outline(md);
        assert_eq!(o.problems.len(), 1);
        assert_eq!(o.problems[0].signatures, ["AADSTS500011: resource not found"]);
        assert_eq!(o.problems[0].cause, "Wrong tenant.");
        assert_eq!(o.problems[0].solution, "Use the right one.");
    }

    #[test]
    fn reads_inline_markers_and_takes_the_issue_summary_as_problem_text() {
        let md = "# T\n<!--issueDescription-->\nYour VM restarted.\n<!--/issueDescription-->\n\n- **Cause:** A host update.\n- **Resolution**: It recovered.\n";
        let o = outline(md);
        assert_eq!(o.problems.len(), 1, "{o:#?}");
        assert!(outline("# T\n\n**Fix** the setting first.\n").problems.is_empty());
        assert_eq!(o.problems[0].text, "Your VM restarted.");
        assert_eq!(o.problems[0].cause, "A host update.");
        assert_eq!(o.problems[0].solution, "It recovered.");
    }

    #[test]
    fn leaves_ordinary_articles_without_problems_or_steps() {
        let o = outline("# T\n\nSome **bold** text about a problem.\n\n* one\n* two\n");
        assert!(o.problems.is_empty());
        assert!(o.steps.is_empty());
        assert_eq!(o.sections[0].text, "Some bold text about a problem.\none\ntwo");
    }
}
