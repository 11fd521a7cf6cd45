#![allow(clippy::unwrap_used)]
use super::super::catalog::SOURCE;
use super::*;
use crate::stages::workspace_root;
use std::fs;

#[test]
fn the_book_pages_match_the_catalog() {
    let stale = pages(&Catalog::load().unwrap()).differences();
    assert!(stale.is_empty(), "{stale:?}");
}

#[test]
fn every_page_names_its_source() {
    assert!(MADE_FROM.contains(&format!(" from {SOURCE} and ")));
}

#[test]
fn the_summary_lists_every_exercise_page() {
    let summary =
        fs::read_to_string(workspace_root().join("docs/src/SUMMARY.md")).unwrap_or_default();
    for line in summary_lines(&Catalog::load().unwrap()).lines() {
        assert!(
            summary.contains(line.trim()),
            "docs/src/SUMMARY.md lacks {line:?}"
        );
    }
}
