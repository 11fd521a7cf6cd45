//! One exchange on the wire: connect, send bytes, read what comes back until
//! the server closes or the time is up, then parse it as an HTTP/1.1 response
//! (RFC 9112 §4 status line, §5 fields, §6 body), remembering the first byte
//! that does not fit, so that the report can put a caret under it.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// We keep at most this much of a response: enough for every page of the
/// fixture; the big file is read by its own check, which counts instead.
const KEEP: usize = 1024 * 1024;

/// How an exchange ended on the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The server closed its side (read returned 0): the normal end.
    Closed,
    /// `ECONNRESET`: it closed with our bytes unread, or it crashed.
    Reset,
    /// Nobody listens on the port.
    Refused,
    /// The time bound passed with the connection still open.
    TimedOut,
}

/// The bytes of one exchange.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    pub(crate) sent: Vec<u8>,
    pub(crate) received: Vec<u8>,
    pub(crate) end: End,
    pub(crate) elapsed: Duration,
}

/// Connects, sends `request`, reads until the server closes or `limit` passes.
pub(crate) fn exchange(addr: SocketAddr, request: &[u8], limit: Duration) -> Exchange {
    let start = Instant::now();
    let done = |received, end| Exchange {
        sent: request.to_vec(),
        received,
        end,
        elapsed: start.elapsed(),
    };
    let stream = match TcpStream::connect_timeout(&addr, limit) {
        Ok(stream) => stream,
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
            return done(Vec::new(), End::Refused);
        }
        Err(_) => return done(Vec::new(), End::TimedOut),
    };
    // A write error is not the end: the server may have answered (a 414, say)
    // and closed before reading all we sent. What it wrote is still to read.
    let _ = (&stream).write_all(request);
    let (received, end) = read_until_close(&stream, start + limit);
    done(received, end)
}

/// Reads until EOF, a reset or the deadline, keeping the first [`KEEP`] bytes.
pub(crate) fn read_until_close(mut stream: &TcpStream, deadline: Instant) -> (Vec<u8>, End) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return (received, End::TimedOut);
        }
        match stream.read(&mut buffer) {
            Ok(0) => return (received, End::Closed),
            Ok(n) => {
                let room = KEEP.saturating_sub(received.len()).min(n);
                received.extend_from_slice(&buffer[..room]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (received, End::TimedOut);
            }
            Err(_) => return (received, End::Reset),
        }
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
    /// Byte `at` breaks the status line or a header: `why` says how.
    BadByte { at: usize, why: &'static str },
    /// The head never ended with an empty line.
    HeadUnfinished,
    /// More bytes than `Content-Length` said.
    AfterBody(usize),
    /// Fewer bytes than `Content-Length` said.
    ShortBody(usize),
}

/// `tchar` of RFC 9110 §5.6.2: the bytes a field name may hold.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Whether only spaces or tabs stand between here and a colon.
fn next_is_colon(rest: &[u8]) -> bool {
    rest.iter().find(|&&b| b != b' ' && b != b'\t') == Some(&b':')
}

/// Parses `bytes` as the response to a request; `head` for a HEAD request,
/// whose response has headers but never a body (RFC 9110 §9.3.2).
pub(crate) fn parse(bytes: &[u8], head: bool) -> Result<Response, Broken> {
    if bytes.is_empty() {
        return Err(Broken::Nothing);
    }
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
    let rest = &bytes[at + 2..];
    let mut response = Response {
        version,
        status,
        headers,
        body: Vec::new(),
    };
    response.body = frame_body(&response, rest, head)?.to_vec();
    Ok(response)
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

/// The body within `rest` (RFC 9112 §6.3): none for HEAD, 1xx, 204 and 304;
/// else `Content-Length` bytes exactly; else everything up to the close.
fn frame_body<'a>(response: &Response, rest: &'a [u8], head: bool) -> Result<&'a [u8], Broken> {
    let bodiless = head || response.status / 100 == 1 || matches!(response.status, 204 | 304);
    let length = match response.header("Content-Length") {
        _ if bodiless => 0,
        Some(value) => value.parse::<usize>().map_err(|_| Broken::BadByte {
            at: 0,
            why: "Content-Length is a decimal number (RFC 9110 §8.6)",
        })?,
        None => rest.len(),
    };
    match rest.len() {
        n if n > length => Err(Broken::AfterBody(n - length)),
        n if n < length => Err(Broken::ShortBody(length - n)),
        _ => Ok(rest),
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
}
