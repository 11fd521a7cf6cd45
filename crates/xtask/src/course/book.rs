//! `book`: keeps the book in `docs/` honest. `book check` is below; the
//! other commands are in the submodules of the same names. `book/tests.rs`
//! runs the check on the real book, so that `cargo test` fails as soon as
//! someone renames an anchor, a heading or a test that a chapter shows.

use std::collections::{BTreeSet, HashMap};
use std::fs;
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
    problems.iter().for_each(|problem| eprintln!("{problem}"));
    if !problems.is_empty() {
        eprintln!("{} problem(s) in the book", problems.len());
        return Ok(ExitCode::FAILURE);
    }
    let (pages, includes, links) = (report.pages, report.includes, report.links);
    println!("book ok: {pages} pages, {includes} includes, {links} links and images checked");
    Ok(ExitCode::SUCCESS)
}

/// A problem as it is printed: `FILE:LINE: MESSAGE`, for the line numbered
/// `index` from 0 (as `enumerate` counts).
fn problem(file: &Path, index: usize, message: &str) -> String {
    format!("{}:{}: {message}", file.display(), index + 1)
}

/// Included anchors: each with its file (normalised) and its name.
type Anchors = BTreeSet<(PathBuf, String)>;

/// What `check` looked at, and what it found wrong.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub pages: usize,
    pub includes: usize,
    pub links: usize,
    pub anchors: Anchors,
    pub problems: Vec<String>,
}

/// Checks the directives, links and images of every Markdown page under `src`.
pub(crate) fn check(src: &Path) -> Result<Report> {
    static TARGET: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r#"\]\( *<?([^ )>]*)|^ *\[[^\]]*\]: *([^ ]+)|(?:src|href)="([^"]*)""#)
    });
    let mut report = Report::default();
    for (page, text) in pages(src)? {
        report.pages += 1;
        // mdBook expands `{{#include}}` everywhere, code blocks included: that
        // is where listings live.
        for (index, line) in text.lines().enumerate() {
            check_directives(&page, index, line, &mut report);
        }
        // Links and images (`[text](target)`, `![alt](target "title")`,
        // `[name]: target`, HTML `src`/`href`) are checked where a reader
        // sees them as such: in the prose.
        for (index, line) in prose(&text).lines().enumerate() {
            let targets = TARGET.captures_iter(line);
            for target in targets.filter_map(|c| c.iter().skip(1).flatten().next()) {
                report.links += 1;
                if let Err(message) = check_link(src, &page, target.as_str()) {
                    report.problems.push(problem(&page, index, &message));
                }
            }
        }
    }
    Ok(report)
}

/// Every Markdown page under `src`, in order, with its text.
fn pages(src: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut pages = files_under(src, "md")?;
    pages.sort();
    let read = |page: PathBuf| {
        let text = fs::read_to_string(&page);
        let text = text.with_context(|| format!("cannot read {}", page.display()))?;
        Ok((page, text))
    };
    pages.into_iter().map(read).collect()
}

/// Every file under `dir` whose extension is `extension` (build output skipped).
pub(crate) fn files_under(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
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

/// Checks the mdBook directives of a line of `page`: includes (which
/// `report` counts, with their anchors), `title` and `playground` pass, and
/// any other is most likely a typo. `\{{#include ...}}` shows one as text.
fn check_directives(page: &Path, index: usize, line: &str, report: &mut Report) {
    static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(\\?)\{\{#([^}]*)(\}\})?"));
    let unknown = |name: &str| Err(format!("unknown mdBook directive '{{{{#{name}'"));
    for directive in DIRECTIVE.captures_iter(line).filter(|d| d[1].is_empty()) {
        let body = directive[2].trim();
        let (name, argument) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let checked = match name {
            _ if directive.get(3).is_none() => unknown(body),
            "include" | "rustdoc_include" => {
                report.includes += 1;
                let dir = page.parent().unwrap_or(page);
                check_include(dir, argument.trim(), &mut report.anchors)
            }
            "title" | "playground" => Ok(()),
            other => unknown(other),
        };
        if let Err(message) = checked {
            report.problems.push(problem(page, index, &message));
        }
    }
}

/// `FILE` or `FILE:SELECTOR`: the file must exist; lines (`N`, `N:M`, `N:`,
/// `:M`) must be inside it; an anchor must be opened and closed in it
/// (`ANCHOR: name` ... `ANCHOR_END: name`) around at least one line.
fn check_include(dir: &Path, argument: &str, anchors: &mut Anchors) -> Result<(), String> {
    let (path, selector) = argument.split_once(':').unwrap_or((argument, ""));
    let selector = selector.trim();
    if path.is_empty() {
        return Err("an include without a file".to_string());
    }
    let text = fs::read_to_string(dir.join(path))
        .map_err(|e| format!("included file {path} cannot be read: {e}"))?;
    let lines = text.lines().count();
    let is_number = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if selector.split(':').all(is_number) {
        return match selector.split(':').flat_map(str::parse::<usize>).max() {
            Some(last) if last > lines => Err(format!(
                "{path} has {lines} lines; the include asks for line {last}"
            )),
            _ => Ok(()),
        };
    }
    anchors.insert((normalise(&dir.join(path)), selector.to_string()));
    let line_of = |marker| {
        text.lines()
            .position(|l| anchor_name(l, marker) == Some(selector))
    };
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
fn anchor_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let name = line[line.find(marker)? + marker.len()..].trim_start();
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let end = name.find(|c| !is_name(c)).unwrap_or(name.len());
    Some(&name[..end]).filter(|n| !n.is_empty())
}

/// The source files of the stage crates in groups that [`unused_anchors`]
/// checks: each set of intended copies (see `copies.rs`), then every other
/// file alone.
fn stage_sources(crates: &Path) -> Result<Vec<Vec<PathBuf>>> {
    let files = |copies: Vec<(u8, PathBuf)>| copies.into_iter().map(|(_, file)| file).collect();
    let mut groups: Vec<Vec<PathBuf>> = copies::sets(crates).map(|(_, c)| files(c)).collect();
    for stage in stages::STAGES {
        for file in files_under(&crates.join(stage.package), "rs")? {
            if !groups.iter().any(|group| group.contains(&file)) {
                groups.push(vec![file]);
            }
        }
    }
    Ok(groups)
}

/// An `ANCHOR:` region that no chapter includes (none of the anchors
/// [`check`] found `included`) is an excerpt nobody reads, left behind by a
/// chapter that moved on. `groups` are source files, each with its intended
/// copies: an anchor of a copy is used when that anchor of any copy is.
pub(crate) fn unused_anchors(included: &Anchors, groups: &[Vec<PathBuf>]) -> Vec<String> {
    let mut problems = Vec::new();
    for group in groups {
        let Some(file) = group.first() else { continue };
        let text = fs::read_to_string(file).unwrap_or_default();
        let lines = text.lines().enumerate();
        for (index, name) in lines.filter_map(|(i, l)| Some((i, anchor_name(l, "ANCHOR:")?))) {
            let key = |copy: &PathBuf| (normalise(copy), name.to_string());
            if !group.iter().any(|copy| included.contains(&key(copy))) {
                let message = format!("anchor '{name}' is included by no chapter");
                problems.push(problem(file, index, &message));
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
    let text = dedent::replace_code_blocks(text, |block, _| "\n".repeat(block.len()));
    let as_empty_lines = |c: &Captures| "\n".repeat(c[0].matches('\n').count());
    let text = COMMENT.replace_all(&text, as_empty_lines);
    CODE.replace_all(&text, " ").into_owned()
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
    let ids = || heading_ids(&fs::read_to_string(&found).unwrap_or_default());
    if fragment.is_empty() || !is(&found, "md") || ids().contains(fragment) {
        return Ok(());
    }
    Err(format!(
        "link {target}: no heading with id '{fragment}' in that page"
    ))
}

/// The ids a link can jump to in a page: the ids mdBook gives headings (the
/// heading's text, lower-cased, spaces as `-`, punctuation dropped; a
/// repeated id gets `-1`, `-2`...), and HTML `id="..."` attributes.
fn heading_ids(text: &str) -> BTreeSet<String> {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?m)^#{1,6} (.*)$"));
    // Keep a link's text, drop its target: `[text](url)` reads as `text`.
    static TARGET: LazyLock<Regex> = LazyLock::new(|| pattern(r"\]\([^)]*(\)|$)"));
    static ID: LazyLock<Regex> = LazyLock::new(|| pattern(r#" id="([^"]*)"#));
    let mut ids: BTreeSet<String> = ID.captures_iter(text).map(|c| c[1].to_string()).collect();
    let mut repeats: HashMap<String, usize> = HashMap::new();
    let without_code = dedent::replace_code_blocks(text, |block, _| "\n".repeat(block.len()));
    for heading in HEADING.captures_iter(&without_code) {
        let title = TARGET.replace_all(heading[1].trim().trim_end_matches('#'), "");
        let id: String = (title.trim().chars())
            .filter_map(|c| match c {
                c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_ascii_lowercase()),
                c if c.is_whitespace() => Some('-'),
                _ => None,
            })
            .collect();
        let seen = repeats.entry(id.clone()).or_insert(0);
        ids.insert(match *seen {
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
            Component::ParentDir => _ = out.pop(),
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
pub(crate) fn check_function_names(src: &Path, crates: &Path) -> Result<Vec<String>> {
    static FN: LazyLock<Regex> = LazyLock::new(|| pattern(r"fn ([[:alnum:]_]+)"));
    static CODE: LazyLock<Regex> = LazyLock::new(|| pattern("`([^`]*)`"));
    // Lower case letters and digits, with at least three underscores.
    static NAME: LazyLock<Regex> = LazyLock::new(|| pattern("^[a-z0-9]*(_[a-z0-9]*){3,}$"));
    let mut defined = BTreeSet::new();
    for source in files_under(crates, "rs")? {
        let text = fs::read_to_string(&source).unwrap_or_default();
        defined.extend(FN.captures_iter(&text).map(|c| c[1].to_string()));
    }
    let mut problems = Vec::new();
    for (page, text) in pages(src)? {
        for (index, line) in text.lines().enumerate() {
            for span in CODE.captures_iter(line) {
                let name = &span[1];
                if NAME.is_match(name) && !defined.contains(name) {
                    let message = format!("no function `{name}` under {}", crates.display());
                    problems.push(problem(&page, index, &message));
                }
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests;
