//! Turns a [`SourceFile`] into an [`Article`] plus the diagnostics only the
//! parser can see. Never panics and never fails on bad content.

pub mod body;
pub mod header;
pub mod invisible;
pub mod outline;

use crate::article::Article;
use crate::article::properties::Properties;
use crate::diagnostic::Diagnostic;
use crate::lint::rules::{malformed_properties, missing_properties};
use crate::source::SourceFile;
use header::Scan;

/// The parser's output for one file.
#[derive(Debug)]
pub struct Parsed {
    pub article: Article,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(source: SourceFile) -> Parsed {
    let mut diagnostics = Vec::new();
    let (props, has_header) = match header::scan(&source.text) {
        Scan::Found { header, problems } => {
            for p in problems {
                let mut d = Diagnostic::new(&malformed_properties::META, p.span, p.message);
                d.help = p.help;
                diagnostics.push(d);
            }
            (Properties { span: header.span, attrs: header.attrs }, true)
        }
        Scan::Missing { found_later } => {
            diagnostics.push(missing_properties::diagnostic(&source.text, found_later));
            (Properties::default(), false)
        }
    };
    let body_start = props.span.end;
    let body = body::parse(&source.text, body_start);
    for d in &mut diagnostics {
        d.path.clone_from(&source.rel_path);
    }
    Parsed { article: Article { source, has_header, props, body }, diagnostics }
}
