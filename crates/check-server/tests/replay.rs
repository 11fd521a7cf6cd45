//! A run ends with the command that replays its first failure, and that
//! command brings back the same site on the same port: the request the
//! report showed, and the `curl` line it printed, are the same again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const CHECK_SERVER: &str = env!("CARGO_BIN_EXE_check-server");

fn run(args: &[&str]) -> String {
    let out = Command::new(CHECK_SERVER).args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The line of the FAIL and the reproduce line under it.
fn failure(output: &str) -> (String, String) {
    let mut lines = output.lines().skip_while(|l| !l.starts_with("FAIL "));
    let fail = lines.next().expect(output).to_string();
    let reproduce = lines.find(|l| l.contains("reproduce:")).expect(output);
    (fail, reproduce.to_string())
}

#[test]
fn the_replay_line_brings_back_the_same_site_and_port() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    // http.server answers POST with 501: post-403, a course rule, fails.
    let command = "python3 -m http.server {port} --bind 127.0.0.1 --directory {root}";
    let first = run(&[command, "--only", "post-403", "--big-mib", "1"]);
    let replay = first
        .lines()
        .find_map(|l| l.strip_prefix("replay one failure: just check-server "))
        .expect(&first);
    let quoted = format!("'{command}' ");
    let options = replay.strip_prefix(&quoted).expect(replay);
    let mut args = vec![command];
    args.extend(options.split_whitespace());
    args.extend(["--big-mib", "1"]);
    let again = run(&args);
    assert_eq!(failure(&again), failure(&first), "{first}\n{again}");
}
