//! `book screenshot` (`just screenshot`): step 4 serves `www/`, headless
//! Chromium checks that every self-test of the page passed, then takes the
//! picture the finale chapter shows (`docs/src/img/finale.png`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

use crate::stages::{self, Profile, Running};

/// Where `chromium` is: `$CHROMIUM`, else the usual names on the PATH.
fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser", "google-chrome", "chrome"];
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut on_path = std::env::split_paths(&path).flat_map(|dir| names.map(|n| dir.join(n)));
    let chosen = std::env::var_os("CHROMIUM").map(PathBuf::from);
    chosen.or_else(|| on_path.find(|candidate| candidate.is_file()))
}

/// Headless Chromium with a fresh profile, as root-in-a-container needs it.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Let the page's fetches finish (up to 5 s of page time) before
            // the DOM is printed or the picture taken.
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

pub(crate) fn run() -> Result<ExitCode> {
    let browser = chromium()
        .context("no Chromium found: install it (`apt-get install chromium`) or set CHROMIUM")?;
    let step4 = stages::stage("4")?;
    stages::build(&[step4.package], Profile::Debug)?;
    let server = Running::stage(step4, &stages::www(), Profile::Debug, Stdio::null())?;
    let url = format!("http://{}/", server.address);
    let profile = std::env::temp_dir().join(format!("pico-book-chromium-{}", std::process::id()));

    let dom = headless(&browser, &profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .context("cannot run Chromium")?;
    let dom = String::from_utf8_lossy(&dom.stdout);
    let passed = dom.matches("data-state=\"ok\"").count();
    if !dom.contains("data-result=\"ok\"") {
        let _ = std::fs::remove_dir_all(&profile);
        bail!("only {passed} self-tests passed: no picture of a failing page");
    }

    let png = super::book_src().join("img").join("finale.png");
    let status = headless(&browser, &profile)
        .args(["--hide-scrollbars", "--window-size=1000,760"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .stdout(Stdio::null())
        .status()
        .context("cannot run Chromium")?;
    let _ = std::fs::remove_dir_all(&profile);
    if !status.success() || !png.is_file() {
        bail!("Chromium did not write {}", png.display());
    }
    println!(
        "{passed} self-tests passed; wrote {} ({} bytes)",
        png.display(),
        std::fs::metadata(&png)?.len()
    );
    Ok(ExitCode::SUCCESS)
}
