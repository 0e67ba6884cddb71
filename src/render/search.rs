//! The offline search index: a compact script (`search-index.js`, a script
//! rather than JSON so it loads from `file://`, where fetch is blocked) read
//! by the theme's own `assets/search.js`.

use super::view::BundleArticle;
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;

/// Distinct words kept per article; the title, signatures and topic ids are
/// kept whole, so this only bounds the free-text part.
const MAX_WORDS: usize = 400;
/// Longest signature kept (long stack traces are cut).
const MAX_SIGNATURE: usize = 300;

/// The fields of each document, in order (documented in the script too).
const FIELDS: [&str; 7] = ["title", "url", "service", "type", "topicIds", "signatures", "words"];

/// `[title, url, service, type, topicIds, signatures, words]`.
#[derive(Serialize)]
struct Doc<'a>(&'a str, &'a str, &'a str, &'a str, &'a [String], Vec<&'a str>, String);

/// One article's search document as compact JSON, made once and shared by
/// every site the article is in (`url` is site-relative, the same in all).
pub(crate) fn doc_json(a: &BundleArticle, title: &str, url: &str) -> anyhow::Result<Vec<u8>> {
    let signatures: Vec<&str> = a.problems.iter().flat_map(|p| &p.signatures).map(|s| cut(s, MAX_SIGNATURE)).collect();
    let doc = Doc(
        title,
        url,
        &a.service,
        a.self_help_type.as_deref().unwrap_or(""),
        &a.support_topic_ids,
        signatures,
        words(a),
    );
    Ok(serde_json::to_vec(&doc)?)
}

/// The script for one site from its articles' documents, one per line.
pub(crate) fn index_script<'a>(out: &mut impl Write, docs: impl Iterator<Item = &'a [u8]>) -> anyhow::Result<()> {
    out.write_all(b"window.KBC_SEARCH = {\"fields\":")?;
    serde_json::to_writer(&mut *out, &FIELDS)?;
    out.write_all(b",\"docs\":[")?;
    for (i, doc) in docs.enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        out.write_all(doc)?;
    }
    out.write_all(b"\n]};\n")?;
    Ok(())
}

/// Distinct lowercase words of the article in reading order, space-joined.
fn words(a: &BundleArticle) -> String {
    let texts = [&a.title, &a.heading, &a.description, &a.service]
        .into_iter()
        .map(String::as_str)
        .chain(a.sections.iter().flat_map(|s| [s.heading.as_str(), s.text.as_str()]));
    // foldhash rather than SipHash: the keys are our own words, and this set
    // is filled for every article of every build.
    let mut seen: HashSet<Box<str>, foldhash::fast::FixedState> = HashSet::default();
    let mut out = String::new();
    let mut lower = String::new();
    for text in texts {
        for w in text.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| w.chars().nth(1).is_some()) {
            if seen.len() >= MAX_WORDS {
                return out;
            }
            let w = lowercase(w, &mut lower);
            if !seen.contains(w) {
                seen.insert(w.into());
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(w);
            }
        }
    }
    out
}

/// `w` lowercased, borrowed when it already is (most words are).
fn lowercase<'a>(w: &'a str, buf: &'a mut String) -> &'a str {
    if w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return w;
    }
    buf.clear();
    if w.is_ascii() {
        buf.push_str(w);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&w.to_lowercase());
    }
    buf
}

fn cut(s: &str, max: usize) -> &str {
    &s[..crate::source::floor_char_boundary(s, max.min(s.len()))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::outline;

    fn article(title: &str, body: &str) -> BundleArticle {
        let text = format!("<properties pageTitle=\"{title}\" service=\"Svc.Name\" />\n{body}");
        let a = crate::article::Article::parse(crate::source::SourceFile::new("a.md".into(), text, false));
        super::super::bundle::article(&a, a.text(), &a.body, outline::extract(&outline::body_events(a.text(), &a.body)))
    }

    #[test]
    fn words_are_distinct_lowercase_in_reading_order() {
        let a = article("Disk DISK full", "# ÉCHEC disk\n\nÉchec of x_y, a I/O 42 échec Straße STRASSE.\n");
        assert_eq!(words(&a), "disk full échec svc name of x_y 42 straße strasse");
    }

    #[test]
    fn words_stop_at_the_cap() {
        let body: String = (0..MAX_WORDS + 50).map(|i| format!("w{i} ")).collect();
        let a = article("T1", &body);
        assert_eq!(words(&a).split(' ').count(), MAX_WORDS);
    }
}
