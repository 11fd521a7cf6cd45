//! Why step 3 does not bound its connections through the listener it owns
//! (docs/src/step3-tcp-listener.md, "A timeout through the listener?").
//!
//! On Linux an accepted socket starts with the options of the listening
//! socket, its receive timeout (`SO_RCVTIMEO`) among them: one `setsockopt` on
//! the listener would bound every read tiny_http makes. These tests measure
//! what rules it out with tiny_http 0.12. If one of them fails, the kernel or
//! tiny_http has changed and the chapter must be revisited.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{ErrorKind, Read};
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::OwnedFd;
    use std::time::{Duration, Instant};

    /// The receive timeout given to the listener.
    const TIMEOUT: Duration = Duration::from_millis(500);

    /// How long a test waits for what must come before it fails instead.
    const PATIENCE: Duration = Duration::from_secs(20);

    // ANCHOR: listener_with_timeout
    /// A listening socket with a receive timeout. std offers
    /// `set_read_timeout` on streams only, but the option is the same
    /// `setsockopt(SO_RCVTIMEO)` on any socket: the file descriptor is viewed
    /// as a stream for that one call (a safe conversion, Unix only).
    fn listener_with_timeout(timeout: Duration) -> TcpListener {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let socket = TcpStream::from(OwnedFd::from(listener));
        socket.set_read_timeout(Some(timeout)).unwrap();
        TcpListener::from(OwnedFd::from(socket))
    }
    // ANCHOR_END: listener_with_timeout

    // ANCHOR: inherited
    #[test]
    fn an_accepted_socket_inherits_the_timeout_and_accept_obeys_it_too() {
        let listener = listener_with_timeout(TIMEOUT);
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (connection, _) = listener.accept().unwrap();
        assert_eq!(connection.read_timeout().unwrap(), Some(TIMEOUT));
        // The same option bounds the wait in `accept`: with nobody
        // connecting, it fails once the timeout has passed.
        let asked = Instant::now();
        let error = listener
            .accept()
            .expect_err("accept waited past the timeout");
        assert_eq!(error.kind(), ErrorKind::WouldBlock);
        assert!(asked.elapsed() >= TIMEOUT);
    }
    // ANCHOR_END: inherited

    // ANCHOR: tiny_http
    #[test]
    fn tiny_http_on_such_a_listener_stops_accepting_and_closes_a_silent_client_without_a_408() {
        let listener = listener_with_timeout(TIMEOUT);
        let address = listener.local_addr().unwrap();
        let server = tiny_http::Server::from_listener(listener, None).unwrap();
        let silent = TcpStream::connect(address).unwrap();

        // The next `accept` times out, and tiny_http ends its accept loop at
        // its first error: `incoming_requests` would end, and step 3 with it.
        let ended = server.recv_timeout(PATIENCE);
        assert!(
            matches!(&ended, Err(error) if error.kind() == ErrorKind::WouldBlock),
            "{ended:?}"
        );

        // The silent client is closed once the inherited timeout expires,
        // without a 408: tiny_http sends one for `TimedOut`, and Linux
        // reports `WouldBlock`.
        silent.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut answer = Vec::new();
        (&silent).read_to_end(&mut answer).unwrap();
        assert_eq!(answer, b"");
    }
    // ANCHOR_END: tiny_http
}

#[cfg(not(target_os = "linux"))]
#[test]
fn listener_timeouts_are_measured_on_linux_only() {
    eprintln!(
        "skipped: what a listener's SO_RCVTIMEO does to accept and to accepted sockets \
         differs between systems; these measurements are Linux's"
    );
}
