//! `exercises`: not written yet.

use std::process::ExitCode;

pub(crate) fn run(_command: &str, _args: &[String]) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'exercises' is not written yet")
}
