//! `PicoHttpRequestHandler`: one request in, one response out.
//!
//! The article's `PicoHTTPRequestHandler` parses the request, checks the path,
//! then the method, and writes a response. We keep its shape and its names
//! (`handle`, `handle_get`, `handle_head`) and fix its order: the method is
//! checked first, so `DELETE /missing` is 405 (not 404) and `POST` is 403
//! whatever the path.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use log::{debug, info, warn};

use crate::content_type;
use crate::docroot::DocRoot;
use crate::request::{self, ParseError, Request};
use crate::response::Response;

/// Serves the files of one directory, a request at a time.
#[derive(Debug)]
pub struct PicoHttpRequestHandler {
    root: DocRoot,
    timeout: Duration,
}

/// How a connection ended, so that the server knows how to close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Everything the client sent has been read: close at once.
    Done,
    /// The client may still be sending (a body we did not read, or the rest of
    /// a head we refused): close gently, or the response may be lost.
    InputLeft,
}

impl PicoHttpRequestHandler {
    /// `timeout` bounds the time for the whole request head, and each write.
    pub fn new(root: DocRoot, timeout: Duration) -> PicoHttpRequestHandler {
        PicoHttpRequestHandler { root, timeout }
    }

    /// The deadline for a request head, and for each write.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    // ANCHOR: handle
    /// Reads one request from `stream` and writes its response.
    pub fn handle(&self, stream: &TcpStream, peer: SocketAddr) -> io::Result<Ending> {
        // A client that stops reading blocks `write` once the socket buffers are
        // full; the timeout turns that into an error instead of a hang.
        stream.set_write_timeout(Some(self.timeout))?;
        let mut reader = BufReader::new(Deadline::new(stream, self.timeout));

        let (response, request_line, ending) = match request::parse_request(&mut reader) {
            Ok(request) => {
                debug!("request head: {:?}", request.raw_head);
                let unread = request.announces_body() || !reader.buffer().is_empty();
                let ending = if unread {
                    Ending::InputLeft
                } else {
                    Ending::Done
                };
                (self.respond_to(&request), request.line(), ending)
            }
            Err(ParseError::Closed) => {
                debug!("{peer} closed the connection without sending a request");
                return Ok(Ending::Done);
            }
            Err(ParseError::Io(error)) => return Err(error),
            Err(error) => {
                let code = error.status().unwrap_or(400);
                let ending = match error {
                    ParseError::Timeout => Ending::Done,
                    _ => Ending::InputLeft,
                };
                (
                    Response::error(code, error.detail()),
                    "-".to_string(),
                    ending,
                )
            }
        };

        let head = response.head();
        debug!("response head: {head:?}");
        info!(
            "{peer} \"{request_line}\" {} {}",
            response.status(),
            response.content_length()
        );
        response.send(&head, stream)?;
        Ok(ending)
    }
    // ANCHOR_END: handle

    // ANCHOR: respond_to
    /// The article's policy: GET and HEAD serve files, POST is forbidden,
    /// anything else is not allowed.
    fn respond_to(&self, request: &Request) -> Response {
        match request.method.as_str() {
            "GET" => self.handle_get(request),
            "HEAD" => self.handle_head(request),
            "POST" => Response::error(403, "POST is not allowed: this server only serves files"),
            _ => Response::error(405, "only GET and HEAD are allowed")
                .with_header("Allow", "GET, HEAD"),
        }
    }

    /// The file the target names, streamed as the body.
    pub fn handle_get(&self, request: &Request) -> Response {
        let path = match self.root.resolve(&request.target) {
            Ok(path) => path,
            Err(refusal) => return Response::error(refusal.status(), refusal.reason()),
        };
        let opened = File::open(&path).and_then(|file| {
            let length = file.metadata()?.len();
            Ok((file, length))
        });
        match opened {
            Ok((file, length)) => Response::file(file, length, content_type::for_path(&path)),
            Err(error) => {
                warn!("cannot open {}: {error}", path.display());
                match error.kind() {
                    io::ErrorKind::PermissionDenied => Response::error(403, "permission denied"),
                    _ => Response::error(404, "the file could not be opened"),
                }
            }
        }
    }

    /// GET without the body: the same status and headers (RFC 9110 §9.3.2).
    pub fn handle_head(&self, request: &Request) -> Response {
        self.handle_get(request).without_body()
    }
    // ANCHOR_END: respond_to
}

// ANCHOR: deadline
/// Reads from the socket, but never past one deadline for the whole head.
///
/// A read timeout alone is not enough: it restarts with every byte, so a client
/// that sends one byte a second could hold this one-at-a-time server forever
/// (the "slowloris" attack). Before each read we set the timeout to whatever is
/// left until the deadline.
#[derive(Debug)]
struct Deadline<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> Deadline<'a> {
    fn new(stream: &'a TcpStream, timeout: Duration) -> Deadline<'a> {
        Deadline {
            stream,
            deadline: Instant::now() + timeout,
        }
    }
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}
// ANCHOR_END: deadline
