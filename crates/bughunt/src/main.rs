//! `bughunt VARIANT [PORT] [-d DIR]`: runs one of the three broken handlers
//! (`traversal`, `crash`, `idle`) on 127.0.0.1, serving DIR (default: the
//! workspace's `www/`), one connection at a time.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: bughunt traversal|crash|idle [PORT] [-d DIR]   (default port 8000, DIR the workspace's www/)";

/// The workspace's sample site, as for the stages.
const DEFAULT_DIRECTORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www");

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(handle) = args.next().as_deref().and_then(bughunt::variant) else {
        return usage_error();
    };
    let mut port = 8000;
    let mut directory = PathBuf::from(DEFAULT_DIRECTORY);
    while let Some(arg) = args.next() {
        if arg == "-d" || arg == "--directory" {
            match args.next() {
                Some(dir) => directory = PathBuf::from(dir),
                None => return usage_error(),
            }
        } else if let Ok(number) = arg.parse() {
            port = number;
        } else {
            return usage_error();
        }
    }
    let root = match directory.canonicalize() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: cannot serve {}: {error}", directory.display());
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on port {port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    // The same banner as the stages, so the same tools can start it.
    println!("Serving HTTP on 127.0.0.1 port {port} (http://127.0.0.1:{port}/) ...");
    println!("Serving files from {}", root.display());
    bughunt::serve_forever(&listener, &root, handle);
    ExitCode::SUCCESS
}

fn usage_error() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
