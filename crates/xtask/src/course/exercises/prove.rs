//! The proof that every exercise is real, and the upkeep of its solution.
//!
//! `prove`: as shipped (in the workspace itself), each exercise's check must
//! build, each test of what to build must fail (else it proves nothing) and
//! each "still works" test must pass (else it is no regression guard); in a
//! copy of the workspace with `docs/solutions/NAME.patch` applied, every test
//! must pass (else the exercise cannot be solved, or the patch no longer
//! fits). One target directory serves every copy, so dependencies build once
//! and only the patched crate is rebuilt each time.
//!
//! `refresh`: when the stages change under a patch, applies it with `patch
//! --fuzz`, formats the files it touches with rustfmt, and writes the patch
//! again from the result (with `similar`, as `diff -u` would), so that it
//! applies exactly to today's code.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use similar::TextDiff;

use super::catalog::Exercise;
use super::{Outcome, rubric, run_checks};
use crate::stages::{target_dir, workspace_root};

/// The target directory every proof run shares.
fn proof_target() -> PathBuf {
    target_dir().join("exercises-proof")
}

/// Gives a first proof run the dependencies the workspace has already built:
/// `target/debug`'s compiled crates are copied (never linked: the proof
/// must not overwrite the workspace's own binaries). This happens before the
/// workspace is copied, so the copy's sources are newer than anything seeded
/// and cargo rebuilds the stages themselves from them.
fn seed(target: &Path) -> Result<()> {
    let (built, seeded) = (target_dir().join("debug"), target.join("debug"));
    if built.exists() && !seeded.exists() {
        for dir in ["deps", "build", ".fingerprint"] {
            copy_tree(&built.join(dir), &seeded.join(dir))?;
        }
    }
    Ok(())
}

/// Replaces the copy of the workspace the proof works in with the workspace
/// as it is now (sources only). The copy lives in the proof's target
/// directory, so the next run finds it again (and cargo's freshness checks
/// with it), and two people with their own target directories never share one.
fn fresh_copy() -> Result<PathBuf> {
    let copy = proof_target().join("workspace");
    if copy.exists() {
        fs::remove_dir_all(&copy).with_context(|| format!("cannot remove {}", copy.display()))?;
    }
    copy_tree(&workspace_root(), &copy)?;
    Ok(copy)
}

/// Copies `from` to `to`, leaving out build output and version control.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if name == ".git" || name == "target" || (name == "book" && from.ends_with("docs")) {
            continue;
        }
        let kind = entry.file_type()?;
        let (source, dest) = (entry.path(), to.join(&name));
        if kind.is_dir() {
            copy_tree(&source, &dest)?;
        } else if kind.is_file() {
            fs::copy(&source, &dest)
                .with_context(|| format!("cannot copy {}", source.display()))?;
        }
    }
    Ok(())
}

/// Applies the reference solution of `exercise` to the workspace at `copy`.
fn apply_solution(exercise: &Exercise, copy: &Path) -> Result<()> {
    let output = Command::new("git")
        .current_dir(copy)
        // The copy is no repository: never let git find one above it.
        .env("GIT_CEILING_DIRECTORIES", copy.parent().unwrap_or(copy))
        .args(["apply", "--whitespace=nowarn"])
        .arg(workspace_root().join(exercise.solution()))
        .output()
        .context("cannot run git (needed to apply the solutions)")?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        let (patch, name) = (exercise.solution(), &exercise.name);
        bail!("{patch} does not apply: {why}(run `just exercises-refresh {name}`)");
    }
    Ok(())
}

/// `exercises prove`.
pub(crate) fn prove(exercises: &[&Exercise]) -> Result<ExitCode> {
    let (started, target) = (Instant::now(), proof_target());
    seed(&target)?;
    let count = exercises.len();
    println!(
        "Proving {count} exercises: as shipped here, solved in {}",
        target.join("workspace").display()
    );
    let shipped = run_as_shipped(exercises)?;
    let mut bad = Vec::new();
    for exercise in exercises {
        let clock = Instant::now();
        let before = as_shipped(exercise, &shipped[exercise.package.as_str()]);
        let after = with_solution(exercise, &target);
        let ok = before.is_ok() && after.is_ok();
        let [before, after] = [before, after].map(|it| it.unwrap_or_else(|e| format!("{e:#}")));
        let (name, seconds) = (&exercise.name, clock.elapsed().as_secs_f64());
        let mark = if ok { "✓" } else { "✗" };
        println!("  {mark} {name:<20} shipped: {before:<28} solution: {after} ({seconds:.0} s)");
        if !ok {
            bad.push(format!(
                "error: {name}: as shipped {before}; with its solution {after}"
            ));
        }
    }
    let (proven, seconds) = (count - bad.len(), started.elapsed().as_secs_f64());
    println!("\n{proven} of {count} exercises proven in {seconds:.0} s.");
    bad.iter().for_each(|error| eprintln!("{error}"));
    if bad.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(ExitCode::FAILURE)
}

/// As shipped, one run per crate says how every check of that crate does. The
/// runs use the workspace itself, whose checks `cargo test` has built already,
/// and go side by side: the failing checks mostly wait for timeouts, and
/// those waits overlap.
fn run_as_shipped<'a>(exercises: &[&'a Exercise]) -> Result<BTreeMap<&'a str, Outcome>> {
    let root = &workspace_root();
    let packages: BTreeSet<&str> = exercises.iter().map(|e| e.package.as_str()).collect();
    std::thread::scope(|scope| {
        let runs: Vec<_> = (packages.into_iter())
            .map(|package| {
                let run = scope.spawn(move || {
                    let clock = Instant::now();
                    let outcome = run_checks(root, package, None, None);
                    (outcome, clock.elapsed().as_secs_f64())
                });
                (package, run)
            })
            .collect();
        let mut shipped = BTreeMap::new();
        for (package, run) in runs {
            let panicked = |_| anyhow!("a run of the checks as shipped panicked");
            let (outcome, seconds) = run.join().map_err(panicked)?;
            println!("  as shipped: ran the checks of {package} ({seconds:.0} s)");
            shipped.insert(package, outcome?);
        }
        Ok(shipped)
    })
}

/// The verdict on the workspace as shipped: every check of what to build
/// fails (else it proves nothing), every "still works" check passes (else it
/// guards nothing that works).
fn as_shipped(exercise: &Exercise, before: &Outcome) -> Result<String> {
    let passed = before.of(exercise)?;
    let checks = rubric(exercise)?;
    let wrong: Vec<String> = checks
        .iter()
        .filter(|c| passed.get(&c.test) != Some(&c.still_works))
        .map(|c| match c.still_works {
            true => format!("{} fails, though marked \"Still works\"", c.test),
            false => format!("{} passes already: it proves nothing", c.test),
        })
        .collect();
    if !wrong.is_empty() {
        bail!("{}", wrong.join("; "));
    }
    let to_build = checks.iter().filter(|c| !c.still_works).count();
    let still = checks.len() - to_build;
    Ok(format!("{to_build} fail, {still} pass (still works)"))
}

/// The verdict with the reference solution applied to a fresh copy: it
/// builds, it is formatted, and every check passes.
fn with_solution(exercise: &Exercise, target: &Path) -> Result<String> {
    let copy = fresh_copy()?;
    apply_solution(exercise, &copy)?;
    // A solution is code a learner reads: it is formatted as the stages are.
    let patch = fs::read_to_string(workspace_root().join(exercise.solution()))?;
    if !rustfmt(&copy, &patched_files(&patch), true)? {
        let name = &exercise.name;
        bail!("the solution is not formatted (run `just exercises-refresh {name}`)");
    }
    let module = exercise.module();
    let outcome = run_checks(&copy, &exercise.package, Some(&module), Some(target))?;
    let results = outcome.of(exercise)?;
    let failed = results.iter().filter(|(_, ok)| !**ok);
    let failed: Vec<&str> = failed.map(|(test, _)| test.as_str()).collect();
    if !failed.is_empty() {
        bail!("fails: {}", failed.join(", "));
    }
    Ok(format!("passes ({} tests)", results.len()))
}

/// Runs rustfmt (`--check` only, if `check`) on the Rust files among
/// `files` in `copy`: whether it succeeded.
fn rustfmt(copy: &Path, files: &[String], check: bool) -> Result<bool> {
    let rust: Vec<&String> = files.iter().filter(|f| f.ends_with(".rs")).collect();
    if rust.is_empty() {
        return Ok(true);
    }
    let mut command = Command::new("rustfmt");
    command.current_dir(copy).args(["--edition", "2024"]);
    if check {
        command.arg("--check").stdout(Stdio::null());
    }
    let status = command.args(rust).status().context("cannot run rustfmt")?;
    Ok(status.success())
}

/// The files a patch changes or creates, from its `+++ b/PATH` lines.
fn patched_files(patch: &str) -> Vec<String> {
    let paths = patch.lines().filter_map(|line| line.strip_prefix("+++ b/"));
    paths
        .map(|path| path.split('\t').next().unwrap_or(path).trim().to_string())
        .collect()
}

/// `exercises refresh`.
pub(crate) fn refresh(exercises: &[&Exercise]) -> Result<ExitCode> {
    let mut failed = false;
    for exercise in exercises {
        let path = workspace_root().join(exercise.solution());
        let old =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        match rebase(&path, &old) {
            Ok(new) if new == old => println!("  {:<20} up to date", exercise.name),
            Ok(new) => {
                fs::write(&path, &new)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!("  {:<20} rewritten", exercise.name);
            }
            Err(error) => {
                failed = true;
                eprintln!("  {:<20} {error:#}", exercise.name);
            }
        }
    }
    if failed {
        eprintln!("\nFix the patches above by hand: apply what applies, edit, and diff again.");
        return Ok(ExitCode::FAILURE);
    }
    println!("\nNow check them: `just exercises-prove`.");
    Ok(ExitCode::SUCCESS)
}

/// The patch at `path` (whose text is `patch`), applied with fuzz to a fresh
/// copy, formatted, and diffed again file by file.
fn rebase(path: &Path, patch: &str) -> Result<String> {
    let copy = fresh_copy()?;
    let output = Command::new("patch")
        .current_dir(&copy)
        .args("-p1 --forward --fuzz=3 --no-backup-if-mismatch -r - -s -i".split(' '))
        .arg(path)
        .output()
        .context("cannot run `patch`")?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stdout);
        bail!("does not apply, even with fuzz: {}", why.trim());
    }
    let files = patched_files(patch);
    if !rustfmt(&copy, &files, false)? {
        bail!("rustfmt failed on the patched files");
    }
    let diffs = files.iter().map(|file| diff_file(&copy, file));
    diffs.collect()
}

/// The unified diff from the workspace's `file` (nothing, if it is new) to
/// the copy's, as `diff -u` writes it.
fn diff_file(copy: &Path, file: &str) -> Result<String> {
    let (old, new) = (workspace_root().join(file), copy.join(file));
    let (old, old_label) = match fs::read_to_string(&old) {
        Ok(text) => (text, format!("a/{file}")),
        Err(error) if error.kind() == ErrorKind::NotFound => (String::new(), "/dev/null".into()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", old.display())),
    };
    let new = fs::read_to_string(&new).with_context(|| format!("cannot read {}", new.display()))?;
    let diff = TextDiff::from_lines(&old, &new);
    Ok(diff
        .unified_diff()
        .header(&old_label, &format!("b/{file}"))
        .to_string())
}

#[cfg(test)]
mod tests;
