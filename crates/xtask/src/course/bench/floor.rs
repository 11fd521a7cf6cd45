//! The floor: the cheapest HTTP server this machine can run, to measure what
//! a connection costs before any server does any work.
//!
//! It accepts a connection, reads once (the whole request, when it fits in one
//! segment, as `ab`'s does), writes a fixed empty `200` and closes: four system
//! calls. No parsing, no file, no log, no timeout. Step 4 does everything the
//! floor does plus the actual job, so its rate divided by the floor's says how
//! much of the time per request is the job and how much the connection.
//! `just bench` starts it as `xtask bench --floor-server`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::ExitCode;

/// The whole response: a status line, a length of zero, and the empty line.
const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Serves forever on a free port of 127.0.0.1, after printing the same banner
/// as the stages so that `stages::Running::start` finds the port.
pub(super) fn serve() -> anyhow::Result<ExitCode> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    println!("Serving HTTP on 127.0.0.1 port {port} (http://127.0.0.1:{port}/) ...");
    let mut request = [0; 4096];
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if stream.read(&mut request).is_ok() {
            let _ = stream.write_all(RESPONSE);
        }
    }
    Ok(ExitCode::SUCCESS)
}
