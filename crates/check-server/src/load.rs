//! Clients that misbehave over time, and the server's resources: idle and
//! trickling clients, a reset mid-download, many requests, a big file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

use crate::check::{Ctx, Failure, Request, Status, Verdict, end_word, shown_request};
use crate::procfs;
use crate::wire;

/// While `blocker` holds a connection, another client asks for the page and
/// must be answered within the idle bound. The blocker runs on a thread of
/// its own and stops when the channel it listens on closes, which is when
/// the other client's exchange is over.
fn served_beside(
    ctx: &Ctx,
    what: &str,
    by_hand: &str,
    blocker: impl FnOnce(TcpStream, mpsc::Receiver<()>) + Send,
) -> Verdict {
    let Ok(stream) = TcpStream::connect(ctx.addr) else {
        return Verdict::skip(what, "could not connect");
    };
    let (stop, stopped) = mpsc::channel::<()>();
    let request = Request::get(&ctx.fixture.page.target);
    let exchange = std::thread::scope(|scope| {
        scope.spawn(|| blocker(stream, stopped));
        let wait = wire::Wait::plain(ctx.limits.idle_bound);
        let exchange = wire::exchange(ctx.addr, &ctx.bytes(&request), &wait);
        drop(stop);
        exchange
    });
    let served = wire::parse(&exchange.received, false).is_ok_and(|r| r.status == 200);
    let request_shown = format!("{what}; meanwhile {}", shown_request(&exchange.sent));
    if served {
        let got = "the other client was served".to_string();
        let exchanges = vec![exchange];
        return Verdict {
            status: Status::Pass,
            request: request_shown,
            got,
            exchanges,
            failure: None,
        };
    }
    let seconds = ctx.limits.idle_bound.as_secs_f64();
    let got = format!(
        "the other client waited {seconds} s ({})",
        end_word(exchange.end)
    );
    let port = ctx.addr.port();
    let failure = Failure {
        problem: got.clone(),
        reproduce: format!(
            "{by_hand}, then in another terminal: {}",
            ctx.reproduce(&request)
        )
        .replace("PORT", &port.to_string()),
        diagnosis: vec![
            "hint: one client must not hold the server: give each client a deadline for its \
             whole request head, or serve clients concurrently"
                .into(),
        ],
    };
    let exchanges = vec![exchange];
    Verdict {
        status: Status::Fail,
        request: request_shown,
        got,
        exchanges,
        failure: Some(failure),
    }
}

pub(crate) fn idle_client(ctx: &Ctx) -> Verdict {
    let what = "a client connects and sends nothing";
    served_beside(
        ctx,
        what,
        "nc 127.0.0.1 PORT (type nothing)",
        |stream, stop| {
            // Blocks until the channel closes: the other client is done.
            let _ = stop.recv();
            drop(stream);
        },
    )
}

pub(crate) fn trickle(ctx: &Ctx) -> Verdict {
    let head = ctx.bytes(&Request::get(&ctx.fixture.page.target));
    let what = "a client sends a byte a second";
    let by_hand = "nc 127.0.0.1 PORT, typing one letter a second";
    served_beside(ctx, what, by_hand, move |mut stream, stop| {
        // The request head, again and again, one byte a second: a client
        // that is never done and never quite silent (the slowloris attack).
        for byte in head.iter().cycle().take(head.len() * 100) {
            if stream.write_all(&[*byte]).is_err() {
                return;
            }
            match stop.recv_timeout(Duration::from_secs(1)) {
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                _ => return,
            }
        }
    })
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
    let Some((pid, before)) = ctx
        .pid
        .and_then(|pid| Some((pid, procfs::tree_descriptors(pid)?)))
    else {
        return Verdict::skip(
            &what,
            "counting descriptors needs Linux's /proc and the server's pid",
        );
    };
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
    // The processes there before and after: a forking server's children come
    // and go with their clients, and what a child holds ends with it.
    let after = procfs::tree_descriptors(pid).unwrap_or_default();
    let lasting = |counts: &[(u32, usize)], other: &[(u32, usize)]| -> usize {
        let kept = counts
            .iter()
            .filter(|(p, _)| other.iter().any(|(o, _)| o == p));
        kept.map(|(_, n)| n).sum()
    };
    let (before, after) = (lasting(&before, &after), lasting(&after, &before));
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
        reproduce: format!(
            "ls /proc/{pid}/fd | wc -l (and its children's), before and after some requests"
        ),
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
