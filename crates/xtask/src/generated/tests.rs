#![allow(clippy::unwrap_used)]

use super::*;

/// A directory of two generated pages under the system's temporary directory.
fn pages(name: &str) -> Generated {
    let dir =
        std::env::temp_dir().join(format!("pico-generated-test-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    Generated {
        dir: Box::leak(dir.display().to_string().into_boxed_str()),
        extension: "md",
        command: "just pages",
        files: vec![
            ("a.md".into(), "one\ntwo\n".into()),
            ("b.md".into(), "three\n".into()),
        ],
        skipped: vec!["c.md".into()],
    }
}

#[test]
fn writing_makes_the_files_fresh_and_removes_stale_ones() {
    let pages = pages("write");
    assert_eq!(pages.differences().len(), 2, "both are missing");
    fs::create_dir_all(pages.dir).unwrap();
    fs::write(Path::new(pages.dir).join("old.md"), "gone").unwrap();
    pages.write().unwrap();
    assert!(pages.differences().is_empty());
    assert!(!Path::new(pages.dir).join("old.md").exists());
    fs::remove_dir_all(pages.dir).unwrap();
}

#[test]
fn checking_names_missing_out_of_date_and_stale_files() {
    let pages = pages("check");
    pages.write().unwrap();
    let dir = Path::new(pages.dir);
    fs::write(dir.join("a.md"), "one\nTWO\n").unwrap();
    fs::remove_file(dir.join("b.md")).unwrap();
    for file in ["c.md", "stray.md", "notes.txt"] {
        fs::write(dir.join(file), "").unwrap();
    }
    let found = pages.differences();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[0].ends_with("a.md: out of date\n@@ -1,2 +1,2 @@\n one\n-TWO\n+two\n"),
        "{found:?}"
    );
    assert!(found[1].ends_with("b.md: missing\n"));
    assert!(found[2].ends_with("stray.md: stale (no longer made)\n"));
    assert_eq!(pages.write_or_check(true).unwrap(), ExitCode::FAILURE);
    // The failed check left the fresh files to look at.
    let fresh = std::env::temp_dir().join(format!("pico-generated-{}", std::process::id()));
    assert_eq!(
        fs::read_to_string(fresh.join("a.md")).unwrap(),
        "one\ntwo\n"
    );
    fs::remove_dir_all(fresh).unwrap();
    pages.write().unwrap();
    assert_eq!(pages.write_or_check(true).unwrap(), ExitCode::SUCCESS);
    fs::remove_dir_all(dir).unwrap();
}
