//! Each article's serialized products (bundle entry, search document,
//! rewritten cloud entries), kept in a scratch file of the staging folder
//! from the pages step until the bundles, search index and memo are
//! written, rather than in memory: on the corpus they are about 50 MB,
//! which would otherwise be held through every later step.
//!
//! Writers reserve their place with an atomic counter and write there
//! (`pwrite`), so the pages step's threads never wait on each other; the
//! file has no name (it goes when closed, also when the build is killed).

use std::fs::File;
use std::io::Result;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where one product is in the spool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Blob {
    at: u64,
    len: u32,
}

impl Blob {
    pub(crate) fn len(self) -> usize {
        self.len as usize
    }
}

pub(crate) struct Spool {
    file: File,
    end: AtomicU64,
    #[cfg(not(unix))]
    lock: std::sync::Mutex<()>,
}

impl Spool {
    /// A spool in `file`, an empty scratch file (see `Staging::scratch`).
    pub(crate) fn new(file: File) -> Spool {
        #[cfg(not(unix))]
        return Spool { file, end: AtomicU64::new(0), lock: std::sync::Mutex::new(()) };
        #[cfg(unix)]
        Spool { file, end: AtomicU64::new(0) }
    }

    /// Stores `bytes`; from any thread.
    pub(crate) fn put(&self, bytes: &[u8]) -> Result<Blob> {
        let len = u32::try_from(bytes.len()).map_err(|_| std::io::Error::other("a product over 4 GiB"))?;
        let at = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        self.write_at(bytes, at)?;
        Ok(Blob { at, len })
    }

    /// The bytes of `blob`.
    pub(crate) fn get(&self, blob: Blob) -> Result<Vec<u8>> {
        let mut buf = Vec::new();
        self.read_into(blob, &mut buf)?;
        Ok(buf)
    }

    /// The bytes of `blob`, into `buf` (replacing what it held), so that a
    /// loop over many products reuses one buffer.
    pub(crate) fn read_into(&self, blob: Blob, buf: &mut Vec<u8>) -> Result<()> {
        buf.clear();
        buf.resize(blob.len(), 0);
        self.read_at(buf, blob.at)
    }

    #[cfg(unix)]
    fn write_at(&self, bytes: &[u8], at: u64) -> Result<()> {
        std::os::unix::fs::FileExt::write_all_at(&self.file, bytes, at)
    }

    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], at: u64) -> Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, at)
    }

    #[cfg(not(unix))]
    fn write_at(&self, bytes: &[u8], at: u64) -> Result<()> {
        use std::io::{Seek, SeekFrom, Write};
        let _held = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        (&self.file).seek(SeekFrom::Start(at))?;
        (&self.file).write_all(bytes)
    }

    #[cfg(not(unix))]
    fn read_at(&self, buf: &mut [u8], at: u64) -> Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let _held = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        (&self.file).seek(SeekFrom::Start(at))?;
        (&self.file).read_exact(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_what_each_thread_put() {
        let spool = Spool::new(tempfile::tempfile().unwrap());
        let blobs: Vec<(Vec<u8>, Blob)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8u8)
                .map(|t| {
                    let spool = &spool;
                    s.spawn(move || {
                        (0..50u8)
                            .map(|k| vec![t ^ k; usize::from(k) * 7])
                            .map(|b| (b.clone(), spool.put(&b).unwrap()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        let mut buf = Vec::new();
        for (bytes, blob) in &blobs {
            spool.read_into(*blob, &mut buf).unwrap();
            assert_eq!(&buf, bytes);
        }
        assert_eq!(spool.get(blobs[3].1).unwrap(), blobs[3].0);
    }
}
