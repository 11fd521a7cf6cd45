//! `just soak`: 100,000 requests, one after another, to step 4 built in
//! release mode, to show that nothing leaks.
//!
//! A test proves that one request is answered right; a soak proves that the
//! hundred-thousandth is answered as the first was. The requests rotate through
//! the kinds a public server meets: good ones (files, a HEAD), missing files,
//! forbidden ones (`..`, POST, an unknown method) and malformed heads. At the
//! end we print the rate, the errors (a wrong status, or a connection the
//! server did not close), and the two numbers a leak would grow: the server's
//! open file descriptors (`/proc/PID/fd`, one per connection it forgot to
//! close) and its resident memory (`VmRSS` in `/proc/PID/status`). Both must
//! end where they started. Linux only for the two numbers; elsewhere they show
//! as "n/a" and only the errors count.

use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::bench::number_after;
use crate::stages::{self, Profile, Running};

const USAGE: &str = "usage: just soak [REQUESTS]    (default 100000)";

/// Requests sent before the starting numbers are taken, so that what the
/// allocator and the kernel set up once is not counted as growth.
const WARM_UP: usize = 1_000;

/// How much resident memory may differ at the end: the allocator keeps a few
/// pages of its own, which is not a leak. A leak of one byte per request
/// would be ~100 KiB over the run; of one buffer, tens of megabytes.
const RSS_TOLERANCE_KIB: u64 = 512;

/// Longest wait for any byte; longest wait for the close after a response.
const TIMEOUT: Duration = Duration::from_secs(5);
const LINGER: Duration = Duration::from_secs(2);

/// The rotation, each request with the status that must answer it: four
/// good, two missing, three forbidden, one malformed out of ten.
const KINDS: [(u16, &str); 10] = [
    (200, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    (200, "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    (200, "HEAD /app.js HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    (200, "GET /img/pico.svg HTTP/1.0\r\n\r\n"),
    (404, "GET /missing.html HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    (
        404,
        "GET /about/nothing/ HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ),
    (
        403,
        "GET /../Cargo.toml HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ),
    (
        403,
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello",
    ),
    (405, "DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    (400, "GET / HTTP/1.1\r\nNo colon here\r\n\r\n"),
];

/// The groups of the summary, in its order.
const GROUPS: [&str; 4] = ["good", "missing", "forbidden", "malformed"];

/// A request's group, from the status that must answer it.
fn group(status: u16) -> &'static str {
    match status {
        200 => "good",
        404 => "missing",
        403 | 405 => "forbidden",
        _ => "malformed",
    }
}

/// What a leak would grow, read from `/proc`.
#[derive(Debug, Clone, Copy)]
struct Footprint {
    fds: Option<usize>,
    rss_kib: Option<u64>,
}

impl Footprint {
    fn of(pid: u32) -> Footprint {
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .ok()
            .map(Iterator::count);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss_kib = number_after(&status, "VmRSS:");
        Footprint { fds, rss_kib }
    }
}

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    let requests = match args {
        [] => 100_000,
        [n] if n.parse::<usize>().is_ok_and(|n| n > 0) => n.parse()?,
        _ => {
            eprintln!("{USAGE}");
            return Ok(ExitCode::from(2));
        }
    };
    let step4 = stages::stage("4")?;
    eprintln!("building step 4 (release)...");
    stages::build(&[step4.package], Profile::Release)?;
    let server = Running::stage(step4, &stages::www(), Profile::Release, Stdio::null())?;
    let kind = |i: usize| KINDS[i % KINDS.len()];
    for i in 0..WARM_UP {
        send(&server, kind(i)).context("during the warm-up")?;
    }

    let (start, began) = (Footprint::of(server.pid()), Instant::now());
    let errors: Vec<String> = (0..requests)
        .filter_map(|i| {
            let error = send(&server, kind(i)).err()?;
            Some(format!("  request {i} ({}): {error:#}", group(kind(i).0)))
        })
        .collect();
    let (elapsed, end) = (began.elapsed(), Footprint::of(server.pid()));

    println!(
        "soak: {requests} sequential requests to step 4 (release) in {:.1} s: {:.0} requests/s, {} errors",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        errors.len()
    );
    let counts = GROUPS.into_iter().filter_map(|g| {
        let n = (0..requests).filter(|&i| group(kind(i).0) == g).count();
        (n > 0).then(|| format!("{g} {n}"))
    });
    println!("  kinds: {}", counts.collect::<Vec<_>>().join(", "));
    let (first, last) = (show(start.fds), show(end.fds));
    println!("  open file descriptors: {first} at start, {last} at end");
    let (first, last) = (show(start.rss_kib), show(end.rss_kib));
    println!("  resident memory (VmRSS): {first} KiB at start, {last} KiB at end");
    println!("  machine: {}", machine());
    for error in errors.iter().take(5) {
        println!("{error}");
    }
    verdict(errors.len(), &start, &end)
}

/// Passes when no request failed and descriptors and memory ended where
/// they started.
fn verdict(errors: usize, start: &Footprint, end: &Footprint) -> Result<ExitCode> {
    let mut failures = Vec::new();
    if errors > 0 {
        failures.push(format!("{errors} requests were not answered as expected"));
    }
    if let Some((start, end)) = start.fds.zip(end.fds).filter(|(s, e)| e != s) {
        failures.push(format!("open descriptors went from {start} to {end}"));
    }
    let rss = start.rss_kib.zip(end.rss_kib);
    if let Some((start, end)) = rss.filter(|(s, e)| *e > s + RSS_TOLERANCE_KIB) {
        failures.push(format!("resident memory grew from {start} to {end} KiB"));
    }
    if start.fds.is_none() {
        println!("  (descriptors and memory are read from /proc, which is Linux-only)");
    }
    if failures.is_empty() {
        println!("ok: no errors, and descriptors and memory ended where they started");
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("the soak failed: {}", failures.join("; "))
    }
}

/// One request on a new connection: the status must be the expected one, and
/// the server must close the connection after the response.
fn send(server: &Running, (status, raw): (u16, &str)) -> Result<()> {
    let exchange = stages::exchange(server.address, raw.as_bytes(), TIMEOUT, LINGER)?;
    if exchange.status() != status {
        bail!("expected {status}, got {:?}", exchange.head());
    }
    if !exchange.closed {
        bail!("the server did not close the connection");
    }
    Ok(())
}

fn show<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "n/a".to_string(), |v| v.to_string())
}

/// The machine and the date, for the record in the book.
fn machine() -> String {
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{}, {date}", super::bench::machine())
}
