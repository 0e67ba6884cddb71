//! ARCHITECTURE.md's layer table, held. Every path into the crate in `src/`
//! (`crate::…`, `super::…`, `self::…`, in `use` trees and in code) is an edge
//! from the module that writes it to the deepest module it names. An edge
//! between two top-level modules must go down the table: to a lower layer,
//! or to a module listed before it in its own layer. Test code counts too (a
//! test that reaches up would stop a split into crates). Inside a module,
//! sibling submodules must not import each other in a cycle (library code
//! only: a test helper may reach across). The table is read from
//! ARCHITECTURE.md itself, so the document and the test cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Cycles between sibling modules that are known and being removed. The list
/// may only shrink: an entry whose cycle is gone fails the test until it is
/// deleted here.
const ALLOWED_CYCLES: &[&[&str]] = &[];

type Module = Vec<String>;

#[test]
fn every_edge_between_modules_goes_down_the_layer_table() {
    let order = layer_order();
    let files = source_files();
    let mut problems = Vec::new();
    for module in files.keys().filter_map(|m| m.first()).collect::<BTreeSet<_>>() {
        if !order.contains_key(module) {
            problems.push(format!("src/{module}: not in ARCHITECTURE.md's layer table; add it to the right layer"));
        }
    }
    for edge in edges(&files) {
        if let Some(problem) = check_edge(&order, &edge) {
            problems.push(problem);
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "layering violations:\n{}", problems.join("\n"));
}

#[test]
fn sibling_modules_import_each_other_in_no_cycle() {
    let files = source_files();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for edge in edges(&files).into_iter().filter(|e| !e.test) {
        if let Some((a, b)) = sibling_pair(&edge.from, &edge.to) {
            graph.entry(a).or_default().insert(b);
        }
    }
    let cycles = strongly_connected(&graph);
    let allowed: Vec<Vec<String>> = ALLOWED_CYCLES.iter().map(|c| c.iter().map(|s| s.to_string()).collect()).collect();
    let new: Vec<_> = cycles.iter().filter(|c| !allowed.contains(c)).collect();
    let gone: Vec<_> = allowed.iter().filter(|c| !cycles.contains(c)).collect();
    assert!(new.is_empty(), "import cycles between sibling modules: {new:?}");
    assert!(gone.is_empty(), "these allowed cycles are gone; delete them from ALLOWED_CYCLES: {gone:?}");
}

#[test]
fn the_edge_reader_sees_use_trees_and_skips_comments_and_strings() {
    let text = "use crate::{a::{self, X}, b::c as d};\n// crate::d::x\nlet s = \"crate::e::y\";\nsuper::f::g();\n\
                let c = '{'; fn h<'a>(x: &'a str) { crate::i::j(x) }\n#[cfg(test)]\nmod tests { use crate::k::l; }\n";
    let found: Vec<(String, bool)> =
        paths(&blank(text), &vec!["m".to_string()]).into_iter().map(|p| (p.path.join("::"), p.test)).collect();
    let expected = ["crate::a::self", "crate::a::X", "crate::b::c", "super::f::g", "crate::i::j", "crate::k::l"];
    let expected: Vec<(String, bool)> = expected.iter().map(|p| (p.to_string(), p.contains("::k::"))).collect();
    assert_eq!(found, expected);
}

#[test]
fn an_upward_edge_a_root_item_and_a_cycle_are_reported() {
    let order = layer_order();
    let edge = |from: &str, to: &str| Edge {
        file: "src/x.rs".into(),
        from: vec![from.into()],
        to: if to.is_empty() { vec![] } else { vec![to.into()] },
        written: format!("crate::{to}::X"),
        test: false,
    };
    assert!(check_edge(&order, &edge("diagnostic", "lint")).is_some());
    assert!(check_edge(&order, &edge("parse", "article")).is_some());
    assert!(check_edge(&order, &edge("commands", "")).is_some());
    assert!(check_edge(&order, &edge("lint", "diagnostic")).is_none());
    assert!(check_edge(&order, &edge("include", "article")).is_none());
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")].iter().fold(BTreeMap::new(), |mut g, (x, y)| {
            g.entry(x.to_string()).or_default().insert(y.to_string());
            g
        });
    assert_eq!(strongly_connected(&graph), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
}

/// Each top-level module's position in the table: (layer, place in its row).
fn layer_order() -> BTreeMap<String, (usize, usize)> {
    let text = std::fs::read_to_string(manifest_dir().join("ARCHITECTURE.md")).unwrap();
    let section = text.split("\n## Layers\n").nth(1).expect("ARCHITECTURE.md has a `## Layers` section");
    let mut order = BTreeMap::new();
    let rows = section.lines().take_while(|l| !l.starts_with("## ")).filter(|l| l.starts_with('|'));
    for (layer, row) in rows.skip(2).enumerate() {
        let modules = row.split('|').nth(2).expect("a layer row has a modules column");
        for (place, name) in modules.split('`').skip(1).step_by(2).enumerate() {
            assert!(order.insert(name.to_string(), (layer, place)).is_none(), "`{name}` is listed twice");
        }
    }
    assert!(order.len() > 10, "the layer table was not found or is empty");
    order
}

fn check_edge(order: &BTreeMap<String, (usize, usize)>, edge: &Edge) -> Option<String> {
    let from = edge.from.first()?;
    let Some(to) = edge.to.first() else {
        return Some(format!(
            "{}: uses `{}`, an item of lib.rs; only main.rs may use the crate root (move the item into a module)",
            edge.file, edge.written
        ));
    };
    let (Some(a), Some(b)) = (order.get(from), order.get(to)) else { return None };
    (from != to && b >= a).then(|| {
        format!(
            "{}: `{from}` uses `{}` (`{to}` is not below `{from}` in ARCHITECTURE.md's layers)",
            edge.file, edge.written
        )
    })
}

/// The first modules where two paths part, when neither contains the other.
fn sibling_pair(from: &Module, to: &Module) -> Option<(String, String)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    (common < from.len() && common < to.len()).then(|| (from[..=common].join("::"), to[..=common].join("::")))
}

/// Cycles of the graph (Tarjan's strongly connected components of two or more
/// modules), each sorted.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, (usize, usize)>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(w: &mut Walk<'g>, v: &'g str) {
        let n = w.index.len();
        w.index.insert(v, (n, n));
        w.stack.push(v);
        for next in w.graph.get(v).into_iter().flatten() {
            if !w.index.contains_key(next.as_str()) {
                visit(w, next);
                let low = w.index[next.as_str()].1.min(w.index[v].1);
                w.index.get_mut(v).unwrap().1 = low;
            } else if w.stack.contains(&next.as_str()) {
                let low = w.index[next.as_str()].0.min(w.index[v].1);
                w.index.get_mut(v).unwrap().1 = low;
            }
        }
        if w.index[v].0 == w.index[v].1 {
            let at = w.stack.iter().rposition(|m| *m == v).unwrap();
            let mut component: Vec<String> = w.stack.drain(at..).map(str::to_string).collect();
            component.sort();
            if component.len() > 1 {
                w.found.push(component);
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            visit(&mut walk, v);
        }
    }
    walk.found.sort();
    walk.found
}

struct Edge {
    file: String,
    from: Module,
    to: Module,
    written: String,
    test: bool,
}

/// Every edge of every file: written paths resolved to the modules that exist.
fn edges(files: &BTreeMap<Module, SourceText>) -> Vec<Edge> {
    let test_only = test_only_modules(files);
    let mut out = Vec::new();
    for (module, source) in files {
        let file_is_test = test_only.iter().any(|t| module.starts_with(t));
        for p in paths(&source.blanked, module) {
            let to = resolve(files, &p);
            if to.starts_with(&p.module) || p.module.starts_with(&to) && !to.is_empty() {
                continue; // a module's own items, its children or its ancestors' items
            }
            let written = p.path.join("::");
            out.push(Edge {
                file: source.file.clone(),
                from: module.clone(),
                to,
                written,
                test: file_is_test || p.test,
            });
        }
    }
    out
}

/// The deepest module file named by a path (inline modules are not files and
/// stay with theirs).
fn resolve(files: &BTreeMap<Module, SourceText>, p: &Path_) -> Module {
    let mut base: Module = Vec::new();
    let mut rest = p.path.iter().peekable();
    match rest.peek().map(|s| s.as_str()) {
        Some("crate") => {
            rest.next();
        }
        _ => base = p.scope.clone(),
    }
    while let Some(seg) = rest.peek() {
        match seg.as_str() {
            "self" => {}
            "super" => {
                base.pop();
            }
            _ => break,
        }
        rest.next();
    }
    let mut module = base;
    for seg in rest {
        module.push(seg.clone());
        if !files.contains_key(&module) {
            module.pop();
            break;
        }
    }
    // `scope` may be inside an inline module, which is not a file: trim to one.
    while !module.is_empty() && !files.contains_key(&module) {
        module.pop();
    }
    module
}

/// Modules declared `#[cfg(test)] mod name;`, whose files are test code.
fn test_only_modules(files: &BTreeMap<Module, SourceText>) -> Vec<Module> {
    let mut out = Vec::new();
    for (module, source) in files {
        let text = &source.blanked;
        for (at, _) in text.match_indices("#[cfg(test)]") {
            let after = skip_visibility(text[at + 12..].trim_start());
            if let Some(decl) = after.strip_prefix("mod ") {
                let name: String = decl.chars().take_while(|c| is_ident(*c)).collect();
                if decl[name.len()..].trim_start().starts_with(';') {
                    out.push([module.clone(), vec![name]].concat());
                }
            }
        }
    }
    out
}

fn skip_visibility(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("pub") else { return text };
    let rest = rest.trim_start();
    match rest.strip_prefix('(') {
        Some(inner) => inner.split_once(')').map_or(rest, |(_, after)| after.trim_start()),
        None => rest,
    }
}

struct SourceText {
    file: String,
    blanked: String,
}

/// Every library source file by module path (`src/lint/rules/mod.rs` is
/// `lint::rules`; lib.rs is the crate root; main.rs, a separate crate, is left out).
fn source_files() -> BTreeMap<Module, SourceText> {
    let src = manifest_dir().join("src");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let Some(stem) = rel.strip_suffix(".rs") else { continue };
        if rel == "main.rs" {
            continue;
        }
        let mut module: Module = stem.split('/').map(str::to_string).collect();
        if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
            module.pop();
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        files.insert(module, SourceText { file: format!("src/{rel}"), blanked: blank(&text) });
    }
    files
}

fn manifest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// A path as written, the inline module scope it was written in (for `self`
/// and `super`), and whether it is inside a `#[cfg(test)]` module.
#[allow(non_camel_case_types)]
struct Path_ {
    path: Vec<String>,
    module: Module,
    scope: Module,
    test: bool,
}

/// The paths starting with `crate`, `super` or `self` in blanked text, use
/// trees expanded, each with the module scope it is written in.
fn paths(text: &str, module: &Module) -> Vec<Path_> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Inline modules open at a `{`: (depth at which they close, name, test).
    let mut scopes: Vec<(usize, String, bool)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'{' {
            depth += 1;
        } else if c == b'}' {
            depth -= 1;
            if scopes.last().is_some_and(|s| s.0 == depth) {
                scopes.pop();
            }
        }
        if !is_ident(c as char) || (i > 0 && is_ident(bytes[i - 1] as char)) {
            i += 1;
            continue;
        }
        let word: String = text[i..].chars().take_while(|c| is_ident(*c)).collect();
        let after = i + word.len();
        if word == "mod"
            && let Some((name, open)) = inline_module(text, after)
        {
            let test = scopes.last().is_some_and(|s| s.2) || after_cfg_test(&text[..i]);
            scopes.push((depth, name, test));
            depth += 1;
            i = open + 1;
            continue;
        }
        if matches!(word.as_str(), "crate" | "super" | "self") && text[after..].starts_with("::") {
            let scope = [module.clone(), scopes.iter().map(|s| s.1.clone()).collect()].concat();
            let test = scopes.last().is_some_and(|s| s.2);
            let mut leaves = Vec::new();
            let end = use_tree(text, i, vec![], &mut leaves);
            out.extend(leaves.into_iter().map(|path| Path_ {
                path,
                module: module.clone(),
                scope: scope.clone(),
                test,
            }));
            i = end;
            continue;
        }
        i = after;
    }
    out
}

/// Whether the text ends with `#[cfg(test)]`, then perhaps a visibility.
fn after_cfg_test(before: &str) -> bool {
    let mut text = before.trim_end();
    if let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind('('))
        && text[..open].trim_end().ends_with("pub")
    {
        text = text[..open].trim_end();
    }
    text.strip_suffix("pub").unwrap_or(text).trim_end().ends_with("#[cfg(test)]")
}

/// `mod name {` starting after `mod`: the name and the offset of the brace.
fn inline_module(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = text[at..].trim_start();
    let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
    let after = rest[name.len()..].trim_start();
    (!name.is_empty() && after.starts_with('{')).then(|| (name, text.len() - after.len()))
}

/// Reads a path or use tree at `at` (`a::b`, `a::{b, c::{self, D}}`), adding
/// each full path to `leaves`; returns where it ends.
fn use_tree(text: &str, mut at: usize, prefix: Vec<String>, leaves: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    loop {
        at += text[at..].len() - text[at..].trim_start().len();
        if text[at..].starts_with('{') {
            at += 1;
            loop {
                at = use_tree(text, at, path.clone(), leaves);
                at += text[at..].len() - text[at..].trim_start().len();
                match text[at..].chars().next() {
                    Some(',') => at += 1,
                    Some('}') => return at + 1,
                    _ => return at,
                }
            }
        }
        let word: String = text[at..].chars().take_while(|c| is_ident(*c)).collect();
        if word.is_empty() {
            break;
        }
        path.push(word.clone());
        at += word.len();
        if text[at..].starts_with("::") && !text[at + 2..].starts_with('<') {
            at += 2;
        } else {
            break;
        }
    }
    if !path.is_empty() {
        leaves.push(path);
    }
    // `Level as KbLevel`: the alias is not a path.
    let rest = text[at..].trim_start();
    if let Some(alias) = rest.strip_prefix("as ") {
        let alias = alias.trim_start();
        let name = alias.chars().take_while(|c| is_ident(*c)).count();
        return text.len() - alias.len() + name;
    }
    at
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The source with comments, string literals and character literals replaced
/// by spaces (lengths kept), so that only code is searched.
fn blank(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        let end = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'*') => block_comment_end(b, i),
            b'r' | b'b' if !after_ident(b, i) && raw_string_open(b, i).is_some() => raw_string_end(b, i),
            b'"' => string_end(b, i + 1),
            b'b' if b.get(i + 1) == Some(&b'"') && !after_ident(b, i) => string_end(b, i + 2),
            b'\'' => char_end(text, i).unwrap_or(i + 1),
            _ => i + 1,
        };
        if end > i + 1 {
            out[i..end].iter_mut().filter(|c| **c != b'\n').for_each(|c| *c = b' ');
        }
        i = end;
    }
    // Multi-byte characters left in code (identifiers) become spaces too.
    out.iter_mut().filter(|c| **c >= 0x80).for_each(|c| *c = b' ');
    String::from_utf8(out).unwrap()
}

fn after_ident(b: &[u8], i: usize) -> bool {
    i > 0 && is_ident(b[i - 1] as char)
}

fn block_comment_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// For `r"`, `r#"`, `br##"`…: the offset of the opening quote and the number of `#`.
fn raw_string_open(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let r = if b[i] == b'b' { i + 1 } else { i };
    if b.get(r) != Some(&b'r') {
        return None;
    }
    let hashes = b[r + 1..].iter().take_while(|&&c| c == b'#').count();
    (b.get(r + 1 + hashes) == Some(&b'"')).then_some((r + 1 + hashes, hashes))
}

fn raw_string_end(b: &[u8], i: usize) -> usize {
    let (open, hashes) = raw_string_open(b, i).unwrap();
    let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
    let body = &b[open + 1..];
    body.windows(close.len()).position(|w| w == close.as_slice()).map_or(b.len(), |n| open + 1 + n + close.len())
}

fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a character literal at `i` (`'a'`, `'\''`, `'\u{1F600}'`, `'é'`);
/// `None` for a lifetime or a label.
fn char_end(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(i + 1) == Some(&b'\\') {
        // An escape: the character after the backslash, then up to `'`.
        return b.get(i + 3..)?.iter().take(10).position(|&c| c == b'\'').map(|n| i + 3 + n + 1);
    }
    let len = text.get(i + 1..)?.chars().next()?.len_utf8();
    (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 1 + len + 1)
}
