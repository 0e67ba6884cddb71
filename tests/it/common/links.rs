//! Every relative `href` and `src` of a built site, checked against the files
//! on disk: the site must work from `file://`, with no server to rewrite URLs.

use std::path::{Path, PathBuf};

/// `(page, url)` for each relative link of an HTML page under `site` whose
/// target file does not exist. Fragments and queries are ignored and
/// `%XX` escapes decoded, as a browser does; absolute URLs (`https:`,
/// `mailto:`, `//host`) are not checked.
pub fn unresolved(site: &Path) -> Vec<(String, String)> {
    let attr = regex::Regex::new(r#"\s(?:href|src)="([^"]*)""#).unwrap();
    let mut out = Vec::new();
    for page in html_files(site) {
        let html = std::fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        for c in attr.captures_iter(&html) {
            let url = unescape(&c[1]);
            let path = url.split(['#', '?']).next().unwrap_or_default();
            if path.is_empty() || is_absolute(path) {
                continue;
            }
            if !dir.join(percent_decoded(path)).exists() {
                out.push((page.strip_prefix(site).unwrap().display().to_string(), url));
            }
        }
    }
    out
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

/// `%XX` escapes decoded (written here apart from kbc's resolver, which the
/// links under test come from).
fn percent_decoded(path: &str) -> String {
    let mut out = Vec::new();
    let mut rest = path.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = std::str::from_utf8(tail.get(..2).unwrap_or_default()).ok();
        match hex.filter(|_| b == b'%').and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                rest = &tail[2..];
            }
            None => {
                out.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_absolute(url: &str) -> bool {
    url.starts_with('/')
        || url.split_once(':').is_some_and(|(scheme, _)| {
            scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

/// The character references templates and the sanitiser write in attributes.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';') else { break };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
