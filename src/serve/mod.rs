//! `kbc serve`: a live preview for authors. Builds the site into a
//! temporary folder ([`preview`]), serves it on loopback ([`server`]),
//! watches the sources ([`watch`]), rebuilds what changed and reloads open
//! pages, with each article's diagnostics shown over the page
//! ([`overlay`]) and printed in the terminal.

mod http;
mod overlay;
mod preview;
mod server;
mod state;
mod watch;

use crate::article::vocab::Cloud;
use crate::cli::ServeArgs;
use crate::commands::ExitStatus;
use crate::diagnostic::format::{self, Files, Format, Options};
use crate::diagnostic::{Diagnostic, Summary};
use anyhow::{Context, Result};
use preview::{Preview, Rebuilt};
use state::{Shared, Snapshot};
use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

pub(crate) fn run(args: &ServeArgs) -> Result<ExitStatus> {
    let cloud = match &args.cloud {
        Some(name) => Some(crate::render::clouds::selected(std::slice::from_ref(name))?[0]),
        None => None,
    };
    let root = args.root.canonicalize().with_context(|| format!("knowledge-base folder {}", args.root.display()))?;
    let tmp = tempfile::Builder::new().prefix("kbc-serve-").tempdir().context("cannot create a temporary folder")?;
    let site_dir = tmp.path().join("site");
    let started = Instant::now();
    let mut preview = Preview::load(&root, cloud, &site_dir)?;
    report(&preview, None, started);
    let shared = Arc::new(Shared::new(site_dir, snapshot(&preview, 1)));
    let server = bind(args)?;
    cleanup_on_interrupt(tmp.path().to_path_buf())?;
    let watcher = watch::Watcher::new(&root, &preview.watched())?;
    // Announced last: once the URL is printed, saves are seen.
    announce(&server, args, cloud);
    let http = shared.clone();
    std::thread::spawn(move || server::serve(server, http));
    let mut generation = 1;
    while let Some(batch) = watcher.next_batch() {
        let started = Instant::now();
        match preview.update(&batch) {
            Ok(Rebuilt::Nothing) => continue,
            Ok(done) => report(&preview, Some(&done), started),
            Err(e) => eprintln!("error: rebuild failed: {}", format::escape_controls(&format!("{e:#}"))),
        }
        generation += 1;
        shared.publish(snapshot(&preview, generation));
    }
    Ok(ExitStatus::Success)
}

fn bind(args: &ServeArgs) -> Result<http::Listener> {
    let ip: IpAddr = args.bind.parse().with_context(|| format!("--bind {} is not an IP address", args.bind))?;
    let addr = SocketAddr::new(ip, args.port);
    if !ip.is_loopback() {
        eprintln!(
            "warning: serving on {ip}, reachable from other machines; the preview has no authentication \
             (the default is 127.0.0.1)"
        );
    }
    // SocketAddr's Display writes an IPv6 address in brackets: [::1]:3000.
    http::Listener::bind(addr).with_context(|| format!("cannot listen on {addr} (try another --port)"))
}

fn announce(listener: &http::Listener, args: &ServeArgs, cloud: Option<Cloud>) {
    let what = cloud.map(|c| format!(" ({c} cloud)")).unwrap_or_default();
    println!("Serving {}{what} at http://{}/ (Ctrl-C to stop)", args.root.display(), listener.local_addr());
    let _ = std::io::stdout().flush();
}

/// The temporary folder is removed on Ctrl-C and on SIGTERM/SIGHUP, which
/// otherwise skip drops.
fn cleanup_on_interrupt(dir: std::path::PathBuf) -> Result<()> {
    ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&dir);
        std::process::exit(0);
    })
    .context("cannot install the Ctrl-C handler")
}

fn snapshot(preview: &Preview, generation: u64) -> Snapshot {
    Snapshot::new(generation, preview.pages(), preview.diagnostics(), &preview.files())
}

/// Prints the diagnostics of what was rebuilt (all of them at start) and a
/// summary line with the time taken.
fn report(preview: &Preview, done: Option<&Rebuilt>, started: Instant) {
    let shown: Vec<Diagnostic> = match done {
        None => preview.diagnostics().to_vec(),
        Some(Rebuilt::Articles { saved, affected }) => preview
            .diagnostics()
            .iter()
            .filter(|d| saved.contains(&d.path) || affected.contains(&d.path))
            .cloned()
            .collect(),
        Some(_) => Vec::new(),
    };
    let files: Files<'_> = preview.files();
    let stdout = std::io::stdout();
    let options =
        Options { color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(), ..Options::default() };
    let mut out = stdout.lock();
    let _ = format::write(Format::Human, &mut out, &shown, &files, &options);
    let list = |paths: &[String]| format::escape_controls(&paths.join(", ")).into_owned();
    let what = match done {
        None => "built".to_string(),
        Some(Rebuilt::Articles { saved, affected }) if affected.is_empty() => format!("rebuilt {}", list(saved)),
        Some(Rebuilt::Articles { saved, affected }) => {
            format!("rebuilt {} (findings changed in {})", list(saved), list(affected))
        }
        Some(_) => "rebuilt everything".to_string(),
    };
    let summary = Summary::new(preview.session.corpus().len(), preview.diagnostics()).line();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let _ = writeln!(out, "{what} in {ms:.0} ms; {summary}");
    let _ = out.flush();
}
