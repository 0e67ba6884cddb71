// local profiling aid, not committed: kbc with the system allocator
use clap::Parser;
fn main() -> std::process::ExitCode {
    let cli = kbc::cli::Cli::parse();
    std::process::ExitCode::from(kbc::run(cli) as u8)
}
