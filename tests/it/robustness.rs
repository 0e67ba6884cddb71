//! Damaged articles never crash `kbc check`: the sample knowledge base's
//! articles, mutated by a fixed pseudo-random sequence (inserted quotes,
//! brackets, multi-byte and invisible characters, fences, truncation), are
//! checked through the library. Every run must finish without a panic and
//! every diagnostic must point inside its file. The sequence is fixed, so a
//! failure reproduces; the panicking input is printed.

use crate::common::Kb;
use std::path::Path;

/// Fragments that upset parsers: quoting, markup, encodings, separators.
const FRAGMENTS: &[&[u8]] = &[
    b"\"",
    b"'",
    b"<",
    b">",
    b"/>",
    b"=",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b" ",
    "é".as_bytes(),
    "\u{200b}".as_bytes(),
    "😀".as_bytes(),
    b"\xef\xbb\xbf",
    b"\xff",
    b"\0",
    b"---\n",
    b"```",
    b"```json\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"](",
    b"<!--",
    b"-->",
    b"<!--$Token-->",
    b"<!--issueDescription-->",
    b"</properties>",
    b"<properties ",
    b"# ",
    b"## ",
    b"**",
    b"* ",
    b"|",
    b"\\",
    b"&amp;",
    b"&#",
    b"https://",
    b"http://",
    b"<a href=\"",
    b"<img src=",
    b"\":",
    b",",
    b"null",
];

/// xorshift64*: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

/// One damaged copy of `base`: a few insertions, deletions and duplications.
fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    for _ in 0..1 + rng.below(12) {
        let at = rng.below(b.len() + 1);
        match rng.below(10) {
            0..=4 => {
                let f = FRAGMENTS[rng.below(FRAGMENTS.len())];
                b.splice(at..at, f.iter().copied());
            }
            5..=7 => {
                let end = (at + 1 + rng.below(30)).min(b.len());
                b.drain(at.min(end)..end);
            }
            _ => {
                let from = rng.below(b.len() + 1);
                let piece: Vec<u8> = b[from..(from + rng.below(60)).min(b.len())].to_vec();
                b.splice(at..at, piece);
            }
        }
    }
    if rng.below(20) == 0 {
        b.truncate(rng.below(b.len() + 1));
    }
    b
}

fn sample_articles() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
    let mut out: Vec<Vec<u8>> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    assert!(out.len() >= 10, "the sample knowledge base has articles");
    out.truncate(40);
    out
}

#[test]
fn damaged_articles_get_diagnostics_not_panics() {
    let bases = sample_articles();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Batches of mutants in one knowledge base each, so cross-article rules
    // see damaged neighbours too; each batch is one `load`.
    for batch in 0..12 {
        let kb = Kb::empty();
        let mut mutants = Vec::new();
        for (i, base) in bases.iter().enumerate() {
            for j in 0..10 {
                let bytes = mutate(&mut rng, base);
                kb.write(&format!("articles/b{batch}/a{i:02}-{j}.md"), &bytes);
                mutants.push(bytes);
            }
        }
        let result = std::panic::catch_unwind(|| kbc::commands::check::load(kb.root()));
        let checked = match result {
            Ok(loaded) => loaded.expect("a knowledge base of damaged articles still loads"),
            Err(_) => panic!("kbc panicked on batch {batch}; its files are under {}", keep(kb)),
        };
        assert_eq!(checked.summary().articles + unreadable(&checked), mutants.len());
        crate::common::positions::assert_within_files(&checked);
    }
}

/// Files reported as unreadable (not counted as articles).
fn unreadable(checked: &kbc::commands::check::Checked) -> usize {
    checked.diagnostics.iter().filter(|d| d.code == "KB902").count()
}

/// Keeps a failing batch on disk for inspection and returns its path.
fn keep(kb: Kb) -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("robustness-failure");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(kb.root(), &dir).unwrap();
    std::mem::forget(kb);
    dir.display().to_string()
}
