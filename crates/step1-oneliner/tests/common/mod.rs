//! Test support shared by this crate's integration tests: start the stage's real
//! binary on a free port, serve a throw-away directory, and talk to it with raw
//! bytes over a real socket. The same file sits in every HTTP stage's `tests/`.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// The stage binary under test.
pub const BINARY: &str = env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME")));

/// The stage under test (1, 3 or 4), from the package name `stepN-...`, for
/// the few tests where tiny_http (steps 1 and 3) and step 4 answer differently.
pub const STAGE: u8 = env!("CARGO_PKG_NAME").as_bytes()[4] - b'0';

/// How long a test waits for any answer before it fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A directory tree for one test, removed when dropped:
///
/// ```text
/// tree/
/// ├── secret.txt              must never be served
/// ├── site-secret/key.txt     a sibling whose name starts with the root's name
/// └── site/                   the served directory
///     ├── index.html  style.css  app.js  data.json  logo.svg  favicon.ico
///     ├── notes.txt  blob.unknown  a b.txt  big.bin (1 MiB + 3 bytes)
///     ├── sub/index.html
///     ├── empty/               a directory without an index
///     └── (Unix) escape -> ../secret.txt, inside -> style.css
/// ```
pub struct Site {
    pub top: PathBuf,
}

/// Bytes that appear in `secret.txt` and nowhere in the site.
pub const SECRET: &str = "TOP-SECRET-6f1d";

impl Site {
    pub fn new() -> Site {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let top = std::env::temp_dir().join(format!(
            "{}-site-{}-{}",
            env!("CARGO_PKG_NAME"),
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&top);
        for dir in ["site/sub", "site/empty", "site-secret"] {
            fs::create_dir_all(top.join(dir)).unwrap();
        }
        let files: [(&str, &[u8]); 13] = [
            ("secret.txt", SECRET.as_bytes()),
            ("site-secret/key.txt", SECRET.as_bytes()),
            (
                "site/index.html",
                b"<!DOCTYPE html><title>home</title><h1>Hello, World!</h1>\n",
            ),
            ("site/style.css", b"body { color: green; }\n"),
            ("site/app.js", b"document.title = 'ok';\n"),
            ("site/data.json", b"{\"ok\": true}\n"),
            (
                "site/logo.svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
            ),
            ("site/favicon.ico", b"\x00\x00\x01\x00"),
            ("site/notes.txt", b"plain text\n"),
            ("site/blob.unknown", b"\x01\x02\x03"),
            ("site/a b.txt", b"a space in the name\n"),
            (
                "site/sub/index.html",
                b"<!DOCTYPE html><title>sub</title>\n",
            ),
            ("site/big.bin", &[]),
        ];
        for (path, bytes) in files {
            fs::write(top.join(path), bytes).unwrap();
        }
        fs::write(top.join("site/big.bin"), big_file_contents()).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../secret.txt", top.join("site/escape")).unwrap();
            std::os::unix::fs::symlink("style.css", top.join("site/inside")).unwrap();
        }
        Site { top }
    }

    /// The served directory.
    pub fn root(&self) -> PathBuf {
        self.top.join("site")
    }

    pub fn file(&self, relative: &str) -> Vec<u8> {
        fs::read(self.root().join(relative)).unwrap()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.top);
    }
}

/// `big.bin`: 1 MiB and 3 bytes of a pattern that shows misplaced chunks.
pub fn big_file_contents() -> Vec<u8> {
    (0..(1 << 20) + 3).map(|i: u32| (i % 251) as u8).collect()
}

/// A running stage, killed when dropped.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    /// The startup lines the stage printed (banner first).
    pub banner: String,
}

impl Server {
    /// Starts the stage on a free port: `BINARY 0 --bind 127.0.0.1 --directory DIR [extra]`.
    pub fn start(directory: &Path, extra: &[&str]) -> Server {
        Server::launch(directory, extra, None)
    }

    /// Like [`Server::start`], with the log at `info` (the access log) sent
    /// line by line to the returned channel instead of the test's stderr.
    pub fn start_logged(directory: &Path) -> (Server, Receiver<String>) {
        let (sender, receiver) = channel();
        (Server::launch(directory, &[], Some(sender)), receiver)
    }

    fn launch(directory: &Path, extra: &[&str], log: Option<Sender<String>>) -> Server {
        let mut child = Command::new(BINARY)
            .args(["0", "--bind", "127.0.0.1", "--directory"])
            .arg(directory)
            .args(extra)
            .env("RUST_LOG", if log.is_some() { "info" } else { "warn" })
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if log.is_some() {
                Stdio::piped()
            } else {
                Stdio::inherit()
            })
            .spawn()
            .unwrap();
        if let (Some(sender), Some(stderr)) = (log, child.stderr.take()) {
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let _ = sender.send(line);
                }
            });
        }
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        stdout.read_line(&mut banner).unwrap();
        // "Serving HTTP on 127.0.0.1 port 43127 (http://127.0.0.1:43127/) ..."
        let port: u16 = banner
            .split_whitespace()
            .skip_while(|word| *word != "port")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in the banner {banner:?}"));
        stdout.read_line(&mut banner).unwrap();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Server {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], port)),
            banner,
        }
    }

    /// A new connection to the server, with a read timeout so tests cannot hang.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        stream
    }

    /// Sends `raw` on a new connection and reads one response.
    pub fn exchange(&self, raw: &[u8]) -> Response {
        let mut stream = self.connect();
        stream.write_all(raw).unwrap();
        let (response, _) = read_response(&stream, raw.starts_with(b"HEAD "));
        response
    }

    /// Like [`Server::exchange`], and asserts that the server then closes the
    /// connection: nothing follows the response but end of file.
    pub fn exchange_and_close(&self, raw: &[u8]) -> Response {
        let mut stream = self.connect();
        stream.write_all(raw).unwrap();
        let (response, mut rest) = read_response(&stream, raw.starts_with(b"HEAD "));
        let mut after = Vec::new();
        rest.read_to_end(&mut after)
            .expect("the server should close the connection");
        assert!(
            after.is_empty(),
            "bytes after the response: {:?}",
            String::from_utf8_lossy(&after)
        );
        response
    }

    /// `GET path` with the headers a simple client sends.
    pub fn get(&self, path: &str) -> Response {
        self.exchange(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A memory figure of the server from `/proc/PID/status`, in KiB: `VmRSS`
    /// (resident now) or `VmHWM` (the most it has ever been). `None` where
    /// there is no `/proc` (macOS, Windows): callers say so and skip.
    pub fn memory_kib(&self, field: &str) -> Option<u64> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// How many file descriptors the server has open (`/proc/PID/fd`), or
    /// `None` where there is no `/proc`.
    pub fn open_fds(&self) -> Option<usize> {
        Some(
            fs::read_dir(format!("/proc/{}/fd", self.pid()))
                .ok()?
                .count(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response as it came off the wire.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub status_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads a status line, headers and a `Content-Length` body (none for HEAD).
/// Returns the reader too, positioned just after the response.
pub fn read_response(stream: &TcpStream, head_only: bool) -> (Response, BufReader<TcpStream>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let response = read_next_response(&mut reader, head_only);
    (response, reader)
}

/// Reads one response from `reader`, which may already hold bytes of it (the
/// second of two pipelined responses, say).
pub fn read_next_response(reader: &mut BufReader<TcpStream>, head_only: bool) -> Response {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    assert!(
        status_line.ends_with("\r\n"),
        "status line {status_line:?} must end in CRLF"
    );
    let status_line = status_line.trim_end().to_string();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status code in {status_line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(
            line.ends_with("\r\n"),
            "header line {line:?} must end in CRLF"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("bad header {line:?}"));
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .map(|(_, v)| v.parse::<usize>().unwrap());
    let mut body = Vec::new();
    match (head_only, length) {
        (true, _) => {}
        (false, Some(length)) => {
            body.resize(length, 0);
            reader.read_exact(&mut body).unwrap();
        }
        (false, None) => {
            reader.read_to_end(&mut body).unwrap();
        }
    }
    Response {
        status,
        status_line,
        headers,
        body,
    }
}
