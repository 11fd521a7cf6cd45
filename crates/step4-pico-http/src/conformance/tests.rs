//! The rules one by one, on heads given as field lists. `conformance.rs` is
//! the same in every HTTP stage, so its tests are written once, in the suite's
//! crate, and compiled here against this stage's copy.

include!("../../../http-suite/policy/conformance.rs");
