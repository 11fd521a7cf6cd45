//! The grammar of a request head, after Http11Probe's categories: line
//! endings, the request line, versions, and the field lines. Each request is
//! written byte by byte, as a broken client or an attacker would send it.

use crate::check::{Ctx, Request, Verdict, status_in};
use crate::wire::{End, Exchange, Response};

/// A request for the page with `line` as its request line (`{target}` stands
/// for the page) and `fields` after `Host`, asking the server to close.
pub(crate) fn page_request(ctx: &Ctx, line: &str, fields: &str) -> Vec<u8> {
    let line = line.replace("{target}", &ctx.fixture.page.target);
    format!(
        "{line}\r\nHost: {}\r\n{fields}Connection: close\r\n\r\n",
        ctx.addr
    )
    .into_bytes()
}

/// `bytes` answered with one of `wanted`.
pub(crate) fn raw_status(ctx: &Ctx, bytes: &[u8], wanted: &[u16]) -> Verdict {
    ctx.expect(Request::raw(bytes), |r| status_in(r, wanted))
}

/// `bytes` answered with the page itself, or refused with one of `refusals`.
fn page_or(ctx: &Ctx, bytes: &[u8], refusals: &[u16]) -> Verdict {
    let page = &ctx.fixture.page.body;
    ctx.expect(Request::raw(bytes), |r| {
        if refusals.contains(&r.status) {
            return Ok(format!("{} (refused)", r.status));
        }
        crate::basics::body_is(r, page)
    })
}

pub(crate) fn crlf_before(ctx: &Ctx) -> Verdict {
    let mut bytes = b"\r\n".to_vec();
    bytes.extend(page_request(ctx, "GET {target} HTTP/1.1", ""));
    page_or(ctx, &bytes, &[])
}

pub(crate) fn lf_endings(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "GET {target} HTTP/1.1", "");
    let lf_only: Vec<u8> = bytes.into_iter().filter(|&b| b != b'\r').collect();
    page_or(ctx, &lf_only, &[400])
}

pub(crate) fn bare_cr(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "GET {target} HTTP/1.1", "X-Note: a\rb\r\n");
    page_or(ctx, &bytes, &[400])
}

pub(crate) fn lowercase_method(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "get {target} HTTP/1.1", "");
    raw_status(ctx, &bytes, &[400, 405, 501])
}

pub(crate) fn target_with_space(ctx: &Ctx) -> Verdict {
    let spaced = ctx.fixture.spaced.target.replace("%20", " ");
    let bytes = page_request(ctx, &format!("GET {spaced} HTTP/1.1"), "");
    raw_status(ctx, &bytes, &[400, 301])
}

pub(crate) fn target_control(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "GET /a\x01b.html HTTP/1.1", "");
    raw_status(ctx, &bytes, &[400, 301])
}

pub(crate) fn absolute_form(ctx: &Ctx) -> Verdict {
    let line = format!("GET http://{}{{target}} HTTP/1.1", ctx.addr);
    page_or(ctx, &page_request(ctx, &line, ""), &[])
}

pub(crate) fn higher_minor(ctx: &Ctx) -> Verdict {
    page_or(ctx, &page_request(ctx, "GET {target} HTTP/1.2", ""), &[])
}

/// What an HTTP/2 client sends first (RFC 9113 §3.4): its request line says
/// `HTTP/2.0`, a major version an HTTP/1.1 server does not speak.
pub(crate) fn http2_preface(ctx: &Ctx) -> Verdict {
    let request = Request::raw(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    let exchange = ctx.send(&request);
    // Closing without a word is a fair answer to a protocol we do not speak;
    // staying silent with the connection open is not.
    if exchange.received.is_empty() && matches!(exchange.end, End::Closed | End::Reset) {
        return Verdict::pass_with(&exchange, "closed without an answer");
    }
    // A server that speaks HTTP/2 answers in it: its first frame is SETTINGS
    // (type 4) on stream 0 (RFC 9113 §3.4).
    if let [_, _, _, 4, _, 0, 0, 0, 0, ..] = exchange.received[..] {
        return Verdict::pass_with(&exchange, "answered in HTTP/2 (a SETTINGS frame)");
    }
    ctx.verdict(&request, exchange, |_, r| match r.status {
        400..=599 => Ok(r.summary(&[])),
        other => Err(format!("expected a 4xx or 5xx, or a close; got {other}")),
    })
}

pub(crate) fn name_not_token(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "GET {target} HTTP/1.1", "X(bad): 1\r\n");
    raw_status(ctx, &bytes, &[400])
}

pub(crate) fn space_before_first(ctx: &Ctx) -> Verdict {
    // Ignoring the line, as the RFC allows, still leaves Host to be read.
    let line = format!("GET {} HTTP/1.1\r\n X-Junk: 1", ctx.fixture.page.target);
    page_or(ctx, &page_request(ctx, &line, ""), &[400])
}

pub(crate) fn obs_fold(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "GET {target} HTTP/1.1", "X-Folded: a\r\n b\r\n");
    page_or(ctx, &bytes, &[400])
}

pub(crate) fn nul_in_value(ctx: &Ctx) -> Verdict {
    let bytes = page_request(ctx, "GET {target} HTTP/1.1", "X-Note: a\0b\r\n");
    page_or(ctx, &bytes, &[400])
}

/// Whether `exchange` holds one response and the connection then ended.
pub(crate) fn closed_after(exchange: &Exchange, response: &Response) -> Result<String, String> {
    match exchange.end {
        End::Closed | End::Reset => Ok(format!("{}, then closed", response.status)),
        _ => Err(format!(
            "{}, but the connection stayed open",
            response.status
        )),
    }
}
