//! The contestants of `just bench` and how to start each one on a free port:
//! the HTTP stages and `python3 -m http.server` through `stages::Running`,
//! nginx from a generated configuration, and the floor server. Also the
//! generated document root they all serve.

use std::any::Any;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::stages::{self, Profile, Running, Stage};

/// Where nginx is on Debian and Ubuntu (`apt-get install nginx-light`).
pub(super) const NGINX: &str = "/usr/sbin/nginx";

/// Which program a contestant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Stage(Stage),
    Python,
    Nginx,
    Floor,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Server {
    pub name: String,
    pub kind: Kind,
}

impl Server {
    /// Whether it serves files (the floor answers every request with nothing).
    pub(super) fn serves_files(&self) -> bool {
        self.kind != Kind::Floor
    }
}

/// The servers this machine can run, and an install hint for each one it cannot.
pub(super) fn available() -> (Vec<Server>, Vec<String>) {
    let server = |name: &str, kind| Server {
        name: name.to_string(),
        kind,
    };
    let mut servers: Vec<Server> = stages::http_stages()
        .map(|stage| server(&format!("step {}", stage.number), Kind::Stage(stage)))
        .collect();
    let mut missing = Vec::new();
    if Command::new("python3").arg("--version").output().is_ok() {
        servers.push(server("python http.server", Kind::Python));
    } else {
        missing.push("python3 (apt-get install python3): skipping python http.server".into());
    }
    if Path::new(NGINX).exists() {
        servers.push(server("nginx", Kind::Nginx));
    } else {
        missing.push(format!(
            "{NGINX} (apt-get install nginx-light): skipping nginx"
        ));
    }
    servers.push(server("floor", Kind::Floor));
    (servers, missing)
}

/// A started server.
pub(super) struct Live {
    pub address: SocketAddr,
    pub pid: u32,
    /// The `Running` or `Nginx` that stops the server when dropped.
    _process: Box<dyn Any>,
}

impl Live {
    fn running(running: Running) -> Live {
        Live {
            address: running.address,
            pid: running.pid(),
            _process: Box::new(running),
        }
    }
}

/// Starts `server` on a free port, serving `root`, logging to `log` (stderr for
/// the stages and python, the access log for nginx).
pub(super) fn start(server: &Server, root: &Path, work: &Path, log: &Path) -> Result<Live> {
    Ok(match server.kind {
        Kind::Stage(stage) => Live::running(Running::stage(
            stage,
            root,
            &[],
            Profile::Release,
            Some(log),
        )?),
        Kind::Python => {
            Live::running(Running::python(root, Some(log))?.context("python3 is gone")?)
        }
        Kind::Nginx => start_nginx(root, &work.join("nginx"), log)?,
        Kind::Floor => {
            let mut command = Command::new(std::env::current_exe()?);
            command.args(["bench", "--floor-server"]);
            Live::running(Running::start("floor", command)?)
        }
    })
}

/// nginx in the foreground, one process, killed when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nginx(root: &Path, dir: &Path, access_log: &Path) -> Result<Live> {
    fs::create_dir_all(dir)?;
    // nginx cannot listen on port 0 and tell us the port: take a free one
    // from the kernel and hand it over (another program could grab it in
    // between; then nginx fails to start and says so).
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let config = dir.join("nginx.conf");
    fs::write(&config, nginx_config(root, dir, access_log, port))?;
    let error_log = dir.join("error.log");
    let mut nginx = Nginx(
        Command::new(NGINX)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&config)
            .arg("-e")
            .arg(&error_log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start nginx")?,
    );
    // nginx prints no banner: it is ready when it accepts a connection.
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(address).is_err() {
        if Instant::now() > deadline || nginx.0.try_wait()?.is_some() {
            bail!("nginx did not start; see {}", error_log.display());
        }
        thread::sleep(Duration::from_millis(10));
    }
    Ok(Live {
        address,
        pid: nginx.0.id(),
        _process: Box::new(nginx),
    })
}

/// `nginx.conf`, the template next to this file, filled in.
pub(super) fn nginx_config(root: &Path, dir: &Path, access_log: &Path, port: u16) -> String {
    include_str!("nginx.conf")
        .replace("{dir}", &dir.display().to_string())
        .replace("{access_log}", &access_log.display().to_string())
        .replace("{port}", &port.to_string())
        .replace("{root}", &root.display().to_string())
}

/// The files every server serves.
#[derive(Debug)]
pub(super) struct Docroot {
    pub dir: PathBuf,
    /// Request path of the ~1.2 KiB page.
    pub small: &'static str,
    /// Request path of the 64 KiB file.
    pub medium: &'static str,
    /// Request path of the large file, and its size.
    pub large: String,
    pub large_bytes: u64,
}

/// Writes the document root under `work` (kept between runs: the large file
/// takes a few seconds to write), then reads the large file once so that it is
/// in the page cache and no server pays for the disk.
pub(super) fn docroot(work: &Path, large_mib: u64) -> Result<Docroot> {
    let dir = work.join("www");
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("index.html"), small_page())?;
    fs::write(dir.join("64k.bin"), pattern(64 * 1024))?;
    let large = format!("large-{large_mib}M.bin");
    let large_bytes = large_mib * 1024 * 1024;
    let path = dir.join(&large);
    if fs::metadata(&path).map(|m| m.len()).ok() != Some(large_bytes) {
        eprintln!("writing {} ({large_mib} MiB)...", path.display());
        let block = pattern(1024 * 1024);
        let mut file = BufWriter::new(File::create(&path)?);
        for _ in 0..large_mib {
            file.write_all(&block)?;
        }
        file.flush()?;
    }
    std::io::copy(&mut File::open(&path)?, &mut std::io::sink())?;
    Ok(Docroot {
        dir,
        small: "/",
        medium: "/64k.bin",
        large: format!("/{large}"),
        large_bytes,
    })
}

/// A page of about 1.2 KiB, like a small real `index.html`.
pub(super) fn small_page() -> String {
    let lines = (0..18)
        .map(|n| format!("<p>Line {n:02}: the quick brown fox jumps over the lazy dog.</p>\n"));
    let head = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>bench</title></head>\n<body>\n";
    format!("{head}{}</body>\n</html>\n", lines.collect::<String>())
}

/// `len` bytes that do not repeat within a block (xorshift), so nothing on the
/// way can shortcut them.
fn pattern(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

#[cfg(test)]
mod tests;
