//! The checker fed deliberately wrong servers: the FAIL lines must carry the
//! reproduce command, the caret under the wrong byte, and the hint.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHECK_SERVER: &str = env!("CARGO_BIN_EXE_check-server");

/// Serves `response` to every connection, after reading the request head.
fn fake(response: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20).flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = (&stream).write_all(response);
        }
    });
    port
}

fn fixture_dir(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("check-server-fake-{}-{port}", std::process::id()))
}

fn check(port: u16, only: &str) -> (Output, String) {
    check_with(port, &["--only", only])
}

fn check_with(port: u16, args: &[&str]) -> (Output, String) {
    let fixture = fixture_dir(port);
    let out = Command::new(CHECK_SERVER)
        .args(["--url", &format!("http://127.0.0.1:{port}/"), "--fixture"])
        .arg(&fixture)
        .args(["--seed", "1", "--big-mib", "1"])
        .args(args)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&fixture);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out, text)
}

/// How a file-serving fake writes each response.
#[derive(Clone, Copy)]
enum Style {
    /// `Content-Length` and `Connection: close`, and yet the connection stays
    /// open for the next request.
    KeepAlive,
    /// `Transfer-Encoding: chunked`, in chunks of 5 bytes, then it closes.
    Chunked,
    /// An `HTTP/9.9` status line.
    Version99,
    /// The file's bytes after the head of a HEAD response too.
    BodyAfterHead,
}

/// Serves the files of the fixture site (`--fixture DIR` puts it in
/// `DIR/site`) in `style`; a missing file, or one outside the root, is a 404
/// with an empty body.
fn fake_site(style: Style) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let root = fixture_dir(port).join("site");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || while serve_one(&stream, &root, style) {});
        }
    });
    port
}

/// Reads one request head and answers it; false when the connection is done.
fn serve_one(stream: &TcpStream, root: &Path, style: Style) -> bool {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return false;
    }
    let mut words = line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let head_only = method == "HEAD";
    let mut field = String::new();
    while reader.read_line(&mut field).is_ok_and(|n| n > 2) {
        field.clear();
    }
    // Nothing outside the root: no `..`, no escapes, no links.
    let path = root.join(target.trim_start_matches('/'));
    let outside = target.contains("..") || target.contains(['%', '\\']) || path.is_symlink();
    let file = if outside {
        Err(std::io::ErrorKind::NotFound.into())
    } else {
        std::fs::read(path)
    };
    let (status, body) = match file {
        Ok(body) => ("200 OK", body),
        Err(_) => ("404 Not Found", Vec::new()),
    };
    let mut out = Vec::new();
    match style {
        Style::Chunked => {
            write!(
                out,
                "HTTP/1.1 {status}\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            .unwrap();
            for chunk in body.chunks(5) {
                write!(out, "{:x}\r\n", chunk.len()).unwrap();
                out.extend_from_slice(chunk);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
        }
        Style::KeepAlive | Style::Version99 | Style::BodyAfterHead => {
            let version = if matches!(style, Style::Version99) {
                "9.9"
            } else {
                "1.1"
            };
            let length = body.len();
            write!(
                out,
                "HTTP/{version} {status}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            if !head_only || matches!(style, Style::BodyAfterHead) {
                out.extend_from_slice(&body);
            }
        }
    }
    (&*stream).write_all(&out).is_ok() && matches!(style, Style::KeepAlive)
}

#[test]
fn a_content_length_too_small_is_measured_and_reproducible() {
    let port =
        fake(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello world");
    let (out, text) = check(port, "get-page");
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL get-page"), "{text}");
    assert!(
        text.contains(&format!(
            "reproduce: curl -si --path-as-is 'http://127.0.0.1:{port}/"
        )),
        "{text}"
    );
    assert!(
        text.contains("6 bytes after the body: Content-Length is too small"),
        "{text}"
    );
    assert!(text.ends_with("0 passed, 1 failed, 0 skipped\n"), "{text}");
}

#[test]
fn a_content_length_too_large_is_measured() {
    let port = fake(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\nConnection: close\r\n\r\nhello");
    let (_, text) = check(port, "get-page");
    assert!(
        text.contains("body ended 45 bytes short: Content-Length is too large"),
        "{text}"
    );
    assert!(
        text.contains("received: HTTP/1.1 200 OK\\r\\nContent-Length: 50\\r\\n"),
        "{text}"
    );
}

#[test]
fn the_caret_points_at_the_byte_that_breaks_a_header() {
    let port = fake(b"HTTP/1.1 200 OK\r\nContent-Type text/html\r\nContent-Length: 2\r\n\r\nhi");
    let (_, text) = check(port, "get-page");
    let lines: Vec<&str> = text.lines().collect();
    let caret = lines
        .iter()
        .position(|l| l.trim_start().starts_with('^'))
        .expect(&text);
    let column = lines[caret].find('^').unwrap();
    // The line above is the broken header, escaped; the caret sits under the
    // space where the colon should be.
    assert!(
        lines[caret - 1]
            .trim_start()
            .starts_with("Content-Type text/html\\r\\n"),
        "{text}"
    );
    assert_eq!(
        &lines[caret - 1][column - 12..=column],
        "Content-Type ",
        "{text}"
    );
}

#[test]
fn a_server_that_hangs_up_gets_the_eof_hint() {
    let port = fake(b"");
    let (_, text) = check(port, "get-page");
    assert!(
        text.contains("no status line, the server closed the connection (EOF)"),
        "{text}"
    );
}

#[test]
fn a_server_that_is_not_running_gets_the_refused_hint() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, text) = check(port, "get-page");
    assert!(
        text.contains("connection refused: is the server still running?"),
        "{text}"
    );
}

#[test]
fn bad_usage_exits_2() {
    let out = Command::new(CHECK_SERVER)
        .arg("--profile")
        .arg("fast")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: check-server"));
}

#[test]
fn json_carries_the_authority_and_the_failure() {
    let port =
        fake(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello world");
    let fixture = std::env::temp_dir().join(format!("check-server-json-{}", std::process::id()));
    let out = Command::new(CHECK_SERVER)
        .args(["--url", &format!("http://127.0.0.1:{port}/"), "--fixture"])
        .arg(&fixture)
        .args(["--only", "get-page", "--big-mib", "1", "--json"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&fixture);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.trim_start().starts_with('{') && text.trim_end().ends_with('}'),
        "{text}"
    );
    assert!(
        text.contains("\"passed\": 0, \"failed\": 1, \"skipped\": 0"),
        "{text}"
    );
    assert!(
        text.contains("\"name\": \"get-page\", \"status\": \"FAIL\""),
        "{text}"
    );
    assert!(
        text.contains("\"authority\": \"RFC 9110 §9.1\", \"level\": \"MUST\""),
        "{text}"
    );
    assert!(text.contains("6 bytes after the body"), "{text}");
}

#[test]
fn a_keep_alive_server_is_graded_response_by_response() {
    let port = fake_site(Style::KeepAlive);
    // Nine checks, more than 40 exchanges: read to the close, each would wait
    // out its 5 s bound and the run would hit its 30 s deadline.
    let (out, text) = check_with(port, &["--only", "traversal", "--deadline", "30"]);
    assert!(text.ends_with("8 passed, 0 failed, 0 skipped\n"), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
    let (_, text) = check(port, "connection-close");
    assert!(
        text.contains("the response came, but the connection was never closed"),
        "{text}"
    );
    assert!(!text.contains("no answer in time"), "{text}");
}

#[test]
fn a_chunked_response_is_decoded() {
    let port = fake_site(Style::Chunked);
    let (_, text) = check(port, "get-page");
    assert!(
        text.starts_with("seed 1") && text.contains("PASS get-page"),
        "{text}"
    );
    assert!(text.contains("200, the file's 22 bytes"), "{text}");
}

#[test]
fn a_status_line_of_another_version_fails_with_a_caret() {
    let port = fake_site(Style::Version99);
    let (_, text) = check(port, "get-page");
    assert!(text.contains("FAIL get-page"), "{text}");
    assert!(text.contains("          HTTP/9.9 200 OK\\r\\n"), "{text}");
    assert!(
        text.contains("               ^ the answer to an HTTP/1.1 request is HTTP/1.1 or HTTP/1.0"),
        "{text}"
    );
}

#[test]
fn a_body_after_head_is_named_as_such() {
    let port = fake_site(Style::BodyAfterHead);
    let (_, text) = check(port, "head");
    assert!(text.contains("FAIL head"), "{text}");
    assert!(
        text.contains("22 bytes after the head: the response to HEAD"),
        "{text}"
    );
    assert!(!text.contains("Content-Length is too small"), "{text}");
}

#[test]
fn an_answer_left_in_a_buffer_is_told_from_no_answer() {
    // Like the article's `makefile()` streams: the 404 of one connection
    // leaves only when the next client connects.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut pending: Option<TcpStream> = None;
        for stream in listener.incoming().flatten() {
            if let Some(previous) = pending.take() {
                let _ = (&previous).write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            pending = Some(stream);
        }
    });
    let (_, text) = check(port, "not-found-404");
    assert!(text.contains("FAIL not-found-404"), "{text}");
    assert!(
        text.contains("the response was sent only when another client connected (never flushed)"),
        "{text}"
    );
    assert!(
        text.contains("bugs.md#8-error-responses-are-never-flushed"),
        "{text}"
    );
    assert!(!text.contains("no answer in time"), "{text}");
}

#[test]
fn a_slow_answer_is_not_called_unflushed() {
    // Its own timer, not a second client, sends this 404 after 1.7 s.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                std::thread::sleep(std::time::Duration::from_millis(1700));
                let _ = (&stream).write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    let (_, text) = check(port, "not-found-404");
    assert!(text.contains("PASS not-found-404"), "{text}");
}

#[test]
fn an_unimplemented_method_may_be_501_but_a_405_must_say_allow() {
    // RFC 9110 §9.1: a method the server does not implement SHOULD get 501;
    // the course's 405 is a course rule, and a 405 needs no more than Allow.
    let port =
        fake(b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let (_, text) = check(port, "method-");
    assert!(text.contains("PASS method-allow"), "{text}");
    assert!(text.contains("PASS method-501"), "{text}");
    assert!(text.contains("FAIL method-405"), "{text}");
    assert!(
        text.contains("MUST 0 failed, SHOULD 0 failed, course rules 1 failed"),
        "{text}"
    );
    // RFC 9110 §15.5.6: a 405 MUST carry Allow.
    let port =
        fake(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let (out, text) = check(port, "method-allow");
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL method-allow"), "{text}");
    assert!(text.contains("405 needs an Allow header"), "{text}");
    assert!(text.contains("MUST 1 failed"), "{text}");
    // A 400 for a method breaks only the SHOULD of §9.1.
    let port = fake(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let (_, text) = check(port, "method-");
    assert!(text.contains("PASS method-allow"), "{text}");
    assert!(text.contains("FAIL method-501"), "{text}");
    assert!(
        text.contains("MUST 0 failed, SHOULD 1 failed, course rules 1 failed"),
        "{text}"
    );
}

#[test]
fn a_run_stopped_by_its_deadline_still_reports_what_it_graded() {
    // Answers the first connection, then accepts no other: the second check
    // waits, and the deadline ends the run.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Some(Ok(stream)) = listener.incoming().next() {
            let _ = (&stream)
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
        }
        std::thread::park();
    });
    let (out, text) = check_with(port, &["--only", "get-", "--deadline", "3"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}{stderr}");
    assert!(stderr.contains("stopped after 1 checks"), "{stderr}");
    assert!(text.contains("FAIL get-page"), "{text}");
    assert!(
        text.ends_with(
            "MUST 1 failed, SHOULD 0 failed, course rules 0 failed\n0 passed, 1 failed, 0 skipped\n"
        ),
        "{text}"
    );
}
