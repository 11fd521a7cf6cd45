//! Where a request ends: Content-Length grammar, Transfer-Encoding, bodies,
//! and closing. A server and a proxy in front of it must agree on it, or a
//! body becomes a second request nobody checked ("request smuggling"). These
//! requests do not ask the server to close: closing is what is graded.

use crate::check::{Ctx, Request, Verdict};
use crate::syntax::{closed_after, page_request, raw_status};
use crate::wire::{self, Exchange, Wait};

/// Sends `bytes` and reads the response, then whatever else comes until the
/// server closes (at most a grace after the response, see `wire`): a second
/// response is what some checks look for.
fn send_to_close(ctx: &Ctx, bytes: &[u8]) -> Exchange {
    let mut wait = Wait::plain(ctx.limits.exchange);
    wait.await_close = true;
    wire::exchange(ctx.addr, bytes, &wait)
}

/// The head of a GET for the page, `fields` after Host, without `Connection`.
fn head(ctx: &Ctx, version: &str, fields: &str) -> String {
    format!(
        "GET {} {version}\r\nHost: {}\r\n{fields}\r\n",
        ctx.fixture.page.target, ctx.addr
    )
}

/// `bytes` answered once, then the connection closed.
fn answered_then_closed(ctx: &Ctx, bytes: &[u8]) -> Verdict {
    let request = Request::raw(bytes);
    ctx.verdict(&request, send_to_close(ctx, bytes), closed_after)
}

pub(crate) fn close_honoured(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "GET {target} HTTP/1.1", "");
    answered_then_closed(ctx, &bytes)
}

pub(crate) fn content_length_sign(ctx: &Ctx) -> Verdict {
    each_refused(ctx, &["Content-Length: +5", "Content-Length: -1"], &[400])
}

/// A GET for the page with each of `fields` in turn: each must be refused
/// with one of `wanted`; the first that is not fails the check.
fn each_refused(ctx: &Ctx, fields: &[&str], wanted: &[u16]) -> Verdict {
    let mut verdict = Verdict::skip("", "no request");
    for field in fields {
        let bytes = page_request(ctx, "GET {target} HTTP/1.1", &format!("{field}\r\n"));
        verdict = raw_status(ctx, &bytes, wanted);
        if verdict.failure.is_some() {
            break;
        }
    }
    verdict
}

/// `0\r\n\r\n`: the empty chunked body, 5 bytes.
const LAST_CHUNK: &str = "0\r\n\r\n";

pub(crate) fn te_and_length(ctx: &Ctx) -> Verdict {
    let fields = "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n";
    let bytes = head(ctx, "HTTP/1.1", fields) + LAST_CHUNK;
    answered_then_closed(ctx, bytes.as_bytes())
}

/// 400 as RFC 9112 §6.3 says; 501 too, which §6.1 asks for a coding the
/// server does not understand: either way the body is never guessed at.
pub(crate) fn te_not_chunked(ctx: &Ctx) -> Verdict {
    let codings = [
        "Transfer-Encoding: gzip",
        "Transfer-Encoding: chunked, identity",
    ];
    each_refused(ctx, &codings, &[400, 501])
}

pub(crate) fn te_in_http10(ctx: &Ctx) -> Verdict {
    // Keep-alive asked for: only the faulty framing is left to close it.
    let fields = "Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n";
    let bytes = head(ctx, "HTTP/1.0", fields) + LAST_CHUNK;
    answered_then_closed(ctx, bytes.as_bytes())
}

/// A GET whose body is a whole request for a missing file: a server that
/// does not skip the body answers that request too.
pub(crate) fn body_not_a_request(ctx: &Ctx) -> Verdict {
    let hidden = format!(
        "GET /hidden-{}.html HTTP/1.1\r\nHost: {}\r\n\r\n",
        ctx.fixture.seed, ctx.addr
    );
    let fields = format!("Content-Length: {}\r\n", hidden.len());
    let bytes = head(ctx, "HTTP/1.1", &fields) + &hidden;
    let request = Request::raw(bytes.as_bytes());
    ctx.verdict(&request, send_to_close(ctx, bytes.as_bytes()), one_response)
}

/// Any status will do (a server may refuse a GET with a body): only a second
/// response fails, and the parser sees it as bytes after the first.
fn one_response(_: &Exchange, response: &crate::wire::Response) -> Result<String, String> {
    Ok(format!("{}, one response", response.status))
}

/// A chunked body whose chunk holds a request line: read as chunks, it is
/// data; read as lines, it is a second request.
pub(crate) fn chunked_body(ctx: &Ctx) -> Verdict {
    let chunk = format!("GET /hidden-{}.html HTTP/1.1\r\n", ctx.fixture.seed);
    let body = format!("{:x}\r\n{chunk}\r\n{LAST_CHUNK}", chunk.len());
    let bytes = head(ctx, "HTTP/1.1", "Transfer-Encoding: chunked\r\n") + &body;
    let request = Request::raw(bytes.as_bytes());
    ctx.verdict(&request, send_to_close(ctx, bytes.as_bytes()), one_response)
}

/// A 1 MiB body the server need not read: its answer must survive the close.
pub(crate) fn large_body(ctx: &Ctx) -> Verdict {
    let size = 1 << 20;
    let fields = format!("Content-Length: {size}\r\nConnection: close\r\n");
    let mut bytes = head(ctx, "HTTP/1.1", &fields).into_bytes();
    bytes.resize(bytes.len() + size, b'x');
    let request = Request::raw(&bytes).recipe(&format!(
        "head -c {size} /dev/zero | tr '\\0' x | curl -si --data-binary @- -X GET -H 'Content-Type:' 'http://{{addr}}{}'",
        ctx.fixture.page.target
    ));
    ctx.verdict(&request, send_to_close(ctx, &bytes), |_, r| {
        Ok(r.summary(&[]))
    })
}
