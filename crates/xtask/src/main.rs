//! `xtask`: the workspace's own tooling, in the cargo-xtask convention.
//!
//! The `just` recipes call `cargo run -q -p xtask -- <command>`. Nothing here
//! is a chapter of the book: the stages are in `crates/step*`, and this crate
//! only builds, runs, compares and measures them.

use std::process::ExitCode;

mod course;
mod generated;
mod learner;
mod process;
mod stages;

use course::{bench, book, copies, soak};
use learner::{compare, diff, send, trace};

const USAGE: &str = "\
usage: cargo run -p xtask -- <command> [args]

commands:
  diff A B            what changed from stage A to stage B
  compare [PATH ...]  the same requests against every HTTP stage, side by side
  trace N             the system calls of stage N serving one request
  send PORT 'BYTES'   raw bytes to 127.0.0.1:PORT, the raw reply with \\r\\n visible
  bench               the performance benchmark (release build)
  soak                100,000 mixed requests against step 4
  exercise(s) ...     classroom exercises: list, check, hint
  book ...            book checks, transcripts and the dedent preprocessor
  copies --check      the files stages share on purpose are byte-identical
  grade-peers         check-server against python, nginx, lighttpd, busybox httpd";

/// A regular expression written in this crate's source: a bad one is a bug
/// that the first test to use it finds, not something a user can cause.
pub(crate) fn pattern(text: &str) -> regex_lite::Regex {
    regex_lite::Regex::new(text).unwrap_or_else(|e| panic!("bad pattern {text}: {e}"))
}

/// Prints `error: PROBLEM` and the usage: the answer to a bad command line.
pub(crate) fn usage_error(problem: &str, usage: &str) -> ExitCode {
    eprintln!("error: {problem}\n{usage}");
    ExitCode::from(2)
}

/// Whether `args` ask for help; if so, prints `usage`.
pub(crate) fn help(args: &[String], usage: &str) -> bool {
    let asked = args.iter().any(|a| a == "-h" || a == "--help");
    if asked {
        println!("{usage}");
    }
    asked
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "diff" => diff::run(rest),
        "compare" => compare::run(rest),
        "trace" => trace::run(rest),
        "send" => send::run(rest),
        "bench" => bench::run(rest),
        "soak" => soak::run(rest),
        "exercise" | "exercises" => course::exercises::run(command, rest),
        "book" => book::run(rest),
        "copies" => copies::run(rest),
        "grade-peers" => course::peers::run(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => return usage_error(&format!("unknown command '{other}'"), USAGE),
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}
