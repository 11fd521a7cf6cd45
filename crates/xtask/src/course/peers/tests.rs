#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use super::*;

fn graded(name: &'static str, outcomes: &[(&str, &str, &str)]) -> Graded {
    Graded {
        peer: peer(
            name,
            "1.0".into(),
            "serve {port} '/tmp/grade-peers-77/x.conf'".into(),
            Some("listen @PORT@;\n"),
        ),
        outcomes: outcomes
            .iter()
            .map(|(check, level, status)| Outcome {
                check: check.to_string(),
                level: level.to_string(),
                status: status.to_string(),
            })
            .collect(),
        seconds: 2.0,
        trouble: None,
    }
}

#[test]
fn the_explanations_parse_and_name_checks_of_the_rubric() {
    let explanations = explanations(EXPLANATIONS).unwrap();
    let rubric = std::fs::read_to_string(stages::workspace_root().join("docs/src/rubric.md"))
        .unwrap_or_default();
    for (server, lines) in &explanations {
        assert!(["python", "nginx", "lighttpd", "busybox"].contains(&server.as_str()));
        for (check, line) in lines {
            assert!(
                rubric.contains(&format!("| `{check}` |")),
                "{server}: no check {check}"
            );
            assert!(!line.trim().is_empty(), "{server} {check}: empty line");
        }
    }
}

#[test]
fn the_page_counts_by_level_and_marks_what_is_unexplained() {
    let runs = [graded(
        "nginx",
        &[
            ("host-twice", "MUST", "FAIL"),
            ("obs-fold", "MUST", "PASS"),
            ("malformed-header", "SHOULD", "FAIL"),
            ("post-403", "COURSE", "FAIL"),
            ("index-file", "COURSE", "SKIP"),
        ],
    )];
    let mut known = BTreeMap::new();
    known.insert(
        "nginx".to_string(),
        BTreeMap::from([("host-twice".to_string(), "takes the first Host".to_string())]),
    );
    let page = render(&runs, &known);
    assert!(page.contains("| nginx | 1.0 | 1 | 1 | 1 | 2 s |"), "{page}");
    assert!(
        page.contains("- `host-twice` (MUST): takes the first Host"),
        "{page}"
    );
    assert!(
        page.contains("- `malformed-header` (SHOULD): **no explanation yet**"),
        "{page}"
    );
    assert!(
        page.contains("`just check-server \"serve {port} 'DIR/x.conf'\"`"),
        "{page}"
    );
    assert!(page.contains("```text\nlisten @PORT@;\n```"), "{page}");
    assert!(
        page.contains("No result kept for: python, lighttpd, busybox"),
        "{page}"
    );
    let missing = unexplained(&runs, &known);
    let names: Vec<&str> = missing.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(names, ["malformed-header", "post-403"]);
}

#[test]
fn a_json_document_gives_every_check_and_a_run_without_one_is_trouble() {
    let json = "seed line\n{\"seed\": 1, \"checks\": [{\"name\": \"head\", \"level\": \"MUST\", \"status\": \"PASS\"}]}";
    let parsed = outcomes(json).unwrap();
    assert_eq!(
        parsed,
        [Outcome {
            check: "head".into(),
            level: "MUST".into(),
            status: "PASS".into()
        }]
    );
    assert!(outcomes("error: the whole run took longer than 600 s").is_err());
}

#[test]
fn a_kept_result_comes_back_as_it_was() {
    let run = graded(
        "nginx",
        &[("head", "MUST", "PASS"), ("post-403", "COURSE", "FAIL")],
    );
    let back = restore("nginx", &save(&run)).unwrap();
    assert_eq!(back.outcomes, run.outcomes);
    assert_eq!(back.peer.command, run.peer.command);
    assert_eq!(back.peer.config, Some(NGINX));
    assert_eq!(back.seconds, run.seconds);
}
