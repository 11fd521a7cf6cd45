#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

#[test]
fn the_intended_copies_are_byte_identical() {
    let problems = check(&stages::workspace_root().join("crates"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_copy_that_drifted_is_named() {
    let crates = std::env::temp_dir().join(format!("xtask-copies-{}", std::process::id()));
    for stage in STAGES {
        let dir = crates.join(stage.package);
        for (path, _) in COPIES {
            let file = dir.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, "one\ntwo\n").unwrap();
        }
    }
    assert_eq!(check(&crates), Vec::<String>::new());
    std::fs::write(crates.join("step4-pico-http/src/status.rs"), "one\nTWO\n").unwrap();
    std::fs::remove_file(crates.join("step3-pico-tcp/src/cli.rs")).unwrap();
    assert_eq!(
        check(&crates),
        [
            "src/status.rs: step 4 differs from step 1 (from line 2)",
            "step 3: src/cli.rs is missing"
        ]
    );
    // A missing first copy is named once; the next one is the reference.
    std::fs::remove_file(crates.join("step1-oneliner/src/status.rs")).unwrap();
    assert_eq!(
        check(&crates),
        [
            "step 1: src/status.rs is missing",
            "src/status.rs: step 4 differs from step 3 (from line 2)",
            "step 3: src/cli.rs is missing"
        ]
    );
    std::fs::remove_dir_all(&crates).unwrap();
}
