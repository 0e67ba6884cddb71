//! The test harness for running the `kbc` binary on a knowledge base.
//!
//! [`Kb::fixture`] copies `tests/fixtures/kb/<case>/` into a fresh folder under
//! `CARGO_TARGET_TMPDIR`, so a test may change it ([`Kb::write`]) without
//! touching the fixture. [`Kb::kbc`] runs the real binary in that folder with
//! an environment cleared of anything that changes kbc's output, and
//! [`Kb::run`] returns its status and output with the folder's path replaced
//! by `[ROOT]`, ready for assertions and insta snapshots.
//!
//! Not every test target uses every helper.
#![allow(dead_code)]

pub mod gate;
pub mod links;
pub mod positions;

/// Every file under `dir` with its bytes, in path order; build-report.json
/// without its timings and its count of pages reused from the previous output,
/// the parts of a build allowed to differ between runs.
pub fn output_tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        let mut bytes = std::fs::read(e.path()).unwrap();
        if rel == "build-report.json" {
            let mut report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            report.as_object_mut().unwrap().remove("timingsMs");
            report["counts"].as_object_mut().unwrap().remove("pagesReused");
            bytes = serde_json::to_vec(&report).unwrap();
        }
        files.insert(rel, bytes);
    }
    files
}

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Environment variables that change kbc's output; removed for every run so a
/// test behaves the same in a terminal, in CI and under GitHub Actions.
const AMBIENT: &[&str] =
    &["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "KBC_RULES_URL"];

/// A knowledge base in a temporary folder, deleted when dropped.
pub struct Kb {
    dir: tempfile::TempDir,
}

impl Kb {
    /// A copy of `tests/fixtures/kb/<case>/`.
    pub fn fixture(case: &str) -> Kb {
        let kb = Kb::empty();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kb").join(case);
        assert!(from.is_dir(), "no fixture {}", from.display());
        copy_tree(&from, kb.root());
        kb
    }

    /// An empty folder.
    pub fn empty() -> Kb {
        let dir = tempfile::Builder::new().prefix("kb-").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        Kb { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file (creating folders), relative to the root.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Kb {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Kb {
        std::fs::remove_file(self.path(rel)).unwrap();
        self
    }

    /// `kbc ARGS` with the knowledge base as the working folder.
    pub fn kbc<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = kbc(args);
        cmd.current_dir(self.root());
        cmd
    }

    /// Runs `kbc ARGS` in the knowledge base and normalises its output.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.finish(&mut self.kbc(args))
    }

    /// Runs a prepared command and normalises its output.
    pub fn finish(&self, cmd: &mut Command) -> Run {
        let out = cmd.output().unwrap();
        let code = out.status.code().expect("kbc was killed by a signal");
        Run { code, stdout: self.normalise(&out.stdout), stderr: self.normalise(&out.stderr) }
    }

    /// Output text with the root's path (as given and canonical) as `[ROOT]`.
    pub fn normalise(&self, bytes: &[u8]) -> String {
        let mut s = String::from_utf8_lossy(bytes).into_owned();
        let canonical = self.root().canonicalize().unwrap();
        for root in [canonical.as_path(), self.root()] {
            s = s.replace(&root.display().to_string(), "[ROOT]");
        }
        s
    }
}

/// Runs `kbc ARGS` in `dir` with a terminal (a new pseudo-terminal) as stdout,
/// with extra environment variables; returns what it printed there.
#[cfg(target_os = "linux")]
pub fn run_on_terminal(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut master, mut slave) = (0, 0);
    let null = std::ptr::null_mut();
    // SAFETY: openpty writes two fresh descriptors, which are owned from here on.
    let rc = unsafe { libc::openpty(&mut master, &mut slave, null, std::ptr::null(), std::ptr::null()) };
    assert_eq!(rc, 0, "openpty failed");
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kbc"));
    for var in AMBIENT {
        cmd.env_remove(var);
    }
    cmd.args(args).envs(env.iter().copied()).current_dir(dir).stdout(slave);
    let mut child = cmd.spawn().unwrap();
    drop(cmd); // closes our copy of the terminal side, so reading ends with the child
    let mut out = Vec::new();
    // Linux reports EIO on the master once the last writer has gone: that is the end.
    let _ = std::fs::File::from(master).read_to_end(&mut out);
    child.wait().unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// `kbc ARGS` with the ambient environment removed (no knowledge base).
pub fn kbc<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kbc"));
    for var in AMBIENT {
        cmd.env_remove(var);
    }
    cmd.args(args);
    cmd
}

/// A finished run: exit status and normalised output.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit status, showing the output when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "unexpected exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The last line of stdout or stderr starting with `checked `.
    pub fn summary(&self) -> Option<&str> {
        self.stdout.lines().chain(self.stderr.lines()).rfind(|l| l.starts_with("checked "))
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
