//! The `diff`, `compare` and `trace` commands, run as a learner runs them: the
//! real xtask binary, building and starting the real stages on free ports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "xtask failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn python3_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// FNV-1a 32-bit, written again here so that the test does not trust the tool.
fn fnv1a(bytes: &[u8]) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in bytes {
        hash = (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// The rows of `compare`'s report: (request label, server, row text).
fn rows(report: &str) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    let mut label = String::new();
    for line in report.lines() {
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            label = line.split("    ").next().unwrap_or_default().to_string();
            continue;
        }
        for server in ["python", "step 1", "step 3", "step 4"] {
            if let Some(row) = line.strip_prefix(&format!("  {server}")) {
                rows.push((label.clone(), server.to_string(), row.trim().to_string()));
            }
        }
    }
    rows
}

fn row<'a>(rows: &'a [(String, String, String)], label: &str, server: &str) -> &'a str {
    rows.iter()
        .find(|(l, s, _)| l == label && s == server)
        .map(|(_, _, row)| row.as_str())
        .unwrap_or_else(|| panic!("no row for {server} under '{label}'"))
}

#[test]
fn compare_shows_what_each_stage_answers_and_is_stable() {
    // Two runs at once (most of a run is waiting for servers that keep the
    // connection open), to check that the same tree gives the same report.
    let second = std::thread::spawn(|| stdout(&xtask(&["compare", "/about/"])));
    let report = stdout(&xtask(&["compare", "/about/"]));
    let rows = rows(&report);
    let index = std::fs::read(workspace().join("www/index.html")).unwrap();
    let index_body = format!("{} bytes fnv1a {}", index.len(), fnv1a(&index));

    // (request, expected status line start for steps 1 and 3, for step 4)
    let expected = [
        ("GET /", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"),
        ("HEAD /", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"),
        ("GET /style.css", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"),
        // A directory without its slash: redirected to it (the shared docroot.rs).
        (
            "GET /about",
            "HTTP/1.1 301 Moved Permanently",
            "HTTP/1.1 301 Moved Permanently",
        ),
        (
            "GET /missing",
            "HTTP/1.1 404 Not Found",
            "HTTP/1.1 404 Not Found",
        ),
        ("POST /", "HTTP/1.1 403 Forbidden", "HTTP/1.1 403 Forbidden"),
        (
            "DELETE /",
            "HTTP/1.1 405 Method Not Allowed",
            "HTTP/1.1 405 Method Not Allowed",
        ),
        (
            "GET /../Cargo.toml",
            "HTTP/1.1 403 Forbidden",
            "HTTP/1.1 403 Forbidden",
        ),
        (
            "empty request line",
            "HTTP/1.1 400 Bad Request",
            "HTTP/1.1 400 Bad Request",
        ),
        // Every stage accepts a bare LF, as RFC 9112 §2.2 allows (tiny_http
        // with our patch 5: crates/vendor/tiny_http/PATCHES.md).
        (
            "GET / with bare \\n line endings",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 200 OK",
        ),
        ("GET /about/", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"),
        // RFC 9112 §3.2 (the shared conformance.rs); tiny_http keeps the
        // connection open after our 400, as after any response of ours.
        (
            "GET / without Host",
            "HTTP/1.1 400 Bad Request",
            "HTTP/1.1 400 Bad Request",
        ),
    ];
    for (label, tiny_http, step4) in expected {
        for server in ["step 1", "step 3"] {
            let row = row(&rows, label, server);
            assert!(row.starts_with(tiny_http), "{server}, {label}: {row}");
            // tiny_http keeps an HTTP/1.1 connection open, except after a 400.
            let closes = label == "empty request line";
            assert_eq!(row.ends_with("closed"), closes, "{server}, {label}: {row}");
        }
        let row = row(&rows, label, "step 4");
        assert!(row.starts_with(step4), "step 4, {label}: {row}");
        assert!(
            row.ends_with("closed"),
            "step 4 closes every connection: {row}"
        );
    }
    for server in ["step 1", "step 3", "step 4"] {
        assert!(
            row(&rows, "GET /", server).contains(&index_body),
            "{server} sends www/index.html"
        );
        assert!(row(&rows, "HEAD /", server).contains("no body"));
    }
    assert!(
        report.contains("Connection: close"),
        "step 4's header is shown"
    );
    assert!(report.contains("Allow: GET, HEAD"));
    // The verdict names the steps that agree and what sets the others apart.
    assert!(report.contains(
        "  ≠ steps 1, 3 agree; step 4 differs: who closes, Connection header, Server header\n"
    ));
    assert!(report.contains("Stages: your working copy"));

    if python3_available() {
        for (label, status) in [
            ("GET /", "HTTP/1.0 200 OK"),
            ("POST /", "HTTP/1.0 501"),
            ("GET /../Cargo.toml", "HTTP/1.0 404"),
            ("empty request line", "(closed without a response)"),
            ("GET / with bare \\n line endings", "HTTP/1.0 200 OK"),
            ("GET /about", "HTTP/1.0 301"),
            ("GET / without Host", "HTTP/1.0 200 OK"),
        ] {
            let row = row(&rows, label, "python");
            assert!(row.starts_with(status), "python, {label}: {row}");
        }
    } else {
        eprintln!("python3 is not installed: compare's python rows are not checked");
        assert!(report.contains("python3 is not on the PATH"));
    }

    let again = second.join().unwrap();
    assert_eq!(report, again, "the same tree gives the same report");
}

#[test]
fn compare_adds_raw_requests_and_shows_raw_bytes() {
    let report = stdout(&xtask(&[
        "compare",
        "--no-python",
        "--raw",
        "--request",
        "GET / HTTP/1.0\\r\\n\\r\\n",
    ]));
    assert!(!report.contains("python"));
    assert!(report.contains("=== --request GET / HTTP/1.0\n"));
    assert!(report.contains(">>> GET / HTTP/1.0\\r\\n\\r\\n"));
    // Raw mode shows the real, unmasked head with its CRLFs visible.
    assert!(report.contains("HTTP/1.1 200 OK\\r\\n"));
    assert!(report.contains("Date: "));
    assert!(!report.contains("Date: *"));

    let bad = xtask(&["compare", "--bogus"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("usage: just compare"));
}

#[test]
fn diff_shows_only_the_replaced_layer() {
    let one_to_three = stdout(&xtask(&["diff", "1", "3"]));
    assert!(!one_to_three.contains('\x1b'), "no colour when piped");
    assert!(one_to_three.contains("# The stages as committed (git HEAD)"));
    // The file list comes first: new, changed, unchanged.
    let list = one_to_three
        .find("#   src/server.rs            new, ")
        .unwrap();
    let changed = one_to_three
        .find("#   src/main.rs              changed, +")
        .unwrap();
    let unchanged = one_to_three
        .find("#   src/status.rs            unchanged\n")
        .unwrap();
    let first_hunk = one_to_three.find("\n--- ").unwrap();
    assert!(list < changed && changed < unchanged && unchanged < first_hunk);
    assert!(
        !one_to_three.contains("// ANCHOR"),
        "marker lines are left out"
    );
    // The listener changes hands...
    assert!(one_to_three.contains("\n-    let server = match Server::http(args.address()) {\n"));
    assert!(
        one_to_three.contains("\n+    let pico = match PicoTcpServer::bind(args.address()) {\n")
    );
    assert!(one_to_three.contains("--- /dev/null\n+++ step3/src/server.rs\n@@ -0,0 +1,"));
    // ...and the crate names are not a change.
    let changed: Vec<&str> = one_to_three
        .lines()
        .filter(|l| l.starts_with(['+', '-']))
        .collect();
    assert!(
        !changed
            .iter()
            .any(|l| l.contains("step1_oneliner") && !l.starts_with("---")),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|l| l.starts_with("-name = ")),
        "package name is noise"
    );

    let three_to_four = stdout(&xtask(&["diff", "3", "4"]));
    assert!(three_to_four.contains("\n-tiny_http.workspace = true\n"));
    assert!(three_to_four.contains("--- /dev/null\n+++ step4/src/handler.rs\n"));
    assert!(
        three_to_four.contains(
            "\n+    pub fn serve_forever(&self, request_handler: impl Fn(TcpStream, SocketAddr)) -> ! {\n"
        )
    );
    assert!(three_to_four.contains("+  --timeout SECS"));

    // Step 3 continues from step 1, not from the echo tangent.
    let two_to_three = stdout(&xtask(&["diff", "2", "3"]));
    assert!(two_to_three.contains("--- step1/src/main.rs\n+++ step3/src/main.rs\n"));
    assert!(two_to_three.contains("#   echo: src/bin/client.rs  only in step 2 ("));
    assert!(two_to_three.contains("#   src/cli.rs               unchanged since step 1\n"));

    let worktree = stdout(&xtask(&["diff", "1", "3", "--worktree"]));
    assert!(worktree.contains("# Your working copy (--worktree). Files changed since git HEAD:"));

    for bad in [
        &["diff", "1"][..],
        &["diff", "1", "9"],
        &["diff", "3", "3"],
        &["diff", "a", "b"],
    ] {
        let output = xtask(bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("usage: just diff A B"),
            "{bad:?}"
        );
    }
}

#[test]
fn trace_shows_the_socket_life_cycle() {
    let strace = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !strace {
        eprintln!(
            "SKIPPED trace_shows_the_socket_life_cycle: strace is not installed (apt-get install strace)"
        );
        let output = xtask(&["trace", "4"]);
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains("apt-get install strace"));
        return;
    }
    let life_cycle = [
        "socket",
        "setsockopt",
        "bind",
        "listen",
        "accept4",
        "recvfrom",
        "sendto",
        "close",
    ];
    for stage in ["1", "4"] {
        let report = stdout(&xtask(&["trace", stage]));
        let calls: Vec<&str> = report
            .lines()
            .filter(|l| l.starts_with("main ") || l.starts_with("thread "))
            .filter_map(|l| l.get(10..)?.split('(').next())
            .collect();
        // Each call of the life cycle appears, in the article's order.
        let mut from = 0;
        for name in life_cycle {
            let at = calls[from..].iter().position(|c| *c == name);
            assert!(
                at.is_some(),
                "step {stage}: no {name} after call {from}: {calls:?}"
            );
            from += at.unwrap_or_default();
        }
        assert!(report.contains("recvfrom(") && report.contains("GET / HTTP/1.1\\r\\n"));
        assert!(
            !report.contains("libc.so"),
            "the loader's calls are left out"
        );
        assert!(report.contains("Legend: socket: "));
        let threads = report.contains("clone3(") || report.contains("clone(");
        assert_eq!(
            threads,
            stage == "1",
            "only tiny_http starts threads: {report}"
        );
    }
    let output = xtask(&["trace", "2"]);
    assert_eq!(output.status.code(), Some(2));
}

/// A one-connection server on a free port: reads until the client's end of
/// file (or the first empty line), answers `reply`, then closes or stays open.
fn one_shot_server(reply: &'static [u8], close: bool) -> (u16, std::thread::JoinHandle<Vec<u8>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut byte = [0; 1];
        while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
            request.push(byte[0]);
        }
        stream.write_all(reply).unwrap();
        if !close {
            // Hold the connection open until the client gives up and closes.
            let _ = stream.read(&mut byte);
        }
        request
    });
    (port, server)
}

#[test]
fn send_shows_the_raw_reply_and_who_closed() {
    let (port, server) = one_shot_server(b"HTTP/1.0 200 OK\r\nX: 1\r\n\r\nhi\n\xff", true);
    let output = xtask(&[
        "send",
        &port.to_string(),
        "GET / HTTP/1.0\\r\\nX: \\x41\\t\\r\\n\\r\\n",
        "--half-close",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(server.join().unwrap(), b"GET / HTTP/1.0\r\nX: A\t\r\n\r\n");
    assert_eq!(
        stdout(&output),
        "HTTP/1.0 200 OK\\r\\n\nX: 1\\r\\n\n\\r\\n\nhi\\n\n\\xff\n"
    );
    let notes = String::from_utf8_lossy(&output.stderr);
    assert!(notes.contains("sent 25 bytes to 127.0.0.1:"), "{notes}");
    assert!(notes.contains("then shut down our write side"), "{notes}");
    assert!(
        notes.contains("[29 bytes received; the server closed the connection]"),
        "{notes}"
    );

    let (port, server) = one_shot_server(b"HTTP/1.1 200 OK\r\n", false);
    let output = xtask(&["send", &port.to_string(), "x\\r\\n\\r\\n", "--wait", "0.5"]);
    server.join().unwrap();
    let notes = String::from_utf8_lossy(&output.stderr);
    assert!(
        notes.contains("still open after 0.5 s without a byte: we closed it"),
        "{notes}"
    );
}

#[test]
fn send_explains_a_refused_connection_and_bad_usage() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = xtask(&["send", &port.to_string(), "GET /"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("connection refused"));
    for bad in [
        &["send"][..],
        &["send", "8000"],
        &["send", "port", "x"],
        &["send", "8000", "\\q"],
    ] {
        let output = xtask(bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("usage: just send PORT"));
    }
}
