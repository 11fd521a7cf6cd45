//! Step 1 — the one-liner.
//!
//! The article starts with `python -m http.server`: one command, and a library
//! does everything. Our one command is `cargo run -p step1-oneliner`, and the
//! library is [`tiny_http`]: it opens the listening socket, accepts connections,
//! parses requests and writes responses. All this crate adds is the policy of a
//! static file server, kept in small modules that the later stages reuse
//! unchanged:
//!
//! - [`cli`]: the command line and the startup banner;
//! - [`conformance`]: the checks RFC 9112 asks of a request head (Host, lengths);
//! - [`docroot`]: from a request target to a file, without ever leaving the directory;
//! - [`content_type`]: the media type of a file;
//! - [`status`]: reason phrases and error pages.

pub mod cli;
pub mod conformance;
pub mod content_type;
pub mod docroot;
pub mod status;
