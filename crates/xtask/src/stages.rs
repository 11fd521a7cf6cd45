//! The stages as programs: where the workspace is, how to build a stage, how
//! to start one (or `python3 -m http.server`) on a free port, and how to talk
//! to a running server with raw bytes. Every xtask command starts servers
//! through this module.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::Process;

/// One stage crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stage {
    pub number: u8,
    /// Package (and binary) name.
    pub package: &'static str,
    /// Whether it is an HTTP server (steps 1, 3 and 4).
    pub http: bool,
}

pub(crate) const STAGES: [Stage; 4] = [
    stage_of(1, "step1-oneliner", true),
    stage_of(2, "step2-echo", false),
    stage_of(3, "step3-pico-tcp", true),
    stage_of(4, "step4-pico-http", true),
];

const fn stage_of(number: u8, package: &'static str, http: bool) -> Stage {
    Stage {
        number,
        package,
        http,
    }
}

/// The stage numbered `number` (1 to 4).
pub(crate) fn stage(number: &str) -> Result<Stage> {
    STAGES
        .into_iter()
        .find(|s| s.number.to_string() == number.trim())
        .with_context(|| format!("'{number}' is not a stage: use 1, 2, 3 or 4"))
}

/// The HTTP stages, in order.
pub(crate) fn http_stages() -> impl Iterator<Item = Stage> {
    STAGES.into_iter().filter(|s| s.http)
}

/// The top of the workspace.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.ancestors().nth(2).unwrap_or(manifest);
    root.to_path_buf()
}

/// The sample site every stage serves by default.
pub(crate) fn www() -> PathBuf {
    workspace_root().join("www")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Debug,
    Release,
}

/// Builds `packages` with cargo (quietly), so that their binaries exist.
pub(crate) fn build(packages: &[&str], profile: Profile) -> Result<()> {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(workspace_root()).args(["build", "-q"]);
    if profile == Profile::Release {
        cargo.arg("--release");
    }
    cargo.args(packages.iter().flat_map(|package| ["-p", package]));
    if !cargo.status().context("cannot run cargo")?.success() {
        bail!("cargo build failed for {packages:?}");
    }
    Ok(())
}

/// Where cargo builds: `CARGO_TARGET_DIR`, or `target/` in the workspace.
/// `join` keeps an absolute `CARGO_TARGET_DIR` and anchors a relative one
/// where [`build`] runs cargo.
pub(crate) fn target_dir() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR");
    workspace_root().join(dir.unwrap_or_else(|| "target".into()))
}

/// Where cargo puts `binary` for `profile`.
pub(crate) fn binary(binary: &str, profile: Profile) -> PathBuf {
    let dir = match profile {
        Profile::Debug => "debug",
        Profile::Release => "release",
    };
    let file = format!("{binary}{}", std::env::consts::EXE_SUFFIX);
    target_dir().join(dir).join(file)
}

/// How long a server under test may take to be ready.
const START_PATIENCE: Duration = Duration::from_secs(60);

/// What every server under test is started with: a port the kernel picks
/// (0), on 127.0.0.1 only, serving the directory that follows.
pub(crate) const SERVE_ARGS: [&str; 4] = ["0", "--bind", "127.0.0.1", "--directory"];

/// A server we started, listening on `address`; killed when dropped (also on
/// error paths).
#[derive(Debug)]
pub(crate) struct Running {
    process: Process,
    pub address: SocketAddr,
}

impl Running {
    /// Starts `command`, which must print the `python -m http.server` banner
    /// ("Serving HTTP on ADDR port PORT ...") as its first line on stdout.
    pub(crate) fn start(name: &str, command: Command) -> Result<Running> {
        Running::of(name, Process::start(name, command)?)
    }

    /// Waits for `process`, started as in [`Running::start`], to be ready.
    pub(crate) fn of(name: &str, mut process: Process) -> Result<Running> {
        let banner = process.wait_for_line(START_PATIENCE, |_| true);
        let banner = banner.unwrap_or_default();
        let mut words = banner.split_whitespace().skip_while(|w| *w != "port");
        let Some(port) = words.nth(1).and_then(|port| port.parse().ok()) else {
            bail!("{name} did not start (it printed {:?})", process.text());
        };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        Ok(Running { process, address })
    }

    /// Starts `command`, a server that prints no banner (nginx), on `port`:
    /// it is ready when it accepts a connection.
    pub(crate) fn accepting(name: &str, command: Command, port: u16) -> Result<Running> {
        let mut process = Process::start(name, command)?;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + START_PATIENCE;
        while TcpStream::connect(address).is_err() {
            // Waiting for the output to end is waiting for the server to exit.
            if process.wait_for_end(Duration::from_millis(10)).is_some()
                || Instant::now() > deadline
            {
                bail!("{name} did not start");
            }
        }
        Ok(Running { process, address })
    }

    /// Starts an HTTP stage serving `dir`, its log (stderr) going to `log`.
    pub(crate) fn stage(stage: Stage, dir: &Path, profile: Profile, log: Stdio) -> Result<Running> {
        let mut command = Command::new(binary(stage.package, profile));
        command.args(SERVE_ARGS).arg(dir).stderr(log);
        Running::start(&format!("step {}", stage.number), command)
    }

    /// Starts `python3 -m http.server`, the article's starting point, its log
    /// going to `log`, or returns `None` when `python3` is not on the PATH.
    pub(crate) fn python(directory: &Path, log: Stdio) -> Result<Option<Running>> {
        if Command::new("python3").arg("--version").output().is_err() {
            return Ok(None);
        }
        let mut command = Command::new("python3");
        // -u: unbuffered, or the banner sits in Python's buffer when piped.
        command.args(["-u", "-m", "http.server"]).args(SERVE_ARGS);
        command.arg(directory).stderr(log);
        Running::start("python http.server", command).map(Some)
    }

    pub(crate) fn pid(&self) -> u32 {
        self.process.pid()
    }
}

/// One request/response exchange, as raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Exchange {
    /// Everything the server sent for this request: head and body.
    pub response: Vec<u8>,
    /// Whether the server closed the connection after the response.
    pub closed: bool,
}

impl Exchange {
    /// The head (status line and headers) as text, without the final empty line.
    pub(crate) fn head(&self) -> String {
        let end = find(&self.response, b"\r\n\r\n").unwrap_or(self.response.len());
        String::from_utf8_lossy(&self.response[..end]).into_owned()
    }

    /// The body: what follows the head.
    pub(crate) fn body(&self) -> &[u8] {
        find(&self.response, b"\r\n\r\n").map_or(&[][..], |end| &self.response[end + 4..])
    }

    /// The status code, or 0 when the server sent no status line.
    pub(crate) fn status(&self) -> u16 {
        let code = self.head().split(' ').nth(1).and_then(|c| c.parse().ok());
        code.unwrap_or(0)
    }
}

/// Sends `raw` on a new connection to `address` and reads one response: the
/// head, then `Content-Length` bytes of body (none after a HEAD request), or
/// up to the end when there is no length. Then waits up to `linger` to see
/// whether the server closes the connection. Nothing here waits longer than
/// `timeout` for a byte.
pub(crate) fn exchange(
    address: SocketAddr,
    raw: &[u8],
    timeout: Duration,
    linger: Duration,
) -> Result<Exchange> {
    let mut stream = TcpStream::connect_timeout(&address, timeout)
        .with_context(|| format!("cannot connect to {address}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(raw)?;
    let head_request = raw.starts_with(b"HEAD ");
    let (mut response, mut chunk) = (Vec::new(), [0; 64 * 1024]);
    let mut lingering_until = None;
    let closed = loop {
        if lingering_until.is_none() && complete(&response, head_request) {
            stream.set_read_timeout(Some(linger))?;
            lingering_until = Some(Instant::now() + linger);
        }
        if lingering_until.is_some_and(|end| Instant::now() >= end) {
            break false;
        }
        match stream.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => response.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break true,
            // A timeout ends the wait; so does any other error once the
            // response is whole.
            Err(e) if lingering_until.is_some() || is_timeout(&e) => break false,
            Err(e) => return Err(e.into()),
        }
    };
    Ok(Exchange { response, closed })
}

/// Whether `response` holds a whole head and its `Content-Length` bytes of
/// body (none after a HEAD request).
fn complete(response: &[u8], head_request: bool) -> bool {
    let Some(head_end) = find(response, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&response[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    head_request || length.is_some_and(|length| response.len() >= head_end + 4 + length)
}

pub(crate) fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
