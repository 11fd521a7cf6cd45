//! The echo server and client, run as real programs talking over real sockets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const SERVER: &str = env!("CARGO_BIN_EXE_server");
const CLIENT: &str = env!("CARGO_BIN_EXE_client");

/// The echo server on a free port, killed when dropped.
struct EchoServer {
    child: Child,
    address: SocketAddr,
}

impl EchoServer {
    fn start() -> EchoServer {
        let mut child = Command::new(SERVER)
            .args(["--addr", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        // "Listening on 127.0.0.1:43127"
        let address = line
            .trim()
            .strip_prefix("Listening on ")
            .unwrap()
            .parse()
            .unwrap();
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        EchoServer { child, address }
    }

    fn client(&self, args: &[&str]) -> Output {
        Command::new(CLIENT)
            .args(args)
            .args(["--addr", &self.address.to_string()])
            .output()
            .unwrap()
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_client_prints_the_echo_of_its_default_message() {
    let server = EchoServer::start();
    let output = server.client(&[]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout), "Hello, world\n");
}

#[test]
fn a_message_larger_than_one_read_comes_back_whole() {
    let server = EchoServer::start();
    // The server echoes in 1024-byte chunks: this takes many reads on both sides.
    let message: String = (0..20_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let output = server.client(&[&message]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim_end(), message);
}

#[test]
fn the_server_echoes_raw_bytes_and_serves_one_client_after_another() {
    let server = EchoServer::start();
    for round in 0..3 {
        let mut stream = TcpStream::connect(server.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let message = format!("round {round}: \u{1F980}\0\r\n");
        stream.write_all(message.as_bytes()).unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        let mut echo = Vec::new();
        stream.read_to_end(&mut echo).unwrap();
        assert_eq!(echo, message.as_bytes());
    }
}

#[test]
fn the_client_says_clearly_when_no_server_is_there() {
    let free = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let output = Command::new(CLIENT)
        .args(["hi", "--addr", &free.to_string()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("error: could not connect to {free}")),
        "{stderr}"
    );
    assert!(stderr.contains("is the echo server running?"), "{stderr}");
}

#[test]
fn the_client_reports_a_server_that_hangs_up_early() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let rude = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut message = [0; 12];
        stream.read_exact(&mut message).unwrap();
        // Echo only the first 5 bytes, then close.
        stream.write_all(&message[..5]).unwrap();
    });
    let output = Command::new(CLIENT)
        .args(["Hello, world", "--addr", &address.to_string()])
        .output()
        .unwrap();
    rude.join().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("closed the connection after 5 of 12 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_busy_address_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = Command::new(SERVER)
        .args(["--addr", &address])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{address} is already in use")),
        "{stderr}"
    );
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for (program, args) in [
        (SERVER, &["--addr", "nowhere"][..]),
        (SERVER, &["extra"]),
        (CLIENT, &["a", "b"]),
        (CLIENT, &["--port"]),
    ] {
        let output = Command::new(program).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("usage:"),
            "{args:?}"
        );
    }
}
