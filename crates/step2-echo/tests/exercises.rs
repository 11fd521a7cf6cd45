//! Checks of the chapter 2 exercises (`just exercise ch2-echo-count` ...).
//!
//! Ignored by a plain `cargo test`: they fail until the exercise is solved.
//! Each module is one exercise; each test's doc comment is one line of its
//! rubric, and every assertion says in words what was wrong. The real
//! `server` and `client` binaries run and talk over real sockets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const SERVER: &str = env!("CARGO_BIN_EXE_server");
const CLIENT: &str = env!("CARGO_BIN_EXE_client");

/// How long a test waits for an answer before it fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// The echo server on a free port, killed when dropped. With `log_level`
/// `info`, its log lines arrive on `log`.
struct EchoServer {
    child: Child,
    address: SocketAddr,
    log: Receiver<String>,
}

impl EchoServer {
    fn start(log_level: &str) -> EchoServer {
        let mut child = Command::new(SERVER)
            .args(["--addr", "127.0.0.1:0"])
            .env("RUST_LOG", log_level)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        // "Listening on 127.0.0.1:43127"
        let address = line
            .trim()
            .strip_prefix("Listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let log = forward_lines(child.stderr.take().unwrap());
        EchoServer {
            child,
            address,
            log,
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream
    }

    /// Waits for a log line that contains every one of `words`.
    fn wait_for_log(&self, words: &[&str]) -> Result<String, Vec<String>> {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if words.iter().all(|w| line.contains(w)) => return Ok(line),
                Ok(line) => seen.push(line),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    return Err(seen);
                }
            }
        }
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each line of `stderr` to the returned channel, as it comes.
fn forward_lines(stderr: ChildStderr) -> Receiver<String> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Sends `message` in pieces of `piece` bytes, half-closes, and reads the
/// echo to the end, failing in words unless it is the message.
fn echo_in_pieces(stream: &mut TcpStream, message: &[u8], piece: usize) {
    for chunk in message.chunks(piece) {
        stream.write_all(chunk).unwrap();
    }
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut echo = Vec::new();
    if let Err(error) = stream.read_to_end(&mut echo) {
        panic!("the server did not close the connection after echoing ({error})");
    }
    assert!(
        echo == message,
        "the echo of a {}-byte message came back as {} bytes that differ from it",
        message.len(),
        echo.len()
    );
}

/// A size no constant in the server can guess: it changes from run to run.
fn unpredictable_size(base: usize) -> usize {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as usize);
    base + nanos % 4096
}

/// Exercise: after each connection, log how many bytes it echoed.
mod ch2_echo_count {
    use super::*;

    /// When a client leaves, the server logs `Echoed N bytes` with the client's address, N the
    /// bytes echoed to it.
    #[test]
    #[ignore = "exercise check: just exercise ch2-echo-count"]
    fn each_connection_logs_how_many_bytes_it_echoed() {
        let server = EchoServer::start("info");
        for size in [unpredictable_size(1000), unpredictable_size(5000)] {
            let mut stream = server.connect();
            let peer = stream.local_addr().unwrap().to_string();
            let message = vec![b'e'; size];
            echo_in_pieces(&mut stream, &message, 700);
            let wanted = format!("Echoed {size} bytes");
            if let Err(seen) = server.wait_for_log(&[&wanted, &peer]) {
                panic!(
                    "after a client at {peer} sent {size} bytes and left, no log line says \"{wanted}\" and \"{peer}\"; the log was:\n{seen:#?}"
                );
            }
        }
    }

    /// A client that sends nothing and leaves is logged as `Echoed 0 bytes`.
    #[test]
    #[ignore = "exercise check: just exercise ch2-echo-count"]
    fn a_client_that_sends_nothing_echoed_0_bytes() {
        let server = EchoServer::start("info");
        let mut stream = server.connect();
        let peer = stream.local_addr().unwrap().to_string();
        echo_in_pieces(&mut stream, b"", 1);
        if let Err(seen) = server.wait_for_log(&["Echoed 0 bytes", &peer]) {
            panic!(
                "after a client at {peer} left without sending, no log line says \"Echoed 0 bytes\" and \"{peer}\"; the log was:\n{seen:#?}"
            );
        }
    }
}

/// Exercise: serve several clients at the same time, a thread per connection.
mod ch2_two_clients {
    use super::*;

    /// Writes `message` and reads its echo, without closing; `who` says
    /// which client it is when the echo does not come.
    fn round_trip(stream: &mut TcpStream, message: &[u8], who: &str) {
        stream.write_all(message).unwrap();
        let mut echo = vec![0; message.len()];
        if let Err(error) = stream.read_exact(&mut echo) {
            panic!("{who} got no echo within {PATIENCE:?} ({error})");
        }
        assert!(
            echo == message,
            "{who} sent {:?} but got {:?} back",
            String::from_utf8_lossy(message),
            String::from_utf8_lossy(&echo)
        );
    }

    /// A second client is echoed while the first stays connected, and the first is still echoed
    /// after the second leaves.
    #[test]
    #[ignore = "exercise check: just exercise ch2-two-clients"]
    fn a_second_client_is_echoed_while_the_first_stays_connected() {
        let server = EchoServer::start("warn");
        let mut first = server.connect();
        round_trip(&mut first, b"first", "the first client");
        let mut second = server.connect();
        let who = "a second client, while the first stayed connected,";
        round_trip(&mut second, b"second", who);
        drop(second);
        let who = "the first client, after the second left,";
        round_trip(&mut first, b"still here", who);
    }

    /// Ten clients connected at the same time each get their own message back.
    #[test]
    #[ignore = "exercise check: just exercise ch2-two-clients"]
    fn ten_clients_connected_at_once_each_get_their_own_echo() {
        let server = EchoServer::start("warn");
        let mut clients: Vec<TcpStream> = (0..10).map(|_| server.connect()).collect();
        for (i, client) in clients.iter_mut().enumerate() {
            client
                .write_all(format!("client {i:02}").as_bytes())
                .unwrap();
        }
        // All ten are still connected while each one reads its echo.
        for (i, client) in clients.iter_mut().enumerate().rev() {
            let mut echo = [0; 9];
            if let Err(error) = client.read_exact(&mut echo) {
                panic!(
                    "client {i} of ten connected at once got no echo within {PATIENCE:?} ({error})"
                );
            }
            assert!(
                echo == format!("client {i:02}").as_bytes(),
                "client {i} of ten got {:?} back, not its own message",
                String::from_utf8_lossy(&echo)
            );
        }
    }
}

/// Exercise: `client -` echoes standard input, however large.
mod ch2_big_message {
    use super::*;

    /// What the client printed, and how it ended.
    struct Finished {
        stdout: Vec<u8>,
        stderr: String,
        success: bool,
    }

    /// Runs `client - --addr ADDR` with `input` on stdin; `None` if it has
    /// not finished after `limit` (it is then killed).
    fn client_with_stdin(server: &EchoServer, input: Vec<u8>, limit: Duration) -> Option<Finished> {
        let mut child = Command::new(CLIENT)
            .args(["-", "--addr", &server.address.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Feed stdin from a thread: the client may read it while it echoes.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let mut stderr = child.stderr.take().unwrap();
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut stdout = child.stdout.take().unwrap();
        let (done, printed) = channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout.read_to_end(&mut bytes);
            let _ = done.send(bytes);
        });
        // stdout reaches its end when the client exits (or closes it).
        let Ok(stdout) = printed.recv_timeout(limit) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        let success = child.wait().unwrap().success();
        Some(Finished {
            stdout,
            stderr: errors.join().unwrap(),
            success,
        })
    }

    /// The echo as printed: the bytes, with or without one final newline.
    fn printed(output: &Finished) -> &[u8] {
        output.stdout.strip_suffix(b"\n").unwrap_or(&output.stdout)
    }

    /// Fails, in words, unless the client ran `what` successfully and
    /// printed the message back.
    fn printed_back(output: &Finished, message: &[u8], what: &str) {
        assert!(
            output.success,
            "`client -` with {what} on standard input failed: {}",
            output.stderr
        );
        let printed = printed(output);
        let start = String::from_utf8_lossy(&printed[..printed.len().min(40)]);
        assert!(
            printed == message,
            "`client -` with {what} on standard input printed {} bytes starting {start:?}, not the {}-byte message",
            printed.len(),
            message.len()
        );
    }

    /// `client -` sends its standard input, prints the echo byte for byte (one final newline
    /// allowed) and exits with success.
    #[test]
    #[ignore = "exercise check: just exercise ch2-big-message"]
    fn a_dash_makes_the_client_send_its_standard_input() {
        let server = EchoServer::start("warn");
        let message = b"a message from standard input".to_vec();
        let Some(output) = client_with_stdin(&server, message.clone(), PATIENCE) else {
            panic!(
                "`client -` with a short message on standard input was still running after {PATIENCE:?}"
            );
        };
        printed_back(&output, &message, "a short message");
    }

    /// A 64 MiB message comes back whole through `client -`, within 30 seconds: no deadlock.
    #[test]
    #[ignore = "exercise check: just exercise ch2-big-message"]
    fn a_64_mib_message_comes_back_whole_without_a_deadlock() {
        let server = EchoServer::start("warn");
        // Far more than the socket buffers on both sides can hold: a client
        // that writes everything before reading blocks forever.
        let message: Vec<u8> = (0..64 << 20).map(|i: u32| b'a' + (i % 26) as u8).collect();
        let Some(output) = client_with_stdin(&server, message.clone(), Duration::from_secs(30))
        else {
            panic!(
                "`client -` with 64 MiB on standard input was still running after 30 s: a deadlock?"
            );
        };
        printed_back(&output, &message, "64 MiB");
    }
}
