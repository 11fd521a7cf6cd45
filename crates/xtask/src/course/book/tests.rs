//! The book check, on the real book and on small books broken on purpose.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// The real book: every include, anchor, link and image must exist. This is
/// the test that fails when someone renames an anchor a chapter shows.
#[test]
fn the_book_has_no_broken_includes_links_or_images() {
    let report = check(&book_src()).unwrap();
    assert!(
        report.problems.is_empty(),
        "the book is broken:\n{}",
        report.problems.join("\n")
    );
    // A check that found nothing to check would pass for the wrong reason.
    assert!(report.pages >= 8, "only {} pages found", report.pages);
    assert!(
        report.includes >= 15,
        "only {} includes found",
        report.includes
    );
    assert!(report.links >= 15, "only {} links found", report.links);
}

/// The tests the bugs chapter names as guards must exist.
#[test]
fn every_test_the_book_names_exists() {
    let crates = stages::workspace_root().join("crates");
    let problems = check_function_names(&book_src(), &crates).unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let book = Book::new("Guarded by `a_test_that_does_not_exist` and `good_and_fine`.\n");
    fs::write(book.top.join("code/lib.rs"), "fn a_test_that_exists() {}\n").unwrap();
    let found = check_function_names(&book.top.join("src"), &book.top.join("code")).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a_test_that_does_not_exist"), "{found:?}");
}

/// Every anchor region of the stages is shown by some chapter (an anchor in
/// an intended copy counts once for all its copies).
#[test]
fn every_anchor_of_the_stages_is_included_by_a_chapter() {
    let book = Book::new("{{#include ../code/lib.rs:good}}\n");
    let lib = book.top.join("code/lib.rs");
    let copy = book.top.join("code/copy.rs");
    fs::copy(&lib, &copy).unwrap();
    let included = check(&book.top.join("src")).unwrap().anchors;
    let found = unused_anchors(&included, &[vec![copy.clone(), lib]]);
    let copy_name = copy.display();
    assert_eq!(
        found,
        [
            format!("{copy_name}:4: anchor 'empty' is included by no chapter"),
            format!("{copy_name}:6: anchor 'open' is included by no chapter")
        ]
    );
    // Alone, the copy's `good` is included by nothing.
    let alone = unused_anchors(&included, &[vec![copy]]);
    assert_eq!(alone.len(), 3, "{alone:?}");

    let crates = stages::workspace_root().join("crates");
    let included = check(&book_src()).unwrap().anchors;
    let groups = stage_sources(&crates).unwrap();
    // Step 4's cli.rs is no copy of the one steps 1 and 3 share: it stands alone.
    let cli = crates.join("step4-pico-http/src/cli.rs");
    assert!(groups.contains(&vec![cli]), "{groups:?}");
    let problems = unused_anchors(&included, &groups);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A throw-away book: `src/` with one chapter, and a source file with anchors.
struct Book {
    top: PathBuf,
}

impl Book {
    fn new(chapter: &str) -> Book {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let top = std::env::temp_dir().join(format!(
            "xtask-book-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&top);
        fs::create_dir_all(top.join("src/img")).unwrap();
        fs::create_dir_all(top.join("code")).unwrap();
        fs::write(
            top.join("code/lib.rs"),
            "// ANCHOR: good\nfn good() {}\n// ANCHOR_END: good\n// ANCHOR: empty\n// ANCHOR_END: empty\n// ANCHOR: open\nfn open() {}\n",
        )
        .unwrap();
        fs::write(top.join("src/img/diagram.svg"), "<svg/>").unwrap();
        fs::write(
            top.join("src/other.md"),
            "# Other\n\n## The `top` part: [linked](chapter.md)\n\n```text\n# not a heading\n```\n\n## Again\n\n## Again\n\n<a id=\"by-hand\"></a>\n",
        )
        .unwrap();
        fs::write(top.join("src/chapter.md"), chapter).unwrap();
        Book { top }
    }

    fn problems(&self) -> Vec<String> {
        check(&self.top.join("src")).unwrap().problems
    }
}

impl Drop for Book {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.top);
    }
}

#[test]
fn a_sound_chapter_has_no_problems() {
    let book = Book::new(
        "# Chapter\n\n```rust\n{{#include ../code/lib.rs:good}}\n```\n\n\
         {{#include ../code/lib.rs}}\n{{#include ../code/lib.rs:1:3}}\n\n\
         See [the other page](other.md#the-top-part-linked), [its HTML](other.html#again-1), [an id](other.md#by-hand), [the web](https://example.com)\n\
         and [a section](#chapter). ![A diagram](img/diagram.svg \"title\")\n\
         <img src=\"img/diagram.svg\" alt=\"x\">\n\n[ref]: other.md\n\n\
         ```text\n[not a link](nowhere.md)\n```\n\n\
         ~~~markdown\n```rust\n[nor in a nested fence](nowhere.md)\n```\n~~~\n\n`[nor this](nowhere.md)` and \\{{#include shown-as-text}}\n\
         <!-- [a comment](nowhere.md)\n[still a comment](nowhere.md) --> [after](other.md)\n",
    );
    assert_eq!(book.problems(), Vec::<String>::new());
}

#[test]
fn every_kind_of_breakage_is_found_with_its_line() {
    let cases = [
        ("{{#include ../code/missing.rs:good}}", "cannot be read"),
        (
            "{{#include ../code/lib.rs:renamed}}",
            "anchor 'renamed' is not in",
        ),
        ("{{#include ../code/lib.rs:open}}", "never closed"),
        ("{{#include ../code/lib.rs:empty}}", "is empty"),
        ("{{#include ../code/lib.rs:1:99}}", "asks for line 99"),
        (
            "{{#incldue ../code/lib.rs:good}}",
            "unknown mdBook directive",
        ),
        ("[gone](gone.md)", "points at nothing"),
        ("![gone](img/gone.svg)", "points at nothing"),
        ("<img src=\"img/gone.png\">", "points at nothing"),
        ("[ref]: gone.md", "points at nothing"),
        ("[out](../../etc/passwd)", "leaves the book"),
        (
            "[section](other.md#not-a-heading)",
            "no heading with id 'not-a-heading'",
        ),
        ("[here](#nowhere)", "no heading with id 'nowhere'"),
    ];
    for (line, expected) in cases {
        let book = Book::new(&format!("# Chapter\n\n{line}\n"));
        let report = check(&book.top.join("src")).unwrap();
        assert_eq!(report.problems.len(), 1, "{line}: {:?}", report.problems);
        let problem = &report.problems[0];
        assert!(problem.contains(expected), "{line}: {problem}");
        let at = format!("{}:3: ", book.top.join("src/chapter.md").display());
        assert!(problem.starts_with(&at), "{line}: {problem}");
    }
}

#[test]
fn anchors_are_matched_by_whole_name() {
    assert_eq!(
        anchor_name("    // ANCHOR: serve", "ANCHOR:"),
        Some("serve")
    );
    assert_eq!(
        anchor_name("// ANCHOR_END: serve_forever", "ANCHOR_END:"),
        Some("serve_forever")
    );
    assert_eq!(anchor_name("// ANCHOR_END: serve", "ANCHOR:"), None);
    let book = Book::new("{{#include ../code/lib.rs:goo}}\n");
    assert_eq!(book.problems().len(), 1, "'goo' must not match 'good'");
}
