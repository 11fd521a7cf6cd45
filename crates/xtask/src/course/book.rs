//! `book`: keeps the book in `docs/` honest.
//!
//! - `book check`: every `{{#include FILE:ANCHOR}}` of a chapter names a file
//!   and an anchor that exist, every link and image points at something that
//!   is there (down to the `#heading`), and every test a chapter names by its
//!   function name exists. The tests in `book/tests.rs` run it on the real
//!   book, so `cargo test` fails as soon as someone renames an anchor, a
//!   heading or a test that a chapter shows.
//! - `book transcripts [--check]`: runs the commands of `docs/transcripts.txt`
//!   and writes what they print to `docs/src/out/` (see `book/transcripts.rs`).
//! - `book screenshot`: the finale's picture, taken by a real browser (see
//!   `book/screenshot.rs`).
//! - `book dedent`: the mdBook preprocessor that dedents included listings
//!   (see `book/dedent.rs`).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use regex_lite::{Captures, Regex};

use super::copies;
use crate::pattern;
use crate::stages;

mod dedent;
mod screenshot;
mod transcripts;

const USAGE: &str = "\
usage: cargo run -p xtask -- book <command>

commands:
  check               includes, anchors, links and images of docs/src all exist
  transcripts         run docs/transcripts.txt, write docs/src/out/*.txt
  transcripts --check regenerate and compare, fail on any difference
  screenshot          step 4 on www/ in headless Chromium -> docs/src/img/finale.png
  dedent              mdBook preprocessor: strips the common indent of code blocks";

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["check"] => check_command(),
        ["transcripts"] => transcripts::run(false),
        ["transcripts", "--check"] => transcripts::run(true),
        ["screenshot"] => screenshot::run(),
        ["dedent", rest @ ..] => dedent::run(rest),
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

/// `docs/src`, where the chapters are.
fn book_src() -> PathBuf {
    stages::workspace_root().join("docs").join("src")
}

fn check_command() -> Result<ExitCode> {
    let crates = stages::workspace_root().join("crates");
    let mut report = check(&book_src())?;
    let problems = &mut report.problems;
    problems.extend(check_function_names(&book_src(), &crates)?);
    problems.extend(unused_anchors(&report.anchors, &stage_sources(&crates)?));
    for problem in problems.iter() {
        eprintln!("{problem}");
    }
    if !problems.is_empty() {
        eprintln!("{} problem(s) in the book", problems.len());
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "book ok: {} pages, {} includes, {} links and images checked",
        report.pages, report.includes, report.links
    );
    Ok(ExitCode::SUCCESS)
}

/// One broken include or link, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl Problem {
    /// A problem on the line numbered `index` from 0, as `lines().enumerate()` counts.
    fn at(file: &Path, index: usize, message: String) -> Problem {
        let file = file.to_path_buf();
        Problem {
            file,
            line: index + 1,
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// What `check` looked at, and what it found wrong.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub pages: usize,
    pub includes: usize,
    pub links: usize,
    /// Every included anchor: the file (normalised) and the anchor's name.
    pub anchors: BTreeSet<(PathBuf, String)>,
    pub problems: Vec<Problem>,
}

/// Checks the includes, links and images of every Markdown page under `src`.
pub(crate) fn check(src: &Path) -> Result<Report> {
    let mut report = Report::default();
    for (page, text) in pages(src)? {
        report.pages += 1;
        check_includes(&page, &text, &mut report);
        check_links(src, &page, &text, &mut report);
    }
    Ok(report)
}

/// Every Markdown page under `src`, in order, with its text.
fn pages(src: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut pages = files_under(src, "md")?;
    pages.sort();
    let read = |page: PathBuf| {
        let text = std::fs::read_to_string(&page);
        let text = text.with_context(|| format!("cannot read {}", page.display()))?;
        Ok((page, text))
    };
    pages.into_iter().map(read).collect()
}

/// Every file under `dir` whose extension is `extension` (build output skipped).
pub(crate) fn files_under(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() && !path.ends_with("target") {
            files.extend(files_under(&path, extension)?);
        } else if path.extension().is_some_and(|e| e == extension) {
            files.push(path);
        }
    }
    Ok(files)
}

/// mdBook expands `{{#include}}` everywhere, code blocks included: that is
/// where listings live.
fn check_includes(page: &Path, text: &str, report: &mut Report) {
    let dir = page.parent().unwrap_or(page);
    for (index, line) in text.lines().enumerate() {
        for include in directives(line) {
            let checked = include.and_then(|(path, selector)| {
                report.includes += 1;
                let anchor = selector.map(|name| (normalise(&dir.join(path)), name.trim().into()));
                report.anchors.extend(anchor);
                check_include(dir, path, selector)
            });
            if let Err(message) = checked {
                report.problems.push(Problem::at(page, index, message));
            }
        }
    }
}

/// Links are followed only where a reader sees them as links: in the prose.
fn check_links(src: &Path, page: &Path, text: &str, report: &mut Report) {
    for (index, line) in prose(text).lines().enumerate() {
        for target in link_targets(line) {
            report.links += 1;
            if let Err(message) = check_link(src, page, &target) {
                report.problems.push(Problem::at(page, index, message));
            }
        }
    }
}

/// The file and selector of an include: `{{#include FILE:SELECTOR}}`.
type Include<'a> = (&'a str, Option<&'a str>);

/// The `{{#include}}` (or `{{#rustdoc_include}}`) directives of a line; any
/// other directive is an error, most likely a typo (`title` and `playground`
/// are mdBook's too, and pass). `\{{#include ...}}` shows a directive as text.
fn directives(line: &str) -> Vec<Result<Include<'_>, String>> {
    static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(\\?)\{\{#([^}]*)(\}\})?"));
    let unknown = |name: &str| Some(Err(format!("unknown mdBook directive '{{{{#{name}'")));
    let found = DIRECTIVE.captures_iter(line).filter_map(|directive| {
        let body = directive.get(2).map_or("", |m| m.as_str()).trim();
        let (name, argument) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let argument = argument.trim();
        match name {
            _ if !directive[1].is_empty() => None,
            _ if directive.get(3).is_none() => unknown(body),
            "include" | "rustdoc_include" => Some(Ok(match argument.split_once(':') {
                Some((path, selector)) => (path, Some(selector)),
                None => (argument, None),
            })),
            "title" | "playground" => None,
            other => unknown(other),
        }
    });
    found.collect()
}

/// The included file must exist; a named anchor must be opened and closed in
/// it (`ANCHOR: name` ... `ANCHOR_END: name`) and hold at least one line;
/// line numbers must be inside the file.
fn check_include(dir: &Path, path: &str, selector: Option<&str>) -> Result<(), String> {
    if path.is_empty() {
        return Err("an include without a file".to_string());
    }
    let text = std::fs::read_to_string(dir.join(path))
        .map_err(|e| format!("included file {path} cannot be read: {e}"))?;
    let lines: Vec<&str> = text.lines().collect();
    let selector = selector.map_or("", str::trim);
    // No selector, or lines: `N`, `N:M`, `N:` or `:M`.
    let is_number = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if selector.split(':').all(is_number) {
        let numbers = selector.split(':').filter_map(|p| p.parse::<usize>().ok());
        return match numbers.max() {
            Some(last) if last > lines.len() => Err(format!(
                "{path} has {} lines; the include asks for line {last}",
                lines.len()
            )),
            _ => Ok(()),
        };
    }
    let line_of = |marker| (lines.iter()).position(|l| marker_names(l, marker) == Some(selector));
    match (line_of("ANCHOR:"), line_of("ANCHOR_END:")) {
        (None, _) => Err(format!("anchor '{selector}' is not in {path}")),
        (Some(_), None) => Err(format!("anchor '{selector}' is never closed in {path}")),
        (Some(start), Some(end)) if end <= start => Err(format!(
            "anchor '{selector}' ends before it starts in {path}"
        )),
        (Some(start), Some(end)) if end == start + 1 => {
            Err(format!("anchor '{selector}' in {path} is empty"))
        }
        _ => Ok(()),
    }
}

/// The anchor name after `marker` in a line (`// ANCHOR: name` gives `name`).
fn marker_names<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let at = line.find(marker)?;
    let name = line[at + marker.len()..].trim_start();
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(name.len());
    Some(&name[..end]).filter(|n| !n.is_empty())
}

/// Every source file of the stage crates, each with the files that are its
/// intended copies (see `copies.rs`): the groups [`unused_anchors`] checks.
fn stage_sources(crates: &Path) -> Result<Vec<Vec<PathBuf>>> {
    let mut groups = Vec::new();
    for stage in stages::STAGES {
        let root = crates.join(stage.package);
        for file in files_under(&root, "rs")? {
            let relative = file
                .strip_prefix(&root)?
                .to_string_lossy()
                .replace('\\', "/");
            let copies = copies::copies_of(crates, &relative);
            let group = copies.map_or(vec![file], |c| c.into_iter().map(|(_, f)| f).collect());
            // Each copy names the same group: it is checked once.
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
    }
    Ok(groups)
}

/// An `ANCHOR:` region that no chapter includes (none of the anchors
/// [`check`] found `included`) is an excerpt nobody reads, left behind by a
/// chapter that moved on. `groups` are source files, each with its intended
/// copies: an anchor of a copy is used when that anchor of any copy is.
pub(crate) fn unused_anchors(
    included: &BTreeSet<(PathBuf, String)>,
    groups: &[Vec<PathBuf>],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for group in groups {
        let Some(file) = group.first() else { continue };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let lines = text.lines().enumerate();
        for (index, name) in lines.filter_map(|(i, l)| Some((i, marker_names(l, "ANCHOR:")?))) {
            let key = |copy: &PathBuf| (normalise(copy), name.to_string());
            if !group.iter().any(|copy| included.contains(&key(copy))) {
                let message = format!("anchor '{name}' is included by no chapter");
                problems.push(Problem::at(file, index, message));
            }
        }
    }
    problems
}

/// What a reader sees as prose, line for line: fenced code blocks and HTML
/// comments (`<!-- ... -->`, which may span lines) become empty lines, and
/// `inline code` spans blanks, since mdBook renders none of them as links.
fn prose(text: &str) -> String {
    static COMMENT: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?s)<!--.*?(?:-->|$)"));
    static CODE: LazyLock<Regex> = LazyLock::new(|| pattern("`[^`\n]*`?"));
    let text = without_fences(text);
    let text = COMMENT.replace_all(&text, |c: &Captures| {
        "\n".repeat(c[0].matches('\n').count())
    });
    CODE.replace_all(&text, " ").into_owned()
}

/// The text with every line of a fenced code block, fences included, emptied.
fn without_fences(text: &str) -> String {
    let mut in_fence = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~");
        in_fence ^= fence;
        if !(fence || in_fence) {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The targets of Markdown links and images (`[text](target)`,
/// `![alt](target "title")`, `[name]: target`) and of HTML `src`/`href`.
fn link_targets(line: &str) -> Vec<String> {
    static TARGETS: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r#"\]\( *<?([^ )>]*)|^ *\[[^\]]*\]: *([^ ]+)|(?:src|href)="([^"]*)""#)
    });
    TARGETS
        .captures_iter(line)
        .filter_map(|c| c.iter().skip(1).flatten().next())
        .map(|m| m.as_str().to_string())
        .collect()
}

/// A relative link must name a file of the book (a `.html` link may name the
/// page's `.md` source, a `dir/` link its `index.md`), and a `#fragment` into
/// a page must name one of its headings; web links are not checked.
fn check_link(src: &Path, page: &Path, target: &str) -> Result<(), String> {
    if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
        return Ok(());
    }
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let path = path.split('?').next().unwrap_or(path);
    let file = normalise(&match path.strip_prefix('/') {
        _ if path.is_empty() => page.to_path_buf(),
        Some(absolute) => src.join(absolute),
        None => page.parent().unwrap_or(src).join(path),
    });
    if !file.starts_with(normalise(src)) {
        return Err(format!("link {target} leaves the book's src/ directory"));
    }
    let is = |file: &Path, extension: &str| file.extension().is_some_and(|e| e == extension);
    let candidates = [
        Some(file.clone()),
        path.ends_with('/').then(|| file.join("index.md")),
        is(&file, "html").then(|| file.with_extension("md")),
    ];
    let Some(found) = candidates.into_iter().flatten().find(|f| f.is_file()) else {
        return Err(format!("link or image {target} points at nothing"));
    };
    if fragment.is_empty() || !is(&found, "md") {
        return Ok(());
    }
    let text = std::fs::read_to_string(&found).unwrap_or_default();
    if !heading_ids(&text).iter().any(|id| id == fragment) {
        return Err(format!(
            "link {target}: no heading with id '{fragment}' in that page"
        ));
    }
    Ok(())
}

/// The ids a link can jump to in a page: the ids mdBook gives headings (the
/// heading's text, lower-cased, spaces as `-`, punctuation dropped; a
/// repeated id gets `-1`, `-2`...), and HTML `id="..."` attributes.
fn heading_ids(text: &str) -> Vec<String> {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?m)^#{1,6} (.*)$"));
    // Keep a link's text, drop its target: `[text](url)` reads as `text`.
    static TARGET: LazyLock<Regex> = LazyLock::new(|| pattern(r"\]\([^)]*(\)|$)"));
    static ID: LazyLock<Regex> = LazyLock::new(|| pattern(r#" id="([^"]*)"#));
    let mut ids: Vec<String> = ID.captures_iter(text).map(|c| c[1].to_string()).collect();
    let mut repeats: HashMap<String, usize> = HashMap::new();
    for heading in HEADING.captures_iter(&without_fences(text)) {
        let title = TARGET.replace_all(heading[1].trim().trim_end_matches('#'), "");
        let id: String = (title.trim().chars())
            .filter_map(|c| match c {
                c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_ascii_lowercase()),
                c if c.is_whitespace() => Some('-'),
                _ => None,
            })
            .collect();
        let seen = repeats.entry(id.clone()).or_default();
        ids.push(match *seen {
            0 => id,
            n => format!("{id}-{n}"),
        });
        *seen += 1;
    }
    ids
}

/// `a/b/../c` as `a/c`, without asking the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A chapter that names a test (or any function) in `code` style, such as
/// `a_client_that_never_reads_is_dropped_after_the_write_timeout`, must name
/// one that exists under `crates`: a renamed test would otherwise leave the
/// book pointing at nothing. Names with at least three underscores count.
pub(crate) fn check_function_names(src: &Path, crates: &Path) -> Result<Vec<Problem>> {
    static FN: LazyLock<Regex> = LazyLock::new(|| pattern(r"fn ([[:alnum:]_]+)"));
    static CODE: LazyLock<Regex> = LazyLock::new(|| pattern("`([^`]*)`"));
    let mut defined = BTreeSet::new();
    for source in files_under(crates, "rs")? {
        let text = std::fs::read_to_string(&source).unwrap_or_default();
        defined.extend(FN.captures_iter(&text).map(|c| c[1].to_string()));
    }
    let looks_like_a_function = |span: &str| {
        span.matches('_').count() >= 3
            && (span.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let mut problems = Vec::new();
    for (page, text) in pages(src)? {
        for (index, line) in text.lines().enumerate() {
            for span in CODE.captures_iter(line).filter_map(|c| c.get(1)) {
                let name = span.as_str();
                if looks_like_a_function(name) && !defined.contains(name) {
                    let message = format!("no function `{name}` under {}", crates.display());
                    problems.push(Problem::at(&page, index, message));
                }
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests;
