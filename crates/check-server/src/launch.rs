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
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::procfs;

/// The running server as the run's watchdog and the signal handler see it.
#[derive(Debug)]
struct Running {
    /// The process group (its leader's id), 0 when no server runs.
    group: u32,
    port: u16,
    /// Set when the run is ending (deadline, Ctrl-C, SIGTERM): no server may
    /// start after that.
    ending: bool,
}

/// One lock for the group and the end: a restart and the watchdog's stop
/// never cross, so no server starts after the last one was stopped.
static RUNNING: Mutex<Running> = Mutex::new(Running {
    group: 0,
    port: 0,
    ending: false,
});

fn running() -> MutexGuard<'static, Running> {
    RUNNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Ends the run's server for good: no restart after this. For the watchdog
/// and the signal handler, which exit right after.
pub(crate) fn stop_for_good() {
    let mut running = running();
    running.ending = true;
    if running.group != 0 {
        signal_group(running.group, "-KILL");
        stop_leftover(running.port);
    }
    running.group = 0;
}

/// Starts `command` in a group of its own and records the group, unless the
/// run is ending.
fn spawn_recorded(command: &str, log: &Path, port: u16) -> Result<Child, String> {
    let mut running = running();
    if running.ending {
        return Err("the run is ending: no server is started".into());
    }
    let child = spawn(command, log).map_err(|e| format!("cannot start `{command}`: {e}"))?;
    running.group = child.id();
    running.port = port;
    Ok(child)
}

/// Stops whatever still listens on `port` after the group is gone: a server
/// that left its group (a daemon forks into a session of its own) still
/// holds the port, and the port was free when we started. Linux only.
fn stop_leftover(port: u16) {
    if port == 0 {
        return;
    }
    if let Some(pid) = procfs::listener_pid(port) {
        signal_group(pid, "-KILL");
        signal_process(pid, "-KILL");
    }
}

/// A server started from the COMMAND template.
#[derive(Debug)]
pub(crate) struct Server {
    command: String,
    log: PathBuf,
    child: Child,
    pub(crate) port: u16,
    /// Stopped already: the pid may belong to another process by now.
    stopped: bool,
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
        let child = spawn_recorded(command, log, port)?;
        let mut server = Server {
            command: command.to_string(),
            log: log.to_path_buf(),
            child,
            port,
            stopped: false,
        };
        server.wait_listening(startup)?;
        Ok(server)
    }

    /// Stops it and starts it again on the same port (after a crash or a wedge).
    pub(crate) fn restart(&mut self, startup: Duration) -> Result<(), String> {
        self.stop();
        self.child = spawn_recorded(&self.command, &self.log, self.port)?;
        self.stopped = false;
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

    /// The lines the server printed after `mark` that say why it stopped: a
    /// Python traceback ends with its exception, so the last lines; a Rust
    /// panic starts with `panicked at` and its message, and a backtrace may
    /// follow, so the lines from there.
    pub(crate) fn output_since(&self, mark: u64, lines: usize) -> Vec<String> {
        let text = fs::read(&self.log).unwrap_or_default();
        let start = (mark as usize).min(text.len());
        let text = String::from_utf8_lossy(&text[start..]);
        let printed: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let panic = printed.iter().position(|l| l.contains("panicked at"));
        let from = panic.unwrap_or(printed.len().saturating_sub(lines));
        printed[from..]
            .iter()
            .take(lines)
            .map(|l| l.to_string())
            .collect()
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

    /// Stops the whole group: SIGTERM, a moment to exit, then SIGKILL; then
    /// the descendants that left the group, and whatever still holds the port.
    pub(crate) fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let mut running = running();
        let tree = procfs::tree(self.child.id()).unwrap_or_default();
        signal_group(self.child.id(), "-TERM");
        let start = Instant::now();
        while matches!(self.child.try_wait(), Ok(None)) && start.elapsed() < Duration::from_secs(2)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        signal_group(self.child.id(), "-KILL");
        for pid in tree {
            signal_process(pid, "-KILL");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        stop_leftover(self.port);
        // The port is free again: whoever takes it next is not ours.
        running.group = 0;
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
fn signal_group(group: u32, signal: &str) {
    if group != 0 {
        signal_process_id(signal, &format!("-{group}"));
    }
}

/// Sends `signal` to one process.
fn signal_process(pid: u32, signal: &str) {
    if pid != 0 {
        signal_process_id(signal, &pid.to_string());
    }
}

fn signal_process_id(signal: &str, id: &str) {
    if cfg!(windows) {
        return;
    }
    let _ = Command::new("kill")
        .args([signal, "--", id])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
