//! build-report.json: what a build read, published and skipped (with
//! reasons), diagnostics by rule, and phase timings. Timings differ between
//! runs, so they live only here, never in rules.json or the site.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Why an article was left out of the build.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reason {
    /// A rule code, or `build` for reasons of the build itself.
    pub code: String,
    pub name: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildReport {
    pub generator: String,
    pub counts: Counts,
    pub skipped: Vec<Skipped>,
    /// By rule code.
    pub diagnostics: BTreeMap<String, RuleCount>,
    /// Wall time of each phase in milliseconds, in run order. The only
    /// non-deterministic part of a build's output.
    pub timings_ms: Vec<Timing>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Article files found (decodable or not).
    pub read: usize,
    pub published: usize,
    pub skipped: usize,
    /// Published articles per built cloud.
    pub clouds: BTreeMap<String, usize>,
    /// Files in the output (written, or reused from the previous output).
    pub files: usize,
    /// Per-cloud files that are hard links to the identical main-site file
    /// rather than written again.
    pub linked: usize,
    /// Article pages kept from the previous output because nothing
    /// they depend on changed (0 in a clean build). Unlike the other counts
    /// it depends on the previous output, not only on the input.
    #[serde(rename = "pagesReused", default)]
    pub pages_reused: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RuleCount {
    pub name: String,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timing {
    pub phase: String,
    pub ms: f64,
}

/// Phase timings, recorded in order.
#[derive(Debug, Default)]
pub struct Timings {
    pub phases: Vec<Timing>,
}

impl Timings {
    /// Runs `f`, recording its wall time under `phase`.
    pub fn time<T>(&mut self, phase: &str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.record(phase, start.elapsed());
        out
    }

    pub fn record(&mut self, phase: &str, d: Duration) {
        self.phases.push(Timing { phase: phase.to_string(), ms: (d.as_secs_f64() * 1e5).round() / 100.0 });
    }
}

/// Counts of diagnostics by rule code.
pub fn by_rule(diags: &[crate::diagnostic::Diagnostic]) -> BTreeMap<String, RuleCount> {
    use crate::diagnostic::Level;
    let mut map: BTreeMap<String, RuleCount> = BTreeMap::new();
    for d in diags {
        let entry = map.entry(d.code.to_string()).or_default();
        entry.name = d.name.to_string();
        match d.level {
            Level::Error => entry.errors += 1,
            Level::Warning => entry.warnings += 1,
            Level::Allow => {}
        }
    }
    map
}
