//! Step 3 — our own TCP listener.
//!
//! The article replaces `socketserver.TCPServer` with its own `PicoTCPServer`.
//! Here [`server::PicoTcpServer`] creates and owns the listening socket, and
//! [`tiny_http`] still accepts connections on it, parses requests and writes
//! responses. The rest is step 1's, unchanged:
//!
//! - [`server`]: `PicoTcpServer`, the listening socket;
//! - [`cli`]: the command line and the startup banner;
//! - [`conformance`]: the checks RFC 9112 asks of a request head (Host, lengths);
//! - [`docroot`]: from a request target to a file, without ever leaving the directory;
//! - [`content_type`]: the media type of a file;
//! - [`status`]: reason phrases and error pages.

pub mod cli;
pub mod conformance;
pub mod content_type;
pub mod docroot;
pub mod server;
pub mod status;
