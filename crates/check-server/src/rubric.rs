//! The rubric: every check, in the order they run, in one table. This is the
//! single source of truth: `--list`, `--only`, the report, `--json`, the
//! book's page `docs/src/rubric.md` and the tests all read it.
//!
//! How it stays in agreement with the stages' own socket tests (the
//! black-box suite every HTTP stage runs, `crates/http-suite/src/http.rs`, and
//! step 4's own `tests/hostile.rs`, `pico_http.rs` and `conformance.rs`):
//! both cite the same book sections; the test `STAGE_TESTS` below names, for
//! each check, the stage test that pins the same rule, and fails when that
//! test is renamed or removed; and `tests/grades.rs` runs this rubric against
//! the real stage binaries, so a rule on which the two disagree fails CI. The
//! book links are checked to exist by a test too.

use crate::check::{Check, Level};
use crate::{basics, bigfile, framing, hostile, load, semantics, syntax};

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
const WIRE: &str = "conformance.md#the-message-on-the-wire-rfc-9112";
const LENGTH: &str = "step4-http-handler.md#one-host-one-length";
const PRECONDITIONS: &str = "conformance.md#preconditions-decided-by-sending-no-validators";

// The RFC's sentences the table quotes, word for word (RFC 9110 and 9112 as
// published, June 2022). A level is MUST or SHOULD only when such a sentence
// says so; anything stricter is a course rule, and says so.
const GET_HEAD: &str = "All general-purpose servers MUST support the methods GET and HEAD.";
const LENGTH_KNOWN: &str = "Aside from the cases defined above, in the absence of Transfer-Encoding, an origin server SHOULD send a Content-Length header field when the content size is known prior to sending the complete header section.";
const CONTENT_TYPE: &str = "A sender that generates a message containing content SHOULD generate a Content-Type header field in that message unless the intended media type of the enclosed representation is unknown to the sender.";
const DATE: &str = "An origin server with a clock (as defined in Section 5.6.7) MUST generate a Date header field in all 2xx (Successful), 3xx (Redirection), and 4xx (Client Error) responses, and MAY generate a Date header field in 1xx (Informational) and 5xx (Server Error) responses.";
const HEAD_NO_CONTENT: &str = "The HEAD method is identical to GET except that the server MUST NOT send content in the response.";
const HEAD_FIELDS: &str = "The server SHOULD send the same header fields in response to a HEAD request as it would have sent if the request method had been GET.";
const ALLOW: &str = "The origin server MUST generate an Allow header field in a 405 response containing a list of the target resource's currently supported methods.";
const NOT_IMPLEMENTED: &str = "An origin server that receives a request method that is unrecognized or not implemented SHOULD respond with the 501 (Not Implemented) status code.";
const CASE_SENSITIVE: &str = "The method token is case-sensitive because it might be used as a gateway to object-based systems with case-sensitive method names.";
const LOCATION: &str = "The server SHOULD generate a Location header field in the response containing a preferred URI reference for the new permanent URI.";
const FILE_NAMES: &str = "Therefore, an origin server needs to avoid accessing names that have a special significance to the system when mapping the target resource to files, folders, or directories.";
const INVALID_LINE: &str = "Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect with the request-target properly encoded.";
const GRAMMAR: &str = "When a server listening only for HTTP request messages, or processing what appears from the start-line to be an HTTP request message, receives a sequence of octets that does not match the HTTP-message grammar aside from the robustness exceptions listed above, the server SHOULD respond with a 400 (Bad Request) response and close the connection.";
const SPACE_COLON: &str = "A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains whitespace between a header field name and colon.";
const URI_TOO_LONG: &str = "A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too Long) status code (see Section 15.5.15 of [HTTP]).";
const FIELDS_TOO_LARGE: &str = "A server that receives a request header field line, field value, or set of fields larger than it wishes to process MUST respond with an appropriate 4xx (Client Error) status code.";
const HOST: &str = "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field and to any request message that contains more than one Host header field line or a Host header field with an invalid field value.";
const BAD_LENGTH: &str = "If the unrecoverable error is in a request message, the server MUST respond with a 400 (Bad Request) status code and then close the connection.";
const EMPTY_LINE: &str = "In the interest of robustness, a server that is expecting to receive and parse a request-line SHOULD ignore at least one empty line (CRLF) received prior to the request-line.";
const BARE_LF: &str = "Although the line terminator for the start-line and fields is the sequence CRLF, a recipient MAY recognize a single LF as a line terminator and ignore any preceding CR.";
const BARE_CR: &str = "A recipient of such a bare CR MUST consider that element to be invalid or replace each bare CR with SP before processing the element or forwarding the message.";
const FIRST_LINE_SPACE: &str = "A recipient that receives whitespace between the start-line and the first header field MUST either reject the message as invalid or consume each whitespace-preceded line without further processing of it (i.e., ignore the entire line, along with any subsequent lines preceded by whitespace, until a properly formed header field is received or the header section is terminated).";
const OBS_FOLD: &str = "A server that receives an obs-fold in a request message that is not within a \"message/http\" container MUST either reject the message by sending a 400 (Bad Request), preferably with a representation explaining that obsolete line folding is unacceptable, or replace each received obs-fold with one or more SP octets prior to interpreting the field value or forwarding the message downstream.";
const CR_LF_NUL: &str = "a recipient of CR, LF, or NUL within a field value MUST either reject the message or replace each of those characters with SP before further processing or forwarding of that message.";
const MINOR: &str = "A recipient that receives a message with a major version number that it implements and a minor version number higher than what it implements SHOULD process the message as if it were in the highest minor version within that major version to which the recipient is conformant.";
const ABSOLUTE: &str = "A server MUST accept the absolute-form in requests even though most HTTP/1.1 clients will only send the absolute-form to a proxy.";
const CL_AND_TE: &str = "Regardless, the server MUST close the connection after responding to such a request to avoid the potential attacks.";
const TE_NOT_CHUNKED: &str = "If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad Request) status code and then close the connection.";
const TE_HTTP10: &str = "A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding header field MUST treat the message as if the framing is faulty, even if a Content-Length is present, and close the connection after processing the message.";
const READ_BODY: &str = "A server MUST read the entire request message body or close the connection after sending its response; otherwise, the remaining data on a persistent connection would be misinterpreted as the next request.";
const CHUNKED: &str = "A recipient MUST be able to parse the chunked transfer coding (Section 7.1) because it plays a crucial role in framing messages when the content size is not known in advance.";
const CLOSE: &str = "A server that receives a \"close\" connection option MUST initiate closure of the connection (see below) after it sends the final response to the request that contained the \"close\" connection option.";
const SEND_CLOSE: &str = "A server that does not support persistent connections MUST send the \"close\" connection option in every response message that does not have a 1xx (Informational) status code.";
const IF_NONE_MATCH: &str = "An origin server that evaluates an If-None-Match condition MUST NOT perform the requested method if the condition evaluates to false; instead, the origin server MUST respond with either the 304 (Not Modified) status code if the request method is GET or HEAD or the 412 (Precondition Failed) status code for all other request methods.";
const IF_MATCH: &str = "When an origin server receives a request that selects a representation and that request includes an If-Match header field, the origin server MUST evaluate the If-Match condition prior to performing the method.";
const IF_MODIFIED_SINCE: &str = "A recipient MUST ignore the If-Modified-Since header field if the received field value is not a valid HTTP-date, the field value has more than one member, or if the request method is neither GET nor HEAD.";
const RANGE: &str = "A server MAY ignore the Range header field.";
const PERCENT: &str = "A percent-encoding mechanism is used to represent a data octet in a component when that octet's corresponding character is outside the allowed set or is being used as a delimiter of, or within, the component.";
const NONE: &str = "";

/// A row of the table, written on one line each to read as a table. The
/// `course` profile runs every row; the `rfc` profile skips the course rules.
const fn check(
    name: &'static str,
    rule: &'static str,
    authority: &'static str,
    level: Level,
    quote: &'static str,
    book: &'static str,
    run: fn(&crate::check::Ctx) -> crate::check::Verdict,
) -> Check {
    Check {
        name,
        rule,
        authority,
        level,
        quote,
        book,
        run,
    }
}

use Level::{Course, Must, Should};

const RULE: &str = "course rule";

#[rustfmt::skip]
pub(crate) const RUBRIC: &[Check] = &[
    check("get-page", "GET a page: 200 and its bytes", "RFC 9110 §9.1", Must, GET_HEAD, RESPONSE, basics::get_page),
    check("get-empty-file", "an empty file: 200, Content-Length: 0", "RFC 9110 §8.6", Should, LENGTH_KNOWN, RESPONSE, basics::get_empty),
    check("get-name-with-space", "a name with a space, sent as %20", RULE, Course, PERCENT, DECODING, basics::get_spaced_name),
    check("get-non-ascii-name", "a non-ASCII name, percent-encoded UTF-8", RULE, Course, PERCENT, DECODING, basics::get_non_ascii_name),
    check("query-on-file", "/page.html?v=2 serves the page", RULE, Course, NONE, VALIDATE, semantics::query_on_file),
    check("percent-invalid", "/%zz: 400 or 404, no crash", RULE, Course, PERCENT, VALIDATE, semantics::percent_invalid),
    check("content-length", "Content-Length is the file's exact size", "RFC 9110 §8.6", Should, LENGTH_KNOWN, RESPONSE, basics::content_length),
    check("content-type", "Content-Type by extension, for every common type", RULE, Course, CONTENT_TYPE, TYPES, basics::content_type),
    check("content-type-module", "a module script (.mjs) is sent as JavaScript", RULE, Course, CONTENT_TYPE, TYPES, semantics::module_script),
    check("date", "a Date header, as an IMF-fixdate", "RFC 9110 §6.6.1", Must, DATE, RESPONSE, basics::date),
    check("head", "HEAD: 200 and no body", "RFC 9110 §9.3.2", Must, HEAD_NO_CONTENT, POLICY, basics::head),
    check("head-same-headers", "HEAD: the Content-Type and Content-Length of GET", "RFC 9110 §9.3.2", Should, HEAD_FIELDS, POLICY, basics::head_same_headers),
    check("post-403", "POST: 403 at once, without waiting for the body", RULE, Course, NONE, POLICY, basics::post_forbidden),
    check("method-405", "DELETE: 405 with Allow: GET, HEAD", RULE, Course, NONE, POLICY, basics::method_not_allowed),
    check("method-allow", "a 405 carries Allow with GET and HEAD", "RFC 9110 §15.5.6", Must, ALLOW, POLICY, basics::method_allow),
    check("method-501", "DELETE: 405 (not allowed here) or 501 (not implemented)", "RFC 9110 §9.1", Should, NOT_IMPLEMENTED, POLICY, basics::method_not_implemented),
    check("method-lowercase", "`get` is not GET: 400, 405 or 501", RULE, Course, CASE_SENSITIVE, POLICY, syntax::lowercase_method),
    check("not-found-404", "a missing file: 404", RULE, Course, NONE, POLICY, basics::not_found),
    check("index-file", "a directory with index.html serves it", RULE, Course, NONE, VALIDATE, basics::index_file),
    check("dir-without-index", "a directory without index: 200, 403 or 404, no crash", RULE, Course, NONE, VALIDATE, basics::no_index),
    check("redirect-dir", "GET /dir: 301, 302, 307 or 308 to /dir/", RULE, Course, LOCATION, VALIDATE, basics::redirect_dir),
    check("redirect-query", "GET /dir?q=1: the redirect keeps ?q=1", RULE, Course, NONE, VALIDATE, basics::redirect_query),
    check("redirect-one-slash", "GET //dir: never a Location starting with //", RULE, Course, NONE, VALIDATE, semantics::redirect_one_slash),
    check("connection-close", "one response per connection, Connection: close", RULE, Course, SEND_CLOSE, CLOSING, basics::connection_close),
    check("connection-close-honoured", "a request saying Connection: close: the server closes", "RFC 9112 §9.6", Must, CLOSE, CLOSING, framing::close_honoured),
    check("traversal-dot-dot", "/../ cannot leave the root", RULE, Course, FILE_NAMES, TRAVERSAL, hostile::dot_dot),
    check("traversal-encoded-dots", "%2e%2e cannot leave the root", RULE, Course, FILE_NAMES, TRAVERSAL, hostile::encoded_dots),
    check("traversal-encoded-slash", "..%2f cannot leave the root", RULE, Course, FILE_NAMES, TRAVERSAL, hostile::encoded_slash),
    check("traversal-backslash", "..\\ and ..%5c cannot leave the root", RULE, Course, FILE_NAMES, TRAVERSAL, hostile::backslash),
    check("traversal-absolute", "an absolute path stays under the root", RULE, Course, FILE_NAMES, TRAVERSAL, hostile::absolute_path),
    check("traversal-nul", "a NUL byte (%00) is refused", RULE, Course, FILE_NAMES, TRAVERSAL, hostile::nul_byte),
    check("traversal-sibling-prefix", "ROOT-private/ is not inside ROOT/", RULE, Course, FILE_NAMES, VALIDATE, hostile::sibling_prefix),
    check("traversal-symlink", "a symlink pointing out is not followed", RULE, Course, NONE, VALIDATE, hostile::symlink),
    check("crlf-before-request", "an empty line before the request line is ignored", "RFC 9112 §2.2", Should, EMPTY_LINE, WIRE, syntax::crlf_before),
    check("lf-line-endings", "lines ending in LF alone: 200 or 400, no hang", RULE, Course, BARE_LF, WIRE, syntax::lf_endings),
    check("bare-cr", "a bare CR in a field: 400 (or read as a space)", "RFC 9112 §2.2", Must, BARE_CR, WIRE, syntax::bare_cr),
    check("malformed-no-target", "`GET` alone: 400 (or 301), and the server lives", "RFC 9112 §3.2", Should, INVALID_LINE, CRASH, hostile::no_target),
    check("malformed-garbage", "`HELLO`: 400 (or 301), and the server lives", "RFC 9112 §3.2", Should, INVALID_LINE, CRASH, hostile::garbage_line),
    check("target-with-space", "a raw space inside the target: 400 (or 301)", "RFC 9112 §3.2", Should, INVALID_LINE, WIRE, syntax::target_with_space),
    check("target-control-char", "a control byte inside the target: 400 (or 301)", "RFC 9112 §3.2", Should, INVALID_LINE, WIRE, syntax::target_control),
    check("absolute-form", "GET http://host/page: the page", "RFC 9112 §3.2.2", Must, ABSOLUTE, WIRE, syntax::absolute_form),
    check("malformed-version", "HTTP/9.9: 505 or 400", RULE, Course, NONE, PARSING, hostile::bad_version),
    check("version-minor-higher", "HTTP/1.2 is served as HTTP/1.1", "RFC 9110 §2.5", Should, MINOR, WIRE, syntax::higher_minor),
    check("http2-preface", "the HTTP/2 preface: a 4xx or 5xx, or the connection closed", RULE, Course, NONE, WIRE, syntax::http2_preface),
    check("malformed-header", "a header line without a colon: 400", "RFC 9112 §2.2", Should, GRAMMAR, PARSING, hostile::header_no_colon),
    check("field-name-not-token", "a field name with `(`: 400", "RFC 9112 §2.2", Should, GRAMMAR, WIRE, syntax::name_not_token),
    check("malformed-space-before-colon", "`Accept : */*`: 400", "RFC 9112 §5.1", Must, SPACE_COLON, PARSING, hostile::space_before_colon),
    check("space-before-first-field", "a space before the first field: 400 (or the line ignored)", "RFC 9112 §2.2", Must, FIRST_LINE_SPACE, WIRE, syntax::space_before_first),
    check("obs-fold", "a folded field line: 400 (or unfolded)", "RFC 9112 §5.2", Must, OBS_FOLD, WIRE, syntax::obs_fold),
    check("field-value-nul", "a NUL in a field value: 400 (or read as a space)", "RFC 9110 §5.5", Must, CR_LF_NUL, WIRE, syntax::nul_in_value),
    check("limit-414", "a 100 KiB target: 414", "course rule (code: RFC 9112 §3)", Course, URI_TOO_LONG, PARSING, hostile::uri_too_long),
    check("limit-431", "200 header fields of 600 bytes: 431", "course rule (code: RFC 6585 §5)", Course, FIELDS_TOO_LARGE, PARSING, hostile::headers_too_large),
    check("host-missing", "HTTP/1.1 without Host: 400", "RFC 9112 §3.2", Must, HOST, PARSING, hostile::host_missing),
    check("host-twice", "two Host lines: 400", "RFC 9112 §3.2", Must, HOST, PARSING, hostile::host_twice),
    check("host-invalid", "an invalid Host: 400", "RFC 9112 §3.2", Must, HOST, PARSING, hostile::host_invalid),
    check("content-length-invalid", "Content-Length: abc: 400", "RFC 9112 §6.3", Must, BAD_LENGTH, PARSING, hostile::content_length_invalid),
    check("content-length-sign", "Content-Length: +5 or -1: 400", "RFC 9112 §6.3", Must, BAD_LENGTH, LENGTH, framing::content_length_sign),
    check("content-length-conflict", "two different Content-Lengths: 400", "RFC 9112 §6.3", Must, BAD_LENGTH, PARSING, hostile::content_length_conflict),
    check("te-and-content-length", "Transfer-Encoding with Content-Length: answered, then closed", "RFC 9112 §6.1", Must, CL_AND_TE, LENGTH, framing::te_and_length),
    check("te-not-chunked", "Transfer-Encoding not ending in chunked: 400 (or 501)", "RFC 9112 §6.3", Must, TE_NOT_CHUNKED, LENGTH, framing::te_not_chunked),
    check("te-in-http10", "Transfer-Encoding in HTTP/1.0: answered, then closed", "RFC 9112 §6.1", Must, TE_HTTP10, LENGTH, framing::te_in_http10),
    check("body-not-a-request", "a request hidden in a body is never answered", "RFC 9112 §9.3", Must, READ_BODY, CLOSING, framing::body_not_a_request),
    check("chunked-body", "a chunked body is read as a body, not as requests", "RFC 9112 §6.1", Must, CHUNKED, CLOSING, framing::chunked_body),
    check("large-body-answered", "an unread 1 MiB body: the response still arrives", RULE, Course, READ_BODY, CLOSING, framing::large_body),
    check("if-none-match-star", "If-None-Match: * on a file: 304", "RFC 9110 §13.1.2", Must, IF_NONE_MATCH, PRECONDITIONS, semantics::if_none_match_star),
    check("if-match-unknown", "If-Match with a tag never sent: 412, never 2xx", "RFC 9110 §13.1.1", Must, IF_MATCH, PRECONDITIONS, semantics::if_match_unknown),
    check("if-modified-since-invalid", "If-Modified-Since: not a date: ignored, 200", "RFC 9110 §13.1.3", Must, IF_MODIFIED_SINCE, PRECONDITIONS, semantics::if_modified_since_invalid),
    check("range-or-whole", "Range: bytes=0-3: the whole file, or exactly bytes 0-3", RULE, Course, RANGE, PRECONDITIONS, semantics::range_or_whole),
    check("idle-client", "a silent client does not block another", RULE, Course, NONE, IDLE, load::idle_client),
    check("trickle-client", "a byte-a-second client does not block another", RULE, Course, NONE, IDLE, load::trickle),
    check("big-file", "a big file arrives whole, memory stays flat", RULE, Course, NONE, MEMORY, bigfile::big_file),
    check("reset-mid-download", "a client that resets mid-download harms no one", RULE, Course, NONE, ROBUST, load::reset_mid_download),
    check("many-requests", "thousands of requests, no descriptor leaked", RULE, Course, NONE, ROBUST, load::many_requests),
];

#[cfg(test)]
mod tests {
    use super::RUBRIC;
    use crate::check::Level;

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
    /// `crates/http-suite/src/http.rs`, or in step 4's own `tests/hostile.rs`,
    /// `pico_http.rs` or `conformance.rs`) that pins the same rule over a
    /// socket.
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
            "method-allow",
            "other_methods_are_405_with_allow_whatever_the_path",
        ),
        (
            "method-501",
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
        (
            "query-on-file",
            "serves_each_file_with_its_type_and_exact_length",
        ),
        (
            "percent-invalid",
            "malformed_heads_are_answered_400_with_a_page",
        ),
        (
            "content-type-module",
            "ignored_fields_leave_the_whole_file_and_modules_are_javascript",
        ),
        (
            "head-same-headers",
            "head_sends_the_headers_of_get_and_no_body",
        ),
        (
            "method-lowercase",
            "a_lowercase_method_is_just_another_method",
        ),
        (
            "redirect-query",
            "a_directory_without_its_slash_is_redirected_to_it",
        ),
        (
            "redirect-one-slash",
            "a_directory_without_its_slash_is_redirected_to_it",
        ),
        (
            "connection-close-honoured",
            "after_connection_close_no_further_request_is_answered",
        ),
        (
            "crlf-before-request",
            "an_empty_line_first_and_a_later_minor_version_are_served",
        ),
        ("lf-line-endings", "bare_lf_line_endings_are_accepted"),
        (
            "bare-cr",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "target-with-space",
            "a_target_or_a_field_name_outside_the_grammar_is_400",
        ),
        (
            "target-control-char",
            "a_target_or_a_field_name_outside_the_grammar_is_400",
        ),
        (
            "absolute-form",
            "an_absolute_form_target_is_served_unless_it_cannot_be",
        ),
        (
            "version-minor-higher",
            "an_empty_line_first_and_a_later_minor_version_are_served",
        ),
        (
            "http2-preface",
            "malformed_heads_get_their_4xx_and_the_server_carries_on",
        ),
        (
            "field-name-not-token",
            "a_target_or_a_field_name_outside_the_grammar_is_400",
        ),
        (
            "space-before-first-field",
            "whitespace_at_the_start_of_a_field_line_is_400",
        ),
        ("obs-fold", "malformed_heads_are_answered_400_with_a_page"),
        ("field-value-nul", "cr_or_nul_inside_a_field_value_is_400"),
        (
            "content-length-sign",
            "a_content_length_that_is_not_one_number_is_400",
        ),
        (
            "te-and-content-length",
            "a_refused_head_is_answered_then_the_connection_closed",
        ),
        (
            "te-not-chunked",
            "a_transfer_encoding_that_cannot_frame_the_body_is_refused",
        ),
        (
            "te-in-http10",
            "a_refused_head_is_answered_then_the_connection_closed",
        ),
        (
            "body-not-a-request",
            "a_request_body_is_never_read_as_the_next_request",
        ),
        (
            "chunked-body",
            "a_chunked_body_is_never_read_as_the_next_request",
        ),
        (
            "large-body-answered",
            "post_is_answered_at_once_whatever_its_body_says",
        ),
        (
            "if-none-match-star",
            "preconditions_are_decided_by_sending_no_validators",
        ),
        (
            "if-match-unknown",
            "preconditions_are_decided_by_sending_no_validators",
        ),
        (
            "if-modified-since-invalid",
            "ignored_fields_leave_the_whole_file_and_modules_are_javascript",
        ),
        (
            "range-or-whole",
            "ignored_fields_leave_the_whole_file_and_modules_are_javascript",
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
        // checks that its macro lists them all), and its own test files.
        let step4_http = read("step4-pico-http/tests/http.rs");
        assert!(
            step4_http.contains("http_suite::http_tests!"),
            "{step4_http}"
        );
        let suite = read("http-suite/src/http.rs");
        let own: String = ["hostile.rs", "pico_http.rs", "conformance.rs"]
            .map(|file| read(&format!("step4-pico-http/tests/{file}")))
            .concat();
        for check in RUBRIC {
            let mapped = STAGE_TESTS.iter().find(|(name, _)| *name == check.name);
            match mapped {
                Some((_, test)) => {
                    let defined = suite.contains(&format!("pub fn {test}(stage: &Stage)"))
                        || own.contains(&format!("fn {test}()"));
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

    /// A level stands on the RFC's own word: every MUST row quotes a sentence
    /// saying MUST, every SHOULD row one saying SHOULD, and cites an RFC; a
    /// course rule says it is one.
    #[test]
    fn every_level_quotes_the_sentence_it_stands_on() {
        for check in RUBRIC {
            let (word, rfc) = match check.level {
                Level::Must => ("MUST", true),
                Level::Should => ("SHOULD", true),
                Level::Course => ("", false),
            };
            assert!(
                check.quote.contains(word),
                "{}: {:?}",
                check.name,
                check.quote
            );
            if rfc {
                assert!(check.authority.starts_with("RFC 911"), "{}", check.name);
                assert!(
                    !check.quote.is_empty(),
                    "{}: no sentence quoted",
                    check.name
                );
            } else {
                assert!(check.authority.starts_with("course rule"), "{}", check.name);
            }
        }
    }

    /// `docs/src/rubric.md` is the table as `--list --markdown` prints it:
    /// `just rubric-page` writes it again after a change to the table.
    #[test]
    fn the_book_page_of_the_rubric_is_fresh() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/src/rubric.md");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == crate::report::markdown(RUBRIC),
            "docs/src/rubric.md is stale: run `just rubric-page`"
        );
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
