//! The contestants of `just bench` and how to start each one on a free port:
//! the HTTP stages and `python3 -m http.server` through `stages::Running`,
//! nginx from a generated configuration, and the floor server. Also the
//! generated document root they all serve.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result};

use crate::stages::{self, Profile, Running, Stage};

/// Where nginx is on Debian and Ubuntu (`apt-get install nginx-light`).
pub(super) const NGINX: &str = "/usr/sbin/nginx";

/// Request paths of the ~1.2 KiB page and of the 64 KiB file.
pub(super) const SMALL: &str = "/";
pub(super) const MEDIUM: &str = "/64k.bin";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Server {
    Stage(Stage),
    Python,
    Nginx,
    Floor,
}

impl Server {
    pub(super) fn name(self) -> String {
        match self {
            Server::Stage(stage) => format!("step {}", stage.number),
            Server::Python => "python http.server".into(),
            Server::Nginx => "nginx".into(),
            Server::Floor => "floor".into(),
        }
    }
}

/// The servers this machine can run, and an install hint for each one it cannot.
pub(super) fn available() -> (Vec<Server>, Vec<String>) {
    let mut servers: Vec<Server> = stages::http_stages().map(Server::Stage).collect();
    let mut missing = Vec::new();
    if Command::new("python3").arg("--version").output().is_ok() {
        servers.push(Server::Python);
    } else {
        missing.push("python3 (apt-get install python3): skipping python http.server".into());
    }
    if Path::new(NGINX).exists() {
        servers.push(Server::Nginx);
    } else {
        missing.push(format!(
            "{NGINX} (apt-get install nginx-light): skipping nginx"
        ));
    }
    servers.push(Server::Floor);
    (servers, missing)
}

/// Starts `server` on a free port, serving `root`, logging to `log` (stderr for
/// the stages and python, the access log for nginx).
pub(super) fn start(server: Server, root: &Path, work: &Path, log: &Path) -> Result<Running> {
    let log_file = || File::create(log).with_context(|| format!("cannot create {}", log.display()));
    match server {
        Server::Stage(stage) => Running::stage(stage, root, Profile::Release, log_file()?.into()),
        Server::Python => Running::python(root, log_file()?.into())?.context("python3 is gone"),
        Server::Nginx => start_nginx(root, &work.join("nginx"), log),
        Server::Floor => {
            let mut command = Command::new(std::env::current_exe()?);
            command.args(["bench", "--floor-server"]);
            Running::start("floor", command)
        }
    }
}

/// nginx in the foreground, one process (see `nginx.conf`).
fn start_nginx(root: &Path, dir: &Path, access_log: &Path) -> Result<Running> {
    fs::create_dir_all(dir)?;
    // nginx cannot listen on port 0 and tell us the port: take a free one
    // from the kernel and hand it over (another program could grab it in
    // between; then nginx fails to start and says so).
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    fs::write(dir.join("nginx.conf"), nginx_config(root, access_log, port))?;
    let mut nginx = Command::new(NGINX);
    nginx.arg("-p").arg(dir);
    nginx.args(["-c", "nginx.conf", "-e", "error.log"]);
    nginx.stderr(Stdio::null());
    let name = format!("nginx (see {})", dir.join("error.log").display());
    Running::accepting(&name, nginx, port)
}

/// `nginx.conf`, the template next to this file, filled in.
pub(super) fn nginx_config(root: &Path, access_log: &Path, port: u16) -> String {
    include_str!("nginx.conf")
        .replace("{access_log}", &access_log.display().to_string())
        .replace("{port}", &port.to_string())
        .replace("{root}", &root.display().to_string())
}

/// The floor: the cheapest HTTP server this machine can run, to measure what
/// a connection costs before any server does any work.
///
/// It accepts a connection, reads once (the whole request, when it fits in one
/// segment, as `ab`'s does), writes a fixed empty `200` and closes: four system
/// calls. No parsing, no file, no log, no timeout. Step 4 does everything the
/// floor does plus the actual job, so its rate divided by the floor's says how
/// much of the time per request is the job and how much the connection.
/// `just bench` starts it as `xtask bench --floor-server`; it prints the same
/// banner as the stages so that `stages::Running::start` finds the port.
pub(super) fn serve_floor() -> Result<ExitCode> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    println!("Serving HTTP on 127.0.0.1 port {port} (http://127.0.0.1:{port}/) ...");
    let mut request = [0; 4096];
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if stream.read(&mut request).is_ok() {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The files every server serves: `SMALL`, `MEDIUM`, and the large one.
#[derive(Debug)]
pub(super) struct Docroot {
    pub dir: PathBuf,
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
    fs::write(dir.join("index.html"), SMALL_PAGE)?;
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
    let large = format!("/{large}");
    Ok(Docroot {
        dir,
        large,
        large_bytes,
    })
}

/// The small file: a page of about 1.2 KiB, like a small real `index.html`.
const SMALL_PAGE: &str = include_str!("index.html");

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
