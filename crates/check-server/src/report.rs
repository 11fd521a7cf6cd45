//! Printing results: one line per check, the details under each FAIL, the
//! closing count; or one JSON document for a teacher's scripts.

use crate::check::{Check, Level, Status, Verdict};
use crate::escape::shorten_lines;

const BOOK: &str = "docs/src/";

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Must => "MUST",
        Level::Should => "SHOULD",
        Level::Course => "COURSE",
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Skip => "SKIP",
    }
}

/// `RFC 9110 §9.3.2 MUST`, or `course rule` (whose level says it already).
fn authority(check: &Check) -> String {
    match check.level {
        Level::Course => check.authority.to_string(),
        level => format!("{} {}", check.authority, level_word(level)),
    }
}

/// `--list`: the rubric as a table.
pub(crate) fn list(rubric: &[Check]) {
    println!("{:<28} {:<26} {:<55} BOOK", "CHECK", "AUTHORITY", "RULE");
    for c in rubric {
        let authority = authority(c);
        println!(
            "{:<28} {:<26} {:<55} {BOOK}{}",
            c.name, authority, c.rule, c.book
        );
    }
}

/// The line of one check, and for a FAIL (or with `-v`) what lies beneath.
pub(crate) fn line(check: &Check, verdict: &Verdict, verbose: bool) {
    println!(
        "{} {:<28} {}  ->  {}  [{BOOK}{}]",
        status_word(verdict.status),
        check.name,
        verdict.request,
        verdict.got,
        check.book
    );
    if let Some(failure) = &verdict.failure {
        let authority = authority(check);
        println!("     problem:   {} ({})", failure.problem, authority);
        println!("     reproduce: {}", failure.reproduce);
        for line in &failure.diagnosis {
            println!("     {line}");
        }
    } else if verbose {
        for exchange in &verdict.exchanges {
            println!("     sent:     {}", shorten_lines(&exchange.sent, 160));
            let seconds = exchange.elapsed.as_secs_f64();
            println!(
                "     received: {} ({seconds:.2} s)",
                shorten_lines(&exchange.received, 160)
            );
        }
    }
}

/// The closing line, exactly `N passed, M failed, K skipped`.
pub(crate) fn totals(results: &[(&Check, Verdict)]) -> String {
    let count = |s| results.iter().filter(|(_, v)| v.status == s).count();
    format!(
        "{} passed, {} failed, {} skipped",
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Skip)
    )
}

/// A JSON string literal (RFC 8259 §7).
fn json(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `--json`: the seed, every check with its authority, and the totals.
pub(crate) fn json_document(seed: u64, results: &[(&Check, Verdict)]) -> String {
    let items: Vec<String> = results
        .iter()
        .map(|(c, v)| {
            let failure = v.failure.as_ref().map_or("null".to_string(), |f| {
                let diagnosis: Vec<String> = f.diagnosis.iter().map(|d| json(d)).collect();
                format!(
                    "{{\"problem\": {}, \"reproduce\": {}, \"diagnosis\": [{}]}}",
                    json(&f.problem), json(&f.reproduce), diagnosis.join(", ")
                )
            });
            format!(
                "    {{\"name\": {}, \"status\": {}, \"rule\": {}, \"authority\": {}, \"level\": {}, \"book\": {}, \"request\": {}, \"got\": {}, \"failure\": {failure}}}",
                json(c.name), json(status_word(v.status)), json(c.rule), json(c.authority),
                json(level_word(c.level)), json(&format!("{BOOK}{}", c.book)), json(&v.request), json(&v.got)
            )
        })
        .collect();
    let count = |s| results.iter().filter(|(_, v)| v.status == s).count();
    format!(
        "{{\n  \"seed\": {seed},\n  \"passed\": {}, \"failed\": {}, \"skipped\": {},\n  \"checks\": [\n{}\n  ]\n}}",
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Skip),
        items.join(",\n")
    )
}
