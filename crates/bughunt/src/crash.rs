//! Bug 2 — a malformed request line crashes the server. The handler splits the
//! request line on spaces and takes the second part, exactly as the article's
//! `requestline.split(' ')[1]`. In Python that raises `IndexError`, which
//! ends `serve_forever`; in Rust, indexing past the end panics, and a panic on
//! the server's only thread ends the program.
//!
//! Your turn: write a request that brings the server down, then fix `handle`
//! so that it answers 400 Bad Request and the server goes on serving.

use std::fs;
use std::io;
use std::net::TcpStream;
use std::path::Path;

use crate::{TIMEOUT, read_request_line, send};

/// The raw request that exposes the bug. Write it here, e.g. `"...\r\n\r\n"`.
pub const EXPOSING_REQUEST: &str = "";

/// Answers one request with a file of `root`.
pub fn handle(stream: &TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    let request_line = read_request_line(stream)?;
    let parts: Vec<&str> = request_line.split(' ').collect();
    let target = parts[1];
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
