//! Reading the lines of a request head, each within its limit.
//!
//! Reading is where a server meets the client's bytes before it knows anything
//! about them, so every read here is bounded: a line without end, or a head
//! that never ends, stops at a limit instead of growing until memory runs out.

use std::io::{self, BufRead, Read};

use super::{MAX_HEADER_BYTES, MAX_REQUEST_LINE, ParseError};

// ANCHOR: head_reader
/// Reads the lines of one head, each within its limit, and keeps every byte it
/// read for the debug log.
pub(super) struct HeadReader<'r, R> {
    reader: &'r mut R,
    /// The head so far, line endings included.
    pub(super) raw: Vec<u8>,
    /// Where the header section starts in `raw`: its bytes count against
    /// [`MAX_HEADER_BYTES`].
    fields_start: usize,
}

impl<'r, R: BufRead> HeadReader<'r, R> {
    pub(super) fn new(reader: &'r mut R) -> HeadReader<'r, R> {
        HeadReader {
            reader,
            raw: Vec::new(),
            fields_start: 0,
        }
    }

    /// The request line; too long is 414.
    pub(super) fn request_line(&mut self) -> Result<Vec<u8>, ParseError> {
        let mut line = self.read_line(MAX_REQUEST_LINE, ParseError::UriTooLong)?;
        // RFC 9112 §2.2: a server should ignore at least one empty line before
        // the request line (some old clients send a CRLF after a POST body).
        // Only one: a client sending nothing but empty lines gets a 400.
        if line.is_empty() {
            line = self.read_line(MAX_REQUEST_LINE, ParseError::UriTooLong)?;
        }
        self.fields_start = self.raw.len();
        Ok(line)
    }

    /// The next header field line, or an empty line at the end of the head;
    /// past [`MAX_HEADER_BYTES`] for the whole section is 431.
    pub(super) fn field_line(&mut self) -> Result<Vec<u8>, ParseError> {
        let used = self.raw.len() - self.fields_start;
        let too_large = ParseError::HeadersTooLarge("the header section is over 64 KiB");
        self.read_line(MAX_HEADER_BYTES.saturating_sub(used), too_large)
    }

    /// Reads one line of at most `limit` bytes (its ending included) and
    /// returns it without its ending, or `too_long`. The ending is CRLF, or a
    /// bare LF, which RFC 9112 §2.2 allows a server to accept.
    fn read_line(&mut self, limit: usize, too_long: ParseError) -> Result<Vec<u8>, ParseError> {
        let mut line = Vec::new();
        // `take` bounds the read: a line without end stops at `limit + 1` bytes.
        let read = (&mut self.reader)
            .take(limit as u64 + 1)
            .read_until(b'\n', &mut line);
        let nothing_before = self.raw.is_empty();
        self.raw.extend_from_slice(&line);
        match read {
            Err(error) if is_timeout(&error) => Err(ParseError::Timeout),
            Err(error) => Err(ParseError::Io(error)),
            Ok(_) if line.len() > limit => Err(too_long),
            Ok(0) if nothing_before => Err(ParseError::Closed),
            Ok(_) if !line.ends_with(b"\n") => Err(ParseError::BadRequest(
                "the connection closed before the head ended",
            )),
            Ok(_) => {
                let ending = if line.ends_with(b"\r\n") { 2 } else { 1 };
                line.truncate(line.len() - ending);
                Ok(line)
            }
        }
    }
}
// ANCHOR_END: head_reader

/// A read timeout shows up as `WouldBlock` on Unix and `TimedOut` on Windows.
fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
