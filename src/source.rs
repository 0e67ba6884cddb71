//! Source text: decoding article bytes (BOM, UTF-8, UTF-16, NUL) and mapping byte
//! offsets to line and column. This is the only module that knows about lines.

use std::ops::Range;
use std::sync::OnceLock;

/// A byte range into a [`SourceFile`]'s text.
pub type Span = Range<usize>;

/// One article's text after decoding. Spans everywhere refer to `text`, which has
/// the UTF-8 byte-order mark removed but is otherwise the file's exact bytes
/// (CRLF is kept so that `--fix` can write the file back unchanged).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the knowledge-base root, with forward slashes.
    pub rel_path: String,
    pub text: String,
    /// The file started with a UTF-8 byte-order mark.
    pub bom: bool,
    /// Built on first use: only files with findings need lines, and building
    /// the index for every file cost a tenth of `kbc check`.
    line_index: OnceLock<LineIndex>,
    /// The text's BLAKE3 hash, made once: the build's input key and each
    /// page's key both need it.
    hash: OnceLock<blake3::Hash>,
}

/// Why a file's bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not valid UTF-8; `offset` is the first bad byte, `line`/`column` where it is.
    InvalidUtf8 { offset: usize, line: usize, column: usize },
    /// A UTF-16 byte-order mark: the file was saved in another encoding.
    Utf16,
    /// A NUL byte: binary content or a broken editor save.
    Nul { offset: usize, line: usize, column: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::InvalidUtf8 { line, column, .. } => {
                write!(f, "file is not valid UTF-8 (first invalid byte at {line}:{column})")
            }
            DecodeError::Utf16 => write!(f, "file is encoded as UTF-16, expected UTF-8"),
            DecodeError::Nul { line, column, .. } => {
                write!(f, "file contains a NUL byte at {line}:{column}")
            }
        }
    }
}

impl SourceFile {
    /// Decodes raw bytes. Never panics; bad encodings become a [`DecodeError`].
    pub fn decode(rel_path: String, bytes: Vec<u8>) -> Result<SourceFile, DecodeError> {
        SourceFile::decode_keeping(rel_path, bytes).map_err(|(e, _)| e)
    }

    /// Like [`SourceFile::decode`], but a failure hands back the bytes (BOM
    /// removed, as the error's offset assumes), so no caller reads the file again
    /// to show where the problem is.
    pub fn decode_keeping(rel_path: String, bytes: Vec<u8>) -> Result<SourceFile, (DecodeError, Vec<u8>)> {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err((DecodeError::Utf16, bytes));
        }
        let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
        let mut bytes = bytes;
        if bom {
            bytes.drain(..3);
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let (line, column) = line_col_lossy(&bytes, offset);
                return Err((DecodeError::InvalidUtf8 { offset, line, column }, bytes));
            }
        };
        if let Some(offset) = memchr_nul(text.as_bytes()) {
            let (line, column) = line_col_lossy(text.as_bytes(), offset);
            return Err((DecodeError::Nul { offset, line, column }, text.into_bytes()));
        }
        Ok(SourceFile::new(rel_path, text, bom))
    }

    /// A display-only copy of bytes that failed to decode: invalid sequences
    /// become U+FFFD and NUL a space. Offsets up to the first bad byte (where a
    /// decoding error points) are unchanged.
    pub fn lossy(rel_path: String, bytes: &[u8]) -> SourceFile {
        SourceFile::new(rel_path, String::from_utf8_lossy(bytes).replace('\0', " "), false)
    }

    pub fn new(rel_path: String, text: String, bom: bool) -> SourceFile {
        SourceFile { rel_path, text, bom, line_index: OnceLock::new(), hash: OnceLock::new() }
    }

    /// The BLAKE3 hash of the text, computed once on first call.
    pub fn hash(&self) -> &blake3::Hash {
        self.hash.get_or_init(|| blake3::hash(self.text.as_bytes()))
    }

    /// Line starts of the text, computed once on first call.
    pub fn lines(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

fn line_col_lossy(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// Byte offsets of line starts, for offset to line:column conversion.
///
/// Columns count characters, and a line may be megabytes long (minified
/// HTML, a pasted log): counting from the line start for every finding made
/// a long line with many findings quadratic. `chars_at` keeps the number of
/// characters before every `CHECKPOINT`-th byte, so a column costs at most
/// `CHECKPOINT` bytes of counting.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    chars_at: Vec<usize>,
}

const CHECKPOINT: usize = 1024;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut chars_at = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let mut chars = 0;
        for block in text.as_bytes().chunks(CHECKPOINT) {
            chars_at.push(chars);
            chars += count_chars(block);
        }
        // The end, so an offset at a multiple of CHECKPOINT has its entry.
        chars_at.push(chars);
        LineIndex { starts, chars_at }
    }

    /// 1-based line and 1-based column counted in characters. Offsets past the end
    /// or inside a character are clamped.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = if offset - start <= CHECKPOINT {
            count_chars(&text.as_bytes()[start..offset])
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start)
        };
        (line + 1, column + 1)
    }

    /// Characters before byte `at` (a char boundary) of the text.
    fn chars_before(&self, text: &str, at: usize) -> usize {
        let block = at / CHECKPOINT;
        self.chars_at[block] + count_chars(&text.as_bytes()[block * CHECKPOINT..at])
    }

    /// Byte range of a 1-based line, without its line ending.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        start..end.max(start)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Characters in UTF-8 bytes cut anywhere: every byte that does not
/// continue a character starts one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary at or above `i` (clamped to the text).
pub fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A span widened to char boundaries and clamped to the text, safe to slice.
pub fn clamp_span(text: &str, span: &Span) -> Span {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    start..ceil_char_boundary(text, span.end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_keeps_crlf() {
        let f = SourceFile::decode("a.md".into(), b"\xEF\xBB\xBFab\r\ncd".to_vec()).unwrap();
        assert!(f.bom);
        assert_eq!(f.text, "ab\r\ncd");
        assert_eq!(f.line_col(4), (2, 1));
        assert_eq!(f.lines().line_span(&f.text, 1), 0..2);
    }

    #[test]
    fn counts_columns_in_characters() {
        let f = SourceFile::new("a.md".into(), "é=x\n".into(), false);
        assert_eq!(f.line_col(2), (1, 2));
    }

    /// Columns far into a long line, across checkpoints, agree with
    /// counting characters from the line start.
    #[test]
    fn counts_columns_on_long_lines_with_multibyte_text() {
        let text = format!("ab\n{}\n{}", "é😀x".repeat(2000), "y".repeat(3000));
        let f = SourceFile::new("a.md".into(), text.clone(), false);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..offset].matches('\n').count() + 1;
            assert_eq!(f.line_col(offset), (line, text[line_start..offset].chars().count() + 1), "{offset}");
        }
    }

    #[test]
    fn reports_invalid_utf8_position() {
        let err = SourceFile::decode("a.md".into(), b"ok\nab\xFFc".to_vec()).unwrap_err();
        assert_eq!(err, DecodeError::InvalidUtf8 { offset: 5, line: 2, column: 3 });
    }

    #[test]
    fn reports_utf16_and_nul() {
        assert_eq!(SourceFile::decode("a.md".into(), vec![0xFF, 0xFE, b'a', 0]).unwrap_err(), DecodeError::Utf16);
        assert!(matches!(
            SourceFile::decode("a.md".into(), b"a\0".to_vec()).unwrap_err(),
            DecodeError::Nul { offset: 1, .. }
        ));
    }
}
