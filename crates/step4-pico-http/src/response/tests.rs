//! Tests of the response writer: the bytes of the head and the body, and the date.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use std::time::Duration;

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

#[test]
fn formats_dates_as_imf_fixdate() {
    let cases = [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"), // RFC 9110's own example
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"), // a leap day of a 400th year
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"), // 2100 is not a leap year
    ];
    for (seconds, expected) in cases {
        assert_eq!(http_date(at(seconds)), expected, "{seconds}");
    }
}

#[test]
fn every_day_for_a_thousand_years_has_a_valid_date() {
    let mut previous = (1969, 12, 31);
    for days in 0..366_000 {
        let (y, m, d) = civil_from_days(days);
        let next_day = (previous.0, previous.1, previous.2 + 1);
        let next_month = (previous.0, previous.1 + 1, 1);
        let next_year = (previous.0 + 1, 1, 1);
        assert!(
            [next_day, next_month, next_year].contains(&(y, m, d)),
            "day {days}: {y}-{m}-{d}"
        );
        assert!(d <= 31 && (1..=12).contains(&m));
        previous = (y, m, d);
    }
}

/// The bytes a response writer sent, and what it reported.
fn sent(write: impl FnOnce(&mut Vec<u8>) -> io::Result<Sent>) -> (String, Sent) {
    let mut out = Vec::new();
    let sent = write(&mut out).unwrap();
    (String::from_utf8(out).unwrap(), sent)
}

/// A 200 head for a file of `length` bytes, written into `out`'s buffer.
fn file_head<W: Write>(out: W, length: u64) -> ResponseWriter<W> {
    let mut writer = ResponseWriter::new(out);
    writer.write_response_line(200);
    writer.write_headers("text/plain", length, &[]);
    writer
}

#[test]
fn an_error_response_has_every_header_and_its_page() {
    let page = "<p>only GET and HEAD</p>";
    let (text, report) = sent(|out| {
        let mut writer = ResponseWriter::new(out);
        writer.write_response_line(405);
        writer.write_headers(
            "text/html; charset=utf-8",
            page.len() as u64,
            &[("Allow", "GET, HEAD")],
        );
        writer.write_body(page.as_bytes())
    });
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let lines: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(lines[0], "HTTP/1.1 405 Method Not Allowed");
    assert!(lines[1].starts_with("Date: ") && lines[1].ends_with(" GMT"));
    assert_eq!(lines[2], "Content-Type: text/html; charset=utf-8");
    assert_eq!(lines[3], format!("Content-Length: {}", body.len()));
    assert_eq!(lines[4], "Connection: close");
    assert_eq!(lines[5], "Allow: GET, HEAD");
    assert!(body.contains("only GET and HEAD"));
    assert_eq!(
        report,
        Sent {
            status: 405,
            body_bytes: page.len() as u64
        }
    );
}

#[test]
fn a_file_is_sent_whole_and_a_head_response_stops_after_the_head() {
    let path = std::env::temp_dir().join(format!("response-test-{}.txt", std::process::id()));
    let contents = "x".repeat(3 * COPY_BUFFER + 17);
    std::fs::write(&path, &contents).unwrap();
    let length = contents.len() as u64;

    let (text, report) = sent(|out| file_head(out, length).write_file(File::open(&path)?, length));
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.contains(&format!("Content-Length: {}", contents.len())));
    assert_eq!(body, contents);
    assert_eq!(report.body_bytes, length);

    let (text, report) = sent(|out| file_head(out, length).end());
    assert!(text.ends_with("\r\n\r\n"));
    assert!(text.contains(&format!("Content-Length: {}", contents.len())));
    assert_eq!(report.body_bytes, 0, "HEAD sends no body");

    // A file shorter than promised is an error, not a silently short body.
    let short =
        file_head(Vec::new(), length + 1).write_file(File::open(&path).unwrap(), length + 1);
    assert!(short.is_err());
    std::fs::remove_file(&path).unwrap();
}

/// Keeps every `write` call apart, as a socket sees them.
#[derive(Default)]
struct Writes(Vec<Vec<u8>>);

impl Write for Writes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.push(buf.to_vec());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn writes_for_a_file_of(length: usize) -> (String, Vec<Vec<u8>>) {
    let path = std::env::temp_dir().join(format!(
        "response-writes-{}-{length}.bin",
        std::process::id()
    ));
    std::fs::write(&path, vec![b'x'; length]).unwrap();
    let mut writes = Writes::default();
    let writer = file_head(&mut writes, length as u64);
    let head = writer.head.clone();
    writer
        .write_file(File::open(&path).unwrap(), length as u64)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    (head, writes.0)
}
#[test]
fn a_small_file_leaves_in_one_write_with_its_head() {
    let (head, writes) = writes_for_a_file_of(1200);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].len(), head.len() + 1200);
    assert!(writes[0].starts_with(head.as_bytes()));
}

#[test]
fn a_large_file_leaves_in_chunks_of_the_copy_buffer() {
    let length = 2 * COPY_BUFFER + 5;
    let (head, writes) = writes_for_a_file_of(length);
    let sizes: Vec<usize> = writes.iter().map(Vec::len).collect();
    let total = head.len() + length;
    assert_eq!(sizes, [COPY_BUFFER, COPY_BUFFER, total - 2 * COPY_BUFFER]);
}

#[test]
fn an_empty_file_is_the_head_alone() {
    let (head, writes) = writes_for_a_file_of(0);
    assert_eq!(writes, [head.into_bytes()]);
}
