//! The command line, shaped like `python -m http.server`'s.
//!
//! `[PORT] [-b|--bind ADDR] [-d|--directory DIR]`: the same contract for every
//! HTTP stage, so a tool (or a teacher) can start any of them the same way.
//! Parsing is handwritten because it is small, and because a learner should be
//! able to read every line a stage runs.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::docroot::DocRoot;

/// What `-h` prints, and what a bad argument prints after its error line.
pub const USAGE: &str = "\
usage: {bin} [PORT] [-b ADDR] [-d DIR]

Serve the files of DIR over HTTP/1.1 (GET and HEAD only).

arguments:
  PORT                  port to listen on (default 8000; 0 picks a free one)
  -b, --bind ADDR       IP address to listen on (default 127.0.0.1;
                        use 0.0.0.0 to share with the classroom)
  -d, --directory DIR   directory to serve (default: the workspace's www/)
  -h, --help            print this help and exit";

/// The directory served when `--directory` is not given: `www/` at the top of
/// the workspace this crate was built in. The startup banner prints it, so
/// nobody has to guess which files are being served.
const DEFAULT_DIRECTORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www");

/// The settings a stage runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub port: u16,
    pub bind: IpAddr,
    pub directory: PathBuf,
}

impl Args {
    /// The socket address to listen on.
    pub fn address(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }
}

/// The outcome of reading the command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve(Args),
    Help,
}

/// Reads the arguments that follow the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut settings = Args {
        port: 8000,
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        directory: PathBuf::from(DEFAULT_DIRECTORY),
    };
    let mut port_seen = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-b" | "--bind" => {
                let value = args.next().ok_or("--bind needs an address")?;
                settings.bind = match value.as_str() {
                    "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    ip => ip.parse().map_err(|_| {
                        format!("--bind: '{value}' is not an IP address (try 127.0.0.1 or 0.0.0.0)")
                    })?,
                };
            }
            "-d" | "--directory" => {
                let value = args.next().ok_or("--directory needs a path")?;
                settings.directory = PathBuf::from(value);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option '{flag}'")),
            port if !port_seen => {
                settings.port = port
                    .parse()
                    .map_err(|_| format!("'{port}' is not a port number (0 to 65535)"))?;
                port_seen = true;
            }
            extra => return Err(format!("unexpected argument '{extra}'")),
        }
    }
    Ok(Command::Serve(settings))
}

/// Reads this process's own arguments. `Err` carries the exit code after help
/// (0) or after a usage error (2, printed with the usage, as Python's argparse does).
pub fn from_env() -> Result<Args, ExitCode> {
    let mut argv = std::env::args();
    let program = argv.next().unwrap_or_default();
    let name = std::path::Path::new(&program).file_stem().map_or_else(
        || program.clone(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    let usage = USAGE.replace("{bin}", &name);
    match parse(argv) {
        Ok(Command::Serve(args)) => Ok(args),
        Ok(Command::Help) => {
            println!("{usage}");
            Err(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{usage}");
            Err(ExitCode::from(2))
        }
    }
}

/// Logs go to stderr through `log` + `env_logger`: `info` unless `RUST_LOG`
/// says otherwise (`RUST_LOG=debug` shows each request and response head).
pub fn init_logging() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
}

/// Opens the directory to serve, or says why it cannot be served (exit code 1).
pub fn open_root(args: &Args) -> Result<DocRoot, ExitCode> {
    DocRoot::open(&args.directory).map_err(|error| {
        eprintln!(
            "error: cannot serve directory {}: {error}",
            args.directory.display()
        );
        ExitCode::FAILURE
    })
}

/// Prints the startup lines: the banner, then which directory is served.
pub fn announce(address: SocketAddr, root: &DocRoot) {
    println!("{}", banner(address));
    println!(
        "Serving files from {} (change with --directory)",
        root.path().display()
    );
}

/// The banner `python -m http.server` prints, with the port we really got
/// (which differs from the one asked for when that was 0).
pub fn banner(address: SocketAddr) -> String {
    let ip = address.ip();
    let port = address.port();
    let url_host = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    };
    format!("Serving HTTP on {ip} port {port} (http://{url_host}:{port}/) ...")
}

/// One clear line for the error a classroom meets most: two servers on one port.
pub fn bind_error(address: SocketAddr, error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::AddrInUse => format!(
            "error: port {port} is already in use on {ip}; stop the other server or pick another port, e.g. {next}",
            port = address.port(),
            ip = address.ip(),
            next = address.port().wrapping_add(1).max(1024),
        ),
        io::ErrorKind::PermissionDenied => format!(
            "error: not allowed to listen on {address} (ports below 1024 need privileges); try a port like 8000"
        ),
        io::ErrorKind::AddrNotAvailable => {
            format!(
                "error: {ip} is not an address of this machine",
                ip = address.ip()
            )
        }
        _ => format!("error: cannot listen on {address}: {error}"),
    }
}

#[cfg(test)]
mod tests;
