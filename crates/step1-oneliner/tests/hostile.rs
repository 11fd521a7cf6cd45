//! The hostile-input suite as a stage where tiny_http speaks HTTP answers it.
//! The tests are written once, in `crates/http-suite/src/hostile.rs`.

http_suite::hostile_tests!(http_suite::stage!());
