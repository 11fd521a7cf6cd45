#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn context() -> Machine {
    Machine {
        root: PathBuf::from("/work/pico"),
        target: PathBuf::from("/scratch/target-x"),
        temp: PathBuf::from("/tmp"),
    }
}

#[test]
fn parses_the_three_forms_and_refuses_bad_lines() {
    let list = "\
# a comment

one: curl -si http://127.0.0.1:8000/
two: curl -sI http://127.0.0.1:8000/  # while: cargo run -q -p step4-pico-http
three: cargo run -q -p step2-echo --bin server  # serving: cargo run -q -p step2-echo --bin client  # until: Closed
";
    let parsed = parse(list).unwrap();
    assert_eq!(parsed.len(), 3);
    assert_eq!(
        parsed[0].kind,
        Kind::Plain {
            command: "curl -si http://127.0.0.1:8000/".into()
        }
    );
    assert!(
        matches!(&parsed[1].kind, Kind::While { server, .. } if server == "cargo run -q -p step4-pico-http")
    );
    assert!(matches!(&parsed[2].kind, Kind::Serving { until, .. } if until == "Closed"));
    assert_eq!(
        parsed[2].commands()[0],
        "cargo run -q -p step2-echo --bin server"
    );

    for bad in [
        "no command here",
        "Bad_Name: true",
        "x: true\nx: false",
        "x: server # serving: client",
        "x:   ",
    ] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn masks_what_changes_between_runs() {
    let raw = "\
$ curl -si http://127.0.0.1:8000/\r
Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ...\r
Serving files from /work/pico/www (change with --directory)\r
Date: Tue, 24 Nov 2026 05:13:18 GMT\r
[INFO  step4_pico_http::handler] 127.0.0.1:59256 \"GET / HTTP/1.1\" 200 4088\r
strace: Process 123 attached\r
[pid 20532] accept4(3, {sa_family=AF_INET, sin_port=htons(59256)}) = 4\r
+++ killed by SIGTERM +++\r
User-Agent: curl/7.88.1\r
log at /tmp/pico-site-77-1/x.log, built in /scratch/target-x/debug/step4-pico-http\r
took 12.5 ms and 3s, HTTP/1.1 stays, 870µs, 2 sheep, x3s\r
Stages: your working copy; changed since git HEAD: crates/step4-pico-http/src/main.rs (git stash)\r
setsockopt(4, SOL_SOCKET, SO_RCVTIMEO_OLD, \"\\4\\0\\0\\0\", 16) = 0\r
sendto(4, \"HTTP/1.1 200 OK\\r\\nDate: Tue, 24 N\"..., 136) = 136\r
accept4(3, strace: Process 15587 detached\r
 <detached ...>\r
";
    let masked = mask(raw, 41234, &context());
    let expected = "\
$ curl -si http://127.0.0.1:8000/
Serving HTTP on 127.0.0.1 port 8000 (http://127.0.0.1:8000/) ...
Serving files from /path/to/pico-server/www (change with --directory)
Date: Sun, 06 Nov 1994 08:49:37 GMT
[INFO  step4_pico_http::handler] 127.0.0.1:54321 \"GET / HTTP/1.1\" 200 4088
[pid PID] accept4(3, {sa_family=AF_INET, sin_port=htons(54321)}) = 4
User-Agent: curl/VERSION
log at /tmp/..., built in ./target/debug/step4-pico-http
took N ms and Ns, HTTP/1.1 stays, Nµs, 2 sheep, x3s
Stages: your working copy, the same as committed (git HEAD).
setsockopt(4, SOL_SOCKET, SO_RCVTIMEO_OLD, \"...\", 16) = 0
sendto(4, \"HTTP/1.1 200 OK\\r\\nDate: Sun, 06 N\"..., 136) = 136
accept4(3, 
";
    assert_eq!(masked, expected);
}

#[test]
fn a_port_is_replaced_only_where_it_stands_alone() {
    assert_eq!(
        replace_number("8000 18000 80001 :8000/", 8000, "41234"),
        "41234 18000 80001 :41234/"
    );
}

#[test]
fn a_serving_transcript_ends_with_the_first_complete_line_holding_the_text() {
    let output = "one\nsendto() = 1328\nClosed\naccept4(3, ";
    assert_eq!(end_of_line_with(output, "= 1328"), Some(20));
    assert_eq!(end_of_line_with(output, "Closed"), Some(27));
    assert_eq!(end_of_line_with(output, "accept4"), None);
    assert_eq!(end_of_line_with("", "x"), None);
}

#[test]
fn a_port_someone_listens_on_is_not_taken_and_the_port_taken_is_said() {
    for address in [Ipv4Addr::LOCALHOST, Ipv4Addr::UNSPECIFIED] {
        let listener = TcpListener::bind((address, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(!is_free(port), "{address}:{port} has a listener");
        drop(listener);
        assert!(is_free(port), "{address}:{port} was closed");
    }
    assert_eq!(port_note(8000), "Servers listen on port 8000, free here.");
    let note = port_note(8001);
    assert!(
        note.contains("Port 8000 is in use") && note.contains("listen on port 8001"),
        "{note}"
    );
}
