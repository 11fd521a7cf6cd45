//! Step 4 — a handwritten HTTP/1.1 static file server on `std::net`.
//!
//! [`PicoTcpServer`] opens the listening socket and accepts connections one at
//! a time; [`PicoHttpRequestHandler`] reads each request and writes its response.
//! Run it with `cargo run -p step4-pico-http`, then open http://127.0.0.1:8000/.

use std::process::ExitCode;

use step4_pico_http::cli;
use step4_pico_http::handler::PicoHttpRequestHandler;
use step4_pico_http::server::PicoTcpServer;

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
    cli::announce(address, &root);

    // The article's `PicoTCPServer(address, PicoHTTPRequestHandler)`: the TCP
    // layer is given the HTTP layer as a closure, called once per connection.
    let handler = PicoHttpRequestHandler::new(root, args.timeout);
    pico.serve_forever(|stream, peer| handler.handle(stream, peer))
    // ANCHOR_END: server
}
