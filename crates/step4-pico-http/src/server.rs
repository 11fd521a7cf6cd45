//! `PicoTcpServer`: the listening socket, built and owned by us.
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

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use log::{debug, warn};

/// Our TCP server: the listening socket the article's `PicoTCPServer` opens.
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
    /// Accepts connections one at a time, forever, and gives each to
    /// `request_handler` with the client's address: the article's
    /// `self.request_handler(...)` inside its `while True: accept()`.
    ///
    /// `accept` takes the oldest connection from the kernel's accept queue (or
    /// sleeps until one arrives) and returns a new socket for it; the listening
    /// socket stays as it was. While one client is served, the next ones wait
    /// in that queue. What is spoken over the connection is the handler's
    /// business: it owns the stream, and dropping it closes the socket.
    pub fn serve_forever(&self, request_handler: impl Fn(TcpStream, SocketAddr)) -> ! {
        loop {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    debug!("Accepted connection from {peer}");
                    request_handler(stream, peer);
                    debug!("Closed connection from {peer}");
                }
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
