//! Step 4 — our own HTTP handler: everything handwritten on `std::net`.
//!
//! The article's finale: no HTTP library left. [`server::PicoTcpServer`] accepts
//! connections one at a time and hands each to
//! [`handler::PicoHttpRequestHandler`], which reads one request and writes one
//! response. The modules, in the order a request meets them:
//!
//! - [`server`]: `PicoTcpServer`, the listening socket and `serve_forever`;
//! - [`handler`]: `PicoHttpRequestHandler`, the policy (GET, HEAD, 403, 405);
//! - [`request`]: reading and parsing the request head, with limits;
//! - [`docroot`]: from a request target to a file, without ever leaving the directory;
//! - [`content_type`]: the media type of a file;
//! - [`response`]: writing the status line, the headers and the body;
//! - [`status`]: reason phrases and error pages;
//! - [`cli`]: the command line and the startup banner.

pub mod cli;
pub mod content_type;
pub mod docroot;
pub mod handler;
pub mod request;
pub mod response;
pub mod server;
pub mod status;
