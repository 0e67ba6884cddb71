//! The site's search index, sharded so that a query loads kilobytes rather
//! than the whole index. Ranking is `kbc match`'s model (`matching::model`,
//! docs/build.md "Ranking model"): each article's weighted term frequencies
//! come from the same fields, weights and tokenizer; each (term, article)
//! pair stores its BM25 weight without the idf, and `assets/search.js` adds
//! the idf of each query term from its number of articles.
//!
//! Files (scripts, since `<script>` injection works from `file://`, where
//! `fetch` does not), under a site's `search/`:
//! - `index.js`, one per site: the manifest (article count, shard count,
//!   chunk size, labels, and for a cloud site which articles it has);
//! - `t/<h>.js`: the postings of every term whose FNV-1a hash modulo the
//!   shard count is `h`;
//! - `d/<k>.js`: the result fragments of articles `k * CHUNK ..`;
//! - `f.js`: each article's service, type and support topics, loaded only
//!   when a reader filters.
//!
//! Articles are numbered in path order (neighbours share a folder, so the
//! results of a query tend to share chunks). Everything but the manifest is
//! the same for every site of a build, so cloud sites hard-link it.

use super::view::BundleArticle;
use crate::matching;
use crate::matching::bundle::Article as Indexed;
use crate::matching::model;
use crate::matching::terms::{self, Document};
use anyhow::Result;
use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Articles per result-fragment file.
pub(crate) const CHUNK: usize = 16;
/// The shard count is the power of two that keeps shards about this size.
const SHARD_BYTES: usize = 8 * 1024;
/// A stored term weight is `round(weight * SCALE)`, at most [`MAX_Q`]
/// (BM25's term weight without idf is below k1 + 1 = 2.2).
const SCALE: f64 = 300.0;
const MAX_Q: u32 = 26 * 26 - 1;
/// Longest description shown in a result (cut at a character boundary).
const DESCRIPTION_MAX: usize = 240;
/// The layout version `assets/search.js` expects.
const VERSION: u32 = 1;

/// One article's search document: its terms document
/// ([`matching::terms::document`]: its length, its title's tokens, each
/// distinct term (words and word pairs) with its weighted frequency and
/// fields), made once per article from its bundle entry (`entry_json`) and
/// kept in the build's memo. `match.idx` is built from the same documents.
pub(crate) fn doc_terms(entry_json: &[u8]) -> Result<Vec<u8>> {
    let a: Indexed = serde_json::from_slice(entry_json)?;
    Ok(matching::terms::document(&a))
}

/// [`doc_terms`] of an article not yet serialized.
pub(crate) fn doc_terms_of(a: &BundleArticle) -> Result<Vec<u8>> {
    doc_terms(&serde_json::to_vec(a)?)
}

/// What the index shows of one article, in path order.
pub(crate) struct Doc<'a> {
    /// [`doc_terms`].
    pub terms: &'a [u8],
    pub title: &'a str,
    /// Relative to the site root.
    pub url: &'a str,
    pub description: &'a str,
    /// The group the article is listed under (its service, else its folder).
    pub group: &'a str,
    pub self_help_type: Option<&'a str>,
    pub topics: &'a [String],
    pub clouds: &'a [String],
    /// Position in the bundle (`kbc match`'s order for equal scores).
    pub rank: usize,
}

/// The files every site shares (`search/...`, relative: their names, the
/// bytes went to the caller as each was made), and the numbers a manifest
/// repeats.
pub(crate) struct Shared {
    pub files: Vec<String>,
    docs: usize,
    shards: usize,
}

/// Takes each shared file (its name relative to `search/`, its bytes) as it
/// is made, so that the index (megabytes) is never held whole.
pub(crate) type Emit<'e> = dyn Fn(&str, &[u8]) -> Result<()> + Sync + 'e;

/// Documents parsed at a time (in parallel): the postings are built from
/// each run, so that the parsed documents of the whole corpus (tens of
/// megabytes) are never held at once.
const PARSE_RUN: usize = 512;

/// The shards, result fragments and facets of `docs`, each handed to `emit`.
pub(crate) fn shared(docs: &[Doc<'_>], emit: &Emit<'_>) -> Result<Shared> {
    let avg = docs.iter().map(|d| terms::document_len(d.terms) as f64).sum::<f64>() / docs.len().max(1) as f64;
    // Per term: its postings, and the last article added (for the gaps).
    // A hash map, not a B-tree (an insert per posting compared strings
    // log(terms) times: docs/bench/harden.md): each shard's terms are
    // sorted below. Kept in the order first seen, which the documents'
    // sorted terms often make sorted already, and then so is each shard.
    let mut postings: IndexMap<&str, (String, usize), terms::Hasher> = IndexMap::default();
    // Titles of two tokens or more, by first token: the rest, and its
    // articles (with the last one added, for the gaps).
    let mut titles: BTreeMap<&str, BTreeMap<String, (String, usize)>> = BTreeMap::new();
    for (run, chunk) in docs.chunks(PARSE_RUN).enumerate() {
        let parsed: Vec<Document<'_>> = chunk.par_iter().map(|d| Document::parse(d.terms)).collect();
        for (k, doc) in parsed.iter().enumerate() {
            let i = run * PARSE_RUN + k;
            let len = doc.len as f64;
            // Room for every term being new: one growth, not many rehashes.
            postings.reserve(doc.terms.len());
            for &(t, tf, _) in &doc.terms {
                let q = ((model::term_score(1.0, tf, len, avg) * SCALE).round() as u32).clamp(1, MAX_Q);
                let (list, prev) = postings.entry(t).or_default();
                push_posting(list, i - *prev, q);
                *prev = i;
            }
            if let [first, rest @ ..] = doc.title.as_slice()
                && !rest.is_empty()
            {
                let (list, prev) = titles.entry(first).or_default().entry(rest.join(" ")).or_default();
                push_gap(list, i - *prev);
                list.push('.');
                *prev = i;
            }
        }
    }
    let total: usize = postings.iter().map(|(t, (p, _))| t.len() + p.len() + 6).sum();
    let shards = (total / SHARD_BYTES).max(1).next_power_of_two();
    let mut by_shard: Vec<Vec<(Cow<'_, str>, Keyed)>> = (0..shards).map(|_| Vec::new()).collect();
    for (t, (p, _)) in postings {
        by_shard[shard_of(t, shards)].push((Cow::Borrowed(t), Keyed::Postings(p)));
    }
    for (first, rests) in titles {
        let entries: Vec<(String, String)> = rests.into_iter().map(|(rest, (list, _))| (rest, list)).collect();
        by_shard[shard_of(first, shards)].push((Cow::Owned(format!("^{first}")), Keyed::Titles(entries)));
    }
    let mut files = Vec::new();
    let mut put = |name: String, bytes: Vec<u8>| -> Result<()> {
        emit(&name, &bytes)?;
        files.push(name);
        Ok(())
    };
    for (h, mut terms) in by_shard.into_iter().enumerate() {
        // Stable: a title key equal to a term (`^x`) comes after it, and wins.
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        put(format!("t/{h:x}.js"), script("t", h, &ShardMap(&terms))?)?;
    }
    for (k, chunk) in docs.chunks(CHUNK).enumerate() {
        let fragments: Vec<Fragment<'_>> = chunk.iter().map(fragment).collect();
        put(format!("d/{k:x}.js"), script("d", k, &fragments)?)?;
    }
    put("f.js".to_string(), script("f", 0, &facets(docs))?)?;
    Ok(Shared { files, docs: docs.len(), shards })
}

/// What a shard maps a key to: a term's postings, or (key `^first`) the
/// titles starting with that token.
#[derive(Serialize)]
#[serde(untagged)]
enum Keyed {
    Postings(String),
    Titles(Vec<(String, String)>),
}

/// A shard's entries, sorted by key, as a JSON object (the last of equal keys wins).
struct ShardMap<'a, 'k>(&'a [(Cow<'k, str>, Keyed)]);

impl Serialize for ShardMap<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entries = self.0;
        let last = |i: usize| entries.get(i + 1).is_none_or(|next| next.0 != entries[i].0);
        s.collect_map((0..entries.len()).filter(|&i| last(i)).map(|i| (&entries[i].0, &entries[i].1)))
    }
}

/// `kbcSearch(kind, id, data);`: how every search file hands its data to
/// `assets/search.js`.
fn script(kind: &str, id: usize, data: &impl Serialize) -> Result<Vec<u8>> {
    let mut out = format!("kbcSearch(\"{kind}\",{id},").into_bytes();
    serde_json::to_writer(&mut out, data)?;
    out.extend_from_slice(b");\n");
    Ok(out)
}

/// Appends one posting: the gap to the previous article's number in base 36
/// (`0-9a-z`), then the weight as two letters `A-Z` (which end the gap).
fn push_posting(out: &mut String, gap: usize, q: u32) {
    push_gap(out, gap);
    out.push((b'A' + (q / 26) as u8) as char);
    out.push((b'A' + (q % 26) as u8) as char);
}

/// A gap between article numbers in base 36 (`0-9a-z`). A title's articles
/// are gaps each ended by `.`.
fn push_gap(out: &mut String, gap: usize) {
    let mut digits = Vec::new();
    let mut g = gap;
    loop {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[g % 36]);
        g /= 36;
        if g == 0 {
            break;
        }
    }
    out.extend(digits.iter().rev().map(|&b| b as char));
}

/// FNV-1a (32 bits) of the term's UTF-8 bytes, modulo `shards` (a power of two).
pub(crate) fn shard_of(term: &str, shards: usize) -> usize {
    let h = term.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    h as usize & (shards - 1)
}

/// `[title, url, description, group, type, topics, clouds, rank]`.
#[derive(Serialize)]
struct Fragment<'a>(&'a str, &'a str, &'a str, &'a str, &'a str, &'a [String], &'a [String], usize);

fn fragment<'a>(d: &Doc<'a>) -> Fragment<'a> {
    let description = &d.description[..crate::source::floor_char_boundary(d.description, DESCRIPTION_MAX)];
    Fragment(d.title, d.url, description, d.group, d.self_help_type.unwrap_or(""), d.topics, d.clouds, d.rank)
}

/// Each article's group, type and topics as numbers into name tables.
#[derive(Serialize)]
struct Facets<'a> {
    groups: Vec<&'a str>,
    types: Vec<&'a str>,
    topics: Vec<&'a str>,
    /// `[group, type, [topic...]]` per article.
    docs: Vec<(usize, usize, Vec<usize>)>,
}

fn facets<'a>(docs: &[Doc<'a>]) -> Facets<'a> {
    let table = |names: Vec<&'a str>| -> (Vec<&'a str>, BTreeMap<&'a str, usize>) {
        let mut names = names;
        names.sort_unstable();
        names.dedup();
        let index = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        (names, index)
    };
    let (groups, gi) = table(docs.iter().map(|d| d.group).collect());
    let (types, ti) = table(docs.iter().map(|d| d.self_help_type.unwrap_or("")).collect());
    let (topics, pi) = table(docs.iter().flat_map(|d| d.topics.iter().map(String::as_str)).collect());
    let docs = docs
        .iter()
        .map(|d| (gi[d.group], ti[d.self_help_type.unwrap_or("")], d.topics.iter().map(|t| pi[t.as_str()]).collect()))
        .collect();
    Facets { groups, types, topics, docs }
}

/// A site's `search/index.js`.
#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    /// Articles in the index (all sites share one index).
    n: usize,
    shards: usize,
    chunk: usize,
    scale: f64,
    /// `model::MIN_RELATIVE_SCORE`.
    cut: f64,
    /// `model::TITLE_BOOST`.
    title_boost: f64,
    cloud: Option<&'a str>,
    /// For a cloud site, a bitmap (base64, bit `i % 8` of byte `i / 8`) of
    /// the articles it publishes; `null` when it has them all.
    members: Option<String>,
    labels: Labels,
}

/// Readable names of self-help types and clouds.
#[derive(Serialize)]
struct Labels {
    types: BTreeMap<&'static str, &'static str>,
    clouds: BTreeMap<&'static str, &'static str>,
}

/// A site's manifest: `members` are the articles (numbers into the shared
/// index) a cloud site has, `None` for the main site.
pub(crate) fn manifest(shared: &Shared, cloud: Option<&str>, members: Option<&[usize]>) -> Result<Vec<u8>> {
    let members = members.filter(|m| m.len() < shared.docs).map(|m| {
        let mut bits = vec![0u8; shared.docs.div_ceil(8)];
        for &i in m {
            bits[i / 8] |= 1 << (i % 8);
        }
        base64(&bits)
    });
    let labels = Labels {
        types: crate::vocab::SELF_HELP_TYPES.iter().map(|t| (*t, super::view::type_label(t))).collect(),
        clouds: crate::article::vocab::Cloud::ALL
            .iter()
            .map(|c| (c.as_str(), super::view::cloud_label(c.as_str())))
            .collect(),
    };
    let m = Manifest {
        v: VERSION,
        n: shared.docs,
        shards: shared.shards,
        chunk: CHUNK,
        scale: SCALE,
        cut: model::MIN_RELATIVE_SCORE,
        title_boost: model::TITLE_BOOST,
        cloud,
        members,
        labels,
    };
    script("m", 0, &m)
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            out.push(if k <= c.len() { A[(n >> (18 - 6 * k)) as usize & 63] as char } else { '=' });
        }
    }
    out
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
    fn documents_hold_weighted_terms_of_the_match_model() {
        let a = article("Disk full", "# Disk full\n\n## Steps\n\nFree the disks.\n");
        let doc = String::from_utf8(doc_terms_of(&a).unwrap()).unwrap();
        // Title and H1 "Disk full" (3.0 per token), section headings "Disk
        // full" and "Steps" (1.5), text "Free the disks" (1.0; "the" is a
        // stop word, "disks" folds to "disk"): 9 tokens.
        // Word pairs count too ("disk full" in the title, the H1 and its
        // section heading; "full disk" across the title's line break). The
        // last column is the fields' bit set (title 1, headings 4, text 8).
        assert_eq!(
            doc,
            "9\n^disk full\ndisk\t8.5\t13\ndisk full\t7.5\t5\nfree\t1\t8\nfree disk\t1\t8\nfull\t7.5\t5\n\
             full disk\t3\t1\nfull step\t1.5\t4\nstep\t1.5\t4\n"
        );
    }

    #[test]
    fn postings_are_gaps_and_two_letter_weights() {
        let mut s = String::new();
        push_posting(&mut s, 0, 1);
        push_posting(&mut s, 37, 675);
        assert_eq!(s, "0AB11ZZ");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        // The shard function is the one search.js ports.
        assert_eq!(shard_of("", 1 << 20), 0x811c_9dc5 & 0xfffff);
    }

    #[test]
    fn shares_files_and_names_the_members_of_a_cloud_site() {
        let terms = [b"2\n^alpha beta\nalpha\t3\nbeta\t1\n".as_slice(), b"1\n^alpha\nalpha\t1\n".as_slice()];
        let none: Vec<String> = Vec::new();
        let docs: Vec<Doc<'_>> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| Doc {
                terms: t,
                title: "T",
                url: "articles/a.html",
                description: "d",
                group: "g",
                self_help_type: None,
                topics: &none,
                clouds: &none,
                rank: 1 - i,
            })
            .collect();
        let files = std::sync::Mutex::new(Vec::new());
        let shared = shared(&docs, &|name, bytes| {
            files.lock().unwrap().push((name.to_string(), bytes.to_vec()));
            Ok(())
        })
        .unwrap();
        let files = files.into_inner().unwrap();
        assert_eq!(shared.files, ["t/0.js", "d/0.js", "f.js"]);
        assert_eq!(files.iter().map(|f| &f.0).collect::<Vec<_>>(), ["t/0.js", "d/0.js", "f.js"]);
        let shard = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(shard.starts_with("kbcSearch(\"t\",0,{\"^alpha\":[[\"beta\",\"0.\"]],\"alpha\":\"0"), "{shard}");
        assert!(shard.contains("\"beta\":\"0"), "{shard}");
        let m = String::from_utf8(manifest(&shared, Some("fairfax"), Some(&[1])).unwrap()).unwrap();
        assert!(m.contains("\"n\":2,\"shards\":1,\"chunk\":16") && m.contains("\"members\":\"Ag==\""), "{m}");
        assert!(m.contains("\"tsg_content\":\"Troubleshooting guide\""), "{m}");
        let all = String::from_utf8(manifest(&shared, None, None).unwrap()).unwrap();
        assert!(all.contains("\"members\":null"), "{all}");
    }
}
