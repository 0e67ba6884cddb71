//! Fuzz target: `kbc build` of one article into a temporary OUT, through the
//! CLI entry point (discovery, check, render, sanitiser, commit). Any exit
//! status is fine (an article with errors is not built); a panic or an
//! exit code other than 0 or 1 is a finding.
//!
//! The knowledge base and OUT are made in memory (`/dev/shm`) when there is
//! one: on a disk, creating and deleting their folders (the build's staging
//! folders and the site's) took most of each execution, in the file system.
#![no_main]

use clap::Parser as _;
use std::path::Path;

libfuzzer_sys::fuzz_target!(init: kbc::fuzzing::single_thread(), |data: &[u8]| {
    let shm = Path::new("/dev/shm");
    let dir = match shm.is_dir() {
        true => tempfile::tempdir_in(shm).or_else(|_| tempfile::tempdir()),
        false => tempfile::tempdir(),
    }
    .expect("temp folder");
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
