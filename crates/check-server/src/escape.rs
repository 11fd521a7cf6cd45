//! Showing bytes to a human: `\r\n` visible, control bytes as `\xNN`, long
//! runs shortened, and a caret that points at one byte of the escaped text.

/// How one byte is shown. `\r` and `\n` stay visible because a missing `\r`
/// is exactly the bug a learner is looking for.
fn escape_byte(byte: u8) -> String {
    match byte {
        b'\r' => "\\r".into(),
        b'\n' => "\\n".into(),
        b'\t' => "\\t".into(),
        b'\\' => "\\\\".into(),
        0x20..=0x7e => char::from(byte).to_string(),
        _ => format!("\\x{byte:02x}"),
    }
}

/// All of `bytes`, escaped.
pub(crate) fn escape(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| escape_byte(b)).collect()
}

/// At most `max` bytes, escaped, with `...(N more bytes)` for the rest.
pub(crate) fn shorten(bytes: &[u8], max: usize) -> String {
    if bytes.len() <= max {
        return escape(bytes);
    }
    format!(
        "{}...({} more bytes)",
        escape(&bytes[..max]),
        bytes.len() - max
    )
}

/// Like [`shorten`], but cut at the end of a line when one ends soon after
/// `max`: a header is shown whole or not at all, never half a date.
pub(crate) fn shorten_lines(bytes: &[u8], max: usize) -> String {
    if bytes.len() <= max {
        return escape(bytes);
    }
    let line_end = bytes[max..].iter().take(120).position(|&b| b == b'\n');
    let cut = line_end.map_or(max, |at| max + at + 1).min(bytes.len());
    if cut == bytes.len() {
        return escape(bytes);
    }
    format!(
        "{}...({} more bytes)",
        escape(&bytes[..cut]),
        bytes.len() - cut
    )
}

/// The escaped text of `bytes` and the column, in that text, of byte `at`:
/// where to put the caret.
pub(crate) fn escape_with_caret(bytes: &[u8], at: usize) -> (String, usize) {
    let before = escape(&bytes[..at.min(bytes.len())]);
    (escape(bytes), before.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_stay_visible() {
        assert_eq!(escape(b"GET / HTTP/1.1\r\n\0"), "GET / HTTP/1.1\\r\\n\\x00");
    }

    #[test]
    fn the_caret_counts_escaped_columns() {
        let (text, column) = escape_with_caret(b"a\r\nX", 3);
        assert_eq!(text, "a\\r\\nX");
        assert_eq!(&text[column..], "X");
    }

    #[test]
    fn lines_are_shown_whole() {
        assert_eq!(
            shorten_lines(b"ab\r\ncd\r\nef", 3),
            "ab\\r\\n...(6 more bytes)"
        );
    }

    #[test]
    fn a_quote_is_shown_as_sent() {
        assert_eq!(escape(b"a'b\\"), "a'b\\\\");
    }

    #[test]
    fn long_runs_are_shortened() {
        assert_eq!(shorten(b"abcdef", 2), "ab...(4 more bytes)");
    }
}
