//! `exercises`: classroom exercises, rustlings-style, checked over real sockets.
//!
//! The list is in [`catalog`]. Each exercise is checked by the `#[ignore]`d
//! tests of one module of `crates/<package>/tests/exercises.rs`, run by name,
//! so a plain `cargo test` stays green on the shipped workspace. The commands:
//!
//! - `exercises` lists every exercise, solved or not (a teacher's view of a room);
//! - `exercise NAME` runs its check and prints each test's doc comment as a
//!   line of a rubric: what the learner builds, then what must still work;
//! - `exercises hint NAME` shows the next hint (`--reset` starts over); which
//!   hints were shown is kept in `target/exercise-hints/NAME`;
//! - `exercises prove` is CI's proof, in [`prove`]: every check of what to
//!   build fails on the workspace as shipped, every "still works" one passes,
//!   and all pass with the reference solution applied;
//! - `exercises refresh` re-bases the reference solutions after the stages moved;
//! - `exercises book [--check]` writes (or checks) the book's Exercises pages.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::stages::workspace_root;

mod book;
mod catalog;
mod prove;

use catalog::{EXERCISES, Exercise};

const USAGE: &str = "\
usage: cargo run -p xtask -- exercises [list]        every exercise, solved or not
       cargo run -p xtask -- exercise NAME           check one, test by test
       cargo run -p xtask -- exercises hint NAME [--reset]
       cargo run -p xtask -- exercises prove [NAME ...]     (CI) fails as shipped, passes solved
       cargo run -p xtask -- exercises refresh [NAME ...]   re-base docs/solutions/*.patch
       cargo run -p xtask -- exercises book [--check]       write or check docs/src/exercises/";

pub(crate) fn run(command: &str, args: &[String]) -> Result<ExitCode> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match (command, &words[..]) {
        ("exercise", [name]) | ("exercises", ["check", name]) => check(find(name)?),
        ("exercises", [] | ["list"]) => list(),
        ("exercises", ["hint", name]) => hint(find(name)?, false),
        ("exercises", ["hint", name, "--reset"]) => hint(find(name)?, true),
        ("exercises", ["prove", names @ ..]) => prove::prove(&select(names)?),
        ("exercises", ["refresh", names @ ..]) => prove::refresh(&select(names)?),
        ("exercises", ["book"]) => book::write(),
        ("exercises", ["book", "--check"]) => book::check(),
        _ => {
            if (command, words.len()) == ("exercise", 0) {
                eprintln!("which exercise? `just exercises` lists them\n");
            }
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

fn find(name: &str) -> Result<&'static Exercise> {
    catalog::find(name).with_context(|| {
        let names = EXERCISES.iter().map(|e| e.name).collect::<Vec<_>>();
        format!("no exercise called '{name}'; there are: {names:?}")
    })
}

/// The exercises named, or all of them.
fn select(names: &[&str]) -> Result<Vec<&'static Exercise>> {
    if names.is_empty() {
        return Ok(EXERCISES.iter().collect());
    }
    names.iter().map(|name| find(name)).collect()
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
    /// The results of one exercise's tests: (test name, passed).
    pub(crate) fn of(&self, exercise: &Exercise) -> Vec<(String, bool)> {
        let prefix = format!("{}::", exercise.module());
        self.results
            .iter()
            .filter_map(|(test, passed)| Some((test.strip_prefix(&prefix)?.to_string(), *passed)))
            .collect()
    }

    /// Solved: it builds, it has tests, and every one of them passed.
    pub(crate) fn solved(&self, exercise: &Exercise) -> bool {
        let results = self.of(exercise);
        self.build_error.is_none() && !results.is_empty() && results.iter().all(|(_, ok)| *ok)
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
    let arguments = "test --test exercises --package PACKAGE -- --ignored --color never";
    let arguments = arguments
        .split(' ')
        .map(|a| if a == "PACKAGE" { package } else { a });
    command.current_dir(root).args(arguments);
    if let Some(module) = only {
        command.arg(format!("{module}::"));
    }
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    // Each test prints its own name as it finishes: `test a::b ... ok`.
    // Four at a time: failing checks mostly wait for timeouts, not the CPU.
    // No backtraces: the rubric shows each failure's message, not its stack.
    command
        .env("RUST_TEST_THREADS", "4")
        .env("RUST_BACKTRACE", "0");
    let output = command
        .output()
        .with_context(|| format!("cannot run {cargo}"))?;
    let mut outcome = parse_test_output(&String::from_utf8_lossy(&output.stdout));
    if outcome.results.is_empty() && !output.status.success() {
        outcome.build_error = Some(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(outcome)
}

/// Reads libtest's output: `test m::t ... ok` / `... FAILED` lines, and the
/// `---- m::t stdout ----` sections of the failures.
fn parse_test_output(stdout: &str) -> Outcome {
    let mut outcome = Outcome::default();
    let mut current: Option<String> = None;
    for line in stdout.lines() {
        let result = line
            .strip_prefix("test ")
            .and_then(|r| r.rsplit_once(" ... "));
        let failure = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"));
        if let Some((name, result)) = result {
            match result.trim() {
                "ok" => outcome.results.insert(name.to_string(), true),
                "FAILED" => outcome.results.insert(name.to_string(), false),
                _ => None,
            };
        } else if let Some(name) = failure {
            current = Some(name.to_string());
        } else if line == "failures:" || line.starts_with("test result:") {
            current = None;
        } else if let Some(name) = &current {
            let text = outcome.failures.entry(name.clone()).or_default();
            text.push_str(&format!("{line}\n"));
        }
    }
    outcome
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
    let start = text
        .find(&format!("\nmod {} {{", exercise.module()))
        .with_context(|| format!("no module {} in {}", exercise.module(), path.display()))?;
    let module = &text[start + 1..];
    let end = module[1..].find("\nmod ").map_or(module.len(), |i| i + 1);
    let (mut checks, mut doc, mut ignored) = (Vec::new(), Vec::new(), false);
    for line in module[..end].lines().map(str::trim) {
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
    let (name, package) = (exercise.name, exercise.chapter.package);
    println!("Checking {name} ({package}): {}", exercise.title);
    let module = exercise.module();
    let outcome = run_checks(&workspace_root(), package, Some(&module), None)?;
    if let Some(error) = &outcome.build_error {
        // Cargo's "Compiling ..." progress first, then the compiler's errors.
        let error = error.find("error").map_or(error.as_str(), |i| &error[i..]);
        println!("\n{error}\n\n✗ {package} does not build yet: fix the errors above.");
        return Ok(ExitCode::FAILURE);
    }
    let passed: BTreeMap<String, bool> = outcome.of(exercise).into_iter().collect();
    if passed.is_empty() {
        bail!("no tests called {module}::* in {}", exercise.checks());
    }
    let checks = rubric(exercise)?;
    let ok = |c: &Check| passed.get(&c.test) == Some(&true);
    for (heading, still) in [("To build", false), ("Still works (as shipped)", true)] {
        let group: Vec<&Check> = checks.iter().filter(|c| c.still_works == still).collect();
        if !group.is_empty() {
            println!("\n{heading}:");
        }
        for check in group {
            println!("  {} {}", if ok(check) { "✓" } else { "✗" }, check.line);
        }
    }
    let failed: Vec<&Check> = checks.iter().filter(|c| !ok(c)).collect();
    if failed.is_empty() {
        println!("\nSolved: all {} checks pass. Well done!", checks.len());
        return Ok(ExitCode::SUCCESS);
    }
    println!("\nWhy:");
    for check in &failed {
        println!("\n  ✗ {}", check.line);
        let why = outcome.failures.get(&format!("{module}::{}", check.test));
        // The panic message alone, without the test's thread, file and line.
        let ignored = |l: &&str| l.starts_with("note: ") || l.starts_with("thread '");
        let why = why
            .map_or("", String::as_str)
            .lines()
            .filter(|l| !l.trim().is_empty());
        for line in why.filter(|l| !ignored(l)).take(12) {
            println!("    {line}");
        }
    }
    let (built, to_build) = progress(&checks, &passed);
    let broken = match failed.iter().filter(|c| c.still_works).count() {
        0 => String::new(),
        n => format!(", but {n} of what still worked as shipped now fail"),
    };
    println!(
        "\nNot solved yet: {built} of {to_build} checks of what you build pass{broken}. Stuck? `just hint {name}`"
    );
    Ok(ExitCode::FAILURE)
}

/// How many of the checks that are not "still works" passed, and how many there are.
fn progress(checks: &[Check], passed: &BTreeMap<String, bool>) -> (usize, usize) {
    let to_build = checks.iter().filter(|c| !c.still_works);
    let built = to_build
        .clone()
        .filter(|c| passed.get(&c.test) == Some(&true));
    (built.count(), to_build.count())
}

/// `just exercises`: every exercise, solved or not, one crate at a time.
fn list() -> Result<ExitCode> {
    println!("Running every exercise check (this builds the stages and takes a minute)...\n");
    let mut solved = 0;
    for chapter in catalog::CHAPTERS {
        println!("{} ({})", chapter.title, chapter.package);
        let outcome = run_checks(&workspace_root(), chapter.package, None, None)?;
        for exercise in EXERCISES.iter().filter(|e| e.chapter.slug == chapter.slug) {
            let state = if outcome.build_error.is_some() {
                "does not build"
            } else if outcome.solved(exercise) {
                solved += 1;
                "solved"
            } else {
                let passed = outcome.of(exercise).into_iter().collect();
                let (built, to_build) = progress(&rubric(exercise)?, &passed);
                &format!("not solved ({built}/{to_build} checks)")
            };
            println!("  {:<22} {:<55} {state}", exercise.name, exercise.title);
        }
        println!();
    }
    println!(
        "{solved} of {} solved. `just exercise NAME` checks one; `just hint NAME` helps.",
        EXERCISES.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `just hint NAME`: the hints shown so far, and one more. How many were
/// shown is kept in `target/exercise-hints/NAME`.
fn hint(exercise: &Exercise, reset: bool) -> Result<ExitCode> {
    let state = workspace_root().join("target/exercise-hints");
    let state = state.join(exercise.name);
    if reset {
        let _ = fs::remove_file(&state);
        println!("Hints of {} hidden again.", exercise.name);
        return Ok(ExitCode::SUCCESS);
    }
    let shown: usize = fs::read_to_string(&state)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let now = (shown + 1).min(exercise.hints.len());
    println!("{}: {}\n", exercise.name, exercise.title);
    for (i, hint) in exercise.hints.iter().take(now).enumerate() {
        println!("Hint {} of {}: {hint}\n", i + 1, exercise.hints.len());
    }
    if now < exercise.hints.len() {
        println!("(`just hint {}` again for the next one)", exercise.name);
    } else {
        println!(
            "That was the last hint. The reference solution is {} (try without it first!).",
            exercise.solution()
        );
    }
    if let Some(dir) = state.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    fs::write(&state, now.to_string())
        .with_context(|| format!("cannot write {}", state.display()))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn libtest_output_is_read_test_by_test() {
        let stdout = "\nrunning 3 tests\n\
            test ch2_a::one ... ok\n\
            test ch2_a::two ... FAILED\n\
            test ch2_b::three ... ok\n\n\
            failures:\n\n\
            ---- ch2_a::two stdout ----\n\
            thread 'ch2_a::two' panicked at x.rs:1:1:\n\
            no echo within 10s\n\n\
            failures:\n    ch2_a::two\n\n\
            test result: FAILED. 2 passed; 1 failed\n";
        let outcome = parse_test_output(stdout);
        assert_eq!(outcome.results.len(), 3);
        assert!(outcome.results["ch2_a::one"]);
        assert!(!outcome.results["ch2_a::two"]);
        assert!(outcome.failures["ch2_a::two"].contains("no echo within 10s"));
    }

    #[test]
    fn solved_means_built_with_tests_and_all_of_them_passing() {
        let exercise = catalog::find("ch2-echo-count").unwrap();
        let mut outcome = Outcome::default();
        assert!(!outcome.solved(exercise), "no tests is not solved");
        outcome.results.insert("ch2_echo_count::a".into(), true);
        outcome.results.insert("ch2_two_clients::b".into(), false);
        assert!(
            outcome.solved(exercise),
            "another exercise's failure does not count"
        );
        outcome.results.insert("ch2_echo_count::c".into(), false);
        assert!(!outcome.solved(exercise));
        outcome.results.insert("ch2_echo_count::c".into(), true);
        outcome.build_error = Some("error[E0308]".into());
        assert!(
            !outcome.solved(exercise),
            "what does not build is not solved"
        );
    }

    #[test]
    fn every_exercise_has_checks_a_solution_and_hints() {
        let root = workspace_root();
        let mut names = std::collections::HashSet::new();
        for exercise in EXERCISES {
            assert!(names.insert(exercise.name), "{} twice", exercise.name);
            assert!(
                (1..=3).contains(&exercise.hints.len()),
                "{}: one to three hints",
                exercise.name
            );
            let checks = rubric(exercise).unwrap_or_else(|e| panic!("{}: {e:#}", exercise.name));
            assert!(
                checks.iter().any(|c| !c.still_works),
                "{}: no #[ignore]d checks of something to build in module {}",
                exercise.name,
                exercise.module()
            );
            if let Some(check) = checks.iter().find(|c| c.line.len() < 20) {
                panic!(
                    "{}::{}: no doc comment to show as its rubric line",
                    exercise.name, check.test
                );
            }
            assert!(
                root.join(exercise.solution()).is_file(),
                "{}: no {}",
                exercise.name,
                exercise.solution()
            );
        }
    }

    #[test]
    fn every_check_is_ignored_and_names_its_exercise() {
        let root = workspace_root();
        for chapter in catalog::CHAPTERS {
            let path = root.join(format!("crates/{}/tests/exercises.rs", chapter.package));
            let checks = fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = checks.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if line.trim() == "#[test]" {
                    let next = lines.get(i + 1).map_or("", |l| l.trim());
                    assert!(
                        next.starts_with("#[ignore = \"exercise check: just exercise "),
                        "{}:{}: every check is #[ignore]d, or `cargo test` fails as shipped",
                        path.display(),
                        i + 2
                    );
                }
            }
        }
    }
}
