//! What a valid request means for a static server: queries, redirects that
//! stay on the host, the types browsers enforce, preconditions and ranges.

use crate::basics::body_is;
use crate::check::{Ctx, Request, Verdict, status_in};

pub(crate) fn query_on_file(ctx: &Ctx) -> Verdict {
    let page = &ctx.fixture.page;
    let target = format!("{}?v=2", page.target);
    ctx.expect(Request::get(&target), |r| body_is(r, &page.body))
}

pub(crate) fn percent_invalid(ctx: &Ctx) -> Verdict {
    ctx.expect(Request::get("/%zz.html"), |r| status_in(r, &[400, 404]))
}

/// Browsers run `<script type="module">` only when it comes with a
/// JavaScript type: any other, and the page stays blank.
pub(crate) fn module_script(ctx: &Ctx) -> Verdict {
    let file = &ctx.fixture.module;
    ctx.expect(Request::get(&file.target), |r| {
        body_is(r, &file.body)?;
        let sent = r.header("Content-Type").unwrap_or("(none)");
        let media = sent.split(';').next().unwrap_or("").trim();
        if file
            .media_types
            .iter()
            .any(|m| m.eq_ignore_ascii_case(media))
        {
            Ok(format!("Content-Type: {sent}"))
        } else {
            Err(format!(
                "Content-Type: {sent}, expected {}",
                file.media_types[0]
            ))
        }
    })
}

/// `//dir` names the directory too; redirected to `//dir/`, a browser would
/// read `dir` as a host name and leave the site.
pub(crate) fn redirect_one_slash(ctx: &Ctx) -> Verdict {
    let target = format!("/{}", ctx.fixture.dir_with_index);
    ctx.expect(Request::get(&target), |r| {
        if !(300..400).contains(&r.status) {
            return status_in(r, &[200, 400, 403, 404]);
        }
        match r.header("Location") {
            Some(location) if location.starts_with("//") || location.starts_with("/\\") => Err(
                format!("Location: {location} sends the browser to the host of that name"),
            ),
            Some(location) => Ok(format!("{}, Location: {location}", r.status)),
            None => Err(format!("{} without a Location", r.status)),
        }
    })
}

pub(crate) fn if_none_match_star(ctx: &Ctx) -> Verdict {
    let request = Request::get(&ctx.fixture.page.target).header("If-None-Match", "*");
    ctx.expect(request, |r| status_in(r, &[304]))
}

pub(crate) fn if_match_unknown(ctx: &Ctx) -> Verdict {
    let tag = format!("\"never-sent-{}\"", ctx.fixture.seed);
    let request = Request::get(&ctx.fixture.page.target).header("If-Match", &tag);
    // The condition is false: the method is not performed (no 2xx); 412 is
    // the usual way to say so.
    ctx.expect(request, |r| match r.status {
        200..=299 => Err(format!("expected 412, got {}: GET was performed", r.status)),
        _ => Ok(r.summary(&[])),
    })
}

pub(crate) fn if_modified_since_invalid(ctx: &Ctx) -> Verdict {
    let page = &ctx.fixture.page;
    let request = Request::get(&page.target).header("If-Modified-Since", "yesterday");
    ctx.expect(request, |r| body_is(r, &page.body))
}

/// A server may ignore `Range` (200, the whole file); one that honours it
/// must send exactly the bytes asked for, and say which (206, Content-Range).
pub(crate) fn range_or_whole(ctx: &Ctx) -> Verdict {
    let file = &ctx.fixture.typed[2];
    let request = Request::get(&file.target).header("Range", "bytes=0-3");
    ctx.expect(request, |r| {
        if r.status != 206 {
            return body_is(r, &file.body).map(|got| format!("{got} (Range ignored)"));
        }
        let wanted = format!("bytes 0-3/{}", file.body.len());
        let range = r.header("Content-Range").unwrap_or("(none)");
        if range != wanted {
            return Err(format!(
                "206 with Content-Range: {range}, expected {wanted}"
            ));
        }
        if r.body != file.body[..4] {
            return Err("206, but the body is not the file's first 4 bytes".into());
        }
        Ok(format!("206, Content-Range: {range}"))
    })
}
