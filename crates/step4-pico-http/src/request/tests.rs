//! Table-driven tests of the request parser: one row per rule it enforces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn parse(bytes: &[u8]) -> Result<Request, ParseError> {
    parse_request(&mut &bytes[..])
}

/// The status a head is answered with: 200 stands for "parsed".
fn status(bytes: &[u8]) -> u16 {
    match parse(bytes) {
        Ok(_) => 200,
        Err(error) => error.status().unwrap_or(0),
    }
}

#[test]
fn parses_a_browser_request() {
    let request = parse(
        b"GET /index.html?x=1 HTTP/1.1\r\nHost: localhost:8000\r\nAccept:  text/html \r\n\r\n",
    )
    .unwrap();
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/index.html?x=1");
    assert_eq!(request.version, "HTTP/1.1");
    assert_eq!(
        request.headers,
        vec![
            ("Host".to_string(), "localhost:8000".to_string()),
            ("Accept".to_string(), "text/html".to_string()),
        ]
    );
    assert_eq!(request.header("host"), Some("localhost:8000"));
    assert_eq!(request.line(), "GET /index.html?x=1 HTTP/1.1");
    assert!(request.raw_head.ends_with("text/html \r\n\r\n"));
}

#[test]
fn accepts_what_rfc_9112_lets_a_server_accept() {
    let cases: [(&str, &[u8]); 6] = [
        ("bare LF line endings", b"GET / HTTP/1.1\nHost: x\n\n"),
        ("no header fields", b"GET / HTTP/1.0\r\n\r\n"),
        (
            "one empty line before the request line",
            b"\r\nGET / HTTP/1.1\r\n\r\n",
        ),
        ("a later HTTP/1 minor version", b"GET / HTTP/1.2\r\n\r\n"),
        (
            "an empty field value",
            b"GET / HTTP/1.1\r\nX-Empty:\r\n\r\n",
        ),
        (
            "any method token (it is refused later)",
            b"BREW /pot HTTP/1.1\r\n\r\n",
        ),
    ];
    for (what, bytes) in cases {
        assert_eq!(status(bytes), 200, "{what}");
    }
}

#[test]
fn rejects_malformed_heads_with_their_status() {
    let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
    let big_field = format!(
        "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
        "a".repeat(MAX_HEADER_BYTES)
    );
    let many_fields = format!(
        "GET / HTTP/1.1\r\n{}\r\n",
        "A: b\r\n".repeat(MAX_HEADER_FIELDS + 1)
    );
    let cases: Vec<(&str, &[u8], u16)> = vec![
        ("only line endings", b"\r\n\r\n", 400),
        (
            "garbage bytes",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
            400,
        ),
        ("one word", b"GET\r\n\r\n", 400),
        ("missing version", b"GET /\r\n\r\n", 400),
        ("two spaces", b"GET  / HTTP/1.1\r\n\r\n", 400),
        ("a trailing space", b"GET / HTTP/1.1 \r\n\r\n", 400),
        ("a tab separator", b"GET\t/ HTTP/1.1\r\n\r\n", 400),
        (
            "invalid UTF-8 in the target",
            b"GET /\xff\xfe HTTP/1.1\r\n\r\n",
            400,
        ),
        ("a bare CR in the line", b"GET /a\rb HTTP/1.1\r\n\r\n", 400),
        (
            "a method that is not a token",
            b"G(T / HTTP/1.1\r\n\r\n",
            400,
        ),
        ("not a version", b"GET / HTTX/1.1\r\n\r\n", 400),
        ("a version with two digits", b"GET / HTTP/11.1\r\n\r\n", 400),
        ("HTTP/2.0", b"GET / HTTP/2.0\r\n\r\n", 505),
        ("HTTP/0.9", b"GET / HTTP/0.9\r\n\r\n", 505),
        (
            "a header without a colon",
            b"GET / HTTP/1.1\r\nHost localhost\r\n\r\n",
            400,
        ),
        (
            "space before the colon",
            b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            400,
        ),
        ("an empty field name", b"GET / HTTP/1.1\r\n: x\r\n\r\n", 400),
        (
            "obs-fold continuation",
            b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
            400,
        ),
        (
            "a NUL in a value",
            b"GET / HTTP/1.1\r\nX: a\0b\r\n\r\n",
            400,
        ),
        ("closed in the request line", b"GET / HTT", 400),
        (
            "closed in the headers",
            b"GET / HTTP/1.1\r\nHost: x\r\n",
            400,
        ),
        ("a request line over 8 KiB", long_line.as_bytes(), 414),
        ("a header section over 64 KiB", big_field.as_bytes(), 431),
        ("more than 100 header fields", many_fields.as_bytes(), 431),
    ];
    for (what, bytes, expected) in cases {
        assert_eq!(status(bytes), expected, "{what}");
    }
}

#[test]
fn limits_are_inclusive() {
    let target = "a".repeat(MAX_REQUEST_LINE - "GET / HTTP/1.1\r\n".len());
    let longest = format!("GET /{target} HTTP/1.1\r\n\r\n");
    assert_eq!(status(longest.as_bytes()), 200);
    let fields = format!(
        "GET / HTTP/1.1\r\n{}\r\n",
        "A: b\r\n".repeat(MAX_HEADER_FIELDS)
    );
    assert_eq!(status(fields.as_bytes()), 200);
}

#[test]
fn an_empty_connection_is_not_an_error_to_answer() {
    assert!(matches!(parse(b""), Err(ParseError::Closed)));
}

#[test]
fn a_body_is_announced_by_its_framing_headers() {
    let with =
        |header: &str| parse(format!("POST / HTTP/1.1\r\n{header}\r\n\r\n").as_bytes()).unwrap();
    assert!(with("Content-Length: 10").announces_body());
    assert!(with("transfer-encoding: chunked").announces_body());
    assert!(!with("Content-Length: 0").announces_body());
    assert!(!with("Host: x").announces_body());
}

#[test]
fn stops_reading_at_the_end_of_the_head() {
    let bytes = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    let mut reader = &bytes[..];
    parse_request(&mut reader).unwrap();
    assert_eq!(reader, b"hello");
}
