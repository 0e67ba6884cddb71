//! Inline suppressions: `<!-- kbc-disable RULE -->` … `<!-- kbc-enable RULE -->`
//! and `<!-- kbc-disable-next-line RULE -->`, RULE being codes or names
//! (several allowed, separated by spaces or commas). Applied after linting;
//! a suppression that suppresses nothing becomes an `unused-suppression`
//! finding, so stale comments do not pile up.

use crate::article::{Article, Corpus};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::rules::unused_suppression;
use crate::lint::{Levels, registry};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*kbc-(disable-next-line|disable|enable)\b([^>]*?)\s*-->").expect("valid regex")
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
}

/// One rule named in one directive.
#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    /// The rule's code, or `None` for an unknown name (kept as written).
    code: Option<&'static str>,
    written: String,
    span: Span,
    /// For `disable`, the range it covers; for next-line, the line number.
    covers: Span,
    line: usize,
    used: bool,
}

/// Drops suppressed findings and adds `unused-suppression` findings.
pub(crate) fn apply(corpus: &Corpus, diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Scanning every article's text for directives is the bulk of this: in parallel.
    let found: Vec<(&str, Vec<Entry>)> =
        corpus.articles.par_iter().map(|a| (a.path(), entries(a))).filter(|(_, e)| !e.is_empty()).collect();
    let mut entries: std::collections::HashMap<&str, Vec<Entry>> = found.into_iter().collect();
    let mut kept = Vec::with_capacity(diags.len());
    for d in diags {
        let live = levels.level(d.code, &d.path) != Level::Allow;
        let article = corpus.by_path(&d.path);
        let suppressed = match (entries.get_mut(d.path.as_str()), article) {
            (Some(list), Some(a)) if live => suppress(list, a, &d),
            _ => false,
        };
        if !suppressed {
            kept.push(d);
        }
    }
    for (path, list) in entries {
        kept.extend(list.iter().filter(|e| !e.used && e.kind != Kind::Enable).map(|e| unused(path, e, levels)));
    }
    kept
}

/// [`apply`] over the findings of one file, all with that file's path:
/// `article` when the file is an article (a file that could not be read has
/// no suppressions).
pub(crate) fn apply_one(article: Option<&Article>, diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    let Some(a) = article else { return diags };
    let mut list = entries(a);
    if list.is_empty() {
        return diags;
    }
    let live = |d: &Diagnostic| levels.level(d.code, &d.path) != Level::Allow;
    let mut kept: Vec<Diagnostic> = diags.into_iter().filter(|d| !(live(d) && suppress(&mut list, a, d))).collect();
    kept.extend(list.iter().filter(|e| !e.used && e.kind != Kind::Enable).map(|e| unused(a.path(), e, levels)));
    kept
}

/// Marks and reports whether some entry suppresses `d`.
fn suppress(list: &mut [Entry], a: &Article, d: &Diagnostic) -> bool {
    let line = a.source.line_col(d.span.start.min(a.text().len())).0;
    let hit = list.iter_mut().find(|e| {
        e.code == Some(d.code)
            && match e.kind {
                Kind::Disable => e.covers.contains(&d.span.start),
                Kind::NextLine => e.line + 1 == line,
                Kind::Enable => false,
            }
    });
    hit.map(|e| e.used = true).is_some()
}

fn unused(path: &str, e: &Entry, levels: &Levels) -> Diagnostic {
    let msg = match e.code {
        None if e.written.is_empty() => "this suppression names no rule; write the rule's code or name".to_string(),
        None => format!("`{}` is not a rule, so this suppression does nothing", e.written),
        Some(code) if levels.level(code, path) == Level::Allow => {
            format!("`{}` is turned off for this file, so this suppression does nothing", e.written)
        }
        Some(_) => format!("`{}` reports nothing here; remove the suppression", e.written),
    };
    let d = Diagnostic::new(&unused_suppression::META, e.span.clone(), msg).with_path(path);
    match e.code.is_none().then(|| registry::suggest(&e.written)).flatten() {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("delete the comment (or the rule from it)"),
    }
}

/// Every (directive, rule) pair of an article, with what it covers.
fn entries(a: &Article) -> Vec<Entry> {
    let text = a.text();
    let mut out: Vec<Entry> = Vec::new();
    // Nearly every article has no directive: a SIMD search spares the regex.
    if memchr::memmem::find(text.as_bytes(), b"kbc-").is_none() {
        return out;
    }
    for c in DIRECTIVE.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        if m.start() >= a.body.start && a.body.in_code(m.start()) {
            continue;
        }
        let kind = match &c[1] {
            "disable" => Kind::Disable,
            "enable" => Kind::Enable,
            _ => Kind::NextLine,
        };
        let line = a.source.line_col(m.end()).0;
        let names: Vec<&str> = c[2].split([' ', ',', '\t']).filter(|s| !s.is_empty()).collect();
        if names.is_empty() {
            let covers = m.range();
            out.push(Entry { kind, code: None, written: String::new(), span: m.range(), covers, line, used: false });
        }
        for name in names {
            let code = registry::find(name).map(|r| r.meta().code);
            if kind == Kind::Enable {
                close(&mut out, code, m.start());
            }
            let covers = m.end()..text.len();
            out.push(Entry { kind, code, written: name.to_string(), span: m.range(), covers, line, used: false });
        }
    }
    out
}

/// Ends the open `disable` of `code`; an `enable` with none open is unused.
fn close(out: &mut [Entry], code: Option<&'static str>, at: usize) {
    if let Some(open) = out.iter_mut().rev().find(|e| e.kind == Kind::Disable && e.code == code && e.covers.end > at) {
        open.covers.end = at;
    }
}

#[cfg(test)]
mod tests {
    use crate::article::{Article, Corpus};
    use crate::config::Config;
    use crate::lint::rules::testing::article;
    use crate::lint::{self, Context, Levels};
    use crate::source::SourceFile;

    /// Findings of `code`, review-link and unused-suppression on one article:
    /// each rule's name, the text its span covers and its message.
    fn run(code: &str, body: &str) -> Vec<(&'static str, String, String)> {
        let text = article("", body);
        let corpus = Corpus::new(vec![Article::parse(SourceFile::new("a.md".into(), text.clone(), false))]);
        let levels = Levels::only(&[code, "KB202", "KB600"]);
        let config = Config::default();
        let diags = lint::lint(&Context::new(&corpus, &config), &levels);
        let d = lint::finish_in(&corpus, diags, &levels);
        d.into_iter().map(|d| (d.name, text[d.span].to_string(), d.message)).collect()
    }

    /// Each finding as `name: covered text`.
    fn found(d: &[(&'static str, String, String)]) -> Vec<String> {
        d.iter().map(|(name, covered, _)| format!("{name}: {covered}")).collect()
    }

    #[test]
    fn disable_next_line_suppresses_only_the_next_line() {
        let body = "<!-- kbc-disable-next-line short-link -->\n[a](https://aka.ms/a)\n[b](https://aka.ms/b)\n";
        // The link on the next line is suppressed, the one after it is not,
        // and the directive counts as used.
        assert_eq!(found(&run("KB203", body)), ["short-link: [b](https://aka.ms/b)"]);
    }

    #[test]
    fn disable_and_enable_bracket_a_region_by_code_or_name() {
        let body = "<!-- kbc-disable KB203, review-link -->\n[a](https://aka.ms/a)\n<!-- kbc-enable KB203 -->\n[b](https://aka.ms/b)\n";
        let d = run("KB203", body);
        // review-link suppressed nothing, so that part of the directive is unused.
        assert_eq!(
            found(&d),
            ["unused-suppression: <!-- kbc-disable KB203, review-link -->", "short-link: [b](https://aka.ms/b)"],
            "{d:?}"
        );
        assert!(d[0].2.contains("review-link"));
    }

    #[test]
    fn reports_unused_and_unknown_suppressions() {
        let body = "<!-- kbc-disable-next-line short-link -->\nplain\n<!-- kbc-disable short-lnk -->\n";
        let d = run("KB203", body);
        assert_eq!(
            found(&d),
            [
                "unused-suppression: <!-- kbc-disable-next-line short-link -->",
                "unused-suppression: <!-- kbc-disable short-lnk -->"
            ],
            "{d:?}"
        );
        assert!(d[0].2.contains("`short-link` reports nothing") && d[1].2.contains("not a rule"), "{d:?}");
    }

    #[test]
    fn a_directive_without_a_rule_is_reported() {
        let d = run("KB203", "<!-- kbc-disable -->\n[a](https://aka.ms/a)\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|d| d.0 == "unused-suppression" && d.2.contains("names no rule")), "{d:?}");
        assert!(d.iter().any(|d| d.0 == "short-link" && d.1 == "[a](https://aka.ms/a)"), "{d:?}");
    }

    #[test]
    fn ignores_directives_inside_code() {
        let body = "```\n<!-- kbc-disable short-link -->\n```\n[a](https://aka.ms/a)\n";
        assert_eq!(found(&run("KB203", body)), ["short-link: [a](https://aka.ms/a)"]);
    }
}
