//! `copies --check`: the files that stages share on purpose stay byte-identical.
//! A stage keeps a file unchanged when its layer is not the one replaced (the
//! docroot policy, the content types, the head checks); each stage's sources
//! are a teaching snapshot that stands alone, so these are copies, and a fix
//! made in one must reach the others. [`COPIES`] is the one list of them.
//! Tests are not copied: the black-box suite every HTTP stage runs is written
//! once, in `crates/http-suite`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::stages::{self, STAGES};

/// Each file meant to be the same in several stages: its path inside the
/// stage crate, and the stages (by number) that share it. Step 4's `cli.rs`
/// adds `--timeout`: it and its tests are shared by steps 1 and 3 only. The
/// `tests.rs` of `docroot.rs` and `conformance.rs` are one `include!` of the
/// unit tests written once in `crates/http-suite/policy/`.
pub(crate) const COPIES: &[(&str, &[u8])] = &[
    ("src/docroot.rs", &[1, 3, 4]),
    ("src/docroot/tests.rs", &[1, 3, 4]),
    ("src/content_type.rs", &[1, 3, 4]),
    ("src/status.rs", &[1, 3, 4]),
    ("src/conformance.rs", &[1, 3, 4]),
    ("src/conformance/tests.rs", &[1, 3, 4]),
    ("src/cli.rs", &[1, 3]),
    ("src/cli/tests.rs", &[1, 3]),
];

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    if !(args.is_empty() || args == ["--check"]) {
        eprintln!(
            "usage: cargo run -p xtask -- copies [--check]   the intended copies are the same"
        );
        return Ok(ExitCode::from(2));
    }
    let problems = check(&stages::workspace_root().join("crates"));
    problems.iter().for_each(|problem| eprintln!("{problem}"));
    if problems.is_empty() {
        println!("{} intended copies are byte-identical", COPIES.len());
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "{} intended copies differ: make them the same again, or change the list in \
         crates/xtask/src/course/copies.rs if a stage now changes that file on purpose",
        problems.len()
    );
    Ok(ExitCode::FAILURE)
}

/// Each intended copy: its path inside a stage crate, and the file of each
/// stage that shares it under `crates`, in stage order with its number.
pub(crate) fn sets(crates: &Path) -> impl Iterator<Item = (&str, Vec<(u8, PathBuf)>)> {
    COPIES.iter().map(move |&(path, numbers)| {
        let sharing = STAGES.iter().filter(|s| numbers.contains(&s.number));
        let files = sharing.map(|s| (s.number, crates.join(s.package).join(path)));
        (path, files.collect())
    })
}

/// One line per copy that is missing, or differs from the first stage's
/// copy that is there, under the stage crates in `crates`.
pub(crate) fn check(crates: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, copies) in sets(crates) {
        let mut first: Option<(u8, Vec<u8>)> = None;
        for (number, file) in copies {
            match (std::fs::read(file), &first) {
                (Err(_), _) => problems.push(format!("step {number}: {path} is missing")),
                (Ok(copy), None) => first = Some((number, copy)),
                (Ok(copy), Some((first, original))) if *original != copy => {
                    let line = first_difference(original, &copy);
                    let differs = format!("step {number} differs from step {first}");
                    problems.push(format!("{path}: {differs} (from line {line})"));
                }
                (Ok(_), Some(_)) => {}
            }
        }
    }
    problems
}

/// The first line (1-based) where `a` and `b` differ.
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    1 + a[..same].iter().filter(|b| **b == b'\n').count()
}

#[cfg(test)]
mod tests;
