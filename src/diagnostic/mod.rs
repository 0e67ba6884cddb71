//! The diagnostic model: what a rule found, where, and how bad it is. Formats live
//! in [`format`]; line and column are computed only there, from byte spans.

pub mod format;
pub(crate) mod stats;
pub(crate) mod store;

use crate::source::Span;
use serde::{Deserialize, Serialize};

/// How serious a finding is. `Allow` findings are dropped before output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Allow,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// Parses a config value: `allow`, `warn`/`warning`, `deny`/`error`.
    pub fn parse(s: &str) -> Option<Level> {
        match s.to_ascii_lowercase().as_str() {
            "allow" | "off" => Some(Level::Allow),
            "warn" | "warning" => Some(Level::Warning),
            "deny" | "error" => Some(Level::Error),
            _ => None,
        }
    }
}

/// What a rule declares about itself, and so about each of its findings.
/// Codes and names never change meaning.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// `KB` + three digits, grouped by family (0xx header, 1xx content, 2xx
    /// links, 3xx corpus, 4xx embedded data and portal markup, 5xx security,
    /// 6xx suppressions, 9xx files).
    pub code: &'static str,
    /// Kebab-case, naming the problem (`unknown-cloud`).
    pub name: &'static str,
    pub default_level: Level,
    /// One line for `kbc rules`.
    pub summary: &'static str,
    /// Markdown with the sections What it checks, Why, Example, How to fix,
    /// Configuration; printed by `kbc explain`.
    pub docs: &'static str,
}

impl RuleMeta {
    /// What `kbc explain` prints: title, summary, default level, then the docs.
    pub fn explanation(&self) -> String {
        format!(
            "# {} ({})\n\n{}\n\nDefault level: {}\n\n{}",
            self.name,
            self.code,
            self.summary,
            self.default_level.as_str(),
            self.docs
        )
    }
}

/// Markdown written for a terminal, made safe for a Markdown renderer: a `<`
/// in prose (`<properties>`, `<Product Name>`) would start an HTML tag that
/// GitHub drops with its text, so outside code it becomes `&lt;`.
pub fn escape_markdown_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut in_block = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("```") || line.starts_with("~~~") {
            in_block = !in_block;
        }
        if in_block || !line.contains('<') {
            out.push_str(line);
            continue;
        }
        // Odd pieces between backquotes are code spans.
        for (i, piece) in line.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            if i % 2 == 1 { out.push_str(piece) } else { out.push_str(&piece.replace('<', "&lt;")) }
        }
    }
    out
}

/// A secondary location, possibly in another file (e.g. the other article that
/// shares an articleId).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub path: String,
    pub span: Span,
    pub message: String,
}

/// A mechanical replacement that `kbc check --fix` may apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

/// One finding. `path` and `level` are filled in by the lint engine when a rule
/// leaves them empty, so rules only say what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    pub path: String,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
    /// The spanned text must never be shown (a credential): snippets mask it.
    pub redact: bool,
}

impl Diagnostic {
    pub fn new(rule: &RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: rule.code,
            name: rule.name,
            level: rule.default_level,
            path: String::new(),
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            fix: None,
            redact: false,
        }
    }

    /// Marks the spanned text as secret: no output shows it.
    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, path: &str, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { path: path.to_string(), span, message: message.into() });
        self
    }

    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Fix { span, replacement: replacement.into() });
        self
    }

    pub fn with_path(mut self, path: &str) -> Self {
        self.path = path.to_string();
        self
    }
}

/// The canonical output order: path, position, code. Independent of thread timing.
pub fn sort(diags: &mut [Diagnostic]) {
    use rayon::slice::ParallelSliceMut;
    // Stable, like `sort_by`: equal keys keep their order whatever the threads.
    diags.par_sort_by(|a, b| {
        (a.path.as_str(), a.span.start, a.code, a.span.end, &a.message).cmp(&(
            b.path.as_str(),
            b.span.start,
            b.code,
            b.span.end,
            &b.message,
        ))
    });
}

/// Counts for the closing summary line and exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub articles: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn new(articles: usize, diags: &[Diagnostic]) -> Summary {
        let errors = diags.iter().filter(|d| d.level == Level::Error).count();
        let warnings = diags.iter().filter(|d| d.level == Level::Warning).count();
        Summary { articles, errors, warnings }
    }

    pub fn line(&self) -> String {
        format!(
            "checked {} {}: {} {}, {} {}",
            self.articles,
            plural(self.articles, "article", "articles"),
            self.errors,
            plural(self.errors, "error", "errors"),
            self.warnings,
            plural(self.warnings, "warning", "warnings"),
        )
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
