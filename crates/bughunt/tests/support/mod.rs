//! Test support for the bug hunt: a throw-away site with a secret next to it,
//! and a variant started on a free port, killed when dropped.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_bughunt");

/// How long a test waits for an answer before it fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Bytes of `secret.txt`, which sits next to the served directory.
pub const SECRET: &str = "TOP-SECRET-b7e2";

/// The workspace's sample site, which `bughunt` serves by default.
pub fn www() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../www")
        .canonicalize()
        .unwrap()
}

/// `top/secret.txt`, and `top/site/` served: `index.html`, `sub/index.html`.
pub struct Site {
    pub top: PathBuf,
}

impl Site {
    pub fn new() -> Site {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let top = std::env::temp_dir().join(format!(
            "bughunt-site-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&top);
        fs::create_dir_all(top.join("site/sub")).unwrap();
        fs::write(top.join("secret.txt"), SECRET).unwrap();
        fs::write(top.join("site/index.html"), "<h1>home</h1>\n").unwrap();
        fs::write(top.join("site/sub/index.html"), "<h1>sub</h1>\n").unwrap();
        Site { top }
    }

    /// The served directory, canonical.
    pub fn root(&self) -> PathBuf {
        self.top.join("site").canonicalize().unwrap()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.top);
    }
}

/// A running variant.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
}

impl Server {
    pub fn start(variant: &str, site: &Site) -> Server {
        Server::start_in(variant, &site.root())
    }

    /// Starts `variant` serving `directory`.
    pub fn start_in(variant: &str, directory: &Path) -> Server {
        let mut child = Command::new(BINARY)
            .args([variant, "0", "--directory"])
            .arg(directory)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        stdout.read_line(&mut banner).unwrap();
        let port: u16 = banner
            .split_whitespace()
            .skip_while(|word| *word != "port")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in the banner {banner:?}"));
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Server {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        stream
    }

    /// Sends `raw` on a new connection and reads until the server closes it
    /// (these handlers always do). An empty answer means none came.
    pub fn exchange(&self, raw: &[u8]) -> String {
        let mut stream = self.connect();
        // The server may close before reading everything: ignore write errors.
        let _ = stream.write_all(raw);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    pub fn get(&self, path: &str) -> String {
        self.exchange(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status code of a raw answer, or 0 when there is none.
pub fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// A raw answer as a failure message shows it: the bytes, or what an empty
/// one means.
pub fn shown(answer: &str) -> &str {
    if answer.is_empty() {
        "(no answer at all)"
    } else {
        answer
    }
}
