//! `trace`: not written yet.

use std::process::ExitCode;

pub(crate) fn run(_args: &[String]) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'trace' is not written yet")
}
