//! The course's promises for well-formed requests: GET, HEAD, the method
//! policy, 404, index files, redirects, and the headers of every response.

use crate::check::{Ctx, Failure, Request, Status, Verdict, status_in};
use crate::wire::End;
use crate::wire::Response;

/// 200 and exactly the file's bytes.
pub(crate) fn body_is(response: &Response, body: &[u8]) -> Result<String, String> {
    status_in(response, &[200])?;
    if response.body != body {
        return Err(format!(
            "200 but the body is not the file's {} bytes",
            body.len()
        ));
    }
    Ok(format!("200, the file's {} bytes", body.len()))
}

pub(crate) fn get_page(ctx: &Ctx) -> Verdict {
    let page = &ctx.fixture.page;
    ctx.expect(Request::get(&page.target), |r| body_is(r, &page.body))
}

pub(crate) fn get_empty(ctx: &Ctx) -> Verdict {
    ctx.expect(Request::get(&ctx.fixture.empty.target), |r| {
        body_is(r, b"")?;
        match r.header("Content-Length") {
            Some("0") => Ok("200, Content-Length: 0".into()),
            other => Err(format!(
                "an empty file needs Content-Length: 0, got {}",
                other.unwrap_or("(none)")
            )),
        }
    })
}

pub(crate) fn get_spaced_name(ctx: &Ctx) -> Verdict {
    let file = &ctx.fixture.spaced;
    ctx.expect(Request::get(&file.target), |r| body_is(r, &file.body))
}

pub(crate) fn get_non_ascii_name(ctx: &Ctx) -> Verdict {
    let file = &ctx.fixture.non_ascii;
    ctx.expect(Request::get(&file.target), |r| body_is(r, &file.body))
}

pub(crate) fn content_length(ctx: &Ctx) -> Verdict {
    let file = &ctx.fixture.typed[2];
    ctx.expect(Request::get(&file.target), |r| {
        let announced = r.header("Content-Length").ok_or("no Content-Length")?;
        if announced != file.body.len().to_string() {
            return Err(format!(
                "Content-Length: {announced}, the file has {} bytes",
                file.body.len()
            ));
        }
        Ok(format!("Content-Length: {announced}"))
    })
}

/// Every common type, by extension; stops at the first wrong one.
pub(crate) fn content_type(ctx: &Ctx) -> Verdict {
    let mut last = None;
    for file in &ctx.fixture.typed {
        let verdict = ctx.expect(Request::get(&file.target), |r| {
            let sent = r.header("Content-Type").unwrap_or("(none)");
            let media = sent
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if file.media_types.contains(&media.as_str()) {
                Ok(format!("{} types right", ctx.fixture.typed.len()))
            } else {
                Err(format!(
                    "Content-Type: {sent}, expected {}",
                    file.media_types[0]
                ))
            }
        });
        if verdict.failure.is_some() {
            return verdict;
        }
        last = Some(verdict);
    }
    last.unwrap_or_else(|| Verdict::skip("", "no typed files"))
}

pub(crate) fn head(ctx: &Ctx) -> Verdict {
    // The parser reads a HEAD response as a head alone: a body after it
    // breaks the response.
    let request = Request::new("HEAD", &ctx.fixture.page.target);
    ctx.expect(request, |r| {
        status_in(r, &[200]).map(|_| "200, no body".into())
    })
}

pub(crate) fn head_same_headers(ctx: &Ctx) -> Verdict {
    let page = &ctx.fixture.page;
    let get = crate::wire::parse(&ctx.send(&Request::get(&page.target)).received, false);
    let Ok(get) = get else {
        return Verdict::skip("HEAD", "GET of the page failed: see get-page");
    };
    let request = Request::new("HEAD", &page.target);
    let exchange = ctx.send(&request);
    let same = |r: &Response| -> Result<String, String> {
        status_in(r, &[200])?;
        for name in ["Content-Type", "Content-Length"] {
            if r.header(name) != get.header(name) {
                return Err(format!(
                    "{name}: {:?}, GET said {:?}",
                    r.header(name),
                    get.header(name)
                ));
            }
        }
        Ok("200, GET's headers".into())
    };
    // A body after the head is the `head` check's failure; the fields are
    // still there to compare, framed as GET's.
    let framed_as_get = crate::wire::parse(&exchange.received, false);
    if let Ok(Ok(got)) = framed_as_get.as_ref().map(same) {
        return Verdict::pass_with(&exchange, &got);
    }
    ctx.verdict(&request, exchange, |_, r| same(r))
}

pub(crate) fn post_forbidden(ctx: &Ctx) -> Verdict {
    // A body is announced and never sent: a server that waits for it before
    // saying 403 times out here, which is the point.
    let request = Request::new("POST", &ctx.fixture.page.target)
        .header("Content-Type", "text/plain")
        .header("Content-Length", "100000");
    ctx.expect(request, |r| status_in(r, &[403]))
}

/// 405 with `Allow`, or 501: RFC 9110 §9.1 says an origin server that does
/// not implement a method SHOULD answer 501, and only a 405 must carry Allow.
/// The course's policy: every method but GET, HEAD and POST is 405, and the
/// 405 says what is allowed.
pub(crate) fn method_not_allowed(ctx: &Ctx) -> Verdict {
    ctx.expect(delete(ctx), |r| {
        status_in(r, &[405])?;
        allows_get_and_head(r)
    })
}

/// RFC 9110 §15.5.6: a 405 MUST carry `Allow`. Any other answer is not
/// graded here (`method-501` and `method-405` grade the status).
pub(crate) fn method_allow(ctx: &Ctx) -> Verdict {
    ctx.expect(delete(ctx), |r| match r.status {
        405 => allows_get_and_head(r),
        other => Ok(format!("{other}, not a 405: no Allow needed")),
    })
}

/// RFC 9110 §9.1: a method the server does not implement SHOULD get 501; a
/// 405 says the resource does not allow it. Either is right.
pub(crate) fn method_not_implemented(ctx: &Ctx) -> Verdict {
    ctx.expect(delete(ctx), |r| status_in(r, &[405, 501]))
}

fn delete(ctx: &Ctx) -> Request {
    Request::new("DELETE", &ctx.fixture.page.target)
}

fn allows_get_and_head(r: &Response) -> Result<String, String> {
    let allow = r.header("Allow").ok_or("405 needs an Allow header")?;
    let has = |m: &str| allow.split(',').any(|a| a.trim() == m);
    if !(has("GET") && has("HEAD")) {
        return Err(format!("Allow: {allow}, expected GET and HEAD"));
    }
    Ok(format!("405, Allow: {allow}"))
}

pub(crate) fn not_found(ctx: &Ctx) -> Verdict {
    let target = format!("/no-such-{}.html", ctx.fixture.seed);
    ctx.expect(Request::get(&target), |r| status_in(r, &[404]))
}

pub(crate) fn index_file(ctx: &Ctx) -> Verdict {
    let target = format!("{}/", ctx.fixture.dir_with_index);
    ctx.expect(Request::get(&target), |r| {
        body_is(r, &ctx.fixture.index_body)
    })
}

pub(crate) fn no_index(ctx: &Ctx) -> Verdict {
    // A listing (200), 403 or 404 are all fair; a 5xx or a crash are not.
    ctx.expect(Request::get(&ctx.fixture.dir_without_index), |r| {
        status_in(r, &[200, 403, 404])
    })
}

/// Any of the four redirects will do; the Location must name `wanted`, as a
/// path or as an absolute URL on this server.
fn redirected_to(ctx: &Ctx, response: &Response, wanted: &str) -> Result<String, String> {
    status_in(response, &[301, 302, 307, 308])?;
    let location = response.header("Location").unwrap_or("(none)");
    let absolute = format!("http://{}{wanted}", ctx.addr);
    if location == wanted || location == absolute {
        Ok(format!("{}, Location: {location}", response.status))
    } else {
        Err(format!("Location: {location}, expected {wanted}"))
    }
}

pub(crate) fn redirect_dir(ctx: &Ctx) -> Verdict {
    let dir = &ctx.fixture.dir_with_index;
    ctx.expect(Request::get(dir), |r| {
        redirected_to(ctx, r, &format!("{dir}/"))
    })
}

pub(crate) fn redirect_query(ctx: &Ctx) -> Verdict {
    let dir = &ctx.fixture.dir_with_index;
    let target = format!("{dir}?q=1");
    ctx.expect(Request::get(&target), |r| {
        redirected_to(ctx, r, &format!("{dir}/?q=1"))
    })
}

pub(crate) fn date(ctx: &Ctx) -> Verdict {
    ctx.expect(Request::get(&ctx.fixture.page.target), |r| {
        let date = r.header("Date").ok_or("no Date header")?;
        // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`, 29 bytes.
        if date.len() == 29 && date.ends_with(" GMT") && date.as_bytes()[3] == b',' {
            Ok("Date: IMF-fixdate".into())
        } else {
            Err(format!(
                "Date: {date} is not an IMF-fixdate like `Sun, 06 Nov 1994 08:49:37 GMT`"
            ))
        }
    })
}

pub(crate) fn connection_close(ctx: &Ctx) -> Verdict {
    let request = Request::get(&ctx.fixture.page.target).awaiting_close();
    let verdict = ctx.expect(request, |r| match r.header("Connection") {
        Some(value) if value.eq_ignore_ascii_case("close") => Ok("Connection: close".into()),
        other => Err(format!(
            "Connection: {}; the course answers once per connection and says so",
            other.unwrap_or("(none)")
        )),
    });
    // Saying it is not enough: the server must also close its side, or a
    // client that reads to the end waits for nothing.
    let kept_open = verdict
        .exchanges
        .first()
        .is_some_and(|e| matches!(e.end, End::KeptOpen | End::TimedOut));
    if verdict.status != Status::Pass || !kept_open {
        return verdict;
    }
    let problem = "Connection: close, and the response came, but the connection was never closed \
                   (1 s after it)"
        .to_string();
    let failure = Failure {
        problem: problem.clone(),
        reproduce: ctx.reproduce(&Request::get(&ctx.fixture.page.target)),
        diagnosis: vec![
            "hint: after the response, shut down and close the socket; in Python, the streams \
             of `conn.makefile()` hold it open until they are closed too (`with conn:` is not enough)"
                .into(),
        ],
    };
    Verdict {
        status: Status::Fail,
        got: problem,
        failure: Some(failure),
        ..verdict
    }
}
