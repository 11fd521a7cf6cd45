//! The memory check sees the whole server: a forking server's child that
//! reads the big file whole fails it, though the process that listens never
//! grows; one whose children stream the file passes, though every child
//! shares its parent's pages. Measuring needs Linux's `/proc` and the
//! servers need python3: elsewhere the test says so and passes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const CHECK_SERVER: &str = env!("CARGO_BIN_EXE_check-server");

fn big_file_line(mode: &str) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/forking.py");
    let out = Command::new(CHECK_SERVER)
        .arg(format!("python3 {script} {mode} {{port}} {{root}}"))
        .args(["--only", "big-file", "--big-mib", "48", "--seed", "3"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text.lines().find(|l| l.contains(" big-file "));
    line.unwrap_or_else(|| panic!("no big-file line:\n{text}"))
        .to_string()
}

#[test]
fn a_forking_server_is_measured_whole() {
    if !Path::new("/proc/self/smaps_rollup").exists() {
        eprintln!("skipped: no /proc/PID/smaps_rollup to measure memory");
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let whole = big_file_line("whole");
    assert!(whole.starts_with("FAIL"), "{whole}");
    assert!(
        whole.contains("the memory of the server's processes grew by"),
        "{whole}"
    );
    let stream = big_file_line("stream");
    assert!(stream.starts_with("PASS"), "{stream}");
}
