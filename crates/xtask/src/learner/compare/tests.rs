#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::learner::visible_len;

#[test]
fn fnv1a_matches_the_published_test_vectors() {
    assert_eq!(fnv1a(b""), 0x811c_9dc5);
    assert_eq!(fnv1a(b"a"), 0xe40c_292c);
    assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
}

#[test]
fn masks_what_varies_from_run_to_run() {
    assert_eq!(mask("Date", "Tue, 24 Nov 2026 05:14:20 GMT"), "*");
    assert_eq!(mask("last-modified", "x"), "*");
    assert_eq!(
        mask("Server", "SimpleHTTP/0.6 Python/3.11.7"),
        "SimpleHTTP/* Python/*"
    );
    assert_eq!(mask("Server", "tiny-http (Rust)"), "tiny-http (Rust)");
    assert_eq!(mask("Content-Length", "4088"), "4088");
}

#[test]
fn durations_are_spelled_out() {
    assert_eq!(spelled(Duration::from_secs(1)), "1 second");
    assert_eq!(spelled(Duration::from_secs(5)), "5 seconds");
    assert_eq!(spelled(Duration::from_millis(300)), "300 milliseconds");
}

#[test]
fn arguments_add_requests() {
    let args: Vec<String> = [
        "/about/",
        "--request",
        "BREW / HTTP/1.1\\r\\n\\r\\n",
        "--raw",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let options = parse(&args).unwrap();
    let defaults = default_probes().len();
    assert_eq!(options.probes.len(), defaults + 2);
    assert_eq!(
        options.probes[defaults].raw,
        b"GET /about/ HTTP/1.1\r\nHost: localhost\r\n\r\n"
    );
    assert_eq!(options.probes[defaults + 1].raw, b"BREW / HTTP/1.1\r\n\r\n");
    assert!(options.raw && options.python);
    assert!(parse(&["--bogus".to_string()]).is_err());
    assert!(parse(&["--request".to_string()]).is_err());
}

#[test]
fn only_drops_the_default_requests() {
    let args: Vec<String> = ["--only", "/img/pico.svg"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let options = parse(&args).unwrap();
    assert_eq!(options.probes.len(), 1);
    assert_eq!(
        options.probes[0].raw,
        b"GET /img/pico.svg HTTP/1.1\r\nHost: localhost\r\n\r\n"
    );
    assert!(parse(&["--only".to_string()]).is_err());
}

#[test]
fn the_verdict_names_who_agrees_and_what_differs() {
    let answer = |status: &str, connection| fields(status.into(), "no body", connection);
    let (open, closed) = (answer("200", "open"), answer("200", "closed"));
    let other = answer("400", "closed");
    assert_eq!(
        verdict(&[("1", &open), ("3", &open), ("4", &open)]),
        "  = steps 1, 3, 4: the same answer"
    );
    assert_eq!(
        verdict(&[("1", &open), ("3", &closed), ("4", &open)]),
        "  ≠ steps 1, 4 agree; step 3 differs: who closes"
    );
    assert_eq!(
        verdict(&[("1", &open), ("3", &closed), ("4", &other)]),
        "  ≠ steps 1, 3, 4 all differ: status, who closes"
    );
}

#[test]
fn differences_name_the_fields() {
    let answer = |connection, server: &str| {
        let mut answer = fields("HTTP/1.1 200 OK".into(), "3 bytes", connection);
        answer.push(("Server header".into(), format!("Server: {server}")));
        answer.push(("Content-Length header".into(), "Content-Length: 3".into()));
        answer
    };
    let (a, b) = (answer("open", "tiny-http"), answer("closed", "tiny-http"));
    assert_eq!(differences(&[&a, &a]), Vec::<String>::new());
    assert_eq!(differences(&[&a, &b]), vec!["who closes"]);
    let mut c = answer("open", "x");
    c.push(("Connection header".into(), "Connection: close".into()));
    assert_eq!(
        differences(&[&a, &c]),
        vec!["Server header", "Connection header"]
    );
}

#[test]
fn wraps_long_header_lines() {
    let items: Vec<String> = (0..5).map(|i| format!("Header-{i}: value")).collect();
    let lines = wrap(&items, " | ", 40);
    assert_eq!(
        lines,
        vec![
            "Header-0: value | Header-1: value",
            "Header-2: value | Header-3: value",
            "Header-4: value"
        ]
    );
}

#[test]
fn colour_codes_take_no_room() {
    assert_eq!(visible_len("\x1b[1;33mab\x1b[0m c"), 4);
    assert_eq!(visible_len(&ansi("1;33", "Date: *", true)), 7);
}

#[test]
fn the_header_says_how_to_put_changes_aside_and_take_them_back() {
    assert!(note_on_changes(&[]).contains("the same as committed"));
    let note = note_on_changes(&["crates/step4-pico-http/src/handler.rs".to_string()]);
    assert!(note.contains("changed since git HEAD: crates/step4-pico-http/src/handler.rs"));
    assert!(
        note.contains("git stash,") && note.contains("git stash pop"),
        "{note}"
    );
}
