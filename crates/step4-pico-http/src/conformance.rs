//! What RFC 9112 asks of a request head beyond its grammar, checked alike in
//! every HTTP stage: the version (505), the field lines (400), exactly one
//! valid `Host` (§3.2) and one body length that every reader of the request
//! agrees on (§6). Steps 1 and 3 run these checks on the fields tiny_http
//! hands over; step 4 runs them on the head it parsed itself.
//!
//! Why the framing rules matter: a proxy in front of a server and the server
//! must agree where a request ends. If one of them believes `Content-Length`
//! and the other `Transfer-Encoding`, or one takes the first of two lengths
//! and the other the last, the bytes one sees as a body the other reads as the
//! next request — one the proxy never checked ("request smuggling"). The RFC's
//! answer is to refuse every head whose length is not certain.

/// A request the RFC says to refuse: the status to answer with and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    pub status: u16,
    pub reason: &'static str,
}

/// How long the body that follows a valid head is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// No body: neither `Content-Length` nor `Transfer-Encoding`.
    None,
    /// `Content-Length` bytes.
    Length(u64),
    /// Chunked (`Transfer-Encoding: chunked`): the length is in the chunks.
    Chunked,
}

impl Rejection {
    pub const fn new(status: u16, reason: &'static str) -> Rejection {
        Rejection { status, reason }
    }
}

const fn reject(status: u16, reason: &'static str) -> Rejection {
    Rejection::new(status, reason)
}

// ANCHOR: check_head
/// Checks the head of an `HTTP/major.minor` request whose header fields are
/// `fields` (names and values as received, values without surrounding
/// whitespace), and says how long its body is.
pub fn check_head(major: u8, minor: u8, fields: &[(&str, &str)]) -> Result<Body, Rejection> {
    if major != 1 {
        return Err(reject(505, "this server speaks HTTP/1.0 and HTTP/1.1 only"));
    }
    for (name, value) in fields {
        if name.is_empty() || !name.bytes().all(is_token_char) {
            return Err(reject(400, "a header field name is not a token"));
        }
        // RFC 9110 §5.5: CR, LF and NUL in a value are invalid and dangerous.
        if value.contains(['\r', '\n', '\0']) {
            return Err(reject(400, "a header field value holds CR, LF or NUL"));
        }
    }
    check_host(minor, &values_of("Host", fields))?;
    body_length(minor, fields)
}
// ANCHOR_END: check_head

/// The values of every field called `name` (field names are case-insensitive).
fn values_of<'a>(name: &str, fields: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(field, _)| field.eq_ignore_ascii_case(name))
        .map(|(_, value)| *value)
        .collect()
}

// ANCHOR: check_host
/// RFC 9112 §3.2: 400 for an HTTP/1.1 request without `Host`, for more than
/// one `Host` line, and for a value that is not `host[:port]`. HTTP/1.0 did
/// not have `Host`: its requests may leave it out.
fn check_host(minor: u8, hosts: &[&str]) -> Result<(), Rejection> {
    match hosts {
        [] if minor == 0 => Ok(()),
        [] => Err(reject(400, "an HTTP/1.1 request must have a Host header")),
        [host] if is_valid_host(host) => Ok(()),
        [_] => Err(reject(400, "the Host header is not a valid host[:port]")),
        _ => Err(reject(400, "a request may have only one Host header")),
    }
}
// ANCHOR_END: check_host

/// `uri-host [ ":" port ]` (RFC 3986 §3.2.2): a name, or an IPv6 address in
/// brackets, then digits for the port. An empty value is allowed: it is what
/// a client sends for a target without a host.
fn is_valid_host(value: &str) -> bool {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        let ip = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
        if address.is_empty() || !address.bytes().all(ip) {
            return false;
        }
        if after.is_empty() {
            return true;
        }
        let Some(port) = after.strip_prefix(':') else {
            return false;
        };
        ("", Some(port))
    } else {
        match value.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (value, None),
        }
    };
    is_reg_name(host) && port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Letters, digits, `-._~!$&'()*+,;=` and `%XX` escapes: a `reg-name`.
fn is_reg_name(host: &str) -> bool {
    let bytes = host.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else if bytes[i].is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&bytes[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

// ANCHOR: body_length
/// RFC 9112 §6.1 and §6.3: the body's length, or a refusal when it is not
/// certain. Every `Content-Length` line must be a number, and all the same;
/// `Transfer-Encoding` must end in `chunked`, must not come with a
/// `Content-Length` too, and has no meaning in HTTP/1.0.
fn body_length(minor: u8, fields: &[(&str, &str)]) -> Result<Body, Rejection> {
    let lengths = values_of("Content-Length", fields);
    let codings = values_of("Transfer-Encoding", fields);
    if !codings.is_empty() {
        if minor == 0 {
            return Err(reject(400, "Transfer-Encoding is not HTTP/1.0"));
        }
        if !lengths.is_empty() {
            return Err(reject(
                400,
                "Content-Length and Transfer-Encoding together: which length?",
            ));
        }
        return chunked(&codings);
    }
    let mut length = None;
    for value in lengths {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(reject(400, "Content-Length is not a number"));
        }
        // Digits only, so the one way to fail is a number too large for u64.
        let n: u64 = value
            .parse()
            .map_err(|_| reject(413, "Content-Length is too large"))?;
        if length.is_some_and(|first| first != n) {
            return Err(reject(400, "two different Content-Length values"));
        }
        length = Some(n);
    }
    Ok(length.map_or(Body::None, Body::Length))
}
// ANCHOR_END: body_length

/// `Transfer-Encoding` values are lists of codings (empty members are
/// ignored, RFC 9110 §5.6.1). The last must be `chunked`, or the body's end
/// cannot be found (400); any other coding is one we cannot undo (501).
fn chunked(values: &[&str]) -> Result<Body, Rejection> {
    let codings: Vec<&str> = values
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|coding| !coding.is_empty())
        .collect();
    let is_chunked = |coding: &&str| coding.eq_ignore_ascii_case("chunked");
    match codings.split_last() {
        Some((last, rest)) if is_chunked(last) => {
            if rest.iter().any(is_chunked) {
                Err(reject(400, "chunked may be applied only once"))
            } else if rest.is_empty() {
                Ok(Body::Chunked)
            } else {
                Err(reject(
                    501,
                    "only the chunked transfer coding is understood",
                ))
            }
        }
        _ => Err(reject(400, "the last transfer coding must be chunked")),
    }
}

// ANCHOR: precondition
/// RFC 9110 §13: the preconditions of a GET or HEAD that would be answered
/// 200 (any other answer ignores them, §13.2.1), in the RFC's order (§13.2.2).
/// No stage sends a validator (no `ETag`, no `Last-Modified`: the article's
/// "no caching"), which decides each one:
///
/// - `If-Match` holds only as `*`: no listed tag can match a representation
///   that has none. Else 412 Precondition Failed (§13.1.1).
/// - `If-Unmodified-Since`, `If-Modified-Since`: ignored, as a recipient must
///   when the resource has no modification date to compare (§13.1.3-4).
/// - `If-None-Match: *` fails, since the file exists: 304 Not Modified, which
///   GET and HEAD answer instead of 412 (§13.1.2). A list of tags never
///   matches, so the request goes on.
/// - `If-Range` is ignored: no stage serves ranges (§13.1.5).
pub fn precondition(fields: &[(&str, &str)]) -> Option<Rejection> {
    let if_match = values_of("If-Match", fields);
    if !if_match.is_empty() && !if_match.iter().all(|value| *value == "*") {
        return Some(reject(
            412,
            "If-Match names a version this server never sent",
        ));
    }
    let if_none_match = values_of("If-None-Match", fields);
    if if_none_match.contains(&"*") {
        return Some(reject(
            304,
            "the file exists, and If-None-Match: * asked for none",
        ));
    }
    None
}
// ANCHOR_END: precondition

/// `tchar` of RFC 9110 §5.6.2: the characters of methods and field names.
pub fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests;
