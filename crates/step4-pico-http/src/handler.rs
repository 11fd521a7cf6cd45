//! `PicoHttpRequestHandler`: one request in, one response out.
//!
//! The article's `PicoHTTPRequestHandler.handle` parses the request, validates
//! the path, dispatches on the method and writes the response. [`handle`]
//! keeps that order as a ladder: each rung either answers with an error page
//! or lets the request down to the next, and only a request that passes them
//! all gets its file. One change of order: the method is checked before the
//! path, so `DELETE /missing` is 405 (not the article's 404) and `POST` is 403
//! whatever the path.
//!
//! [`handle`]: PicoHttpRequestHandler::handle

use std::fs::File;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use log::{debug, info, warn};

use crate::conformance::{self, Rejection};
use crate::connection::Connection;
use crate::content_type;
use crate::docroot::{self, DocRoot};
use crate::request::{ParseError, Request, parse_request};
use crate::response::{ResponseWriter, Sent};
use crate::status;

/// Serves the files of one directory, a request at a time.
#[derive(Debug)]
pub struct PicoHttpRequestHandler {
    root: DocRoot,
    timeout: Duration,
}

/// A file that passed `validate_path`, open and ready to send.
#[derive(Debug)]
struct Found {
    file: File,
    length: u64,
    content_type: &'static str,
    /// 200, or 304 when `If-None-Match: *` asked for none.
    status: u16,
}

/// How to close the connection once the response is out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Close {
    /// Everything the client sent has been read (or it is too slow to wait for).
    AtOnce,
    /// The client may still be sending: a body we do not read, or the rest of
    /// a head we refused.
    Gently,
}

impl PicoHttpRequestHandler {
    /// `timeout` bounds the time for the whole request head, and each write.
    pub fn new(root: DocRoot, timeout: Duration) -> PicoHttpRequestHandler {
        PicoHttpRequestHandler { root, timeout }
    }

    // ANCHOR: handle
    /// Serves one connection: one request, one response, then the close. An
    /// error here ends this connection only; the server goes on with the next.
    pub fn handle(&self, stream: TcpStream, peer: SocketAddr) {
        let ended = Connection::new(stream, self.timeout).and_then(|mut connection| {
            match self.exchange(&mut connection, peer)? {
                // Dropping the connection closes the socket.
                Close::AtOnce => {}
                Close::Gently => connection.close_gently(),
            }
            Ok(())
        });
        // Most often the client went away mid-response (reset, broken pipe)
        // or stopped reading until the write timeout.
        if let Err(error) = ended {
            warn!("{peer}: connection failed: {error}");
        }
    }

    /// The article's `handle`, rung by rung.
    fn exchange(&self, connection: &mut Connection, peer: SocketAddr) -> io::Result<Close> {
        // 1. Parse the request head: 400, 408, 414, 431 or 505 when it is broken.
        let request = match parse_request(connection.reader()) {
            Ok(request) => request,
            Err(ParseError::Io(error)) => return Err(error),
            Err(ParseError::Closed) => {
                debug!("{peer} closed the connection without sending a request");
                return Ok(Close::AtOnce);
            }
            Err(error) => {
                let refused = Rejection::new(error.status().unwrap_or(400), error.detail());
                let sent = send_error(ResponseWriter::new(connection.writer()), refused, "")?;
                log_access(peer, "-", sent);
                // After a timeout the client is too slow to wait for; after
                // any other refusal, the rest of its head may still be coming.
                return Ok(match error {
                    ParseError::Timeout => Close::AtOnce,
                    _ => Close::Gently,
                });
            }
        };
        debug!("request head: {:?}", request.raw_head);
        let sent = self.respond(&request, connection.writer())?;
        log_access(peer, &request.line(), sent);
        if request.announces_body() || connection.has_unread_input() {
            return Ok(Close::Gently);
        }
        Ok(Close::AtOnce)
    }

    /// The rest of the ladder, for a request that parsed.
    fn respond(&self, request: &Request, out: &TcpStream) -> io::Result<Sent> {
        let out = match request.method.as_str() {
            "HEAD" => ResponseWriter::new(out).without_body(),
            _ => ResponseWriter::new(out),
        };
        let target = &request.target;
        // 2. Validate the head: one `Host`, one body length (RFC 9112 §3.2, §6).
        if let Err(refused) = conformance::check_head(1, request.minor(), &request.fields()) {
            return send_error(out, refused, target);
        }
        // 3. The method, before the path: the article's policy.
        if let Err(refused) = check_method(&request.method) {
            return send_error(out, refused, target);
        }
        // 4. Validate the path (a directory without its `/` is a 301).
        let mut found = match self.validate_path(target) {
            Ok(found) => found,
            Err(refused) => return send_error(out, refused, target),
        };
        // 5. Preconditions (RFC 9110 §13): 412, or 304, the file's head alone.
        let out = match conformance::precondition(&request.fields()) {
            Some(Rejection { status: 304, .. }) => {
                found.status = 304;
                out.without_body()
            }
            Some(refused) => return send_error(out, refused, target),
            None => out,
        };
        // 6. Dispatch on the method, as the article's `handle_{command}`, and
        // write the response.
        match request.method.as_str() {
            "HEAD" => self.handle_head(out, &found),
            _ => self.handle_get(out, found),
        }
    }
    // ANCHOR_END: handle

    // ANCHOR: validate_path
    /// The article's `_validate_path`: from the request target to an open file.
    /// The hard part, never leaving the document root, is [`DocRoot::resolve`]
    /// (in `docroot.rs`, shared with steps 1 and 3); here the file is opened,
    /// so that a file we may not read is a 403, not a crash halfway through.
    fn validate_path(&self, target: &str) -> Result<Found, Rejection> {
        let path = self
            .root
            .resolve(target)
            .map_err(|refusal| Rejection::new(refusal.status(), refusal.reason()))?;
        let opened = File::open(&path).and_then(|file| Ok((file.metadata()?.len(), file)));
        match opened {
            Ok((length, file)) => Ok(Found {
                file,
                length,
                content_type: content_type::for_path(&path),
                status: 200,
            }),
            Err(error) => {
                warn!("cannot open {}: {error}", path.display());
                Err(match error.kind() {
                    io::ErrorKind::PermissionDenied => Rejection::new(403, "permission denied"),
                    _ => Rejection::new(404, "the file could not be opened"),
                })
            }
        }
    }
    // ANCHOR_END: validate_path

    // ANCHOR: handle_get
    /// GET is HEAD plus the body. In the article `handle_GET` calls
    /// `handle_HEAD`, which writes and flushes the head, then writes the file.
    /// Here neither calls the other: both write the same head with
    /// `write_file_head`, which only fills the writer's buffer, so that GET's
    /// head leaves with the first piece of the file in one `write`.
    fn handle_get(&self, mut out: ResponseWriter<&TcpStream>, found: Found) -> io::Result<Sent> {
        self.write_file_head(&mut out, &found);
        out.write_file(found.file, found.length)
    }

    /// HEAD: the head GET would send, without the body (the writer was made
    /// `without_body`, so that error pages lose theirs too).
    fn handle_head(&self, mut out: ResponseWriter<&TcpStream>, found: &Found) -> io::Result<Sent> {
        self.write_file_head(&mut out, found);
        out.end()
    }

    /// The head both share. Only written into the response's buffer: GET sends
    /// it with the first piece of the file, HEAD alone.
    fn write_file_head(&self, out: &mut ResponseWriter<&TcpStream>, found: &Found) {
        out.write_response_line(found.status);
        out.write_headers(found.content_type, found.length, &[]);
    }
    // ANCHOR_END: handle_get
}

// ANCHOR: check_method
/// The article's policy: GET and HEAD serve files, POST is forbidden, anything
/// else is not allowed.
fn check_method(method: &str) -> Result<(), Rejection> {
    match method {
        "GET" | "HEAD" => Ok(()),
        "POST" => Err(Rejection::new(
            403,
            "POST is not allowed: this server only serves files",
        )),
        _ => Err(Rejection::new(405, "only GET and HEAD are allowed")),
    }
}

/// The one error-page maker: the article's `_return_404`, `_return_405` and
/// `_return_403`, with a page that says what went wrong. `target` is the
/// request's, for the `Location` of a 301.
fn send_error(
    mut out: ResponseWriter<&TcpStream>,
    refused: Rejection,
    target: &str,
) -> io::Result<Sent> {
    let page = status::error_page(refused.status, refused.reason);
    out.write_response_line(refused.status);
    let location = docroot::with_slash(target);
    // A 405 lists the methods allowed (RFC 9110 §15.5.6); a 301 where to go.
    let extra = match refused.status {
        405 => vec![("Allow", "GET, HEAD")],
        301 => vec![("Location", location.as_str())],
        _ => vec![],
    };
    out.write_headers("text/html; charset=utf-8", page.len() as u64, &extra);
    out.write_body(page.as_bytes())
}
// ANCHOR_END: check_method

/// The access log: who, what, and how it ended, one line per request.
fn log_access(peer: SocketAddr, request_line: &str, sent: Sent) {
    info!(
        "{peer} \"{request_line}\" {} {}",
        sent.status, sent.body_bytes
    );
}
