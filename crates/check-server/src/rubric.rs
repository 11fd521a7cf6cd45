//! The rubric: every check, in the order they run, in one table. This is the
//! single source of truth: `--list`, `--only`, the report, `--json` and the
//! tests all read it.
//!
//! How it stays in agreement with the stages' own socket tests (the
//! black-box suite every HTTP stage runs, `crates/http-suite/src/http.rs`, and
//! step 4's `tests/hostile.rs`): both cite the same book sections; the test
//! `STAGE_TESTS` below names, for each check, the stage test that pins the
//! same rule, and fails when that test is renamed or removed; and
//! `tests/grades.rs` runs this rubric against the real stage binaries, so a
//! rule on which the two disagree fails CI. The book links are checked to
//! exist by a test too.

use crate::check::{Check, Level};
use crate::{basics, bigfile, hostile, load};

const POLICY: &str = "step4-http-handler.md#the-policy-and-the-status-codes";
const RESPONSE: &str = "step4-http-handler.md#anatomy-of-a-response";
const PARSING: &str = "step4-http-handler.md#parsing-with-limits";
const TRAVERSAL: &str = "bugs.md#1-path-traversal-any-file-on-the-disk";
const CRASH: &str = "bugs.md#2-an-empty-or-malformed-request-line-crashes-the-server";
const IDLE: &str = "bugs.md#3-one-idle-client-blocks-everyone";
const MEMORY: &str = "bugs.md#4-whole-files-in-memory";
const TYPES: &str = "bugs.md#5-content-type-is-always-texthtml";
const VALIDATE: &str = "step4-http-handler.md#validating-the-path";
const CLOSING: &str = "step4-http-handler.md#closing-gently";
const ROBUST: &str = "robustness.md#how-each-defence-works";
const DECODING: &str = "glossary.md#percent-decoding";

/// A row of the table, written on one line each to read as a table. `check`
/// rows apply to both profiles, `course` rows only to the course profile:
/// they pin the article's own choices (one response per connection, our
/// limits), which a library server need not share.
const fn check(
    name: &'static str,
    rule: &'static str,
    authority: &'static str,
    level: Level,
    book: &'static str,
    run: fn(&crate::check::Ctx) -> crate::check::Verdict,
) -> Check {
    Check {
        name,
        rule,
        authority,
        level,
        book,
        course_only: false,
        run,
    }
}

const fn course(
    name: &'static str,
    rule: &'static str,
    authority: &'static str,
    book: &'static str,
    run: fn(&crate::check::Ctx) -> crate::check::Verdict,
) -> Check {
    let level = Level::Course;
    Check {
        name,
        rule,
        authority,
        level,
        book,
        course_only: true,
        run,
    }
}

use Level::{Course, Must, Should};

#[rustfmt::skip]
pub(crate) const RUBRIC: &[Check] = &[
    check("get-page", "GET a page: 200 and its bytes", "RFC 9110 §9.3.1", Must, RESPONSE, basics::get_page),
    check("get-empty-file", "an empty file: 200, Content-Length: 0", "RFC 9110 §8.6", Must, RESPONSE, basics::get_empty),
    check("get-name-with-space", "a name with a space, sent as %20", "RFC 3986 §2.1", Must, DECODING, basics::get_spaced_name),
    check("get-non-ascii-name", "a non-ASCII name, percent-encoded UTF-8", "RFC 3986 §2.1", Must, DECODING, basics::get_non_ascii_name),
    check("content-length", "Content-Length is the file's exact size", "RFC 9110 §8.6", Must, RESPONSE, basics::content_length),
    check("content-type", "Content-Type by extension, for every common type", "RFC 9110 §8.3", Should, TYPES, basics::content_type),
    check("date", "a Date header, as an IMF-fixdate", "RFC 9110 §6.6.1", Must, RESPONSE, basics::date),
    check("head", "HEAD: GET's headers, no body", "RFC 9110 §9.3.2", Must, POLICY, basics::head),
    check("post-403", "POST: 403 at once, without waiting for the body", "course rule", Course, POLICY, basics::post_forbidden),
    check("method-405", "other methods: 405 with Allow: GET, HEAD", "RFC 9110 §15.5.6", Must, POLICY, basics::method_not_allowed),
    check("not-found-404", "a missing file: 404", "RFC 9110 §15.5.5", Should, POLICY, basics::not_found),
    check("index-file", "a directory with index.html serves it", "course rule", Course, VALIDATE, basics::index_file),
    check("dir-without-index", "a directory without index: 200, 403 or 404, no crash", "course rule", Course, VALIDATE, basics::no_index),
    check("redirect-dir", "GET /dir: 301 to /dir/, query kept", "RFC 9110 §15.4.2", Should, VALIDATE, basics::redirect_dir),
    course("connection-close", "one response per connection, Connection: close", "course rule", CLOSING, basics::connection_close),
    check("traversal-dot-dot", "/../ cannot leave the root", "RFC 9110 §17.3", Must, TRAVERSAL, hostile::dot_dot),
    check("traversal-encoded-dots", "%2e%2e cannot leave the root", "RFC 9110 §17.3", Must, TRAVERSAL, hostile::encoded_dots),
    check("traversal-encoded-slash", "..%2f cannot leave the root", "RFC 9110 §17.3", Must, TRAVERSAL, hostile::encoded_slash),
    check("traversal-backslash", "..\\ and ..%5c cannot leave the root", "RFC 9110 §17.3", Must, TRAVERSAL, hostile::backslash),
    check("traversal-absolute", "an absolute path stays under the root", "RFC 9110 §17.3", Must, TRAVERSAL, hostile::absolute_path),
    check("traversal-nul", "a NUL byte (%00) is refused", "RFC 9110 §17.3", Must, TRAVERSAL, hostile::nul_byte),
    check("traversal-sibling-prefix", "ROOT-private/ is not inside ROOT/", "RFC 9110 §17.3", Must, VALIDATE, hostile::sibling_prefix),
    check("traversal-symlink", "a symlink pointing out is not followed", "RFC 9110 §17.3", Must, VALIDATE, hostile::symlink),
    check("malformed-no-target", "`GET` alone: 400, and the server lives", "RFC 9112 §3", Must, CRASH, hostile::no_target),
    check("malformed-garbage", "`HELLO`: 400, and the server lives", "RFC 9112 §3", Must, CRASH, hostile::garbage_line),
    check("malformed-version", "HTTP/9.9: 505 or 400", "RFC 9110 §15.6.6", Should, PARSING, hostile::bad_version),
    check("malformed-header", "a header line without a colon: 400", "RFC 9112 §5", Must, PARSING, hostile::header_no_colon),
    check("malformed-space-before-colon", "`Accept : */*`: 400", "RFC 9112 §5.1", Must, PARSING, hostile::space_before_colon),
    course("limit-414", "a 100 KiB target: 414", "course rule (code: RFC 9112 §3)", PARSING, hostile::uri_too_long),
    course("limit-431", "200 header fields of 600 bytes: 431", "course rule (code: RFC 6585 §5)", PARSING, hostile::headers_too_large),
    check("host-missing", "HTTP/1.1 without Host: 400", "RFC 9112 §3.2", Must, PARSING, hostile::host_missing),
    check("host-twice", "two Host lines: 400", "RFC 9112 §3.2", Must, PARSING, hostile::host_twice),
    check("host-invalid", "an invalid Host: 400", "RFC 9112 §3.2", Must, PARSING, hostile::host_invalid),
    check("content-length-invalid", "Content-Length: abc: 400", "RFC 9112 §6.3", Must, PARSING, hostile::content_length_invalid),
    check("content-length-conflict", "two different Content-Lengths: 400", "RFC 9112 §6.3", Must, PARSING, hostile::content_length_conflict),
    check("idle-client", "a silent client does not block another", "course rule", Course, IDLE, load::idle_client),
    check("trickle-client", "a byte-a-second client does not block another", "course rule", Course, IDLE, load::trickle),
    check("big-file", "a big file arrives whole, memory stays flat", "course rule", Course, MEMORY, bigfile::big_file),
    check("reset-mid-download", "a client that resets mid-download harms no one", "course rule", Course, ROBUST, load::reset_mid_download),
    check("many-requests", "thousands of requests, no descriptor leaked", "course rule", Course, ROBUST, load::many_requests),
];

#[cfg(test)]
mod tests {
    use super::RUBRIC;

    /// mdBook's id for a heading: lowercase, letters, digits, `-` and `_`
    /// kept, spaces to `-`, everything else dropped.
    fn anchor(heading: &str) -> String {
        heading
            .trim_start_matches('#')
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_book_section_cited_exists() {
        let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/src/");
        for check in RUBRIC {
            let (file, wanted) = check.book.split_once('#').unwrap_or((check.book, ""));
            let text = std::fs::read_to_string(format!("{docs}{file}")).unwrap_or_default();
            let found = text
                .lines()
                .filter(|l| l.starts_with('#'))
                .any(|l| anchor(l) == wanted);
            assert!(found, "{}: {} has no heading #{wanted}", check.name, file);
        }
    }

    /// Each check and the stage test (in the suite every HTTP stage runs,
    /// `crates/http-suite/src/http.rs`, or in step 4's `tests/hostile.rs`)
    /// that pins the same rule over a socket.
    const STAGE_TESTS: &[(&str, &str)] = &[
        (
            "get-page",
            "serves_each_file_with_its_type_and_exact_length",
        ),
        (
            "get-empty-file",
            "every_response_has_a_date_a_type_and_a_length",
        ),
        (
            "get-name-with-space",
            "serves_each_file_with_its_type_and_exact_length",
        ),
        (
            "content-length",
            "serves_each_file_with_its_type_and_exact_length",
        ),
        (
            "content-type",
            "serves_each_file_with_its_type_and_exact_length",
        ),
        ("date", "every_response_has_a_date_a_type_and_a_length"),
        ("head", "head_sends_the_headers_of_get_and_no_body"),
        ("post-403", "post_is_403_at_once_whatever_its_body_does"),
        (
            "method-405",
            "other_methods_are_405_with_allow_whatever_the_path",
        ),
        (
            "not-found-404",
            "what_is_missing_is_404_with_a_page_saying_so",
        ),
        ("index-file", "a_directory_is_served_by_its_index"),
        (
            "dir-without-index",
            "what_is_missing_is_404_with_a_page_saying_so",
        ),
        (
            "connection-close",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "traversal-dot-dot",
            "traversal_in_every_encoding_never_returns_a_byte_from_outside",
        ),
        (
            "traversal-encoded-dots",
            "traversal_in_every_encoding_never_returns_a_byte_from_outside",
        ),
        (
            "traversal-encoded-slash",
            "traversal_in_every_encoding_never_returns_a_byte_from_outside",
        ),
        (
            "traversal-backslash",
            "traversal_in_every_encoding_never_returns_a_byte_from_outside",
        ),
        (
            "traversal-absolute",
            "traversal_in_every_encoding_never_returns_a_byte_from_outside",
        ),
        (
            "traversal-nul",
            "traversal_in_every_encoding_never_returns_a_byte_from_outside",
        ),
        (
            "traversal-sibling-prefix",
            "traversal_in_every_encoding_never_returns_a_byte_from_outside",
        ),
        (
            "traversal-symlink",
            "a_link_is_followed_only_while_it_stays_inside",
        ),
        (
            "malformed-no-target",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "malformed-garbage",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "malformed-version",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "malformed-header",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "malformed-space-before-colon",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "limit-414",
            "oversized_heads_are_refused_without_the_memory_growing",
        ),
        (
            "limit-431",
            "oversized_heads_are_refused_without_the_memory_growing",
        ),
        (
            "idle-client",
            "idle_clients_hold_the_server_only_until_the_deadline",
        ),
        (
            "trickle-client",
            "trickling_clients_are_cut_off_at_the_deadline",
        ),
        ("big-file", "streams_a_large_file_whole_with_content_length"),
        (
            "reset-mid-download",
            "a_client_that_resets_mid_download_is_forgotten_at_once",
        ),
        (
            "many-requests",
            "rude_clients_leave_no_descriptor_and_no_memory_behind",
        ),
        (
            "redirect-dir",
            "a_directory_without_its_slash_is_redirected_to_it",
        ),
        (
            "host-missing",
            "an_http_1_1_request_needs_exactly_one_valid_host",
        ),
        (
            "host-twice",
            "an_http_1_1_request_needs_exactly_one_valid_host",
        ),
        (
            "host-invalid",
            "an_http_1_1_request_needs_exactly_one_valid_host",
        ),
        (
            "content-length-invalid",
            "a_content_length_that_is_not_one_number_is_400",
        ),
        (
            "content-length-conflict",
            "a_content_length_that_is_not_one_number_is_400",
        ),
    ];

    /// Rules only the checker tests today: no stage test sends an empty file
    /// or a non-ASCII name.
    const CHECKER_ONLY: &[&str] = &["get-empty-file", "get-non-ascii-name"];

    #[test]
    fn every_check_names_a_stage_test_that_exists() {
        let crates = concat!(env!("CARGO_MANIFEST_DIR"), "/../");
        let read =
            |file: &str| std::fs::read_to_string(format!("{crates}{file}")).unwrap_or_default();
        // Step 4 runs every test of the suite's `http.rs` (the suite's own test
        // checks that its macro lists them all), and its own `hostile.rs`.
        let step4_http = read("step4-pico-http/tests/http.rs");
        assert!(
            step4_http.contains("http_suite::http_tests!"),
            "{step4_http}"
        );
        let suite = read("http-suite/src/http.rs");
        let hostile = read("step4-pico-http/tests/hostile.rs");
        for check in RUBRIC {
            let mapped = STAGE_TESTS.iter().find(|(name, _)| *name == check.name);
            match mapped {
                Some((_, test)) => {
                    let defined = suite.contains(&format!("pub fn {test}(stage: &Stage)"))
                        || hostile.contains(&format!("fn {test}()"));
                    assert!(defined, "{}: no stage test `{test}`", check.name);
                }
                None => assert!(
                    CHECKER_ONLY.contains(&check.name),
                    "{}: no stage test named",
                    check.name
                ),
            }
        }
    }

    #[test]
    fn names_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = RUBRIC.iter().map(|c| c.name).collect();
        assert!(names.iter().all(|n| {
            n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RUBRIC.len());
    }
}
