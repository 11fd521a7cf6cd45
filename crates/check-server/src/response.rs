//! Parsing what came back as an HTTP/1.x response (RFC 9112 §4 status line,
//! §5 fields, §6 body, §7.1 chunks), remembering the first byte that does not
//! fit, so that the report can put a caret under it; and where a response
//! ends by its framing, for the reader to stop there.

use crate::wire::Exchange;

/// Where a complete response ends by its framing (RFC 9112 §6.3), given the
/// first bytes kept and the `total` read; `None` while more is to come or
/// when only the close can end it (no length, or a head we cannot read).
pub(crate) fn framed_end(bytes: &[u8], total: usize, head: bool) -> Option<usize> {
    let (response, body_at) = parse_head(bytes).ok()?;
    if response.status / 100 == 1 {
        let next = framed_end(&bytes[body_at..], total - body_at, head)?;
        return Some(body_at + next);
    }
    match framing(&response, head).ok()? {
        Framing::Empty => Some(body_at),
        Framing::Length(length) => (total >= body_at + length).then_some(body_at + length),
        Framing::Chunked => match dechunk(&bytes[body_at..]) {
            Ok((_, used)) => Some(body_at + used),
            Err(_) => None,
        },
        Framing::UntilClose => None,
    }
}

/// A response that parsed.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) version: String,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// The value of the first field called `name` (names are case-insensitive,
    /// RFC 9110 §5.1).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The status line and the headers, shortened to one line for a report.
    pub(crate) fn summary(&self, fields: &[&str]) -> String {
        let mut out = format!("{} {}", self.version, self.status);
        for name in fields {
            if let Some(value) = self.header(name) {
                out.push_str(&format!(", {name}: {value}"));
            }
        }
        out
    }
}

/// Where and why a response stops being HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Broken {
    /// Nothing came back.
    Nothing,
    /// It came only when a second client connected: it sat in a buffer.
    Unflushed,
    /// Byte `at` breaks the status line, a header or a chunk: `why` says how.
    BadByte { at: usize, why: &'static str },
    /// The head never ended with an empty line.
    HeadUnfinished,
    /// More bytes than `Content-Length` said, or than the last chunk ended.
    AfterBody(usize),
    /// Bytes after the head of a response that has no body (HEAD, 204, 304).
    BodyNotAllowed(usize),
    /// Fewer bytes than `Content-Length` said.
    ShortBody(usize),
    /// A chunked body that stopped before its last, empty chunk.
    ChunksUnfinished,
}

impl Broken {
    /// The problem in one line, as a FAIL states it.
    pub(crate) fn problem(&self, exchange: &Exchange) -> String {
        match self {
            Broken::Nothing => format!("no response ({})", crate::check::end_word(exchange.end)),
            Broken::Unflushed => {
                "the response was sent only when another client connected (never flushed)".into()
            }
            // Bytes after the body that start a status line: the server took
            // part of what we sent (a body, say) for a request of its own.
            Broken::AfterBody(extra) if second_response(&exchange.received, *extra) => {
                "two responses: bytes of the request were read as a second request".into()
            }
            _ => "the response is not valid HTTP/1.1".into(),
        }
    }
}

/// Whether the last `extra` bytes of `received` start another status line.
fn second_response(received: &[u8], extra: usize) -> bool {
    received[received.len().saturating_sub(extra)..].starts_with(b"HTTP/")
}

/// `tchar` of RFC 9110 §5.6.2: the bytes a field name may hold.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Whether only spaces or tabs stand between here and a colon.
fn next_is_colon(rest: &[u8]) -> bool {
    rest.iter().find(|&&b| b != b' ' && b != b'\t') == Some(&b':')
}

/// Parses `bytes` as the response to a request; `head` for a HEAD request.
/// Interim 1xx responses before the final one are passed over.
pub(crate) fn parse(bytes: &[u8], head: bool) -> Result<Response, Broken> {
    if bytes.is_empty() {
        return Err(Broken::Nothing);
    }
    let (mut response, body_at) = parse_head(bytes)?;
    if response.status / 100 == 1 && body_at < bytes.len() {
        return parse(&bytes[body_at..], head).map_err(|broken| match broken {
            Broken::BadByte { at, why } => Broken::BadByte {
                at: at + body_at,
                why,
            },
            other => other,
        });
    }
    let rest = &bytes[body_at..];
    response.body = match framing(&response, head).map_err(|why| Broken::BadByte { at: 0, why })? {
        Framing::Empty if rest.is_empty() => Vec::new(),
        Framing::Empty => return Err(Broken::BodyNotAllowed(rest.len())),
        Framing::Length(length) if rest.len() > length => {
            return Err(Broken::AfterBody(rest.len() - length));
        }
        Framing::Length(length) if rest.len() < length => {
            return Err(Broken::ShortBody(length - rest.len()));
        }
        Framing::Length(_) | Framing::UntilClose => rest.to_vec(),
        Framing::Chunked => match dechunk(rest) {
            Ok((body, used)) if used == rest.len() => body,
            Ok((_, used)) => return Err(Broken::AfterBody(rest.len() - used)),
            Err(Chunks::Unfinished) => return Err(Broken::ChunksUnfinished),
            Err(Chunks::Bad(at)) => {
                let why = "a chunk is `SIZE-IN-HEX\\r\\nDATA\\r\\n`, the last `0\\r\\n\\r\\n` (RFC 9112 §7.1)";
                return Err(Broken::BadByte {
                    at: body_at + at,
                    why,
                });
            }
        },
    };
    Ok(response)
}

/// The status line and the fields: the response without its body, and the
/// offset where the body starts.
fn parse_head(bytes: &[u8]) -> Result<(Response, usize), Broken> {
    let (version, status, mut at) = parse_status_line(bytes)?;
    let mut headers = Vec::new();
    loop {
        match bytes.get(at..at + 2) {
            Some(b"\r\n") => break,
            None if at >= bytes.len() => return Err(Broken::HeadUnfinished),
            _ => {}
        }
        let (field, next) = parse_field(bytes, at)?;
        headers.push(field);
        at = next;
    }
    let response = Response {
        version,
        status,
        headers,
        body: Vec::new(),
    };
    Ok((response, at + 2))
}

/// `HTTP/1.1 200 OK\r\n` (RFC 9112 §4): returns version, code, next offset.
fn parse_status_line(bytes: &[u8]) -> Result<(String, u16, usize), Broken> {
    let bad = |at, why| Err(Broken::BadByte { at, why });
    let shape = b"HTTP/D.D DDD";
    for (i, &want) in shape.iter().enumerate() {
        let Some(&got) = bytes.get(i) else {
            return Err(Broken::HeadUnfinished);
        };
        let fits = if want == b'D' {
            got.is_ascii_digit()
        } else {
            got == want
        };
        if !fits {
            return bad(
                i,
                "a status line looks like `HTTP/1.1 200 OK\\r\\n` (RFC 9112 §4)",
            );
        }
    }
    if !matches!(&bytes[5..8], b"1.1" | b"1.0") {
        return bad(
            5,
            "the answer to an HTTP/1.1 request is HTTP/1.1 or HTTP/1.0 (RFC 9112 §2.3)",
        );
    }
    let version = String::from_utf8_lossy(&bytes[..8]).into_owned();
    let status =
        (bytes[9] - b'0') as u16 * 100 + (bytes[10] - b'0') as u16 * 10 + (bytes[11] - b'0') as u16;
    let end = line_end(bytes, shape.len())?;
    if end > shape.len() && bytes[shape.len()] != b' ' {
        return bad(
            shape.len(),
            "the status code is three digits, then a space (RFC 9112 §4)",
        );
    }
    Ok((version, status, end + 2))
}

/// The offset of the `\r` that ends the line starting at or before `from`;
/// a bare `\n` or a control byte is a broken line.
fn line_end(bytes: &[u8], from: usize) -> Result<usize, Broken> {
    for (i, &byte) in bytes.iter().enumerate().skip(from) {
        match byte {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => return Ok(i),
            b'\r' if i + 1 == bytes.len() => return Err(Broken::HeadUnfinished),
            b'\r' | b'\n' => {
                return Err(Broken::BadByte {
                    at: i,
                    why: "every line of the head ends with \\r\\n (RFC 9112 §2.2)",
                });
            }
            0..=8 | 0x0a..=0x1f | 0x7f => {
                return Err(Broken::BadByte {
                    at: i,
                    why: "a control byte has no place in the head (RFC 9110 §5.5)",
                });
            }
            _ => {}
        }
    }
    Err(Broken::HeadUnfinished)
}

/// `Name: value\r\n` (RFC 9112 §5): returns the field and the next offset.
fn parse_field(bytes: &[u8], start: usize) -> Result<((String, String), usize), Broken> {
    let mut at = start;
    while bytes.get(at).is_some_and(|&b| is_tchar(b)) {
        at += 1;
    }
    match bytes.get(at) {
        None => return Err(Broken::HeadUnfinished),
        Some(b':') if at > start => {}
        Some(b' ' | b'\t') if at > start && next_is_colon(&bytes[at..]) => {
            let why = "no space between a field name and its colon (RFC 9112 §5.1)";
            return Err(Broken::BadByte { at, why });
        }
        Some(_) => {
            let why = "a header line is `Name: value\\r\\n`, the name a token (RFC 9110 §5.1)";
            return Err(Broken::BadByte { at, why });
        }
    }
    let end = line_end(bytes, at + 1)?;
    let name = String::from_utf8_lossy(&bytes[start..at]).into_owned();
    let value = String::from_utf8_lossy(&bytes[at + 1..end])
        .trim()
        .to_string();
    Ok(((name, value), end + 2))
}

/// How the body of a response is delimited (RFC 9112 §6.3).
enum Framing {
    /// HEAD, 1xx, 204 and 304: the head is the whole response.
    Empty,
    Length(usize),
    /// `Transfer-Encoding` ending in `chunked`.
    Chunked,
    /// Neither: the body is everything until the server closes.
    UntilClose,
}

/// The framing of `response`, or why its `Content-Length` cannot be read.
fn framing(response: &Response, head: bool) -> Result<Framing, &'static str> {
    if head || response.status / 100 == 1 || matches!(response.status, 204 | 304) {
        return Ok(Framing::Empty);
    }
    // Transfer-Encoding overrides Content-Length; chunked last means chunks,
    // any other coding last means the close ends the body (§6.3 items 3-4).
    if let Some(codings) = response.header("Transfer-Encoding") {
        let last = codings.rsplit(',').next().unwrap_or("").trim();
        return Ok(if last.eq_ignore_ascii_case("chunked") {
            Framing::Chunked
        } else {
            Framing::UntilClose
        });
    }
    match response.header("Content-Length") {
        Some(value) => value
            .parse()
            .map(Framing::Length)
            .map_err(|_| "Content-Length is a decimal number (RFC 9110 §8.6)"),
        None => Ok(Framing::UntilClose),
    }
}

/// Why a chunked body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
enum Chunks {
    /// It stops before the last chunk and the empty line after the trailers.
    Unfinished,
    /// The byte at this offset breaks a chunk's size line or its end.
    Bad(usize),
}

/// Decodes a chunked body (RFC 9112 §7.1): `SIZE[;ext]\r\nDATA\r\n` again
/// and again, then `0\r\n`, trailer fields and an empty line. Returns the
/// data and how many bytes the chunks took.
fn dechunk(bytes: &[u8]) -> Result<(Vec<u8>, usize), Chunks> {
    let line = |from: usize| -> Result<usize, Chunks> {
        let at = bytes[from..].windows(2).position(|w| w == b"\r\n");
        at.map(|at| from + at).ok_or(Chunks::Unfinished)
    };
    let mut data = Vec::new();
    let mut at = 0;
    loop {
        let end = line(at)?;
        let digits = bytes[at..end]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let size_text = std::str::from_utf8(&bytes[at..at + digits]).unwrap_or("");
        let size = usize::from_str_radix(size_text, 16).map_err(|_| Chunks::Bad(at + digits))?;
        let ext = &bytes[at + digits..end];
        if !ext.is_empty() && ext.iter().find(|&&b| b != b' ' && b != b'\t') != Some(&b';') {
            return Err(Chunks::Bad(at + digits));
        }
        at = end + 2;
        if size == 0 {
            // Trailer fields, if any, up to the empty line.
            loop {
                let end = line(at)?;
                let empty = end == at;
                at = end + 2;
                if empty {
                    return Ok((data, at));
                }
            }
        }
        let Some(chunk) = bytes.get(at..at.saturating_add(size)) else {
            return Err(Chunks::Unfinished);
        };
        data.extend_from_slice(chunk);
        at += size;
        match bytes.get(at..at + 2) {
            Some(b"\r\n") => at += 2,
            Some(_) => return Err(Chunks::Bad(at)),
            None => return Err(Chunks::Unfinished),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_response_parses() {
        let r = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", false);
        let r = r.map_err(|e| format!("{e:?}"));
        assert_eq!(r.map(|r| (r.status, r.body)), Ok((200, b"hi".to_vec())));
    }

    #[test]
    fn the_caret_goes_under_the_first_bad_byte() {
        let broken = parse(b"HTTP/1.1 200 OK\r\nContent-Length 2\r\n\r\nhi", false);
        assert!(matches!(broken, Err(Broken::BadByte { at: 31, .. })));
        let broken = parse(b"HTTP/1.1 200 OK\nX: y\r\n\r\n", false);
        assert!(matches!(broken, Err(Broken::BadByte { at: 15, .. })));
    }

    #[test]
    fn a_lying_content_length_is_measured() {
        let long = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nhi", false);
        assert_eq!(long.err(), Some(Broken::AfterBody(1)));
        let short = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi", false);
        assert_eq!(short.err(), Some(Broken::ShortBody(3)));
        let head = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true);
        assert_eq!(head.map(|r| r.body.len()).ok(), Some(0));
    }

    #[test]
    fn a_body_after_head_is_named_as_such() {
        let head = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", true);
        assert_eq!(head.err(), Some(Broken::BodyNotAllowed(5)));
        let no_content = parse(b"HTTP/1.1 204 No Content\r\n\r\nx", false);
        assert_eq!(no_content.err(), Some(Broken::BodyNotAllowed(1)));
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        let bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
            5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n";
        let r = parse(bytes, false).map_err(|e| format!("{e:?}"));
        assert_eq!(r.map(|r| r.body), Ok(b"hello world".to_vec()));
        assert_eq!(framed_end(bytes, bytes.len(), false), Some(bytes.len()));
        let cut = &bytes[..bytes.len() - 2];
        assert_eq!(framed_end(cut, cut.len(), false), None);
        assert_eq!(parse(cut, false).err(), Some(Broken::ChunksUnfinished));
        let bad = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello!\r\n0\r\n\r\n";
        assert!(matches!(
            parse(bad, false),
            Err(Broken::BadByte { at: 55, .. })
        ));
    }

    #[test]
    fn only_http_1_0_and_1_1_status_lines_pass() {
        assert!(parse(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false).is_ok());
        let nine = parse(b"HTTP/9.9 200 OK\r\nContent-Length: 0\r\n\r\n", false);
        assert!(matches!(nine, Err(Broken::BadByte { at: 5, .. })));
    }

    #[test]
    fn framing_ends_a_response_without_a_close() {
        let framed = |bytes: &[u8], head| framed_end(bytes, bytes.len(), head);
        assert_eq!(
            framed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", false),
            Some(40)
        );
        assert_eq!(
            framed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nh", false),
            None
        );
        assert_eq!(
            framed(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true),
            Some(38)
        );
        assert_eq!(
            framed(b"HTTP/1.1 304 Not Modified\r\n\r\n", false),
            Some(29)
        );
        assert_eq!(
            framed(b"HTTP/1.0 200 OK\r\n\r\nuntil the close", false),
            None
        );
        let interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        assert_eq!(framed(interim, false), Some(interim.len()));
        assert_eq!(parse(interim, false).map(|r| r.status).ok(), Some(204));
    }
}
