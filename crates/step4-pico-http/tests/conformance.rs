//! The rules of RFC 9112 that only step 4 can meet, because only step 4 reads
//! the raw lines and owns the connection: refuse a head whose framing is in
//! doubt *and close*, refuse whitespace at the start of a field line, never
//! read a body as the next request. `docs/src/conformance.md` names each test
//! next to its rule; the rules every stage meets are in `tests/http.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, Write};

use common::{STAGE, Server, Site, read_response};

/// What a client sends after a refused head, hoping it will be read as a
/// request of its own.
const NEXT: &str = "GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n";

#[test]
fn a_refused_head_is_answered_then_the_connection_closed() {
    let site = Site::new();
    let server = Server::start(&STAGE, &site.root(), &[]);
    let heads = [
        ("no Host", "GET / HTTP/1.1\r\n\r\n", 400),
        (
            "two Hosts",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            400,
        ),
        (
            "an invalid Host",
            "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
            400,
        ),
        (
            "a Content-Length that is not a number",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            400,
        ),
        (
            "two Content-Lengths",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n",
            400,
        ),
        (
            "Content-Length and Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
        ),
        (
            "a last coding other than chunked",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            400,
        ),
        (
            "Transfer-Encoding in HTTP/1.0",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
        ),
        (
            "a coding we cannot undo",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            501,
        ),
    ];
    for (what, head, status) in heads {
        // One response, then end of file: NEXT is never answered.
        let response = server.exchange_and_close(format!("{head}{NEXT}").as_bytes());
        assert_eq!(response.status, status, "{what}");
        assert_eq!(response.header("Connection"), Some("close"), "{what}");
        assert!(response.text().contains(&status.to_string()), "{what}");
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn whitespace_at_the_start_of_a_field_line_is_400() {
    let site = Site::new();
    let server = Server::start(&STAGE, &site.root(), &[]);
    for (what, raw) in [
        (
            "right after the request line",
            "GET / HTTP/1.1\r\n Host: x\r\n\r\n",
        ),
        (
            "a folded line that looks like a field",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n X-B: b\r\n\r\n",
        ),
        (
            "a folded line with a tab",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tmore\r\n\r\n",
        ),
    ] {
        let response = server.exchange_and_close(raw.as_bytes());
        assert_eq!(response.status, 400, "{what}");
    }
}

#[test]
fn a_chunked_body_is_never_read_as_the_next_request() {
    let site = Site::new();
    let server = Server::start(&STAGE, &site.root(), &[]);
    let raw = format!(
        "GET /style.css HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\nhello\r\n0\r\n\r\n{NEXT}"
    );
    let mut stream = server.connect();
    stream.write_all(raw.as_bytes()).unwrap();
    let (response, mut rest) = read_response(&stream, false);
    assert_eq!(response.body, site.file("style.css"));
    // The chunks and NEXT are read and discarded while closing: nothing follows.
    assert!(rest.fill_buf().unwrap().is_empty(), "a second response");
}
