//! The load generators: `ab` for the request rates, and a small client of our
//! own for the downloads: the large one as fast as we can read, the slow one
//! that keeps the server busy, and the probe that measures how long it waits.

use std::io::{BufRead, BufReader, Read, Take, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::report::{self, AbReport};

/// Longest we wait for any byte from a server.
const TIMEOUT: Duration = Duration::from_secs(60);

/// `ab -n requests -c concurrency` on `url`, stopped after `limit` at the
/// latest. Without `-k`, ab opens a new connection for every request (it
/// speaks HTTP/1.0 and asks for no keep-alive).
pub(super) fn ab(url: &str, requests: u32, concurrency: u32, limit: Duration) -> Result<AbReport> {
    let seconds = limit.as_secs().max(1);
    // -t before -n: `-t` alone would also set the count to 50000. The URL
    // has no space.
    let args = format!("-q -r -t {seconds} -n {requests} -c {concurrency} {url}");
    let output = Command::new("ab").args(args.split(' ')).output();
    let output = output.context("cannot run ab")?;
    let report = report::parse_ab(&String::from_utf8_lossy(&output.stdout))
        .with_context(|| String::from_utf8_lossy(&output.stderr).into_owned())?;
    if report.failed > 0 || report.non_2xx > 0 {
        eprintln!(
            "  warning: {url}: {} failed, {} non-2xx of {} requests",
            report.failed, report.non_2xx, report.complete
        );
    }
    Ok(report)
}

/// A response body on its way: the connection, read past the head and
/// limited to `Content-Length` bytes.
pub(super) type Body = Take<BufReader<TcpStream>>;

/// Sends `GET path` on a new connection and reads the head, which must say
/// 200 and give the body's length.
pub(super) fn get(address: SocketAddr, path: &str) -> Result<Body> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    // One write, so that the request goes out in one segment.
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut reader = BufReader::new(stream);
    let (mut head, mut line) = (String::new(), String::new());
    while line != "\r\n" {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            bail!("{address} closed the connection before the end of the head");
        }
        head.push_str(&line.to_ascii_lowercase());
    }
    if !head.starts_with("http/1.1 200") && !head.starts_with("http/1.0 200") {
        bail!("GET {path}: {}", head.lines().next().unwrap_or_default());
    }
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .context("no Content-Length")?;
    Ok(reader.take(length))
}

/// Downloads `path` as fast as we can read, and returns the bytes received and
/// the time from connecting to the last byte.
pub(super) fn download(address: SocketAddr, path: &str) -> Result<(u64, Duration)> {
    let start = Instant::now();
    let mut body = get(address, path)?;
    // Big reads (past the reader's buffer), so that the client is not what
    // limits the rate.
    let mut buffer = vec![0; 1024 * 1024];
    let mut received = 0;
    while body.limit() > 0 {
        let n = body.read(&mut buffer)?;
        if n == 0 {
            bail!(
                "the server closed after {received} of {} bytes",
                received + body.limit()
            );
        }
        received += n as u64;
    }
    Ok((received, start.elapsed()))
}

/// Reads `body` at about `rate` bytes per second for `duration`, then hangs
/// up.
pub(super) fn read_slowly(mut body: Body, rate: f64, duration: Duration) -> Result<()> {
    let start = Instant::now();
    let mut received = 0;
    let mut chunk = vec![0; 64 * 1024];
    while body.limit() > 0 && start.elapsed() < duration {
        let n = body.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        received += n as u64;
        // Throttle: when ahead of `rate`, sleep until the schedule catches up.
        let due = Duration::from_secs_f64(received as f64 / rate);
        if let Some(ahead) = due.checked_sub(start.elapsed()) {
            thread::sleep(ahead);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
