//! Fuzz target: `kbc build` of one article into a temporary OUT, through the
//! CLI entry point (discovery, check, render, sanitiser, commit). Any exit
//! status is fine (an article with errors is not built); a panic or an
//! exit code other than 0 or 1 is a finding.
#![no_main]

use clap::Parser as _;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp folder");
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("temp folder is writable");
    std::fs::write(articles.join("a.md"), data).expect("temp folder is writable");
    let root = dir.path().to_str().expect("UTF-8 temp path");
    let out = dir.path().join("out");
    let args = ["kbc", "build", "--quiet", "--skip-invalid", "--format", "json", "-o", out.to_str().unwrap(), root];
    let cli = kbc::cli::Cli::try_parse_from(args).expect("valid arguments");
    let status = kbc::run(cli) as u8;
    assert!(status <= 1, "kbc build exited with {status}");
});
