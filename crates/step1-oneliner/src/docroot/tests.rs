//! Tests of the resolver: the pure steps first, then a real directory on disk.
//! `docroot.rs` is the same in every HTTP stage, so its tests are written once,
//! in the suite's crate, and compiled here against this stage's copy.

#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("../../../http-suite/policy/docroot.rs");
