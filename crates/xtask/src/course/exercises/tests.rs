#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;

#[test]
fn libtest_output_is_read_test_by_test() {
    let stdout = "\nrunning 3 tests\n\
        test ch2_a::one ... ok\n\
        test ch2_a::two ... FAILED\n\
        test ch2_b::three ... ok\n\n\
        failures:\n\n\
        ---- ch2_a::two stdout ----\n\
        thread 'ch2_a::two' panicked at x.rs:1:1:\n\
        no echo within 10s\n\n\
        failures:\n    ch2_a::two\n\n\
        test result: FAILED. 2 passed; 1 failed\n";
    let outcome = parse_test_output(stdout);
    assert_eq!(outcome.results.len(), 3);
    assert!(outcome.results["ch2_a::one"]);
    assert!(!outcome.results["ch2_a::two"]);
    assert!(outcome.failures["ch2_a::two"].contains("no echo within 10s"));
}

#[test]
fn solved_means_built_with_tests_and_all_of_them_passing() {
    let catalog = Catalog::load().unwrap();
    let exercise = catalog.find("ch2-echo-count").unwrap();
    let mut outcome = Outcome::default();
    assert!(!outcome.solved(exercise), "no tests is not solved");
    outcome.results.insert("ch2_echo_count::a".into(), true);
    outcome.results.insert("ch2_two_clients::b".into(), false);
    assert!(
        outcome.solved(exercise),
        "another exercise's failure does not count"
    );
    outcome.results.insert("ch2_echo_count::c".into(), false);
    assert!(!outcome.solved(exercise));
    outcome.results.insert("ch2_echo_count::c".into(), true);
    outcome.build_error = Some("error[E0308]".into());
    assert!(
        !outcome.solved(exercise),
        "what does not build is not solved"
    );
}

#[test]
fn every_exercise_has_checks_a_solution_and_hints() {
    let root = workspace_root();
    let mut names = std::collections::HashSet::new();
    for exercise in Catalog::load().unwrap().exercises() {
        assert!(names.insert(&exercise.name), "{} twice", exercise.name);
        assert!(
            (1..=3).contains(&exercise.hints.len()),
            "{}: one to three hints",
            exercise.name
        );
        let checks = rubric(exercise).unwrap_or_else(|e| panic!("{}: {e:#}", exercise.name));
        assert!(
            checks.iter().any(|c| !c.still_works),
            "{}: no #[ignore]d checks of something to build in module {}",
            exercise.name,
            exercise.module()
        );
        if let Some(check) = checks.iter().find(|c| c.line.len() < 20) {
            panic!(
                "{}::{}: no doc comment to show as its rubric line",
                exercise.name, check.test
            );
        }
        assert!(
            root.join(exercise.solution()).is_file(),
            "{}: no {}",
            exercise.name,
            exercise.solution()
        );
    }
}

#[test]
fn every_check_is_ignored_and_names_its_exercise() {
    let root = workspace_root();
    for chapter in Catalog::load().unwrap().chapters {
        let path = root.join(format!("crates/{}/tests/exercises.rs", chapter.package));
        let checks = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = checks.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() == "#[test]" {
                let next = lines.get(i + 1).map_or("", |l| l.trim());
                assert!(
                    next.starts_with("#[ignore = \"exercise check: just exercise "),
                    "{}:{}: every check is #[ignore]d, or `cargo test` fails as shipped",
                    path.display(),
                    i + 2
                );
            }
        }
    }
}
