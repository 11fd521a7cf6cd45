//! Which `Content-Type` to send for a file, from its extension.
//!
//! The article always sends `text/html`. Browsers then refuse a stylesheet
//! (CSS must be `text/css`) and a module script (it must be a JavaScript type),
//! and render an image as a page of garbage. RFC 9110 §8.3 makes the header the
//! sender's statement of what the bytes are; a static server derives it from the
//! file name because that is all it knows.

use std::path::Path;

/// For bytes we cannot name: "an arbitrary sequence of octets" (RFC 2046), which
/// browsers download instead of rendering.
pub const UNKNOWN: &str = "application/octet-stream";

// ANCHOR: for_path
/// The media type for `path`, by its extension (case-insensitive).
pub fn for_path(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        // Text types carry their charset, or browsers guess it (often wrongly).
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        // Source files and diffs read as text in the browser instead of downloading.
        Some("txt" | "diff" | "patch" | "rs" | "toml") => "text/plain; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("wasm") => "application/wasm",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        Some("gz") => "application/gzip",
        Some("mp3") => "audio/mpeg",
        Some("ogg") => "audio/ogg",
        Some("wav") => "audio/wav",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        _ => UNKNOWN,
    }
}
// ANCHOR_END: for_path

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_types_a_browser_is_strict_about() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("data.json", "application/json"),
            ("logo.png", "image/png"),
            ("photo.JPG", "image/jpeg"),
            ("anim.gif", "image/gif"),
            ("logo.svg", "image/svg+xml"),
            ("favicon.ico", "image/x-icon"),
            ("notes.txt", "text/plain; charset=utf-8"),
            ("step3-to-step4.diff", "text/plain; charset=utf-8"),
            ("module.wasm", "application/wasm"),
            ("paper.pdf", "application/pdf"),
        ];
        for (name, expected) in cases {
            assert_eq!(for_path(Path::new(name)), expected, "{name}");
        }
    }

    #[test]
    fn anything_else_is_plain_bytes() {
        for name in ["Makefile", "archive.tar.xz", "a.unknown", ".hidden", "dir/"] {
            assert_eq!(for_path(Path::new(name)), UNKNOWN, "{name}");
        }
    }
}
