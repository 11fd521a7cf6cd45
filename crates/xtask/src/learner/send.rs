//! `just send PORT 'BYTES'`: raw bytes to a server on this machine, and its
//! raw reply, with `\r\n` visible. What `nc` does in the chapters, on every
//! system Rust runs on (std only), and with the line endings shown.

use std::io::ErrorKind::{self, ConnectionAborted, ConnectionReset};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::stages::is_timeout;

const USAGE: &str = "\
usage: just send PORT 'BYTES' [--half-close] [--wait SECS]

Sends BYTES to 127.0.0.1:PORT, then prints every byte of the reply, one line per
line received, with \\r and \\n (and any byte that is not printable ASCII) written
as escapes. Then says who closed the connection.

  BYTES          write \\r\\n for CRLF; also \\n, \\t, \\\\ and \\xHH (\\x27 for a quote)
  --half-close   shut down our write side after sending, as `nc -N` does: the
                 server reads end-of-file after the request
  --wait SECS    give up when no byte came for SECS seconds (default 10)

example: just send 8000 'GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n'";

#[derive(Debug)]
struct Options {
    port: u16,
    bytes: Vec<u8>,
    half_close: bool,
    wait: Duration,
}

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    if crate::help(args, USAGE) {
        return Ok(ExitCode::SUCCESS);
    }
    let options = match parse(args) {
        Ok(options) => options,
        Err(problem) => return Ok(crate::usage_error(&problem, USAGE)),
    };
    let address = SocketAddr::from(([127, 0, 0, 1], options.port));
    let mut stream = match TcpStream::connect_timeout(&address, Duration::from_secs(5)) {
        Ok(stream) => stream,
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
            eprintln!(
                "error: nothing listens on {address} (connection refused); start a server \
                 first, e.g. `just step4 {}`",
                options.port
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e).with_context(|| format!("cannot connect to {address}")),
    };
    stream.write_all(&options.bytes)?;
    let mut note = format!("sent {} bytes to {address}", options.bytes.len());
    if options.half_close {
        stream.shutdown(Shutdown::Write)?;
        note.push_str(", then shut down our write side");
    }
    eprintln!("[{note}]");
    match print_reply(&mut stream, options.wait) {
        Ok((received, ending)) => eprintln!("[{received} bytes received; {ending}]"),
        // The reader of our output left (`| head`): nothing more to show.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    Ok(ExitCode::SUCCESS)
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut positional = Vec::new();
    let (mut half_close, mut wait) = (false, Duration::from_secs(10));
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--half-close" => half_close = true,
            "--wait" => {
                let secs = args.next().ok_or("--wait needs a number of seconds")?;
                wait = secs
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
                    .map(Duration::from_secs_f64)
                    .ok_or(format!(
                        "--wait {secs}: expected seconds, such as 10 or 0.5"
                    ))?;
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => positional.push(arg),
        }
    }
    let [port, bytes] = positional[..] else {
        return Err("expected a PORT and the BYTES to send".to_string());
    };
    let port = port
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or(format!("'{port}' is not a port (1 to 65535)"))?;
    Ok(Options {
        port,
        bytes: unescape(bytes)?,
        half_close,
        wait,
    })
}

/// Prints the reply as it arrives, one escaped line per received line, until
/// the server closes or `wait` passes without a byte. Returns the number of
/// bytes received and how the exchange ended.
fn print_reply(stream: &mut TcpStream, wait: Duration) -> std::io::Result<(usize, String)> {
    stream.set_read_timeout(Some(wait))?;
    let mut stdout = std::io::stdout().lock();
    let (mut line, mut received, mut chunk) = (Vec::new(), 0, [0; 8192]);
    let ending = loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) => break "the server closed the connection".to_string(),
            Ok(n) => n,
            Err(e) if is_timeout(&e) => {
                let secs = wait.as_secs_f64();
                break format!("still open after {secs} s without a byte: we closed it");
            }
            Err(e) if matches!(e.kind(), ConnectionReset | ConnectionAborted) => {
                break "the server reset the connection".to_string();
            }
            Err(e) => return Err(e),
        };
        received += n;
        for &byte in &chunk[..n] {
            line.push(byte);
            if byte == b'\n' {
                writeln!(stdout, "{}", escape(&line))?;
                line.clear();
            }
        }
        stdout.flush()?;
    };
    if !line.is_empty() {
        writeln!(stdout, "{}", escape(&line))?;
    }
    stdout.flush()?;
    Ok((received, ending))
}

/// Bytes as text with `\r`, `\n`, `\t`, `\\` and non-ASCII bytes escaped.
pub(crate) fn escape(bytes: &[u8]) -> String {
    bytes
        .escape_ascii()
        .to_string()
        .replace("\\'", "'")
        .replace("\\\"", "\"")
}

/// The inverse of [`escape`]: `\r`, `\n`, `\t`, `\\`, `\xHH`.
pub(crate) fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            continue;
        }
        match chars.next() {
            Some('r') => bytes.push(b'\r'),
            Some('n') => bytes.push(b'\n'),
            Some('t') => bytes.push(b'\t'),
            Some('\\') => bytes.push(b'\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let byte = u8::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 2)
                    .ok_or(format!("'\\x{hex}' is not a hex byte (\\x00 to \\xff)"))?;
                bytes.push(byte);
            }
            other => {
                return Err(format!(
                    "unknown escape '\\{}' (use \\r, \\n, \\t, \\\\ or \\xHH)",
                    other.unwrap_or(' ')
                ));
            }
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
