#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

use super::*;

fn sh(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    command
}

/// Whether a process with this id exists (`kill -0`).
fn exists(pid: &str) -> bool {
    let status = Command::new("kill")
        .args(["-0", pid])
        .stderr(Stdio::null())
        .status();
    status.unwrap().success()
}

#[test]
fn a_banner_is_ready_while_the_next_line_is_half_written() {
    // What a server under strace prints: its banner, then a call that
    // strace finishes only when a client comes.
    let script = "printf 'Serving files from www\\naccept4(3, '; exec sleep 60";
    let mut server = Process::start("sh", sh(script)).unwrap();
    let banner = |line: &str| line.starts_with("Serving files from");
    let line = server.wait_for_line(Duration::from_secs(30), banner);
    assert_eq!(line.as_deref(), Some("Serving files from www\n"));
    let started = Instant::now();
    assert_eq!(server.stop(), "Serving files from www\naccept4(3, ");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "TERM did not stop it"
    );
}

#[test]
fn no_line_is_ready_until_it_is_complete() {
    let mut process = Process::start("sh", sh("printf 'Serving files'")).unwrap();
    assert_eq!(
        process.wait_for_line(Duration::from_secs(30), |_| true),
        None
    );
    assert!(
        process
            .wait_for_end(Duration::from_secs(30))
            .unwrap()
            .success()
    );
    assert_eq!(process.text(), "Serving files");
}

#[test]
fn dropping_kills_the_child() {
    let mut process = Process::start("sh", sh("echo started; exec sleep 60")).unwrap();
    assert!(
        process
            .wait_for_line(Duration::from_secs(30), |_| true)
            .is_some()
    );
    let pid = process.pid().to_string();
    assert!(exists(&pid));
    drop(process);
    assert!(!exists(&pid));
}

#[test]
fn stopping_a_group_stops_what_it_started() {
    // The background `sleep` keeps stdout open: the output ends only when
    // it is stopped too.
    let script = "sleep 60 & echo $!; wait";
    let mut group = Process::start_group("sh", sh(script)).unwrap();
    let sleep = group
        .wait_for_line(Duration::from_secs(30), |_| true)
        .unwrap();
    let started = Instant::now();
    group.stop();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "TERM missed the group"
    );
    // Its output has ended, so the `sleep` is exiting: the kernel closes a
    // process's files before it marks it dead, so look until it has.
    let (sleep, deadline) = (sleep.trim(), Instant::now() + Duration::from_secs(5));
    while exists(sleep) && !zombie(sleep) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        !exists(sleep) || zombie(sleep),
        "the group's sleep lives on"
    );
}

/// Whether the process is dead but not yet reaped by its new parent.
fn zombie(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(") ")
        .next()
        .is_some_and(|rest| rest.starts_with('Z'))
}

#[test]
fn a_missing_program_is_named() {
    let error = Process::start("no-such-program", Command::new("/no/such/program")).unwrap_err();
    assert!(error.to_string().contains("cannot start no-such-program"));
}
