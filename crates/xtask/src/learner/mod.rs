//! Tools for learners: what changed between stages (`diff`), what each stage
//! answers (`compare`), which system calls it makes (`trace`), and raw bytes
//! to any server (`send`).

use std::io::IsTerminal;
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::pattern;

pub(crate) mod compare;
pub(crate) mod diff;
pub(crate) mod send;
pub(crate) mod trace;

/// Whether to colour what we print: only for a terminal, and not when the
/// reader set `NO_COLOR`.
fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// `text` in the ANSI style `code` (`1` bold, `1;33` bold yellow) when `on`.
fn ansi(code: &str, text: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Joins `items` with `separator` into lines no wider than `width`.
fn wrap(items: &[String], separator: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && visible_len(&line) + separator.len() + visible_len(item) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(separator);
        }
        line.push_str(item);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Length without ANSI colour codes.
fn visible_len(text: &str) -> usize {
    static COLOUR: LazyLock<Regex> = LazyLock::new(|| pattern("\x1b\\[[0-9;]*m"));
    COLOUR.replace_all(text, "").chars().count()
}
