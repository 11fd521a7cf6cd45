//! The child processes xtask starts and stops: servers under test, strace,
//! nginx, the shell commands of the book's transcripts.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// A child process and what it printed on stdout so far: a thread reads the
/// output and passes each chunk on through a channel, so that the child never
/// blocks on a full pipe and waiting for a line can have a deadline. Killed
/// when dropped (with its group, if it leads one), on every error path too.
#[derive(Debug)]
pub(crate) struct Process {
    child: Child,
    group: bool,
    output: Vec<u8>,
    chunks: Receiver<Vec<u8>>,
    /// Whether the output ended: stdout is closed by all who had it.
    ended: bool,
}

impl Process {
    /// Starts `command` with no input and its stdout captured (its stderr
    /// goes where `command` says).
    pub(crate) fn start(name: &str, mut command: Command) -> Result<Process> {
        command.stdin(Stdio::null()).stdout(Stdio::piped());
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {name}"))?;
        let (sender, chunks) = mpsc::channel();
        // From here on, an error drops `process`, which kills the child.
        let mut process = Process {
            child,
            group: false,
            output: Vec::new(),
            chunks,
            ended: false,
        };
        let mut stdout = process.child.stdout.take().context("no stdout")?;
        std::thread::spawn(move || {
            let mut chunk = [0; 8192];
            while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                if sender.send(chunk[..n].to_vec()).is_err() {
                    return;
                }
            }
        });
        Ok(process)
    }

    /// [`Process::start`] in a process group of its own, so that stopping it
    /// also stops what it started (cargo's program, strace's).
    pub(crate) fn start_group(
        name: &str,
        #[cfg_attr(not(unix), allow(unused_mut))] mut command: Command,
    ) -> Result<Process> {
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut process = Process::start(name, command)?;
        process.group = cfg!(unix);
        Ok(process)
    }

    /// Reads the output until `done` holds for it (true), the output ends
    /// (`done` decides once more) or `patience` runs out (false).
    fn wait(&mut self, patience: Duration, done: impl Fn(&[u8]) -> bool) -> bool {
        let deadline = Instant::now() + patience;
        while !self.ended && !done(&self.output) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.output.extend(chunk),
                Err(RecvTimeoutError::Disconnected) => self.ended = true,
                Err(RecvTimeoutError::Timeout) => return false,
            }
        }
        done(&self.output)
    }

    /// Waits up to `patience` for the first complete line (ended by `\n`)
    /// for which `wanted` holds, and returns it. What follows that line may
    /// still be unfinished.
    pub(crate) fn wait_for_line(
        &mut self,
        patience: Duration,
        wanted: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let line = |output: &[u8]| {
            let mut lines = output.split_inclusive(|b| *b == b'\n');
            let line = lines.find(|l| l.ends_with(b"\n") && wanted(&String::from_utf8_lossy(l)));
            line.map(|line| String::from_utf8_lossy(line).into_owned())
        };
        self.wait(patience, |output| line(output).is_some());
        line(&self.output)
    }

    /// Waits up to `patience` for the process to end (its output first):
    /// how it ended, or `None` while it runs on.
    pub(crate) fn wait_for_end(&mut self, patience: Duration) -> Option<ExitStatus> {
        self.wait(patience, |_| false);
        self.ended.then(|| self.child.wait().ok()).flatten()
    }

    /// Stops the process (TERM, so that strace and cargo pass it on and exit
    /// cleanly; KILL if it lingers) and returns everything it printed.
    pub(crate) fn stop(mut self) -> String {
        self.signal("-TERM");
        if self.wait_for_end(Duration::from_secs(10)).is_none() {
            self.kill();
        }
        self.text()
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (`-TERM`, `-KILL`) to the process, or to its group.
    fn signal(&self, signal: &str) {
        let pid = self.child.id();
        let target = if self.group {
            format!("-{pid}")
        } else {
            pid.to_string()
        };
        let _ = Command::new("kill")
            .args([signal, "--", &target])
            .stderr(Stdio::null())
            .status();
    }

    fn kill(&mut self) {
        if self.group {
            self.signal("-KILL");
        } else {
            let _ = self.child.kill();
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // Once the child is waited for, its id (and group id) may be reused.
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests;
