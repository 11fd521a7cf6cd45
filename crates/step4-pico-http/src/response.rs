//! Writing the response: a status line, header fields, an empty line, then the
//! body (RFC 9112 §4 and §6). The article's `_write_response_line` and
//! `_write_headers`.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                     status line: version SP code SP reason
//! Date: Tue, 24 Nov 2026 08:00:00 GMT\r\n
//! Content-Type: text/html; charset=utf-8\r\n
//! Content-Length: 1234\r\n                 the body's exact size in bytes
//! Connection: close\r\n                    one request per connection
//! \r\n                                    end of the head
//! <!DOCTYPE html>...                      the body: exactly 1234 bytes
//! ```

use std::fs::File;
use std::io::{self, Read, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use log::debug;

use crate::status;

/// How much of a file is moved per `read` and per `write`: each is a system
/// call, so fewer, larger ones cost less, and the receiver wakes up less often.
/// The buffer is the only memory a download needs, whatever the size of the
/// file (`docs/src/performance.md` has the measurements behind the size).
pub const COPY_BUFFER: usize = 1024 * 1024;

/// What was sent, for the access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub status: u16,
    /// Bytes of body really written: 0 for a response to HEAD.
    pub body_bytes: u64,
}

/// A response on its way out to `out`.
///
/// The article writes into `conn.makefile('wb')`, a buffered stream: nothing
/// leaves until `flush`. Here the status line and the header fields gather in
/// `head`, and leave with the first piece of the body, in one `write`: each
/// `write` on a TCP socket is a system call and usually a segment of its own.
#[derive(Debug)]
pub struct ResponseWriter<W> {
    out: W,
    status: u16,
    head: String,
    /// Set for a response to HEAD: only the head is sent, whatever the body.
    body_omitted: bool,
}

impl<W: Write> ResponseWriter<W> {
    pub fn new(out: W) -> ResponseWriter<W> {
        ResponseWriter {
            out,
            status: 0,
            head: String::with_capacity(256),
            body_omitted: false,
        }
    }

    /// For a response to HEAD: the same head as for GET, error or not, and no
    /// body (RFC 9110 §9.3.2); its Content-Length still says how much GET
    /// would send.
    pub fn without_body(mut self) -> ResponseWriter<W> {
        self.body_omitted = true;
        self
    }

    // ANCHOR: write_head
    /// `HTTP/1.1 404 Not Found`: the article's `_write_response_line`.
    pub fn write_response_line(&mut self, status: u16) {
        self.status = status;
        let reason = status::reason(status);
        self.head += &format!("HTTP/1.1 {status} {reason}\r\n");
    }

    /// The article's `_write_headers`: the fields every response carries, then
    /// `extra` (such as `Allow` on a 405), then the empty line ending the head.
    pub fn write_headers(&mut self, content_type: &str, length: u64, extra: &[(&str, &str)]) {
        let date = http_date(SystemTime::now());
        self.head += &format!("Date: {date}\r\nContent-Type: {content_type}\r\n");
        // Connection: close announces that we close after this response
        // (RFC 9112 §9.6), so the client need not wait for more.
        self.head += &format!("Content-Length: {length}\r\nConnection: close\r\n");
        for (name, value) in extra {
            self.head += &format!("{name}: {value}\r\n");
        }
        self.head += "\r\n";
    }
    // ANCHOR_END: write_head

    // ANCHOR: send
    /// Sends the head alone: the answer to HEAD.
    pub fn end(self) -> io::Result<Sent> {
        self.write_body(&[])
    }

    /// Sends the head and a small body held in memory, such as an error page.
    /// Then flushes: the article forgets to flush its error responses, so they
    /// only leave when the next client comes.
    pub fn write_body(mut self, body: &[u8]) -> io::Result<Sent> {
        let body = if self.body_omitted { &[][..] } else { body };
        debug!("response head: {:?}", self.head);
        self.out.write_all(&[self.head.as_bytes(), body].concat())?;
        self.out.flush()?;
        Ok(self.sent(body.len() as u64))
    }
    // ANCHOR_END: send

    // ANCHOR: write_file
    /// Sends the head, then `length` bytes of `file`, through one buffer of at
    /// most [`COPY_BUFFER`] bytes whose first fill starts with the head: a
    /// small file leaves in a single `write` with its head. The article reads
    /// the whole file into memory first.
    pub fn write_file(mut self, file: File, length: u64) -> io::Result<Sent> {
        if self.body_omitted {
            return self.end();
        }
        debug!("response head: {:?}", self.head);
        let head = self.head.as_bytes();
        let capacity = (head.len() as u64 + length).min(COPY_BUFFER as u64) as usize;
        let mut buffer = vec![0; capacity.max(head.len())];
        buffer[..head.len()].copy_from_slice(head);
        let mut filled = head.len();
        // `take`: never more than Content-Length promised, even if the file
        // grows while we send it.
        let mut body = file.take(length);
        let mut copied = 0;
        while copied < length {
            let n = body.read(&mut buffer[filled..])?;
            if n == 0 {
                let shrank = format!("the file shrank: sent {copied} of {length} bytes");
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, shrank));
            }
            filled += n;
            copied += n as u64;
            if filled == buffer.len() || copied == length {
                self.out.write_all(&buffer[..filled])?;
                filled = 0;
            }
        }
        if filled > 0 {
            // An empty file: the head alone.
            self.out.write_all(&buffer[..filled])?;
        }
        self.out.flush()?;
        Ok(self.sent(copied))
    }
    // ANCHOR_END: write_file

    fn sent(&self, body_bytes: u64) -> Sent {
        Sent {
            status: self.status,
            body_bytes,
        }
    }
}
/// The `Date` header's format, IMF-fixdate (RFC 9110 §5.6.7):
/// `Sun, 06 Nov 1994 08:49:37 GMT`. An origin server with a clock must send
/// it (§6.6.1). Formatted by hand from the seconds since 1970.
pub fn http_date(now: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = seconds / 86_400;
    let (hour, minute, second) = (seconds % 86_400 / 3600, seconds % 3600 / 60, seconds % 60);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year} {hour:02}:{minute:02}:{second:02} GMT",
        // 1 January 1970 was a Thursday.
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
    )
}

/// Year, month (1–12) and day (1–31) of a day counted from 1970-01-01, in the
/// Gregorian calendar. Howard Hinnant's `civil_from_days`: shift the year to
/// start in March, so the leap day falls at its end, then count 400-year eras.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z / 146_097; // days in 400 years
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests;
