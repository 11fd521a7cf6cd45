#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

#[test]
fn crate_names_of_every_stage_compare_equal() {
    assert_eq!(
        normalise("use step1_oneliner::cli;"),
        normalise("use step4_pico_http::cli;")
    );
    assert_eq!(normalise("name = \"step3-pico-tcp\""), "name = \"<stage>\"");
    assert_ne!(normalise("//! Step 1"), normalise("//! Step 3"));
}

#[test]
fn file_diff_shows_only_real_changes() {
    let before = "use step1_oneliner::cli;\nfn a() {}\n";
    let after = "use step3_pico_tcp::cli;\nfn b() {}\n";
    let (out, added, removed) = file_diff(("step1/a.rs", "step3/a.rs"), before, after);
    assert_eq!(
        out,
        "--- step1/a.rs\n+++ step3/a.rs\n@@ -1,2 +1,2 @@\n use step3_pico_tcp::cli;\n-fn a() {}\n+fn b() {}\n"
    );
    assert_eq!((added, removed), (1, 1));
    let same = "use step4_pico_http::cli;\nfn a() {}\n";
    assert_eq!(file_diff(("a", "b"), before, same), (String::new(), 0, 0));
}

#[test]
fn hunks_keep_three_lines_of_context_and_merge_close_changes() {
    let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
    let one = old.replace("\n10\n", "\nten\n");
    assert!(
        file_diff(("a", "b"), &old, &one)
            .0
            .contains("@@ -7,7 +7,7 @@\n")
    );
    let close = one.replace("\n3\n", "\nthree\n");
    assert_eq!(
        file_diff(("a", "b"), &old, &close)
            .0
            .matches("@@ -")
            .count(),
        1
    );
    let far = one.replace("\n19\n", "\nnineteen\n");
    assert_eq!(
        file_diff(("a", "b"), &old, &far).0.matches("@@ -").count(),
        2
    );
}

#[test]
fn anchor_markers_are_left_out() {
    let text = "// ANCHOR: main\nfn main() {}\n    // ANCHOR_END: main\n# ANCHOR: deps\nx = 1\n";
    assert_eq!(without_anchors(text), "fn main() {}\nx = 1\n");
    assert_eq!(
        without_anchors("let a = \"ANCHOR:\";\n"),
        "let a = \"ANCHOR:\";\n"
    );
}

#[test]
fn colour_only_marks_lines() {
    let painted = paint("+a\n-b\n c\n");
    assert!(painted.contains("\x1b[32m+a\x1b[0m") && painted.contains("\x1b[31m-b\x1b[0m"));
    assert!(painted.contains("\n c\n"));
}
