//! `kbc diff OLD NEW`: finds the per-cloud bundles of two build outputs
//! (`OUT/clouds/<cloud>/rules.json`), compares them with [`crate::diff`] and
//! prints the result as text or JSON.

use crate::article::vocab::Cloud;
use crate::cli::{DiffArgs, ReportFormat};
use crate::commands::ExitStatus;
use crate::diff::{self, Articles, CloudDiff};
use anyhow::{Result, bail};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) fn run(args: &DiffArgs) -> Result<ExitStatus> {
    let clouds = clouds_to_compare(args)?;
    let mut diffs = Vec::new();
    for cloud in &clouds {
        let old = load(&args.old, cloud)?;
        let new = load(&args.new, cloud)?;
        diffs.push(diff::compare(cloud, &old, &new));
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Human => write_human(&mut out, &diffs)?,
        ReportFormat::Json => {
            let report = Report { old: display(&args.old), new: display(&args.new), clouds: &diffs };
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        }
    }
    let changed = diffs.iter().any(|d| !d.is_empty());
    Ok(if args.exit_code && changed { ExitStatus::Failure } else { ExitStatus::Success })
}

#[derive(Serialize)]
struct Report<'a> {
    old: String,
    new: String,
    clouds: &'a [CloudDiff],
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// `all` when either side is a single rules.json or neither has per-cloud
/// outputs; otherwise the clouds found on either side, in publication order.
fn clouds_to_compare(args: &DiffArgs) -> Result<Vec<String>> {
    for p in [&args.old, &args.new] {
        if !p.exists() {
            bail!("{} does not exist (expected a kbc build output folder or a rules.json)", p.display());
        }
    }
    if args.old.is_file() || args.new.is_file() {
        return Ok(vec!["all".to_string()]);
    }
    let mut found: Vec<String> = cloud_dirs(&args.old).into_iter().chain(cloud_dirs(&args.new)).collect();
    found.sort_by_key(|c| (Cloud::parse(c).map_or(usize::MAX, |c| c as usize), c.clone()));
    found.dedup();
    if !args.clouds.is_empty() {
        found = args.clouds.iter().map(|c| c.to_ascii_lowercase()).collect();
    }
    Ok(if found.is_empty() { vec!["all".to_string()] } else { found })
}

fn cloud_dirs(out: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out.join("clouds")) else { return Vec::new() };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("rules.json").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect()
}

/// The bundle of `cloud` under an output; a cloud missing on one side has no
/// articles there (everything added or removed).
fn load(out: &Path, cloud: &str) -> Result<Articles> {
    let path: PathBuf = match (out.is_file(), cloud) {
        (true, _) => out.to_path_buf(),
        (false, "all") => out.join("rules.json"),
        (false, c) => out.join("clouds").join(c).join("rules.json"),
    };
    if !path.exists() && cloud != "all" {
        return Ok(Articles::new());
    }
    diff::load_articles(&path)
}

/// Paths, ids and titles come from the bundles, hence escaped.
fn write_human(out: &mut impl Write, diffs: &[CloudDiff]) -> Result<()> {
    let esc = crate::diagnostic::format::escape_controls;
    for d in diffs {
        if d.is_empty() {
            writeln!(out, "{}: no changes ({} articles)", d.cloud, d.unchanged)?;
            continue;
        }
        let (a, r, c) = (d.added.len(), d.removed.len(), d.changed.len());
        writeln!(out, "{}: {a} added, {r} removed, {c} changed, {} unchanged", d.cloud, d.unchanged)?;
        for e in &d.added {
            writeln!(out, "  + {}  {}  \"{}\"", esc(&e.path), esc(&e.article_id), esc(&e.title))?;
        }
        for e in &d.removed {
            writeln!(out, "  - {}  {}  \"{}\"", esc(&e.path), esc(&e.article_id), esc(&e.title))?;
        }
        for ch in &d.changed {
            let fields = if ch.fields.is_empty() { "contentHash only".to_string() } else { ch.fields.join(", ") };
            writeln!(out, "  ~ {}  {}  changed: {fields}", esc(&ch.entry.path), esc(&ch.entry.article_id))?;
        }
    }
    Ok(())
}
