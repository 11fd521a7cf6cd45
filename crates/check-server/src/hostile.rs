//! Hostile input: requests that try to leave the root, break the grammar or
//! exceed the limits. The answer must be a clear 4xx, never a secret, never a
//! crash.

use crate::check::{Ctx, Request, Verdict, status_in};
use crate::wire::Response;

/// Refused (400, 403 or 404), and the secret nowhere in the answer.
fn refused(ctx: &Ctx, response: &Response) -> Result<String, String> {
    let secret = &ctx.fixture.secret;
    if response
        .body
        .windows(secret.len())
        .any(|w| w == secret.as_slice())
    {
        return Err(format!(
            "{}: the secret file outside the root was served",
            response.status
        ));
    }
    status_in(response, &[400, 403, 404])
}

/// Sends each target in turn; the first that is not refused fails the check.
fn all_refused(ctx: &Ctx, targets: &[String]) -> Verdict {
    let mut verdict = Verdict::skip("", "no target");
    for target in targets {
        verdict = ctx.expect(Request::get(target), |r| refused(ctx, r));
        if verdict.failure.is_some() {
            break;
        }
    }
    verdict
}

pub(crate) fn dot_dot(ctx: &Ctx) -> Verdict {
    let s = &ctx.fixture.secret_name;
    all_refused(
        ctx,
        &[
            format!("/../{s}"),
            format!("{}/../../{s}", ctx.fixture.dir_with_index),
        ],
    )
}

pub(crate) fn encoded_dots(ctx: &Ctx) -> Verdict {
    let s = &ctx.fixture.secret_name;
    all_refused(
        ctx,
        &[
            format!("/%2e%2e/{s}"),
            format!("/%2E%2E/{s}"),
            format!("/.%2e/{s}"),
        ],
    )
}

pub(crate) fn encoded_slash(ctx: &Ctx) -> Verdict {
    let s = &ctx.fixture.secret_name;
    all_refused(
        ctx,
        &[
            format!("/..%2f{s}"),
            format!("/%2e%2e%2f{s}"),
            format!("/..%2F{s}"),
        ],
    )
}

pub(crate) fn backslash(ctx: &Ctx) -> Verdict {
    let s = &ctx.fixture.secret_name;
    all_refused(ctx, &[format!("/..\\{s}"), format!("/..%5c{s}")])
}

pub(crate) fn absolute_path(ctx: &Ctx) -> Verdict {
    let base = ctx
        .fixture
        .root
        .parent()
        .map(|p| p.join(&ctx.fixture.secret_name));
    let absolute = base.map(|p| p.display().to_string()).unwrap_or_default();
    all_refused(ctx, &[format!("/{absolute}"), absolute.replace('\\', "/")])
}

pub(crate) fn nul_byte(ctx: &Ctx) -> Verdict {
    let page = &ctx.fixture.page.target;
    all_refused(ctx, &[format!("{page}%00.txt")])
}

pub(crate) fn sibling_prefix(ctx: &Ctx) -> Verdict {
    let f = ctx.fixture;
    all_refused(ctx, &[format!("/../{}/{}", f.sibling_dir, f.secret_name)])
}

pub(crate) fn symlink(ctx: &Ctx) -> Verdict {
    match &ctx.fixture.symlink {
        Some(link) => all_refused(ctx, std::slice::from_ref(link)),
        None => Verdict::skip("", "this system would not let us make a symlink"),
    }
}

/// A raw request answered by one of `wanted`.
fn raw(ctx: &Ctx, bytes: &[u8], wanted: &[u16]) -> Verdict {
    ctx.expect(Request::raw(bytes), |r| status_in(r, wanted))
}

pub(crate) fn no_target(ctx: &Ctx) -> Verdict {
    raw(ctx, b"GET\r\n\r\n", &[400, 301])
}

pub(crate) fn garbage_line(ctx: &Ctx) -> Verdict {
    raw(ctx, b"HELLO\r\n\r\n", &[400, 301])
}

pub(crate) fn bad_version(ctx: &Ctx) -> Verdict {
    let request = format!("GET / HTTP/9.9\r\nHost: {}\r\n\r\n", ctx.addr);
    raw(ctx, request.as_bytes(), &[400, 505])
}

pub(crate) fn header_no_colon(ctx: &Ctx) -> Verdict {
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nNoColonHere\r\n\r\n",
        ctx.addr
    );
    raw(ctx, request.as_bytes(), &[400])
}

pub(crate) fn space_before_colon(ctx: &Ctx) -> Verdict {
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nAccept : */*\r\n\r\n",
        ctx.addr
    );
    raw(ctx, request.as_bytes(), &[400])
}

pub(crate) fn uri_too_long(ctx: &Ctx) -> Verdict {
    // 100 KiB: past any sensible limit (RFC 9112 §3 asks for 8,000 at least).
    let target = format!("/{}", "a".repeat(100 * 1024));
    let recipe = "curl -si \"http://{addr}/$(printf '%0102400d' 0 | tr 0 a)\"";
    ctx.expect(Request::get(&target).recipe(recipe), |r| {
        status_in(r, &[414])
    })
}

pub(crate) fn headers_too_large(ctx: &Ctx) -> Verdict {
    // 200 fields of 600 bytes: too many fields and too many bytes at once.
    let mut request = Request::get(&ctx.fixture.page.target);
    for i in 0..200 {
        request = request.header(&format!("X-Filler-{i}"), &"f".repeat(600));
    }
    let recipe = format!(
        "curl -si $(for i in $(seq 200); do printf -- \"-H X-Filler-$i:%0600d \" 0; done) 'http://{{addr}}{}'",
        ctx.fixture.page.target
    );
    ctx.expect(request.recipe(&recipe), |r| status_in(r, &[431]))
}

pub(crate) fn host_missing(ctx: &Ctx) -> Verdict {
    ctx.expect(Request::get(&ctx.fixture.page.target).without_host(), |r| {
        status_in(r, &[400])
    })
}

pub(crate) fn host_twice(ctx: &Ctx) -> Verdict {
    let request = Request::get(&ctx.fixture.page.target).header("Host", "other.example");
    // curl replaces its own Host with ours instead of sending both: only the
    // raw bytes repeat this request.
    let bytes = crate::escape::escape(&ctx.bytes(&request));
    let recipe = format!("just send {} '{bytes}'", ctx.addr.port());
    ctx.expect(request.recipe(&recipe), |r| status_in(r, &[400]))
}

pub(crate) fn host_invalid(ctx: &Ctx) -> Verdict {
    let request = Request::get(&ctx.fixture.page.target)
        .without_host()
        .header("Host", "bad host/name");
    ctx.expect(request, |r| status_in(r, &[400]))
}

pub(crate) fn content_length_invalid(ctx: &Ctx) -> Verdict {
    let request = Request::get(&ctx.fixture.page.target).header("Content-Length", "abc");
    ctx.expect(request, |r| status_in(r, &[400]))
}

pub(crate) fn content_length_conflict(ctx: &Ctx) -> Verdict {
    let request = Request::get(&ctx.fixture.page.target)
        .header("Content-Length", "0")
        .header("Content-Length", "5");
    ctx.expect(request, |r| status_in(r, &[400]))
}
