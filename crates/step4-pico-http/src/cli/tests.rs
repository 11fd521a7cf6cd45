//! Tests of the command line: defaults, each option, and the messages for bad input.
//! The options steps 1, 3 and 4 share are tested in the suite's crate, written
//! once, and compiled here against this stage's `cli.rs`; `--timeout` is step
//! 4's own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("../../../http-suite/policy/cli.rs");

#[test]
fn reads_a_timeout_in_seconds() {
    assert_eq!(serve("").timeout, Duration::from_secs(5));
    assert_eq!(serve("--timeout 0.25").timeout, Duration::from_millis(250));
    assert_eq!(serve("9000 --timeout 30").timeout, Duration::from_secs(30));
    for bad in [
        "--timeout",
        "--timeout 0",
        "--timeout -1",
        "--timeout soon",
        "--timeout inf",
    ] {
        assert!(parse_words(bad).is_err(), "{bad}");
    }
}
