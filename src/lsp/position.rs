//! Byte offsets (what kbc's spans are) to LSP positions and back. LSP counts
//! columns in UTF-16 code units by default, so a column is the UTF-16 length
//! of the line's text before the offset; a line ends at `\n` (a `\r` before it
//! is the line's last character, as every client treats CRLF).

use crate::source::Span;
use lsp_types::{Position, Range};

/// Line starts of one text, for converting both ways.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { text, starts }
    }

    /// The position of a byte offset (clamped to the text and to a character
    /// boundary).
    pub(super) fn position(&self, offset: usize) -> Position {
        let offset = crate::source::floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column: usize = self.text[self.starts[line]..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, column as u32)
    }

    pub(super) fn range(&self, span: &Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end.max(span.start)))
    }

    /// The byte offset of a position. A column past the line's end means
    /// the line's end, a line past the text's end the text's end (as the
    /// protocol asks), and a column inside a surrogate pair the character's
    /// start.
    pub(super) fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else { return self.text.len() };
        let end = self.starts.get(pos.line as usize + 1).map_or(self.text.len(), |&e| e - 1);
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            units += c.len_utf16();
            if units > pos.character as usize {
                return start + i;
            }
        }
        end
    }

    pub(super) fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        start..self.offset(range.end).max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_columns_in_utf16_code_units() {
        // "é" is 2 bytes and 1 unit, "😀" 4 bytes and 2 units.
        let text = "ab\né😀x\r\nlast";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(1, 3));
        assert_eq!(lines.offset(Position::new(1, 3)), x);
        assert_eq!(lines.position(text.len()), Position::new(2, 4));
        assert_eq!(lines.offset(Position::new(2, 4)), text.len());
    }

    #[test]
    fn clamps_positions_past_the_end_and_inside_a_pair() {
        let text = "é😀\nz";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(Position::new(0, 99)), "é😀".len(), "past the line's end");
        assert_eq!(lines.offset(Position::new(9, 0)), text.len(), "past the text's end");
        assert_eq!(lines.offset(Position::new(0, 2)), "é".len(), "inside the surrogate pair");
        assert_eq!(lines.position(2), Position::new(0, 1), "inside é's bytes: its start... then é");
    }

    #[test]
    fn round_trips_every_character_boundary() {
        let text = "<properties pageTitle=\"Ünïcödé 😀\" />\r\n# Tïtle\n\n[l](a.md)";
        let lines = Lines::new(text);
        for (i, _) in text.char_indices() {
            assert_eq!(lines.offset(lines.position(i)), i, "offset {i}");
        }
    }
}
