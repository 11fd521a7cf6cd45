//! Starting and stopping the server under test.
//!
//! The command runs through the shell (`sh -c` on Unix, `cmd /C` on Windows)
//! so that learners can write what they would type. On Unix it gets a process
//! group of its own: `cargo run` or a shell script starts grandchildren, and
//! stopping the group stops them all, where killing the one child we know
//! would leave the real server running with the port taken.

use std::fs::{self, File};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::procfs;

/// The running group, for the Ctrl-C handler and the run's watchdog: 0 when
/// no server is running.
pub(crate) static GROUP: AtomicU32 = AtomicU32::new(0);

/// A server started from the COMMAND template.
#[derive(Debug)]
pub(crate) struct Server {
    command: String,
    log: PathBuf,
    child: Child,
    pub(crate) port: u16,
}

/// A free port: bind port 0, let the kernel pick, release it. Another program
/// could take it in between; on a learner's machine that race is rare enough.
pub(crate) fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `{port}` and `{root}` replaced.
pub(crate) fn expand(template: &str, port: u16, root: &Path) -> String {
    template
        .replace("{port}", &port.to_string())
        .replace("{root}", &shell_quote(&root.display().to_string()))
}

fn shell_quote(text: &str) -> String {
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-:".contains(&b))
    {
        text.to_string()
    } else if cfg!(windows) {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

impl Server {
    /// Starts `command`, its output going to `log`, and waits until it listens.
    pub(crate) fn start(
        command: &str,
        port: u16,
        log: &Path,
        startup: Duration,
    ) -> Result<Server, String> {
        // Someone else listening there would answer our checks in its place.
        if TcpListener::bind(("127.0.0.1", port)).is_err()
            || procfs::is_listening(port) == Some(true)
        {
            return Err(format!(
                "port {port} is already in use: stop what listens there, or leave out --port"
            ));
        }
        let child = spawn(command, log).map_err(|e| format!("cannot start `{command}`: {e}"))?;
        GROUP.store(child.id(), Ordering::SeqCst);
        let mut server = Server {
            command: command.to_string(),
            log: log.to_path_buf(),
            child,
            port,
        };
        server.wait_listening(startup)?;
        Ok(server)
    }

    /// Stops it and starts it again on the same port (after a crash or a wedge).
    pub(crate) fn restart(&mut self, startup: Duration) -> Result<(), String> {
        self.stop();
        let child = spawn(&self.command, &self.log).map_err(|e| format!("cannot restart: {e}"))?;
        GROUP.store(child.id(), Ordering::SeqCst);
        self.child = child;
        self.wait_listening(startup)
    }

    /// True when the process we started has exited.
    pub(crate) fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// True when the process exits within `time`.
    pub(crate) fn exited_within(&mut self, time: Duration) -> bool {
        let start = Instant::now();
        while !self.exited() {
            if start.elapsed() > time {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }

    /// How much the server has printed so far: a mark for [`Server::output_since`].
    pub(crate) fn output_mark(&self) -> u64 {
        fs::metadata(&self.log).map_or(0, |m| m.len())
    }

    /// The first lines the server printed after `mark`: after a crash, the
    /// panic message or the exception, which is where a learner looks first.
    pub(crate) fn output_since(&self, mark: u64, lines: usize) -> Vec<String> {
        let text = fs::read(&self.log).unwrap_or_default();
        let start = (mark as usize).min(text.len());
        let text = String::from_utf8_lossy(&text[start..]);
        let printed = text.lines().filter(|l| !l.trim().is_empty());
        printed.take(lines).map(str::to_string).collect()
    }

    /// The last lines the server printed, when it would not start.
    pub(crate) fn last_output(&self, lines: usize) -> Vec<String> {
        let text = fs::read(&self.log).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..]
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    /// Waits until something listens on the port, without sending it a byte.
    /// On Linux we read the kernel's socket table; elsewhere a bare connect and
    /// close is the only portable test: it sends no request, and a server must
    /// survive a client that sends nothing anyway (a rubric item says so).
    fn wait_listening(&mut self, startup: Duration) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < startup {
            if self.exited() {
                let words = self.last_output(5).join("\n    ");
                return Err(format!(
                    "the server exited before it listened; its last output:\n    {words}"
                ));
            }
            let listening = match procfs::is_listening(self.port) {
                Some(listening) => listening,
                None => TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], self.port))).is_ok(),
            };
            if listening {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "nothing listened on port {} within {} s",
            self.port,
            startup.as_secs()
        ))
    }

    /// Stops the whole group: SIGTERM, a moment to exit, then SIGKILL.
    pub(crate) fn stop(&mut self) {
        signal_group(self.child.id(), "-TERM");
        let start = Instant::now();
        while matches!(self.child.try_wait(), Ok(None)) && start.elapsed() < Duration::from_secs(2)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        signal_group(self.child.id(), "-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
        GROUP.store(0, Ordering::SeqCst);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(command: &str, log: &Path) -> io::Result<Child> {
    let out = File::options().create(true).append(true).open(log)?;
    let mut shell = if cfg!(windows) {
        let mut cmd = Command::new("cmd");
        cmd.args(["/C", command]);
        cmd
    } else {
        let mut cmd = Command::new("sh");
        // `exec`: the shell becomes the server, one process fewer to stop.
        // Not for `cd {root} && python3 main.py`: there the shell must run
        // both, and the process group still gathers them.
        let compound = command.contains(['&', ';', '|', '\n']);
        let line = if compound {
            command.to_string()
        } else {
            format!("exec {command}")
        };
        cmd.args(["-c", &line]);
        cmd
    };
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut shell, 0);
    shell
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
}

/// Sends `signal` to process group `group` (its leader's id). We have no
/// `unsafe` for `kill(2)`, so we ask `kill(1)`, which every Unix has; on
/// Windows there are no groups here and `Child::kill` alone stops the server.
pub(crate) fn signal_group(group: u32, signal: &str) {
    if cfg!(windows) || group == 0 {
        return;
    }
    let _ = Command::new("kill")
        .args([signal, "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status();
}
