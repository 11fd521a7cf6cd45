//! Bug 3 — one idle client blocks everyone. The server serves one connection
//! at a time, and this handler reads the request with no timeout, as the
//! article's `request_stream.readline()` does. A client that connects and
//! stops sending keeps `read` waiting forever, and every other client waits
//! behind it in the accept queue.
//!
//! Your turn: write a request that freezes the server (send it with `nc` and
//! keep the connection open, then try `curl` in another terminal), then fix
//! `handle` so that the idle client is dropped after [`crate::TIMEOUT`] and
//! the others are served.

use std::fs;
use std::io;
use std::net::TcpStream;
use std::path::Path;

use crate::{read_request_line, send};

/// The raw bytes that expose the bug: what the idle client sends before it
/// stops. Write them here.
pub const EXPOSING_REQUEST: &str = "";

/// Answers one request with a file of `root`.
pub fn handle(stream: &TcpStream, root: &Path) -> io::Result<()> {
    let request_line = read_request_line(stream)?;
    let mut parts = request_line.split(' ');
    let (Some(_method), Some(target)) = (parts.next(), parts.next()) else {
        return send(stream, "400 Bad Request", b"<h1>400 Bad Request</h1>\n");
    };
    // Only plain names below the root: this variant's bug is another one.
    if target.split('/').any(|segment| segment == "..") {
        return send(stream, "403 Forbidden", b"<h1>403 Forbidden</h1>\n");
    }
    let mut path = root.join(target.trim_start_matches('/'));
    if path.is_dir() {
        path = path.join("index.html");
    }
    match fs::read(&path) {
        Ok(body) => send(stream, "200 OK", &body),
        Err(_) => send(stream, "404 Not Found", b"<h1>404 Not Found</h1>\n"),
    }
}
