//! Property tests of step 4's two gatekeepers: the request parser and the path
//! resolver. A table-driven test checks the inputs we thought of; a property
//! test states a rule ("the parser never panics", "no path leaves the root")
//! and lets proptest try thousands of inputs we did not think of. When one
//! breaks the rule, proptest shrinks it to the smallest input that still does
//! and prints it: add that input as a row of the unit-test tables.
//!
//! CI runs a few thousand cases per property. For a long session:
//!
//! ```text
//! PROPTEST_CASES=1000000 cargo test -p step4-pico-http --test properties --release
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::io::BufReader;
use std::path::Path;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use common::{SECRET, Site};
use step4_pico_http::docroot::{self, DocRoot, Refusal};
use step4_pico_http::request::{
    MAX_HEADER_FIELDS, MAX_REQUEST_LINE, ParseError, Request, parse_request,
};

/// Runs `test` on `cases` inputs from `strategy` (or `PROPTEST_CASES` of them,
/// when set) and fails with the smallest failing input it finds.
fn check<S: Strategy>(
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    // No regression files: a failure is printed, shrunk, for a unit-test row.
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    if let Err(failure) = TestRunner::new(config).run(&strategy, test) {
        panic!("{failure}");
    }
}

// ---------------------------------------------------------------------------
// The parser

/// Pieces that requests, and broken requests, are made of. Random bytes alone
/// would rarely get past the first space; glued from these they reach every
/// branch of the parser.
const PIECES: &[&[u8]] = &[
    b"GET",
    b"HEAD",
    b"POST",
    b"get",
    b"PRI",
    b" ",
    b"  ",
    b"\t",
    b"/",
    b"/index.html",
    b"*",
    b"?",
    b"%",
    b"%2e",
    b"HTTP/1.1",
    b"HTTP/1.0",
    b"HTTP/2.0",
    b"HTTP/",
    b"HTTP/1.",
    b"\r\n",
    b"\n",
    b"\r",
    b"\r\n\r\n",
    b":",
    b": ",
    b"Host",
    b"Host: x",
    b"Content-Length: 5",
    b"Transfer-Encoding: chunked",
    b"\0",
    b"\x7f",
    b"\xff",
    b"\xc3\x28",
    b"..",
    b"a",
];

fn messy_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => select(PIECES).prop_map(<[u8]>::to_vec),
        1 => vec(any::<u8>(), 0..8),
    ];
    prop_oneof![
        vec(any::<u8>(), 0..512),
        vec(piece, 0..48).prop_map(|pieces| pieces.concat()),
    ]
}

/// What a parse came to, comparable across runs.
#[derive(Debug, PartialEq)]
enum Outcome {
    Parsed(Request),
    Refused(Option<u16>),
    Closed,
}

fn outcome(result: Result<Request, ParseError>) -> Outcome {
    match result {
        Ok(request) => Outcome::Parsed(request),
        Err(ParseError::Closed) => Outcome::Closed,
        Err(error) => Outcome::Refused(error.status()),
    }
}

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[test]
fn the_parser_answers_any_bytes_with_a_request_or_a_4xx() {
    check(20_000, messy_bytes(), |bytes| {
        let whole = parse_request(&mut &bytes[..]);
        match &whole {
            // A connection that sends nothing is the only one with no answer.
            Err(ParseError::Closed) => prop_assert!(bytes.is_empty()),
            // 505 is the one 5xx: a well-formed head of another HTTP version.
            Err(error) => prop_assert!(
                matches!(error.status(), Some(400 | 414 | 431 | 505)),
                "{error:?}"
            ),
            Ok(request) => {
                prop_assert!(is_token(&request.method), "{request:?}");
                prop_assert!(request.version.starts_with("HTTP/1."), "{request:?}");
                prop_assert!(
                    !request.target.is_empty()
                        && request.target.bytes().all(|b| b.is_ascii_graphic()),
                    "{request:?}"
                );
                prop_assert!(request.headers.len() <= MAX_HEADER_FIELDS);
                for (name, value) in &request.headers {
                    prop_assert!(is_token(name), "{name:?}");
                    prop_assert!(!value.starts_with([' ', '\t']) && !value.ends_with([' ', '\t']));
                    prop_assert!(!value.bytes().any(|b| b.is_ascii_control() && b != b'\t'));
                }
            }
        }
        // However the bytes arrive (here, a few at a time), the answer is the same.
        for capacity in [1, 7] {
            let mut trickle = BufReader::with_capacity(capacity, &bytes[..]);
            let chunked = parse_request(&mut trickle);
            prop_assert_eq!(outcome(chunked), outcome(parse_request(&mut &bytes[..])));
        }
        Ok(())
    });
}

/// A request made of valid parts, and the parts it was made of.
#[derive(Debug, Clone)]
struct Parts {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    bare_lf: bool,
    leading_empty_line: bool,
    body: Vec<u8>,
}

impl Parts {
    fn bytes(&self) -> Vec<u8> {
        let end = if self.bare_lf { "\n" } else { "\r\n" };
        let mut head = String::new();
        if self.leading_empty_line {
            head.push_str(end);
        }
        head.push_str(&format!(
            "{} {} {}{end}",
            self.method, self.target, self.version
        ));
        for (name, value) in &self.headers {
            // Optional whitespace around the value is not part of it.
            head.push_str(&format!("{name}: {value} {end}"));
        }
        head.push_str(end);
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

fn valid_parts() -> impl Strategy<Value = Parts> {
    let token = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}";
    let target = "/[!-~]{0,80}";
    // A field value: visible characters, with single spaces or tabs inside.
    let value = "([!-~]([ \t]?[!-~]){0,20})?";
    (
        token,
        target,
        0..10u8,
        vec((token, value), 0..=MAX_HEADER_FIELDS),
        any::<bool>(),
        any::<bool>(),
        vec(any::<u8>(), 0..32),
    )
        .prop_map(
            |(method, target, minor, headers, bare_lf, leading_empty_line, body)| Parts {
                method,
                target,
                version: format!("HTTP/1.{minor}"),
                headers,
                bare_lf,
                leading_empty_line,
                body,
            },
        )
}

#[test]
fn a_request_made_of_valid_parts_parses_back_to_them() {
    check(5_000, valid_parts(), |parts| {
        let bytes = parts.bytes();
        let mut reader = &bytes[..];
        let request = parse_request(&mut reader)
            .map_err(|e| TestCaseError::fail(format!("{e:?} for {parts:?}")))?;
        prop_assert_eq!(&request.method, &parts.method);
        prop_assert_eq!(&request.target, &parts.target);
        prop_assert_eq!(&request.version, &parts.version);
        prop_assert_eq!(&request.headers, &parts.headers);
        // The parser stops at the end of the head: the body is left unread.
        prop_assert_eq!(reader, &parts.body[..]);
        Ok(())
    });
}

#[test]
fn the_limits_fall_exactly_where_they_say() {
    // The request line, its line ending included, may be MAX_REQUEST_LINE long.
    let overhead = "GET / HTTP/1.1\r\n".len();
    let lengths = (MAX_REQUEST_LINE - overhead - 64)..(MAX_REQUEST_LINE - overhead + 64);
    check(
        500,
        (lengths, 0..MAX_HEADER_FIELDS + 10),
        |(length, fields)| {
            let line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(length));
            let status = outcome(parse_request(&mut line.as_bytes()));
            if length + overhead <= MAX_REQUEST_LINE {
                prop_assert!(matches!(status, Outcome::Parsed(_)), "{length}: {status:?}");
            } else {
                prop_assert_eq!(status, Outcome::Refused(Some(414)));
            }
            let head = format!("GET / HTTP/1.1\r\n{}\r\n", "A: b\r\n".repeat(fields));
            let status = outcome(parse_request(&mut head.as_bytes()));
            if fields <= MAX_HEADER_FIELDS {
                prop_assert!(matches!(status, Outcome::Parsed(_)), "{fields}: {status:?}");
            } else {
                prop_assert_eq!(status, Outcome::Refused(Some(431)));
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------
// The resolver

/// Pieces of paths, the dangerous ones first. Glued together they make
/// `..`, `%2e%2E`, `/%2F`, `..%5c`, NUL bytes, drive letters and links.
const PATH_PIECES: &[&str] = &[
    "..",
    ".",
    "/",
    "//",
    "%2e",
    "%2E",
    "%2f",
    "%2F",
    "%5c",
    "%5C",
    "\\",
    "%00",
    "\0",
    "%",
    "%c0%ae",
    "%c0%af",
    "%zz",
    "%e2%80%ae",
    "C:",
    ":",
    "~",
    "?",
    "#",
    "http://h",
    "%20",
    " ",
    "secret.txt",
    "site-secret",
    "key.txt",
    "escape",
    "inside",
    "up",
    "sibling",
    "sub",
    "index.html",
    "style.css",
    "empty",
    "a b.txt",
    "café",
];

fn hostile_target() -> impl Strategy<Value = String> {
    prop_oneof![
        // Anything at all, with and without the leading slash.
        any::<String>(),
        any::<String>().prop_map(|s| format!("/{s}")),
        vec(select(PATH_PIECES), 0..16).prop_map(|pieces| pieces.concat()),
        vec(select(PATH_PIECES), 0..16).prop_map(|pieces| format!("/{}", pieces.concat())),
    ]
}

/// The test tree: `common::Site`, plus links that point out of the root (on
/// Unix): to its parent and to the sibling whose name starts like the root's.
fn site_with_links() -> Site {
    let site = Site::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("..", site.root().join("up")).unwrap();
        symlink("../site-secret", site.root().join("sibling")).unwrap();
    }
    site
}

#[test]
fn no_target_resolves_to_a_path_outside_the_root() {
    let site = site_with_links();
    let docroot = DocRoot::open(&site.root()).unwrap();
    // Checked against the root as the operating system sees it, computed here
    // and not taken from the resolver.
    let root = fs::canonicalize(site.root()).unwrap();
    check(10_000, hostile_target(), |target| {
        match docroot.resolve(&target) {
            Ok(path) => {
                prop_assert!(path.starts_with(&root), "{target:?} -> {}", path.display());
                // Already canonical: no `..`, no link left to follow out.
                prop_assert_eq!(&fs::canonicalize(&path).unwrap(), &path);
                prop_assert!(path.is_file());
                let contents = fs::read(&path).unwrap();
                prop_assert!(
                    !String::from_utf8_lossy(&contents).contains(SECRET),
                    "{target:?} reached the secret"
                );
            }
            // A directory without its slash: the redirect must stay on this
            // host, as a plain path a header can carry.
            Err(Refusal::AddSlash) => {
                let location = docroot::with_slash(&target);
                prop_assert!(location.starts_with('/') && !location.starts_with("//"));
                prop_assert!(location.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'));
            }
            Err(refusal) => {
                prop_assert!([400, 403, 404].contains(&refusal.status()), "{refusal:?}")
            }
        }
        Ok(())
    });
}

/// The files of the test site, by their path under the root.
const SERVED: &[&str] = &[
    "index.html",
    "style.css",
    "sub/index.html",
    "a b.txt",
    "notes.txt",
];

/// `path` with some characters percent-encoded (in either case), some
/// slashes doubled and some `./` segments added: spellings of the same file.
fn respell(path: &str, choices: &[u8]) -> String {
    let mut target = String::from("/");
    for (i, c) in path.chars().enumerate() {
        let choice = choices.get(i).copied().unwrap_or(0);
        match (c, choice % 5) {
            ('/', 1) => target.push_str("//"),
            ('/', 2) => target.push_str("/./"),
            (c, 3) if c.is_ascii() => target.push_str(&format!("%{:02x}", c as u8)),
            (c, 4) if c.is_ascii() => target.push_str(&format!("%{:02X}", c as u8)),
            (' ', _) => target.push_str("%20"),
            (c, _) => target.push(c),
        }
    }
    target
}

#[test]
fn every_spelling_of_a_served_file_resolves_to_that_file() {
    let site = site_with_links();
    let docroot = DocRoot::open(&site.root()).unwrap();
    let root = fs::canonicalize(site.root()).unwrap();
    let spelling = (
        select(SERVED),
        vec(any::<u8>(), 0..20),
        "(\\?[a-z=&]{0,8})?",
    );
    check(5_000, spelling, |(file, choices, query)| {
        let target = format!("{}{query}", respell(file, &choices));
        let expected = root.join(Path::new(file));
        prop_assert_eq!(docroot.resolve(&target), Ok(expected), "{}", target);
        Ok(())
    });
}
