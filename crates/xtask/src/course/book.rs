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
//! - `book screenshot`: the finale's picture, taken by a real browser.
//! - `book dedent`: the mdBook preprocessor that dedents included listings
//!   (see `book/dedent.rs`).

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use regex_lite::{Captures, Regex};

use super::copies;
use crate::pattern;
use crate::stages::{self, Profile, Running};

mod dedent;
mod transcripts;

const USAGE: &str = "\
usage: cargo run -p xtask -- book <command>

commands:
  check               includes, anchors, links and images of docs/src all exist
  transcripts         run docs/transcripts.txt, write docs/src/out/*.txt
  transcripts --check regenerate into a temporary directory, fail on any difference
  screenshot          step 4 on www/ in headless Chromium -> docs/src/img/finale.png
  dedent              mdBook preprocessor: strips the common indent of code blocks";

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["check"] => check_command(),
        ["transcripts"] => transcripts::run(false),
        ["transcripts", "--check"] => transcripts::run(true),
        ["screenshot"] => screenshot(),
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
    let mut report = check(&book_src())?;
    let crates = stages::workspace_root().join("crates");
    report
        .problems
        .extend(check_function_names(&book_src(), &crates)?);
    report
        .problems
        .extend(unused_anchors(&book_src(), &stage_sources(&crates)?)?);
    for problem in &report.problems {
        eprintln!("{problem}");
    }
    if report.problems.is_empty() {
        println!(
            "book ok: {} pages, {} includes, {} links and images checked",
            report.pages, report.includes, report.links
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{} problem(s) in the book", report.problems.len());
        Ok(ExitCode::FAILURE)
    }
}

/// One broken include or link, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
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
    pub problems: Vec<Problem>,
}

/// Checks every Markdown page under `src`.
pub(crate) fn check(src: &Path) -> Result<Report> {
    let mut report = Report::default();
    for (page, text) in pages(src)? {
        report.pages += 1;
        check_page(src, &page, &text, &mut report);
    }
    Ok(report)
}

/// Every Markdown page under `src`, in order, with its text.
fn pages(src: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut pages = Vec::new();
    collect_files(src, "md", &mut pages)?;
    pages.sort();
    pages
        .into_iter()
        .map(|page| {
            let text = std::fs::read_to_string(&page)
                .with_context(|| format!("cannot read {}", page.display()))?;
            Ok((page, text))
        })
        .collect()
}

/// Every file under `dir` whose extension is `extension` (build output skipped).
pub(crate) fn collect_files(dir: &Path, extension: &str, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            collect_files(&path, extension, files)?;
        } else if path.extension().is_some_and(|e| e == extension) {
            files.push(path);
        }
    }
    Ok(())
}

fn check_page(src: &Path, page: &Path, text: &str, report: &mut Report) {
    let dir = page.parent().unwrap_or(src);
    let mut in_fence = false;
    let mut in_comment = false;
    for (index, line) in text.lines().enumerate() {
        let mut problem = |message: String| {
            report.problems.push(Problem {
                file: page.to_path_buf(),
                line: index + 1,
                message,
            });
        };
        // mdBook expands {{#include}} everywhere, code blocks included: that
        // is where listings live.
        for directive in directives(line) {
            match directive {
                Directive::Include { path, selector } => {
                    report.includes += 1;
                    if let Err(message) = check_include(dir, path, selector) {
                        problem(message);
                    }
                }
                Directive::Unknown(name) => {
                    problem(format!("unknown mdBook directive '{{{{#{name}'"));
                }
            }
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let visible = without_comments(line, &mut in_comment);
        for target in link_targets(&without_code_spans(&visible)) {
            report.links += 1;
            if let Err(message) = check_link(src, page, &target) {
                problem(message);
            }
        }
    }
}

/// An mdBook `{{#...}}` directive found in a line.
#[derive(Debug, PartialEq, Eq)]
enum Directive<'a> {
    /// `{{#include path}}` or `{{#include path:selector}}` (also `rustdoc_include`).
    Include {
        path: &'a str,
        selector: Option<&'a str>,
    },
    /// A directive this book does not use: most likely a typo.
    Unknown(&'a str),
}

fn directives(line: &str) -> Vec<Directive<'_>> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        // `\{{#include ...}}` is mdBook's way to show a directive as text.
        if rest[..start].ends_with('\\') {
            rest = after;
            continue;
        }
        let Some(end) = after.find("}}") else {
            found.push(Directive::Unknown(after.trim()));
            break;
        };
        let body = after[..end].trim();
        let (name, argument) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        match name {
            "include" | "rustdoc_include" => {
                let argument = argument.trim();
                let (path, selector) = match argument.split_once(':') {
                    Some((path, selector)) => (path, Some(selector)),
                    None => (argument, None),
                };
                found.push(Directive::Include { path, selector });
            }
            "title" | "playground" => {}
            other => found.push(Directive::Unknown(other)),
        }
        rest = &after[end + 2..];
    }
    found
}

/// The included file must exist; a named anchor must be opened and closed in
/// it (`ANCHOR: name` ... `ANCHOR_END: name`) and hold at least one line;
/// line numbers must be inside the file.
fn check_include(dir: &Path, path: &str, selector: Option<&str>) -> Result<(), String> {
    if path.is_empty() {
        return Err("an include without a file".to_string());
    }
    let file = dir.join(path);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("included file {path} cannot be read: {e}"))?;
    let Some(selector) = selector.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    let is_range = selector
        .split(':')
        .all(|part| part.is_empty() || part.bytes().all(|b| b.is_ascii_digit()));
    if is_range {
        let lines = text.lines().count();
        let numbers = selector.split(':').filter_map(|p| p.parse::<usize>().ok());
        return match numbers.max() {
            Some(last) if last > lines => Err(format!(
                "{path} has {lines} lines; the include asks for line {last}"
            )),
            _ => Ok(()),
        };
    }
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| marker_names(l, "ANCHOR:") == Some(selector));
    let end = lines
        .iter()
        .position(|l| marker_names(l, "ANCHOR_END:") == Some(selector));
    match (start, end) {
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
        let mut files = Vec::new();
        collect_files(&root, "rs", &mut files)?;
        for file in files {
            let relative = file
                .strip_prefix(&root)?
                .to_string_lossy()
                .replace('\\', "/");
            let group = match copies::COPIES.iter().find(|(path, _)| *path == relative) {
                Some((path, numbers)) => (stages::STAGES.iter())
                    .filter(|s| numbers.contains(&s.number))
                    .map(|s| crates.join(s.package).join(path))
                    .collect(),
                None => vec![file],
            };
            groups.push(group);
        }
    }
    Ok(groups)
}

/// An `ANCHOR:` region that no chapter includes is an excerpt nobody reads,
/// left behind by a chapter that moved on. `groups` are source files, each
/// with its intended copies: an anchor of a copy is used when the same anchor
/// of any copy is included. Each problem names the file and the anchor's line.
pub(crate) fn unused_anchors(src: &Path, groups: &[Vec<PathBuf>]) -> Result<Vec<Problem>> {
    let mut included = std::collections::BTreeSet::new();
    for (page, text) in pages(src)? {
        let dir = page.parent().unwrap_or(src);
        for directive in text.lines().flat_map(directives) {
            if let Directive::Include {
                path,
                selector: Some(name),
            } = directive
            {
                included.insert((normalise(&dir.join(path)), name.trim().to_string()));
            }
        }
    }
    let mut problems = Vec::new();
    for group in groups {
        let Some(file) = group.first() else { continue };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (index, line) in text.lines().enumerate() {
            let Some(name) = marker_names(line, "ANCHOR:") else {
                continue;
            };
            let used = group
                .iter()
                .any(|copy| included.contains(&(normalise(copy), name.to_string())));
            if !used {
                problems.push(Problem {
                    file: file.clone(),
                    line: index + 1,
                    message: format!("anchor '{name}' is included by no chapter"),
                });
            }
        }
    }
    Ok(problems)
}

/// A line without its HTML comments (`<!-- ... -->`, which may span lines):
/// mdBook does not render them, so their links are not links.
fn without_comments(line: &str, in_comment: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let marker = if *in_comment { "-->" } else { "<!--" };
        let Some(at) = rest.find(marker) else {
            if !*in_comment {
                out.push_str(rest);
            }
            return out;
        };
        if !*in_comment {
            out.push_str(&rest[..at]);
        }
        rest = &rest[at + marker.len()..];
        *in_comment = !*in_comment;
    }
}

/// A line with its `inline code` spans blanked out: text in backticks is
/// shown as code, never followed as a link.
fn without_code_spans(line: &str) -> String {
    static CODE: LazyLock<Regex> = LazyLock::new(|| pattern("`[^`]*`?"));
    CODE.replace_all(line, |c: &Captures| " ".repeat(c[0].len()))
        .into_owned()
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
/// page's `.md` source), and a `#fragment` into a page must name one of its
/// headings; web links are not checked.
fn check_link(src: &Path, page: &Path, target: &str) -> Result<(), String> {
    if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
        return Ok(());
    }
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let path = path.split('?').next().unwrap_or(path);
    let dir = page.parent().unwrap_or(src);
    let file = if path.is_empty() {
        page.to_path_buf()
    } else if let Some(absolute) = path.strip_prefix('/') {
        src.join(absolute)
    } else {
        dir.join(path)
    };
    let file = normalise(&file);
    if !file.starts_with(normalise(src)) {
        return Err(format!("link {target} leaves the book's src/ directory"));
    }
    let markdown = if file.is_file() {
        Some(file.clone()).filter(|f| f.extension().is_some_and(|e| e == "md"))
    } else if path.ends_with('/') && file.join("index.md").is_file() {
        Some(file.join("index.md"))
    } else if file.extension().is_some_and(|e| e == "html") && file.with_extension("md").is_file() {
        Some(file.with_extension("md"))
    } else {
        return Err(format!("link or image {target} points at nothing"));
    };
    match markdown {
        Some(markdown) if !fragment.is_empty() => {
            let text = std::fs::read_to_string(&markdown).unwrap_or_default();
            if heading_ids(&text).iter().any(|id| id == fragment) {
                Ok(())
            } else {
                Err(format!(
                    "link {target}: no heading with id '{fragment}' in that page"
                ))
            }
        }
        _ => Ok(()),
    }
}

/// The ids a link can jump to in a page: HTML `id="..."` attributes, and the
/// ids mdBook gives headings: the heading's text, lower-cased, spaces as `-`,
/// punctuation dropped; a repeated id gets `-1`, `-2`...
fn heading_ids(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        static ID: LazyLock<Regex> = LazyLock::new(|| pattern(r#" id="([^"]*)"#));
        ids.extend(ID.captures_iter(line).map(|c| c[1].to_string()));
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if in_fence || !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        // Keep a link's text, drop its target: `[text](url)` reads as `text`.
        static TARGET: LazyLock<Regex> = LazyLock::new(|| pattern(r"\]\([^)]*(\)|$)"));
        let heading = TARGET.replace_all(line[hashes..].trim().trim_end_matches('#'), "");
        let base: String = heading
            .trim()
            .chars()
            .filter_map(|c| match c {
                c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_ascii_lowercase()),
                c if c.is_whitespace() => Some('-'),
                _ => None,
            })
            .collect();
        let mut id = base.clone();
        let mut repeat = 0;
        while ids.contains(&id) {
            repeat += 1;
            id = format!("{base}-{repeat}");
        }
        ids.push(id);
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
    let mut sources = Vec::new();
    collect_files(crates, "rs", &mut sources)?;
    static FN: LazyLock<Regex> = LazyLock::new(|| pattern(r"fn ([[:alnum:]_]+)"));
    let mut defined = std::collections::BTreeSet::new();
    for source in sources {
        let text = std::fs::read_to_string(&source).unwrap_or_default();
        defined.extend(FN.captures_iter(&text).map(|c| c[1].to_string()));
    }
    let mut problems = Vec::new();
    for (page, text) in pages(src)? {
        for (index, line) in text.lines().enumerate() {
            for (i, span) in line.split('`').enumerate() {
                let looks_like_a_function = i % 2 == 1
                    && span.matches('_').count() >= 3
                    && span
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if looks_like_a_function && !defined.contains(span) {
                    problems.push(Problem {
                        file: page.clone(),
                        line: index + 1,
                        message: format!("no function `{span}` under {}", crates.display()),
                    });
                }
            }
        }
    }
    Ok(problems)
}

/// Where `chromium` is: `$CHROMIUM`, else the usual names on the PATH.
pub(crate) fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    let names = ["chromium", "chromium-browser", "google-chrome", "chrome"];
    std::env::split_paths(&path)
        .flat_map(|dir| names.map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Headless Chromium with a fresh profile, as root-in-a-container needs it.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Let the page's fetches finish (up to 5 s of page time) before
            // the DOM is printed or the picture taken.
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// `just screenshot`: step 4 serves `www/`, Chromium checks that every
/// self-test passed, then takes the picture the finale chapter shows.
fn screenshot() -> Result<ExitCode> {
    let Some(browser) = chromium() else {
        bail!("no Chromium found: install it (`apt-get install chromium`) or set CHROMIUM");
    };
    let step4 = stages::stage("4")?;
    stages::build(&[step4.package], Profile::Debug)?;
    let server = Running::stage(step4, &stages::www(), &[], Profile::Debug, None)?;
    let url = format!("http://{}/", server.address);
    let profile = std::env::temp_dir().join(format!("pico-book-chromium-{}", std::process::id()));

    let dom = headless(&browser, &profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .context("cannot run Chromium")?;
    let dom = String::from_utf8_lossy(&dom.stdout);
    let passed = dom.matches("data-state=\"ok\"").count();
    if !dom.contains("data-result=\"ok\"") {
        let _ = std::fs::remove_dir_all(&profile);
        bail!("only {passed} self-tests passed: no picture of a failing page");
    }

    let png = book_src().join("img").join("finale.png");
    let status = headless(&browser, &profile)
        .args(["--hide-scrollbars", "--window-size=1000,760"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .stdout(Stdio::null())
        .status()
        .context("cannot run Chromium")?;
    let _ = std::fs::remove_dir_all(&profile);
    if !status.success() || !png.is_file() {
        bail!("Chromium did not write {}", png.display());
    }
    println!(
        "{passed} self-tests passed; wrote {} ({} bytes)",
        png.display(),
        std::fs::metadata(&png)?.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;
