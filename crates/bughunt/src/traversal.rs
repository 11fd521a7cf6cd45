//! Bug 1 — path traversal. The handler joins the request target onto the
//! served directory exactly as the article's `_validate_path` does with
//! `os.path.join(os.getcwd(), self.path.lstrip('/'))`, and serves whatever
//! file that names.
//!
//! Your turn: write a request that makes this handler send a file from
//! *outside* the served directory, then fix `handle` so that it refuses it
//! (403 or 404) and still serves the files inside.

use std::fs;
use std::io;
use std::net::TcpStream;
use std::path::Path;

use crate::{TIMEOUT, read_request_line, send};

/// The raw request (request line, headers, empty line) that exposes the bug.
/// Write it here, e.g. `"GET /... HTTP/1.1\r\nHost: x\r\n\r\n"`.
pub const EXPOSING_REQUEST: &str = "";

/// Answers one request with a file of `root`.
pub fn handle(stream: &TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    let request_line = read_request_line(stream)?;
    let mut parts = request_line.split(' ');
    let (Some(_method), Some(target)) = (parts.next(), parts.next()) else {
        return send(stream, "400 Bad Request", b"<h1>400 Bad Request</h1>\n");
    };
    let mut path = root.join(target.trim_start_matches('/'));
    if path.is_dir() {
        path = path.join("index.html");
    }
    match fs::read(&path) {
        Ok(body) => send(stream, "200 OK", &body),
        Err(_) => send(stream, "404 Not Found", b"<h1>404 Not Found</h1>\n"),
    }
}
