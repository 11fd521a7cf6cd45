//! The black-box suite of the HTTP stages (1, 3 and 4), written once.
//!
//! Every HTTP stage must pass the same socket tests: the same site served, the
//! same rules of RFC 9110 and RFC 9112, the same hostile input survived. They
//! live here, each a function taking the [`Stage`] under test, and each stage's
//! `tests/http.rs`, `tests/browser.rs` and `tests/hostile.rs` is a few lines
//! that name the stage and run them:
//!
//! ```text
//! http_suite::http_tests!(http_suite::stage!());
//! ```
//!
//! The macro expands, in the stage's own test crate, to one `#[test] fn` per
//! rule with the rule's name, so `cargo test -p step3-pico-tcp
//! a_directory_without_its_slash_is_redirected_to_it` runs one rule against
//! one stage, and a failure names both (see [`run`]).
//!
//! - [`support`]: the fixture site, the stage's process and the raw client.
//! - [`http`]: what every HTTP stage does alike.
//! - [`browser`]: headless Chromium on the self-test page.
//! - [`hostile`]: the hostile input, as steps 1 and 3 answer it (tiny_http
//!   speaks HTTP there). Step 4 answers it with its own parser, limits and
//!   timeouts: its `tests/hostile.rs` holds its own cases and shares the
//!   traversal tables and the probes ([`hostile::TRAVERSALS`],
//!   [`hostile::assert_alive_within`], ...).
//!
//! # The policy files' unit tests
//!
//! `docroot.rs` (the path policy) and `conformance.rs` (the checks of a head)
//! are one file copied into each stage, byte for byte (`xtask copies
//! --check`), and `cli.rs` is one file in steps 1 and 3 that step 4 extends
//! with `--timeout`. Their unit tests test private steps, so they must compile
//! inside a stage's module: they are written once here, in
//! `policy/docroot.rs`, `policy/conformance.rs` and `policy/cli.rs`, and each
//! stage's `src/docroot/tests.rs`, `src/conformance/tests.rs` and
//! `src/cli/tests.rs` is an `include!` of them (step 4's adds its tests of
//! `--timeout` after it). A rule is stated, and
//! changed, in one place. Each stage still runs them against the copy it
//! compiles, as before, rather than step 4 alone: that keeps every stage's
//! list of tests what it was (steps 1 and 3 would lose 19), a learner who runs
//! `cargo test -p step1-oneliner` sees the policy of that stage tested, and
//! it costs well under a second.

// A test fails by panicking: the suite unwraps what the test itself set up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

pub mod browser;
pub mod hostile;
pub mod http;
pub mod support;

/// The stage under test: which one, and its binary.
#[derive(Debug, Clone, Copy)]
pub struct Stage {
    /// Its number in the course: 1, 3 or 4.
    pub number: u8,
    /// Its package, such as `step3-pico-tcp`.
    pub package: &'static str,
    /// The binary cargo built for its tests.
    pub binary: &'static str,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {} ({})", self.number, self.package)
    }
}

/// The stage whose test crate this expands in: `stage!()` in
/// `crates/step3-pico-tcp/tests/` is step 3. Only there does cargo name the
/// binary (`CARGO_BIN_EXE_<package>`), which is why the stage's own files
/// expand it, not the suite; the same line then serves every stage.
#[macro_export]
macro_rules! stage {
    () => {
        $crate::Stage {
            number: $crate::stage_number(env!("CARGO_PKG_NAME")),
            package: env!("CARGO_PKG_NAME"),
            binary: env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME"))),
        }
    };
}

/// The number of a stage from its package name: `step3-pico-tcp` is 3.
/// Evaluated while compiling (`stage!()` is a constant): a package named
/// otherwise fails the build, not a test.
pub const fn stage_number(package: &str) -> u8 {
    match package.as_bytes() {
        [b's', b't', b'e', b'p', digit @ b'1'..=b'9', b'-', ..] => *digit - b'0',
        _ => panic!("a stage's package is named stepN-..."),
    }
}

/// Runs the suite's test `rule` against `stage`. The assertion that fails
/// prints its own message first (the request, the status seen); this adds
/// the stage and the rule, which a suite shared by three stages must say.
pub fn run(stage: &Stage, rule: &str, test: fn(&Stage)) {
    if catch_unwind(AssertUnwindSafe(|| test(stage))).is_err() {
        panic!("{stage} breaks `{rule}`: the message above says how");
    }
}

/// One `#[test] fn NAME()` per name, each running `$module::NAME` against
/// `$stage` through [`run`]. Attributes (`#[cfg(unix)]`) carry over.
#[macro_export]
macro_rules! named_tests {
    ($stage:expr, $module:ident, [$($(#[$attribute:meta])* $name:ident,)*]) => {
        $(
            $(#[$attribute])*
            #[test]
            fn $name() {
                $crate::run(&$stage, stringify!($name), $crate::$module::$name);
            }
        )*
    };
}

#[cfg(test)]
mod tests;
