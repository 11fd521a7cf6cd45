//! The load generators: `ab` for the request rates, and three small clients
//! of our own for the large download, the slow download and the probe that
//! measures head-of-line blocking.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::mpsc::Sender;
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
    let output = Command::new("ab")
        // -t before -n: `-t` alone would also set the count to 50000.
        .args(["-q", "-r", "-t"])
        .arg(limit.as_secs().max(1).to_string())
        .arg("-n")
        .arg(requests.to_string())
        .arg("-c")
        .arg(concurrency.to_string())
        .arg(url)
        .output()
        .context("cannot run ab")?;
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

/// Sends `GET path` and returns the stream positioned at the body, with the
/// body's length and the first bytes of it that came with the head.
fn get(address: SocketAddr, path: &str) -> Result<(TcpStream, u64, Vec<u8>)> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut received = Vec::new();
    let mut chunk = [0; 16 * 1024];
    let head_end = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            bail!("{address} closed the connection before the end of the head");
        }
        received.extend_from_slice(&chunk[..n]);
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).to_ascii_lowercase();
    if !head.starts_with("http/1.1 200") && !head.starts_with("http/1.0 200") {
        bail!("GET {path}: {}", head.lines().next().unwrap_or_default());
    }
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .context("no Content-Length")?;
    Ok((stream, length, received.split_off(head_end)))
}

/// Downloads `path` as fast as we can read, and returns the bytes received and
/// the time from connecting to the last byte.
pub(super) fn download(address: SocketAddr, path: &str) -> Result<(u64, Duration)> {
    let start = Instant::now();
    let (mut stream, length, first) = get(address, path)?;
    let mut received = first.len() as u64;
    // Big reads, so that the client is not what limits the rate.
    let mut buffer = vec![0; 1024 * 1024];
    while received < length {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            bail!("the server closed after {received} of {length} bytes");
        }
        received += n as u64;
    }
    Ok((received, start.elapsed()))
}

/// Reads `path` at about `rate` bytes per second for `duration`, then hangs
/// up. Sends on `flowing` once the body flows, so that the probe starts while
/// the server is busy with this download.
pub(super) fn slow_download(
    address: SocketAddr,
    path: &str,
    rate: f64,
    duration: Duration,
    flowing: Sender<()>,
) -> Result<u64> {
    let (mut stream, length, first) = get(address, path)?;
    let _ = flowing.send(());
    let start = Instant::now();
    let mut received = first.len() as u64;
    let mut chunk = vec![0; 64 * 1024];
    while received < length && start.elapsed() < duration {
        let n = stream.read(&mut chunk)?;
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
    Ok(received)
}

/// One GET of `path` on a new connection, read to the end: how long it took.
pub(super) fn probe(address: SocketAddr, path: &str) -> Result<Duration> {
    download(address, path).map(|(_, elapsed)| elapsed)
}
