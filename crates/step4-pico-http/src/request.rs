//! Reading the request head: the request line, then the header fields, then an
//! empty line (RFC 9112 §2.1). The article's `_parse_request`, made safe.
//!
//! ```text
//! GET /index.html HTTP/1.1\r\n        request line: method SP target SP version
//! Host: 127.0.0.1:8000\r\n            header field: name ":" OWS value OWS
//! Accept: text/html\r\n
//! \r\n                                end of the head; a body would follow
//! ```
//!
//! The article splits the first line on spaces and indexes `[1]`, so an empty
//! or one-word request line crashes the handler, and it reads lines with no
//! limit, so one endless line eats all the memory. Here every way a head can be
//! wrong ends in a [`ParseError`] that names the 4xx status to answer with, and
//! every line has a size limit, as in nginx and Python's `http.server`.
//!
//! The parser reads from any [`BufRead`], so tests can feed it bytes directly;
//! the handler gives it the socket wrapped in a read deadline.

use std::io::{self, BufRead};

use crate::conformance::is_token_char;
use reader::HeadReader;

mod reader;

// ANCHOR: limits
/// Longest request line, its line ending included; longer ones get 414.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Largest header section (all field lines and their line endings); larger gets 431.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Most header field lines in one request; more gets 431.
pub const MAX_HEADER_FIELDS: usize = 100;
// ANCHOR_END: limits

/// A parsed request head. Names and values are kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
    /// The head as received, for the debug log.
    pub raw_head: String,
}

impl Request {
    /// The value of the first field called `name` (field names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Whether a body follows the head (RFC 9112 §6.1–6.3). We never read one,
    /// but the connection must then be closed with care (see `connection.rs`).
    pub fn announces_body(&self) -> bool {
        self.header("Transfer-Encoding").is_some()
            || self
                .header("Content-Length")
                .is_some_and(|n| n.trim() != "0")
    }

    /// The header fields as `conformance.rs` takes them.
    pub fn fields(&self) -> Vec<(&str, &str)> {
        let fields = self.headers.iter();
        fields
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect()
    }

    /// The minor version: the parser lets only HTTP/1.x through, and a later
    /// minor version is served as 1.1 (RFC 9110 §2.5).
    pub fn minor(&self) -> u8 {
        u8::from(self.version != "HTTP/1.0")
    }

    /// `GET /path HTTP/1.1`, as the access log shows it.
    pub fn line(&self) -> String {
        format!("{} {} {}", self.method, self.target, self.version)
    }
}

/// Why no request could be read, and so which status answers it.
#[derive(Debug)]
pub enum ParseError {
    /// The client closed the connection without sending a byte: nothing to answer.
    Closed,
    /// 400: the head breaks the grammar.
    BadRequest(&'static str),
    /// 414: the request line is longer than [`MAX_REQUEST_LINE`].
    UriTooLong,
    /// 431: too many header bytes or fields.
    HeadersTooLarge(&'static str),
    /// 505: a well-formed version other than HTTP/1.x.
    VersionNotSupported,
    /// 408: the head did not arrive before the deadline.
    Timeout,
    /// The connection failed (for example, reset by the client).
    Io(io::Error),
}

impl ParseError {
    /// The status code to answer with, if the client is still there to read it.
    pub fn status(&self) -> Option<u16> {
        match self {
            ParseError::BadRequest(_) => Some(400),
            ParseError::UriTooLong => Some(414),
            ParseError::HeadersTooLarge(_) => Some(431),
            ParseError::VersionNotSupported => Some(505),
            ParseError::Timeout => Some(408),
            ParseError::Closed | ParseError::Io(_) => None,
        }
    }

    /// A sentence for the error page.
    pub fn detail(&self) -> &'static str {
        match self {
            ParseError::BadRequest(why) | ParseError::HeadersTooLarge(why) => why,
            ParseError::UriTooLong => "the request line is longer than 8 KiB",
            ParseError::VersionNotSupported => "this server speaks HTTP/1.0 and HTTP/1.1 only",
            ParseError::Timeout => "the request did not arrive in time",
            ParseError::Closed | ParseError::Io(_) => "the connection was closed",
        }
    }
}

// ANCHOR: parse_request
/// Reads and parses one request head from `reader`: the article's
/// `_parse_request`, with every way a head can be wrong made an error.
pub fn parse_request(reader: &mut impl BufRead) -> Result<Request, ParseError> {
    let mut head = HeadReader::new(reader);
    let mut request = parse_request_line(&head.request_line()?)?;
    loop {
        let line = head.field_line()?;
        if line.is_empty() {
            break;
        }
        if request.headers.len() == MAX_HEADER_FIELDS {
            return Err(ParseError::HeadersTooLarge(
                "there are more than 100 header fields",
            ));
        }
        request.headers.push(parse_field_line(&line)?);
    }
    request.raw_head = String::from_utf8_lossy(&head.raw).into_owned();
    Ok(request)
}
// ANCHOR_END: parse_request

// ANCHOR: request_line
/// Splits `METHOD SP TARGET SP VERSION` (RFC 9112 §3). Exactly one space
/// between the parts and no other whitespace: lenient splitting is how
/// requests get understood one way by a proxy and another way by the server.
fn parse_request_line(line: &[u8]) -> Result<Request, ParseError> {
    if line.is_empty() {
        return Err(ParseError::BadRequest("the request line is empty"));
    }
    if !line.iter().all(|&b| b == b' ' || b.is_ascii_graphic()) {
        return Err(ParseError::BadRequest(
            "the request line may only hold visible ASCII characters and single spaces",
        ));
    }
    // Only visible ASCII and spaces are left, so this is valid UTF-8.
    let line = String::from_utf8_lossy(line);
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(ParseError::BadRequest(
            "a request line is METHOD TARGET VERSION, separated by single spaces",
        ));
    };
    if method.is_empty() || target.is_empty() || version.is_empty() {
        return Err(ParseError::BadRequest("a request line part is empty"));
    }
    if !method.bytes().all(is_token_char) {
        return Err(ParseError::BadRequest("the method is not a token"));
    }
    check_version(version)?;
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers: Vec::new(),
        raw_head: String::new(),
    })
}

/// `HTTP/1.0` and `HTTP/1.1` are served (and `HTTP/1.x` as 1.1, RFC 9110
/// §2.5); another major version is 505; anything else is not a version at all.
fn check_version(version: &str) -> Result<(), ParseError> {
    match version.strip_prefix("HTTP/").map(str::as_bytes) {
        Some([b'1', b'.', minor]) if minor.is_ascii_digit() => Ok(()),
        Some([major, b'.', minor]) if major.is_ascii_digit() && minor.is_ascii_digit() => {
            Err(ParseError::VersionNotSupported)
        }
        _ => Err(ParseError::BadRequest(
            "the version must look like HTTP/1.1",
        )),
    }
}
// ANCHOR_END: request_line

/// `name: value` (RFC 9112 §5). The name is a token, directly followed by the
/// colon; the value is trimmed of spaces and tabs.
fn parse_field_line(line: &[u8]) -> Result<(String, String), ParseError> {
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        // Line folding was removed from HTTP; RFC 9112 §5.2 lets a server reject it.
        return Err(ParseError::BadRequest(
            "folded header lines (obs-fold) are not accepted",
        ));
    }
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(ParseError::BadRequest("a header field line has no ':'"))?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    // RFC 9112 §5.1: whitespace before the colon must be rejected with 400.
    if name.is_empty() || !name.iter().copied().all(is_token_char) {
        return Err(ParseError::BadRequest("a header field name is not a token"));
    }
    if value.iter().any(|&b| b.is_ascii_control() && b != b'\t') {
        return Err(ParseError::BadRequest(
            "a header field value holds a control character",
        ));
    }
    let value = value.trim_ascii();
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

#[cfg(test)]
mod tests;
