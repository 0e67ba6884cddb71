//! One article's weighted terms, computed once per article and kept as a
//! small text document that both term indexes of a build read: `match.idx`
//! ([`super::store`]) and the site search (`render::search`). Tokenizing
//! an article is a good part of the work of either index, so it is not done
//! twice (docs/bench/harden.md, "Session 3").
//!
//! The document: the article's length in tokens, a line; `^` and its title's
//! tokens, space-separated, a line; then one line per distinct term (words
//! and word pairs), sorted by term: the term, its weighted frequency and the
//! bit set of the fields it is in ([`Field::ALL`] order), tab-separated.
//! Terms hold no tab or line break (the tokenizer keeps letters and digits
//! only, pairs join two with a space).

use super::bundle::Article;
use super::model::{self, Field};
use std::fmt::Write as _;

/// The term indexes' hash maps: foldhash (seeded at random per process and
/// map) hashes a short term several times faster than std's SipHash, which
/// took 5% of building an article of a million distinct terms.
pub(crate) type Hasher = foldhash::fast::RandomState;

/// Each distinct term's weighted frequency and fields.
pub(crate) type Weighted = std::collections::HashMap<String, (f64, u8), Hasher>;

/// One article's weighted term frequencies with the fields each term is
/// in, and its length in tokens.
pub(crate) fn weighted_terms(a: &Article) -> (Weighted, usize) {
    let mut tf = Weighted::default();
    let mut len = 0;
    for (bit, field) in Field::ALL.into_iter().enumerate() {
        let text = super::field_text(field, a);
        for t in model::tokens(&text) {
            len += 1;
            let e = tf.entry(t).or_default();
            e.0 += field.weight();
            e.1 |= 1 << bit;
        }
        for pair in model::bigrams(&text) {
            let e = tf.entry(pair).or_default();
            e.0 += field.weight();
            e.1 |= 1 << bit;
        }
    }
    (tf, len)
}

/// The pageTitle, else the H1.
pub(crate) fn title(a: &Article) -> &str {
    if a.title.is_empty() { &a.heading } else { &a.title }
}

/// The terms document of `a` (see the module docs).
pub(crate) fn document(a: &Article) -> Vec<u8> {
    let (tf, len) = weighted_terms(a);
    // Sorted by their first 8 bytes, held inline, before the whole terms:
    // most comparisons then stay in the vector instead of reaching each
    // term's text (a third of the sort's time on 800,000 terms).
    let mut terms: Vec<(u64, String, (f64, u8))> = tf.into_iter().map(|(t, v)| (prefix(&t), t, v)).collect();
    terms.sort_unstable_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.cmp(&y.1)));
    let mut out = format!("{len}\n^{}\n", model::tokens(title(a)).join(" "));
    for (_, t, (w, fields)) in terms {
        // `{w}` is the shortest text that parses back to the same f64.
        let _ = writeln!(out, "{t}\t{w}\t{fields}");
    }
    out.into_bytes()
}

/// The first 8 bytes of `t`, big-endian, zero-padded: ordered as the terms
/// are (a zero pad sorts first, like an end), ties left to the whole terms.
fn prefix(t: &str) -> u64 {
    let mut head = [0u8; 8];
    let n = t.len().min(8);
    head[..n].copy_from_slice(&t.as_bytes()[..n]);
    u64::from_be_bytes(head)
}

/// A parsed terms [`document`]; a malformed line is skipped, a missing
/// number reads as 0.
pub(crate) struct Document<'a> {
    pub len: usize,
    pub title: Vec<&'a str>,
    /// (term, weighted frequency, fields), sorted by term.
    pub terms: Vec<(&'a str, f64, u8)>,
}

impl Document<'_> {
    pub(crate) fn parse(doc: &[u8]) -> Document<'_> {
        let text = std::str::from_utf8(doc).unwrap_or_default();
        let mut lines = text.lines().peekable();
        let len = lines.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let title = lines.next_if(|l| l.starts_with('^')).map_or("", |l| &l[1..]);
        let terms = lines.filter_map(term_line).collect();
        Document { len, title: title.split(' ').filter(|t| !t.is_empty()).collect(), terms }
    }
}

fn term_line(line: &str) -> Option<(&str, f64, u8)> {
    let (term, rest) = line.split_once('\t')?;
    let (w, fields) = rest.split_once('\t').unwrap_or((rest, ""));
    Some((term, w.parse().unwrap_or(0.0), fields.parse().unwrap_or(0)))
}

/// An article's length, the document's first line, without parsing the rest.
pub(crate) fn document_len(doc: &[u8]) -> usize {
    let line = doc.split(|&b| b == b'\n').next().unwrap_or_default();
    std::str::from_utf8(line).ok().and_then(|l| l.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(json: &str) -> Article {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_document_reads_back_as_the_weighted_terms() {
        let a = article(
            r#"{"articleId":"x","path":"a.md","title":"Disk full","heading":"Disk Full",
            "sections":[{"heading":"Steps","text":"Free the disks; 0.1 of DiskSpace."}],
            "problems":[{"text":"t","signatures":["IOException: no space"]}]}"#,
        );
        let bytes = document(&a);
        let doc = Document::parse(&bytes);
        let (tf, len) = weighted_terms(&a);
        assert_eq!((doc.len, document_len(&bytes)), (len, len));
        assert_eq!(doc.title, ["disk", "full"]);
        assert_eq!(doc.terms.len(), tf.len());
        assert!(doc.terms.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        for (t, w, fields) in &doc.terms {
            // The same f64 bits and fields, not merely close.
            assert_eq!(tf[*t], (*w, *fields), "{t}");
        }
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\nioexception\t2.5\t2\n") && text.contains("\ndisk\t"), "{text}");
    }

    #[test]
    fn the_prefix_order_agrees_with_the_order_of_terms() {
        let terms = ["", "a", "a\0", "a\0b", "ab", "abcdefgh", "abcdefgh a", "abcdefgi", "b c", "\u{e9}t\u{e9}", "z"];
        for x in terms {
            for y in terms {
                let by_prefix = prefix(x).cmp(&prefix(y)).then_with(|| x.cmp(y));
                assert_eq!(by_prefix, x.cmp(y), "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn a_malformed_document_parses_without_panicking() {
        for bad in [&b""[..], b"x\n", b"3\nno title\nterm\n", b"\xff\xfe", b"2\n^\nt\tnan?\t300\n"] {
            let doc = Document::parse(bad);
            assert!(doc.terms.len() <= 1);
        }
        assert_eq!(Document::parse(b"2\n^a b\nt\t1.5\t9\n").terms, [("t", 1.5, 9)]);
    }
}
