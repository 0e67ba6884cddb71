//! What `kbc serve` adds to every HTML page it serves: the live-reload
//! script, and on article pages an overlay listing the article's
//! diagnostics (rule, line, message, help, a link to the rule's docs). The
//! built site itself never contains any of this.

use super::state::{Item, Snapshot};

pub(crate) const LIVE_JS: &str = include_str!("assets/live.js");
pub(crate) const LIVE_CSS: &str = include_str!("assets/live.css");

/// `html` with the overlay (for the article at `page`, if any) and the
/// live-reload script inserted before `</body>`.
pub(crate) fn inject(html: &str, page: &str, snap: &Snapshot) -> String {
    let mut extra = format!(
        "<link rel=\"stylesheet\" href=\"/__kbc/live.css\">\n<div id=\"kbc-live\" hidden data-generation=\"{}\"></div>\n",
        snap.generation
    );
    match snap.pages.get(page) {
        Some(path) => extra.push_str(&article_overlay(path, snap.items.get(path).map_or(&[][..], Vec::as_slice))),
        None if page == "index.html" => extra.push_str(&home_overlay(snap)),
        None => {}
    }
    extra.push_str("<script src=\"/__kbc/live.js\"></script>\n");
    let at = html.to_ascii_lowercase().rfind("</body>").unwrap_or(html.len());
    format!("{}{extra}{}", &html[..at], &html[at..])
}

fn article_overlay(path: &str, items: &[Item]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let errors = items.iter().filter(|i| i.level == "error").count();
    let class = if errors == 0 { " class=\"kbc-warnings-only\"" } else { "" };
    let mut out = format!(
        "<aside id=\"kbc-overlay\"{class} role=\"alert\"><div class=\"kbc-head\"><span>kbc: {} in {}</span>\
         <button type=\"button\" class=\"kbc-hide\">hide</button></div><ol>",
        count(errors, items.len() - errors),
        esc(path)
    );
    for i in items {
        out.push_str(&format!(
            "<li class=\"kbc-item kbc-level-{lvl}\"><span class=\"kbc-level\">{lvl}[{code}]</span> \
             <a href=\"/__kbc/rules/{code}\">{name}</a> line {line}:{col}: {msg}{help}</li>",
            lvl = i.level,
            code = esc(&i.code),
            name = esc(&i.name),
            line = i.line,
            col = i.column,
            msg = esc(&i.message),
            help = i
                .help
                .as_deref()
                .map(|h| format!("<div class=\"kbc-help\">help: {}</div>", esc(h)))
                .unwrap_or_default(),
        ));
    }
    out + "</ol></aside>\n"
}

/// On the home page: which articles have problems, linked to their pages.
fn home_overlay(snap: &Snapshot) -> String {
    let (errors, warnings) = snap.totals();
    if errors + warnings == 0 {
        return String::new();
    }
    let class = if errors == 0 { " class=\"kbc-warnings-only\"" } else { "" };
    let mut out = format!(
        "<aside id=\"kbc-overlay\"{class} role=\"alert\"><div class=\"kbc-head\"><span>kbc: {} in {} files</span>\
         <button type=\"button\" class=\"kbc-hide\">hide</button></div><ol>",
        count(errors, warnings),
        snap.items.len()
    );
    for (path, items) in snap.items.iter().take(100) {
        let link = match snap.url_of(path) {
            Some(url) => format!("<a href=\"/{}\">{}</a>", esc(url), esc(path)),
            None => esc(path),
        };
        out.push_str(&format!("<li class=\"kbc-item\">{link}: {}</li>", esc(&items[0].message)));
    }
    out + "</ol></aside>\n"
}

fn count(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

    fn snap() -> Snapshot {
        let item = Item {
            level: "error".into(),
            code: "KB012".into(),
            name: "duplicate-article-id".into(),
            line: 11,
            column: 13,
            message: "duplicate articleId \"<x>\"".into(),
            help: Some("give each article its own id".into()),
        };
        Snapshot {
            generation: 7,
            pages: HashMap::from([("articles/a.html".to_string(), "articles/a.md".to_string())]),
            items: BTreeMap::from([("articles/a.md".to_string(), vec![item])]),
        }
    }

    #[test]
    fn article_pages_get_an_escaped_overlay_with_rule_links() {
        let html = inject("<html><body><p>hi</p></body></html>", "articles/a.html", &snap());
        assert!(html.contains("kbc: 1 error, 0 warnings in articles/a.md"));
        assert!(html.contains("<a href=\"/__kbc/rules/KB012\">duplicate-article-id</a> line 11:13"));
        assert!(html.contains("duplicate articleId &quot;&lt;x&gt;&quot;"));
        assert!(html.contains("help: give each article its own id"));
        assert!(html.ends_with("<script src=\"/__kbc/live.js\"></script>\n</body></html>"));
    }

    #[test]
    fn clean_pages_get_only_the_live_reload_script() {
        let html = inject("<body></body>", "articles/b.html", &snap());
        assert!(!html.contains("kbc-overlay"));
        assert!(html.contains("data-generation=\"7\"") && html.contains("/__kbc/live.js"));
    }

    #[test]
    fn home_page_lists_articles_with_problems() {
        let html = inject("<body></body>", "index.html", &snap());
        assert!(html.contains("<a href=\"/articles/a.html\">articles/a.md</a>"));
    }
}
