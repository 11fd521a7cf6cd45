//! Checks of the chapter 3 exercises (`just exercise ch3-request-time` ...).
//!
//! Ignored by a plain `cargo test`: they fail until the exercise is solved.
//! Each module is one exercise; each test's doc comment is one line of its
//! rubric, and "Still works:" marks a test of what the shipped stage already
//! does, which the exercise must not break. Every assertion says in words
//! what was wrong. The real binary runs and is talked to over real sockets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Instant;

use common::{PATIENCE, STAGE, Server};

/// The stage with its log (stderr, `info`) arriving line by line on `log`.
struct Logged {
    server: Server,
    log: Receiver<String>,
}

impl Logged {
    fn start(directory: &Path) -> Logged {
        let (server, log) = Server::start_logged(&STAGE, directory);
        Logged { server, log }
    }

    /// Waits for a log line that contains every one of `words`.
    fn wait_for_log(&self, words: &[&str]) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if words.iter().all(|w| line.contains(w)) => return line,
                Ok(line) => seen.push(line),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("no access log line with {words:?}; the log was:\n{seen:#?}")
                }
            }
        }
    }
}

/// Exercise: end the access log line with the time the request took.
mod ch3_request_time {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    use super::Logged;
    use super::common::{PATIENCE, Site, read_response};

    /// The milliseconds at the end of an access log line: `... 200 11 0.42 ms`.
    fn milliseconds(line: &str) -> f64 {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[..] {
            [.., number, "ms"] => number.parse().unwrap_or_else(|_| {
                panic!("the access log line ends with {number:?} ms, which is not a number: {line}")
            }),
            _ => panic!("the access log line does not end with \"N ms\": {line:?}"),
        }
    }

    /// Sends a GET for `path` and returns the access log line naming this
    /// client's own address, after reading the response (slowly if asked).
    fn logged_get(server: &Logged, path: &str, pause_before_reading: Duration) -> String {
        let mut stream = TcpStream::connect(server.server.address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let peer = stream.local_addr().unwrap().to_string();
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            )
            .unwrap();
        // The behaviour under test, not synchronisation: a slow client makes
        // the server wait in `write` once the socket buffers are full.
        std::thread::sleep(pause_before_reading);
        let (response, mut rest) = read_response(&stream, false);
        assert!(
            response.status == 200,
            "GET {path} got \"{}\", expected 200",
            response.status_line
        );
        let _ = rest.read_to_end(&mut Vec::new());
        server.wait_for_log(&[&peer, &format!("\"GET {path} HTTP/1.1\" 200")])
    }

    /// The access log line of a request names the client and ends with the time it took, such as
    /// `0.42 ms`: under a second for a tiny file.
    #[test]
    #[ignore = "exercise check: just exercise ch3-request-time"]
    fn the_access_log_names_the_client_and_ends_with_milliseconds() {
        let site = Site::new();
        let server = Logged::start(&site.root());
        let line = logged_get(&server, "/notes.txt", Duration::ZERO);
        let ms = milliseconds(&line);
        assert!(
            (0.0..1000.0).contains(&ms),
            "the access log says {ms} ms for the tiny /notes.txt, expected under 1000 ms: {line}"
        );
    }

    /// A client that waits 1.5 s before reading a 48 MiB file is logged with at least 1000 ms: the
    /// time runs until the response is written.
    #[test]
    #[ignore = "exercise check: just exercise ch3-request-time"]
    fn a_client_that_reads_slowly_is_logged_with_a_longer_time() {
        let site = Site::new();
        // Far more than the socket buffers hold, so the server must wait for us.
        std::fs::write(site.root().join("huge.bin"), vec![7u8; 48 << 20]).unwrap();
        let server = Logged::start(&site.root());
        let line = logged_get(&server, "/huge.bin", Duration::from_millis(1500));
        let ms = milliseconds(&line);
        assert!(
            ms >= 1000.0,
            "the client took 1.5 s to start reading a 48 MiB file, but the access log says {ms} ms (expected at least 1000): {line}"
        );
    }
}

/// Exercise: refuse ports below 1024 before binding, with advice.
mod ch3_privileged_port {
    use super::*;
    use common::Site;

    /// How a start on some port went.
    enum Start {
        /// It printed its banner: it is serving (and has been stopped).
        Serving,
        /// It exited, with this status and stderr.
        Exited(ExitStatus, String),
    }

    /// Runs the stage on `port` until it prints its banner or exits.
    fn start_on(port: &str, directory: &Path) -> Start {
        let mut child = Command::new(STAGE.binary)
            .args([port, "--bind", "127.0.0.1", "--directory"])
            .arg(directory)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (events, event) = channel();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let banner = events.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            if stdout.read_line(&mut line).is_ok() && !line.is_empty() {
                let _ = banner.send(None);
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut all = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut all);
            // stderr reaches its end when the program exits.
            let _ = events.send(Some(all));
        });
        let outcome = event.recv_timeout(PATIENCE);
        if let Ok(Some(stderr)) = outcome {
            return Start::Exited(child.wait().unwrap(), stderr);
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            outcome.is_ok(),
            "port {port}: no banner and no exit within {PATIENCE:?}"
        );
        Start::Serving
    }

    /// Ports 80, 443 and 1023 are refused before binding, as root too, with exit code 2 and a
    /// message that names the port, the 1024 limit and port 8000.
    #[test]
    #[ignore = "exercise check: just exercise ch3-privileged-port"]
    fn ports_80_443_and_1023_are_refused_with_exit_code_2_and_advice() {
        let site = Site::new();
        for port in ["80", "443", "1023"] {
            let Start::Exited(status, stderr) = start_on(port, &site.root()) else {
                panic!(
                    "port {port} was not refused: the server started on it (as root, binding works: check the port before binding)"
                );
            };
            assert!(
                status.code() == Some(2),
                "port {port} was refused with {status}, expected exit code 2: {stderr}"
            );
            assert!(
                stderr.contains(port) && stderr.contains("1024") && stderr.contains("8000"),
                "the message for port {port} should name the port, the 1024 limit and suggest 8000: {stderr}"
            );
        }
    }

    /// Still works: Port 0 (any free port) and port 1024 start the server (or, for 1024, say it is
    /// in use).
    #[test]
    #[ignore = "exercise check: just exercise ch3-privileged-port"]
    fn port_0_and_ports_from_1024_up_are_not_refused() {
        let site = Site::new();
        // Port 0 asks for any free port: it must start.
        if let Start::Exited(status, stderr) = start_on("0", &site.root()) {
            panic!("port 0 did not start ({status}): {stderr}");
        }
        // 1024 may be taken by another program; then the stage says so (exit 1).
        if let Start::Exited(status, stderr) = start_on("1024", &site.root()) {
            assert!(
                status.code() == Some(1) && stderr.contains("in use"),
                "port 1024 was refused ({status}), and not because it is in use: {stderr}"
            );
        }
    }
}
