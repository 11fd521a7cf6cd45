#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(ToString::to_string).collect()
}

#[test]
fn escapes_and_unescapes_line_endings() {
    assert_eq!(
        escape(b"GET / HTTP/1.1\r\n\r\n"),
        "GET / HTTP/1.1\\r\\n\\r\\n"
    );
    assert_eq!(
        unescape("GET / HTTP/1.0\\r\\n\\r\\n").unwrap(),
        b"GET / HTTP/1.0\r\n\r\n"
    );
    assert_eq!(unescape("a\\x00\\\\\\t\\x27").unwrap(), b"a\0\\\t'");
    for bad in ["\\q", "\\xZZ", "\\x4", "end\\"] {
        assert!(unescape(bad).is_err(), "{bad}");
    }
}

#[test]
fn arguments_are_a_port_bytes_and_flags() {
    let options = parse(&args(&[
        "8000",
        "GET /\\r\\n",
        "--half-close",
        "--wait",
        "0.5",
    ]))
    .unwrap();
    assert_eq!(
        (options.port, options.bytes.as_slice()),
        (8000, &b"GET /\r\n"[..])
    );
    assert!(options.half_close);
    assert_eq!(options.wait, Duration::from_millis(500));
    for bad in [
        &["8000"][..],
        &["x", "GET"],
        &["0", "GET"],
        &["8000", "GET", "--wait"],
        &["8000", "GET", "--wait", "-1"],
        &["8000", "GET", "--bogus"],
        &["8000", "GET", "extra"],
    ] {
        assert!(parse(&args(bad)).is_err(), "{bad:?}");
    }
}
