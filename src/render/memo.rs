//! What rendering each article produced besides its pages (its index entry,
//! bundle entry, search document and per-cloud bundle entries), kept in OUT
//! for the next build. An incremental build takes an unchanged article's
//! products from here instead of parsing its Markdown again.
//!
//! A folder of shards, each a flat binary file holding a run of consecutive
//! articles (in page order): the format's magic line, then per article its
//! URL, page key, entry fields and byte strings, each length-prefixed. A
//! shard none of whose articles changed is not written again, and the
//! shards are read in parallel; anything malformed reads as no memo.

use super::Rendered;
use super::bundle::Entry;
use super::spool::{Blob, Spool};
use crate::article::vocab::Cloud;
use std::io::{Read, Write};

/// The memo folder, relative to OUT.
pub(crate) const MEMO_DIR: &str = ".kbc-memo";

/// How many shards the articles are spread over (fewer for fewer articles).
const SHARDS: usize = 64;

/// The memo's shards of `n` articles: each one's file, relative to OUT, and
/// the range of articles (in page order) it holds.
pub(crate) fn shards(n: usize) -> Vec<(String, std::ops::Range<usize>)> {
    let count = SHARDS.min(n).max(1);
    (0..count).map(|k| (format!("{MEMO_DIR}/{k:02}.bin"), k * n / count..(k + 1) * n / count)).collect()
}

const MAGIC: &[u8] = b"kbc-memo 1\n";

/// Writes the products of `rendered` (in page URL order, `urls`), their
/// serialized parts read back from `spool`.
pub(crate) fn write(
    out: &mut impl Write,
    urls: &[String],
    rendered: &[Rendered],
    spool: &Spool,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut blob = |out: &mut dyn Write, b: Blob| -> std::io::Result<()> {
        spool.read_into(b, &mut buf)?;
        bytes(out, &buf)
    };
    out.write_all(MAGIC)?;
    out.write_all(&(rendered.len() as u64).to_le_bytes())?;
    for (url, r) in urls.iter().zip(rendered) {
        let e = &r.entry;
        for s in [url, &r.page_key, &e.article_id, &e.path, &e.title, &e.description, &e.service] {
            bytes(out, s.as_bytes())?;
        }
        option(out, e.self_help_type.as_deref().map(str::as_bytes))?;
        for list in [&e.clouds, &e.support_topic_ids, &e.product_pes_ids] {
            out.write_all(&(list.len() as u64).to_le_bytes())?;
            for s in list {
                bytes(out, s.as_bytes())?;
            }
        }
        blob(out, r.json)?;
        blob(out, r.search)?;
        out.write_all(&(r.variants.len() as u64).to_le_bytes())?;
        for (cloud, json) in &r.variants {
            bytes(out, cloud.as_str().as_bytes())?;
            match json {
                None => out.write_all(&[0])?,
                Some(b) => {
                    out.write_all(&[1])?;
                    blob(out, *b)?;
                }
            }
        }
    }
    Ok(())
}

fn bytes(out: &mut (impl Write + ?Sized), b: &[u8]) -> std::io::Result<()> {
    out.write_all(&(b.len() as u64).to_le_bytes())?;
    out.write_all(b)
}

fn option(out: &mut impl Write, b: Option<&[u8]>) -> std::io::Result<()> {
    match b {
        None => out.write_all(&[0]),
        Some(b) => {
            out.write_all(&[1])?;
            bytes(out, b)
        }
    }
}

/// One article's products as read back, with the URL and key they are for.
pub(crate) struct Memo {
    pub(crate) url: String,
    pub(crate) rendered: Rendered,
}

/// The memo `input` holds, in the order written; `None` if it is not one.
/// Streamed, its serialized products going into `spool`, so that neither
/// the file nor the products are held in memory.
pub(crate) fn read(input: impl Read, spool: &Spool) -> Option<Vec<Memo>> {
    let mut r = Reader { input: std::io::BufReader::with_capacity(1 << 16, input), spool, buf: Vec::new() };
    let mut magic = [0; MAGIC.len()];
    r.input.read_exact(&mut magic).ok()?;
    if magic != MAGIC {
        return None;
    }
    let n = r.len()?;
    let mut memos = Vec::new();
    for _ in 0..n {
        memos.push(r.memo()?);
    }
    let at_end = r.input.read(&mut [0]).ok()? == 0;
    at_end.then_some(memos)
}

struct Reader<'s, R> {
    input: std::io::BufReader<R>,
    spool: &'s Spool,
    /// Reused for each product on its way to the spool.
    buf: Vec<u8>,
}

impl<R: Read> Reader<'_, R> {
    fn memo(&mut self) -> Option<Memo> {
        let url = self.string()?;
        let page_key = self.string()?;
        let entry = Entry {
            article_id: self.string()?,
            path: self.string()?,
            title: self.string()?,
            description: self.string()?,
            service: self.string()?,
            self_help_type: self.option()?.map(String::from_utf8).transpose().ok()?,
            clouds: self.strings()?,
            support_topic_ids: self.strings()?,
            product_pes_ids: self.strings()?,
        };
        let (json, search) = (self.spooled()?, self.spooled()?);
        let variants = (0..self.len()?)
            .map(|_| Some((Cloud::parse(&self.string()?)?, self.spooled_option()?)))
            .collect::<Option<Vec<_>>>()?;
        let rendered = Rendered { entry, json, search, variants, page_key };
        Some(Memo { url, rendered })
    }

    fn len(&mut self) -> Option<usize> {
        let mut n = [0; 8];
        self.input.read_exact(&mut n).ok()?;
        usize::try_from(u64::from_le_bytes(n)).ok()
    }

    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.len()?;
        // Exact capacity (these are most of a build's memory), bounded for a
        // damaged length, which `take` bounds by what the file really holds.
        let mut b = Vec::with_capacity(n.min(1 << 24));
        (&mut self.input).take(n as u64).read_to_end(&mut b).ok()?;
        (b.len() == n).then_some(b)
    }

    /// A byte string, put into the spool.
    fn spooled(&mut self) -> Option<Blob> {
        let n = self.len()?;
        self.buf.clear();
        (&mut self.input).take(n as u64).read_to_end(&mut self.buf).ok()?;
        (self.buf.len() == n).then_some(())?;
        self.spool.put(&self.buf).ok()
    }

    fn spooled_option(&mut self) -> Option<Option<Blob>> {
        self.tagged(Self::spooled)
    }

    /// An optional value: a tag byte (0 none, 1 some), then `read`'s value.
    fn tagged<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        let mut tag = [0];
        self.input.read_exact(&mut tag).ok()?;
        match tag[0] {
            0 => Some(None),
            1 => Some(Some(read(self)?)),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?).ok()
    }

    fn strings(&mut self) -> Option<Vec<String>> {
        (0..self.len()?).map(|_| self.string()).collect()
    }

    fn option(&mut self) -> Option<Option<Vec<u8>>> {
        self.tagged(Self::bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(spool: &Spool) -> Rendered {
        let entry = Entry {
            article_id: "id-1".into(),
            path: "articles/a.md".into(),
            title: "Title".into(),
            description: "Desc".into(),
            service: "microsoft.storage".into(),
            self_help_type: Some("generic".into()),
            clouds: vec!["public".into(), "fairfax".into()],
            support_topic_ids: vec!["1".into()],
            product_pes_ids: Vec::new(),
        };
        let put = |b: &[u8]| spool.put(b).unwrap();
        let variants = vec![(Cloud::Fairfax, Some(put(b"{\"v\":1}"))), (Cloud::Mooncake, None)];
        Rendered { entry, json: put(b"{}"), search: put(b"[1]"), variants, page_key: "k".into() }
    }

    #[test]
    fn shards_cover_every_article_once_in_order() {
        for n in [0, 1, 5, 63, 64, 65, 10_823] {
            let ranges: Vec<_> = shards(n).into_iter().map(|(_, r)| r).collect();
            assert_eq!(ranges.first().map(|r| r.start), Some(0));
            assert_eq!(ranges.last().map(|r| r.end), Some(n));
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start), "{n}");
            assert!(ranges.len() <= SHARDS);
        }
        assert_eq!(shards(3)[1].0, ".kbc-memo/01.bin");
    }

    #[test]
    fn products_come_back_as_written_and_damage_reads_as_none() {
        let spool = Spool::new(tempfile::tempfile().unwrap());
        let mut out = Vec::new();
        let s = sample(&spool);
        write(&mut out, &["articles/a.html".to_string()], std::slice::from_ref(&s), &spool).unwrap();
        let memos = read(out.as_slice(), &spool).unwrap();
        let m = &memos[0];
        let get = |b| spool.get(b).unwrap();
        assert_eq!(m.url, "articles/a.html");
        assert_eq!(m.rendered.page_key, s.page_key);
        assert_eq!((get(m.rendered.json), get(m.rendered.search)), (get(s.json), get(s.search)));
        let variants = |r: &Rendered| r.variants.iter().map(|(c, b)| (*c, b.map(get))).collect::<Vec<_>>();
        assert_eq!(variants(&m.rendered), variants(&s));
        assert_eq!(format!("{:?}", m.rendered.entry), format!("{:?}", s.entry));
        assert!(read(&out[..out.len() - 1], &spool).is_none(), "a truncated memo");
        assert!(read(&b"something else"[..], &spool).is_none());
        let mut longer = out.clone();
        longer.push(0);
        assert!(read(longer.as_slice(), &spool).is_none(), "trailing bytes");
    }
}
