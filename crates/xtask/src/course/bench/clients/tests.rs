#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;

use super::*;

/// A server on a free port that reads one request and answers `response`.
fn answering(response: &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut byte = [0; 1];
        while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
            request.push(byte[0]);
        }
        stream.write_all(response).unwrap();
    });
    address
}

#[test]
fn download_reads_the_whole_body() {
    let address = answering(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello");
    let (bytes, _) = download(address, "/").unwrap();
    assert_eq!(bytes, 5);
}

#[test]
fn a_short_body_is_an_error() {
    let address = answering(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nhello");
    let error = download(address, "/").unwrap_err().to_string();
    assert!(error.contains("after 5 of 9 bytes"), "{error}");
}

#[test]
fn only_200_is_downloaded() {
    let address = answering(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    let error = download(address, "/x").unwrap_err().to_string();
    assert!(error.contains("GET /x: http/1.1 404 not found"), "{error}");
}
