//! The echo server: accepts one client at a time and sends back every byte it
//! receives, until the client closes its side; then it accepts the next.
//!
//! The article's `server.py`, with two changes: it goes back to `accept` after
//! a client leaves (the article's serves one client and exits), and an error on
//! one connection is logged instead of ending the program.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use log::{info, warn};
use step2_echo::{DEFAULT_ADDRESS, init_logging, parse_options};

const USAGE: &str = "usage: server [--addr IP:PORT]   (default 127.0.0.1:6666)";

fn main() -> ExitCode {
    let options = match parse_options(std::env::args().skip(1), 0) {
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
    init_logging();

    // ANCHOR: listen
    // socket() + bind() + listen(): the socket is now a listening one, and the
    // kernel completes handshakes and queues connections until we accept them.
    let listener = match TcpListener::bind(options.address) {
        Ok(listener) => listener,
        Err(error) if error.kind() == io::ErrorKind::AddrInUse => {
            let mut next = options.address;
            next.set_port(next.port().checked_add(1).unwrap_or(6667));
            eprintln!(
                "error: {} is already in use; is another echo server running?\nStop it, or try another port: just step2-server --addr {next}",
                options.address
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", options.address);
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().map_or(options.address, |a| a);
    println!("Listening on {address}");
    if address.to_string() != DEFAULT_ADDRESS {
        println!("Run the client with: just step2-client 'hi there' --addr {address}");
    }

    loop {
        // accept() blocks until a client has connected, then returns a new
        // socket for that one client; the listening socket stays as it was.
        match listener.accept() {
            Ok((connection, peer)) => {
                info!("Connected to {peer}");
                if let Err(error) = echo(connection, peer) {
                    warn!("{peer}: {error}");
                }
                info!("Closed connection to {peer}");
            }
            Err(error) => warn!("accept failed: {error}"),
        }
    }
    // ANCHOR_END: listen
}

// ANCHOR: echo
/// Sends back what `connection` receives until the client closes its side.
fn echo(mut connection: TcpStream, peer: SocketAddr) -> io::Result<()> {
    let mut buffer = [0; 1024];
    loop {
        // recv(): returns as soon as *some* bytes have arrived, at most 1024
        // here; 0 means the client has closed its side (end of file).
        let received = connection.read(&mut buffer)?;
        let data = &buffer[..received];
        info!(
            "Received {received} bytes from {peer}: b\"{}\"",
            data.escape_ascii()
        );
        if received == 0 {
            return Ok(());
        }
        // sendall(): write_all loops until every byte is handed to the kernel.
        connection.write_all(data)?;
    }
}
// ANCHOR_END: echo
