//! `PicoTcpServer`: the listening socket and the accept loop, built and owned by us.
//!
//! The article's `PicoTCPServer.__init__` makes four system calls by hand:
//! `socket(AF_INET, SOCK_STREAM)`, `setsockopt(SO_REUSEADDR)`, `bind` and
//! `listen`. In Rust one call, [`TcpListener::bind`], makes all four (see them
//! with `just trace 3`). What each one is for:
//!
//! - `socket` asks the kernel for a TCP endpoint (a file descriptor).
//! - `SO_REUSEADDR` lets a restarted server bind its port again at once, while
//!   connections of the previous run still linger in TIME_WAIT; without it the
//!   bind fails with "Address already in use" for a minute or two. The standard
//!   library sets it on Unix. It does not on Windows, where the same option
//!   would let a second program take over a port that is in use.
//! - `bind` claims the address and port; port 0 lets the kernel pick a free one,
//!   which is why we ask the socket afterwards which address it really got.
//! - `listen` turns the socket into a listening one. Connections the kernel has
//!   completed (the 3-way handshake is done without us) wait in the accept
//!   queue until the program calls `accept`; the backlog is that queue's length
//!   (std asks for 128; Linux caps it at `net.core.somaxconn`). Past it, new
//!   connections wait or are refused.

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use log::{debug, warn};

use crate::handler::{Ending, PicoHttpRequestHandler};

/// Our TCP server: the listening socket, and `serve_forever` to run it.
#[derive(Debug)]
pub struct PicoTcpServer {
    listener: TcpListener,
}

impl PicoTcpServer {
    /// Creates the listening socket: `socket`, `setsockopt`, `bind`, `listen`.
    pub fn bind(address: SocketAddr) -> io::Result<PicoTcpServer> {
        let listener = TcpListener::bind(address)?;
        debug!("listening socket bound to {}", listener.local_addr()?);
        Ok(PicoTcpServer { listener })
    }

    /// The address the socket really got (its port differs from the one asked
    /// for when that was 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    // ANCHOR: serve_forever
    /// Accepts connections one at a time, forever: one request, one response,
    /// close. While one client is served, the next ones wait in the accept queue.
    pub fn serve_forever(&self, handler: &PicoHttpRequestHandler) -> ! {
        loop {
            match self.listener.accept() {
                Ok((stream, peer)) => serve_connection(&stream, peer, handler),
                Err(error) => {
                    // Typically "too many open files". Retrying at once would
                    // spin; a short pause gives the system time to recover.
                    warn!("accept failed: {error}");
                    thread::sleep(ACCEPT_RETRY_PAUSE);
                }
            }
        }
    }
    // ANCHOR_END: serve_forever
}

/// How long to wait before accepting again after `accept` failed.
const ACCEPT_RETRY_PAUSE: Duration = Duration::from_millis(100);

// ANCHOR: serve_connection
/// One connection: the handler's exchange, then the close. An error here ends
/// this connection only; `serve_forever` goes on with the next.
fn serve_connection(stream: &TcpStream, peer: SocketAddr, handler: &PicoHttpRequestHandler) {
    debug!("Accepted connection from {peer}");
    match handler.handle(stream, peer) {
        Ok(Ending::Done) => {}
        Ok(Ending::InputLeft) => close_gently(stream, handler.timeout()),
        // Most often the client went away mid-response (reset, broken pipe)
        // or stopped reading until the write timeout.
        Err(error) => warn!("{peer}: connection failed: {error}"),
    }
    debug!("Closed connection from {peer}");
}
// ANCHOR_END: serve_connection

// ANCHOR: close_gently
/// Most we read, and longest we wait, while closing gently.
const LINGER_BYTES: u64 = 64 * 1024 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(2);

/// Closes a connection whose client may still be sending.
///
/// When a socket is closed with unread bytes in its receive buffer, the kernel
/// answers with a reset (RST) instead of an orderly FIN, and a reset can
/// destroy the response before the client has read it. RFC 9112 §9.6 says what
/// to do: half-close (send FIN after the response), then read and discard until
/// the client closes too. We bound that by time and bytes, so a client that
/// never stops cannot keep the server busy: never longer than the server's
/// `timeout`, the most any one client may hold it.
fn close_gently(stream: &TcpStream, timeout: Duration) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER_TIME.min(timeout);
    let mut discarded = 0;
    let mut sink = [0; 16 * 1024];
    let mut stream = stream;
    while discarded < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => discarded += n as u64,
        }
    }
}
// ANCHOR_END: close_gently
