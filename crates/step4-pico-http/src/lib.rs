//! Step 4 — our own HTTP handler: everything handwritten on `std::net`.
//!
//! The article's finale: no HTTP library left. Two layers, as in the article.
//! [`server::PicoTcpServer`] speaks TCP: it accepts connections one at a time
//! and gives each to the request handler it is handed, knowing nothing of what
//! is said over it. [`handler::PicoHttpRequestHandler`] speaks HTTP: it reads
//! one request and writes one response. `main.rs` is where the two meet.
//!
//! # Layout
//!
//! One file per layer or job, in the order a request meets them:
//!
//! - [`server`]: the TCP layer, `PicoTcpServer`: the listening socket and
//!   `serve_forever`. It names no HTTP type.
//! - [`handler`]: the HTTP layer, `PicoHttpRequestHandler`: the ladder from a
//!   request to its response (parse, validate, method, write), and the policy
//!   (GET, HEAD, 403, 405).
//! - [`connection`]: one HTTP connection on its socket: the head's deadline,
//!   the write timeout, the gentle close.
//! - [`request`]: reading and parsing the request head, within limits.
//! - [`conformance`]: what RFC 9112 asks of a head beyond its grammar (`Host`,
//!   one body length), shared with steps 1 and 3.
//! - [`docroot`]: from a request target to a file, never leaving the directory.
//! - [`content_type`]: the media type of a file.
//! - [`response`]: writing the status line, the header fields and the body.
//! - [`status`]: reason phrases and error pages.
//! - [`cli`]: the command line and the startup banner.
//!
//! # The article's names
//!
//! | Article (Python)                 | Here (Rust)                                 | File           |
//! |----------------------------------|---------------------------------------------|----------------|
//! | `PicoTCPServer`                  | `PicoTcpServer`                             | `server.rs`    |
//! | `PicoTCPServer.__init__`         | `PicoTcpServer::bind`                       | `server.rs`    |
//! | `serve_forever`                  | `PicoTcpServer::serve_forever`              | `server.rs`    |
//! | `PicoHTTPRequestHandler`         | `PicoHttpRequestHandler`                    | `handler.rs`   |
//! | `handle`                         | `PicoHttpRequestHandler::handle`            | `handler.rs`   |
//! | `_parse_request`                 | `parse_request`                             | `request.rs`   |
//! | `_validate_path`                 | `validate_path`, over `DocRoot::resolve`    | `handler.rs`, `docroot.rs` |
//! | `handle_GET`, `handle_HEAD`      | `handle_get`, `handle_head`                 | `handler.rs`   |
//! | `_return_403/404/405`            | `send_error` (one error-page maker)         | `handler.rs`   |
//! | `_write_response_line`           | `ResponseWriter::write_response_line`       | `response.rs`  |
//! | `_write_headers`                 | `ResponseWriter::write_headers`             | `response.rs`  |

pub mod cli;
pub mod conformance;
pub mod connection;
pub mod content_type;
pub mod docroot;
pub mod handler;
pub mod request;
pub mod response;
pub mod server;
pub mod status;
