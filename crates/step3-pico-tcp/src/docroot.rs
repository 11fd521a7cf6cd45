//! From a request target to a file inside the served directory — or a refusal.
//!
//! The article joins the request path onto the working directory and checks that
//! the result exists. `GET /../../etc/passwd` then serves the password file,
//! and so do its disguises: `%2e%2e/`, `..%2f`, `..\` on Windows, and an
//! absolute path, because `Path::join` with an absolute path *replaces* the base.
//! We never clean a dangerous path into a safe-looking one; we refuse it:
//!
//! 1. keep the path of the target (it must start with `/`): drop `?query` and `#fragment`;
//!    refuse control characters, and an absolute-form target (`http://host/path`)
//!    without a host, with a user name, or for `https`, which we do not speak;
//! 2. percent-decode it (RFC 3986 §2.1); a broken escape or non-UTF-8 is a 400;
//! 3. split it on `/` and accept only plain names: no `..`, no `\`, no `:`
//!    (a Windows drive), no NUL — so nothing can climb out or restart the path;
//! 4. ask the operating system where that really is (`canonicalize` follows
//!    symlinks) and refuse anything that is not under the canonical root;
//! 5. redirect a directory named without its final `/` to the path with it
//!    ([`with_slash`]): a browser resolves relative links against the address,
//!    so `<img src="cat.svg">` in `/about/index.html` shown at `/about` is `/cat.svg`.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file a directory request is answered with.
pub const INDEX: &str = "index.html";

/// Why a target does not name a file we may serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 400: the target is not a well-formed path.
    BadRequest(&'static str),
    /// 403: the target tries to leave the served directory.
    Forbidden(&'static str),
    /// 404: nothing is there (or a directory without an index).
    NotFound,
    /// 301: a directory named without its final `/`; answer with a `Location`
    /// made by [`with_slash`].
    AddSlash,
}

impl Refusal {
    /// The HTTP status code that answers this refusal.
    pub fn status(self) -> u16 {
        match self {
            Refusal::BadRequest(_) => 400,
            Refusal::Forbidden(_) => 403,
            Refusal::NotFound => 404,
            Refusal::AddSlash => 301,
        }
    }

    /// A sentence for the error page and the log.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::BadRequest(why) | Refusal::Forbidden(why) => why,
            Refusal::NotFound => "nothing here by that name",
            Refusal::AddSlash => "this is a directory: its address ends with '/'",
        }
    }
}

/// The directory a stage serves, made absolute and free of symlinks once at
/// startup so that every resolved file can be compared against it.
#[derive(Debug, Clone)]
pub struct DocRoot {
    root: PathBuf,
}

impl DocRoot {
    /// Opens `directory` for serving; fails if it is missing or not a directory.
    pub fn open(directory: &Path) -> io::Result<DocRoot> {
        let root = fs::canonicalize(directory)?;
        if !root.is_dir() {
            return Err(io::Error::other(format!(
                "{} is not a directory",
                root.display()
            )));
        }
        Ok(DocRoot { root })
    }

    /// The canonical path of the served directory.
    pub fn path(&self) -> &Path {
        &self.root
    }

    // ANCHOR: resolve
    /// Maps a request target (`/css/site.css?v=2`) to a regular file inside the root.
    pub fn resolve(&self, target: &str) -> Result<PathBuf, Refusal> {
        // A bare CR or a NUL is no part of any URI (RFC 9112 §2.2: invalid).
        if target.bytes().any(|b| b.is_ascii_control()) {
            return Err(Refusal::BadRequest("the target holds a control character"));
        }
        let path = strip_to_path(target)?;
        if !path.starts_with('/') {
            return Err(Refusal::BadRequest(
                "the target must be a path starting with '/'",
            ));
        }
        let decoded = percent_decode(path)?;
        let mut candidate = self.root.clone();
        for segment in decoded.split('/') {
            match segment {
                "" | "." => continue,
                ".." => return Err(Refusal::Forbidden("'..' would leave the served directory")),
                _ => candidate.push(plain_name(segment)?),
            }
        }
        let wants_directory = path.ends_with('/');
        let mut found = self.inside(&candidate)?;
        if found.is_dir() {
            if !wants_directory {
                return Err(Refusal::AddSlash);
            }
            found = self.inside(&found.join(INDEX))?;
        } else if wants_directory {
            // `/index.html/` names a directory that does not exist.
            return Err(Refusal::NotFound);
        }
        if found.is_file() {
            Ok(found)
        } else {
            Err(Refusal::NotFound)
        }
    }

    /// Where `path` really is, if that is inside the root.
    fn inside(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let real = fs::canonicalize(path).map_err(|e| match e.kind() {
            io::ErrorKind::PermissionDenied => Refusal::Forbidden("permission denied"),
            _ => Refusal::NotFound,
        })?;
        if real.starts_with(&self.root) {
            Ok(real)
        } else {
            Err(Refusal::Forbidden(
                "a link inside the directory points outside it",
            ))
        }
    }
    // ANCHOR_END: resolve
}

/// The path part of a request target: `/path?query` (origin-form), or
/// `http://host/path` (absolute-form, RFC 9112 §3.2.2), whose scheme is
/// case-insensitive and whose host must be there, without a user name (RFC
/// 9110 §4.2); an `https` target is not ours to answer over plain TCP (§7.4).
fn strip_to_path(target: &str) -> Result<&str, Refusal> {
    let mut path = target;
    if let Some((scheme, rest)) = target.split_once("://") {
        if scheme.eq_ignore_ascii_case("https") {
            return Err(Refusal::BadRequest(
                "an https:// target cannot be served over plain HTTP",
            ));
        }
        if scheme.eq_ignore_ascii_case("http") {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let authority = &rest[..end];
            if authority.is_empty() || authority.contains('@') {
                return Err(Refusal::BadRequest(
                    "an http:// target needs a host, and no user name",
                ));
            }
            path = if rest[end..].starts_with('/') {
                &rest[end..]
            } else {
                "/"
            };
        }
    }
    let end = path.find(['?', '#']).unwrap_or(path.len());
    Ok(&path[..end])
}

// ANCHOR: with_slash
/// The `Location` of the redirect that answers [`Refusal::AddSlash`]: the
/// path as the client sent it (still percent-encoded: a header never carries
/// decoded bytes), a `/`, and the query if there was one.
pub fn with_slash(target: &str) -> String {
    let path = strip_to_path(target).unwrap_or("/");
    // `//evil.example/` would send the browser to another host: one leading slash.
    let mut location = format!("/{}/", path.trim_start_matches('/'));
    let query = target.split_once('?').map(|(_, q)| q.split('#').next());
    if let Some(Some(query)) = query {
        location.push('?');
        location.push_str(query);
    }
    // Escape all but visible ASCII, and `\`, which browsers read as `/`.
    let mut escaped = String::with_capacity(location.len());
    for byte in location.bytes() {
        if byte.is_ascii_graphic() && byte != b'\\' {
            escaped.push(char::from(byte));
        } else {
            escaped.push_str(&format!("%{byte:02X}"));
        }
    }
    escaped
}
// ANCHOR_END: with_slash

/// A path segment that names one entry of a directory and nothing more.
fn plain_name(segment: &str) -> Result<&str, Refusal> {
    if segment.contains('\0') {
        return Err(Refusal::Forbidden("NUL bytes are not allowed in paths"));
    }
    // `\` separates paths on Windows and `C:` starts a drive: refuse both
    // everywhere, so a stage behaves the same on every learner's laptop.
    if segment.contains(['\\', ':']) {
        return Err(Refusal::Forbidden("'\\' and ':' are not allowed in paths"));
    }
    // Whatever else the platform treats specially shows up as a component
    // other than one plain name.
    let mut components = Path::new(segment).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(_)), None) => Ok(segment),
        _ => Err(Refusal::Forbidden("not a plain file name")),
    }
}

/// Decodes `%XX` escapes. The decoded bytes must be UTF-8 so that they can be
/// a path on every platform.
fn percent_decode(path: &str) -> Result<String, Refusal> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(Refusal::BadRequest(
                    "a '%' must be followed by two hex digits",
                ))?;
            decoded.push(byte);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| Refusal::BadRequest("the path is not valid UTF-8"))
}

#[cfg(test)]
mod tests;
