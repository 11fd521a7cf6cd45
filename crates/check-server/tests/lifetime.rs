//! Nothing the checker starts outlives it: not when the run's deadline fires
//! while a server is still starting (the first time, or again after a
//! crash), not when check-server itself gets SIGTERM. The servers are
//! `tests/servers/lifetime.py`, which keeps a child process as a server keeps
//! its workers and writes both pids to a file. Reading which processes still
//! live needs Linux's `/proc`, and the servers need python3: elsewhere these
//! tests say so and pass.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const CHECK_SERVER: &str = env!("CARGO_BIN_EXE_check-server");

fn script() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/lifetime.py").to_string()
}

/// Why these tests cannot run here, if they cannot.
fn missing() -> Option<&'static str> {
    if !Path::new("/proc/self/stat").exists() {
        return Some("no /proc to see which processes live");
    }
    if Command::new("python3").arg("--version").output().is_err() {
        return Some("python3 is not installed");
    }
    None
}

/// A fresh file for the server's pids.
fn pid_file(name: &str) -> PathBuf {
    let file = std::env::temp_dir().join(format!("check-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(file.with_extension("started"));
    file
}

fn start(mode: &str, pids: &Path, deadline: &str) -> Child {
    let command = format!("python3 {} {mode} {{port}} {}", script(), pids.display());
    Command::new(CHECK_SERVER)
        .arg(&command)
        .args([
            "--only",
            "get-page",
            "--big-mib",
            "1",
            "--deadline",
            deadline,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Whether `pid` still runs (a zombie waiting for its parent does not).
fn alive(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .next();
    !matches!(state, None | Some("Z" | "X"))
}

fn pids_in(file: &Path) -> Vec<u32> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines().filter_map(|l| l.trim().parse().ok()).collect()
}

/// The temporary site the run printed (`site in DIR/site`).
fn site_of(stdout: &str) -> PathBuf {
    let line = stdout
        .lines()
        .find(|l| l.contains("site in "))
        .expect(stdout);
    let site = PathBuf::from(line.rsplit("site in ").next().unwrap());
    site.parent().unwrap().to_path_buf()
}

/// After the run: every process the server wrote down is gone, and so is
/// the temporary site.
fn assert_nothing_left(out: &Output, pids: &Path, written: usize) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = pids_in(pids);
    assert_eq!(all.len(), written, "{all:?}\n{stdout}\n{stderr}");
    let living: Vec<u32> = all.iter().copied().filter(|&p| alive(p)).collect();
    for &pid in &living {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert_eq!(
        living,
        Vec::<u32>::new(),
        "left running\n{stdout}\n{stderr}"
    );
    let base = site_of(&stdout);
    assert!(!base.exists(), "{} is still there", base.display());
    let _ = std::fs::remove_file(pids);
    let _ = std::fs::remove_file(pids.with_extension("started"));
}

#[test]
fn a_deadline_during_the_first_start_leaves_nothing() {
    if let Some(reason) = missing() {
        eprintln!("skipped: {reason}");
        return;
    }
    let pids = pid_file("slow-start");
    let out = start("slow-start", &pids, "2").wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the whole run took longer than 2 s"),
        "{stderr}"
    );
    assert_nothing_left(&out, &pids, 2);
}

#[test]
fn a_deadline_during_a_restart_leaves_nothing() {
    if let Some(reason) = missing() {
        eprintln!("skipped: {reason}");
        return;
    }
    // The server dies at the first request; started again, it is slow to
    // listen, and the deadline fires while the checker waits for it.
    let pids = pid_file("crash-once");
    let out = start("crash-once", &pids, "4").wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the whole run took longer than 4 s"),
        "{stderr}"
    );
    // The run still ends with its totals: here of no check, since the
    // deadline came while get-page's server was being started again.
    assert!(stderr.contains("stopped after 0 checks"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.trim_end().ends_with("0 passed, 0 failed, 0 skipped"),
        "{stdout}"
    );
    assert_nothing_left(&out, &pids, 4);
}

#[test]
fn sigterm_to_the_checker_stops_the_server() {
    if let Some(reason) = missing() {
        eprintln!("skipped: {reason}");
        return;
    }
    let pids = pid_file("silent");
    let child = start("silent", &pids, "60");
    // The server writes its pids as it starts; then it listens and never
    // answers, so the check is still waiting when SIGTERM comes.
    let waited = Instant::now();
    while pids_in(&pids).len() < 2 {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "the server never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("stopped: the server was stopped"),
        "{stderr}"
    );
    assert_nothing_left(&out, &pids, 2);
}

#[test]
fn a_server_that_left_the_group_is_stopped_too() {
    if let Some(reason) = missing() {
        eprintln!("skipped: {reason}");
        return;
    }
    // Stopping the process group misses the worker in a session of its own;
    // it is still the server's descendant, and it holds the port.
    let pids = pid_file("own-session");
    let out = start("own-session", &pids, "60")
        .wait_with_output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL get-page"), "{stdout}");
    assert!(
        stdout.ends_with("0 passed, 1 failed, 0 skipped\n"),
        "{stdout}"
    );
    assert_nothing_left(&out, &pids, 3);
}
