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

/// `--list`: the rubric as a table, each column as wide as its longest
/// entry; `verbose` adds, under each row, the sentence its level stands on.
pub(crate) fn list(rubric: &[Check], verbose: bool) {
    let authorities: Vec<String> = rubric.iter().map(authority).collect();
    let width = |texts: &mut dyn Iterator<Item = usize>| texts.max().unwrap_or(0);
    let name = width(&mut rubric.iter().map(|c| c.name.len()));
    let by = width(&mut authorities.iter().map(|a| a.chars().count()));
    let rule = width(&mut rubric.iter().map(|c| c.rule.chars().count()));
    println!(
        "{:<name$}  {:<by$}  {:<rule$}  BOOK",
        "CHECK", "AUTHORITY", "RULE"
    );
    for (c, authority) in rubric.iter().zip(&authorities) {
        println!(
            "{:<name$}  {authority:<by$}  {:<rule$}  {BOOK}{}",
            c.name, c.rule, c.book
        );
        if verbose && !c.quote.is_empty() {
            println!("{:name$}  \"{}\"", "", c.quote);
        }
    }
}

/// `--list --markdown`: the book's page of the rubric, `docs/src/rubric.md`.
pub(crate) fn markdown(rubric: &[Check]) -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let mut page = String::from(MARKDOWN_INTRO);
    page.push_str("| Check | Rule | Level | The sentence it stands on | Book |\n");
    page.push_str("| --- | --- | --- | --- | --- |\n");
    for c in rubric {
        let quote = if c.quote.is_empty() {
            String::new()
        } else {
            format!("\"{}\"", cell(c.quote))
        };
        page.push_str(&format!(
            "| `{}` | {} | {} | {quote} | [{}]({}) |\n",
            c.name,
            cell(c.rule),
            authority(c),
            c.book.split('#').next().unwrap_or(c.book),
            c.book
        ));
    }
    page
}

const MARKDOWN_INTRO: &str = "\
# The rubric, check by check

<!-- Written by `just rubric-page` from crates/check-server/src/rubric.rs;
     a test of check-server fails when this page and the table disagree. -->

Every check `just check-server` runs, in the order it runs them. The level is
the RFC's own word: a check is MUST or SHOULD only when a sentence of RFC 9110
or RFC 9112 says so, and that sentence is quoted. Anything stricter, the
course's own policy or what browsers need, is a **course rule**: graded in the
`course` profile (the default), skipped in the `rfc` profile, which any HTTP/1.1
server can be held to. Where a course rule builds on a sentence of the RFC
(a MAY, or a \"needs to\"), that sentence is quoted too.

";

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

/// How many checks failed at each level: MUST, SHOULD, course rules.
fn failed_by_level(results: &[(&Check, Verdict)]) -> [usize; 3] {
    let failed = |level| {
        let at = results.iter().filter(|(c, _)| c.level == level);
        at.filter(|(_, v)| v.status == Status::Fail).count()
    };
    [
        failed(Level::Must),
        failed(Level::Should),
        failed(Level::Course),
    ]
}

/// The closing lines: the failures by level, then exactly
/// `N passed, M failed, K skipped`, the line scripts read.
pub(crate) fn totals(results: &[(&Check, Verdict)]) -> String {
    let [must, should, course] = failed_by_level(results);
    let count = |s| results.iter().filter(|(_, v)| v.status == s).count();
    format!(
        "MUST {must} failed, SHOULD {should} failed, course rules {course} failed\n\
         {} passed, {} failed, {} skipped",
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
                "    {{\"name\": {}, \"status\": {}, \"rule\": {}, \"authority\": {}, \"level\": {}, \"quote\": {}, \"book\": {}, \"request\": {}, \"got\": {}, \"failure\": {failure}}}",
                json(c.name), json(status_word(v.status)), json(c.rule), json(c.authority),
                json(level_word(c.level)), json(c.quote), json(&format!("{BOOK}{}", c.book)), json(&v.request), json(&v.got)
            )
        })
        .collect();
    let count = |s| results.iter().filter(|(_, v)| v.status == s).count();
    let [must, should, course] = failed_by_level(results);
    format!(
        "{{\n  \"seed\": {seed},\n  \"passed\": {}, \"failed\": {}, \"skipped\": {},\n  \"failed_by_level\": {{\"MUST\": {must}, \"SHOULD\": {should}, \"COURSE\": {course}}},\n  \"checks\": [\n{}\n  ]\n}}",
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Skip),
        items.join(",\n")
    )
}
