//! One exchange on the wire: connect, send bytes, read until the response's
//! framing says it is complete (RFC 9112 §6.3: `Content-Length`, the last
//! chunk, or no body at all for HEAD, 1xx, 204 and 304), then a moment more
//! to learn whether the server closes. `response.rs` parses what came.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::response::framed_end;
pub(crate) use crate::response::{Broken, Response, parse};

/// We keep at most this much of a response: enough for every page of the
/// fixture; the big file is read by its own check, which counts instead.
const KEEP: usize = 1024 * 1024;

/// After a complete response, how long we wait to see the server close.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Silence this long, and a second client asks for a page: a server that
/// wrote its answer into a buffer and never flushed it sends it only when
/// something else happens, like the article's `makefile()` streams, which
/// are flushed when the next connection replaces them (bugs chapter, item 8).
const NUDGE_AFTER: Duration = Duration::from_secs(1);

/// Once a server has been seen sending an answer only when a second client
/// came, later exchanges call the second client after this shorter silence.
const NUDGE_AFTER_SEEN: Duration = Duration::from_millis(200);

/// Set when an answer came only with the second client: see [`NUDGE_AFTER_SEEN`].
static HOLDS_ANSWERS: AtomicBool = AtomicBool::new(false);

/// An answer that sat in a buffer comes at once when the second client is
/// accepted; one that comes later is the server's own slowness (a timer of
/// its own, say), and is not called unflushed.
const NUDGE_ECHO: Duration = Duration::from_millis(500);

/// Set once a server has answered and then kept the connection open: from
/// then on, exchanges end with the response instead of waiting for a close
/// that never comes. The connection check still waits, to report it.
static KEEPS_OPEN: AtomicBool = AtomicBool::new(false);

/// How an exchange ended on the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The server closed its side (read returned 0).
    Closed,
    /// The response was complete and the connection stayed open.
    KeptOpen,
    /// `ECONNRESET`: it closed with our bytes unread, or it crashed.
    Reset,
    /// Nobody listens on the port.
    Refused,
    /// The time bound passed before the response was complete.
    TimedOut,
}

/// The bytes of one exchange.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    pub(crate) sent: Vec<u8>,
    pub(crate) received: Vec<u8>,
    pub(crate) end: End,
    pub(crate) elapsed: Duration,
    /// A second client connected after [`NUDGE_AFTER`] of silence.
    pub(crate) nudged: bool,
    /// ... and the first byte of this response came at once after it.
    pub(crate) unflushed: bool,
}

/// How long an exchange may take and what it knows of the request.
#[derive(Debug, Clone)]
pub(crate) struct Wait {
    pub(crate) limit: Duration,
    /// The request was HEAD: its response ends with the head.
    pub(crate) head: bool,
    /// Wait for the close even when the server is known to keep connections.
    pub(crate) await_close: bool,
    /// What the second client sends after a silence; `None`: no second client.
    pub(crate) nudge: Option<Vec<u8>>,
}

impl Wait {
    /// A plain wait of `limit`, without a second client.
    pub(crate) fn plain(limit: Duration) -> Wait {
        Wait {
            limit,
            head: false,
            await_close: false,
            nudge: None,
        }
    }
}

/// Connects, sends `request`, reads the response as [`Wait`] says.
pub(crate) fn exchange(addr: SocketAddr, request: &[u8], wait: &Wait) -> Exchange {
    let start = Instant::now();
    let mut exchange = Exchange {
        sent: request.to_vec(),
        received: Vec::new(),
        end: End::TimedOut,
        elapsed: Duration::ZERO,
        nudged: false,
        unflushed: false,
    };
    match TcpStream::connect_timeout(&addr, wait.limit) {
        Ok(stream) => {
            // A write error is not the end: the server may have answered (a
            // 414, say) and closed before reading all we sent. A server that
            // reads nothing of a large body blocks the write: bound it too.
            let _ = stream.set_write_timeout(Some(wait.limit));
            let _ = (&stream).write_all(request);
            let mut reader = Reader::new(&stream, start + wait.limit, wait.head);
            let nudge = wait.nudge.as_deref().map(|bytes| (addr, bytes));
            let other = reader.read_response(nudge);
            reader.await_close(wait.await_close);
            exchange.nudged = other.is_some();
            exchange.unflushed = reader.unflushed;
            exchange.end = reader.end;
            exchange.received = reader.received;
            if let Some(other) = other {
                finish_other(&other);
            }
        }
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => exchange.end = End::Refused,
        Err(_) => {}
    }
    exchange.elapsed = start.elapsed();
    exchange
}

/// Reads the second client's answer, so that a server serving one client at
/// a time is not left writing to a closed socket; at most one second.
fn finish_other(stream: &TcpStream) {
    let mut reader = Reader::new(stream, Instant::now() + NUDGE_AFTER, false);
    reader.read_response(None);
}

/// One connection being read: what came, how it ended, and whether the
/// response is complete by its framing.
struct Reader<'s> {
    stream: &'s TcpStream,
    deadline: Instant,
    head: bool,
    received: Vec<u8>,
    /// Bytes read, also past [`KEEP`].
    total: usize,
    end: End,
    complete: bool,
    unflushed: bool,
}

/// What one read brought.
enum Got {
    Bytes,
    Quiet,
    Over(End),
}

impl<'s> Reader<'s> {
    fn new(stream: &'s TcpStream, deadline: Instant, head: bool) -> Reader<'s> {
        Reader {
            stream,
            deadline,
            head,
            received: Vec::new(),
            total: 0,
            end: End::TimedOut,
            complete: false,
            unflushed: false,
        }
    }

    /// One read, waiting at most `wait` (and never past the deadline).
    fn read_once(&mut self, wait: Duration) -> Got {
        let left = self.deadline.saturating_duration_since(Instant::now());
        let wait = wait.min(left);
        if wait.is_zero() || self.stream.set_read_timeout(Some(wait)).is_err() {
            return if left.is_zero() {
                Got::Over(End::TimedOut)
            } else {
                Got::Quiet
            };
        }
        let mut buffer = [0u8; 16 * 1024];
        let mut stream = self.stream;
        match stream.read(&mut buffer) {
            Ok(0) => Got::Over(End::Closed),
            Ok(n) => {
                let room = KEEP.saturating_sub(self.received.len()).min(n);
                self.received.extend_from_slice(&buffer[..room]);
                self.total += n;
                Got::Bytes
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => Got::Quiet,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Got::Quiet,
            Err(_) => Got::Over(End::Reset),
        }
    }

    /// Reads until the framing says the response is complete, the server
    /// closes or resets, or the deadline. After a silence of [`NUDGE_AFTER`]
    /// with nothing received, a second client connects to the address and
    /// sends the bytes of `nudge`; its stream is returned, for the caller to
    /// finish.
    fn read_response(&mut self, mut nudge: Option<(SocketAddr, &[u8])>) -> Option<TcpStream> {
        let start = Instant::now();
        let mut other = None;
        let mut nudged_at: Option<Instant> = None;
        let nudge_after = if HOLDS_ANSWERS.load(Ordering::SeqCst) {
            NUDGE_AFTER_SEEN
        } else {
            NUDGE_AFTER
        };
        loop {
            let silent = self.received.is_empty() && nudge.is_some();
            let wait = if silent {
                nudge_after.saturating_sub(start.elapsed())
            } else {
                Duration::MAX
            };
            match self.read_once(wait) {
                Got::Over(end) => {
                    self.end = end;
                    return other;
                }
                Got::Bytes => {
                    // The second client connects only while nothing came:
                    // these are the first bytes.
                    if nudged_at.is_some_and(|at| at.elapsed() <= NUDGE_ECHO) {
                        self.unflushed = true;
                        HOLDS_ANSWERS.store(true, Ordering::SeqCst);
                    }
                    nudged_at = None;
                    if framed_end(&self.received, self.total, self.head).is_some() {
                        self.complete = true;
                        return other;
                    }
                }
                Got::Quiet if silent && start.elapsed() >= nudge_after => {
                    if let Some((addr, bytes)) = nudge.take() {
                        other = TcpStream::connect_timeout(&addr, NUDGE_AFTER).ok();
                        if let Some(stream) = &other {
                            let _ = (&*stream).write_all(bytes);
                            nudged_at = Some(Instant::now());
                        }
                    }
                }
                Got::Quiet => {}
            }
        }
    }

    /// After a complete response: waits [`CLOSE_GRACE`] for the close, unless
    /// the server is known to keep connections open and `always` is false.
    /// Bytes that still come (a body after HEAD, more than `Content-Length`
    /// said) are kept for the diagnosis.
    fn await_close(&mut self, always: bool) {
        if !self.complete {
            return;
        }
        if KEEPS_OPEN.load(Ordering::SeqCst) && !always {
            self.end = End::KeptOpen;
            return;
        }
        self.deadline = Instant::now() + CLOSE_GRACE;
        loop {
            match self.read_once(CLOSE_GRACE) {
                Got::Bytes => {}
                Got::Over(End::TimedOut) | Got::Quiet => {
                    KEEPS_OPEN.store(true, Ordering::SeqCst);
                    self.end = End::KeptOpen;
                    return;
                }
                Got::Over(end) => {
                    self.end = end;
                    return;
                }
            }
        }
    }
}

impl Exchange {
    /// The response, parsed; `head` for a HEAD request, whose response has
    /// headers but never a body (RFC 9110 §9.3.2).
    pub(crate) fn response(&self, head: bool) -> Result<Response, Broken> {
        if self.unflushed {
            return Err(Broken::Unflushed);
        }
        parse(&self.received, head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A server that answers one request with `response` and then holds the
    /// connection open until the test ends.
    fn holding(response: &'static [u8]) -> (SocketAddr, std::sync::mpsc::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let (done, wait) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                let _ = (&stream).write_all(response);
                let _ = wait.recv();
            }
        });
        (addr, done)
    }

    #[test]
    fn a_framed_response_ends_the_exchange_on_an_open_connection() {
        let (addr, done) = holding(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        let mut wait = Wait::plain(Duration::from_secs(30));
        wait.await_close = true;
        let exchange = exchange(addr, b"GET / HTTP/1.1\r\n\r\n", &wait);
        drop(done);
        assert_eq!(exchange.end, End::KeptOpen);
        assert!(exchange.elapsed < Duration::from_secs(30), "{exchange:?}");
        assert_eq!(
            exchange.response(false).map(|r| r.body).ok(),
            Some(b"hi".to_vec())
        );
    }
}
