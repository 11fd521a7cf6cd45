//! Clients that misbehave over time, and the server's resources: idle and
//! trickling clients, a reset mid-download, many requests, a big file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::check::{Ctx, Failure, Request, Status, Verdict, end_word, shown_request};
use crate::procfs;
use crate::wire;

/// While `blocker` holds a connection, another client asks for the page and
/// must be answered within the idle bound.
fn served_beside(
    ctx: &Ctx,
    what: &str,
    blocker: impl FnOnce(TcpStream, &AtomicBool) + Send,
) -> Verdict {
    let Ok(stream) = TcpStream::connect(ctx.addr) else {
        return Verdict::skip(what, "could not connect");
    };
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| blocker(stream, &stop));
        let request = Request::get(&ctx.fixture.page.target);
        let bytes = ctx.bytes(&request);
        let exchange = wire::exchange(ctx.addr, &bytes, ctx.limits.idle_bound);
        stop.store(true, Ordering::SeqCst);
        let ok = wire::parse(&exchange.received, false).is_ok_and(|r| r.status == 200);
        let seconds = ctx.limits.idle_bound.as_secs_f64();
        let request_shown = format!("{what}; meanwhile {}", shown_request(&exchange.sent));
        let got = match ok {
            true => "the other client was served".to_string(),
            false => format!(
                "the other client waited {seconds} s ({})",
                end_word(exchange.end)
            ),
        };
        let failure = (!ok).then(|| Failure {
            problem: got.clone(),
            reproduce: format!("nc 127.0.0.1 {} (type nothing), then in another terminal: {}", ctx.addr.port(), ctx.reproduce(&request)),
            diagnosis: vec![format!(
                "hint: one client must not hold the server: give each client a deadline for its request head, or serve clients concurrently"
            )],
        });
        let status = if ok { Status::Pass } else { Status::Fail };
        Verdict {
            status,
            request: request_shown,
            got,
            exchanges: vec![exchange],
            failure,
        }
    })
}

pub(crate) fn idle_client(ctx: &Ctx) -> Verdict {
    served_beside(
        ctx,
        "a client connects and sends nothing",
        |stream, stop| {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            drop(stream);
        },
    )
}

pub(crate) fn trickle(ctx: &Ctx) -> Verdict {
    let head = ctx.bytes(&Request::get(&ctx.fixture.page.target));
    served_beside(
        ctx,
        "a client sends a byte a second",
        move |mut stream, stop| {
            let mut next = Instant::now();
            for byte in head.iter().cycle().take(head.len() * 100) {
                while Instant::now() < next {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
                next += Duration::from_secs(1);
            }
        },
    )
}

/// Reads 64 KiB of the big file, then closes with the rest unread, which makes
/// the kernel send a reset; the server must go on serving.
pub(crate) fn reset_mid_download(ctx: &Ctx) -> Verdict {
    let request = Request::get(&ctx.fixture.big_target);
    if let Ok(mut stream) = TcpStream::connect(ctx.addr) {
        let _ = stream.set_read_timeout(Some(ctx.limits.exchange));
        let _ = stream.write_all(&ctx.bytes(&request));
        let mut buffer = vec![0u8; 64 * 1024];
        let _ = stream.read_exact(&mut buffer);
    }
    let mut verdict = ctx.expect(Request::get(&ctx.fixture.page.target), |r| {
        crate::check::status_in(r, &[200]).map(|_| "served the next client".to_string())
    });
    verdict.request = format!(
        "GET {} then reset after 64 KiB; then GET",
        ctx.fixture.big_target
    );
    verdict
}

/// Many requests in a row: all answered, and no descriptor left behind.
pub(crate) fn many_requests(ctx: &Ctx) -> Verdict {
    let what = format!("{} x GET {}", ctx.limits.requests, ctx.fixture.page.target);
    let Some(pid) = ctx
        .pid
        .filter(|&pid| procfs::open_descriptors(pid).is_some())
    else {
        return Verdict::skip(
            &what,
            "counting descriptors needs Linux's /proc and the server's pid",
        );
    };
    let before = procfs::open_descriptors(pid).unwrap_or(0);
    let request = Request::get(&ctx.fixture.page.target);
    for i in 0..ctx.limits.requests {
        let verdict = ctx.expect(request.clone(), |r| crate::check::status_in(r, &[200]));
        if verdict.failure.is_some() {
            return Verdict {
                got: format!(
                    "request {} of {}: {}",
                    i + 1,
                    ctx.limits.requests,
                    verdict.got
                ),
                ..verdict
            };
        }
    }
    let after = procfs::open_descriptors(pid).unwrap_or(0);
    let grew = after.saturating_sub(before);
    let counts = format!("{before} descriptors before, {after} after");
    if grew <= 10 {
        // Threads and caches may hold a few more; the counts vary, so the
        // line does not show them.
        let got = "no descriptor leaked (at most 10 more)".to_string();
        return Verdict {
            status: Status::Pass,
            request: what,
            got,
            exchanges: Vec::new(),
            failure: None,
        };
    }
    let failure = Failure {
        problem: format!("{grew} descriptors leaked"),
        reproduce: format!("ls /proc/{pid}/fd | wc -l, before and after some requests"),
        diagnosis: vec![
            "hint: every accepted connection and every opened file must be closed (dropped)".into(),
        ],
    };
    Verdict {
        status: Status::Fail,
        request: what,
        got: counts,
        exchanges: Vec::new(),
        failure: Some(failure),
    }
}
