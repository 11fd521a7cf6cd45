// The unit tests of `conformance.rs`, written once for the three stages'
// copies: each stage's `src/conformance/tests.rs` includes this file, so
// `super` is that stage's `conformance` module.

use super::*;

fn check(minor: u8, fields: &[(&str, &str)]) -> Result<Body, u16> {
    check_head(1, minor, fields).map_err(|rejection| rejection.status)
}

#[test]
fn accepts_an_ordinary_head() {
    assert_eq!(check(1, &[("Host", "localhost:8000")]), Ok(Body::None));
    assert_eq!(check(0, &[]), Ok(Body::None));
}

#[test]
fn only_http_1_is_spoken() {
    for major in [0, 2, 3] {
        let answer = check_head(major, 0, &[("Host", "x")]).map_err(|r| r.status);
        assert_eq!(answer, Err(505), "HTTP/{major}");
    }
}

#[test]
fn an_http_1_1_request_has_exactly_one_valid_host() {
    let valid = [
        "localhost",
        "127.0.0.1:8000",
        "[::1]:8000",
        "[::1]",
        "example.com:",
        "",
        "a%41b",
    ];
    for host in valid {
        assert_eq!(check(1, &[("Host", host)]), Ok(Body::None), "{host:?}");
    }
    let invalid = [
        "a b",
        "a/b",
        "user@host",
        "a:b:c",
        "host:port",
        "[::1",
        "[]",
        "[::1]x",
        "%zz",
        "é",
    ];
    for host in invalid {
        assert_eq!(check(1, &[("Host", host)]), Err(400), "{host:?}");
    }
    assert_eq!(check(1, &[]), Err(400));
    assert_eq!(check(1, &[("Host", "a"), ("host", "a")]), Err(400));
    assert_eq!(check(0, &[("Host", "a"), ("Host", "b")]), Err(400));
}

#[test]
fn content_length_is_one_number() {
    let h = ("Host", "x");
    assert_eq!(check(1, &[h, ("Content-Length", "5")]), Ok(Body::Length(5)));
    let same = [h, ("Content-Length", "5"), ("content-length", "005")];
    assert_eq!(check(1, &same), Ok(Body::Length(5)));
    for bad in ["", "abc", "+5", "-1", "5, 6", "5, 5", "0x10", "1 2"] {
        assert_eq!(check(1, &[h, ("Content-Length", bad)]), Err(400), "{bad:?}");
    }
    let differ = [h, ("Content-Length", "5"), ("Content-Length", "6")];
    assert_eq!(check(1, &differ), Err(400));
    let huge = [h, ("Content-Length", "99999999999999999999999")];
    assert_eq!(check(1, &huge), Err(413));
}

#[test]
fn transfer_encoding_must_end_in_chunked_and_stand_alone() {
    let h = ("Host", "x");
    assert_eq!(
        check(1, &[h, ("Transfer-Encoding", "chunked")]),
        Ok(Body::Chunked)
    );
    assert_eq!(
        check(1, &[h, ("Transfer-Encoding", "Chunked, ")]),
        Ok(Body::Chunked)
    );
    for bad in ["gzip", "chunked, gzip", "", "chunked, chunked"] {
        assert_eq!(
            check(1, &[h, ("Transfer-Encoding", bad)]),
            Err(400),
            "{bad:?}"
        );
    }
    assert_eq!(
        check(1, &[h, ("Transfer-Encoding", "gzip, chunked")]),
        Err(501)
    );
    let both = [h, ("Transfer-Encoding", "chunked"), ("Content-Length", "5")];
    assert_eq!(check(1, &both), Err(400));
    assert_eq!(check(0, &[("Transfer-Encoding", "chunked")]), Err(400));
}

#[test]
fn field_lines_are_tokens_without_cr_lf_or_nul() {
    let h = ("Host", "x");
    for name in ["", "a b", "a:b", "a(b", "é"] {
        assert_eq!(check(1, &[h, (name, "v")]), Err(400), "{name:?}");
    }
    for value in ["a\rb", "a\nb", "a\0b"] {
        assert_eq!(check(1, &[h, ("X", value)]), Err(400), "{value:?}");
    }
    assert_eq!(check(1, &[h, ("X", "tab\there, é")]), Ok(Body::None));
}

#[test]
fn preconditions_follow_from_having_no_validators() {
    assert_eq!(precondition(&[]), None);
    assert_eq!(precondition(&[("If-Match", "*")]), None);
    let status = |fields: &[(&str, &str)]| precondition(fields).map(|r| r.status);
    assert_eq!(status(&[("If-Match", "\"v1\"")]), Some(412));
    assert_eq!(
        status(&[("if-match", "*"), ("If-Match", "W/\"x\"")]),
        Some(412)
    );
    assert_eq!(status(&[("If-None-Match", "*")]), Some(304));
    assert_eq!(status(&[("If-None-Match", "\"v1\", \"v2\"")]), None);
    assert_eq!(
        status(&[("If-Match", "\"v1\""), ("If-None-Match", "*")]),
        Some(412)
    );
    let dates = [
        ("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("If-Range", "\"v1\""),
    ];
    assert_eq!(precondition(&dates), None);
}
