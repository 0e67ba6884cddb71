//! kbc on the system allocator, for heap profilers: heaptrack and massif see
//! glibc's malloc, not mimalloc (the binary's allocator), so profile this:
//!
//! ```text
//! cargo build --release --example heapprobe
//! heaptrack target/release/examples/heapprobe build -o OUT ROOT
//! ```
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = kbc::cli::Cli::parse();
    std::process::ExitCode::from(kbc::run_then_exit(cli) as u8)
}
