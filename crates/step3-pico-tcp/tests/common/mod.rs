//! This stage's binary, for the tests of its own: `Server::start(&STAGE, ..)`
//! starts it. The support itself (site, server, client) is the black-box
//! suite's, `crates/http-suite/src/support.rs`.

#![allow(dead_code, unused_imports, unreachable_pub)]

pub use http_suite::support::*;

pub const STAGE: http_suite::Stage = http_suite::stage!();
