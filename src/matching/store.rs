//! The match index as bytes: what `kbc build` writes beside rules.json
//! (`match.idx`) and what `kbc match` reads with a few positioned reads
//! instead of loading the bundle (docs/build.md, "The match index").
//! An index built in memory from a bundle is the same bytes, so there is
//! one search path.
//!
//! Layout, little-endian: the magic line, the length of the rules.json it
//! was built from (u64), the article and term counts (u32), the mean
//! article length (f64), then the offsets (u64) of: the term table (sorted
//! by term bytes; per term its text's offset and length (u32), its
//! postings' offset (u64) and count (u32)), the term texts, the postings
//! (per article holding the term, in article order: article (u32), `tf`
//! (f32), fields (u8 bit set, [`model::Field::ALL`] order)), the article lengths
//! (f32), the title token ids (`n + 1` u32 offsets, then u32 term ids), the
//! article records (`n + 1` u64 offsets, then one JSON [`Doc`] each), the
//! error signatures (JSON `[[article, text], …]`), and the end.

use super::bundle::Article;
use super::model;
use super::terms::{self, Document, title};
use anyhow::{Result, bail};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::io::Write;

/// The file's name, beside rules.json.
pub(crate) const FILE: &str = "match.idx";
const MAGIC: &[u8; 12] = b"kbc-match 1\n";
const OFFSETS: usize = 8;
const HEADER: usize = 12 + 8 + 4 + 4 + 8 + 8 * OFFSETS;
const TERM_ENTRY: usize = 20;
const POSTING: usize = 9;

/// What a hit shows and the filters read, per article.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Doc {
    pub article_id: String,
    pub path: String,
    /// pageTitle, else the H1.
    pub title: String,
    pub clouds: Vec<String>,
    pub support_topic_ids: Vec<String>,
}

/// The index of `articles` (in bundle order), built from a rules.json of
/// `bundle_len` bytes.
pub(crate) fn write(out: &mut impl Write, articles: &[Article], bundle_len: u64) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut index = Builder::default();
    for run in articles.chunks(RUN) {
        let run: Vec<_> = run.par_iter().map(|a| (terms::weighted_terms(a), Record::of(a))).collect();
        for ((tf, len), record) in run {
            index.add(tf.iter().map(|(t, &(w, fields))| (t.as_str(), w, fields)), len, record);
        }
    }
    index.write(out, bundle_len)
}

/// [`write`] from the articles' JSON and terms documents
/// ([`terms::document`], made once per article for this index and the site
/// search), in bundle order: article `i`'s come from `json(i)` and
/// `terms(i)`. Articles are parsed a run at a time and dropped once their
/// terms are taken, so the parsed bundle (several times its JSON) is never
/// held whole. The same bytes as [`write`].
pub(crate) fn write_json(
    out: &mut impl Write,
    n: usize,
    json: impl Fn(usize) -> Result<Vec<u8>> + Sync,
    terms: impl Fn(usize) -> Result<Vec<u8>> + Sync,
    bundle_len: u64,
) -> Result<()> {
    use rayon::prelude::*;
    let mut index = Builder::default();
    for start in (0..n).step_by(RUN) {
        let run = (start..n.min(start + RUN)).into_par_iter().map(|i| {
            let article: Article = serde_json::from_slice(&json(i)?)?;
            Ok((terms(i)?, Record::of(&article)))
        });
        let (bytes, records): (Vec<Vec<u8>>, Vec<Record>) = run.collect::<Result<Vec<_>>>()?.into_iter().unzip();
        let docs: Vec<Document<'_>> = bytes.par_iter().map(|doc| Document::parse(doc)).collect();
        for (doc, record) in docs.into_iter().zip(records) {
            index.add(doc.terms.into_iter(), doc.len, record);
        }
    }
    Ok(index.write(out, bundle_len)?)
}

/// Articles taken at a time (in parallel) while the index is built.
const RUN: usize = 512;

/// What the index keeps of one article besides its terms.
struct Record {
    title: Vec<String>,
    doc: Doc,
    signatures: Vec<String>,
}

impl Record {
    fn of(a: &Article) -> Record {
        let doc = Doc {
            article_id: a.article_id.clone(),
            path: a.path.clone(),
            title: title(a).to_string(),
            clouds: a.clouds.clone(),
            support_topic_ids: a.support_topic_ids.clone(),
        };
        let signatures = a
            .problems
            .iter()
            .flat_map(|p| &p.signatures)
            .filter(|s| super::signature::looks_like_error(s))
            .cloned()
            .collect();
        Record { title: model::tokens(title(a)), doc, signatures }
    }
}

/// The index being built, article by article in bundle order.
#[derive(Default)]
struct Builder {
    /// Per term, its postings in article order. Gathered in a hash map and
    /// sorted once when written: a B-tree insert per posting compared
    /// strings log(terms) times each, the most of a build's time for an
    /// article of a million distinct terms (docs/bench/harden.md). Kept in
    /// the order first seen, which for terms documents (sorted) is often
    /// sorted already, and then the sort is one linear pass.
    postings: IndexMap<String, Vec<Posting>, terms::Hasher>,
    lengths: Vec<f32>,
    titles: Vec<Vec<String>>,
    records: Vec<u8>,
    record_ends: Vec<u64>,
    signatures: Vec<(usize, String)>,
}

impl Builder {
    /// The next article: its (term, weighted frequency, fields), its length
    /// in tokens and its record.
    fn add<'t>(&mut self, terms: impl Iterator<Item = (&'t str, f64, u8)>, len: usize, record: Record) {
        let i = self.lengths.len();
        // Room for every term being new: one growth instead of many
        // rehashes of a map that has outgrown the caches.
        self.postings.reserve(terms.size_hint().0);
        for (term, w, mask) in terms {
            let posting = (i as u32, w as f32, mask);
            match self.postings.get_mut(term) {
                Some(list) => list.push(posting),
                None => drop(self.postings.insert(term.to_string(), vec![posting])),
            }
        }
        self.lengths.push(len as f32);
        self.titles.push(record.title);
        serde_json::to_writer(&mut self.records, &record.doc).expect("a Doc serializes");
        self.record_ends.push(self.records.len() as u64);
        self.signatures.extend(record.signatures.into_iter().map(|s| (i, s)));
    }

    /// The file (see the module docs), each section streamed to `out`
    /// after a header giving every section's offset.
    fn write(self, out: &mut impl Write, bundle_len: u64) -> std::io::Result<()> {
        let n = self.lengths.len();
        let mut terms: Vec<(String, Vec<Posting>)> = self.postings.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let id = |t: &str| terms.binary_search_by(|(k, _)| k.as_str().cmp(t)).expect("a title token is a term") as u32;
        let title_ids: Vec<Vec<u32>> = self.titles.iter().map(|l| l.iter().map(|t| id(t)).collect()).collect();
        let signatures = serde_json::to_vec(&self.signatures)?;
        let n_ids: usize = title_ids.iter().map(Vec::len).sum();
        let sizes = [
            TERM_ENTRY * terms.len(),
            terms.iter().map(|(t, _)| t.len()).sum(),
            POSTING * terms.iter().map(|(_, l)| l.len()).sum::<usize>(),
            4 * n,
            4 * (n + 1 + n_ids),
            8 * (n + 1) + self.records.len(),
            signatures.len(),
        ];
        let avg_len = self.lengths.iter().map(|&l| l as f64).sum::<f64>() / n.max(1) as f64;
        out.write_all(MAGIC)?;
        out.write_all(&bundle_len.to_le_bytes())?;
        out.write_all(&(n as u32).to_le_bytes())?;
        out.write_all(&(terms.len() as u32).to_le_bytes())?;
        out.write_all(&avg_len.to_le_bytes())?;
        let mut at = HEADER as u64;
        for size in sizes {
            out.write_all(&at.to_le_bytes())?;
            at += size as u64;
        }
        out.write_all(&at.to_le_bytes())?;
        let (mut text_at, mut post_at) = (0u32, 0u64);
        for (term, list) in &terms {
            out.write_all(&text_at.to_le_bytes())?;
            out.write_all(&(term.len() as u32).to_le_bytes())?;
            out.write_all(&post_at.to_le_bytes())?;
            out.write_all(&(list.len() as u32).to_le_bytes())?;
            text_at += term.len() as u32;
            post_at += (POSTING * list.len()) as u64;
        }
        terms.iter().try_for_each(|(t, _)| out.write_all(t.as_bytes()))?;
        for &(doc, tf, mask) in terms.iter().flat_map(|(_, l)| l) {
            out.write_all(&doc.to_le_bytes())?;
            out.write_all(&tf.to_le_bytes())?;
            out.write_all(&[mask])?;
        }
        self.lengths.iter().try_for_each(|l| out.write_all(&l.to_le_bytes()))?;
        let mut end = 0u32;
        out.write_all(&end.to_le_bytes())?;
        for l in &title_ids {
            end += l.len() as u32;
            out.write_all(&end.to_le_bytes())?;
        }
        title_ids.iter().flatten().try_for_each(|id| out.write_all(&id.to_le_bytes()))?;
        std::iter::once(&0).chain(&self.record_ends).try_for_each(|o| out.write_all(&o.to_le_bytes()))?;
        out.write_all(&self.records)?;
        out.write_all(&signatures)
    }
}

/// Bytes that can be read at an offset: the index file, or the same bytes
/// in memory.
pub(crate) trait ReadAt: Send + Sync {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()>;
}

impl ReadAt for Vec<u8> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let src = start.checked_add(buf.len()).and_then(|end| self.get(start..end));
        let src = src.ok_or_else(|| std::io::Error::from(std::io::ErrorKind::UnexpectedEof))?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

#[cfg(unix)]
impl ReadAt for std::fs::File {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset)
    }
}

#[cfg(not(unix))]
impl ReadAt for std::sync::Mutex<std::fs::File> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = self.lock().unwrap_or_else(|e| e.into_inner());
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

/// An opened index: the small sections read, the large ones (terms,
/// postings, records) left to positioned reads.
pub(crate) struct Store {
    src: Box<dyn ReadAt>,
    pub bundle_len: u64,
    pub n_docs: usize,
    n_terms: usize,
    pub avg_len: f64,
    offsets: [u64; OFFSETS],
    pub lengths: Vec<f32>,
    title_offsets: Vec<u32>,
    title_ids: Vec<u32>,
    pub signatures: Vec<(usize, String)>,
}

/// One posting: article, weighted term frequency, fields (bit set).
pub(crate) type Posting = (u32, f32, u8);

/// A term found in the index: its id and where its postings are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TermRef {
    pub id: u32,
    postings: u64,
    pub df: u32,
}

impl Store {
    pub(crate) fn open(src: Box<dyn ReadAt>) -> Result<Store> {
        let mut head = [0u8; HEADER];
        src.read_at(0, &mut head)?;
        if &head[..12] != MAGIC {
            bail!("not a kbc match index of this version");
        }
        let u64_at = |i: usize| u64::from_le_bytes(head[i..i + 8].try_into().expect("8 bytes"));
        let u32_at = |i: usize| u32::from_le_bytes(head[i..i + 4].try_into().expect("4 bytes")) as usize;
        let offsets: [u64; OFFSETS] = std::array::from_fn(|k| u64_at(36 + 8 * k));
        let (n_docs, n_terms) = (u32_at(20), u32_at(24));
        let mut store = Store {
            src,
            bundle_len: u64_at(12),
            n_docs,
            n_terms,
            avg_len: f64::from_le_bytes(head[28..36].try_into().expect("8 bytes")),
            offsets,
            lengths: Vec::new(),
            title_offsets: Vec::new(),
            title_ids: Vec::new(),
            signatures: Vec::new(),
        };
        store.lengths = store.section(3)?.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect();
        let titles: Vec<u32> =
            store.section(4)?.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect();
        if store.lengths.len() != n_docs || titles.len() <= n_docs {
            bail!("the match index is damaged");
        }
        store.title_ids = titles[n_docs + 1..].to_vec();
        store.title_offsets = titles[..=n_docs].to_vec();
        store.signatures = serde_json::from_slice(&store.section(6)?)?;
        Ok(store)
    }

    fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0; len];
        self.src.read_at(offset, &mut buf)?;
        Ok(buf)
    }

    fn section(&self, k: usize) -> Result<Vec<u8>> {
        let (start, end) = (self.offsets[k], self.offsets[k + 1]);
        if end < start {
            bail!("the match index is damaged");
        }
        self.read(start, (end - start) as usize)
    }

    /// The term, by binary search over the sorted term table.
    pub(crate) fn lookup(&self, term: &str) -> Result<Option<TermRef>> {
        let (mut lo, mut hi) = (0usize, self.n_terms);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let e = self.read(self.offsets[0] + (mid * TERM_ENTRY) as u64, TERM_ENTRY)?;
            let field = |i: usize| u32::from_le_bytes(e[i..i + 4].try_into().unwrap());
            let text = self.read(self.offsets[1] + field(0) as u64, field(4) as usize)?;
            match text.as_slice().cmp(term.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let postings = u64::from_le_bytes(e[8..16].try_into().unwrap());
                    return Ok(Some(TermRef { id: mid as u32, postings, df: field(16) }));
                }
            }
        }
        Ok(None)
    }

    /// A term's postings: (article, tf, fields).
    pub(crate) fn postings(&self, t: TermRef) -> Result<Vec<Posting>> {
        let bytes = self.read(self.offsets[2] + t.postings, t.df as usize * POSTING)?;
        Ok(bytes
            .chunks_exact(POSTING)
            .map(|c| {
                let doc = u32::from_le_bytes(c[0..4].try_into().unwrap());
                (doc, f32::from_le_bytes(c[4..8].try_into().unwrap()), c[8])
            })
            .filter(|p| (p.0 as usize) < self.n_docs)
            .collect())
    }

    /// The title token ids of an article.
    pub(crate) fn title(&self, doc: usize) -> &[u32] {
        let (a, b) = (self.title_offsets[doc] as usize, self.title_offsets[doc + 1] as usize);
        self.title_ids.get(a..b).unwrap_or(&[])
    }

    /// An article's record.
    pub(crate) fn doc(&self, doc: usize) -> Result<Doc> {
        let at = self.offsets[5] + 8 * doc as u64;
        let o = self.read(at, 16)?;
        let (a, b) = (u64::from_le_bytes(o[..8].try_into().unwrap()), u64::from_le_bytes(o[8..].try_into().unwrap()));
        let base = self.offsets[5] + 8 * (self.n_docs as u64 + 1);
        let len = b.checked_sub(a).filter(|&l| l < 1 << 24);
        let Some(len) = len else { bail!("the match index is damaged") };
        Ok(serde_json::from_slice(&self.read(base + a, len as usize)?)?)
    }
}
