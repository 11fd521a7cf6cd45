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
use std::net::{SocketAddr, TcpListener};

use log::debug;

// ANCHOR: pico_tcp_server
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

    /// Hands the listening socket over. tiny_http's public API takes a
    /// listener (`Server::from_listener`) but keeps its accept loop, its
    /// threads and the connections to itself: in this step we own the socket,
    /// and step 4 writes the accept loop too.
    pub fn into_listener(self) -> TcpListener {
        self.listener
    }
}
// ANCHOR_END: pico_tcp_server
