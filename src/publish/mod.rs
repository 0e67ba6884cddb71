//! Getting a build's files into OUT safely, below the renderer (which
//! writes through [`staging::Staging`] and never touches OUT itself).
//!
//! - [`out`]: OUT as a place: its real folder (a symbolic link to it is
//!   followed once and left alone), the refusals (inside the sources, around
//!   the root, a folder kbc did not write), checks that every path read from
//!   OUT is relative and reached without a symbolic link, and the clean-up of
//!   what killed builds left beside it.
//! - [`marker`]: `.kbc-output`, the signed list of the files kbc wrote. kbc
//!   recognises its output by it, and removes or replaces only files on it.
//! - [`cache`]: the build cache's keys and manifest (what may be reused).
//! - [`plan`]: what a build does with OUT, decided before rendering: the
//!   mode (clean, full, incremental), which articles are reused and which
//!   rendered, which memo shards and index pages stay.
//! - [`staging`]: the folder a build writes into first.
//! - [`commit`]: moving the staged files into OUT with a journal, so that a
//!   failed or killed build leaves the old output and the next run finishes
//!   or undoes a killed one before anything else.
//! - [`clean`]: `kbc build --clean`, removing only what the marker lists.
//!
//! Everything read from OUT is untrusted input: another program, or a
//! person, may have put anything there.

pub(crate) mod cache;
pub(crate) mod clean;
pub(crate) mod commit;
pub(crate) mod marker;
pub(crate) mod out;
pub(crate) mod plan;
pub(crate) mod staging;

use anyhow::Result;
use std::path::Path;

/// Opens the output folder `out` for a build of the knowledge base at
/// `root` (articles in `src`), before anything else: refuses a place that
/// would overwrite the input or that holds files kbc did not write,
/// finishes or undoes a commit a killed build left and removes its folders,
/// then reads what kbc wrote there.
pub(crate) fn open(out: &Path, root: &Path, src: &Path) -> Result<out::Out> {
    let dir = out::real(out)?;
    out::refuse_around_input(out, &dir, root, src)?;
    commit::recover_beside(&dir)?;
    out::Out::read(out, dir)
}

/// `kbc <version>`, as written into every output.
pub const GENERATOR: &str = concat!("kbc ", env!("CARGO_PKG_VERSION"));
