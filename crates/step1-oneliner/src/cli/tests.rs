//! Tests of the command line: defaults, each option, and the messages for bad input.
//! The options steps 1, 3 and 4 share are tested in the suite's crate, written
//! once, and compiled here against this stage's `cli.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("../../../http-suite/policy/cli.rs");
