//! The book's Exercises pages, made from the catalog and the checks' doc
//! comments: `docs/src/exercises/` holds an overview (`README.md`) and one
//! page per chapter. `book` writes them; `book --check` (and a test) fails
//! when they differ from what the catalog and the checks make.

use std::process::ExitCode;

use anyhow::Result;

use super::catalog::{Catalog, Chapter, Exercise};
use super::rubric;
use crate::generated::Generated;

/// Every page, to write or check.
pub(crate) fn pages(catalog: &Catalog) -> Generated {
    let mut pages = vec![("README.md".to_string(), overview(catalog))];
    for chapter in &catalog.chapters {
        pages.push((format!("{}.md", chapter.page), chapter_page(chapter)));
    }
    Generated {
        dir: "docs/src/exercises",
        extension: "md",
        command: "just exercises-book",
        files: pages,
        skipped: Vec::new(),
    }
}

/// The lines `docs/src/SUMMARY.md` needs for these pages.
pub(crate) fn summary_lines(catalog: &Catalog) -> String {
    let chapters = catalog.chapters.iter();
    chapters
        .map(|c| format!("  - [{}](exercises/{}.md)\n", c.title, c.page))
        .collect()
}

/// The first line of every page (a test checks that it names the catalog).
const MADE_FROM: &str = "<!-- Made by `just exercises-book` from docs/exercises.toml and the doc comments of the checks in crates/*/tests/exercises.rs: edit those, not this page. -->";

fn overview(catalog: &Catalog) -> String {
    let mut page = format!(
        "{}\n\n# Exercises\n\n{}\n\n## The exercises\n\n\
         | Exercise | Chapter | What you build |\n| --- | --- | --- |\n",
        MADE_FROM, catalog.intro
    );
    for chapter in &catalog.chapters {
        let (file, chapter_title) = (&chapter.page, &chapter.chapter_title);
        for Exercise { name, title, .. } in &chapter.exercises {
            page += &format!("| [`{name}`]({file}.md#{name}) | {chapter_title} | {title} |\n");
        }
    }
    page += &format!("\n## For teachers\n\n{}\n", catalog.for_teachers);
    page
}

fn chapter_page(chapter: &Chapter) -> String {
    let (title, intro, package) = (&chapter.title, &chapter.intro, &chapter.package);
    let link = format!("[{}]({})", chapter.chapter_title, chapter.chapter_link);
    let mut page = format!(
        "{MADE_FROM}\n\n# {title}\n\n{intro}\n\nThese exercises extend the chapter {link}. Work in \
         `crates/{package}`; the checks are in `crates/{package}/tests/exercises.rs`.\n"
    );
    page.extend(chapter.exercises.iter().map(section));
    page
}

/// An exercise's part of its chapter's page: its goal, its hints folded
/// away, and its rubric, from the doc comments of its checks.
fn section(exercise: &Exercise) -> String {
    let name = &exercise.name;
    let hints = (exercise.hints.iter().zip(1..)).map(|(hint, n)| {
        format!("<details>\n<summary>Hint {n}</summary>\n\n{hint}\n\n</details>\n\n")
    });
    let checks = rubric(exercise).unwrap_or_default();
    let lines = |still: bool| -> String {
        let group = checks.iter().filter(|c| c.still_works == still);
        group.map(|c| format!("- {}\n", c.line)).collect()
    };
    let still = match lines(true) {
        none if none.is_empty() => none,
        some => format!("\nWhat must still work (it does as shipped):\n\n{some}"),
    };
    format!(
        "\n<a id=\"{name}\"></a>\n\n## {}\n\n`{name}`\n\n{}\n\n{}**Check it** with \
         `just exercise {name}`. What you build:\n\n{}{still}\n\
         Reference solution: `docs/solutions/{name}.patch`.\n",
        exercise.title,
        exercise.goal,
        hints.collect::<String>(),
        lines(false),
    )
}

/// `exercises book [--check]`: writes (or compares) every page.
pub(crate) fn write(catalog: &Catalog, check: bool) -> Result<ExitCode> {
    let status = pages(catalog).write_or_check(check)?;
    if !check {
        println!(
            "\nThe book's SUMMARY.md lists them with, under \"Exercises\":\n\n{}",
            summary_lines(catalog)
        );
    }
    Ok(status)
}

#[cfg(test)]
mod tests;
