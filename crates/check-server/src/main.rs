//! `check-server 'COMMAND'`: grades any static-file HTTP server against the
//! course's rules. See `cli.rs` for the options and `rubric.rs` for the rules.

mod basics;
mod bigfile;
mod check;
mod cli;
mod diagnose;
mod escape;
mod fixture;
mod framing;
mod hostile;
mod launch;
mod load;
mod procfs;
mod report;
mod request;
mod response;
mod rubric;
mod run;
mod semantics;
mod syntax;
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
    if options.help {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    if options.list {
        let page = report::markdown(rubric::RUBRIC);
        if let Some(path) = &options.out {
            if let Err(e) = std::fs::write(path, page) {
                eprintln!("error: cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
        } else if options.markdown {
            print!("{page}");
        } else {
            report::list(rubric::RUBRIC, options.verbose);
        }
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
