#![allow(clippy::unwrap_used)]
use super::*;

const ONE_EXERCISE: &str = r#"
[overview]
intro = "Before the table."
for-teachers = "After it."

[[chapter]]
page = "ch9-more"
title = "Chapter 9 exercises"
package = "step9-more"
chapter-title = "More"
chapter-link = "../step9.md"
intro = """
One \
paragraph."""

[[chapter.exercise]]
name = "ch9-more"
title = "More of it"
goal = "Build more."
hints = ["First.", "Second."]
"#;

#[test]
fn an_exercise_is_read_with_its_chapter() {
    let catalog = Catalog::parse(ONE_EXERCISE).unwrap();
    assert_eq!(catalog.intro, "Before the table.");
    assert_eq!(catalog.chapters[0].intro, "One paragraph.");
    let exercise = catalog.find("ch9-more").unwrap();
    assert_eq!(exercise.hints, ["First.", "Second."]);
    assert_eq!(exercise.checks(), "crates/step9-more/tests/exercises.rs");
    assert_eq!(exercise.module(), "ch9_more");
    assert!(catalog.find("ch9-less").is_err());
}

#[test]
fn a_missing_or_mistyped_field_is_named_with_its_exercise() {
    for (field, broken) in [
        ("`goal`", "goal = 1"),
        ("`hints`", "hints = \"First.\""),
        ("`hints`", "hints = [\"First.\", 2]"),
    ] {
        let key = broken.split(' ').next().unwrap();
        let line = ONE_EXERCISE.lines().find(|l| l.starts_with(key)).unwrap();
        let error = Catalog::parse(&ONE_EXERCISE.replace(line, broken)).unwrap_err();
        let error = format!("{error:#}");
        assert!(
            error.contains("ch9-more") && error.contains(field),
            "{error}"
        );
    }
    let without_goal = ONE_EXERCISE.replace("goal = \"Build more.\"\n", "");
    let error = format!("{:#}", Catalog::parse(&without_goal).unwrap_err());
    assert!(error.contains("ch9-more: no text `goal`"), "{error}");
}
