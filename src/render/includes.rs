//! Include directives expanded for the site and bundle: each
//! `[!INCLUDE [title](path)]` outside code is replaced by the included
//! file's body (its `<properties>` header dropped), nested includes too.
//! Missing, cyclic or outside-ROOT includes are left as written: the
//! include-* rules report them, and as errors they stop the build.

use crate::article::Article;
use crate::include::{Resolver, Target, directives};
use crate::parse::header::{Scan, scan};

/// How deep nested includes are followed (a cycle stops far sooner).
const MAX_DEPTH: usize = 8;

/// The bytes includes may add to an article: this many times its own size,
/// plus [`BUDGET_BASE`]. A file included twice by each of 8 files in a row
/// is in an article 256 times, and 30 times each 30^8 times: past the
/// budget, an include is left as written.
const BUDGET_FACTOR: usize = 64;
const BUDGET_BASE: usize = 1 << 20;

/// The article's text with includes expanded, or `None` when it has none.
pub(crate) fn expand(resolver: &Resolver<'_>, a: &Article) -> Option<String> {
    let code: Vec<_> = a.body.code_blocks.iter().map(|c| c.span.clone()).collect();
    let found = directives(a.text(), |o| code.iter().any(|c| c.contains(&o)));
    if found.is_empty() {
        return None;
    }
    let stack = vec![a.path().to_string()];
    let mut budget = a.text().len().saturating_mul(BUDGET_FACTOR).saturating_add(BUDGET_BASE);
    Some(expand_text(resolver, a.path(), a.text(), &found, &mut (stack, &mut budget)))
}

/// The files being expanded, outermost first, and the bytes left to add.
type Walk<'b> = (Vec<String>, &'b mut usize);

fn expand_text(
    resolver: &Resolver<'_>,
    from: &str,
    text: &str,
    found: &[crate::include::Directive],
    walk: &mut Walk<'_>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for d in found {
        out.push_str(&text[last..d.span.start]);
        match included(resolver, from, &d.target, walk) {
            Some(body) => out.push_str(body.trim_end()),
            None => out.push_str(&text[d.span.clone()]),
        }
        last = d.span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The expanded body of one include, if it can be followed safely.
fn included(resolver: &Resolver<'_>, from: &str, target: &str, walk: &mut Walk<'_>) -> Option<String> {
    let Target::Found(path) = resolver.resolve(from, target) else { return None };
    if walk.0.contains(&path) || walk.0.len() > MAX_DEPTH {
        return None;
    }
    let text = resolver.text(&path)?;
    let body = match scan(&text) {
        Scan::Found { header, .. } => text[header.span.end..].to_string(),
        Scan::Missing { .. } => text,
    };
    // Each body is paid for as it is added, its own includes after it (an
    // empty one costs a byte: the work of following it is not free).
    *walk.1 = walk.1.checked_sub(body.len() + 1)?;
    walk.0.push(path.clone());
    let nested = directives(&body, |_| false);
    let expanded = expand_text(resolver, &path, &body, &nested, walk);
    walk.0.pop();
    Some(expanded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Corpus;
    use crate::source::SourceFile;

    fn article(path: &str, text: &str) -> Article {
        crate::article::Article::parse(SourceFile::new(path.into(), text.into(), false))
    }

    #[test]
    fn expands_nested_includes_and_leaves_broken_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("includes")).unwrap();
        std::fs::write(dir.path().join("includes/note.md"), "> Note: [!INCLUDE [x](inner.md)]\n").unwrap();
        std::fs::write(dir.path().join("includes/inner.md"), "inner text\n").unwrap();
        std::fs::write(dir.path().join("includes/loop.md"), "[!INCLUDE [l](loop.md)]").unwrap();
        let corpus = Corpus::new(Vec::new());
        let resolver = Resolver::new(dir.path(), &corpus);
        let a = article(
            "articles/a.md",
            "# T\n\n[!INCLUDE [n](../includes/note.md)]\n\n[!INCLUDE [m](../includes/missing.md)]\n\n[!INCLUDE [l](../includes/loop.md)]\n\n```\n[!INCLUDE [n](../includes/note.md)]\n```\n",
        );
        let out = expand(&resolver, &a).unwrap();
        assert!(out.contains("> Note: inner text\n"), "{out}");
        assert!(out.contains("[!INCLUDE [m](../includes/missing.md)]"), "{out}");
        assert!(out.contains("\n[!INCLUDE [l](loop.md)]\n"), "a cycle stops at the repeated file: {out}");
        assert!(out.contains("```\n[!INCLUDE [n](../includes/note.md)]\n```"), "code is left alone: {out}");
        assert!(expand(&resolver, &article("b.md", "# T\n")).is_none());
    }
}
