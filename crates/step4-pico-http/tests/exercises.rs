//! Checks of the chapter 4 exercises (`just exercise ch4-keep-alive` ...),
//! the article's "Now what?" list.
//!
//! Ignored by a plain `cargo test`: they fail until the exercise is solved.
//! Each module is one exercise; each test's doc comment is one line of its
//! rubric, and "Still works:" marks a test of what the shipped stage already
//! does, which the exercise must not break. Every assertion says in words what
//! was wrong. The real binary runs and is talked to with raw bytes over real
//! sockets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::{Response, STAGE, Server, read_response};

/// Sends `raw` on `stream` and reads one response, leaving the connection open.
fn send_and_read(stream: &mut TcpStream, raw: &str) -> Response {
    let request = raw.lines().next().unwrap_or(raw);
    if let Err(error) = stream.write_all(raw.as_bytes()) {
        panic!("could not send {request}: the server closed the connection ({error})");
    }
    read_next(stream, request)
}

/// Reads the next response on `stream`, failing in words when none comes.
fn read_next(stream: &TcpStream, request: &str) -> Response {
    match stream.peek(&mut [0]) {
        Ok(0) => panic!("the server closed the connection without answering {request}"),
        Err(error) => panic!("no answer to {request} ({error})"),
        Ok(_) => read_response(stream, request.starts_with("HEAD ")).0,
    }
}

/// Reads what is left on `stream` until the server closes it.
fn rest_until_closed(stream: &mut TcpStream, request: &str) -> Vec<u8> {
    let mut rest = Vec::new();
    if let Err(error) = stream.read_to_end(&mut rest) {
        panic!("the connection stayed open after the response to {request} ({error})");
    }
    rest
}

/// Sends `raw`, a request that asks to close, on a new connection; reads the
/// head, then everything until the close as the body, so that a body of the
/// wrong length shows as such rather than as a read that fails.
fn exchange(server: &Server, raw: &str) -> Response {
    let stream = server.connect();
    let request = raw.lines().next().unwrap_or(raw);
    (&stream).write_all(raw.as_bytes()).unwrap();
    if let Ok(0) | Err(_) = stream.peek(&mut [0]) {
        panic!("no answer to {request}: the server closed the connection or stayed silent");
    }
    let (mut response, mut rest) = read_response(&stream, true);
    if let Err(error) = rest.read_to_end(&mut response.body) {
        panic!("the response to {request} did not end with the connection ({error})");
    }
    response
}

/// `GET path` on a connection that stays open.
fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n")
}

/// Fails, in words, unless the response to `request` has status `wanted`.
fn status_is(response: &Response, wanted: u16, request: &str) {
    assert!(
        response.status == wanted,
        "the response to {request} is \"{}\", expected status {wanted}",
        response.status_line
    );
}

/// Fails, in words, unless the status line of the response to `request` ends
/// with `reason`, the phrase RFC 9110 §15 gives its code. Clients ignore it
/// (RFC 9112 §4), people read it: `206 Unknown` is not `206 Partial Content`.
fn reason_is(response: &Response, reason: &str, request: &str) {
    let line = response.status_line.trim_end();
    let got = line.splitn(3, ' ').nth(2).unwrap_or_default();
    assert!(
        got == reason,
        "the response to {request} is \"{line}\": the reason phrase of {} is \"{reason}\": \
         add it to `reason` in status.rs",
        response.status
    );
}

/// Fails, in words, unless the response to `request` has the header `name`
/// with the value `wanted` (`None`: no such header).
fn header_is(response: &Response, name: &str, wanted: Option<&str>, request: &str) {
    match (response.header(name), wanted) {
        (got, wanted) if got == wanted => {}
        (None, Some(wanted)) => {
            panic!("no {name} header in the response to {request}; expected {name}: {wanted}")
        }
        (Some(got), None) => {
            panic!("{name}: {got} in the response to {request}, where none should be")
        }
        (Some(got), Some(wanted)) => {
            panic!("{name}: {got} in the response to {request}, expected {name}: {wanted}")
        }
        (None, None) => unreachable!(),
    }
}

/// Fails, in words, unless the body of the response to `request` is `wanted`
/// (`what` names it: "notes.txt").
fn body_is(response: &Response, wanted: &[u8], what: &str, request: &str) {
    assert!(
        response.body == wanted,
        "the body of the response to {request} is not {what}: {} bytes, expected {}",
        response.body.len(),
        wanted.len()
    );
}

/// Whether the response says `Connection: close` (in any case).
fn closes(response: &Response) -> bool {
    response
        .header("Connection")
        .is_some_and(|value| value.eq_ignore_ascii_case("close"))
}

/// Exercise: serve several connections at once with a small pool of threads.
mod ch4_thread_pool {
    use std::time::Duration;

    use super::*;
    use common::Site;

    /// While two clients each hold a connection with half a request, a third client is served at
    /// once, and the two are answered when they finish their requests.
    #[test]
    #[ignore = "exercise check: just exercise ch4-thread-pool"]
    fn two_clients_holding_connections_do_not_block_a_third() {
        let site = Site::new();
        // A long timeout: a one-at-a-time server would make the third wait for it.
        let server = Server::start(&STAGE, &site.root(), &["--timeout", "30"]);
        let mut holders: Vec<TcpStream> = (0..2).map(|_| server.connect()).collect();
        for holder in &mut holders {
            holder.write_all(b"GET /notes.txt HTTP/1.1\r\n").unwrap();
        }
        let mut third = server.connect();
        third
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        third.write_all(get("/style.css").as_bytes()).unwrap();
        assert!(
            third.peek(&mut [0]).is_ok(),
            "a third client got no answer to GET /style.css within 5 s while two others held connections"
        );
        let response = read_next(&third, "the third client's GET /style.css");
        status_is(&response, 200, "the third client's GET /style.css");
        body_is(
            &response,
            &site.file("style.css"),
            "style.css",
            "the third client's GET /style.css",
        );
        // Both holders finish their heads now, and each is answered.
        for holder in &mut holders {
            let request = "GET /notes.txt, finished after the third client was served";
            holder.write_all(b"Host: x\r\n\r\n").unwrap();
            let response = read_next(holder, request);
            status_is(&response, 200, request);
            body_is(&response, &site.file("notes.txt"), "notes.txt", request);
        }
    }

    /// Still works: Twenty clients that connect at the same time all get their files, whole.
    #[test]
    #[ignore = "exercise check: just exercise ch4-thread-pool"]
    fn twenty_clients_at_once_all_get_their_files() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        std::thread::scope(|scope| {
            let clients: Vec<_> = (0..20)
                .map(|i| {
                    let server = &server;
                    let path = if i % 2 == 0 { "/big.bin" } else { "/notes.txt" };
                    scope.spawn(move || (path, server.get(path)))
                })
                .collect();
            for client in clients {
                let (path, response) = client.join().unwrap();
                let request = format!("GET {path} (one of twenty clients)");
                status_is(&response, 200, &request);
                body_is(&response, &site.file(&path[1..]), &path[1..], &request);
            }
        });
    }
}

/// Exercise: keep connections alive, with a request limit and an idle timeout.
mod ch4_keep_alive {
    use std::time::{Duration, Instant};

    use super::*;
    use common::Site;

    /// Two requests sent one after the other on one connection get two responses, and the first
    /// does not say `Connection: close`.
    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn two_requests_on_one_connection_get_two_responses() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let mut stream = server.connect();
        let first = send_and_read(&mut stream, &get("/notes.txt"));
        status_is(&first, 200, "GET /notes.txt");
        body_is(
            &first,
            &site.file("notes.txt"),
            "notes.txt",
            "GET /notes.txt",
        );
        assert!(
            !closes(&first),
            "the response to the first GET /notes.txt says Connection: close, but the connection should go on"
        );
        let second = send_and_read(&mut stream, &get("/style.css"));
        let request = "a second request, GET /style.css, on the same connection";
        status_is(&second, 200, request);
        body_is(&second, &site.file("style.css"), "style.css", request);
    }

    /// Three requests sent in one write (pipelining) get their three responses, in order.
    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn pipelined_requests_are_answered_in_order() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let mut stream = server.connect();
        // Three requests in one write: the server must not lose what it read ahead.
        let three = [get("/notes.txt"), get("/data.json"), get("/app.js")].concat();
        stream.write_all(three.as_bytes()).unwrap();
        let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
        for name in ["notes.txt", "data.json", "app.js"] {
            let response = read_buffered_response(&mut reader, name);
            assert!(
                response == site.file(name),
                "pipelined GET /notes.txt, /data.json, /app.js: the response for {name} does not carry {name}"
            );
        }
    }

    /// The body of one response read from a shared reader (Content-Length only).
    fn read_buffered_response(reader: &mut impl std::io::BufRead, name: &str) -> Vec<u8> {
        let mut length = None;
        loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line).unwrap_or(0);
            assert!(
                read > 0,
                "pipelined GET /notes.txt, /data.json, /app.js: the connection closed (or stayed silent) before the response for {name}"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let length =
            length.unwrap_or_else(|| panic!("no Content-Length in the response for {name}"));
        let mut body = vec![0; length];
        if let Err(error) = reader.read_exact(&mut body) {
            panic!(
                "the body of the response for {name} is shorter than its Content-Length ({error})"
            );
        }
        body
    }

    /// Still works: After a request that says `Connection: close`, and after an HTTP/1.0 request,
    /// the response says `Connection: close` and the server closes the connection.
    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn connection_close_and_http_1_0_end_the_connection() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        for (raw, request) in [
            (
                "GET /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /notes.txt with Connection: close",
            ),
            (
                "GET /notes.txt HTTP/1.0\r\n\r\n",
                "an HTTP/1.0 GET /notes.txt",
            ),
        ] {
            let mut stream = server.connect();
            let response = send_and_read(&mut stream, raw);
            status_is(&response, 200, request);
            header_is(&response, "Connection", Some("close"), request);
            assert!(
                rest_until_closed(&mut stream, request).is_empty(),
                "bytes after the response to {request}"
            );
        }
    }

    /// A connection left idle after a response is closed once `--timeout` has passed (silently or
    /// with a 408), not before.
    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn an_idle_connection_is_closed_after_the_timeout() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &["--timeout", "1"]);
        let mut stream = server.connect();
        let response = send_and_read(&mut stream, &get("/notes.txt"));
        assert!(
            !closes(&response),
            "the response to GET /notes.txt says Connection: close, but the connection should wait for the next request"
        );
        let idle_since = Instant::now();
        // Closed, with a 408 or without a word: both are fine (RFC 9112 §9.5).
        let rest = rest_until_closed(&mut stream, "GET /notes.txt, then nothing for 1 s");
        let waited = idle_since.elapsed();
        assert!(
            rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
            "an idle connection got something other than a 408: {:?}",
            String::from_utf8_lossy(&rest)
        );
        assert!(
            waited >= Duration::from_millis(800),
            "with --timeout 1, the idle connection was closed after {waited:?}, before the timeout"
        );
    }

    /// The 100th request on one connection is the last: only its response says `Connection: close`,
    /// and then the server closes the connection.
    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn the_hundredth_request_on_a_connection_is_the_last() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let mut stream = server.connect();
        for n in 1..=100 {
            let request = format!("GET /notes.txt number {n} on one connection");
            stream
                .write_all(get("/notes.txt").as_bytes())
                .unwrap_or_else(|error| {
                    panic!("could not send {request}: the server closed the connection ({error})")
                });
            let response = read_next(&stream, &request);
            status_is(&response, 200, &request);
            match (closes(&response), n == 100) {
                (true, false) => panic!(
                    "the response to {request} says Connection: close: only the 100th should"
                ),
                (false, true) => panic!("the response to {request} does not say Connection: close"),
                _ => {}
            }
        }
        let rest = rest_until_closed(&mut stream, "the 100th request");
        assert!(
            rest.is_empty(),
            "bytes after the response to the 100th request"
        );
    }
}

/// Exercise: `Last-Modified` and `If-Modified-Since` → 304 Not Modified.
mod ch4_caching {
    use std::fs::File;
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use common::Site;

    /// 1,000,000,000 seconds after 1970, as an HTTP date.
    const BILLENNIUM: &str = "Sun, 09 Sep 2001 01:46:40 GMT";
    const DAY_BEFORE: &str = "Sat, 08 Sep 2001 01:46:40 GMT";
    const DAY_AFTER: &str = "Mon, 10 Sep 2001 01:46:40 GMT";

    /// A site whose `notes.txt` was last modified `seconds` after 1970.
    fn set_modified(site: &Site, seconds: u64) {
        let file = File::options()
            .write(true)
            .open(site.root().join("notes.txt"))
            .unwrap();
        file.set_modified(UNIX_EPOCH + Duration::from_secs(seconds))
            .unwrap();
    }

    fn conditional(method: &str, since: &str) -> String {
        format!(
            "{method} /notes.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: {since}\r\nConnection: close\r\n\r\n"
        )
    }

    /// A file is sent with a `Last-Modified` header: its modification time as an HTTP date, read
    /// again for every request.
    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn a_file_comes_with_its_last_modified_date() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&STAGE, &site.root(), &[]);
        let request = "GET /notes.txt (modified on 9 September 2001)";
        let response = server.get("/notes.txt");
        status_is(&response, 200, request);
        header_is(&response, "Last-Modified", Some(BILLENNIUM), request);
        set_modified(&site, 1_000_086_400);
        let request = "GET /notes.txt after the file changed a day later (the date must follow the file, not be remembered)";
        let response = server.get("/notes.txt");
        header_is(&response, "Last-Modified", Some(DAY_AFTER), request);
    }

    /// `If-Modified-Since` with the file's own date gets `304 Not Modified` and no body, for GET
    /// and for HEAD.
    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn if_modified_since_that_date_is_304_without_a_body() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&STAGE, &site.root(), &[]);
        for method in ["GET", "HEAD"] {
            let request = format!(
                "{method} /notes.txt with If-Modified-Since: {BILLENNIUM} (the file's own date)"
            );
            let mut stream = server.connect();
            stream
                .write_all(conditional(method, BILLENNIUM).as_bytes())
                .unwrap();
            // A 304 never has a body, whatever its Content-Length says.
            let (response, mut rest) = read_response(&stream, true);
            status_is(&response, 304, &request);
            let mut after = Vec::new();
            let _ = rest.read_to_end(&mut after);
            assert!(after.is_empty(), "a body came with the 304 to {request}");
        }
    }

    /// Still works: `If-Modified-Since` with an older date, or a file changed since that date, gets
    /// the whole file with 200.
    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn an_older_date_or_a_changed_file_gets_the_whole_file() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&STAGE, &site.root(), &[]);
        let request = format!(
            "GET /notes.txt with If-Modified-Since: {DAY_BEFORE} (a day before the file's date)"
        );
        let older = exchange(&server, &conditional("GET", DAY_BEFORE));
        status_is(&older, 200, &request);
        body_is(&older, &site.file("notes.txt"), "notes.txt", &request);
        set_modified(&site, 1_000_086_400);
        let request = format!(
            "GET /notes.txt with If-Modified-Since: {BILLENNIUM} (the file changed a day later)"
        );
        let changed = exchange(&server, &conditional("GET", BILLENNIUM));
        status_is(&changed, 200, &request);
        body_is(&changed, &site.file("notes.txt"), "notes.txt", &request);
    }

    /// Still works: An `If-Modified-Since` that is not a date (`yesterday`, empty, a date without
    /// its time) is ignored: the whole file, 200.
    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn a_date_that_is_not_a_date_is_ignored() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&STAGE, &site.root(), &[]);
        for since in ["yesterday", "", "Sun, 09 Sep 2001"] {
            let request = format!("GET /notes.txt with If-Modified-Since: {since:?}");
            let response = exchange(&server, &conditional("GET", since));
            status_is(&response, 200, &request);
            body_is(&response, &site.file("notes.txt"), "notes.txt", &request);
        }
    }
}

/// Exercise: `Range: bytes=...` → 206 Partial Content, or 416.
mod ch4_ranges {
    use super::*;
    use common::{Site, big_file_contents};

    /// `big.bin` is 1 MiB and 3 bytes.
    const LENGTH: usize = (1 << 20) + 3;

    fn ranged(range: &str) -> String {
        format!("GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: {range}\r\nConnection: close\r\n\r\n")
    }

    /// A whole file is sent with `Accept-Ranges: bytes`.
    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn a_whole_file_announces_accept_ranges() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let response = server.get("/big.bin");
        status_is(&response, 200, "GET /big.bin");
        header_is(&response, "Accept-Ranges", Some("bytes"), "GET /big.bin");
    }

    /// `bytes=0-99`, `bytes=1048570-` and `bytes=-3` (the last 3) get `206 Partial Content` with
    /// `Content-Range`, `Content-Length` and exactly those bytes; an end past the file is cut to
    /// the file.
    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn byte_ranges_are_206_with_content_range_and_exactly_those_bytes() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let big = big_file_contents();
        let last = LENGTH - 1;
        for (range, first, end) in [
            ("bytes=0-99", 0, 99),
            ("bytes=1000-1999", 1000, 1999),
            ("bytes=1048570-", 1_048_570, last),
            ("bytes=-3", LENGTH - 3, last),
            ("bytes=1048575-99999999", 1_048_575, last),
        ] {
            let request = format!("GET /big.bin with Range: {range}");
            let response = exchange(&server, &ranged(range));
            status_is(&response, 206, &request);
            reason_is(&response, "Partial Content", &request);
            let content_range = format!("bytes {first}-{end}/{LENGTH}");
            header_is(&response, "Content-Range", Some(&content_range), &request);
            let length = (end - first + 1).to_string();
            header_is(&response, "Content-Length", Some(&length), &request);
            let what = format!("bytes {first} to {end} of big.bin");
            body_is(&response, &big[first..=end], &what, &request);
        }
    }

    /// A range that starts at or after the end of the file gets `416 Range Not Satisfiable` with
    /// `Content-Range: bytes */LENGTH`.
    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn a_range_past_the_end_is_416_with_the_length() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        for range in [
            format!("bytes={LENGTH}-"),
            "bytes=2000000-2000010".to_string(),
        ] {
            let request = format!("GET /big.bin ({LENGTH} bytes) with Range: {range}");
            let response = exchange(&server, &ranged(&range));
            status_is(&response, 416, &request);
            reason_is(&response, "Range Not Satisfiable", &request);
            let content_range = format!("bytes */{LENGTH}");
            header_is(&response, "Content-Range", Some(&content_range), &request);
        }
    }

    /// Still works: A `Range` that is not a byte range, or whose end comes before its start
    /// (`items=0-1`, `bytes=5-2`, `bytes=abc`), is ignored: the whole file, 200.
    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn a_range_that_is_not_bytes_gets_the_whole_file() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        for range in ["items=0-1", "bytes=5-2", "bytes=abc"] {
            let request = format!("GET /big.bin with Range: {range}");
            let response = exchange(&server, &ranged(range));
            status_is(&response, 200, &request);
            body_is(
                &response,
                &big_file_contents(),
                "the whole of big.bin",
                &request,
            );
        }
    }

    /// Still works: The copies of `status.rs` in steps 1, 3 and 4 stay the same file: a new reason
    /// phrase goes into every copy.
    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn every_copy_of_status_rs_is_the_same() {
        let ours = "crates/step4-pico-http/src/status.rs";
        let our_lines = lines_of(ours);
        let mut differences = Vec::new();
        for other in [
            "crates/step1-oneliner/src/status.rs",
            "crates/step3-pico-tcp/src/status.rs",
        ] {
            let other_lines = lines_of(other);
            let count = our_lines.len().max(other_lines.len());
            if let Some(i) = (0..count).find(|&i| our_lines.get(i) != other_lines.get(i)) {
                let shown = |lines: &[String]| {
                    lines
                        .get(i)
                        .map_or("the end of the file".into(), |l| format!("`{}`", l.trim()))
                };
                differences.push(format!(
                    "line {} is {} in {ours} but {} in {other}",
                    i + 1,
                    shown(&our_lines),
                    shown(&other_lines)
                ));
            }
        }
        assert!(
            differences.is_empty(),
            "the copies of status.rs differ: {}. They are one file kept in three stages \
             (`cargo run -p xtask -- copies --check` compares them): make the same change in \
             every copy.",
            differences.join("; ")
        );
    }

    /// The lines of `path`, relative to the workspace.
    fn lines_of(path: &str) -> Vec<String> {
        let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&full)
            .unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
        text.lines().map(str::to_string).collect()
    }
}

/// Exercise: gzip the body when the client accepts it.
mod ch4_gzip {
    use std::process::{Command, Stdio};

    use super::*;
    use common::Site;

    /// 100 KB of very compressible text.
    fn words() -> Vec<u8> {
        (0..2500)
            .map(|i| format!("line {i:05}: all work and no play\n"))
            .collect::<String>()
            .into_bytes()
    }

    fn site_with_words() -> Site {
        let site = Site::new();
        std::fs::write(site.root().join("words.txt"), words()).unwrap();
        site
    }

    fn request_with(accept_encoding: Option<&str>) -> String {
        let field = accept_encoding.map_or(String::new(), |v| format!("Accept-Encoding: {v}\r\n"));
        format!("GET /words.txt HTTP/1.1\r\nHost: x\r\n{field}Connection: close\r\n\r\n")
    }

    /// The request of [`request_with`], in words.
    fn described(accept_encoding: Option<&str>) -> String {
        match accept_encoding {
            Some(value) => format!("GET /words.txt with Accept-Encoding: {value}"),
            None => "GET /words.txt without Accept-Encoding".to_string(),
        }
    }

    /// Decompresses with the `gzip` program: an independent decoder.
    fn gunzip(compressed: &[u8]) -> Vec<u8> {
        let mut child = Command::new("gzip")
            .arg("-dc")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("this check needs the `gzip` program on the PATH to decompress");
        let mut stdin = child.stdin.take().unwrap();
        let input = compressed.to_vec();
        let feeder = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output().unwrap();
        let _ = feeder.join();
        assert!(
            output.status.success(),
            "the body sent as gzip is not valid gzip: `gzip -d` rejected it"
        );
        output.stdout
    }

    /// With `Accept-Encoding: deflate, gzip;q=0.8, br`, a text file is sent with `Content-Encoding:
    /// gzip`, and its body is gzip that decompresses to the file.
    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn gzip_is_sent_when_accepted_and_decompresses_to_the_file() {
        let site = site_with_words();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let request = "GET /words.txt with Accept-Encoding: deflate, gzip;q=0.8, br";
        let response = exchange(&server, &request_with(Some("deflate, gzip;q=0.8, br")));
        status_is(&response, 200, request);
        header_is(&response, "Content-Encoding", Some("gzip"), request);
        let body = &response.body;
        // Content-Length counts the compressed bytes (read_response relied on it).
        assert!(
            body.starts_with(&[0x1f, 0x8b, 8]) && body.len() >= 18,
            "the body of the response to {request} is not gzip: it does not start with the bytes 1f 8b 08, or is too short"
        );
        // The gzip trailer ends with the uncompressed size (RFC 1952 §2.3.1).
        let size = u32::from_le_bytes(body[body.len() - 4..].try_into().unwrap());
        assert!(
            size as usize == words().len(),
            "the gzip trailer of the response to {request} says {size} bytes uncompressed, but words.txt has {}",
            words().len()
        );
        assert!(
            gunzip(body) == words(),
            "decompressed, the body of the response to {request} differs from words.txt"
        );
    }

    /// The gzip body is really compressed: 100 KB of repetitive text take less than a quarter of
    /// that.
    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn the_gzip_body_is_really_compressed() {
        let site = site_with_words();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let response = exchange(&server, &request_with(Some("gzip")));
        let request = "GET /words.txt with Accept-Encoding: gzip";
        header_is(&response, "Content-Encoding", Some("gzip"), request);
        assert!(
            response.body.len() * 4 < words().len(),
            "the response to {request} has {} bytes for {} bytes of repetitive text: hardly compressed",
            response.body.len(),
            words().len()
        );
    }

    /// A text file is sent with `Vary: Accept-Encoding`, with gzip and without.
    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn vary_accept_encoding_tells_caches_the_body_depends_on_it() {
        let site = site_with_words();
        let server = Server::start(&STAGE, &site.root(), &[]);
        for accept in [Some("gzip"), None] {
            let request = described(accept);
            let response = exchange(&server, &request_with(accept));
            header_is(&response, "Vary", Some("Accept-Encoding"), &request);
        }
    }

    /// Still works: Without gzip in `Accept-Encoding` (none, `identity`, `gzip;q=0`, `br,
    /// deflate`), the file is sent as it is, without `Content-Encoding`.
    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn without_gzip_in_accept_encoding_the_file_is_sent_as_is() {
        let site = site_with_words();
        let server = Server::start(&STAGE, &site.root(), &[]);
        for accept in [
            None,
            Some("identity"),
            Some("gzip;q=0"),
            Some("br, deflate"),
        ] {
            let request = described(accept);
            let response = exchange(&server, &request_with(accept));
            status_is(&response, 200, &request);
            header_is(&response, "Content-Encoding", None, &request);
            body_is(&response, &words(), "words.txt as it is", &request);
        }
    }
}

/// Exercise: a directory without `index.html` is answered with a listing.
mod ch4_dir_listing {
    use super::*;
    use common::Site;

    /// Names a listing must escape; `<` and `>` cannot be in Windows names.
    fn tricky_names() -> Vec<&'static str> {
        let mut names = vec!["a&b.txt", "plain.txt", "with space.txt"];
        if cfg!(unix) {
            names.push("<script>.txt");
        }
        names
    }

    fn site_with_a_list() -> Site {
        let site = Site::new();
        let list = site.root().join("list");
        std::fs::create_dir_all(list.join("sub dir")).unwrap();
        for name in tricky_names() {
            std::fs::write(list.join(name), format!("contents of {name}")).unwrap();
        }
        site
    }

    /// The HTML-escaped form of `name`, as a listing must show it.
    fn escaped(name: &str) -> String {
        name.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// The response to `GET /list/`, and its body, failing unless it is a 200.
    fn listing(server: &Server) -> (Response, String) {
        let response = server.get("/list/");
        status_is(
            &response,
            200,
            "GET /list/ (a directory without index.html)",
        );
        let html = response.text();
        (response, html)
    }

    /// Every `href="..."` value, with HTML character references undone.
    fn links(html: &str) -> Vec<String> {
        html.split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(value, _)| value))
            .map(|value| {
                value
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&#x27;", "'")
                    .replace("&amp;", "&")
            })
            .collect()
    }

    /// `GET /list/`, a directory without `index.html`, gets a `text/html` page that lists every
    /// file and subdirectory, names HTML-escaped.
    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn a_directory_without_an_index_is_listed_as_html() {
        let site = site_with_a_list();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let (response, html) = listing(&server);
        let content_type = response.header("Content-Type").unwrap_or_default();
        assert!(
            content_type.starts_with("text/html"),
            "the listing of GET /list/ has Content-Type {content_type:?}, expected text/html"
        );
        for name in tricky_names() {
            assert!(
                html.contains(&escaped(name)),
                "{name} is not in the listing of GET /list/ (as {}):\n{html}",
                escaped(name)
            );
        }
        assert!(
            html.contains("sub dir"),
            "the subdirectory \"sub dir\" is not in the listing of GET /list/:\n{html}"
        );
    }

    /// File names are escaped, so that `a&b.txt` and `<script>.txt` cannot inject HTML into the
    /// listing.
    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn names_are_escaped_so_they_cannot_inject_html() {
        let site = site_with_a_list();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let (_, html) = listing(&server);
        assert!(
            !html.contains("a&b"),
            "a raw & in the listing of GET /list/ (write &amp;):\n{html}"
        );
        if cfg!(unix) {
            assert!(
                !html.contains("<script>"),
                "a raw <script> in the listing of GET /list/ (write &lt; and &gt;):\n{html}"
            );
        }
    }

    /// Every entry of the listing is a link that leads to it: spaces percent-encoded,
    /// subdirectories with a trailing `/`.
    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn every_link_in_the_listing_leads_to_its_entry() {
        let site = site_with_a_list();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let (_, html) = listing(&server);
        let links = links(&html);
        for name in tricky_names() {
            let link = links
                .iter()
                .find(|link| {
                    let response = server.get(&format!("/list/{link}"));
                    response.status == 200
                        && response.body == format!("contents of {name}").as_bytes()
                })
                .unwrap_or_else(|| {
                    panic!(
                        "no link in the listing of GET /list/ leads to {name}; the links: {links:?}"
                    )
                });
            assert!(
                !link.contains(' '),
                "the link {link:?} has a raw space: percent-encode it as %20"
            );
        }
        let directory = links
            .iter()
            .any(|link| link.ends_with('/') && server.get(&format!("/list/{link}")).status == 200);
        assert!(
            directory,
            "no link ending in / leads to the subdirectory \"sub dir\"; the links: {links:?}"
        );
    }

    /// Still works: A directory with an `index.html` (`/` and `/sub/`) still gets its index, not a
    /// listing.
    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn a_directory_with_an_index_still_gets_its_index() {
        let site = site_with_a_list();
        let server = Server::start(&STAGE, &site.root(), &[]);
        for (path, index) in [("/sub/", "sub/index.html"), ("/", "index.html")] {
            let request = format!("GET {path}");
            let response = server.get(path);
            status_is(&response, 200, &request);
            body_is(&response, &site.file(index), index, &request);
        }
    }
}

/// Exercise: a missing file is answered with the site's own `404.html`.
mod ch4_404_page {
    use super::*;
    use common::Site;

    const PAGE: &[u8] = b"<!DOCTYPE html><title>Lost</title><h1>Nothing here - 5e1c</h1>\n";

    fn site_with_404_page() -> Site {
        let site = Site::new();
        std::fs::write(site.root().join("404.html"), PAGE).unwrap();
        site
    }

    /// With a `404.html` in the served directory, a missing file, a missing directory and a
    /// directory without an index get status 404 with that page as the body and `Content-Type:
    /// text/html; charset=utf-8`.
    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn a_missing_file_gets_the_sites_404_page() {
        let site = site_with_404_page();
        let server = Server::start(&STAGE, &site.root(), &[]);
        for path in ["/missing.txt", "/sub/nothing/here", "/empty/"] {
            let request = format!("GET {path} (with a 404.html in the site)");
            let response = server.get(path);
            status_is(&response, 404, &request);
            body_is(&response, PAGE, "the site's 404.html", &request);
            header_is(
                &response,
                "Content-Type",
                Some("text/html; charset=utf-8"),
                &request,
            );
        }
    }

    /// `HEAD` of a missing file gets 404 with the `Content-Length` of `404.html`, and no body.
    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn head_of_a_missing_file_has_the_pages_length_and_no_body() {
        let site = site_with_404_page();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let request = "HEAD /missing.txt (with a 404.html in the site)";
        let response = server.exchange_and_close(b"HEAD /missing.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        status_is(&response, 404, request);
        let length = PAGE.len().to_string();
        header_is(&response, "Content-Length", Some(&length), request);
    }

    /// Still works: Without a `404.html`, a missing file gets the built-in 404 page.
    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn without_404_html_the_built_in_page_is_sent() {
        let site = Site::new();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let request = "GET /missing.txt (no 404.html in the site)";
        let response = server.get("/missing.txt");
        status_is(&response, 404, request);
        assert!(
            response.text().contains("404 Not Found"),
            "the response to {request} is not the built-in page (it should say \"404 Not Found\"):\n{}",
            response.text()
        );
    }

    /// Still works: Other errors keep their own pages: `DELETE` gets its 405, `/../secret.txt` its
    /// 403.
    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn other_errors_keep_their_own_pages() {
        let site = site_with_404_page();
        let server = Server::start(&STAGE, &site.root(), &[]);
        let refused = server.exchange(b"DELETE /missing.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        status_is(&refused, 405, "DELETE /missing.txt");
        assert!(
            refused.body != PAGE,
            "the 405 to DELETE /missing.txt came with the site's 404.html"
        );
        let forbidden = server.get("/../secret.txt");
        status_is(&forbidden, 403, "GET /../secret.txt");
        assert!(
            forbidden.body != PAGE,
            "the 403 to GET /../secret.txt came with the site's 404.html"
        );
    }
}
