//! The big file: it arrives whole and intact, and the server's memory stays
//! flat while it streams (a server that reads the file into memory first
//! grows by the file's size: the article's bug 4).

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::check::{Ctx, Failure, Request, Status, Verdict};
use crate::fixture::pattern_byte;
use crate::{procfs, wire};

/// How much the server's peak memory may grow while streaming.
const GROWTH_KIB: u64 = 16 * 1024;

/// Streams the big file; returns the body bytes counted, or a problem. The
/// body ends where `Content-Length` says (a server may keep the connection
/// open after it), or at the close when there is none.
fn stream_big(ctx: &Ctx) -> Result<u64, String> {
    let mut stream = TcpStream::connect(ctx.addr).map_err(|e| format!("connect: {e}"))?;
    let bound = ctx.limits.exchange * 4;
    let deadline = Instant::now() + bound;
    stream
        .write_all(&ctx.bytes(&Request::get(&ctx.fixture.big_target)))
        .map_err(|e| e.to_string())?;
    let mut buffer = vec![0u8; 256 * 1024];
    let mut head = Vec::new();
    let mut offset: Option<u64> = None;
    let mut length: Option<u64> = None;
    loop {
        if let (Some(at), Some(length)) = (offset, length) {
            if at >= length {
                return Ok(at);
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let read = match stream.set_read_timeout(Some(left)) {
            Ok(()) if !left.is_zero() => stream.read(&mut buffer),
            _ => Err(ErrorKind::TimedOut.into()),
        };
        let n = match read {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                let got = offset.unwrap_or(0);
                return Err(format!(
                    "timed out after {} s with {got} body bytes received",
                    bound.as_secs()
                ));
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("the connection broke: {}", e.kind())),
        };
        if n == 0 {
            return offset.ok_or_else(|| "closed before the head ended".to_string());
        }
        let mut chunk = &buffer[..n];
        if offset.is_none() {
            head.extend_from_slice(chunk);
            let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let response = wire::parse(&head[..end + 4], true)
                .map_err(|_| format!("a broken head: {}", crate::check::shown_request(&head)))?;
            if response.status != 200 {
                return Err(format!("expected 200, got {}", response.status));
            }
            length = response
                .header("Content-Length")
                .and_then(|v| v.parse().ok());
            chunk = &head[end + 4..];
            let body = chunk.to_vec();
            offset = Some(check_pattern(&body, 0)?);
            continue;
        }
        let at = offset.unwrap_or(0);
        offset = Some(at + check_pattern(chunk, at)?);
    }
}

/// A FAIL of the big-file check, with the curl command that counts the bytes.
fn fail(ctx: &Ctx, what: &str, problem: String, hint: &str) -> Verdict {
    let reproduce = format!(
        "curl -s -o /dev/null -w '%{{size_download}}\\n' 'http://{}{}'",
        ctx.addr, ctx.fixture.big_target
    );
    Verdict {
        status: Status::Fail,
        request: what.to_string(),
        got: problem.clone(),
        exchanges: Vec::new(),
        failure: Some(Failure {
            problem,
            reproduce,
            diagnosis: vec![format!("hint: {hint}")],
        }),
    }
}

/// Checks `chunk` against the file's pattern at `at`; returns its length.
fn check_pattern(chunk: &[u8], at: u64) -> Result<u64, String> {
    match chunk
        .iter()
        .enumerate()
        .position(|(i, &b)| b != pattern_byte(at + i as u64))
    {
        Some(i) => Err(format!(
            "byte {} of the body is not the file's",
            at + i as u64
        )),
        None => Ok(chunk.len() as u64),
    }
}

/// The memory of the server's whole process tree while `work` runs: the
/// peak of its sum sampled every 20 ms, or the growth of the listening
/// process's own peak (`VmHWM`), which catches what the sampling misses. A
/// forking server's child that reads the file whole is in the tree. Returns
/// how much it grew, in KiB, or `None` where `/proc` cannot tell.
fn growth_while<T: Send>(pid: Option<u32>, work: impl FnOnce() -> T + Send) -> (T, Option<u64>) {
    let Some(pid) = pid.filter(|&pid| procfs::tree_memory_kib(pid).is_some()) else {
        return (work(), None);
    };
    let before = procfs::tree_memory_kib(pid).unwrap_or(0);
    let own_before = procfs::peak_memory_kib(pid).unwrap_or(0);
    let done = AtomicBool::new(false);
    let (result, peak) = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let mut peak = before;
            while !done.load(Ordering::SeqCst) {
                peak = peak.max(procfs::tree_memory_kib(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        let result = work();
        done.store(true, Ordering::SeqCst);
        (result, sampler.join().unwrap_or(before))
    });
    let own = procfs::peak_memory_kib(pid)
        .unwrap_or(0)
        .saturating_sub(own_before);
    (result, Some(peak.saturating_sub(before).max(own)))
}

pub(crate) fn big_file(ctx: &Ctx) -> Verdict {
    let what = format!(
        "GET {} ({} MiB)",
        ctx.fixture.big_target,
        ctx.fixture.big_size >> 20
    );
    let (result, grew) = growth_while(ctx.pid, || stream_big(ctx));
    let size = ctx.fixture.big_size;
    let problem = match result {
        Ok(n) if n == size => None,
        Ok(n) => Some(format!("{n} body bytes, the file has {size}")),
        Err(e) => Some(e),
    };
    if let Some(problem) = problem {
        return fail(
            ctx,
            &what,
            problem,
            "stream the file in blocks, and announce its exact size in Content-Length",
        );
    }
    let Some(grew) = grew else {
        return Verdict::skip(
            &what,
            "measuring memory needs Linux's /proc (smaps_rollup) and the server's pid; the file arrived whole",
        );
    };
    if grew > GROWTH_KIB {
        let problem = format!(
            "the memory of the server's processes grew by {} MiB while streaming",
            grew / 1024
        );
        return fail(
            ctx,
            &what,
            problem,
            "copy the file to the socket in blocks; do not read it whole (the article's bug 4)",
        );
    }
    let got = format!(
        "whole and intact; the memory of the server's processes grew less than {} MiB",
        GROWTH_KIB / 1024
    );
    Verdict {
        status: Status::Pass,
        request: what,
        got,
        exchanges: Vec::new(),
        failure: None,
    }
}
