// The unit tests of the command line every HTTP stage shares (`[PORT]`,
// `--bind`, `--directory`, the messages for bad input), written once: each
// stage's `src/cli/tests.rs` includes this file, so `super` is that stage's
// `cli` module. Step 4 adds its tests of `--timeout` after the include.

use super::*;

fn parse_words(words: &str) -> Result<Command, String> {
    parse(words.split_whitespace().map(String::from))
}

fn serve(words: &str) -> Args {
    match parse_words(words) {
        Ok(Command::Serve(args)) => args,
        other => panic!("{words:?} parsed as {other:?}"),
    }
}

#[test]
fn defaults_mirror_python_http_server_but_bind_to_loopback() {
    let args = serve("");
    assert_eq!(args.port, 8000);
    assert_eq!(args.bind, IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert!(args.directory.ends_with("../../www"));
}

#[test]
fn reads_port_bind_and_directory_in_any_order() {
    let args = serve("--directory /srv 9000 -b 0.0.0.0");
    assert_eq!(args.port, 9000);
    assert_eq!(args.bind, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    assert_eq!(args.directory, PathBuf::from("/srv"));
    assert_eq!(serve("-d x --bind ::1").bind.to_string(), "::1");
    assert_eq!(
        serve("--bind localhost").bind,
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    );
}

#[test]
fn help_wins() {
    assert_eq!(parse_words("8000 --help"), Ok(Command::Help));
    assert_eq!(parse_words("-h"), Ok(Command::Help));
}

#[test]
fn rejects_bad_arguments_with_a_reason() {
    for words in [
        "70000",
        "port",
        "8000 8001",
        "--bind",
        "--bind nowhere",
        "-d",
        "--verbose",
    ] {
        let error = parse_words(words).expect_err(words);
        assert!(!error.is_empty(), "{words}");
    }
}

#[test]
fn banner_shows_the_real_address() {
    let v4: SocketAddr = "127.0.0.1:8000".parse().unwrap();
    assert_eq!(
        banner(v4),
        "Serving HTTP on 127.0.0.1 port 8000 (http://127.0.0.1:8000/) ..."
    );
    let v6: SocketAddr = "[::1]:8001".parse().unwrap();
    assert_eq!(
        banner(v6),
        "Serving HTTP on ::1 port 8001 (http://[::1]:8001/) ..."
    );
}

#[test]
fn port_in_use_names_the_port_and_another() {
    let address: SocketAddr = "127.0.0.1:8000".parse().unwrap();
    let line = bind_error(address, &io::Error::from(io::ErrorKind::AddrInUse));
    assert!(line.contains("port 8000 is already in use"), "{line}");
    assert!(line.contains("8001"), "{line}");
}
