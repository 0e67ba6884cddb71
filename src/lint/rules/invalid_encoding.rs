use crate::diagnostic::{Diagnostic, Level};
use crate::discover::Reason;
use crate::lint::{Context, Rule, RuleMeta};
use crate::source::DecodeError;

pub(crate) struct InvalidEncoding;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB901",
    name: "invalid-encoding",
    default_level: Level::Error,
    summary: "File is not UTF-8 text",
    docs: r#"## What it checks
That every article is UTF-8 text (a byte-order mark is fine) with no NUL bytes.

## Why
The portal and kbc read articles as UTF-8. A file saved as UTF-16 or in a
legacy code page shows as garbage or is not published at all.

## Example
Bad:

A file saved by an editor as "Unicode (UTF-16 LE)", or containing a byte such
as `0xE9` on its own (a Latin-1 `é`).

Good: the same text saved as "UTF-8" (with or without a byte-order mark).

## How to fix
Re-save the file as UTF-8. Most editors offer "Save with encoding"; on the
command line `iconv -f UTF-16 -t UTF-8 in.md > out.md`.

## Configuration
`invalid-encoding = "deny"` (default). An undecodable file cannot be checked
any further, whatever the level.
"#,
};

impl Rule for InvalidEncoding {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The files discovery read but could not decode.
    fn check_corpus(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for u in &cx.corpus().unusable {
            if let Reason::Undecodable { error, len } = &u.reason {
                out.push(diagnostic(&u.path, *len, error));
            }
        }
    }
}

/// The finding for a file of `len` bytes that could not be decoded, pointing
/// at the bad byte.
fn diagnostic(path: &str, len: usize, err: &DecodeError) -> Diagnostic {
    let span = match err {
        DecodeError::InvalidUtf8 { offset, .. } | DecodeError::Nul { offset, .. } => *offset..*offset + 1,
        DecodeError::Utf16 => 0..2.min(len),
    };
    Diagnostic::new(&META, span, err.to_string()).with_path(path).with_help("save the file as UTF-8")
}
