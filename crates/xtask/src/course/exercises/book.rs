//! The book's Exercises pages, made from the catalog and the checks' doc
//! comments: `docs/src/exercises/` holds an overview (`README.md`) and one
//! page per chapter. `book` writes them; `book --check` (and a test) fails
//! when they differ from what the catalog and the checks make.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::catalog::{CHAPTERS, Chapter, EXERCISES};
use super::rubric;
use crate::stages::workspace_root;

/// Where the pages live.
fn pages_dir() -> PathBuf {
    workspace_root().join("docs/src/exercises")
}

/// Every page: (file name, contents).
pub(crate) fn pages() -> Vec<(String, String)> {
    let mut pages = vec![("README.md".to_string(), overview())];
    for chapter in CHAPTERS {
        pages.push((format!("{}.md", chapter.slug), chapter_page(chapter)));
    }
    pages
}

/// The lines `docs/src/SUMMARY.md` needs for these pages.
pub(crate) fn summary_lines() -> String {
    CHAPTERS
        .iter()
        .map(|c| format!("  - [{}](exercises/{}.md)\n", c.title, c.slug))
        .collect()
}

const MADE_FROM_CATALOG: &str = "<!-- Made by `just exercises-book` from crates/xtask/src/course/exercises/catalog.rs and the doc comments of the checks in crates/*/tests/exercises.rs: edit those, not this page. -->";

fn overview() -> String {
    let mut page = format!(
        "{MADE_FROM_CATALOG}\n\n# Exercises\n\n\
         Each exercise extends one stage. You change the stage's code; a check, made \
         of real tests that start the real program and talk to it over real sockets, \
         says whether it does what the exercise asks. The checks are `#[ignore]`d \
         tests in each stage's `tests/exercises.rs`, so `cargo test` stays green \
         while you work.\n\n\
         ## How to work on one\n\n\
         ```sh\n\
         just exercises              # every exercise, solved or not\n\
         just exercise ch4-ranges    # check one: each test is a line of its rubric\n\
         just hint ch4-ranges        # the next hint (again for the one after)\n\
         just hint ch4-ranges --reset\n\
         ```\n\n\
         Without `just`: `cargo run -q -p xtask -- exercise ch4-ranges`, or run the \
         tests directly with `cargo test -p step4-pico-http --test exercises -- \
         --ignored ch4_ranges::`.\n\n\
         `just hint` shows one hint more each time you run it (it remembers in \
         `target/exercise-hints/`). A reference solution for each exercise is in \
         `docs/solutions/NAME.patch`, a diff a teacher can read, or apply to a copy of \
         the workspace with `git apply docs/solutions/NAME.patch`.\n\n\
         The exercises are independent: each one starts from the workspace as it is \
         shipped. CI proves every one of them (`just exercises-prove`): in a \
         temporary copy of the workspace, each check of what you build must fail as \
         shipped, each check of what must still work must pass, and all must pass \
         once its reference solution is applied.\n\n\
         ## The exercises\n\n\
         | Exercise | Chapter | What you build |\n\
         | --- | --- | --- |\n"
    );
    for exercise in EXERCISES {
        page.push_str(&format!(
            "| [`{}`]({}.md#{}) | {} | {} |\n",
            exercise.name,
            exercise.chapter.slug,
            exercise.name,
            exercise.chapter.chapter_title,
            exercise.title
        ));
    }
    page.push_str(
        "\n## For teachers\n\n\
         `just exercises` on a learner's machine lists what is solved. Each check's \
         doc comment is a line of the rubric; `just exercise NAME` prints them with a \
         ✓ or ✗ and, for each ✗, what the test saw, in words. A doc comment that starts \
         with \"Still works:\" marks a check of what the stage already does, shown apart \
         and not counted as progress. To add an exercise: an entry in \
         `crates/xtask/src/course/exercises/catalog.rs`, a module of `#[ignore]`d tests named \
         after it in the stage's `tests/exercises.rs`, a solution in \
         `docs/solutions/`, then `just exercises-book` and `just exercises-prove`. \
         When the stages change under the solutions, `just exercises-refresh` applies \
         each patch with some fuzz and writes it again against the current code.\n",
    );
    page
}

fn chapter_page(chapter: &Chapter) -> String {
    let mut page = format!(
        "{MADE_FROM_CATALOG}\n\n# {}\n\n{}\n\nThese exercises extend the chapter \
         [{}]({}). Work in `crates/{}`; the checks are in \
         `crates/{}/tests/exercises.rs`.\n",
        chapter.title,
        chapter.intro,
        chapter.chapter_title,
        chapter.chapter_link,
        chapter.package,
        chapter.package
    );
    for exercise in EXERCISES.iter().filter(|e| e.chapter.slug == chapter.slug) {
        page.push_str(&format!(
            "\n<a id=\"{}\"></a>\n\n## {}\n\n`{}`\n\n{}\n\n",
            exercise.name, exercise.title, exercise.name, exercise.goal
        ));
        for (i, hint) in exercise.hints.iter().enumerate() {
            page.push_str(&format!(
                "<details>\n<summary>Hint {}</summary>\n\n{hint}\n\n</details>\n\n",
                i + 1
            ));
        }
        let checks = rubric(exercise).unwrap_or_default();
        let lines = |still: bool| -> String {
            let group = checks.iter().filter(|c| c.still_works == still);
            group.map(|c| format!("- {}\n", c.line)).collect()
        };
        let still = match lines(true) {
            none if none.is_empty() => none,
            some => format!("\nWhat must still work (it does as shipped):\n\n{some}"),
        };
        page.push_str(&format!(
            "**Check it** with `just exercise {name}`. What you build:\n\n{}{still}\n\
             Reference solution: `docs/solutions/{name}.patch`.\n",
            lines(false),
            name = exercise.name
        ));
    }
    page
}

/// `exercises book`: writes every page.
pub(crate) fn write() -> Result<ExitCode> {
    let dir = pages_dir();
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, contents) in pages() {
        let path = dir.join(&name);
        fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    println!(
        "\nThe book's SUMMARY.md lists them with, under \"Exercises\":\n\n{}",
        summary_lines()
    );
    Ok(ExitCode::SUCCESS)
}

/// The pages that differ from what the catalog makes.
pub(crate) fn stale_pages() -> Vec<String> {
    let dir = pages_dir();
    pages()
        .into_iter()
        .filter(|(name, contents)| {
            fs::read_to_string(dir.join(name)).ok().as_ref() != Some(contents)
        })
        .map(|(name, _)| format!("docs/src/exercises/{name}"))
        .collect()
}

/// `exercises book --check`.
pub(crate) fn check() -> Result<ExitCode> {
    let stale = stale_pages();
    if stale.is_empty() {
        println!("The Exercises pages match the catalog.");
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "These pages differ from the catalog and the checks: {}\nRun `just exercises-book`.",
        stale.join(", ")
    );
    Ok(ExitCode::FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_pages_match_the_catalog() {
        let stale = stale_pages();
        assert!(
            stale.is_empty(),
            "{stale:?} differ from the catalog: run `just exercises-book`"
        );
    }

    #[test]
    fn the_summary_lists_every_exercise_page() {
        let summary =
            fs::read_to_string(workspace_root().join("docs/src/SUMMARY.md")).unwrap_or_default();
        for line in summary_lines().lines() {
            assert!(
                summary.contains(line.trim()),
                "docs/src/SUMMARY.md lacks {line:?}"
            );
        }
    }
}
