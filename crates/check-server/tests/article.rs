//! The server check-server was built for: the article's `main.py` as a
//! learner types it (`tests/servers/article_main.py`). It never flushes its
//! error responses and never really closes a connection, so a checker that
//! waited for each answer or each close would run into its deadline. A full
//! course run must end, well within a minute, with its totals and the FAILs
//! of the article's bugs, each with the hint of its cause.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

const CHECK_SERVER: &str = env!("CARGO_BIN_EXE_check-server");

/// The lines of the check called `name`: its own and the details under it.
fn section<'a>(output: &'a str, name: &str) -> &'a str {
    let start = output
        .find(&format!(" {name} "))
        .unwrap_or_else(|| panic!("no line for {name}:\n{output}"));
    let from = output[..start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &output[start..];
    let end = rest
        .find("\nPASS ")
        .into_iter()
        .chain(rest.find("\nFAIL "))
        .chain(rest.find("\nSKIP "))
        .min()
        .unwrap_or(rest.len());
    &output[from..start + end]
}

#[test]
fn the_articles_server_gets_a_verdict_within_a_minute() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/article_main.py");
    // As the book says to run it: in the site, on the checker's port.
    let command = format!("cd {{root}} && sed 's/8000/{{port}}/' '{script}' | python3 -");
    let started = Instant::now();
    let out = Command::new(CHECK_SERVER)
        .arg(&command)
        .args(["--seed", "7", "--idle-bound", "3", "--requests", "300"])
        .args(["--big-mib", "32"])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let output = String::from_utf8_lossy(&out.stdout).into_owned();
    let names = |status: &str| -> BTreeSet<&str> {
        output
            .lines()
            .filter_map(|l| l.strip_prefix(status)?.split_whitespace().next())
            .collect()
    };
    let (passed, failed) = (names("PASS "), names("FAIL "));
    let totals = format!(
        "{} passed, {} failed, 0 skipped",
        passed.len(),
        failed.len()
    );
    assert_eq!(output.lines().last(), Some(totals.as_str()), "{output}");
    assert!(
        elapsed < Duration::from_secs(60),
        "{} s:\n{output}",
        elapsed.as_secs()
    );
    // What the article gets right: files by their exact name, HEAD, an
    // index, and no descriptor kept once the next client comes.
    for name in [
        "get-page",
        "content-length",
        "head",
        "index-file",
        "many-requests",
    ] {
        assert!(passed.contains(name), "{name}:\n{output}");
    }
    // Bug 8: an error response leaves only when the next client connects.
    let missing = section(&output, "not-found-404");
    assert!(missing.starts_with("FAIL"), "{missing}");
    assert!(missing.contains("never flushed"), "{missing}");
    assert!(
        missing.contains("bugs.md#8-error-responses-are-never-flushed"),
        "{missing}"
    );
    // The makefile() streams hold the socket open after `with conn:`.
    let close = section(&output, "connection-close");
    assert!(close.contains("the connection was never closed"), "{close}");
    assert!(close.contains("conn.makefile()"), "{close}");
    // Bug 2: `GET` alone is an IndexError, and the traceback's last line says so.
    let crash = section(&output, "malformed-no-target");
    assert!(
        crash.contains("the server exited during this check"),
        "{crash}"
    );
    assert!(
        crash.contains("| IndexError: list index out of range"),
        "{crash}"
    );
    // Bugs 1, 3 and 4: traversal, one client at a time, whole files in memory.
    for name in ["traversal-dot-dot", "idle-client", "big-file"] {
        assert!(failed.contains(name), "{name}:\n{output}");
    }
    assert!(
        section(&output, "traversal-dot-dot").contains("the secret"),
        "{output}"
    );
    // An answer that came, late or on a connection left open, is never
    // called "no answer in time".
    for section in [missing, close] {
        assert!(!section.contains("no answer in time"), "{section}");
    }
    assert!(
        output.contains("replay one failure: just check-server ") && output.contains(" --seed 7"),
        "{output}"
    );
}
