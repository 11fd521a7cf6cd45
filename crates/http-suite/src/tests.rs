//! The suite's own guarantee: every test function of a module is in that
//! module's macro, so no stage silently skips a rule.

use std::collections::BTreeSet;

/// The `pub fn NAME(stage: &Stage)` of a module's source, and the names its
/// `named_tests!` list holds.
fn defined_and_listed(source: &str) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let defined = source
        .lines()
        .filter_map(|line| line.strip_prefix("pub fn "))
        .filter_map(|rest| rest.strip_suffix("(stage: &Stage) {"))
        .collect();
    let mut rest = source
        .split_once("named_tests!(")
        .and_then(|(_, after)| after.split_once('['))
        .map_or("", |(_, list)| list);
    let mut listed = BTreeSet::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if let Some(attribute) = rest.strip_prefix("#[") {
            rest = attribute.split_once(']').map_or("", |(_, after)| after);
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        listed.insert(&rest[..end]);
        rest = &rest[end..];
    }
    (defined, listed)
}

#[test]
fn every_test_of_the_suite_is_run_by_its_macro() {
    for (module, source) in [
        ("http", include_str!("http.rs")),
        ("browser", include_str!("browser.rs")),
        ("hostile", include_str!("hostile.rs")),
    ] {
        let (defined, listed) = defined_and_listed(source);
        assert!(!defined.is_empty(), "{module}: no test found");
        assert_eq!(
            defined, listed,
            "{module}: the tests and the macro's list differ"
        );
    }
}

#[test]
fn a_test_left_out_of_the_list_is_seen() {
    let source = "pub fn a(stage: &Stage) {\n}\npub fn b(stage: &Stage) {\n}\n\
                  named_tests!(\n$stage,\nm,\n[\n    #[cfg(unix)]\n    a,\n]\n);";
    let (defined, listed) = defined_and_listed(source);
    assert_eq!(defined, BTreeSet::from(["a", "b"]));
    assert_eq!(listed, BTreeSet::from(["a"]));
}
