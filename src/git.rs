//! What `kbc check --changed-since REV` asks of git: the files changed since a
//! revision and their contents there. git runs as a subprocess (the `git` on
//! PATH), so kbc needs no git library and follows the user's git exactly.
//! Every path git prints is read with `-z`, so no name is ever quoted.

use anyhow::{Context as _, Result, bail};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A git working tree, seen from a folder inside it.
#[derive(Debug, Clone)]
pub(crate) struct Repo {
    /// The working tree's top folder; every git command runs there, so the
    /// paths git prints are relative to it whatever the configuration.
    top: PathBuf,
    /// The folder's path within the working tree (`kb/`, or empty at the top).
    pub prefix: String,
}

/// How a file differs between a revision and the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// New, changed or untracked: the path as it is now.
    Now(String),
    /// Gone from the working tree: the path as it was.
    Deleted(String),
    /// Moved (perhaps changed too): from, to.
    Renamed(String, String),
}

impl Repo {
    /// The working tree holding `dir`, or an error saying that there is none.
    pub(crate) fn discover(dir: &Path) -> Result<Repo> {
        let out =
            output(Command::new("git").arg("-C").arg(dir).args(["rev-parse", "--show-toplevel", "--show-prefix"]))?;
        if !out.status.success() {
            bail!("{} is not inside a git working tree ({})", dir.display(), stderr_of(&out));
        }
        let text = String::from_utf8(out.stdout).context("git printed a path that is not UTF-8")?;
        let mut lines = text.lines();
        let top = PathBuf::from(lines.next().unwrap_or_default());
        let prefix = lines.next().unwrap_or_default().to_string();
        Ok(Repo { top, prefix })
    }

    /// The commit a revision names (a branch, tag, `HEAD~2`, a hash).
    pub(crate) fn commit(&self, rev: &str) -> Result<String> {
        // A revision starting with `-` would be read as an option.
        if rev.is_empty() || rev.starts_with('-') {
            bail!("`{rev}` is not a git revision");
        }
        let out = output(&mut self.command(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]))?;
        if !out.status.success() {
            bail!(
                "unknown git revision `{rev}` (in CI, fetch it first: a shallow clone has only the commit it checked out)"
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Where HEAD's history left `commit`'s: the commit a pull request's
    /// changes start from, so that work merged into REV meanwhile does not
    /// count as changed.
    pub(crate) fn merge_base(&self, commit: &str) -> Result<String> {
        let out = output(&mut self.command(&["merge-base", commit, "HEAD"]))?;
        if !out.status.success() {
            bail!("{commit} and HEAD have no common history ({})", stderr_of(&out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Every file that differs between `commit` and the working tree
    /// (committed, staged or not), and the untracked files git does not
    /// ignore; paths relative to the top of the working tree.
    pub(crate) fn changes_since(&self, commit: &str) -> Result<Vec<Change>> {
        let diff = self.git(&["diff", "--name-status", "-z", "-M", "--no-ext-diff", commit, "--"])?;
        let mut changes = parse_name_status(&diff)?;
        let untracked = self.git(&["ls-files", "-z", "--others", "--exclude-standard", "--full-name"])?;
        changes.extend(split_z(&untracked)?.into_iter().map(|p| Change::Now(p.to_string())));
        Ok(changes)
    }

    /// The bytes of files in `commit`, by path relative to the top; `None`
    /// for a path that is not a file there. One `git cat-file` for all.
    pub(crate) fn files_at(&self, commit: &str, paths: &[&str]) -> Result<Vec<Option<Vec<u8>>>> {
        // The batch protocol is line-based: a name with a line break cannot be asked for.
        let (askable, odd): (Vec<&str>, Vec<&str>) = paths.iter().partition(|p| !p.contains(['\n', '\r']));
        if let Some(p) = odd.first() {
            bail!("cannot read `{}` from git: its name has a line break", p.escape_debug());
        }
        let input: String = askable.iter().map(|p| format!("{commit}:{p}\n")).collect();
        let out = self.git_with_input(&["cat-file", "--batch"], input.into_bytes())?;
        parse_batch(&out, askable.len())
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.top).args(args);
        cmd
    }

    /// `git ARGS`'s stdout, or an error with what git said.
    fn git(&self, args: &[&str]) -> Result<Vec<u8>> {
        let out = output(&mut self.command(args))?;
        if !out.status.success() {
            bail!("git {} failed: {}", args.join(" "), stderr_of(&out));
        }
        Ok(out.stdout)
    }

    /// `git ARGS` with `input` on stdin, written from another thread so
    /// that neither side waits on a full pipe.
    fn git_with_input(&self, args: &[&str], input: Vec<u8>) -> Result<Vec<u8>> {
        let mut child = self
            .command(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run git (is it installed and on PATH?)")?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let (written, out) = std::thread::scope(|s| {
            let writer = s.spawn(move || stdin.write_all(&input));
            let mut out = Vec::new();
            let read = stdout.read_to_end(&mut out);
            (writer.join().expect("the writer does not panic"), read.map(|_| out))
        });
        let status = child.wait()?;
        let mut err = String::new();
        child.stderr.take().expect("stderr is piped").read_to_string(&mut err)?;
        if !status.success() {
            bail!("git {} failed: {}", args.join(" "), err.trim());
        }
        written.context("cannot write to git")?;
        Ok(out?)
    }
}

/// Runs a git command to its end.
fn output(cmd: &mut Command) -> Result<std::process::Output> {
    // git must not ask for anything: a prompt would hang CI.
    cmd.env("GIT_TERMINAL_PROMPT", "0").stdin(Stdio::null());
    cmd.output().context("cannot run git (is it installed and on PATH?)")
}

/// What git said on stderr, for an error message.
fn stderr_of(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    let err = err.trim().trim_start_matches("fatal: ");
    if err.is_empty() { format!("git exited with {}", out.status) } else { err.to_string() }
}

/// NUL-separated paths, as UTF-8.
fn split_z(bytes: &[u8]) -> Result<Vec<&str>> {
    bytes
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| std::str::from_utf8(p).context("git printed a path that is not UTF-8"))
        .collect()
}

/// `git diff --name-status -z`: a status field, then one path, or two for
/// renames and copies (`R100\0old\0new\0`).
fn parse_name_status(bytes: &[u8]) -> Result<Vec<Change>> {
    let fields = split_z(bytes)?;
    let mut fields = fields.into_iter();
    let mut changes = Vec::new();
    while let Some(status) = fields.next() {
        let mut path = || fields.next().map(str::to_string).context("git diff output ended early");
        changes.push(match status.as_bytes().first() {
            Some(b'R') => Change::Renamed(path()?, path()?),
            // A copy leaves its source as it was.
            Some(b'C') => {
                path()?;
                Change::Now(path()?)
            }
            Some(b'D') => Change::Deleted(path()?),
            _ => Change::Now(path()?),
        });
    }
    Ok(changes)
}

/// `git cat-file --batch` output: per object `<oid> blob <size>\n<bytes>\n`,
/// or `<name> missing\n` (also for a folder's tree it says `tree`).
fn parse_batch(mut out: &[u8], count: usize) -> Result<Vec<Option<Vec<u8>>>> {
    let mut files = Vec::with_capacity(count);
    for _ in 0..count {
        let end = out.iter().position(|&b| b == b'\n').context("git cat-file output ended early")?;
        let header = std::str::from_utf8(&out[..end]).context("git cat-file printed a bad header")?;
        out = &out[end + 1..];
        let mut words = header.rsplitn(3, ' ');
        let (size, kind) = (words.next(), words.next());
        match (kind, size.and_then(|s| s.parse::<usize>().ok())) {
            (Some(kind), Some(size)) => {
                let body = out.get(..size).context("git cat-file output ended inside a file")?;
                files.push((kind == "blob").then(|| body.to_vec()));
                out = out.get(size + 1..).unwrap_or_default();
            }
            // `missing`, `ambiguous`: nothing follows the header.
            _ => files.push(None),
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_status_with_renames_copies_and_deletions() {
        let out = b"M\0kb/a.md\0R087\0kb/old.md\0kb/new name.md\0D\0kb/gone.md\0C100\0kb/x.md\0kb/y.md\0A\0b.md\0";
        assert_eq!(
            parse_name_status(out).unwrap(),
            [
                Change::Now("kb/a.md".into()),
                Change::Renamed("kb/old.md".into(), "kb/new name.md".into()),
                Change::Deleted("kb/gone.md".into()),
                Change::Now("kb/y.md".into()),
                Change::Now("b.md".into()),
            ]
        );
        assert!(parse_name_status(b"R100\0only-one.md\0").is_err());
    }

    #[test]
    fn reads_batch_output_with_missing_objects_and_binary_bodies() {
        let out = b"1111 blob 3\na\nb\nHEAD:nope.md missing\n2222 tree 10\n0123456789\n3333 blob 0\n\n";
        let files = parse_batch(out, 4).unwrap();
        assert_eq!(files, [Some(b"a\nb".to_vec()), None, None, Some(Vec::new())]);
        assert!(parse_batch(b"1111 blob 30\nshort\n", 1).is_err());
    }
}
