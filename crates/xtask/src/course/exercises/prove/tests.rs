use super::*;

#[test]
fn a_patch_names_the_files_it_changes() {
    let patch = "--- a/crates/x/src/a.rs\n+++ b/crates/x/src/a.rs\n@@ -1 +1 @@\n\
                 --- /dev/null\n+++ b/crates/x/src/new.rs\n@@ -0,0 +1 @@\n";
    assert_eq!(
        patched_files(patch),
        ["crates/x/src/a.rs", "crates/x/src/new.rs"]
    );
}
