//! What every HTTP stage does alike, checked against this stage's binary over
//! a real socket. The tests are written once, in `crates/http-suite/src/http.rs`.

http_suite::http_tests!(http_suite::stage!());
