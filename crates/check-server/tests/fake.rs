//! The checker fed deliberately wrong servers: the FAIL lines must carry the
//! reproduce command, the caret under the wrong byte, and the hint.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
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

fn check(port: u16, only: &str) -> (Output, String) {
    let fixture =
        std::env::temp_dir().join(format!("check-server-fake-{}-{port}", std::process::id()));
    let out = Command::new(CHECK_SERVER)
        .args(["--url", &format!("http://127.0.0.1:{port}/"), "--fixture"])
        .arg(&fixture)
        .args(["--only", only, "--seed", "1", "--big-mib", "1"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&fixture);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out, text)
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
