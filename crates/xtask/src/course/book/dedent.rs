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
    if let Some(Value::String(content)) = value.pointer_mut("/Chapter/content") {
        *content = dedent_code_blocks(content);
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(dedent_chapters),
        Value::Array(items) => items.iter_mut().for_each(dedent_chapters),
        _ => {}
    }
}

/// `text` with each fenced code block, its fences included, replaced by
/// `with(lines, closed)`. A block opened by ```` ``` ```` or `~~~` (an info
/// string may follow) is closed only by the same fence alone on its line; one
/// never closed runs to the end.
pub(super) fn replace_code_blocks(text: &str, with: impl Fn(&[&str], bool) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open = None;
    let mut block = Vec::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        if open.is_none() && fence.is_none() {
            out.push_str(line);
            continue;
        }
        block.push(line);
        if open.is_none() {
            open = fence;
        } else if open == fence && Some(trimmed.trim_end()) == fence {
            out.push_str(&with(&block, true));
            open = None;
            block.clear();
        }
    }
    out + &with(&block, false)
}

/// The Markdown with the common leading whitespace of each fenced code block
/// removed; everything else, the fences included, is left as it is.
pub(crate) fn dedent_code_blocks(markdown: &str) -> String {
    replace_code_blocks(markdown, |block, closed| match block {
        [open, lines @ .., close] if closed => format!("{open}{}{close}", dedent(lines)),
        // A block never closed is left as it was.
        _ => block.concat(),
    })
}

/// The lines without the leading whitespace all non-blank ones share; blank
/// lines lose all of theirs.
fn dedent(lines: &[&str]) -> String {
    let indent = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let blank = |line: &str| line.trim().is_empty();
    let indents = lines.iter().filter(|l| !blank(l)).map(|l| indent(l));
    let common = indents.min().unwrap_or(0);
    let cut = |line: &str| if blank(line) { indent(line) } else { common };
    lines.iter().map(|line| &line[cut(line)..]).collect()
}

#[cfg(test)]
mod tests;
