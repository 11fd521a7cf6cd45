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

fn check(test: &str, still_works: bool) -> Check {
    let line = format!("the rubric line of {test}");
    let test = test.to_string();
    Check {
        test,
        line,
        still_works,
    }
}

#[test]
fn both_commands_count_the_checks_to_build_and_solved_needs_every_check() {
    let checks = [check("a", false), check("b", false), check("still", true)];
    let mut passed = BTreeMap::from([("a".to_string(), true), ("still".to_string(), true)]);
    let progress = Progress::of(&checks, &passed);
    assert_eq!(progress.to_string(), "1/2 checks to build pass");
    assert!(!progress.solved(), "b has no result: it did not pass");
    passed.insert("b".into(), true);
    assert!(Progress::of(&checks, &passed).solved());
    assert_eq!(
        Progress::of(&checks, &passed).to_string(),
        "2/2 checks to build pass"
    );
    passed.insert("still".into(), false);
    let progress = Progress::of(&checks, &passed);
    assert!(
        !progress.solved(),
        "what worked as shipped must go on working"
    );
    assert_eq!(
        progress.to_string(),
        "2/2 checks to build pass, 1/1 that worked as shipped now fail"
    );
}

#[test]
fn an_exercises_results_are_its_modules_and_none_without_a_build() {
    let catalog = Catalog::load().unwrap();
    let exercise = catalog.find("ch2-echo-count").unwrap();
    let mut outcome = Outcome::default();
    assert!(outcome.of(exercise).is_err(), "no tests is no result");
    outcome.results.insert("ch2_echo_count::a".into(), true);
    outcome.results.insert("ch2_two_clients::b".into(), false);
    let results = outcome.of(exercise).unwrap();
    assert_eq!(
        results,
        BTreeMap::from([("a".to_string(), true)]),
        "another exercise's tests are not this one's"
    );
    outcome.build_error = Some("error[E0308]".into());
    assert!(
        outcome.of(exercise).is_err(),
        "what does not build has no results"
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
