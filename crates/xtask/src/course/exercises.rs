//! `exercises`: classroom exercises, rustlings-style, checked over real sockets.
//!
//! The list is `docs/exercises.toml`, read by [`catalog`]. Each exercise is
//! checked by the `#[ignore]`d tests of one module of
//! `crates/<package>/tests/exercises.rs`, run by name, so a plain `cargo test`
//! stays green on the shipped workspace. Each test's doc comment is a line of
//! the exercise's rubric: what the learner builds or, when it starts with
//! "Still works:", what the stage already does and must go on doing. [`prove`]
//! is CI's proof that every check is real; [`book`] writes the book's pages.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::stages::workspace_root;

mod book;
mod catalog;
mod prove;

use catalog::{Catalog, Exercise};

const USAGE: &str = "\
usage: cargo run -p xtask -- exercises [list]        every exercise, solved or not
       cargo run -p xtask -- exercise NAME           check one, test by test
       cargo run -p xtask -- exercises hint NAME [--reset]
       cargo run -p xtask -- exercises prove [NAME ...]     (CI) fails as shipped, passes solved
       cargo run -p xtask -- exercises refresh [NAME ...]   re-base docs/solutions/*.patch
       cargo run -p xtask -- exercises book [--check]       write or check docs/src/exercises/";

pub(crate) fn run(command: &str, args: &[String]) -> Result<ExitCode> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let catalog = Catalog::load()?;
    match (command, &words[..]) {
        ("exercise", [name]) | ("exercises", ["check", name]) => check(catalog.find(name)?),
        ("exercises", [] | ["list"]) => list(&catalog),
        ("exercises", ["hint", name]) => hint(catalog.find(name)?, false),
        ("exercises", ["hint", name, "--reset"]) => hint(catalog.find(name)?, true),
        ("exercises", ["prove", names @ ..]) => prove::prove(&catalog.select(names)?),
        ("exercises", ["refresh", names @ ..]) => prove::refresh(&catalog.select(names)?),
        ("exercises", ["book"]) => book::write(&catalog, false),
        ("exercises", ["book", "--check"]) => book::write(&catalog, true),
        _ => {
            if (command, words.len()) == ("exercise", 0) {
                eprintln!("which exercise? `just exercises` lists them\n");
            }
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

/// What one run of a crate's exercise tests said about each test.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// `module::test_name` → passed.
    pub results: BTreeMap<String, bool>,
    /// What each failed test printed (its panic message, mostly).
    pub failures: BTreeMap<String, String>,
    /// Set when the tests did not even build: cargo's error output.
    pub build_error: Option<String>,
}

impl Outcome {
    /// The results of one exercise's tests (test name → passed), or why
    /// there are none: the crate does not build, or has no such tests.
    pub(crate) fn of(&self, exercise: &Exercise) -> Result<BTreeMap<String, bool>> {
        if let Some(error) = &self.build_error {
            let lines: Vec<&str> = error.lines().collect();
            let last = lines[lines.len().saturating_sub(5)..].join("\n");
            bail!("does not build: {last}");
        }
        let prefix = format!("{}::", exercise.module());
        let tests = self.results.iter();
        let results: BTreeMap<String, bool> = tests
            .filter_map(|(test, passed)| Some((test.strip_prefix(&prefix)?.to_string(), *passed)))
            .collect();
        if results.is_empty() {
            bail!("no tests called {}::*", exercise.module());
        }
        Ok(results)
    }
}

/// Runs the exercise tests of `package` in the workspace at `root` (only
/// those of module `only`, if given), with `target` as the target directory.
pub(crate) fn run_checks(
    root: &Path,
    package: &str,
    only: Option<&str>,
    target: Option<&Path>,
) -> Result<Outcome> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .current_dir(root)
        .args(["test", "--test", "exercises", "--package", package, "--"])
        .args(["--ignored", "--color", "never"])
        .args(only.map(|module| format!("{module}::")))
        // Each test prints its own name as it finishes: `test a::b ... ok`.
        // Four at a time: failing checks mostly wait for timeouts, not the CPU.
        // No backtraces: the rubric shows each failure's message, not its stack.
        .env("RUST_TEST_THREADS", "4")
        .env("RUST_BACKTRACE", "0");
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let output = command.output();
    let output = output.with_context(|| format!("cannot run {cargo}"))?;
    let mut outcome = parse_test_output(&String::from_utf8_lossy(&output.stdout));
    if outcome.results.is_empty() && !output.status.success() {
        outcome.build_error = Some(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(outcome)
}

/// Reads libtest's output: `test m::t ... ok` / `... FAILED` lines, and the
/// `---- m::t stdout ----` sections of the failures, each up to the next one
/// or to the `failures:` list that follows the last.
fn parse_test_output(stdout: &str) -> Outcome {
    let result = crate::pattern(r"(?m)^test (\S+) \.\.\. (ok|FAILED)$");
    let results = result.captures_iter(stdout);
    let failures = stdout.split("\n---- ").skip(1).filter_map(|section| {
        let (name, text) = section.split_once(" stdout ----\n")?;
        let text = text.split("\nfailures:").next().unwrap_or(text);
        Some((name.to_string(), text.to_string()))
    });
    Outcome {
        results: results.map(|c| (c[1].to_string(), &c[2] == "ok")).collect(),
        failures: failures.collect(),
        build_error: None,
    }
}

/// A test of an exercise, its rubric line (its doc comment), and whether it
/// guards what the stage already does (the line starts "Still works:").
#[derive(Debug)]
pub(crate) struct Check {
    pub test: String,
    pub line: String,
    pub still_works: bool,
}

/// The checks of an exercise, read from its test file: each `#[ignore]`d
/// test function of its module, in order, with its doc comment.
pub(crate) fn rubric(exercise: &Exercise) -> Result<Vec<Check>> {
    let path = workspace_root().join(exercise.checks());
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let (_, module) = text
        .split_once(&format!("\nmod {} {{", exercise.module()))
        .with_context(|| format!("no module {} in {}", exercise.module(), path.display()))?;
    let module = module.split("\nmod ").next().unwrap_or(module);
    let (mut checks, mut doc, mut ignored) = (Vec::new(), Vec::new(), false);
    for line in module.lines().map(str::trim) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim());
        } else if line.starts_with("#[ignore = \"exercise check") {
            ignored = true;
        } else if let Some(rest) = line.strip_prefix("fn ").filter(|_| ignored) {
            let line = doc.join(" ");
            let still = line.strip_prefix("Still works: ").map(str::to_string);
            checks.push(Check {
                test: rest.split('(').next().unwrap_or(rest).to_string(),
                still_works: still.is_some(),
                line: still.unwrap_or(line),
            });
            ignored = false;
        } else if !line.starts_with("#[") {
            doc.clear();
        }
    }
    Ok(checks)
}

/// `just exercise NAME`.
fn check(exercise: &Exercise) -> Result<ExitCode> {
    let (name, package, module) = (&exercise.name, &exercise.package, exercise.module());
    println!("Checking {name} ({package}): {}", exercise.title);
    let outcome = run_checks(&workspace_root(), package, Some(&module), None)?;
    if let Some(error) = &outcome.build_error {
        // Cargo's "Compiling ..." progress first, then the compiler's errors.
        let error = error.find("error").map_or(error.as_str(), |i| &error[i..]);
        println!("\n{error}\n\n✗ {package} does not build yet: fix the errors above.");
        return Ok(ExitCode::FAILURE);
    }
    let passed = outcome.of(exercise).context(exercise.checks())?;
    let checks = rubric(exercise)?;
    let ok = |c: &&Check| passed.get(&c.test) == Some(&true);
    for (heading, still) in [("To build", false), ("Still works (as shipped)", true)] {
        let group: Vec<&Check> = checks.iter().filter(|c| c.still_works == still).collect();
        if !group.is_empty() {
            println!("\n{heading}:");
        }
        for check in group {
            println!("  {} {}", if ok(&check) { "✓" } else { "✗" }, check.line);
        }
    }
    let progress = Progress::of(&checks, &passed);
    if progress.solved() {
        println!("\nSolved: {progress}, and what worked as shipped still does. Well done!");
        return Ok(ExitCode::SUCCESS);
    }
    // Under "Why:", what each failed test said: its panic message alone,
    // without the test's thread, file and line.
    println!("\nWhy:");
    let noise =
        |l: &&str| l.trim().is_empty() || l.starts_with("note: ") || l.starts_with("thread '");
    for check in checks.iter().filter(|c| !ok(c)) {
        println!("\n  ✗ {}", check.line);
        let why = outcome.failures.get(&format!("{module}::{}", check.test));
        let why = why.map_or("", String::as_str).lines().filter(|l| !noise(l));
        for line in why.take(12) {
            println!("    {line}");
        }
    }
    println!("\nNot solved yet: {progress}. Stuck? `just hint {name}`");
    Ok(ExitCode::FAILURE)
}

/// Where an exercise stands: how many of its checks pass, of what the learner
/// builds and of what the stage already did. `just exercises` and `just
/// exercise NAME` both count with it, so that they say the same.
#[derive(Debug, PartialEq, Eq)]
struct Progress {
    built: usize,
    to_build: usize,
    still_working: usize,
    still_works: usize,
}

impl Progress {
    /// The rubric's checks, counted against the test results (a check
    /// without a result did not pass).
    fn of(checks: &[Check], passed: &BTreeMap<String, bool>) -> Progress {
        let passes = |c: &Check| passed.get(&c.test) == Some(&true);
        let (still, to_build): (Vec<&Check>, Vec<&Check>) =
            checks.iter().partition(|c| c.still_works);
        Progress {
            built: to_build.iter().filter(|c| passes(c)).count(),
            to_build: to_build.len(),
            still_working: still.iter().filter(|c| passes(c)).count(),
            still_works: still.len(),
        }
    }

    fn solved(&self) -> bool {
        self.built == self.to_build && self.still_working == self.still_works
    }
}

/// `2/3 checks to build pass`, and when some fail that passed as shipped
/// `, 1/2 that worked as shipped now fail`.
impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (built, to_build) = (self.built, self.to_build);
        write!(f, "{built}/{to_build} checks to build pass")?;
        match self.still_works - self.still_working {
            0 => Ok(()),
            broken => write!(
                f,
                ", {broken}/{} that worked as shipped now fail",
                self.still_works
            ),
        }
    }
}

/// `just exercises`: every exercise, solved or not, one crate at a time.
fn list(catalog: &Catalog) -> Result<ExitCode> {
    println!("Running every exercise check (this builds the stages and takes a minute)...\n");
    let mut solved = 0;
    for chapter in &catalog.chapters {
        println!("{} ({})", chapter.title, chapter.package);
        let outcome = run_checks(&workspace_root(), &chapter.package, None, None)?;
        for exercise in &chapter.exercises {
            let state = match outcome.of(exercise) {
                Err(_) if outcome.build_error.is_some() => "does not build".to_string(),
                Err(error) => format!("{error:#}"),
                Ok(passed) => {
                    let progress = Progress::of(&rubric(exercise)?, &passed);
                    solved += usize::from(progress.solved());
                    let state = if progress.solved() {
                        "solved"
                    } else {
                        "not solved"
                    };
                    format!("{state} ({progress})")
                }
            };
            println!("  {:<22} {:<55} {state}", exercise.name, exercise.title);
        }
        println!();
    }
    let count = catalog.exercises().count();
    println!(
        "{solved} of {count} solved. `just exercise NAME` checks one; `just hint NAME` helps."
    );
    Ok(ExitCode::SUCCESS)
}

/// `just hint NAME`: the hints shown so far, and one more. How many were
/// shown is kept in `target/exercise-hints/NAME`.
fn hint(exercise: &Exercise, reset: bool) -> Result<ExitCode> {
    let (name, hints) = (&exercise.name, &exercise.hints);
    let dir = workspace_root().join("target/exercise-hints");
    let state = dir.join(name);
    if reset {
        let _ = fs::remove_file(&state);
        println!("Hints of {name} hidden again.");
        return Ok(ExitCode::SUCCESS);
    }
    let shown: usize = fs::read_to_string(&state).map_or(0, |s| s.trim().parse().unwrap_or(0));
    let now = (shown + 1).min(hints.len());
    println!("{name}: {}\n", exercise.title);
    for (i, hint) in hints.iter().take(now).enumerate() {
        println!("Hint {} of {}: {hint}\n", i + 1, hints.len());
    }
    if now < hints.len() {
        println!("(`just hint {name}` again for the next one)");
    } else {
        let solution = exercise.solution();
        println!(
            "That was the last hint. The reference solution is {solution} (try without it first!)."
        );
    }
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fs::write(&state, now.to_string())
        .with_context(|| format!("cannot write {}", state.display()))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;
