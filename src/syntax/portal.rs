//! Portal markup in HTML comments: replacement tokens (`<!--$Name-->value<!--/$Name-->`)
//! and section markers (`<!--issueDescription-->…<!--/issueDescription-->`).
//! Markers inside code are text, not markup, and are skipped. The one
//! definition of the syntax: the rules, the outline and the renderer all
//! read markers through [`scan`].

use crate::source::Span;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One `<!--name-->` or `<!--/name-->` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The name without `$` or `/`.
    pub name: String,
    /// A `$` replacement token rather than a section marker.
    pub token: bool,
    pub closing: bool,
    /// Written with blanks between `$` and the name (`<!--$ Name-->`).
    pub spaced: bool,
    pub span: Span,
}

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!--[ \t]*(/?)[ \t]*(\$?)([ \t]*)([A-Za-z][A-Za-z0-9_.]*)[ \t]*-->").unwrap());

/// Every marker in `text`, in order, code or not (spans relative to `text`).
pub(crate) fn scan(text: &str) -> impl Iterator<Item = Marker> + '_ {
    // Four rules ask for every article, and four in five have no comment at
    // all: a SIMD search for `<!--` spares them the regex.
    let any = memchr::memmem::find(text.as_bytes(), b"<!--").is_some();
    MARKER.captures_iter(if any { text } else { "" }).map(|c| {
        let m = c.get(0).expect("whole match");
        Marker {
            name: c[4].to_string(),
            token: !c[2].is_empty(),
            closing: !c[1].is_empty(),
            spaced: !c[2].is_empty() && !c[3].is_empty(),
            span: m.range(),
        }
    })
}

/// Every marker in `text` from byte `from` on (an article's body), in
/// order, except those where `in_code` says code starts.
pub(crate) fn markers(text: &str, from: usize, mut in_code: impl FnMut(usize) -> bool) -> Vec<Marker> {
    scan(&text[from..])
        .map(|m| Marker { span: from + m.span.start..from + m.span.end, ..m })
        .filter(|m| !in_code(m.span.start))
        .collect()
}

/// Pairs opening and closing markers of the same kind and name. Returns the
/// matched pairs and the markers left without a partner, both in order.
/// Linear: a closer finds its opener through the open markers of its name
/// (scanning all open markers made thousands of openers never closed, then
/// closers never opened, quadratic).
pub(crate) fn pair<'a>(markers: &[&'a Marker]) -> (Vec<(&'a Marker, &'a Marker)>, Vec<&'a Marker>) {
    let mut open: Vec<&Marker> = Vec::new();
    // Indices into `open` of each (lowercased) name's openers, in order.
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut pairs = Vec::new();
    let mut unmatched = Vec::new();
    for &m in markers {
        let key = m.name.to_ascii_lowercase();
        if !m.closing {
            by_name.entry(key).or_default().push(open.len());
            open.push(m);
            continue;
        }
        match by_name.get_mut(&key).and_then(Vec::pop) {
            Some(i) => {
                // Openers left inside the matched pair never closed; each is
                // the last open one of its name.
                for o in open.drain(i + 1..) {
                    by_name.get_mut(&o.name.to_ascii_lowercase()).and_then(Vec::pop);
                    unmatched.push(o);
                }
                pairs.push((open.pop().expect("the opener at i"), m));
            }
            None => unmatched.push(m),
        }
    }
    unmatched.extend(open);
    unmatched.sort_by_key(|m| m.span.start);
    (pairs, unmatched)
}

/// A marker the portal acts on: a replacement token written without blanks
/// after `$`, or an issue-description marker. The portal leaves any other
/// comment alone (the rules report the spaced ones).
pub(crate) fn is_live(m: &Marker) -> bool {
    (m.token && !m.spaced) || is_issue_description(m)
}

pub(crate) fn is_issue_description(m: &Marker) -> bool {
    !m.token && m.name.eq_ignore_ascii_case("issueDescription")
}

/// The text between matched `<!--issueDescription-->` markers of
/// [`markers`]`(text, from, in_code)`.
pub(crate) fn issue_descriptions(text: &str, from: usize, in_code: impl FnMut(usize) -> bool) -> Vec<Span> {
    let all = markers(text, from, in_code);
    let issue: Vec<&Marker> = all.iter().filter(|m| is_issue_description(m)).collect();
    pair(&issue).0.into_iter().map(|(o, c)| o.span.end..c.span.start).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Code is what lies between backquotes, as far as these tests go.
    fn in_code(text: &str) -> impl Fn(usize) -> bool + '_ {
        move |at| text[..at].matches('`').count() % 2 == 1
    }

    #[test]
    fn finds_tokens_and_sections_outside_code() {
        let a = "# T\n<!--issueDescription-->\nDB <!--$Db-->x<!--/$Db--> `<!--$No-->`\n<!--/issueDescription-->\n";
        let got: Vec<_> = markers(a, 0, in_code(a)).iter().map(|m| (m.name.clone(), m.token, m.closing)).collect();
        assert_eq!(
            got,
            [
                ("issueDescription".into(), false, false),
                ("Db".into(), true, false),
                ("Db".into(), true, true),
                ("issueDescription".into(), false, true)
            ]
        );
        assert_eq!(issue_descriptions(a, 0, in_code(a)).len(), 1);
    }

    #[test]
    fn pairs_markers_and_reports_leftovers() {
        let a = "# T\n<!--$A-->x<!--$B-->y<!--/$A--> <!--/$C-->\n";
        let all = markers(a, 0, |_| false);
        let refs: Vec<&Marker> = all.iter().collect();
        let (pairs, left) = pair(&refs);
        assert_eq!(pairs.len(), 1);
        assert_eq!(left.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["B", "C"]);
    }

    /// The pairing by scanning every open marker (quadratic), as reference.
    fn pair_by_scan<'a>(markers: &[&'a Marker]) -> (Vec<(&'a Marker, &'a Marker)>, Vec<&'a Marker>) {
        let (mut open, mut pairs, mut unmatched): (Vec<&Marker>, _, _) = (Vec::new(), Vec::new(), Vec::new());
        for &m in markers {
            if !m.closing {
                open.push(m);
            } else if let Some(i) = open.iter().rposition(|o| o.name.eq_ignore_ascii_case(&m.name)) {
                unmatched.extend(open.drain(i + 1..));
                pairs.push((open.remove(i), m));
            } else {
                unmatched.push(m);
            }
        }
        unmatched.extend(open);
        unmatched.sort_by_key(|m| m.span.start);
        (pairs, unmatched)
    }

    #[test]
    fn pairs_like_a_scan_of_the_open_markers() {
        let mut seed = 7u32;
        for _ in 0..300 {
            let all: Vec<Marker> = (0..40)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    let name = ["A", "a", "B", "C"][(seed >> 16) as usize % 4].to_string();
                    Marker { name, token: true, closing: (seed >> 20).is_multiple_of(2), spaced: false, span: i..i + 1 }
                })
                .collect();
            let refs: Vec<&Marker> = all.iter().collect();
            assert_eq!(pair(&refs), pair_by_scan(&refs));
        }
    }

    #[test]
    fn the_portal_acts_on_tokens_without_blanks_and_issue_markers_in_any_case() {
        let live: Vec<_> = scan("<!--$A--> <!--$ B--> <!--IssueDescription--> <!--other--> <!-- /$C -->")
            .filter(is_live)
            .map(|m| (m.name, m.closing))
            .collect();
        assert_eq!(live, [("A".into(), false), ("IssueDescription".into(), false), ("C".into(), true)]);
    }
}
