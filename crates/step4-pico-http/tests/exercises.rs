//! Checks of the chapter 4 exercises (`just exercise ch4-keep-alive` ...),
//! the article's "Now what?" list.
//!
//! Ignored by a plain `cargo test`: they fail until the exercise is solved.
//! Each module is one exercise, and each test name is one line of its rubric.
//! The real binary runs and is talked to with raw bytes over real sockets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::{Response, Server, read_response};

/// Sends `raw` on `stream` and reads one response, leaving the connection open.
fn send_and_read(stream: &mut TcpStream, raw: &str) -> Response {
    stream.write_all(raw.as_bytes()).unwrap();
    read_response(stream, raw.starts_with("HEAD ")).0
}

/// Reads what is left on `stream` until the server closes it.
fn rest_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut rest = Vec::new();
    stream
        .read_to_end(&mut rest)
        .expect("the server should close the connection");
    rest
}

/// `GET path` on a connection that stays open.
fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n")
}

/// Exercise: serve several connections at once with a small pool of threads.
mod ch4_thread_pool {
    use std::time::Duration;

    use super::*;
    use common::Site;

    #[test]
    #[ignore = "exercise check: just exercise ch4-thread-pool"]
    fn two_clients_holding_connections_do_not_block_a_third() {
        let site = Site::new();
        // A long timeout: a one-at-a-time server would make the third wait for it.
        let server = Server::start(&site.root(), &["--timeout", "30"]);
        let mut holders: Vec<TcpStream> = (0..2).map(|_| server.connect()).collect();
        for holder in &mut holders {
            holder.write_all(b"GET /notes.txt HTTP/1.1\r\n").unwrap();
        }
        let mut third = server.connect();
        third
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        third.write_all(get("/style.css").as_bytes()).unwrap();
        third
            .peek(&mut [0])
            .expect("the third client got nothing within 5 s while two others held connections");
        let (response, _) = read_response(&third, false);
        assert_eq!(response.status, 200);
        assert_eq!(response.body, site.file("style.css"));
        // Both holders finish their heads now, and each is answered.
        for holder in &mut holders {
            let response = send_and_read(holder, "Host: x\r\n\r\n");
            assert_eq!(response.status, 200);
            assert_eq!(response.body, site.file("notes.txt"));
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-thread-pool"]
    fn twenty_clients_at_once_all_get_their_files() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        std::thread::scope(|scope| {
            let clients: Vec<_> = (0..20)
                .map(|i| {
                    let server = &server;
                    let path = if i % 2 == 0 { "/big.bin" } else { "/notes.txt" };
                    scope.spawn(move || (path, server.get(path)))
                })
                .collect();
            for client in clients {
                let (path, response) = client.join().unwrap();
                assert_eq!(response.status, 200, "{path}");
                assert_eq!(response.body, site.file(&path[1..]), "{path}");
            }
        });
    }
}

/// Exercise: keep connections alive, with a request limit and an idle timeout.
mod ch4_keep_alive {
    use std::time::{Duration, Instant};

    use super::*;
    use common::Site;

    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn two_requests_on_one_connection_get_two_responses() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        let mut stream = server.connect();
        let first = send_and_read(&mut stream, &get("/notes.txt"));
        assert_eq!(first.status, 200);
        assert_eq!(first.body, site.file("notes.txt"));
        assert_ne!(
            first
                .header("Connection")
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("close"),
            "the first response closes the connection"
        );
        let second = send_and_read(&mut stream, &get("/style.css"));
        assert_eq!(second.status, 200);
        assert_eq!(second.body, site.file("style.css"));
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn pipelined_requests_are_answered_in_order() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        let mut stream = server.connect();
        // Three requests in one write: the server must not lose what it read ahead.
        let three = [get("/notes.txt"), get("/data.json"), get("/app.js")].concat();
        stream.write_all(three.as_bytes()).unwrap();
        let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
        for name in ["notes.txt", "data.json", "app.js"] {
            let response = read_buffered_response(&mut reader, name);
            assert_eq!(response, site.file(name), "{name}");
        }
    }

    /// The body of one response read from a shared reader (Content-Length only).
    fn read_buffered_response(reader: &mut impl std::io::BufRead, name: &str) -> Vec<u8> {
        let mut length = None;
        loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line).unwrap();
            assert!(
                read > 0,
                "the connection closed before the response for {name}"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let mut body = vec![0; length.expect("no Content-Length")];
        reader.read_exact(&mut body).unwrap();
        body
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn connection_close_and_http_1_0_end_the_connection() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        for raw in [
            "GET /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /notes.txt HTTP/1.0\r\n\r\n",
        ] {
            let mut stream = server.connect();
            let response = send_and_read(&mut stream, raw);
            assert_eq!(response.status, 200, "{raw:?}");
            assert_eq!(
                response
                    .header("Connection")
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("close"),
                "{raw:?}"
            );
            assert!(rest_until_closed(&mut stream).is_empty(), "{raw:?}");
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn an_idle_connection_is_closed_after_the_timeout() {
        let site = Site::new();
        let server = Server::start(&site.root(), &["--timeout", "1"]);
        let mut stream = server.connect();
        let response = send_and_read(&mut stream, &get("/notes.txt"));
        assert_ne!(
            response
                .header("Connection")
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("close"),
            "the response closes the connection at once"
        );
        let idle_since = Instant::now();
        // Closed, with a 408 or without a word: both are fine (RFC 9112 §9.5).
        let rest = rest_until_closed(&mut stream);
        let waited = idle_since.elapsed();
        assert!(
            rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
            "{:?}",
            String::from_utf8_lossy(&rest)
        );
        assert!(
            waited >= Duration::from_millis(800),
            "closed after {waited:?}, before the 1 s timeout"
        );
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-keep-alive"]
    fn the_hundredth_request_on_a_connection_is_the_last() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        let mut stream = server.connect();
        for n in 1..=100 {
            let response = send_and_read(&mut stream, &get("/notes.txt"));
            assert_eq!(response.status, 200, "request {n}");
            let closes = response.header("Connection").map(str::to_ascii_lowercase)
                == Some("close".to_string());
            assert_eq!(closes, n == 100, "Connection: close on request {n}");
        }
        assert!(rest_until_closed(&mut stream).is_empty());
    }
}

/// Exercise: `Last-Modified` and `If-Modified-Since` → 304 Not Modified.
mod ch4_caching {
    use std::fs::File;
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use common::Site;

    /// 1,000,000,000 seconds after 1970, as an HTTP date.
    const BILLENNIUM: &str = "Sun, 09 Sep 2001 01:46:40 GMT";
    const DAY_BEFORE: &str = "Sat, 08 Sep 2001 01:46:40 GMT";
    const DAY_AFTER: &str = "Mon, 10 Sep 2001 01:46:40 GMT";

    /// A site whose `notes.txt` was last modified `seconds` after 1970.
    fn set_modified(site: &Site, seconds: u64) {
        let file = File::options()
            .write(true)
            .open(site.root().join("notes.txt"))
            .unwrap();
        file.set_modified(UNIX_EPOCH + Duration::from_secs(seconds))
            .unwrap();
    }

    fn conditional(method: &str, since: &str) -> String {
        format!(
            "{method} /notes.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: {since}\r\nConnection: close\r\n\r\n"
        )
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn a_file_comes_with_its_last_modified_date() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&site.root(), &[]);
        let response = server.get("/notes.txt");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Last-Modified"), Some(BILLENNIUM));
        set_modified(&site, 1_000_086_400);
        assert_eq!(
            server.get("/notes.txt").header("Last-Modified"),
            Some(DAY_AFTER),
            "the date must follow the file, not be remembered"
        );
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn if_modified_since_that_date_is_304_without_a_body() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&site.root(), &[]);
        for method in ["GET", "HEAD"] {
            let mut stream = server.connect();
            stream
                .write_all(conditional(method, BILLENNIUM).as_bytes())
                .unwrap();
            // A 304 never has a body, whatever its Content-Length says.
            let (response, mut rest) = read_response(&stream, true);
            assert_eq!(response.status, 304, "{method}");
            let mut after = Vec::new();
            rest.read_to_end(&mut after).unwrap();
            assert!(after.is_empty(), "{method}: a body came with the 304");
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn an_older_date_or_a_changed_file_gets_the_whole_file() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&site.root(), &[]);
        let older = server.exchange(conditional("GET", DAY_BEFORE).as_bytes());
        assert_eq!(older.status, 200);
        assert_eq!(older.body, site.file("notes.txt"));
        set_modified(&site, 1_000_086_400);
        let changed = server.exchange(conditional("GET", BILLENNIUM).as_bytes());
        assert_eq!(changed.status, 200, "the file changed after that date");
        assert_eq!(changed.body, site.file("notes.txt"));
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-caching"]
    fn a_date_that_is_not_a_date_is_ignored() {
        let site = Site::new();
        set_modified(&site, 1_000_000_000);
        let server = Server::start(&site.root(), &[]);
        for since in ["yesterday", "", "Sun, 09 Sep 2001"] {
            let response = server.exchange(conditional("GET", since).as_bytes());
            assert_eq!(response.status, 200, "{since:?}");
            assert_eq!(response.body, site.file("notes.txt"));
        }
    }
}

/// Exercise: `Range: bytes=...` → 206 Partial Content, or 416.
mod ch4_ranges {
    use super::*;
    use common::{Site, big_file_contents};

    /// `big.bin` is 1 MiB and 3 bytes.
    const LENGTH: usize = (1 << 20) + 3;

    fn ranged(range: &str) -> String {
        format!("GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: {range}\r\nConnection: close\r\n\r\n")
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn a_whole_file_announces_accept_ranges() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        let response = server.get("/big.bin");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Accept-Ranges"), Some("bytes"));
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn byte_ranges_are_206_with_content_range_and_exactly_those_bytes() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        let big = big_file_contents();
        let last = LENGTH - 1;
        for (range, first, end) in [
            ("bytes=0-99", 0, 99),
            ("bytes=1000-1999", 1000, 1999),
            ("bytes=1048570-", 1_048_570, last),
            ("bytes=-3", LENGTH - 3, last),
            ("bytes=1048575-99999999", 1_048_575, last),
        ] {
            let response = server.exchange(ranged(range).as_bytes());
            assert_eq!(response.status, 206, "{range}");
            assert_eq!(
                response.header("Content-Range"),
                Some(format!("bytes {first}-{end}/{LENGTH}").as_str()),
                "{range}"
            );
            assert_eq!(
                response.header("Content-Length"),
                Some((end - first + 1).to_string().as_str()),
                "{range}"
            );
            assert!(response.body == big[first..=end], "{range}: wrong bytes");
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn a_range_past_the_end_is_416_with_the_length() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        for range in [
            format!("bytes={LENGTH}-"),
            "bytes=2000000-2000010".to_string(),
        ] {
            let response = server.exchange(ranged(&range).as_bytes());
            assert_eq!(response.status, 416, "{range}");
            assert_eq!(
                response.header("Content-Range"),
                Some(format!("bytes */{LENGTH}").as_str()),
                "{range}"
            );
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-ranges"]
    fn a_range_that_is_not_bytes_gets_the_whole_file() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        for range in ["items=0-1", "bytes=5-2", "bytes=abc"] {
            let response = server.exchange(ranged(range).as_bytes());
            assert_eq!(response.status, 200, "{range}");
            assert_eq!(response.body.len(), LENGTH, "{range}");
        }
    }
}

/// Exercise: gzip the body when the client accepts it.
mod ch4_gzip {
    use std::process::{Command, Stdio};

    use super::*;
    use common::Site;

    /// 100 KB of very compressible text.
    fn words() -> Vec<u8> {
        (0..2500)
            .map(|i| format!("line {i:05}: all work and no play\n"))
            .collect::<String>()
            .into_bytes()
    }

    fn site_with_words() -> Site {
        let site = Site::new();
        std::fs::write(site.root().join("words.txt"), words()).unwrap();
        site
    }

    fn request(accept_encoding: Option<&str>) -> String {
        let field = accept_encoding.map_or(String::new(), |v| format!("Accept-Encoding: {v}\r\n"));
        format!("GET /words.txt HTTP/1.1\r\nHost: x\r\n{field}Connection: close\r\n\r\n")
    }

    /// Decompresses with the `gzip` program: an independent decoder.
    fn gunzip(compressed: &[u8]) -> Vec<u8> {
        let mut child = Command::new("gzip")
            .arg("-dc")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("this check needs the `gzip` program on the PATH to decompress");
        let mut stdin = child.stdin.take().unwrap();
        let input = compressed.to_vec();
        let feeder = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output().unwrap();
        let _ = feeder.join();
        assert!(output.status.success(), "gzip -d rejected the body");
        output.stdout
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn gzip_is_sent_when_accepted_and_decompresses_to_the_file() {
        let site = site_with_words();
        let server = Server::start(&site.root(), &[]);
        let response = server.exchange(request(Some("deflate, gzip;q=0.8, br")).as_bytes());
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Content-Encoding"), Some("gzip"));
        let body = &response.body;
        // Content-Length counts the compressed bytes (read_response relied on it).
        assert!(
            body.starts_with(&[0x1f, 0x8b, 8]),
            "not gzip: no 1f 8b 08 header"
        );
        // The gzip trailer ends with the uncompressed size (RFC 1952 §2.3.1).
        let size = u32::from_le_bytes(body[body.len() - 4..].try_into().unwrap());
        assert_eq!(size as usize, words().len(), "ISIZE in the trailer");
        assert!(
            gunzip(body) == words(),
            "decompressed, the body differs from the file"
        );
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn the_gzip_body_is_really_compressed() {
        let site = site_with_words();
        let server = Server::start(&site.root(), &[]);
        let response = server.exchange(request(Some("gzip")).as_bytes());
        assert_eq!(response.header("Content-Encoding"), Some("gzip"));
        assert!(
            response.body.len() * 4 < words().len(),
            "{} bytes for {} of repetitive text",
            response.body.len(),
            words().len()
        );
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn vary_accept_encoding_tells_caches_the_body_depends_on_it() {
        let site = site_with_words();
        let server = Server::start(&site.root(), &[]);
        for accept in [Some("gzip"), None] {
            let response = server.exchange(request(accept).as_bytes());
            assert_eq!(
                response.header("Vary"),
                Some("Accept-Encoding"),
                "{accept:?}"
            );
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-gzip"]
    fn without_gzip_in_accept_encoding_the_file_is_sent_as_is() {
        let site = site_with_words();
        let server = Server::start(&site.root(), &[]);
        for accept in [
            None,
            Some("identity"),
            Some("gzip;q=0"),
            Some("br, deflate"),
        ] {
            let response = server.exchange(request(accept).as_bytes());
            assert_eq!(response.status, 200, "{accept:?}");
            assert_eq!(response.header("Content-Encoding"), None, "{accept:?}");
            assert!(response.body == words(), "{accept:?}");
        }
    }
}

/// Exercise: a directory without `index.html` is answered with a listing.
mod ch4_dir_listing {
    use super::*;
    use common::Site;

    /// Names a listing must escape; `<` and `>` cannot be in Windows names.
    fn tricky_names() -> Vec<&'static str> {
        let mut names = vec!["a&b.txt", "plain.txt", "with space.txt"];
        if cfg!(unix) {
            names.push("<script>.txt");
        }
        names
    }

    fn site_with_a_list() -> Site {
        let site = Site::new();
        let list = site.root().join("list");
        std::fs::create_dir_all(list.join("sub dir")).unwrap();
        for name in tricky_names() {
            std::fs::write(list.join(name), format!("contents of {name}")).unwrap();
        }
        site
    }

    /// The HTML-escaped form of `name`, as a listing must show it.
    fn escaped(name: &str) -> String {
        name.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// Every `href="..."` value, with HTML character references undone.
    fn links(html: &str) -> Vec<String> {
        html.split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(value, _)| value))
            .map(|value| {
                value
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&#x27;", "'")
                    .replace("&amp;", "&")
            })
            .collect()
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn a_directory_without_an_index_is_listed_as_html() {
        let site = site_with_a_list();
        let server = Server::start(&site.root(), &[]);
        let response = server.get("/list/");
        assert_eq!(response.status, 200);
        assert!(
            response
                .header("Content-Type")
                .unwrap_or_default()
                .starts_with("text/html"),
            "{:?}",
            response.header("Content-Type")
        );
        let html = response.text();
        for name in tricky_names() {
            assert!(
                html.contains(&escaped(name)),
                "{name} is not listed (escaped) in:\n{html}"
            );
        }
        assert!(html.contains("sub dir"), "the subdirectory is not listed");
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn names_are_escaped_so_they_cannot_inject_html() {
        let site = site_with_a_list();
        let server = Server::start(&site.root(), &[]);
        let html = server.get("/list/").text();
        assert!(!html.contains("a&b"), "a raw & in:\n{html}");
        if cfg!(unix) {
            assert!(!html.contains("<script>"), "a raw <script> in:\n{html}");
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn every_link_in_the_listing_leads_to_its_entry() {
        let site = site_with_a_list();
        let server = Server::start(&site.root(), &[]);
        let html = server.get("/list/").text();
        let links = links(&html);
        for name in tricky_names() {
            let link = links
                .iter()
                .find(|link| {
                    let response = server.get(&format!("/list/{link}"));
                    response.status == 200
                        && response.body == format!("contents of {name}").as_bytes()
                })
                .unwrap_or_else(|| panic!("no link in the listing serves {name}: {links:?}"));
            assert!(
                !link.contains(' '),
                "a link must percent-encode spaces: {link:?}"
            );
        }
        let directory = links
            .iter()
            .any(|link| link.ends_with('/') && server.get(&format!("/list/{link}")).status == 200);
        assert!(directory, "no working link to the subdirectory: {links:?}");
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-dir-listing"]
    fn a_directory_with_an_index_still_gets_its_index() {
        let site = site_with_a_list();
        let server = Server::start(&site.root(), &[]);
        assert_eq!(server.get("/sub/").body, site.file("sub/index.html"));
        assert_eq!(server.get("/").body, site.file("index.html"));
    }
}

/// Exercise: a missing file is answered with the site's own `404.html`.
mod ch4_404_page {
    use super::*;
    use common::Site;

    const PAGE: &[u8] = b"<!DOCTYPE html><title>Lost</title><h1>Nothing here - 5e1c</h1>\n";

    fn site_with_404_page() -> Site {
        let site = Site::new();
        std::fs::write(site.root().join("404.html"), PAGE).unwrap();
        site
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn a_missing_file_gets_the_sites_404_page() {
        let site = site_with_404_page();
        let server = Server::start(&site.root(), &[]);
        for path in ["/missing.txt", "/sub/nothing/here", "/empty/"] {
            let response = server.get(path);
            assert_eq!(response.status, 404, "{path}");
            assert_eq!(response.body, PAGE, "{path}");
            assert_eq!(
                response.header("Content-Type"),
                Some("text/html; charset=utf-8"),
                "{path}"
            );
        }
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn head_of_a_missing_file_has_the_pages_length_and_no_body() {
        let site = site_with_404_page();
        let server = Server::start(&site.root(), &[]);
        let response = server.exchange_and_close(b"HEAD /missing.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(response.status, 404);
        assert_eq!(
            response.header("Content-Length"),
            Some(PAGE.len().to_string().as_str())
        );
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn without_404_html_the_built_in_page_is_sent() {
        let site = Site::new();
        let server = Server::start(&site.root(), &[]);
        let response = server.get("/missing.txt");
        assert_eq!(response.status, 404);
        assert!(response.text().contains("404 Not Found"));
    }

    #[test]
    #[ignore = "exercise check: just exercise ch4-404-page"]
    fn other_errors_keep_their_own_pages() {
        let site = site_with_404_page();
        let server = Server::start(&site.root(), &[]);
        let refused = server.exchange(b"DELETE /missing.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(refused.status, 405);
        assert_ne!(refused.body, PAGE);
        let forbidden = server.get("/../secret.txt");
        assert_eq!(forbidden.status, 403);
        assert_ne!(forbidden.body, PAGE);
    }
}
