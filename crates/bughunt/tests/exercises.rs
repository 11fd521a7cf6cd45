//! Checks of the bug hunt exercises (`just exercise bug-traversal` ...).
//!
//! Ignored by a plain `cargo test`: they fail until the exercise is solved.
//! Each module is one exercise; each test's doc comment is one line of its
//! rubric ("Still works:" marks what the broken handler already does right):
//! first that `EXPOSING_REQUEST` really exposes the bug (judged against the
//! article's logic, which the test reproduces), then that the fixed handler
//! survives it and still serves files. Every assertion says in words what
//! was wrong.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

/// Bug 1: `GET /../secret.txt` style requests.
mod bug_traversal {
    use std::fs;
    use std::path::PathBuf;

    use super::support::{SECRET, Server, Site, shown, status, www};
    use bughunt::traversal::EXPOSING_REQUEST;

    /// The target of the exposing request, or a failure telling what to do.
    fn exposing_target() -> String {
        assert!(
            !EXPOSING_REQUEST.is_empty(),
            "write the request that exposes the bug into EXPOSING_REQUEST in crates/bughunt/src/traversal.rs"
        );
        let line = EXPOSING_REQUEST.lines().next().unwrap_or_default();
        line.split(' ')
            .nth(1)
            .unwrap_or_else(|| panic!("no target in the request line {line:?}"))
            .to_string()
    }

    /// The file outside `www/` that the article's join opens for the
    /// exposing request.
    fn exposed_file() -> PathBuf {
        let root = www();
        // What the article's `os.path.join(root, path.lstrip('/'))` opens.
        let joined = root.join(exposing_target().trim_start_matches('/'));
        let real = joined.canonicalize().unwrap_or_else(|_| {
            panic!(
                "EXPOSING_REQUEST asks for {}, which does not exist",
                joined.display()
            )
        });
        assert!(
            real.is_file(),
            "EXPOSING_REQUEST asks for {}, which is not a file",
            real.display()
        );
        assert!(
            !real.starts_with(&root),
            "EXPOSING_REQUEST asks for {}, inside the served directory {}: that is no traversal",
            real.display(),
            root.display()
        );
        real
    }

    /// `EXPOSING_REQUEST` asks the article's path join for a file outside `www/` that is not empty.
    #[test]
    #[ignore = "exercise check: just exercise bug-traversal"]
    fn the_exposing_request_names_a_file_outside_www() {
        let file = exposed_file();
        assert!(
            fs::metadata(&file).unwrap().len() > 0,
            "EXPOSING_REQUEST asks for {}, which is empty: pick a file with something in it",
            file.display()
        );
    }

    /// The fixed handler answers `EXPOSING_REQUEST` with 400, 403 or 404, and the file does not
    /// leak.
    #[test]
    #[ignore = "exercise check: just exercise bug-traversal"]
    fn the_fixed_handler_refuses_the_exposing_request() {
        let file = exposed_file();
        let contents = String::from_utf8_lossy(&fs::read(&file).unwrap()).into_owned();
        let server = Server::start_in("traversal", &www());
        let answer = server.exchange(EXPOSING_REQUEST.as_bytes());
        assert!(
            [400, 403, 404].contains(&status(&answer)),
            "the answer to EXPOSING_REQUEST should be 400, 403 or 404; it was:\n{}",
            shown(&answer)
        );
        let first_line = contents
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        assert!(
            !answer.contains(first_line),
            "the answer to EXPOSING_REQUEST holds {}:\n{answer}",
            file.display()
        );
    }

    /// The fixed handler refuses every way up (`/../secret.txt`, `/sub/../../secret.txt`,
    /// `/./../secret.txt`) with 400, 403 or 404.
    #[test]
    #[ignore = "exercise check: just exercise bug-traversal"]
    fn the_fixed_handler_refuses_every_way_up() {
        let site = Site::new();
        let server = Server::start("traversal", &site);
        for target in [
            "/../secret.txt",
            "/sub/../../secret.txt",
            "/./../secret.txt",
        ] {
            let answer = server.get(target);
            assert!(
                [400, 403, 404].contains(&status(&answer)) && !answer.contains(SECRET),
                "GET {target} should get 400, 403 or 404 and no secret; it got:\n{}",
                shown(&answer)
            );
        }
    }

    /// Still works: The fixed handler serves the files inside the served directory (`/`,
    /// `/sub/index.html`).
    #[test]
    #[ignore = "exercise check: just exercise bug-traversal"]
    fn the_fixed_handler_still_serves_the_files_inside() {
        let site = Site::new();
        let server = Server::start("traversal", &site);
        for (target, page) in [
            ("/", "<h1>home</h1>\n"),
            ("/sub/index.html", "<h1>sub</h1>\n"),
        ] {
            let answer = server.get(target);
            assert!(
                answer.ends_with(page),
                "GET {target} should get its page {page:?}; it got:\n{}",
                shown(&answer)
            );
        }
    }
}

/// Bug 2: a malformed request line.
mod bug_crash {
    use super::support::{Server, Site, shown, status};
    use bughunt::crash::EXPOSING_REQUEST;

    /// `EXPOSING_REQUEST` is a request line on which the article's `split(' ')[1]` fails.
    #[test]
    #[ignore = "exercise check: just exercise bug-crash"]
    fn the_exposing_request_crashes_the_articles_parsing() {
        assert!(
            !EXPOSING_REQUEST.is_empty(),
            "write the request that exposes the bug into EXPOSING_REQUEST in crates/bughunt/src/crash.rs"
        );
        let line = EXPOSING_REQUEST
            .split('\n')
            .next()
            .unwrap_or_default()
            .trim_end_matches('\r');
        // The article's `requestline.split(' ')[1]`, as the variant has it.
        let crashes = std::panic::catch_unwind(|| {
            let parts: Vec<&str> = line.split(' ').collect();
            parts[1].len()
        })
        .is_err();
        assert!(
            crashes,
            "the article's split(' ')[1] does not fail on the request line {line:?} of EXPOSING_REQUEST"
        );
    }

    /// The fixed server answers `EXPOSING_REQUEST` with 400 Bad Request, keeps running and still
    /// serves `/`.
    #[test]
    #[ignore = "exercise check: just exercise bug-crash"]
    fn the_fixed_server_answers_the_exposing_request_with_400_and_lives_on() {
        let site = Site::new();
        let mut server = Server::start("crash", &site);
        let answer = server.exchange(EXPOSING_REQUEST.as_bytes());
        assert!(
            status(&answer) == 400,
            "the answer to EXPOSING_REQUEST should be 400 Bad Request; it was:\n{}",
            shown(&answer)
        );
        assert!(
            server.is_running(),
            "the server died after EXPOSING_REQUEST"
        );
        let home = server.get("/");
        assert!(
            home.ends_with("<h1>home</h1>\n"),
            "after EXPOSING_REQUEST, GET / should get the home page; it got:\n{}",
            shown(&home)
        );
    }

    /// The fixed server answers every request line without a target (`GET`, an empty line, `HELLO`,
    /// also with bare `\n` line ends) with 400, and goes on serving.
    #[test]
    #[ignore = "exercise check: just exercise bug-crash"]
    fn the_fixed_server_answers_every_malformed_line_with_400() {
        let site = Site::new();
        let mut server = Server::start("crash", &site);
        for raw in ["GET\r\n\r\n", "\r\n\r\n", "HELLO\r\n\r\n", "GET\n\n"] {
            let answer = server.exchange(raw.as_bytes());
            assert!(
                status(&answer) == 400,
                "the request {raw:?} should get 400 Bad Request; it got:\n{}",
                shown(&answer)
            );
        }
        assert!(
            server.is_running(),
            "the server died on a malformed request line"
        );
        let sub = server.get("/sub/");
        assert!(
            sub.ends_with("<h1>sub</h1>\n"),
            "after the malformed requests, GET /sub/ should get its page; it got:\n{}",
            shown(&sub)
        );
    }
}

/// Bug 3: a client that stops sending.
mod bug_idle {
    use std::io::{Read, Write};
    use std::time::Instant;

    use super::support::{PATIENCE, Server, Site, shown, status};
    use bughunt::idle::EXPOSING_REQUEST;

    /// `EXPOSING_REQUEST` is the start of a request whose head never ends (no empty line).
    #[test]
    #[ignore = "exercise check: just exercise bug-idle"]
    fn the_exposing_request_is_an_unfinished_head() {
        assert!(
            !EXPOSING_REQUEST.is_empty(),
            "write what the idle client sends into EXPOSING_REQUEST in crates/bughunt/src/idle.rs"
        );
        // The handler reads until the empty line that ends a head: without
        // one, it waits for more.
        assert!(
            !EXPOSING_REQUEST.contains("\r\n\r\n") && !EXPOSING_REQUEST.contains("\n\n"),
            "EXPOSING_REQUEST {EXPOSING_REQUEST:?} is a complete head (it has an empty line): the server answers it at once"
        );
    }

    /// While a client that sent `EXPOSING_REQUEST` stays idle, the next client gets its page within
    /// 10 seconds.
    #[test]
    #[ignore = "exercise check: just exercise bug-idle"]
    fn the_next_client_is_served_while_the_idle_one_waits() {
        let site = Site::new();
        let server = Server::start("idle", &site);
        let mut idle = server.connect();
        idle.write_all(EXPOSING_REQUEST.as_bytes()).unwrap();
        // This exchange waits behind the idle client: it gets an answer only
        // if the server stops waiting for it.
        let answer = server.get("/");
        assert!(
            answer.ends_with("<h1>home</h1>\n"),
            "the second client got no page within {PATIENCE:?} while the first was idle:\n{}",
            shown(&answer)
        );
    }

    /// The idle client is disconnected within 10 seconds, with a 408 or without a word.
    #[test]
    #[ignore = "exercise check: just exercise bug-idle"]
    fn the_idle_client_is_dropped_within_a_few_seconds() {
        let site = Site::new();
        let server = Server::start("idle", &site);
        let mut idle = server.connect();
        idle.write_all(EXPOSING_REQUEST.as_bytes()).unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        let ended = idle.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            ended.is_ok(),
            "still connected after {PATIENCE:?}: the server is waiting for the idle client"
        );
        assert!(
            answer.is_empty() || status(&answer) == 408,
            "the idle client should get a 408 or no answer at all; it got:\n{}",
            shown(&answer)
        );
        assert!(
            started.elapsed() < PATIENCE,
            "the idle client was disconnected only after {:?}, expected under {PATIENCE:?}",
            started.elapsed()
        );
    }
}
