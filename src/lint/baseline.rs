//! Baselines: record today's findings so that only new ones are reported.
//! A finding's fingerprint hashes its rule code, file, the text it points at
//! (whitespace collapsed) and its occurrence index among identical findings
//! of that file; line numbers stay out, so unrelated edits and line shifts do
//! not invalidate the baseline.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::format::Files;
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

const VERSION: u32 = 1;

/// The baseline file (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// One recorded finding. `message` is for readers of the file only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub code: String,
    pub fingerprint: String,
    pub message: String,
}

/// What filtering against a baseline did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Findings hidden because the baseline has them.
    pub known: usize,
    /// Baseline entries that no longer occur (fixed, can be dropped).
    pub fixed: usize,
}

/// Fingerprints of `diags`, in the same order.
pub fn fingerprints(diags: &[Diagnostic], files: &Files<'_>) -> Vec<String> {
    let mut seen: HashMap<(String, &str, String), usize> = HashMap::new();
    diags
        .iter()
        .map(|d| {
            let snippet = snippet(d, files);
            let n = seen.entry((d.path.clone(), d.code, snippet.clone())).or_insert(0);
            *n += 1;
            let mut h = blake3::Hasher::new();
            for part in [d.code, d.path.as_str(), snippet.as_str(), &n.to_string()] {
                h.update(part.as_bytes());
                h.update(&[0]);
            }
            h.finalize().to_hex()[..20].to_string()
        })
        .collect()
}

/// The text a finding points at, whitespace collapsed; its message when the
/// span is empty or the file is unknown.
fn snippet(d: &Diagnostic, files: &Files<'_>) -> String {
    let text = files.get(&d.path).and_then(|s| s.text.get(d.span.clone())).filter(|t| !t.trim().is_empty());
    let raw = text.unwrap_or(&d.message);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Baseline {
    pub fn new(diags: &[Diagnostic], files: &Files<'_>) -> Baseline {
        let mut entries: Vec<Entry> = diags
            .iter()
            .zip(fingerprints(diags, files))
            .map(|(d, fingerprint)| Entry {
                path: d.path.clone(),
                code: d.code.to_string(),
                fingerprint,
                message: d.message.clone(),
            })
            .collect();
        entries.sort();
        Baseline { version: VERSION, entries }
    }

    pub fn read(path: &Path) -> Result<Baseline> {
        let text = crate::fs::read_to_string(path)?;
        let b: Baseline =
            serde_json::from_str(&text).with_context(|| format!("{} is not a kbc baseline file", path.display()))?;
        if b.version != VERSION {
            bail!("{}: unsupported baseline version {} (expected {VERSION})", path.display(), b.version);
        }
        Ok(b)
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        crate::fs::write(path, json)
    }

    /// Keeps only findings the baseline does not have.
    pub fn filter(&self, diags: Vec<Diagnostic>, files: &Files<'_>) -> (Vec<Diagnostic>, Outcome) {
        let mut known: HashMap<(String, String), usize> = HashMap::new();
        for e in &self.entries {
            *known.entry((e.path.clone(), e.fingerprint.clone())).or_insert(0) += 1;
        }
        let prints = fingerprints(&diags, files);
        let mut outcome = Outcome::default();
        let mut kept = Vec::new();
        for (d, print) in diags.into_iter().zip(prints) {
            match known.get_mut(&(d.path.clone(), print)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    outcome.known += 1;
                }
                _ => kept.push(d),
            }
        }
        outcome.fixed = known.values().sum();
        (kept, outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{article, check};
    use crate::source::SourceFile;

    fn findings(text: &str) -> (Vec<Diagnostic>, SourceFile) {
        (check("short-link", text), SourceFile::new("a.md".into(), text.into(), false))
    }

    #[test]
    fn survives_line_shifts_and_unrelated_edits() {
        let before = article("", "[a](https://aka.ms/a)\n\n[b](https://aka.ms/a)\n");
        let (d, src) = findings(&before);
        let baseline = Baseline::new(&d, &Files::new([&src]));
        let after = before.replace("# Title\n", "# Title\n\nA new intro paragraph.\n\nMore.\n");
        let (d2, src2) = findings(&after);
        let (kept, outcome) = baseline.filter(d2, &Files::new([&src2]));
        assert!(kept.is_empty(), "{kept:?}");
        assert_eq!(outcome, Outcome { known: 2, fixed: 0 });
    }

    #[test]
    fn reports_only_new_findings_and_counts_fixed_entries() {
        let before = article("", "[a](https://aka.ms/a)\n[b](https://aka.ms/b)\n");
        let (d, src) = findings(&before);
        let baseline = Baseline::new(&d, &Files::new([&src]));
        let after = article("", "[b](https://aka.ms/b)\n[c](https://aka.ms/c)\n");
        let (d2, src2) = findings(&after);
        let (kept, outcome) = baseline.filter(d2, &Files::new([&src2]));
        assert_eq!(kept.len(), 1);
        assert_eq!(&after[kept[0].span.clone()], "[c](https://aka.ms/c)");
        assert_eq!(outcome, Outcome { known: 1, fixed: 1 });
    }

    #[test]
    fn a_repeated_finding_beyond_the_recorded_count_is_new() {
        let before = article("", "[a](https://aka.ms/a)\n");
        let (d, src) = findings(&before);
        let baseline = Baseline::new(&d, &Files::new([&src]));
        let after = article("", "[a](https://aka.ms/a)\n[a](https://aka.ms/a)\n");
        let (d2, src2) = findings(&after);
        assert_eq!(baseline.filter(d2, &Files::new([&src2])).0.len(), 1);
    }
}
