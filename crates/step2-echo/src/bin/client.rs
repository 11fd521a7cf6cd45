//! The echo client: connects, sends one message, and prints what comes back.
//!
//! The article's `client.py` calls `recv(len(MESSAGE))` once and prints the
//! result. But TCP is a byte stream, not a message service: one `recv` returns
//! whatever has arrived so far, which can be fewer bytes than were sent (a long
//! message, a slow network). We read until we have as many bytes as we sent.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use step2_echo::{DEFAULT_ADDRESS, parse_options};

const USAGE: &str = "usage: client [MESSAGE] [--addr IP:PORT]   (default message 'Hello, world', address 127.0.0.1:6666)";

/// How long to wait for the echo before giving up.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let options = match parse_options(std::env::args().skip(1), 1) {
        Ok(options) if options.help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let message = options.words.first().map_or("Hello, world", String::as_str);

    // ANCHOR: connect
    // connect(): the kernel runs the 3-way handshake (SYN, SYN-ACK, ACK) with
    // the server's listening socket before this returns.
    let mut stream = match TcpStream::connect(options.address) {
        Ok(stream) => stream,
        Err(error) => {
            let start = if options.address.to_string() == DEFAULT_ADDRESS {
                "just step2-server".to_string()
            } else {
                format!("just step2-server --addr {}", options.address)
            };
            eprintln!(
                "error: could not connect to {}: {error}\n(is the echo server running? Start it with `{start}`)",
                options.address
            );
            return ExitCode::FAILURE;
        }
    };
    match exchange(&mut stream, message.as_bytes()) {
        Ok(echo) => {
            println!("{}", String::from_utf8_lossy(&echo));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
    // ANCHOR_END: connect
}

// ANCHOR: exchange
/// Sends `message` and reads until exactly as many bytes have come back.
fn exchange(stream: &mut TcpStream, message: &[u8]) -> io::Result<Vec<u8>> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.write_all(message)?;
    let mut echo = vec![0; message.len()];
    let mut received = 0;
    while received < echo.len() {
        match stream.read(&mut echo[received..]) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the server closed the connection after {received} of {} bytes",
                        message.len()
                    ),
                ));
            }
            Ok(n) => received += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(io::Error::new(
                    error.kind(),
                    format!(
                        "no echo within {READ_TIMEOUT:?} ({received} of {} bytes)",
                        message.len()
                    ),
                ));
            }
            Err(error) => return Err(error),
        }
    }
    Ok(echo)
}
// ANCHOR_END: exchange
