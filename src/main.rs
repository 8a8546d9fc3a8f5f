//! The `supportlens` binary: parse the command line, run, and map any error to its exit code.

#![warn(clippy::print_stderr, clippy::print_stdout)]

use clap::Parser;

#[global_allocator]
static ALLOCATOR: supportlens::oom::Allocator = supportlens::oom::Allocator;

fn main() {
    // A run out of memory ends with exit 2 and a line saying so, not SIGABRT.
    supportlens::oom::install();
    let cli = match supportlens::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(shown(&e)),
    };
    // A run stopped by SIGTERM, SIGINT or SIGHUP removes its staging folders first.
    supportlens::interrupt::install();
    if let Err(err) = supportlens::cmd::run(cli) {
        // Last line of defence: whatever a message holds (a path with an escape sequence,
        // a value no one cut), it reaches the terminal as one plain line of bounded length.
        let message = format!("{err:#}");
        // Written even when stderr cannot take it (a broken pipe, a full disk): the exit
        // code still says what happened.
        supportlens::stderr_line!(
            "supportlens: error: {}",
            supportlens::error::cut(&message, 2000)
        );
        std::process::exit(supportlens::error::exit_code(&err));
    }
}

/// Prints clap's help, version or usage error and returns the exit code: clap's own, but
/// 2 when help or the version could not be written (a full disk), where clap said 0. A
/// reader that went away (`| head`) keeps 0, as `query` does.
fn shown(e: &clap::Error) -> i32 {
    match e.print() {
        Err(w) if e.exit_code() == 0 && w.kind() != std::io::ErrorKind::BrokenPipe => {
            supportlens::stderr_line!(
                "supportlens: error: cannot write to standard output: {w}; check where it goes \
                 (a full disk?)"
            );
            2
        }
        _ => e.exit_code(),
    }
}
