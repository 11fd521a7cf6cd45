//! Step 3 — our own TCP listener, with tiny_http still speaking HTTP.
//!
//! [`PicoTcpServer`] opens the listening socket; `tiny_http::Server::from_listener`
//! takes it and runs the accept loop on threads of its own; we receive requests
//! it has already parsed and answer each one with a file or an error page.
//! Run it with `cargo run -p step3-pico-tcp`, then open http://127.0.0.1:8000/.

use std::fs::File;
use std::io::Read;
use std::process::ExitCode;
use std::thread;

use log::{debug, info, warn};
use step3_pico_tcp::conformance::{self, Rejection};
use step3_pico_tcp::docroot::{self, DocRoot, Refusal};
use step3_pico_tcp::server::PicoTcpServer;
use step3_pico_tcp::{cli, content_type, status};
use tiny_http::{Header, Method, Request, Response, ResponseBox, Server};

fn main() -> ExitCode {
    let args = match cli::from_env() {
        Ok(args) => args,
        Err(code) => return code,
    };
    cli::init_logging();
    let root = match cli::open_root(&args) {
        Ok(root) => root,
        Err(code) => return code,
    };

    // ANCHOR: server
    let pico = match PicoTcpServer::bind(args.address()) {
        Ok(pico) => pico,
        Err(error) => {
            eprintln!("{}", cli::bind_error(args.address(), &error));
            return ExitCode::FAILURE;
        }
    };
    let address = pico.local_addr().unwrap_or(args.address());
    // From here on tiny_http accepts on our socket and parses HTTP, as in step 1.
    let server = match Server::from_listener(pico.into_listener(), None) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot serve on {address}: {error}");
            return ExitCode::FAILURE;
        }
    };
    cli::announce(address, &root);
    // Step 4 logs each accepted and closed connection; here tiny_http accepts
    // and closes them on its own threads, where we cannot see them.
    debug!("connections are accepted and closed inside tiny_http (`just trace` shows them)");

    // tiny_http hands us its requests on this one thread. Each is answered on
    // a thread of its own, so that a client that reads its response slowly, or
    // never, or whose body tiny_http is still waiting for, holds up only itself.
    for request in server.incoming_requests() {
        let root = root.clone();
        thread::spawn(move || serve(request, &root));
    }
    // ANCHOR_END: server
    ExitCode::SUCCESS
}

/// Answers one request and logs it, in the same words every stage uses.
fn serve(request: Request, root: &DocRoot) {
    debug!(
        "request head (as tiny_http parsed it): {:?}",
        head_of(&request)
    );
    // The connection is tiny_http's: it keeps an HTTP/1.1 connection open for
    // a next request and drops any `Connection` header we add. Step 4, which
    // owns its connections, closes each one after one response, as the article does.
    let response = respond_to(&request, root);
    debug!(
        "response head (tiny_http adds Server, Date, Content-Length): {:?}",
        response_head_of(&request, &response)
    );
    let peer = request
        .remote_addr()
        .map_or("-".to_string(), |a| a.to_string());
    info!(
        "{peer} \"{} {} HTTP/{}\" {} {}",
        request.method(),
        // Escaped: the target is the client's bytes, and raw control
        // characters in a log can rewrite the reader's terminal.
        request.url().escape_debug(),
        request.http_version(),
        response.status_code().0,
        body_bytes(&request, &response)
    );
    if let Err(error) = request.respond(response) {
        warn!("{peer}: could not send the response: {error}");
    }
}

/// The article's policy: GET and HEAD serve files, POST is forbidden, anything
/// else is not allowed. The method is checked before the path, so that
/// `DELETE /missing` is a 405 and not the article's 404. Before both, the head
/// must pass the checks of RFC 9112 that tiny_http leaves to us.
fn respond_to(request: &Request, root: &DocRoot) -> ResponseBox {
    let fields = fields_of(request);
    if let Err(rejection) = check_head(request, &fields) {
        return error(rejection.status, rejection.reason);
    }
    let resolved = match request.method() {
        Method::Get | Method::Head => root.resolve(request.url()),
        Method::Post => return error(403, "POST is not allowed: this server only serves files"),
        _ => {
            let response = error(405, "only GET and HEAD are allowed");
            return with_header(response, "Allow", "GET, HEAD");
        }
    };
    let opened = resolved.and_then(|path| match File::open(&path) {
        Ok(file) => Ok((file, content_type::for_path(&path))),
        Err(_) => Err(Refusal::NotFound),
    });
    match opened {
        // `from_file` streams the file and sets Content-Length from its size.
        // tiny_http would switch to chunked transfer coding above 32 KiB; the
        // threshold keeps Content-Length on every file, as the other stages do.
        // For HEAD and 304, tiny_http sends the same head and leaves the body out.
        Ok((file, media_type)) => {
            let response = Response::from_file(file).with_chunked_threshold(usize::MAX);
            let response = match conformance::precondition(&fields) {
                Some(Rejection { status: 304, .. }) => response.with_status_code(304),
                Some(failed) => return error(failed.status, failed.reason),
                None => response,
            };
            with_header(response, "Content-Type", media_type).boxed()
        }
        // `/about` is a directory: send the browser to `/about/`.
        Err(Refusal::AddSlash) => {
            let response = error(301, Refusal::AddSlash.reason());
            let location = docroot::with_slash(request.url());
            with_header(response, "Location", &location)
        }
        Err(refusal) => error(refusal.status(), refusal.reason()),
    }
}

/// The header fields as tiny_http parsed them: names, and values without
/// the whitespace around them.
fn fields_of(request: &Request) -> Vec<(&str, &str)> {
    request
        .headers()
        .iter()
        .map(|header| (header.field.as_str().as_str(), header.value.as_str()))
        .collect()
}

/// The head as tiny_http parsed it, through the checks every stage makes
/// (`Host`, `Content-Length`, `Transfer-Encoding`). tiny_http has already
/// refused what it could not parse (400) and versions above 1.1 (505). It
/// keeps the connection open after our 400 and frames the body its own way
/// (the first `Content-Length`; the chunks of a chunked body it does not skip
/// at all), so what follows a refused head may be read as a next request:
/// only step 4, which owns its connections, can close them.
fn check_head(request: &Request, fields: &[(&str, &str)]) -> Result<conformance::Body, Rejection> {
    let version = request.http_version();
    conformance::check_head(version.0, version.1, fields)
}

/// The body bytes the response really carries, for the access log: none for
/// HEAD, whose response has only the head, nor for 304.
fn body_bytes(request: &Request, response: &ResponseBox) -> usize {
    if *request.method() == Method::Head || response.status_code().0 == 304 {
        0
    } else {
        response.data_length().unwrap_or(0)
    }
}

/// An error response with a small HTML page saying what went wrong.
fn error(code: u16, detail: &str) -> ResponseBox {
    let response = Response::from_string(status::error_page(code, detail)).with_status_code(code);
    with_header(response, "Content-Type", "text/html; charset=utf-8").boxed()
}

/// Adds a header of our own making.
fn with_header<R: Read>(mut response: Response<R>, name: &str, value: &str) -> Response<R> {
    // `from_bytes` only fails on bytes that are not ASCII; ours are constants.
    if let Ok(header) = Header::from_bytes(name, value) {
        response.add_header(header);
    }
    response
}

/// The status line and the headers we set, for the debug log. tiny_http adds
/// its own headers when it writes the response.
fn response_head_of(request: &Request, response: &ResponseBox) -> String {
    let code = response.status_code().0;
    let mut head = format!(
        "HTTP/{} {code} {}\r\n",
        request.http_version(),
        status::reason(code)
    );
    for header in response.headers() {
        head.push_str(&format!("{}: {}\r\n", header.field, header.value));
    }
    head + "\r\n"
}

/// The request head rebuilt from tiny_http's parsed parts, for the debug log.
fn head_of(request: &Request) -> String {
    let mut head = format!(
        "{} {} HTTP/{}\r\n",
        request.method(),
        request.url(),
        request.http_version()
    );
    for header in request.headers() {
        head.push_str(&format!("{}: {}\r\n", header.field, header.value));
    }
    head + "\r\n"
}
