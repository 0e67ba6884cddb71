//! A progress bar on stderr for long runs over large trees (indicatif). It
//! only appears for people watching: stderr is a terminal, `CI` is unset,
//! `-q` was not given, and there are enough files for it to matter.

use indicatif::{ProgressBar, ProgressStyle};
use std::ffi::OsStr;
use std::io::IsTerminal;

/// Trees smaller than this finish before a bar would be readable.
const MIN_FILES: usize = 500;

/// A bar, or nothing; every method is a no-op when hidden.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Starts a bar over `len` files unless it should stay quiet.
    pub fn start(len: usize, wanted: bool) -> Progress {
        let ci = std::env::var_os("CI");
        if !should_show(wanted, std::io::stderr().is_terminal(), ci.as_deref(), len) {
            return Progress::hidden();
        }
        let bar = ProgressBar::new(len as u64);
        let style = ProgressStyle::with_template("{spinner} {msg:>8} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message("parsing");
        Progress { bar: Some(bar) }
    }

    pub fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// Names the current phase (`linting`, `rendering`).
    pub fn phase(&self, name: &'static str) {
        if let Some(b) = &self.bar {
            b.set_message(name);
        }
    }

    /// Removes the bar so that the report starts on a clean line.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Whether to draw: wanted (no `-q`), on a terminal, `CI` unset or empty, and
/// a large enough tree.
pub(crate) fn should_show(wanted: bool, terminal: bool, ci: Option<&OsStr>, files: usize) -> bool {
    wanted && terminal && ci.is_none_or(OsStr::is_empty) && files >= MIN_FILES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_only_on_a_terminal_outside_ci_for_large_trees() {
        assert!(should_show(true, true, None, 11_000));
        assert!(!should_show(true, false, None, 11_000));
        assert!(!should_show(true, true, Some(OsStr::new("true")), 11_000));
        assert!(!should_show(false, true, None, 11_000));
        assert!(!should_show(true, true, None, 18));
    }

    #[test]
    fn hidden_progress_ignores_updates() {
        let p = Progress::start(10, true);
        p.inc();
        p.phase("linting");
        p.finish();
        assert!(p.bar.is_none());
    }
}
