//! `just diff A B`: what changed from stage A to stage B, as a unified diff.
//!
//! The stages are separate crates, so a plain `diff -ru` drowns the one layer a
//! chapter replaces in noise: every `use step3_pico_tcp::...` line, the package
//! name, files that only moved. This diff
//!
//! - compares `Cargo.toml` and `src/` (unit tests in `src/**/tests.rs` and the
//!   `tests/` folders are left out: they tell their own story);
//! - matches files by their role, not their path (see [`ROLES`]), so a renamed
//!   file is diffed against its old self;
//! - treats the crate names of all stages as one word, so only real changes show;
//! - compares a file that stage A lacks with the nearest earlier stage that has
//!   it: step 2 is the article's socket tangent, and step 3 picks up from step 1.
//!
//! The line diff is Myers' O(ND) algorithm ("An O(ND) Difference Algorithm and
//! Its Variations", 1986), the one GNU diff and git use, printed with three
//! lines of context. `just diffs` writes the three consecutive diffs into
//! `docs/src/diffs/` for the book; CI checks that they are fresh.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::stages::{self, STAGES, Stage};

const USAGE: &str = "\
usage: just diff A B        what changed from stage A to stage B (stages 1 to 4)
       just diff --all      write the book's diffs into docs/src/diffs/
       just diff --all --check   fail if docs/src/diffs/ is not up to date";

/// Lines of unchanged context around each change, as in `diff -u`.
const CONTEXT: usize = 3;

/// Files whose role differs from their path: `(stage, path, role)`. Step 2's
/// files have roles of their own, so that its `src/lib.rs` (the echo helpers)
/// is not diffed against the HTTP stages' `src/lib.rs`. A stage that renames or
/// splits a file adds a line here, and its diff still pairs the right files.
const ROLES: &[(u8, &str, &str)] = &[
    (2, "src/lib.rs", "echo: src/lib.rs"),
    (2, "src/bin/server.rs", "echo: src/bin/server.rs"),
    (2, "src/bin/client.rs", "echo: src/bin/client.rs"),
];

/// The diffs committed for the book, `(from, to)`: the consecutive ones, and
/// step 1 to step 3, the listener chapter's change without the tangent between.
const BOOK_DIFFS: [(u8, u8); 4] = [(1, 2), (2, 3), (3, 4), (1, 3)];

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["--all"] => write_book_diffs(false),
        ["--all", "--check"] | ["--check", "--all"] => write_book_diffs(true),
        [a, b] => {
            let (Ok(from), Ok(to)) = (stages::stage(a), stages::stage(b)) else {
                return Ok(usage(&format!(
                    "'{a}' and '{b}' must be stage numbers, 1 to 4"
                )));
            };
            if from == to {
                return Ok(usage("give two different stages"));
            }
            let text = diff_stages(from, to)?;
            let mut stdout = std::io::stdout().lock();
            let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            stdout.write_all(if colour { paint(&text) } else { text }.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        ["-h" | "--help"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Ok(usage("expected two stage numbers")),
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\n{USAGE}");
    ExitCode::from(2)
}

/// Where the book keeps the diff from stage `from` to stage `to`.
pub(crate) fn book_diff_path(from: u8, to: u8) -> PathBuf {
    stages::workspace_root().join(format!("docs/src/diffs/step{from}-to-step{to}.diff"))
}

/// Writes (or, with `check`, compares) the diffs the book links to.
fn write_book_diffs(check: bool) -> Result<ExitCode> {
    let mut stale = Vec::new();
    for (from, to) in BOOK_DIFFS {
        let text = diff_stages(stage_numbered(from)?, stage_numbered(to)?)?;
        let path = book_diff_path(from, to);
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("wrote {} ({} lines)", path.display(), text.lines().count());
        }
    }
    if stale.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("out of date (run `just diffs` and commit the result):");
    for path in stale {
        eprintln!("  {path}");
    }
    Ok(ExitCode::FAILURE)
}

fn stage_numbered(number: u8) -> Result<Stage> {
    stages::stage(&number.to_string())
}

/// One source file of a stage.
#[derive(Debug)]
struct Source {
    path: String,
    text: String,
}

/// The files of `stage` that the diff looks at, by role.
fn sources(stage: Stage) -> Result<BTreeMap<String, Source>> {
    let root = stages::workspace_root().join("crates").join(stage.package);
    let mut paths = vec![root.join("Cargo.toml")];
    collect_rust_files(&root.join("src"), &mut paths)?;
    let mut files = BTreeMap::new();
    for path in paths {
        let relative = path.strip_prefix(&root).unwrap_or(&path);
        let relative = relative.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        files.insert(
            role_of(stage, &relative),
            Source {
                path: relative,
                text,
            },
        );
    }
    Ok(files)
}

fn collect_rust_files(dir: &Path, into: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_rust_files(&path, into)?;
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            into.push(path);
        }
    }
    Ok(())
}

fn role_of(stage: Stage, path: &str) -> String {
    ROLES
        .iter()
        .find(|(number, p, _)| *number == stage.number && *p == path)
        .map_or_else(|| path.to_string(), |(_, _, role)| (*role).to_string())
}

/// The order a reader meets the files in: the manifest, the crate root, the
/// program, then the modules alphabetically.
fn reading_order(role: &str) -> (u8, &str) {
    match role {
        "Cargo.toml" => (0, role),
        "src/lib.rs" => (1, role),
        "src/main.rs" => (2, role),
        _ => (3, role),
    }
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
pub(crate) fn diff_stages(from: Stage, to: Stage) -> Result<String> {
    let old = sources(from)?;
    let new = sources(to)?;
    let mut out = String::new();
    let (a, b) = (from.number, to.number);
    let _ = writeln!(
        out,
        "# just diff {a} {b}: from step {a} ({}) to step {b} ({})",
        from.package, to.package
    );
    let _ = writeln!(
        out,
        "# Sources only: Cargo.toml and src/ (unit tests and tests/ left out)."
    );
    let _ = writeln!(
        out,
        "# Crate names count as equal ({} = {}), so only the replaced layer shows.",
        from.package, to.package
    );
    if a == 2 || b == 2 {
        let _ = writeln!(
            out,
            "# Step 2 is the article's socket tangent: an echo server and client that share no\n\
             # source file with the HTTP stages. Files a stage lacks are compared with the\n\
             # nearest earlier stage that has them (step 3 picks up from step 1)."
        );
    }

    let mut roles: Vec<&String> = old.keys().chain(new.keys()).collect();
    roles.sort_by_key(|role| reading_order(role));
    roles.dedup();

    let mut unchanged = Vec::new();
    let mut unchanged_since = Vec::new();
    let mut only_old = Vec::new();
    let mut body = String::new();
    for role in roles {
        match (old.get(role), new.get(role)) {
            (Some(before), Some(after)) => {
                let new_name = format!("step{b}/{}", after.path);
                if !file_diff(
                    &mut body,
                    (&format!("step{a}/{}", before.path), &new_name),
                    before,
                    after,
                ) {
                    unchanged.push(after.path.clone());
                }
            }
            (None, Some(after)) => match earlier_version(role, from, to)? {
                Some((stage, before)) => {
                    let names = (
                        &format!("step{}/{}", stage.number, before.path),
                        &format!("step{b}/{}", after.path),
                    );
                    if !file_diff(
                        &mut body,
                        (names.0.as_str(), names.1.as_str()),
                        &before,
                        after,
                    ) {
                        unchanged_since.push((stage.number, after.path.clone()));
                    }
                }
                None => {
                    let empty = Source {
                        path: String::new(),
                        text: String::new(),
                    };
                    file_diff(
                        &mut body,
                        ("/dev/null", &format!("step{b}/{}", after.path)),
                        &empty,
                        after,
                    );
                }
            },
            (Some(before), None) => {
                only_old.push(format!(
                    "# Only in step {a}: {} ({} lines)",
                    before.path,
                    before.text.lines().count()
                ));
            }
            (None, None) => {}
        }
    }
    if !unchanged.is_empty() {
        let _ = writeln!(out, "# Unchanged: {}", unchanged.join(", "));
    }
    for stage in STAGES {
        let files: Vec<&str> = unchanged_since
            .iter()
            .filter(|(number, _)| *number == stage.number)
            .map(|(_, path)| path.as_str())
            .collect();
        if !files.is_empty() {
            let _ = writeln!(
                out,
                "# Unchanged since step {}: {}",
                stage.number,
                files.join(", ")
            );
        }
    }
    for line in only_old {
        let _ = writeln!(out, "{line}");
    }
    out.push_str(&body);
    Ok(out)
}

/// The file playing `role` in the nearest stage before `to` (other than
/// `from`), for files that `from` does not have.
fn earlier_version(role: &str, from: Stage, to: Stage) -> Result<Option<(Stage, Source)>> {
    for stage in STAGES
        .iter()
        .rev()
        .filter(|s| s.number < to.number && s.number != from.number)
    {
        let mut files = sources(*stage)?;
        if let Some(source) = files.remove(role) {
            return Ok(Some((*stage, source)));
        }
    }
    Ok(None)
}

/// Appends the unified diff of one file to `out`; false when there is no change.
fn file_diff(out: &mut String, names: (&str, &str), before: &Source, after: &Source) -> bool {
    let old: Vec<&str> = before.text.lines().collect();
    let new: Vec<&str> = after.text.lines().collect();
    let old_keys: Vec<String> = old.iter().map(|l| normalise(l)).collect();
    let new_keys: Vec<String> = new.iter().map(|l| normalise(l)).collect();
    let edits = myers(&old_keys, &new_keys);
    let hunks = hunks(&edits, CONTEXT);
    if hunks.is_empty() {
        return false;
    }
    let _ = writeln!(out, "--- {}", names.0);
    let _ = writeln!(out, "+++ {}", names.1);
    for hunk in hunks {
        let (old_start, old_len, new_start, new_len) = hunk.ranges(&edits);
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            range(old_start, old_len),
            range(new_start, new_len)
        );
        for edit in &edits[hunk.start..hunk.end] {
            let _ = match *edit {
                Edit::Same(_, j) => writeln!(out, " {}", new[j]),
                Edit::Delete(i) => writeln!(out, "-{}", old[i]),
                Edit::Insert(j) => writeln!(out, "+{}", new[j]),
            };
        }
    }
    true
}

/// A hunk range as `diff -u` writes it: 1-based start, length omitted when 1,
/// and a start one before the gap for an empty range.
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

/// One step of an edit script: keep old line i as new line j, delete old line
/// i, or insert new line j.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Same(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The shortest edit script from `old` to `new` (Myers 1986, greedy forward
/// search). Edit graph: x counts old lines, y new lines, diagonal k = x - y.
/// `v[k]` holds the furthest x reached on diagonal k with d edits; one copy of
/// `v` is kept per d, so that the path can be walked back from the end.
fn myers<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Edit> {
    let (n, m) = (old.len() as isize, new.len() as isize);
    let max = n + m;
    // Diagonals run from -max to max: shift them to non-negative indexes.
    let at = |k: isize| (k + max + 1) as usize;
    let mut v = vec![0isize; at(max) + 2];
    let mut trace = Vec::new();
    'search: for d in 0..=max {
        trace.push(v.clone());
        for k in (-d..=d).step_by(2) {
            // Come down from diagonal k + 1 (an insertion) or right from
            // k - 1 (a deletion), whichever got further.
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            // Then follow the "snake" of equal lines for free.
            while x < n && y < m && old[x as usize] == new[y as usize] {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                break 'search;
            }
        }
    }

    let mut edits = Vec::new();
    let (mut x, mut y) = (n, m);
    for (d, v) in trace.iter().enumerate().rev() {
        let (d, k) = (d as isize, x - y);
        let previous_k = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
            k + 1
        } else {
            k - 1
        };
        let previous_x = v[at(previous_k)];
        let previous_y = previous_x - previous_k;
        while x > previous_x && y > previous_y {
            x -= 1;
            y -= 1;
            edits.push(Edit::Same(x as usize, y as usize));
        }
        if d > 0 {
            if x == previous_x {
                edits.push(Edit::Insert(previous_y as usize));
            } else {
                edits.push(Edit::Delete(previous_x as usize));
            }
        }
        (x, y) = (previous_x, previous_y);
    }
    edits.reverse();
    edits
}

/// A run of edits to print together: changes plus their context.
#[derive(Debug, Clone, Copy)]
struct Hunk {
    start: usize,
    end: usize,
}

impl Hunk {
    /// (old start, old length, new start, new length), 0-based starts.
    fn ranges(&self, edits: &[Edit]) -> (usize, usize, usize, usize) {
        let (mut old_len, mut new_len) = (0, 0);
        let (mut old_start, mut new_start) = (None, None);
        for edit in &edits[self.start..self.end] {
            match *edit {
                Edit::Same(i, j) => {
                    old_start.get_or_insert(i);
                    new_start.get_or_insert(j);
                    old_len += 1;
                    new_len += 1;
                }
                Edit::Delete(i) => {
                    old_start.get_or_insert(i);
                    old_len += 1;
                }
                Edit::Insert(j) => {
                    new_start.get_or_insert(j);
                    new_len += 1;
                }
            }
        }
        let (old_at, new_at) = position_before(edits, self.start);
        (
            old_start.unwrap_or(old_at),
            old_len,
            new_start.unwrap_or(new_at),
            new_len,
        )
    }
}

/// How many old and new lines come before edit `index`.
fn position_before(edits: &[Edit], index: usize) -> (usize, usize) {
    edits[..index]
        .iter()
        .fold((0, 0), |(old, new), edit| match edit {
            Edit::Same(..) => (old + 1, new + 1),
            Edit::Delete(_) => (old + 1, new),
            Edit::Insert(_) => (old, new + 1),
        })
}

/// Groups the changes of `edits` into hunks with `context` lines around them;
/// changes closer than twice the context share a hunk, as in `diff -u`.
fn hunks(edits: &[Edit], context: usize) -> Vec<Hunk> {
    let changes: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| !matches!(e, Edit::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut hunks: Vec<Hunk> = Vec::new();
    for index in changes {
        let start = index.saturating_sub(context);
        let end = (index + 1 + context).min(edits.len());
        match hunks.last_mut() {
            Some(last) if start <= last.end => last.end = end,
            _ => hunks.push(Hunk { start, end }),
        }
    }
    hunks
}

/// The diff with ANSI colours: red deletions, green insertions, cyan hunk
/// headers, bold file headers and notes.
fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        let colour = if line.starts_with("+++") || line.starts_with("---") || line.starts_with('#')
        {
            "\x1b[1m"
        } else if line.starts_with('+') {
            "\x1b[32m"
        } else if line.starts_with('-') {
            "\x1b[31m"
        } else if line.starts_with("@@") {
            "\x1b[36m"
        } else {
            ""
        };
        if colour.is_empty() {
            let _ = writeln!(out, "{line}");
        } else {
            let _ = writeln!(out, "{colour}{line}\x1b[0m");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// Applies an edit script to `old`, to check that it really yields `new`.
    fn apply<'a>(edits: &[Edit], old: &[&'a str], new: &[&'a str]) -> Vec<&'a str> {
        let mut out = Vec::new();
        for edit in edits {
            match *edit {
                Edit::Same(i, j) => {
                    assert_eq!(old[i], new[j]);
                    out.push(new[j]);
                }
                Edit::Insert(j) => out.push(new[j]),
                Edit::Delete(_) => {}
            }
        }
        out
    }

    fn lines(text: &str) -> Vec<&str> {
        text.split(' ').filter(|w| !w.is_empty()).collect()
    }

    #[test]
    fn myers_finds_a_shortest_script() {
        // The paper's example: ABCABBA -> CBABAC in 5 edits.
        let cases = [
            ("A B C A B B A", "C B A B A C", 5),
            ("", "", 0),
            ("a b c", "", 3),
            ("", "a b c", 3),
            ("a b c", "a b c", 0),
            ("a b c d", "a x c d", 2),
            ("x a b", "a b y", 2),
        ];
        for (old, new, distance) in cases {
            let (old, new) = (lines(old), lines(new));
            let edits = myers(&old, &new);
            let changes = edits
                .iter()
                .filter(|e| !matches!(e, Edit::Same(..)))
                .count();
            assert_eq!(changes, distance, "{old:?} -> {new:?}: {edits:?}");
            assert_eq!(apply(&edits, &old, &new), new);
            let deleted = edits
                .iter()
                .filter(|e| matches!(e, Edit::Delete(_)))
                .count();
            assert_eq!(
                deleted + edits.iter().filter(|e| matches!(e, Edit::Same(..))).count(),
                old.len()
            );
        }
    }

    #[test]
    fn hunks_keep_three_lines_of_context_and_merge_close_changes() {
        let old: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
        let mut new = old.clone();
        new[9] = "ten".into();
        let one = myers(&old, &new);
        let found = hunks(&one, 3);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].ranges(&one), (6, 7, 6, 7));

        new[2] = "three".into();
        let two = myers(&old, &new);
        assert_eq!(
            hunks(&two, 3).len(),
            1,
            "changes 7 lines apart share a hunk"
        );
        new[2] = "3".into();
        new[18] = "nineteen".into();
        let far = myers(&old, &new);
        assert_eq!(hunks(&far, 3).len(), 2);
    }

    #[test]
    fn ranges_are_written_as_diff_writes_them() {
        assert_eq!(range(0, 0), "0,0");
        assert_eq!(range(4, 1), "5");
        assert_eq!(range(4, 7), "5,7");
    }

    #[test]
    fn crate_names_of_every_stage_compare_equal() {
        assert_eq!(
            normalise("use step1_oneliner::cli;"),
            normalise("use step4_pico_http::cli;")
        );
        assert_eq!(normalise("name = \"step3-pico-tcp\""), "name = \"<stage>\"");
        assert_ne!(normalise("//! Step 1"), normalise("//! Step 3"));
    }

    #[test]
    fn file_diff_shows_only_real_changes() {
        let before = Source {
            path: "src/main.rs".into(),
            text: "use step1_oneliner::cli;\nfn a() {}\n".into(),
        };
        let after = Source {
            path: "src/main.rs".into(),
            text: "use step3_pico_tcp::cli;\nfn b() {}\n".into(),
        };
        let mut out = String::new();
        assert!(file_diff(
            &mut out,
            ("step1/src/main.rs", "step3/src/main.rs"),
            &before,
            &after
        ));
        assert_eq!(
            out,
            "--- step1/src/main.rs\n+++ step3/src/main.rs\n@@ -1,2 +1,2 @@\n use step3_pico_tcp::cli;\n-fn a() {}\n+fn b() {}\n"
        );
        let same = Source {
            path: "src/main.rs".into(),
            text: "use step4_pico_http::cli;\nfn a() {}\n".into(),
        };
        assert!(!file_diff(&mut String::new(), ("a", "b"), &before, &same));
    }

    #[test]
    fn colour_only_marks_lines() {
        let painted = paint("+a\n-b\n c\n");
        assert!(painted.contains("\x1b[32m+a\x1b[0m") && painted.contains("\x1b[31m-b\x1b[0m"));
        assert!(painted.contains("\n c\n"));
    }
}
