#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const LOG: &str = "\
100 execve(\"/x/step1-oneliner\", [\"step1-oneliner\"], 0x0 /* 3 vars */) = 0
100 openat(AT_FDCWD, \"/lib/libc.so.6\", O_RDONLY|O_CLOEXEC) = 3
100 read(3, \"\\177ELF\"..., 832) = 832
100 close(3)                          = 0
100 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3
100 bind(3, {sa_family=AF_INET, sin_port=htons(8000)}, 16) = 0
100 listen(3, 128)                    = 0
100 clone3({flags=CLONE_VM, child_tid=0x1, parent_tid=0x1, exit_signal=0}, 88) = 101
100 write(1, \"Serving HTTP on 127.0.0.1 port 8\"..., 65) = 65
101 accept4(3, {sa_family=AF_INET}, [16], SOCK_CLOEXEC) = 4
101 fcntl(4, F_DUPFD_CLOEXEC, 3)      = 5
102 recvfrom(5,  <unfinished ...>
101 accept4(3,  <unfinished ...>
102 <... recvfrom resumed>\"GET / HTTP/1.1\\r\\n\"..., 1024, 0, NULL, NULL) = 78
100 fcntl(4, F_GETFD)                 = 0x1 (flags FD_CLOEXEC)
100 sendto(4, \"HTTP/1.1 200 OK\\r\\n\"..., 144, MSG_NOSIGNAL, NULL, 0) = 144
102 close(5)                          = 0
100 close(4)                          = 0
";

#[test]
fn keeps_the_socket_life_cycle_and_names_threads() {
    let calls = calls(LOG);
    let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "socket", "bind", "listen", "clone3", "accept4", "fcntl", "recvfrom", "sendto",
            "close", "close"
        ]
    );
    assert_eq!(calls[3].rest, "(...) = thread 1");
    assert_eq!(calls[4].thread, "thread 1");
    assert_eq!(calls[6].thread, "thread 2");
    assert!(
        calls[6].rest.starts_with("(5, \"GET / HTTP/1.1"),
        "{:?}",
        calls[6]
    );
    // The second accept4 is still waiting: left out.
    assert_eq!(calls.iter().filter(|c| c.name == "accept4").count(), 1);
}

#[test]
fn knows_when_the_connection_is_closed() {
    assert!(connection_closed(&calls(LOG)));
    let cut = LOG.rsplit_once("100 close(4)").unwrap().0;
    assert!(!connection_closed(&calls(cut)));
    let before = LOG.split_once("101 accept4").unwrap().0;
    assert!(!connection_closed(&calls(before)), "no connection yet");
}

#[test]
fn a_call_cut_off_mid_line_is_left_out() {
    let log = "7 socket(AF_INET) = 3\n7 accept4(3, ";
    let calls = calls(log);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].name, "socket");
}

#[test]
fn the_report_has_a_legend_for_the_calls_it_shows() {
    let text = render(stages::stage("1").unwrap(), &calls(LOG));
    assert!(text.contains("Legend: socket: a new TCP endpoint"));
    assert!(
        text.lines().all(|line| line.len() <= 100
            || line.starts_with("thread")
            || line.starts_with("main"))
    );
    assert!(text.contains("main      listen(3, 128) = 0\n"));
    assert!(!text.contains("sendfile:"));
    assert!(text.contains("main      socket(AF_INET"));
    assert!(text.contains("10 calls: socket 1, bind 1, listen 1, clone3 1, accept4 1"));
    assert!(!text.contains("waiting when"));
}
