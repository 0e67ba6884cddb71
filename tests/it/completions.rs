//! `kbc completions` and `kbc --version`.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn bash_completions_know_the_subcommands_and_flags() {
    Command::cargo_bin("kbc")
        .unwrap()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(contains("_kbc()").and(contains("match")).and(contains("--support-topic")));
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Command::cargo_bin("kbc").unwrap().args(["completions", shell]).assert().success();
        assert!(!out.get_output().stdout.is_empty(), "{shell}");
    }
}

#[test]
fn version_prints_the_crate_version() {
    Command::cargo_bin("kbc")
        .unwrap()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("kbc {}\n", env!("CARGO_PKG_VERSION")));
}
