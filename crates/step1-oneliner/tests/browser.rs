//! A real browser against this stage: headless Chromium loads the `www/`
//! self-test page. The test is written once, in `crates/http-suite/src/browser.rs`.

http_suite::browser_tests!(http_suite::stage!());
