//! The hostile-input suite, as the stages where tiny_http speaks HTTP (steps 1
//! and 3) answer it. Real binary, real sockets; after every case a liveness
//! probe (an ordinary `GET /`) must be answered 200 at once. Their
//! `tests/hostile.rs` runs every test here through
//! [`hostile_tests!`](crate::hostile_tests).
//!
//! Step 4's `tests/hostile.rs` has the same cases, answered by its own parser,
//! limits and timeouts, and uses the probes and the traversal tables here;
//! what differs in steps 1 and 3 comes from the library, and each test says
//! how:
//!
//! - tiny_http reads every connection on a thread of its own and keeps
//!   HTTP/1.1 connections open for a next request. A client that sends nothing
//!   or trickles holds one thread and one file descriptor, not the server: the
//!   next client is served at once. But there is no timeout at all, so such a
//!   client holds its thread and descriptor for as long as it likes.
//! - tiny_http sets no write timeout and, after our 403, reads the rest of a
//!   POST body before `respond` returns. A client that never reads its
//!   response, or promises a body it never sends, would hold a loop that
//!   answers on one thread until it leaves; ours answers each request on a
//!   thread of its own, so such a client holds only that thread (for as long as
//!   it stays: step 4's timeouts end it).
//! - tiny_http has no limit on the request line or the header section: what
//!   step 4 refuses with 414 and 431 it reads whole into memory and serves.
//! - tiny_http checks the grammar less strictly; where it cannot parse a head
//!   it answers 400 (our copy of it does: crates/vendor/tiny_http/PATCHES.md),
//!   and it closes without a word only when the client ends the head early.
//!
//! The path policy (`docroot.rs`) is ours in every stage, so the traversal
//! cases ([`TRAVERSALS`]) are the same as in step 4 and must give the same
//! answers.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::Stage;
use crate::support::{PATIENCE, Response, SECRET, Server, Site, read_response};

/// Room for a busy machine to schedule the processes. The next client of a
/// threaded server is served at once; a server that waited for a rude client
/// would miss this by whole seconds (or by `PATIENCE`, 20 s). Step 4's bounds
/// are its timeouts plus this.
pub const SLACK: Duration = Duration::from_secs(1);

/// `GET target`, with `Host` and `Connection: close`.
pub fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").into_bytes()
}

/// The liveness probe: `GET /` answers 200 with the index page, and within
/// `bound` of asking (the time a rude client may still hold the server).
pub fn assert_alive_within(server: &Server, bound: Duration, after: &str) {
    let asked = Instant::now();
    let response = server.get("/");
    let waited = asked.elapsed();
    assert_eq!(response.status, 200, "after {after}");
    assert!(response.text().contains("Hello, World!"), "after {after}");
    assert!(
        waited < bound,
        "after {after}: the next client waited {waited:?} (bound {bound:?})"
    );
}

/// The liveness probe, answered promptly.
pub fn assert_alive(server: &Server, after: &str) {
    assert_alive_within(server, SLACK, after);
}

/// What must never appear in a response: the secret files next to the root,
/// and the first line of `/etc/passwd`.
pub fn assert_no_leak(body: &[u8], what: &str) {
    let body = String::from_utf8_lossy(body);
    assert!(!body.contains(SECRET), "{what} leaked the secret");
    assert!(!body.contains("root:x:0:0"), "{what} leaked /etc/passwd");
}

/// Three clients that announce a POST body (a gigabyte, chunks, or ten
/// bytes after `100-continue`) and send only a few bytes of it, then wait
/// with the connection open: each must get its 403 at once, without the
/// server waiting for the body, and the next client must be answered within
/// `bound` (the time the liar may still hold the server).
pub fn assert_lying_posts_get_403_at_once(server: &Server, bound: Duration) {
    for announce in [
        "Content-Length: 1000000000",
        "Transfer-Encoding: chunked",
        "Content-Length: 10\r\nExpect: 100-continue",
    ] {
        let mut liar = server.connect();
        let asked = Instant::now();
        liar.write_all(
            format!("POST / HTTP/1.1\r\nHost: x\r\n{announce}\r\n\r\nonly this").as_bytes(),
        )
        .unwrap();
        let (response, _) = read_response(&liar, false);
        assert_eq!(response.status, 403, "{announce}");
        assert!(
            asked.elapsed() < SLACK,
            "{announce}: the 403 waited for the body"
        );
        assert_alive_within(server, bound, announce);
        drop(liar);
    }
}

/// Five clients that each ask for `/huge.bin` (which the caller writes, 32
/// MiB), read its first 64 KiB and reset the connection: the next client is
/// answered at once after each.
pub fn assert_resets_mid_download_are_forgotten(server: &Server) {
    for round in 0..5 {
        let mut stream = server.connect();
        stream.write_all(&get("/huge.bin")).unwrap();
        let mut first = vec![0; 64 * 1024];
        stream.read_exact(&mut first).unwrap();
        // std cannot set SO_LINGER (`set_linger` is unstable), but closing a
        // socket whose receive buffer still holds unread bytes makes the kernel
        // abort the connection with a reset (RST) instead of a FIN (RFC 2525
        // §2.17): the server's next write fails with "connection reset" or
        // "broken pipe", and Rust ignores SIGPIPE, so that is an error, not death.
        drop(stream);
        assert_alive(server, &format!("reset number {round}"));
    }
}

/// Sends `raw`, says that nothing more comes, and reads whatever the server
/// answers until it closes: a status code, or `None` if it closed in silence.
fn send_and_finish(server: &Server, raw: &[u8]) -> Option<u16> {
    let mut stream = server.connect();
    stream.write_all(raw).unwrap();
    // It may already have hung up on us (on garbage, it does at once).
    let _ = stream.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    // tiny_http closes a connection it gave up on without reading the rest:
    // the kernel then resets it, which ends the answer as surely as a close.
    if let Err(error) = stream.read_to_end(&mut answer) {
        assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    }
    let answer = String::from_utf8_lossy(&answer);
    answer.split(' ').nth(1).and_then(|code| code.parse().ok())
}

/// The test tree ([`Site`]) with more links inside the root that lead out of
/// it (Unix): to the parent, to a system directory, and to the sibling whose
/// name starts like the root's.
pub fn traversal_site() -> Site {
    let site = Site::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("..", site.root().join("up")).unwrap();
        symlink("/etc", site.root().join("etc-link")).unwrap();
        symlink("../site-secret", site.root().join("sibling")).unwrap();
    }
    site
}

/// Targets that try to leave the served directory of [`traversal_site`], in
/// every disguise: each must be refused (400, 403 or 404) without a byte of
/// what lies outside.
pub const TRAVERSALS: &[&str] = &[
    // `..` spelled with escapes, whole or in part, upper or lower case.
    "/%2e%2e%2fsecret.txt",
    "/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/..%2f..%2fsecret.txt",
    "/..%2F..%2Fetc%2Fpasswd",
    "/./../secret.txt",
    "/sub/./../../secret.txt",
    "/sub/%2e%2e/%2e%2e/secret.txt",
    "/../../../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    // The Windows separator, raw and escaped.
    "/..%5c..%5csecret.txt",
    "/%5c..%5csecret.txt",
    "/..\\..\\secret.txt",
    "/sub\\..\\..\\secret.txt",
    // Doubled slashes and dots that are not `..`.
    "/....//secret.txt",
    "/..//secret.txt",
    "/sub//..//..//secret.txt",
    // Absolute paths: `Path::join` would let them replace the root.
    "//etc/passwd",
    "///etc/passwd",
    "/%2Fetc/passwd",
    "/%2F%2Fetc%2Fpasswd",
    "/C:/secret.txt",
    "/c:%5csecret.txt",
    // The sibling whose name starts with the root's name: a string prefix
    // check (`starts_with` on text, not on path components) lets it through.
    "/../site-secret/key.txt",
    "/%2e%2e/site-secret/key.txt",
    "/sub/../../site-secret/key.txt",
    // NUL bytes, which end a path in C.
    "/secret.txt%00",
    "/%00/../secret.txt",
    "/style.css%00/../../secret.txt",
    // Overlong UTF-8 for `.` and `/` (old IIS and Tomcat bugs), double
    // encoding, broken escapes, and full-width dots.
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
    "/%e0%80%ae%e0%80%ae/secret.txt",
    "/..%c0%af..%c0%afsecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/%2",
    "/%2e%2",
    "/%g0",
    "/%%2e%2e/secret.txt",
    "/%ef%bc%8e%ef%bc%8e/secret.txt",
    // The absolute form a proxy sends, with the same tricks.
    "http://localhost/%2e%2e/secret.txt",
    "http://localhost/..%2fsecret.txt",
    "http://localhost//etc/passwd",
    // Not a path at all.
    "secret.txt",
    "*",
    // Links inside the root that point outside (Unix; 404 elsewhere).
    "/escape",
    "/escape/",
    "/%65scape",
    "/up/secret.txt",
    "/up/site-secret/key.txt",
    "/etc-link/passwd",
    "/sibling/key.txt",
];

/// Asks `server` (serving [`traversal_site`]) for each of [`TRAVERSALS`] with
/// `exchange`: each answer must be a refusal without a byte of what lies
/// outside, and the server must still serve the next client at once.
pub fn assert_traversals_are_refused(server: &Server, exchange: fn(&Server, &[u8]) -> Response) {
    for target in TRAVERSALS {
        let response = exchange(server, &get(target));
        assert!(
            [400, 403, 404].contains(&response.status),
            "{target}: {}",
            response.status_line
        );
        assert_no_leak(&response.body, target);
        assert_alive(server, target);
    }
}

/// Request lines that carry a traversal in raw bytes an escape would hide: a
/// NUL, a tab, overlong UTF-8, and a `Host` that is a path.
pub const RAW_TRAVERSALS: [&[u8]; 5] = [
    b"GET /..\0/secret.txt HTTP/1.1\r\n\r\n",
    b"GET /secret.txt\0.html HTTP/1.1\r\n\r\n",
    b"GET /..\t/secret.txt HTTP/1.1\r\n\r\n",
    b"GET /\xc0\xae\xc0\xae/secret.txt HTTP/1.1\r\n\r\n",
    b"GET /../secret.txt HTTP/1.1\r\nHost: ../../\r\n\r\n",
];

pub fn traversal_in_every_encoding_never_returns_a_byte_from_outside(stage: &Stage) {
    let site = traversal_site();
    let server = Server::start(stage, &site.root(), &[]);
    assert_traversals_are_refused(&server, Server::exchange);
}

pub fn traversal_with_raw_bytes_in_the_request_line(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    for raw in RAW_TRAVERSALS {
        let what = String::from_utf8_lossy(raw).into_owned();
        let mut stream = server.connect();
        stream.write_all(raw).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        // tiny_http answers with its 400 when it cannot parse the line, or
        // with our 400/403/404; never with a file.
        assert!(!answer.starts_with(b"HTTP/1.1 2"), "{what:?}");
        assert_no_leak(&answer, &what);
        assert_alive(&server, &what);
    }
}

pub fn malformed_heads_get_what_tiny_http_answers_and_the_server_carries_on(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .filter(|&b| b != b'\n')
        .collect();
    let crlfs = "\r\n".repeat(1000);
    let long_method = format!("{} / HTTP/1.1\r\nHost: x\r\n\r\n", "G".repeat(10_000));
    // What tiny_http answers (`None`: the head ends early, and it closes
    // without a word), or our checks of the head (`conformance.rs`) after it:
    // an HTTP/1.1 request without `Host` is a 400 whatever else it holds. Step 4 gives a 400 to every one
    // of these but the methods (405) and the versions (505):
    // a lenient parser serves a head that a stricter proxy in front of it
    // reads differently, which is how request smuggling starts.
    let cases: Vec<(&str, &[u8], Option<u16>)> = vec![
        ("only CRLFs", crlfs.as_bytes(), Some(400)),
        ("only bare LFs", b"\n\n\n\n", Some(400)),
        (
            "a TLS hello",
            b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
            Some(400),
        ),
        ("4 KiB of garbage without a line end", &garbage, None),
        (
            "invalid UTF-8, escaped",
            b"GET /%ff%fe HTTP/1.1\r\n\r\n",
            Some(400),
        ),
        (
            "invalid UTF-8, raw",
            b"GET /\xc3\x28 HTTP/1.1\r\n\r\n",
            Some(400),
        ),
        ("only a method", b"GET\r\n\r\n", Some(400)),
        ("missing version", b"GET /\r\n\r\n", Some(400)),
        ("a trailing space, no version", b"GET / \r\n\r\n", Some(400)),
        ("two spaces", b"GET  / HTTP/1.1\r\n\r\n", Some(400)),
        (
            "a leading space (served!)",
            b" GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            Some(200),
        ),
        (
            "an unknown major version",
            b"GET / HTTP/9.9\r\n\r\n",
            Some(400),
        ),
        ("a lowercase version", b"GET / http/1.1\r\n\r\n", Some(400)),
        (
            "a version without minor",
            b"GET / HTTP/1\r\n\r\n",
            Some(400),
        ),
        (
            "HTTPS is not a version",
            b"GET / HTTPS/1.1\r\n\r\n",
            Some(400),
        ),
        ("not a version", b"GET / HTTX/1.1\r\n\r\n", Some(400)),
        (
            "a header without a colon",
            b"GET / HTTP/1.1\r\nHost localhost\r\n\r\n",
            Some(400),
        ),
        (
            "a bare header name",
            b"GET / HTTP/1.1\r\nHost\r\n\r\n",
            Some(400),
        ),
        (
            "an empty header name (tiny_http takes it, our check does not)",
            b"GET / HTTP/1.1\r\nHost: x\r\n: x\r\n\r\n",
            Some(400),
        ),
        (
            "obs-fold",
            b"GET / HTTP/1.1\r\nX-A: 1\r\n continued\r\n\r\n",
            Some(400),
        ),
        (
            "obs-fold with a tab",
            b"GET / HTTP/1.1\r\nX-A: 1\r\n\tcontinued\r\n\r\n",
            Some(400),
        ),
        (
            "a bare CR in a header (tiny_http takes it, our check does not)",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\rX-B: 2\r\n\r\n",
            Some(400),
        ),
        (
            "a NUL in the method",
            b"G\0T / HTTP/1.1\r\nHost: x\r\n\r\n",
            Some(405),
        ),
        ("the head cut short", b"GET / HTTP/1.1\r\nHost: x", None),
        ("a 10,000-byte method", long_method.as_bytes(), Some(405)),
        // Methods are case-sensitive (RFC 9110 §9.1) in every stage.
        (
            "a lowercase method",
            b"get / HTTP/1.1\r\nHost: x\r\n\r\n",
            Some(405),
        ),
        (
            "a mixed-case method",
            b"Head / HTTP/1.1\r\nHost: x\r\n\r\n",
            Some(405),
        ),
    ];
    for (what, raw, expected) in cases {
        assert_eq!(send_and_finish(&server, raw), expected, "{what}");
        assert_alive(&server, what);
    }
}

pub fn an_empty_connection_gets_no_answer(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    for _ in 0..10 {
        assert_eq!(send_and_finish(&server, b""), None);
        assert_alive(&server, "an empty request");
    }
}

pub fn oversized_heads_are_read_whole_and_served(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    assert_alive(&server, "start");
    let before = server.memory_kib("VmHWM");
    let long_line = format!(
        "GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let mebibyte_of_headers = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{}\r\n",
        format!("X-Big: {}\r\n", "b".repeat(1016)).repeat(1024)
    );
    let tiny_headers = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{}\r\n",
        "A: b\r\n".repeat(10_000)
    );
    // No limits in tiny_http: the long target is looked up (and missing), the
    // headers are all read and the page served. Step 4 answers 414 and 431.
    let cases = [
        ("a 100 KiB request line", long_line.as_bytes(), 404),
        ("1 MiB of headers", mebibyte_of_headers.as_bytes(), 200),
        ("10,000 tiny headers", tiny_headers.as_bytes(), 200),
    ];
    for _ in 0..10 {
        for (what, raw, expected) in cases {
            assert_eq!(server.exchange(raw).status, expected, "{what}");
            assert_alive(&server, what);
        }
    }
    match (before, server.memory_kib("VmHWM")) {
        (Some(before), Some(after)) => {
            // Every head is held whole while it is served: one client at a
            // time costs a megabyte or two, many at once a head each, with
            // no limit. Reported, not bounded: step 4's suite bounds its own.
            eprintln!(
                "peak memory (VmHWM): {before} KiB before, {after} KiB after 30 oversized heads"
            );
        }
        _ => eprintln!("memory not measured: /proc/PID/status is Linux-only"),
    }
}

pub fn idle_clients_hold_a_thread_each_never_the_server(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    // Counted before any connection: tiny_http closes the two descriptors of
    // each connection (it clones the socket for reading and writing) on two
    // threads, so right after an exchange one may still be open.
    let fds_before = server.open_fds();
    // tiny_http keeps four threads ready and starts more when they are all
    // busy: eight idle clients at once need four more (tiny_http patch 3; as
    // published, some of them waited in its queue for a thread to be free).
    let idle: Vec<TcpStream> = (0..8).map(|_| server.connect()).collect();
    // Each idle client has a thread of its own: the next client is served at
    // once (step 4 makes it wait up to one timeout per idle client).
    assert_alive(&server, "eight idle clients");
    if let (Some(before), Some(during)) = (fds_before, server.open_fds()) {
        // No timeout: every idle connection is still open and held.
        assert!(
            during >= before + idle.len(),
            "{before} descriptors before, {during} with eight idle clients"
        );
    }
    drop(idle);
    // Once the clients leave, tiny_http's threads see the end of file and
    // close their descriptors (asynchronously: we wait for it, with a bound).
    if let Some(before) = fds_before {
        let deadline = Instant::now() + PATIENCE;
        while server.open_fds().unwrap() > before && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(server.open_fds().unwrap(), before, "descriptors were kept");
    } else {
        eprintln!("descriptors not counted: /proc/PID/fd is Linux-only");
    }
}

pub fn a_trickling_client_does_not_hold_the_others(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    let mut stream = server.connect();
    let stop = Arc::new(AtomicBool::new(false));
    let trickler = {
        let (mut stream, stop) = (stream.try_clone().unwrap(), Arc::clone(&stop));
        thread::spawn(move || {
            let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            for byte in [b'y'; 100] {
                if stop.load(Ordering::SeqCst) || stream.write_all(&[byte]).is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(200));
            }
        })
    };
    assert_alive(&server, "a byte per 200 ms");
    assert_alive(&server, "a byte per 200 ms, still going");
    stop.store(true, Ordering::SeqCst);
    trickler.join().unwrap();
    // No deadline: the trickler was never cut off. Finished now, it is served.
    stream.write_all(b"\r\n\r\n").unwrap();
    let (response, _) = read_response(&stream, false);
    assert_eq!(response.status, 200);
}

pub fn a_client_that_resets_mid_download_does_not_hold_the_others(stage: &Stage) {
    let site = Site::new();
    std::fs::write(site.root().join("huge.bin"), vec![7u8; 32 << 20]).unwrap();
    let mut server = Server::start(stage, &site.root(), &[]);
    assert_resets_mid_download_are_forgotten(&server);
    assert!(server.is_running());
}

pub fn a_client_that_never_reads_holds_only_its_own_thread(stage: &Stage) {
    let site = Site::new();
    std::fs::write(site.root().join("huge.bin"), vec![7u8; 32 << 20]).unwrap();
    let server = Server::start(stage, &site.root(), &[]);
    let mut stalled = server.connect();
    stalled.write_all(&get("/huge.bin")).unwrap();
    // Read the head only: a thread of ours is now answering this client, and
    // blocks in `respond`, writing into full socket buffers, with no timeout.
    let mut head = [0; 64];
    stalled.read_exact(&mut head).unwrap();
    assert_alive(&server, "a client that never reads");
    drop(stalled);
}

pub fn post_is_403_at_once_whatever_its_body_does(stage: &Stage) {
    let site = Site::new();
    let server = Server::start(stage, &site.root(), &[]);
    // After the 403, `respond` may go on reading the promised body to keep
    // the connection open for a next request: that holds only the thread
    // answering this client.
    assert_lying_posts_get_403_at_once(&server, SLACK);
}

/// Every test above, as `#[test]` functions of the stage test crate it expands
/// in: `hostile_tests!(http_suite::stage!())` is the whole of the
/// `tests/hostile.rs` of steps 1 and 3 (step 4 has its own).
#[macro_export]
macro_rules! hostile_tests {
    ($stage:expr) => {
        $crate::named_tests!(
            $stage,
            hostile,
            [
                traversal_in_every_encoding_never_returns_a_byte_from_outside,
                traversal_with_raw_bytes_in_the_request_line,
                malformed_heads_get_what_tiny_http_answers_and_the_server_carries_on,
                an_empty_connection_gets_no_answer,
                oversized_heads_are_read_whole_and_served,
                idle_clients_hold_a_thread_each_never_the_server,
                a_trickling_client_does_not_hold_the_others,
                a_client_that_resets_mid_download_does_not_hold_the_others,
                a_client_that_never_reads_holds_only_its_own_thread,
                post_is_403_at_once_whatever_its_body_does,
            ]
        );
    };
}
