//! Turning a bad exchange into words a learner can act on: the bytes sent and
//! received, a caret under the first wrong byte, and the usual cause.

use crate::escape::{escape_with_caret, shorten_lines};
use crate::wire::{Broken, End, Exchange};

/// How much of each direction a FAIL shows.
const SHOWN: usize = 160;

/// The bugs chapter's item on answers left in a buffer.
const UNFLUSHED: &str = "docs/src/bugs.md#8-error-responses-are-never-flushed";

/// The hint for the way a connection ended, when that is the story: the
/// errors beginners meet most, each with its usual cause. `None` when the
/// response came whole and the transport has nothing to add.
pub(crate) fn transport_hint(exchange: &Exchange) -> Option<String> {
    let nothing = exchange.received.is_empty();
    let hint = match exchange.end {
        End::Closed | End::KeptOpen if !nothing => return None,
        End::Closed => {
            "no status line, the server closed the connection (EOF): it read the request and \
             wrote nothing, often an exception or panic in the handler"
                .to_string()
        }
        End::KeptOpen => return None,
        End::Reset => "connection reset: the server closed with unread input, or crashed; read \
             the whole head before answering, and close gently"
            .to_string(),
        End::Refused => "connection refused: is the server still running? It may have crashed \
             on an earlier request"
            .to_string(),
        End::TimedOut if !nothing => "the response was still unfinished when the time ran out: \
             it promised more bytes than it sent, and kept the connection open"
            .to_string(),
        End::TimedOut if exchange.nudged => format!(
            "no answer in time, not even when a second client connected: the server is waiting \
             for something (more of a request it thinks is coming?), or it wrote its answer \
             into a buffer it never flushes ({UNFLUSHED})"
        ),
        End::TimedOut => format!(
            "no answer in time: the server is waiting for something, busy with another client, \
             or it wrote its answer into a buffer it never flushes ({UNFLUSHED})"
        ),
    };
    Some(hint)
}

/// The lines under a FAIL: what was sent and received, then where it broke.
pub(crate) fn describe(exchange: &Exchange, broken: Option<&Broken>) -> Vec<String> {
    let mut lines = vec![
        format!("sent:     {}", shorten_lines(&exchange.sent, SHOWN)),
        format!("received: {}", shorten_lines(&exchange.received, SHOWN)),
    ];
    match broken {
        Some(Broken::BadByte { at, why }) => lines.extend(caret(&exchange.received, *at, why)),
        Some(Broken::AfterBody(n)) => lines.push(format!(
            "{n} bytes after the body: Content-Length is too small, or the server wrote more than it announced"
        )),
        Some(Broken::BodyNotAllowed(n)) => lines.push(format!(
            "{n} bytes after the head: the response to HEAD (or a 204 or 304) has no body; \
             \"the server MUST NOT send content in the response\" to HEAD (RFC 9110 §9.3.2)"
        )),
        Some(Broken::ShortBody(n)) => lines.push(format!(
            "body ended {n} bytes short: Content-Length is too large, or the server stopped writing early"
        )),
        Some(Broken::ChunksUnfinished) => lines.push(
            "the chunked body stopped before its last chunk, `0\\r\\n\\r\\n` (RFC 9112 §7.1)".into(),
        ),
        Some(Broken::HeadUnfinished) => lines.push(
            "the head never ended: a response head ends with an empty line, \\r\\n\\r\\n (RFC 9112 §2.1)".into(),
        ),
        Some(Broken::Unflushed) => {
            lines.push(
                "nothing came for a second; the response left only when a second client \
                 connected: it sat in the server's buffer until something else happened"
                    .into(),
            );
            lines.push(format!(
                "hint: flush the stream after every response, errors too ({UNFLUSHED})"
            ));
        }
        Some(Broken::Nothing) | None => {}
    }
    if let Some(hint) = transport_hint(exchange) {
        lines.push(format!("hint: {hint}"));
    }
    lines
}

/// The line of `bytes` that holds byte `at`, escaped, and a caret under it.
fn caret(bytes: &[u8], at: usize, why: &str) -> Vec<String> {
    let start = bytes[..at.min(bytes.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at.min(bytes.len())..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i + 1);
    let (text, column) = escape_with_caret(&bytes[start..end], at - start);
    vec![
        format!("          {text}"),
        format!("          {}^ {why}", " ".repeat(column)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_sits_under_the_bad_byte_of_its_line() {
        let lines = caret(b"HTTP/1.1 200 OK\r\nBad Header\r\n", 20, "why");
        assert_eq!(lines[0], "          Bad Header\\r\\n");
        assert_eq!(lines[1], "             ^ why");
    }
}
