//! The big file: it arrives whole and intact, and the server's memory stays
//! flat while it streams (a server that reads the file into memory first
//! grows by the file's size: the article's bug 4).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use crate::check::{Ctx, Failure, Request, Status, Verdict};
use crate::fixture::pattern_byte;
use crate::procfs;

/// How much the server's peak memory may grow while streaming.
const GROWTH_KIB: u64 = 16 * 1024;

/// Streams the big file; returns the body bytes counted, or a problem.
fn stream_big(ctx: &Ctx) -> Result<u64, String> {
    let mut stream = TcpStream::connect(ctx.addr).map_err(|e| format!("connect: {e}"))?;
    let deadline = Instant::now() + ctx.limits.exchange * 4;
    stream
        .write_all(&ctx.bytes(&Request::get(&ctx.fixture.big_target)))
        .map_err(|e| e.to_string())?;
    let mut buffer = vec![0u8; 256 * 1024];
    let mut head = Vec::new();
    let mut offset: Option<u64> = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("timed out".into());
        }
        let _ = stream.set_read_timeout(Some(left));
        let n = stream.read(&mut buffer).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return offset.ok_or_else(|| "closed before the head ended".to_string());
        }
        let mut chunk = &buffer[..n];
        if offset.is_none() {
            head.extend_from_slice(chunk);
            let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            if !head.starts_with(b"HTTP/1.1 200") && !head.starts_with(b"HTTP/1.0 200") {
                return Err(format!(
                    "expected 200, got {}",
                    crate::check::shown_request(&head)
                ));
            }
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

pub(crate) fn big_file(ctx: &Ctx) -> Verdict {
    let what = format!(
        "GET {} ({} MiB)",
        ctx.fixture.big_target,
        ctx.fixture.big_size >> 20
    );
    let pid = ctx.pid;
    let before = pid.and_then(procfs::peak_memory_kib);
    let result = stream_big(ctx);
    let after = pid.and_then(procfs::peak_memory_kib);
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
    let (Some(before), Some(after)) = (before, after) else {
        return Verdict::skip(
            &what,
            "measuring memory needs Linux's /proc and the server's pid; the file arrived whole",
        );
    };
    let grew = after.saturating_sub(before);
    if grew > GROWTH_KIB {
        let problem = format!("peak memory grew by {} MiB while streaming", grew / 1024);
        return fail(
            ctx,
            &what,
            problem,
            "copy the file to the socket in blocks; do not read it whole (the article's bug 4)",
        );
    }
    let got = format!(
        "whole and intact; peak memory grew less than {} MiB",
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
