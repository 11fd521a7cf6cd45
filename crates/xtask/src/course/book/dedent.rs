//! `book dedent`: an mdBook preprocessor that strips the common indentation
//! of every fenced code block, so that an excerpt of a method, included with
//! `{{#include file.rs:anchor}}`, starts in the first column as a listing
//! should. mdBook's include cannot dedent; this runs after it
//! (`after = ["links"]` in `docs/book.toml`).
//!
//! The protocol: mdBook first asks `book dedent supports RENDERER` (any
//! renderer will do: exit 0), then runs `book dedent` with `[context, book]`
//! as JSON on stdin and reads the book back, changed, on stdout.

use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::Value;

pub(crate) fn run(args: &[&str]) -> Result<ExitCode> {
    if args.first() == Some(&"supports") {
        return Ok(ExitCode::SUCCESS);
    }
    let (_context, mut book): (Value, Value) = serde_json::from_reader(std::io::stdin().lock())
        .context("expected mdBook's JSON [context, book] on stdin")?;
    dedent_chapters(&mut book);
    serde_json::to_writer(std::io::stdout().lock(), &book)?;
    Ok(ExitCode::SUCCESS)
}

/// Dedents the `content` of every chapter, sub-chapters included, wherever
/// they sit in the book's JSON.
fn dedent_chapters(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(chapter)) = map.get_mut("Chapter") {
                if let Some(Value::String(content)) = chapter.get_mut("content") {
                    *content = dedent_code_blocks(content);
                }
            }
            map.values_mut().for_each(dedent_chapters);
        }
        Value::Array(items) => items.iter_mut().for_each(dedent_chapters),
        _ => {}
    }
}

/// The Markdown with the common leading whitespace of each fenced code block
/// removed; everything else, the fences included, is left as it is.
pub(crate) fn dedent_code_blocks(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut block: Option<(String, Vec<&str>)> = None;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        match (&mut block, fence) {
            (None, Some(fence)) => {
                out.push_str(line);
                block = Some((fence.to_string(), Vec::new()));
            }
            (Some((open, lines)), Some(fence)) if *open == fence && trimmed.trim_end() == fence => {
                out.push_str(&dedent(lines));
                out.push_str(line);
                block = None;
            }
            (Some((_, lines)), _) => lines.push(line),
            (None, None) => out.push_str(line),
        }
    }
    if let Some((_, lines)) = block {
        out.push_str(&lines.concat());
    }
    out
}

/// The lines without the leading whitespace all non-blank ones share; blank
/// lines lose all of theirs.
fn dedent<'a>(lines: &[&'a str]) -> String {
    let unindented = |line: &&'a str| line.trim_start_matches([' ', '\t']);
    let blank = |line: &&str| line.trim().is_empty();
    let indents = lines.iter().filter(|l| !blank(l));
    let common = indents.map(|l| l.len() - unindented(l).len()).min();
    let dedent = |line: &&'a str| match blank(line) {
        true => unindented(line),
        false => &line[common.unwrap_or(0)..],
    };
    lines.iter().map(dedent).collect()
}

#[cfg(test)]
mod tests;
