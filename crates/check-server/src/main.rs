//! `check-server 'COMMAND'`: grades any static-file HTTP server against the
//! course's rules. See `cli.rs` for the options and `rubric.rs` for the rules.

mod basics;
mod bigfile;
mod check;
mod cli;
mod diagnose;
mod escape;
mod fixture;
mod hostile;
mod launch;
mod load;
mod procfs;
mod report;
mod request;
mod response;
mod rubric;
mod run;
mod wire;

use std::process::ExitCode;

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args_os().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if options.list {
        report::list(rubric::RUBRIC);
        return ExitCode::SUCCESS;
    }
    // Ctrl-C, SIGTERM, SIGHUP: the server runs in its own process group,
    // which the terminal's SIGINT does not reach; stop it ourselves, and
    // remove the site, before we go.
    let _ = ctrlc::set_handler(|| {
        launch::stop_for_good();
        run::remove_temporary();
        eprintln!("stopped: the server was stopped and the site removed");
        std::process::exit(130);
    });
    match run::run(&options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
