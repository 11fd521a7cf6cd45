//! The bug hunt: three small HTTP handlers shaped like the article's
//! `PicoHTTPRequestHandler`, each with one of its real bugs left in.
//!
//! - [`traversal`]: the target is joined onto the served directory as is, so
//!   a request can read files outside it;
//! - [`crash`]: the request line is split on spaces and indexed, so a
//!   malformed one panics and takes the whole server down;
//! - [`idle`]: the socket has no read timeout, so one client that stops
//!   sending holds this one-at-a-time server forever.
//!
//! For each one the exercise is the same (see the book's bug hunt page):
//! write the request that exposes the bug into the module's
//! `EXPOSING_REQUEST`, then fix the handler. `just exercise bug-traversal`
//! checks both. Step 4 fixes all three; this crate is not a stage, and nothing
//! else depends on it.
//!
//! Run one with `cargo run -p bughunt -- traversal` and poke it with `curl`
//! or `nc 127.0.0.1 8000`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

pub mod crash;
pub mod idle;
pub mod traversal;

/// How long the careful handlers wait for a client's next bytes.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// Longest line we read; the bugs hunted here are others.
const MAX_LINE: u64 = 8 * 1024;

/// A handler: answers the one request on `stream` with a file of `root`.
pub type Handler = fn(&TcpStream, &Path) -> io::Result<()>;

/// The variant called `name` on the command line.
pub fn variant(name: &str) -> Option<Handler> {
    match name {
        "traversal" => Some(traversal::handle),
        "crash" => Some(crash::handle),
        "idle" => Some(idle::handle),
        _ => None,
    }
}

/// The article's `serve_forever`: one connection at a time, one request each.
/// A handler's error ends its connection only; a panic ends the program, as an
/// exception ends the article's server.
pub fn serve_forever(listener: &TcpListener, root: &Path, handle: Handler) {
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                if let Err(error) = handle(&stream, root) {
                    eprintln!("{peer}: {error}");
                }
            }
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
}

/// Reads a request head: the request line, then header lines up to the empty
/// one. Returns the request line (without its line ending); headers are skipped.
pub fn read_request_line(stream: &TcpStream) -> io::Result<String> {
    let mut reader = BufReader::new(stream);
    let request_line = read_line(&mut reader)?;
    while !read_line(&mut reader)?.is_empty() {}
    Ok(request_line)
}

fn read_line(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = Vec::new();
    Read::take(&mut *reader, MAX_LINE).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the head ended early",
        ));
    }
    Ok(String::from_utf8_lossy(&line)
        .trim_end_matches(['\r', '\n'])
        .to_string())
}

/// Writes a whole response: status line, three headers, the body.
pub fn send(mut stream: &TcpStream, status: &str, body: &[u8]) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}
