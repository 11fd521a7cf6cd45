//! What every HTTP stage (1, 3 and 4) does alike, checked against the real
//! binary over a real socket. The same file sits in each of those crates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use common::{BINARY, SECRET, Server, Site, big_file_contents};

#[test]
fn serves_each_file_with_its_type_and_exact_length() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let cases = [
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/style.css", "style.css", "text/css; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/data.json", "data.json", "application/json"),
        ("/logo.svg", "logo.svg", "image/svg+xml"),
        ("/favicon.ico", "favicon.ico", "image/x-icon"),
        ("/notes.txt", "notes.txt", "text/plain; charset=utf-8"),
        ("/blob.unknown", "blob.unknown", "application/octet-stream"),
        ("/a%20b.txt", "a b.txt", "text/plain; charset=utf-8"),
        ("/style.css?v=2", "style.css", "text/css; charset=utf-8"),
    ];
    for (target, file, media_type) in cases {
        let response = server.get(target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.status_line, "HTTP/1.1 200 OK", "{target}");
        assert_eq!(
            response.header("Content-Type"),
            Some(media_type),
            "{target}"
        );
        let length = site.file(file).len().to_string();
        assert_eq!(
            response.header("Content-Length"),
            Some(length.as_str()),
            "{target}"
        );
        assert_eq!(response.body, site.file(file), "{target}");
    }
}

#[test]
fn streams_a_large_file_whole_with_content_length() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let response = server.get("/big.bin");
    assert_eq!(response.status, 200);
    let expected = big_file_contents();
    assert_eq!(
        response.header("Content-Length"),
        Some(expected.len().to_string().as_str())
    );
    assert_eq!(response.header("Transfer-Encoding"), None);
    assert!(response.body == expected, "the body differs from big.bin");
}

#[test]
fn a_directory_is_served_by_its_index() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for (target, file) in [("/", "index.html"), ("/sub/", "sub/index.html")] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(
            response.header("Content-Type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(response.body, site.file(file), "{target}");
    }
}

#[test]
fn a_directory_without_its_slash_is_redirected_to_it() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let cases = [
        ("/sub", "/sub/"),
        ("/sub?x=1&y=%20", "/sub/?x=1&y=%20"),
        ("/empty", "/empty/"),
        ("//sub", "/sub/"),
        ("http://localhost/sub", "/sub/"),
    ];
    for (target, location) in cases {
        for method in ["GET", "HEAD"] {
            let request = format!(
                "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            );
            let response = server.exchange(request.as_bytes());
            let what = format!("{method} {target}");
            assert_eq!(
                response.status_line, "HTTP/1.1 301 Moved Permanently",
                "{what}"
            );
            assert_eq!(response.header("Location"), Some(location), "{what}");
            assert!(response.header("Date").is_some(), "{what}");
            assert_eq!(response.body.is_empty(), method == "HEAD", "{what}");
        }
    }
}

#[test]
fn what_is_missing_is_404_with_a_page_saying_so() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for target in ["/missing", "/sub/missing.html", "/empty/", "/style.css/"] {
        let response = server.get(target);
        assert_eq!(response.status_line, "HTTP/1.1 404 Not Found", "{target}");
        assert_eq!(
            response.header("Content-Type"),
            Some("text/html; charset=utf-8")
        );
        assert!(response.text().contains("404 Not Found"), "{target}");
    }
}

#[test]
fn head_sends_the_headers_of_get_and_no_body() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for target in ["/style.css", "/big.bin", "/missing"] {
        let get = server.get(target);
        let head = server.exchange_and_close(
            format!("HEAD {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(head.status, get.status, "{target}");
        assert_eq!(
            head.header("Content-Type"),
            get.header("Content-Type"),
            "{target}"
        );
        assert_eq!(
            head.header("Content-Length"),
            get.header("Content-Length"),
            "{target}"
        );
        assert!(head.body.is_empty(), "{target}");
    }
}

#[test]
fn post_is_forbidden_whatever_the_path() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for target in ["/", "/missing", "/../secret.txt"] {
        let request = format!(
            "POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        );
        let response = server.exchange(request.as_bytes());
        assert_eq!(response.status_line, "HTTP/1.1 403 Forbidden", "{target}");
    }
}

#[test]
fn other_methods_are_405_with_allow_whatever_the_path() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for method in ["DELETE", "PUT", "PATCH", "OPTIONS", "BREW"] {
        for target in ["/", "/missing"] {
            let response = server.exchange(
                format!("{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
            assert_eq!(
                response.status_line, "HTTP/1.1 405 Method Not Allowed",
                "{method} {target}"
            );
            assert_eq!(response.header("Allow"), Some("GET, HEAD"), "{method}");
        }
    }
}

#[test]
fn never_serves_a_byte_from_outside_the_directory() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let targets = [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/../site-secret/key.txt",
        "//../secret.txt",
        "/%2F..%2Fsecret.txt",
        "/secret.txt%00.html",
        "/%c0%ae%c0%ae/secret.txt",
        "/escape",
        "http://localhost/../secret.txt",
        "../secret.txt",
    ];
    for target in targets {
        let response = server.get(target);
        assert!(
            [400, 403, 404].contains(&response.status),
            "{target}: {}",
            response.status_line
        );
        assert!(
            !response.text().contains(SECRET),
            "{target} leaked the secret"
        );
    }
    // And the server is still there.
    assert_eq!(server.get("/").status, 200);
}

#[cfg(unix)]
#[test]
fn a_link_is_followed_only_while_it_stays_inside() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    assert_eq!(server.get("/inside").body, site.file("style.css"));
    assert_eq!(server.get("/escape").status, 403);
}

#[test]
fn every_response_has_a_date_a_type_and_a_length() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for target in ["/", "/missing", "/../secret.txt", "/sub", "/%zz"] {
        let response = server.get(target);
        let date = response.header("Date").unwrap_or_default();
        assert!(
            date.len() == 29 && date.ends_with(" GMT"),
            "{target}: Date {date:?}"
        );
        assert!(response.header("Content-Type").is_some(), "{target}");
        let length: usize = response.header("Content-Length").unwrap().parse().unwrap();
        assert_eq!(length, response.body.len(), "{target}");
    }
}

#[test]
fn serves_the_workspace_www_by_default_and_says_so() {
    let mut child = Command::new(BINARY)
        .args(["0", "--bind", "127.0.0.1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = String::new();
    use std::io::BufRead;
    stdout.read_line(&mut lines).unwrap();
    stdout.read_line(&mut lines).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let www = std::fs::canonicalize(concat!(env!("CARGO_MANIFEST_DIR"), "/../../www")).unwrap();
    assert!(
        lines.contains(&format!("Serving files from {}", www.display())),
        "{lines}"
    );
}

#[test]
fn the_banner_names_the_port_it_really_got() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let port = server.address.port();
    assert!(port != 0);
    let expected =
        format!("Serving HTTP on 127.0.0.1 port {port} (http://127.0.0.1:{port}/) ...\n");
    assert!(server.banner.starts_with(&expected), "{:?}", server.banner);
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(BINARY).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_port_in_use_is_one_clear_line_and_exit_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = Site::new();
    let root = site.root();
    let (code, _, stderr) = run(&[
        &port,
        "--bind",
        "127.0.0.1",
        "--directory",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} is already in use")),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn a_missing_directory_is_a_clear_error_and_exit_1() {
    let (code, _, stderr) = run(&["0", "--directory", "/no/such/directory/anywhere"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("cannot serve directory /no/such/directory/anywhere"),
        "{stderr}"
    );
}

#[test]
fn bad_arguments_print_usage_and_exit_2() {
    for args in [
        &["--bogus"][..],
        &["eighty"],
        &["70000"],
        &["--bind"],
        &["--bind", "nowhere"],
        &["1", "2"],
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: "), "{args:?}: {stderr}");
    }
}

#[test]
fn help_prints_usage_and_exits_0() {
    for flag in ["-h", "--help"] {
        let (code, stdout, _) = run(&[flag]);
        assert_eq!(code, 0);
        assert!(stdout.starts_with("usage: "), "{stdout}");
        assert!(stdout.contains("--directory"), "{stdout}");
    }
}

// RFC 9112 and RFC 9110, rule by rule: docs/src/conformance.md names each test
// next to the rule it guards.

/// Sends `raw` and returns the status code of the (first) response.
fn status_of(server: &Server, raw: &str) -> u16 {
    server.exchange(raw.as_bytes()).status
}

#[test]
fn an_http_1_1_request_needs_exactly_one_valid_host() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let refused = [
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: a.example\r\nHost: b.example\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a/b\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: user@localhost\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: localhost:http\r\nConnection: close\r\n\r\n",
    ];
    for raw in refused {
        let response = server.exchange(raw.as_bytes());
        assert_eq!(response.status, 400, "{raw:?}");
        assert!(response.text().contains("Host"), "{raw:?}");
        assert!(response.header("Date").is_some(), "{raw:?}");
    }
    let served = [
        "GET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: [::1]:8000\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nhost: \t localhost \t\r\nConnection: close\r\n\r\n",
    ];
    for raw in served {
        assert_eq!(status_of(&server, raw), 200, "{raw:?}");
    }
}

#[test]
fn a_content_length_that_is_not_one_number_is_400() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for length in ["abc", "+5", "-1", "0x5", "5, 6", "5 6", ""] {
        let raw = format!(
            "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\nConnection: close\r\n\r\nhello"
        );
        assert_eq!(status_of(&server, &raw), 400, "Content-Length: {length:?}");
    }
    let two = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\
               Connection: close\r\n\r\nab";
    assert_eq!(status_of(&server, two), 400, "two different lengths");
    let same = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\
                Connection: close\r\n\r\n";
    assert_eq!(status_of(&server, same), 200, "the same length twice");
}

#[test]
fn a_transfer_encoding_that_cannot_frame_the_body_is_refused() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let cases = [
        ("HTTP/1.1", "Transfer-Encoding: gzip", 400),
        ("HTTP/1.1", "Transfer-Encoding: chunked, gzip", 400),
        (
            "HTTP/1.1",
            "Transfer-Encoding: chunked\r\nContent-Length: 5",
            400,
        ),
        ("HTTP/1.0", "Transfer-Encoding: chunked", 400),
        ("HTTP/1.1", "Transfer-Encoding: gzip, chunked", 501),
        ("HTTP/1.1", "Transfer-Encoding: chunked", 200),
    ];
    for (version, fields, status) in cases {
        let raw =
            format!("GET / {version}\r\nHost: x\r\n{fields}\r\nConnection: close\r\n\r\n0\r\n\r\n");
        assert_eq!(status_of(&server, &raw), status, "{version} {fields:?}");
    }
}

#[test]
fn a_field_line_with_space_before_its_colon_is_400() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for raw in [
        "GET / HTTP/1.1\r\nHost : x\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nAccept\t: */*\r\nConnection: close\r\n\r\n",
    ] {
        assert_eq!(status_of(&server, raw), 400, "{raw:?}");
    }
}

#[test]
fn cr_or_nul_inside_a_field_value_is_400() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for value in ["a\0b", "a\rb"] {
        let raw =
            format!("GET / HTTP/1.1\r\nHost: x\r\nX-Test: {value}\r\nConnection: close\r\n\r\n");
        assert_eq!(status_of(&server, &raw), 400, "{value:?}");
    }
}

#[test]
fn an_absolute_form_target_is_served_unless_it_cannot_be() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for target in [
        "http://localhost/style.css",
        "HTTP://localhost:8000/style.css?v=1",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.body, site.file("style.css"), "{target}");
    }
    for target in [
        "http:///style.css",
        "http://user@localhost/style.css",
        "https://localhost/style.css",
    ] {
        assert_eq!(server.get(target).status, 400, "{target}");
    }
}

#[test]
fn http_0_9_is_answered_505() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let raw = "GET / HTTP/0.9\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_eq!(status_of(&server, raw), 505);
}

/// How long a connection tiny_http holds without a word must stay silent for
/// the tests below to call it held: a bound, not a measurement (the issue
/// that found it waited 80 s).
const SILENCE: Duration = Duration::from_secs(1);

/// Reads from `stream` for [`SILENCE`] and asserts that nothing came: no
/// byte, and no close either.
fn assert_held_in_silence(stream: &TcpStream, what: &str) {
    stream.set_read_timeout(Some(SILENCE)).unwrap();
    let mut byte = [0; 1];
    match (&*stream).read(&mut byte) {
        Ok(0) => panic!("{what}: closed without an answer"),
        Ok(_) => panic!("{what}: answered, byte {:?}", char::from(byte[0])),
        Err(error) => assert!(
            matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "{what}: {error}"
        ),
    }
}

#[test]
fn http_2_request_lines_are_505_in_step_4_and_held_in_silence_by_tiny_http() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let heads = [
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        // The HTTP/2 connection preface (RFC 9113 §3.4): the first bytes of
        // `curl --http2-prior-knowledge`, shaped to fail on an HTTP/1 server.
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ];
    // Both sent first, so that the two silences are waited out together.
    let streams: Vec<TcpStream> = heads
        .iter()
        .map(|head| {
            let mut stream = server.connect();
            stream.write_all(head.as_bytes()).unwrap();
            // Nothing more comes: step 4 need not wait for more before it closes.
            stream.shutdown(Shutdown::Write).unwrap();
            stream
        })
        .collect();
    for (head, stream) in heads.iter().zip(&streams) {
        if common::STAGE == 4 {
            let (response, mut rest) = common::read_response(stream, false);
            assert_eq!(response.status, 505, "{head:?}");
            let mut after = Vec::new();
            rest.read_to_end(&mut after)
                .expect("step 4 closes after a 505");
            assert!(after.is_empty(), "{head:?}");
        } else {
            // tiny_http parses the head, then deadlocks writing its own 505
            // (docs/src/conformance.md): no answer, no close, no timeout.
            assert_held_in_silence(stream, head);
        }
    }
    // What holds such a connection is one thread, not the server.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_raw_utf8_target_is_400_in_step_4_and_a_silent_close_in_tiny_http() {
    let site = Site::new();
    std::fs::write(site.root().join("é.html"), "<p>café</p>\n").unwrap();
    let raw = "GET /é.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let server = Server::start(&site.root(), &[]);
    let mut stream = server.connect();
    stream.write_all(raw.as_bytes()).unwrap();
    // tiny_http may have hung up already; step 4 need not wait for more.
    let _ = stream.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    // tiny_http closes with the head unread: the kernel may send a reset.
    if let Err(error) = stream.read_to_end(&mut answer) {
        assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    }
    let answer = String::from_utf8_lossy(&answer);
    if common::STAGE == 4 {
        // A target is URI syntax, ASCII only (RFC 3986). RFC 9112 §3: "Recipients
        // of an invalid request-line SHOULD respond with either a 400 (Bad
        // Request) error or a 301 (Moved Permanently) redirect".
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer:?}");
    } else {
        // tiny_http reads each line as ASCII and hangs up on any other byte.
        assert_eq!(answer, "", "tiny_http now answers a raw UTF-8 target");
    }
    // The same name percent-encoded, as browsers and curl send it, is served.
    let response = server.get("/%C3%A9.html");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "<p>café</p>\n");
}

#[test]
fn http_1_2_is_served_as_1_1_in_step_4_and_400_in_tiny_http() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let raw = "GET /style.css HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n";
    let response = server.exchange(raw.as_bytes());
    if common::STAGE == 4 {
        // RFC 9110 §2.5: such a message "SHOULD" be processed "as if it were in
        // the highest minor version within that major version to which the
        // recipient is conformant".
        assert_eq!(response.status, 200, "{}", response.status_line);
        assert_eq!(response.body, site.file("style.css"));
    } else {
        // tiny_http knows HTTP/0.9, 1.0, 1.1, 2.0 and 3.0, and nothing else.
        assert_eq!(response.status, 400, "{}", response.status_line);
    }
}

#[test]
fn after_connection_close_no_further_request_is_answered() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let response = server.exchange_and_close(
        b"GET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n\
          GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(response.body, site.file("style.css"));
}

/// Reads what follows a first response: nothing (the server closed), or
/// exactly one more response, which must be for `/notes.txt`.
fn assert_next_is_notes_or_nothing(
    site: &Site,
    rest: &mut std::io::BufReader<std::net::TcpStream>,
) {
    use std::io::BufRead;
    if rest.fill_buf().unwrap().is_empty() {
        return;
    }
    let second = common::read_next_response(rest, false);
    assert_eq!(second.status, 200, "{}", second.status_line);
    assert_eq!(second.body, site.file("notes.txt"));
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let mut stream = server.connect();
    std::io::Write::write_all(
        &mut stream,
        b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let (first, mut rest) = common::read_response(&stream, false);
    assert_eq!(first.body, site.file("style.css"));
    assert_next_is_notes_or_nothing(&site, &mut rest);
}

#[test]
fn a_request_body_is_never_read_as_the_next_request() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let raw = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello\
               GET /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut stream = server.connect();
    std::io::Write::write_all(&mut stream, raw.as_bytes()).unwrap();
    let (first, mut rest) = common::read_response(&stream, false);
    assert_eq!(first.status, 403, "{}", first.status_line);
    assert_next_is_notes_or_nothing(&site, &mut rest);
}

#[test]
fn a_request_expecting_100_continue_gets_its_answer_without_sending_the_body() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for version in ["HTTP/1.1", "HTTP/1.0"] {
        // The body is never sent: a server that waited for it would not answer.
        let raw = format!(
            "POST / {version}\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\
             Connection: close\r\n\r\n"
        );
        let response = server.exchange(raw.as_bytes());
        assert_eq!(response.status, 403, "{version}: {}", response.status_line);
    }
}

#[test]
fn no_response_repeats_a_field_or_pairs_a_length_with_transfer_encoding() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    for raw in [
        "GET /big.bin HTTP/1.0\r\n\r\n",
        "GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /sub HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
    ] {
        let response = server.exchange(raw.as_bytes());
        let mut names: Vec<String> = response
            .headers
            .iter()
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect();
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "{raw:?}: {:?}", response.headers);
        assert_eq!(response.header("Transfer-Encoding"), None, "{raw:?}");
        assert!(response.header("Content-Length").is_some(), "{raw:?}");
    }
}

#[test]
fn preconditions_are_decided_by_sending_no_validators() {
    let site = Site::new();
    let server = Server::start(&site.root(), &[]);
    let ask = |target: &str, field: &str| {
        let mut stream = server.connect();
        let raw =
            format!("GET {target} HTTP/1.1\r\nHost: x\r\n{field}\r\nConnection: close\r\n\r\n");
        std::io::Write::write_all(&mut stream, raw.as_bytes()).unwrap();
        // Read the head, then the rest: a 304 has no body, whatever its
        // Content-Length says.
        let (response, mut rest) = common::read_response(&stream, true);
        let mut after = Vec::new();
        std::io::Read::read_to_end(&mut rest, &mut after).unwrap();
        (response, after)
    };
    let length = site.file("style.css").len().to_string();
    let cases = [
        ("If-Match: \"v1\"", 412),
        ("If-Match: *", 200),
        ("If-None-Match: *", 304),
        ("If-None-Match: \"v1\", W/\"v2\"", 200),
        ("If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT", 200),
        ("If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT", 200),
    ];
    for (field, status) in cases {
        let (response, after) = ask("/style.css", field);
        assert_eq!(response.status, status, "{field}");
        assert!(response.header("Date").is_some(), "{field}");
        if status == 304 {
            assert_eq!(response.header("Content-Length"), Some(length.as_str()));
            assert!(after.is_empty(), "a 304 with a body");
        }
    }
    // Preconditions only ever turn a 200 into something else.
    assert_eq!(ask("/missing", "If-Match: \"v1\"").0.status, 404);
    assert_eq!(ask("/sub", "If-None-Match: *").0.status, 301);
}

#[test]
fn the_access_log_counts_the_body_bytes_really_sent() {
    let site = Site::new();
    let (server, log) = Server::start_logged(&site.root());
    let length = site.file("style.css").len();
    let cases = [
        ("GET", "", format!("200 {length}")),
        ("HEAD", "", "200 0".to_string()),
        ("GET", "If-None-Match: *\r\n", "304 0".to_string()),
    ];
    for (method, field, logged) in cases {
        let mut stream = server.connect();
        let peer = stream.local_addr().unwrap().to_string();
        let raw =
            format!("{method} /style.css HTTP/1.1\r\nHost: x\r\n{field}Connection: close\r\n\r\n");
        std::io::Write::write_all(&mut stream, raw.as_bytes()).unwrap();
        let (response, _) = common::read_response(&stream, method == "HEAD" || !field.is_empty());
        let what = format!("{method} {field:?}");
        assert!([200, 304].contains(&response.status), "{what}");
        // The line that names this client: `PEER "METHOD /style.css HTTP/1.1" STATUS BYTES`.
        let line = loop {
            match log.recv_timeout(common::PATIENCE) {
                Ok(line) if line.contains(&peer) => break line,
                Ok(_) => continue,
                Err(error) => panic!("{what}: no access log line for {peer}: {error}"),
            }
        };
        assert!(line.ends_with(&format!("\" {logged}")), "{what}: {line}");
    }
}
