//! The `supportlens` binary: parse the command line, run, and map any error to its exit code.

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = supportlens::cli::Cli::parse();
    if let Err(err) = supportlens::cmd::run(cli) {
        eprintln!("supportlens: error: {err:#}");
        std::process::exit(supportlens::error::exit_code(&err));
    }
}
