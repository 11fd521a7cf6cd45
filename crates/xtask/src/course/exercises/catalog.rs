//! The exercises, as teachers write them in `docs/exercises.toml`: the one
//! list that `just exercises`, `just hint`, the proof in CI and the book's
//! Exercises pages all read. The file's header says how to add an exercise.
//!
//! An exercise named `ch4-keep-alive` is checked by the `ch4_keep_alive`
//! module of `crates/<package>/tests/exercises.rs`, and solved by
//! `docs/solutions/ch4-keep-alive.patch`.

use std::fs;

use anyhow::{Context, Result};
use toml::{Table, Value};

use crate::stages::workspace_root;

/// The catalog, relative to the workspace.
pub(crate) const SOURCE: &str = "docs/exercises.toml";

#[derive(Debug)]
pub(crate) struct Catalog {
    /// The overview page's texts: before its table of every exercise, and after.
    pub intro: String,
    pub for_teachers: String,
    /// In the order of the book.
    pub chapters: Vec<Chapter>,
}

/// A page of exercises, for one chapter of the book.
#[derive(Debug)]
pub(crate) struct Chapter {
    /// The page: `docs/src/exercises/<page>.md`.
    pub page: String,
    pub title: String,
    /// The crate the learner works in, whose `tests/exercises.rs` checks it.
    pub package: String,
    /// The chapter of the book the exercises extend; its link is relative to the page.
    pub chapter_title: String,
    pub chapter_link: String,
    /// What the page says before the exercises.
    pub intro: String,
    pub exercises: Vec<Exercise>,
}

#[derive(Debug)]
pub(crate) struct Exercise {
    pub name: String,
    /// Its chapter's crate.
    pub package: String,
    pub title: String,
    /// What to build, in Markdown.
    pub goal: String,
    /// Revealed one at a time by `just hint NAME`.
    pub hints: Vec<String>,
}

impl Exercise {
    /// The test module that checks it: the name with `_` for `-`.
    pub(crate) fn module(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The reference solution, relative to the workspace.
    pub(crate) fn solution(&self) -> String {
        format!("docs/solutions/{}.patch", self.name)
    }

    /// The file with its checks, relative to the workspace.
    pub(crate) fn checks(&self) -> String {
        format!("crates/{}/tests/exercises.rs", self.package)
    }
}

impl Catalog {
    pub(crate) fn load() -> Result<Catalog> {
        let path = workspace_root().join(SOURCE);
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {SOURCE}"))
    }

    fn parse(text: &str) -> Result<Catalog> {
        let file: Table = text.parse()?;
        let overview = file.get("overview").and_then(Value::as_table);
        let overview = overview.context("no [overview] table")?;
        Ok(Catalog {
            intro: text_of(overview, "intro")?,
            for_teachers: text_of(overview, "for-teachers")?,
            chapters: tables(&file, "chapter")?
                .map(chapter)
                .collect::<Result<_>>()?,
        })
    }

    /// Every exercise, in the order of the book.
    pub(crate) fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.chapters.iter().flat_map(|chapter| &chapter.exercises)
    }

    pub(crate) fn find(&self, name: &str) -> Result<&Exercise> {
        self.exercises().find(|e| e.name == name).with_context(|| {
            let names: Vec<&str> = self.exercises().map(|e| e.name.as_str()).collect();
            format!("no exercise called '{name}'; there are: {names:?}")
        })
    }

    /// The exercises named, or all of them.
    pub(crate) fn select(&self, names: &[&str]) -> Result<Vec<&Exercise>> {
        if names.is_empty() {
            return Ok(self.exercises().collect());
        }
        names.iter().map(|name| self.find(name)).collect()
    }
}

fn chapter(table: &Table) -> Result<Chapter> {
    let page = text_of(table, "page")?;
    let package = text_of(table, "package")?;
    let exercises = tables(table, "exercise")?.map(|entry| exercise(entry, &package));
    let text = |key| text_of(table, key).with_context(|| format!("chapter {page}"));
    Ok(Chapter {
        title: text("title")?,
        chapter_title: text("chapter-title")?,
        chapter_link: text("chapter-link")?,
        intro: text("intro")?,
        exercises: exercises.collect::<Result<_>>()?,
        page,
        package,
    })
}

fn exercise(table: &Table, package: &str) -> Result<Exercise> {
    let name = text_of(table, "name")?;
    let text = |key| text_of(table, key).with_context(|| name.clone());
    let hints = table.get("hints").cloned().map(Value::try_into);
    Ok(Exercise {
        package: package.to_string(),
        title: text("title")?,
        goal: text("goal")?,
        hints: (hints.and_then(Result::ok))
            .with_context(|| format!("{name}: `hints` is not a list of texts"))?,
        name,
    })
}

/// The entries of the array of tables `[[key]]` in `table`.
fn tables<'a>(table: &'a Table, key: &str) -> Result<impl Iterator<Item = &'a Table>> {
    let array = table.get(key).and_then(Value::as_array);
    let array = array.with_context(|| format!("no [[{key}]] entries"))?;
    Ok(array.iter().filter_map(Value::as_table))
}

fn text_of(table: &Table, key: &str) -> Result<String> {
    let text = table.get(key).and_then(Value::as_str).map(str::to_string);
    text.with_context(|| format!("no text `{key}`"))
}

#[cfg(test)]
mod tests;
