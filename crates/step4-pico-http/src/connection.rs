//! One HTTP connection on its TCP socket: the timeouts HTTP needs, and how it
//! ends. `PicoTcpServer` only accepts; everything that depends on what is
//! spoken over the socket is here, on the HTTP side.
//!
//! Three dangers of a server that serves one client at a time, and their cures:
//!
//! - a client that sends its head slowly, or never: one deadline for the whole
//!   head ([`Deadline`]), answered with 408;
//! - a client that stops reading the response: a write timeout on the socket;
//! - a client still sending when we close: the gentle close of RFC 9112 §9.6
//!   ([`Connection::close_gently`]), or the response may be lost.

use std::io::{self, BufRead, BufReader, Read};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// The socket of one exchange, read through a deadline for the request head.
#[derive(Debug)]
pub struct Connection {
    reader: BufReader<Deadline>,
    timeout: Duration,
}

impl Connection {
    /// `timeout` bounds the time for the whole request head, and for each write.
    pub fn new(stream: TcpStream, timeout: Duration) -> io::Result<Connection> {
        // A client that stops reading blocks `write` once the socket buffers are
        // full; the timeout turns that into an error instead of a hang.
        stream.set_write_timeout(Some(timeout))?;
        let deadline = Instant::now() + timeout;
        Ok(Connection {
            reader: BufReader::new(Deadline { stream, deadline }),
            timeout,
        })
    }

    /// Where the request head is read from. The `BufReader` asks the kernel for
    /// up to 8 KiB per `read` system call, then hands out lines from its buffer.
    pub fn reader(&mut self) -> &mut impl BufRead {
        &mut self.reader
    }

    /// Where the response goes. `Write` is implemented for `&TcpStream`, not
    /// only for `TcpStream`: a socket's `send` needs no exclusive access (the
    /// kernel orders the bytes), so a shared reference can write, while the
    /// reader above keeps owning the stream.
    pub fn writer(&self) -> &TcpStream {
        &self.reader.get_ref().stream
    }

    /// Whether the client sent more than the head we read: bytes already in
    /// the reader's buffer, past the empty line.
    pub fn has_unread_input(&self) -> bool {
        !self.reader.buffer().is_empty()
    }

    // ANCHOR: close_gently
    /// Closes a connection whose client may still be sending.
    ///
    /// When a socket is closed with unread bytes in its receive buffer, the
    /// kernel answers with a reset (RST) instead of an orderly FIN, and a reset
    /// can destroy the response before the client has read it. RFC 9112 §9.6
    /// describes what servers typically do: half-close (send FIN after the
    /// response), then read and discard until the client closes too. We bound
    /// that by time and bytes, so a client that never stops cannot keep the
    /// server busy: never longer than the `timeout`, the most any one client
    /// may hold it.
    pub fn close_gently(self) {
        let stream = self.reader.into_inner().stream;
        if stream.shutdown(Shutdown::Write).is_err() {
            return;
        }
        let deadline = Instant::now() + LINGER_TIME.min(self.timeout);
        let mut discarded = 0;
        let mut sink = [0; 16 * 1024];
        // `Read` is implemented for `&TcpStream` too, so a shared reference
        // reads: `let mut` makes the reference itself mutable, not the stream.
        let mut stream = &stream;
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
}

/// Most we read, and longest we wait, while closing gently.
const LINGER_BYTES: u64 = 64 * 1024 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(2);

// ANCHOR: deadline
/// Reads from the socket, but never past one deadline for the whole head.
///
/// A read timeout alone is not enough: it restarts with every byte, so a client
/// that sends one byte a second could hold this one-at-a-time server forever
/// (the "slowloris" attack). Before each read we set the timeout to whatever is
/// left until the deadline.
#[derive(Debug)]
pub struct Deadline {
    stream: TcpStream,
    deadline: Instant,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}
// ANCHOR_END: deadline
