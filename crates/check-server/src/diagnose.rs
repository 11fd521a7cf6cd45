//! Turning a bad exchange into words a learner can act on: the bytes sent and
//! received, a caret under the first wrong byte, and the usual cause.

use crate::escape::{escape_with_caret, shorten_lines};
use crate::wire::{Broken, End, Exchange};

/// How much of each direction a FAIL shows.
const SHOWN: usize = 160;

/// The hint for each way a connection can end badly: the three errors
/// beginners meet most, each with its usual cause.
pub(crate) fn transport_hint(end: End) -> &'static str {
    match end {
        End::Closed => {
            "no status line, the server closed the connection (EOF): it read the request and \
             wrote nothing, often an exception or panic in the handler"
        }
        End::Reset => {
            "connection reset: the server closed with unread input, or crashed; read the whole \
             head before answering, and close gently"
        }
        End::Refused => {
            "connection refused: is the server still running? It may have crashed on an earlier request"
        }
        End::TimedOut => {
            "no answer in time: the server is waiting for something, or busy with another client"
        }
    }
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
        Some(Broken::ShortBody(n)) => lines.push(format!(
            "body ended {n} bytes short: Content-Length is too large, or the server stopped writing early"
        )),
        Some(Broken::HeadUnfinished) => lines.push(
            "the head never ended: a response head ends with an empty line, \\r\\n\\r\\n (RFC 9112 §2.1)".into(),
        ),
        Some(Broken::Nothing) | None => {}
    }
    if exchange.received.is_empty() || exchange.end != End::Closed {
        lines.push(format!("hint: {}", transport_hint(exchange.end)));
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
