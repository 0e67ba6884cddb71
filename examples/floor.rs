//! The performance floor kbc is measured against (issue 5): the least work a
//! site generator must do. Reads every `.md` under a folder, skips the
//! `<properties>` header, renders the body with pulldown-cmark and writes one
//! `.html` per article, in parallel. Deliberately independent of kbc's code so
//! that it stays a fixed yardstick.
//!
//! ```text
//! cargo run --release --example floor -- SRC [OUT] [--no-write]
//! ```
//!
//! OUT mirrors SRC's folders (`a/b.md` becomes `OUT/a/b.html`). With
//! `--no-write` the HTML is rendered and dropped. Prints the article count and
//! the rendered bytes so that a run that silently did nothing is visible.

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use walkdir::WalkDir;

struct Args {
    src: PathBuf,
    out: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut no_write = false;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--no-write") => no_write = true,
            Some(s) if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    let mut positional = positional.into_iter();
    let src = positional.next().ok_or("usage: floor SRC [OUT] [--no-write]")?;
    let out = if no_write { None } else { Some(positional.next().ok_or("OUT is required unless --no-write")?) };
    Ok(Args { src, out })
}

fn main() {
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2);
    });
    let files = markdown_files(&args.src);
    if let Some(out) = &args.out {
        create_dirs(&args.src, out, &files);
    }
    let bytes = AtomicUsize::new(0);
    files.par_iter().for_each(|path| {
        let html = render(path);
        bytes.fetch_add(html.len(), Ordering::Relaxed);
        if let Some(out) = &args.out {
            let dest = out.join(path.strip_prefix(&args.src).unwrap()).with_extension("html");
            std::fs::write(&dest, html).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
        }
    });
    println!("floor: {} articles, {} bytes of HTML", files.len(), bytes.into_inner());
}

fn markdown_files(src: &Path) -> Vec<PathBuf> {
    WalkDir::new(src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect()
}

/// Folders are created up front, once each, so the parallel part only writes files.
fn create_dirs(src: &Path, out: &Path, files: &[PathBuf]) {
    let mut dirs: Vec<PathBuf> =
        files.iter().filter_map(|f| f.parent()).map(|d| out.join(d.strip_prefix(src).unwrap())).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
    }
}

fn render(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8_lossy(&bytes);
    let body = skip_header(&text);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(body, options));
    out
}

/// The text after a leading `<properties … />` (or `…></properties>`) element.
fn skip_header(text: &str) -> &str {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if !trimmed.starts_with("<properties") {
        return trimmed;
    }
    let end = [("/>", 2), ("</properties>", 13)]
        .iter()
        .filter_map(|(pat, len)| trimmed.find(pat).map(|i| i + len))
        .min()
        .unwrap_or(0);
    &trimmed[end..]
}
