//! `book`: not written yet.

use std::process::ExitCode;

pub(crate) fn run(_args: &[String]) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'book' is not written yet")
}
