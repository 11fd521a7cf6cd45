//! `just diff A B`: what changed from stage A to stage B, as a unified diff.
//!
//! The stages are separate crates, so a plain `diff -ru` drowns the one layer a
//! chapter replaces in noise: every `use step3_pico_tcp::...` line, the package
//! name, files that only moved. This diff reads the stages as committed (git
//! `HEAD`, so that a learner's own edits never pass for a stage change) unless
//! `--worktree` asks for the working copy; compares sources only; treats the
//! crate names of all stages as one word; and compares a file that stage A
//! lacks with the nearest earlier stage that has it (step 2 is the article's
//! socket tangent: step 3 picks up from step 1). It starts with the list of
//! files: new, changed (lines added and removed), unchanged.
//!
//! `just diffs` writes the book's diffs into `docs/src/diffs/` from the working
//! copy (the files about to be committed); CI checks they are fresh.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, ExitCode};
use std::sync::LazyLock;

use anyhow::{Context, Result, ensure};
use regex_lite::Regex;
use similar::udiff::UnifiedHunkHeader;
use similar::{Algorithm, DiffTag, capture_diff_slices_by_key, group_diff_ops};

use crate::pattern;
use crate::stages::{self, STAGES, Stage};

const USAGE: &str = "\
usage: just diff A B [--worktree]  what changed from stage A to stage B (stages 1 to 4),
                                   as committed (git HEAD), or in your working copy
       just diff --all             write the book's diffs into docs/src/diffs/
       just diff --all --check     fail if docs/src/diffs/ is not up to date";

/// The diffs committed for the book, `(from, to)`: the consecutive ones, and
/// step 1 to step 3, the listener chapter's change without the tangent between.
const BOOK_DIFFS: [(usize, usize); 4] = [(1, 2), (2, 3), (3, 4), (1, 3)];

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    if crate::help(args, USAGE) {
        return Ok(ExitCode::SUCCESS);
    }
    let mut words: Vec<&str> = args.iter().map(String::as_str).collect();
    let worktree = words.contains(&"--worktree");
    words.retain(|word| *word != "--worktree");
    match words.as_slice() {
        ["--all"] => write_book_diffs(false),
        ["--all", "--check"] | ["--check", "--all"] => write_book_diffs(true),
        [a, b] => show(a, b, Tree::choose(worktree)),
        _ => Ok(crate::usage_error("expected two stage numbers", USAGE)),
    }
}

/// Prints the diff from stage `a` to stage `b`, coloured on a terminal.
fn show(a: &str, b: &str, tree: Tree) -> Result<ExitCode> {
    let (Ok(from), Ok(to)) = (stages::stage(a), stages::stage(b)) else {
        let problem = format!("'{a}' and '{b}' must be stage numbers, 1 to 4");
        return Ok(crate::usage_error(&problem, USAGE));
    };
    if from == to {
        return Ok(crate::usage_error("give two different stages", USAGE));
    }
    let text = diff_stages(tree, from, to)?;
    // The title line first, then where the stages come from.
    let text = text.replacen('\n', &format!("\n{}", tree.describe(&[from, to])), 1);
    let text = if super::colour() { paint(&text) } else { text };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes (or, with `check`, compares) the diffs the book links to.
fn write_book_diffs(check: bool) -> Result<ExitCode> {
    let diff = |(from, to): (usize, usize)| -> Result<(String, String)> {
        let text = diff_stages(Tree::Worktree, STAGES[from - 1], STAGES[to - 1])?;
        Ok((format!("step{from}-to-step{to}.diff"), text))
    };
    crate::generated::Generated {
        dir: "docs/src/diffs",
        extension: "diff",
        command: "just diffs",
        files: BOOK_DIFFS.into_iter().map(diff).collect::<Result<_>>()?,
        skipped: Vec::new(),
    }
    .write_or_check(check)
}

/// Where the stages' files are read from: git's `HEAD`, or the files on disk,
/// asked for (`Worktree`) or because there is no git history (`NoGit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tree {
    Head,
    Worktree,
    NoGit,
}

impl Tree {
    /// `HEAD` unless the working copy is asked for or git is not there.
    fn choose(worktree: bool) -> Tree {
        if worktree {
            Tree::Worktree
        } else if git(&["rev-parse", "--verify", "-q", "HEAD"]).is_ok() {
            Tree::Head
        } else {
            Tree::NoGit
        }
    }

    /// The header lines saying where the stages come from, with the files of
    /// `stages` that differ from `HEAD` when the working copy is shown.
    fn describe(self, stages: &[Stage]) -> String {
        let head = "# The stages as committed (git HEAD); --worktree shows your working copy.\n";
        let disk = "# The stages as on disk (no git history here to show them as committed).\n";
        match self {
            Tree::Head => head.to_string(),
            Tree::NoGit => disk.to_string(),
            Tree::Worktree => {
                let list: String = modified_files(stages)
                    .iter()
                    .map(|f| format!("\n#   {f}"))
                    .collect();
                let list = if list.is_empty() { " none" } else { &list };
                format!("# Your working copy (--worktree). Files changed since git HEAD:{list}\n")
            }
        }
    }

    /// The paths under `crates/PACKAGE/`, relative to it (on disk: its manifest and Rust files).
    fn list(self, package: &str) -> Result<Vec<String>> {
        let dir = format!("crates/{package}");
        if self == Tree::Head {
            // Run in a subdirectory, git lists that directory, relative to it.
            let listing = git(&["-C", &dir, "ls-tree", "-r", "--name-only", "HEAD"])?;
            return Ok(listing.lines().map(str::to_string).collect());
        }
        let root = stages::workspace_root().join(&dir);
        let mut paths = vec!["Cargo.toml".to_string()];
        for file in crate::course::book::files_under(&root, "rs")? {
            let path = file.strip_prefix(&root).unwrap_or(&file);
            paths.push(path.to_string_lossy().replace('\\', "/"));
        }
        Ok(paths)
    }

    fn read(self, package: &str, path: &str) -> Result<String> {
        let path = format!("crates/{package}/{path}");
        match self {
            Tree::Head => git(&["show", &format!("HEAD:{path}")]),
            _ => std::fs::read_to_string(stages::workspace_root().join(&path))
                .with_context(|| format!("cannot read {path}")),
        }
    }
}

/// Runs git at the top of the workspace and returns what it printed.
fn git(args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(stages::workspace_root())
        .output()
        .context("cannot run git")?;
    ensure!(output.status.success(), "git {args:?} failed");
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The files of `stages` (tracked or new) that differ from `HEAD`.
pub(crate) fn modified_files(stages: &[Stage]) -> Vec<String> {
    let in_stages = |path: &&str| {
        let package = path.split('/').nth(1);
        stages.iter().any(|s| Some(s.package) == package)
    };
    let status = git(&["status", "--porcelain", "--untracked-files=all", "crates"]);
    // Each line is `XY PATH`: two status letters, a space, the path.
    let status = status.unwrap_or_default();
    let paths = status.lines().filter_map(|l| l.get(3..)).filter(in_stages);
    paths.map(str::to_string).collect()
}

/// A file as one stage has it.
struct Source {
    stage: Stage,
    /// The file's name in the diff's `---` and `+++` lines: `step1/src/main.rs`.
    name: String,
    text: String,
}

/// The files of `stage` that the diff looks at: `Cargo.toml` and `src/`, but
/// not the unit tests (`tests.rs`, like `tests/`, tell their own story). By
/// role: their path, or `echo: PATH` for step 2's echo pair.
fn sources(tree: Tree, stage: Stage) -> Result<BTreeMap<String, Source>> {
    let mut files = BTreeMap::new();
    for path in tree.list(stage.package)? {
        let source =
            path.starts_with("src/") && path.ends_with(".rs") && !path.ends_with("tests.rs");
        if path != "Cargo.toml" && !source {
            continue;
        }
        let text = without_anchors(&tree.read(stage.package, &path)?);
        let name = format!("step{}/{path}", stage.number);
        let echo = if source && !stage.http { "echo: " } else { "" };
        files.insert(format!("{echo}{path}"), Source { stage, name, text });
    }
    Ok(files)
}

/// The text without the book's `// ANCHOR: name` and `// ANCHOR_END: name`
/// lines: mdBook drops them from listings, and so does the diff.
fn without_anchors(text: &str) -> String {
    static ANCHOR: LazyLock<Regex> = LazyLock::new(|| pattern(r"^\s*(//|#).*ANCHOR(_END)?:"));
    let kept = text.lines().filter(|l| !ANCHOR.is_match(l));
    kept.map(|l| format!("{l}\n")).collect()
}

/// A line with every stage's crate name (`step3-pico-tcp`, `step3_pico_tcp`)
/// replaced by one placeholder, for comparing lines across stages.
fn normalise(line: &str) -> String {
    STAGES.iter().fold(line.to_string(), |line, stage| {
        line.replace(stage.package, "<stage>")
            .replace(&stage.package.replace('-', "_"), "<stage>")
    })
}

/// The whole diff from stage `from` to stage `to`, as plain text.
fn diff_stages(tree: Tree, from: Stage, to: Stage) -> Result<String> {
    let new = sources(tree, to)?;
    // A file that `from` lacks is compared with the nearest earlier stage
    // that has it: the stages before `to` are read oldest first, so that a
    // nearer one overwrites, and `from` last, so that its files win.
    let earlier = STAGES.iter().filter(|s| s.number < to.number);
    let mut old = BTreeMap::new();
    for stage in earlier.chain([&from]) {
        let files = sources(tree, *stage)?.into_iter();
        old.extend(files.filter(|(role, _)| *stage == from || new.contains_key(role)));
    }
    let mut roles: Vec<&String> = old.keys().chain(new.keys()).collect();
    // The order a reader meets the files in: the manifest, the crate root,
    // the program, then the modules alphabetically.
    let first = ["Cargo.toml", "src/lib.rs", "src/main.rs"];
    roles.sort_by_key(|role| {
        let rank = first.iter().position(|f| f == role);
        (rank.unwrap_or(first.len()), *role)
    });
    roles.dedup();
    let mut rows = Vec::new();
    for role in roles {
        let (state, hunks) = file_row(old.get(role), new.get(role), from);
        rows.push((role, state, hunks));
    }
    let mut out = title(from, to) + "#\n# Files:\n";
    for group in ["new", "changed", "unchanged", "only"] {
        for (role, state, _) in rows.iter().filter(|(_, state, _)| state.starts_with(group)) {
            let _ = writeln!(out, "#   {role:<24} {state}");
        }
    }
    rows.iter().for_each(|(_, _, hunks)| out.push_str(hunks));
    Ok(out)
}

/// The diff's first lines: which stages, and what it leaves out.
fn title(from: Stage, to: Stage) -> String {
    let (a, b) = (from.number, to.number);
    let (from, to) = (from.package, to.package);
    let mut out = format!(
        "# just diff {a} {b}: from step {a} ({from}) to step {b} ({to})\n\
         # Sources only: Cargo.toml and src/ (unit tests, tests/ and ANCHOR marker lines left out).\n\
         # Crate names count as equal ({from} = {to}), so only the replaced layer shows.\n",
    );
    if a == 2 || b == 2 {
        out.push_str(
            "# Step 2 is the article's socket tangent: an echo server and client that share no\n\
             # source file with the HTTP stages. Files a stage lacks are compared with the\n\
             # nearest earlier stage that has them (step 3 picks up from step 1).\n",
        );
    }
    out
}

/// A file's state in the file list (`new`, `changed since step 1, +3 -1`...)
/// and its hunks, from `before` (none: a new file) to `after` (none: only in
/// step `from`). A `before` from another stage than `from` is named.
fn file_row(before: Option<&Source>, after: Option<&Source>, from: Stage) -> (String, String) {
    let Some(after) = after else {
        let lines = before.map_or(0, |b| b.text.lines().count());
        let state = format!("only in step {} ({lines} lines)", from.number);
        return (state, String::new());
    };
    let old_name = before.map_or("/dev/null", |b| b.name.as_str());
    let old_text = before.map_or("", |b| b.text.as_str());
    let (hunks, added, removed) = file_diff((old_name, &after.name), old_text, &after.text);
    let since = match before {
        None => return (format!("new, {added} lines"), hunks),
        Some(before) if before.stage != from => format!(" since step {}", before.stage.number),
        Some(_) => String::new(),
    };
    let state = if hunks.is_empty() {
        format!("unchanged{since}")
    } else {
        format!("changed{since}, +{added} -{removed}")
    };
    (state, hunks)
}

/// The unified diff of one file (empty when nothing changed) and the number of
/// lines added and removed. Lines compare with the crate names made equal (the
/// key given to `similar`); unchanged lines are written as `after` has them.
fn file_diff(names: (&str, &str), before: &str, after: &str) -> (String, usize, usize) {
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let ops = capture_diff_slices_by_key(Algorithm::Myers, &old, &new, |l| normalise(l));
    let changes = ops.iter().filter(|op| op.tag() != DiffTag::Equal);
    let added: usize = changes.clone().map(|op| op.new_range().len()).sum();
    let removed: usize = changes.map(|op| op.old_range().len()).sum();
    if added + removed == 0 {
        return (String::new(), 0, 0);
    }
    let mut out = format!("--- {}\n+++ {}\n", names.0, names.1);
    // Three lines of unchanged context around each change, as in `diff -u`.
    for hunk in group_diff_ops(ops, 3) {
        let _ = writeln!(out, "{}", UnifiedHunkHeader::new(&hunk));
        for change in hunk.iter().flat_map(|op| op.iter_changes(&old, &new)) {
            let line = change.new_index().map_or(change.value(), |i| new[i]);
            let _ = writeln!(out, "{}{line}", change.tag());
        }
    }
    (out, added, removed)
}

/// The diff with ANSI colours: red deletions, green insertions, cyan hunk
/// headers, bold file headers and notes.
fn paint(text: &str) -> String {
    let paint_line = |line: &str| {
        let colour = match line.as_bytes() {
            [b'+', b'+', b'+', ..] | [b'-', b'-', b'-', ..] | [b'#', ..] => "1",
            [b'+', ..] => "32",
            [b'-', ..] => "31",
            [b'@', b'@', ..] => "36",
            _ => "",
        };
        super::ansi(colour, line, !colour.is_empty()) + "\n"
    };
    text.lines().map(paint_line).collect()
}

#[cfg(test)]
mod tests;
