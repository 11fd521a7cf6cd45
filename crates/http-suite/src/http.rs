//! What every HTTP stage (1, 3 and 4) does alike, checked against the real
//! binary over a real socket. Each stage's `tests/http.rs` runs every test
//! here through [`http_tests!`](crate::http_tests).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use crate::Stage;
use crate::support::{self, SECRET, Server, Site, big_file_contents};

pub fn serves_each_file_with_its_type_and_exact_length(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn streams_a_large_file_whole_with_content_length(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn a_directory_is_served_by_its_index(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn a_directory_without_its_slash_is_redirected_to_it(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn what_is_missing_is_404_with_a_page_saying_so(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn head_sends_the_headers_of_get_and_no_body(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn post_is_forbidden_whatever_the_path(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    for target in ["/", "/missing", "/../secret.txt"] {
        let request = format!(
            "POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        );
        let response = server.exchange(request.as_bytes());
        assert_eq!(response.status_line, "HTTP/1.1 403 Forbidden", "{target}");
    }
}

pub fn other_methods_are_405_with_allow_whatever_the_path(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn never_serves_a_byte_from_outside_the_directory(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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
pub fn a_link_is_followed_only_while_it_stays_inside(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    assert_eq!(server.get("/inside").body, site.file("style.css"));
    assert_eq!(server.get("/escape").status, 403);
}

pub fn every_response_has_a_date_a_type_and_a_length(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn serves_the_workspace_www_by_default_and_says_so(stage: &Stage) {
    let mut child = Command::new(stage.binary)
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

pub fn the_banner_names_the_port_it_really_got(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    let port = server.address.port();
    assert!(port != 0);
    let expected =
        format!("Serving HTTP on 127.0.0.1 port {port} (http://127.0.0.1:{port}/) ...\n");
    assert!(server.banner.starts_with(&expected), "{:?}", server.banner);
}

fn run(stage: &Stage, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(stage.binary).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

pub fn a_port_in_use_is_one_clear_line_and_exit_1(stage: &Stage) {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = Site::new();
    let root = site.root();
    let (code, _, stderr) = run(
        stage,
        &[
            &port,
            "--bind",
            "127.0.0.1",
            "--directory",
            root.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} is already in use")),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

pub fn a_missing_directory_is_a_clear_error_and_exit_1(stage: &Stage) {
    let (code, _, stderr) = run(stage, &["0", "--directory", "/no/such/directory/anywhere"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("cannot serve directory /no/such/directory/anywhere"),
        "{stderr}"
    );
}

pub fn bad_arguments_print_usage_and_exit_2(stage: &Stage) {
    for args in [
        &["--bogus"][..],
        &["eighty"],
        &["70000"],
        &["--bind"],
        &["--bind", "nowhere"],
        &["1", "2"],
    ] {
        let (code, _, stderr) = run(stage, args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: "), "{args:?}: {stderr}");
    }
}

pub fn help_prints_usage_and_exits_0(stage: &Stage) {
    for flag in ["-h", "--help"] {
        let (code, stdout, _) = run(stage, &[flag]);
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

pub fn an_http_1_1_request_needs_exactly_one_valid_host(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn a_content_length_that_is_not_one_number_is_400(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn a_transfer_encoding_that_cannot_frame_the_body_is_refused(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn a_field_line_with_space_before_its_colon_is_400(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    for raw in [
        "GET / HTTP/1.1\r\nHost : x\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nAccept\t: */*\r\nConnection: close\r\n\r\n",
    ] {
        assert_eq!(status_of(&server, raw), 400, "{raw:?}");
    }
}

pub fn cr_or_nul_inside_a_field_value_is_400(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    for value in ["a\0b", "a\rb"] {
        let raw =
            format!("GET / HTTP/1.1\r\nHost: x\r\nX-Test: {value}\r\nConnection: close\r\n\r\n");
        assert_eq!(status_of(&server, &raw), 400, "{value:?}");
    }
}

pub fn an_absolute_form_target_is_served_unless_it_cannot_be(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn http_0_9_is_answered_505(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    let raw = "GET / HTTP/0.9\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_eq!(status_of(&server, raw), 505);
}

/// How long the tests below give a server to answer, or to close, while
/// the client stays connected: a bound, not a measurement. Step 4 runs them
/// with `--timeout 1`, so that what it waits out ends well within it.
const BOUND: Duration = Duration::from_secs(5);

/// Step 4's `--timeout 1` (the other stages have no such option).
fn quick_server(stage: &Stage, site: &Site) -> Server {
    let step_4_timeout: &[&str] = if stage.number == 4 {
        &["--timeout", "1"]
    } else {
        &[]
    };
    Server::start(stage, &site.root(), step_4_timeout)
}

/// The status code of the first response on `stream`, or `None` if the
/// server closed it without one; fails if neither came within [`BOUND`].
fn status_within_bound(stream: &TcpStream, what: &str) -> Option<u16> {
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let mut line = Vec::new();
    let mut byte = [0; 1];
    while !line.ends_with(b"\r\n") {
        match (&*stream).read(&mut byte) {
            Ok(0) => break,
            Ok(_) => line.push(byte[0]),
            // A server that closes with bytes unread makes the kernel reset.
            Err(error) if error.kind() == ErrorKind::ConnectionReset => break,
            Err(error) => panic!("{what}: no answer and no close within {BOUND:?} ({error})"),
        }
    }
    let line = String::from_utf8_lossy(&line);
    line.split(' ').nth(1).and_then(|code| code.parse().ok())
}

/// Reads what is left on `stream` and asserts that the server closed it,
/// having sent nothing more.
fn assert_closed_after(reader: &mut impl Read, what: &str) {
    let mut after = Vec::new();
    match reader.read_to_end(&mut after) {
        Ok(_) => {}
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {}
        Err(error) => panic!("{what}: not closed within {BOUND:?} ({error})"),
    }
    assert!(
        after.is_empty(),
        "{what}: {:?}",
        String::from_utf8_lossy(&after)
    );
}

/// The HTTP/2 connection preface (RFC 9113 §3.4) and an empty SETTINGS frame:
/// the first bytes of `curl --http2-prior-knowledge`, shaped to fail on an
/// HTTP/1 server.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0";

pub fn http_2_and_3_are_505_and_the_connection_is_closed(stage: &Stage) {
    let site = Site::new();
    let server = quick_server(stage, &site);
    let heads: [&[u8]; 3] = [
        b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        b"GET / HTTP/3.0\r\nHost: x\r\n\r\n",
        H2_PREFACE,
    ];
    // The client stays connected: the answer and the close are the server's.
    for head in heads {
        let what = String::from_utf8_lossy(head).into_owned();
        let mut stream = server.connect();
        stream.write_all(head).unwrap();
        stream.set_read_timeout(Some(BOUND)).unwrap();
        let (response, mut rest) = support::read_response(&stream, false);
        // RFC 9110 §15.6.6: 505 "indicates that the server does not support,
        // or refuses to support, the major version of HTTP that was used in
        // the request message". What follows is no HTTP/1 request: closed.
        assert_eq!(response.status, 505, "{what:?}");
        assert!(response.status_line.starts_with("HTTP/1.1 "), "{what:?}");
        assert_closed_after(&mut rest, &what);
    }
    assert_eq!(server.get("/").status, 200);
}

pub fn a_raw_utf8_target_is_400_and_its_percent_encoded_form_is_served(stage: &Stage) {
    let site = Site::new();
    std::fs::write(site.root().join("é.html"), "<p>café</p>\n").unwrap();
    let server = Server::start(stage, &site.root(), &[]);
    // A target is URI syntax, ASCII only (RFC 3986). RFC 9112 §3: "Recipients
    // of an invalid request-line SHOULD respond with either a 400 (Bad
    // Request) error or a 301 (Moved Permanently) redirect".
    let response = server.exchange("GET /é.html HTTP/1.1\r\nHost: x\r\n\r\n".as_bytes());
    assert_eq!(response.status_line, "HTTP/1.1 400 Bad Request");
    // The same name percent-encoded, as browsers and curl send it, is served.
    let response = server.get("/%C3%A9.html");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "<p>café</p>\n");
}

pub fn http_1_2_is_served_as_http_1_1(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    // RFC 9110 §2.5: such a message "SHOULD" be processed "as if it were in
    // the highest minor version within that major version to which the
    // recipient is conformant".
    let response =
        server.exchange(b"GET /style.css HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(response.status_line, "HTTP/1.1 200 OK");
    assert_eq!(response.body, site.file("style.css"));
    // As HTTP/1.1, it needs its Host.
    assert_eq!(
        status_of(&server, "GET / HTTP/1.2\r\nConnection: close\r\n\r\n"),
        400
    );
}

pub fn odd_requests_are_answered_while_the_client_waits(stage: &Stage) {
    let site = Site::new();
    let server = quick_server(stage, &site);
    // What each stage answers: tiny_http's (steps 1 and 3), then step 4's,
    // where they differ. None leaves the client waiting in silence.
    let cases: [(&str, &[u8], u16, u16); 14] = [
        ("HTTP/0.9, no version", b"GET /\r\n", 400, 400),
        ("HTTP/3.0", b"GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505, 505),
        ("the h2 preface", H2_PREFACE, 505, 505),
        // RFC 9112 §2.2: a recipient "MAY recognize a single LF as a line terminator".
        (
            "bare LF line ends",
            b"GET / HTTP/1.1\nHost: x\n\n",
            200,
            200,
        ),
        (
            "a header without a colon",
            b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
            400,
            400,
        ),
        (
            "Expect: 100-continue on a GET",
            b"GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n",
            200,
            200,
        ),
        (
            "a chunked POST whose body never comes",
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
            403,
            403,
        ),
        (
            "an absolute-form target",
            b"GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n",
            200,
            200,
        ),
        (
            "CONNECT",
            b"CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n",
            405,
            405,
        ),
        (
            "OPTIONS *",
            b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
            405,
            405,
        ),
        (
            "a NUL in the target",
            b"GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            400,
        ),
        // tiny_http keeps field values as ASCII strings: it refuses what
        // step 4 keeps as opaque bytes (RFC 9110 §5.5, obs-text).
        (
            "a raw byte beyond ASCII in a header value",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\xc3\xa9\r\n\r\n",
            400,
            200,
        ),
        (
            "two requests in one",
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /",
            200,
            200,
        ),
        // Step 4 ignores one empty line before a request line (RFC 9112
        // §2.2, SHOULD), then waits for it until its timeout: 408.
        ("an empty line only", b"\r\n", 400, 408),
    ];
    // Every client connects and sends first, so that the waits overlap.
    let streams: Vec<TcpStream> = cases
        .iter()
        .map(|(_, raw, ..)| {
            let mut stream = server.connect();
            stream.write_all(raw).unwrap();
            stream
        })
        .collect();
    for ((what, _, tiny_http, step_4), stream) in cases.iter().zip(&streams) {
        let expected = if stage.number == 4 { step_4 } else { tiny_http };
        assert_eq!(status_within_bound(stream, what), Some(*expected), "{what}");
    }
    assert_eq!(server.get("/").status, 200);
}

pub fn a_burst_of_kept_alive_connections_is_answered_at_once(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    // More connections than a browser opens to one server, each kept open
    // after its answer, all opened before the first answer is read.
    let streams: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            stream
        })
        .collect();
    for (number, stream) in streams.iter().enumerate() {
        let what = format!("connection {number} of {}", streams.len());
        assert_eq!(status_within_bound(stream, &what), Some(200), "{what}");
    }
}

pub fn after_connection_close_no_further_request_is_answered(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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
    let second = support::read_next_response(rest, false);
    assert_eq!(second.status, 200, "{}", second.status_line);
    assert_eq!(second.body, site.file("notes.txt"));
}

pub fn pipelined_requests_are_answered_in_order(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    let mut stream = server.connect();
    std::io::Write::write_all(
        &mut stream,
        b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let (first, mut rest) = support::read_response(&stream, false);
    assert_eq!(first.body, site.file("style.css"));
    assert_next_is_notes_or_nothing(&site, &mut rest);
}

pub fn a_request_body_is_never_read_as_the_next_request(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    let raw = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello\
               GET /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut stream = server.connect();
    std::io::Write::write_all(&mut stream, raw.as_bytes()).unwrap();
    let (first, mut rest) = support::read_response(&stream, false);
    assert_eq!(first.status, 403, "{}", first.status_line);
    assert_next_is_notes_or_nothing(&site, &mut rest);
}

pub fn a_request_expecting_100_continue_gets_its_answer_without_sending_the_body(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn no_response_repeats_a_field_or_pairs_a_length_with_transfer_encoding(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
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

pub fn preconditions_are_decided_by_sending_no_validators(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    let ask = |target: &str, field: &str| {
        let mut stream = server.connect();
        let raw =
            format!("GET {target} HTTP/1.1\r\nHost: x\r\n{field}\r\nConnection: close\r\n\r\n");
        std::io::Write::write_all(&mut stream, raw.as_bytes()).unwrap();
        // Read the head, then the rest: a 304 has no body, whatever its
        // Content-Length says.
        let (response, mut rest) = support::read_response(&stream, true);
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

pub fn the_access_log_counts_the_body_bytes_really_sent(stage: &Stage) {
    let site = Site::new();
    let (server, log) = Server::start_logged(stage, &site.root());
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
        let (response, _) = support::read_response(&stream, method == "HEAD" || !field.is_empty());
        let what = format!("{method} {field:?}");
        assert!([200, 304].contains(&response.status), "{what}");
        // The line that names this client: `PEER "METHOD /style.css HTTP/1.1" STATUS BYTES`.
        let line = loop {
            match log.recv_timeout(support::PATIENCE) {
                Ok(line) if line.contains(&peer) => break line,
                Ok(_) => continue,
                Err(error) => panic!("{what}: no access log line for {peer}: {error}"),
            }
        };
        assert!(line.ends_with(&format!("\" {logged}")), "{what}: {line}");
    }
}

/// Every test above, as `#[test]` functions of the stage test crate it expands
/// in: `http_tests!(http_suite::stage!())` is the whole of each
/// stage's `tests/http.rs`. The suite's own test checks that no test is left out.
#[macro_export]
macro_rules! http_tests {
    ($stage:expr) => {
        $crate::named_tests!(
            $stage,
            http,
            [
                serves_each_file_with_its_type_and_exact_length,
                streams_a_large_file_whole_with_content_length,
                a_directory_is_served_by_its_index,
                a_directory_without_its_slash_is_redirected_to_it,
                what_is_missing_is_404_with_a_page_saying_so,
                head_sends_the_headers_of_get_and_no_body,
                post_is_forbidden_whatever_the_path,
                other_methods_are_405_with_allow_whatever_the_path,
                never_serves_a_byte_from_outside_the_directory,
                #[cfg(unix)]
                a_link_is_followed_only_while_it_stays_inside,
                every_response_has_a_date_a_type_and_a_length,
                serves_the_workspace_www_by_default_and_says_so,
                the_banner_names_the_port_it_really_got,
                a_port_in_use_is_one_clear_line_and_exit_1,
                a_missing_directory_is_a_clear_error_and_exit_1,
                bad_arguments_print_usage_and_exit_2,
                help_prints_usage_and_exits_0,
                an_http_1_1_request_needs_exactly_one_valid_host,
                a_content_length_that_is_not_one_number_is_400,
                a_transfer_encoding_that_cannot_frame_the_body_is_refused,
                a_field_line_with_space_before_its_colon_is_400,
                cr_or_nul_inside_a_field_value_is_400,
                an_absolute_form_target_is_served_unless_it_cannot_be,
                http_0_9_is_answered_505,
                http_2_and_3_are_505_and_the_connection_is_closed,
                a_raw_utf8_target_is_400_and_its_percent_encoded_form_is_served,
                http_1_2_is_served_as_http_1_1,
                odd_requests_are_answered_while_the_client_waits,
                a_burst_of_kept_alive_connections_is_answered_at_once,
                after_connection_close_no_further_request_is_answered,
                pipelined_requests_are_answered_in_order,
                a_request_body_is_never_read_as_the_next_request,
                a_request_expecting_100_continue_gets_its_answer_without_sending_the_body,
                no_response_repeats_a_field_or_pairs_a_length_with_transfer_encoding,
                preconditions_are_decided_by_sending_no_validators,
                the_access_log_counts_the_body_bytes_really_sent,
            ]
        );
    };
}
