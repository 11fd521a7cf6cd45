//! A real browser against the real binary: headless Chromium loads the
//! workspace's `www/` self-test page from this stage and must report every
//! check OK (stylesheet applied, module script ran, image decoded, sub-page
//! reached, `/about` redirected to `/about/` so that its relative image loads,
//! HEAD, 404, traversal, POST and DELETE answered as they should be), and
//! its `curl` hint naming the port it was really served from.
//! Each stage's `tests/browser.rs` runs it through
//! [`browser_tests!`](crate::browser_tests).
//!
//! Without Chromium the test cannot run; it then says so on stderr in capital
//! letters instead of passing quietly. CI installs Chromium first (`.ci/run`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::Stage;
use crate::support::Server;

/// The self-test site every stage serves by default.
const WWW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www");

/// How long Chromium may take before the test gives up on it: the page itself
/// needs about a second; a first start of Chromium can be slow on CI.
const CHROMIUM_PATIENCE: Duration = Duration::from_secs(120);

/// The browser: `$CHROMIUM` if set, else the first of the usual names found.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    let names = ["chromium", "chromium-browser", "google-chrome", "chrome"];
    std::env::split_paths(&path)
        .flat_map(|dir| names.map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Loads `url` in headless Chromium and returns the DOM after the page's
/// scripts have run. `--virtual-time-budget` lets the page's own timers and
/// fetches finish (up to 5 s of page time) before the DOM is printed.
fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = std::env::temp_dir().join(format!(
        "{}-chromium-{}",
        env!("CARGO_PKG_NAME"),
        std::process::id()
    ));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start Chromium");
    let mut stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut dom = String::new();
        let _ = stdout.read_to_string(&mut dom);
        let _ = sender.send(dom);
    });
    let dom = receiver.recv_timeout(CHROMIUM_PATIENCE);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&profile);
    dom.unwrap_or_else(|_| panic!("Chromium printed no DOM within {CHROMIUM_PATIENCE:?}"))
}

pub fn a_real_browser_sees_every_self_test_pass(stage: &Stage) {
    let Some(browser) = chromium() else {
        eprintln!(
            "\n*** SKIPPED: {}: no Chromium found (set CHROMIUM=/path/to/chromium, \
             or `apt-get install chromium`); the browser test did NOT run. ***\n",
            stage.package
        );
        return;
    };
    let server = Server::start(stage, Path::new(WWW), &[]);
    let dom = dump_dom(&browser, &format!("http://{}/", server.address));

    let checks = dom.matches("<li class=\"check").count();
    let passed = dom.matches("data-state=\"ok\"").count();
    let failed: Vec<&str> = dom
        .split("<li class=\"check")
        .skip(1)
        .filter(|item| !item.contains("data-state=\"ok\""))
        .filter_map(|item| item.split('"').nth(2))
        .collect();
    assert!(
        checks >= 11,
        "the page shows {checks} checks, not 11:\n{dom}"
    );
    assert!(failed.is_empty(), "checks not OK: {failed:?}");
    assert_eq!(passed, checks, "{passed} of {checks} checks OK:\n{dom}");
    assert!(
        dom.contains("data-result=\"ok\""),
        "the page's summary is not ok:\n{dom}"
    );
    // The page's hint names the address it came from, not the default port.
    let curl = format!("curl -i http://{}/", server.address);
    assert!(
        dom.contains(&curl),
        "the page does not suggest `{curl}`:\n{dom}"
    );
}

/// The browser test as a `#[test]` of the stage test crate it expands in:
/// `browser_tests!(http_suite::stage!())` is each stage's `tests/browser.rs`.
#[macro_export]
macro_rules! browser_tests {
    ($stage:expr) => {
        $crate::named_tests!($stage, browser, [a_real_browser_sees_every_self_test_pass,]);
    };
}
