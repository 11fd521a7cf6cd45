//! The exercises: the one list that `just exercises`, `just hint`, the proof in
//! CI and the book's Exercises pages all read. Change an exercise here, then
//! run `just exercises-book` to rewrite its page (a test fails until you do).
//!
//! An exercise named `ch4-keep-alive` is checked by the `ch4_keep_alive`
//! module of `crates/<package>/tests/exercises.rs`, and solved by
//! `docs/solutions/ch4-keep-alive.patch`.

/// A page of exercises, for one chapter of the book.
#[derive(Debug)]
pub(crate) struct Chapter {
    /// The page: `docs/src/exercises/<slug>.md`.
    pub slug: &'static str,
    pub title: &'static str,
    /// The crate the learner works in, whose `tests/exercises.rs` checks it.
    pub package: &'static str,
    /// The chapter of the book the exercises extend, relative to the page.
    pub chapter_link: &'static str,
    pub chapter_title: &'static str,
    /// What the page says before the exercises.
    pub intro: &'static str,
}

/// One exercise.
#[derive(Debug)]
pub(crate) struct Exercise {
    pub name: &'static str,
    pub chapter: &'static Chapter,
    pub title: &'static str,
    /// What to build, in Markdown.
    pub goal: &'static str,
    /// Revealed one at a time by `just hint NAME`.
    pub hints: &'static [&'static str],
}

impl Exercise {
    /// The test module that checks it: the name with `_` for `-`.
    pub(crate) fn module(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The reference solution, relative to the workspace.
    pub(crate) fn solution(&self) -> String {
        format!("docs/solutions/{}.patch", self.name)
    }

    /// The file with its checks, relative to the workspace.
    pub(crate) fn checks(&self) -> String {
        format!("crates/{}/tests/exercises.rs", self.chapter.package)
    }
}

pub(crate) const SOCKETS: Chapter = Chapter {
    slug: "ch2-sockets",
    title: "Chapter 2 exercises: sockets",
    package: "step2-echo",
    chapter_link: "../step2-sockets.md",
    chapter_title: "Sockets and TCP",
    intro: "The echo pair of `crates/step2-echo` is the smallest server and client there \
            are. These exercises change them and watch what TCP does: several clients, \
            byte counts, and a message too large for the socket buffers.",
};

pub(crate) const LISTENER: Chapter = Chapter {
    slug: "ch3-listener",
    title: "Chapter 3 exercises: our TCP listener",
    package: "step3-pico-tcp",
    chapter_link: "../step3-tcp-listener.md",
    chapter_title: "Our own TCP listener",
    intro: "`crates/step3-pico-tcp` owns its listening socket and hands it to tiny_http. \
            These exercises work on what a listener's owner decides: which ports it will \
            take, and what it tells the operator about each client.",
};

pub(crate) const HANDLER: Chapter = Chapter {
    slug: "ch4-handler",
    title: "Chapter 4 exercises: now what?",
    package: "step4-pico-http",
    chapter_link: "../step4-http-handler.md",
    chapter_title: "Our own HTTP handler",
    intro: "The article ends with a list of what its server does not do: several \
            connections at once, caching, long-lived connections, compression. Each \
            exercise here takes one item of that list (and two a static server needs) \
            and adds it to `crates/step4-pico-http`, where every byte is ours. They are \
            independent: each starts from the shipped stage. Some of them change what \
            the stage's own tests expect; when `just test` then fails, read the failing \
            test and decide whether it or your code is right.",
};

pub(crate) const BUG_HUNT: Chapter = Chapter {
    slug: "bug-hunt",
    title: "Bug hunt",
    package: "bughunt",
    chapter_link: "../bugs.md",
    chapter_title: "What the article's code got wrong",
    intro: "`crates/bughunt` holds three small handlers shaped like the article's, each \
            with one of its real bugs left in. Run one with `just bughunt traversal` (or \
            `crash`, `idle`; without `just`: `cargo run -p bughunt -- traversal`): it \
            serves `www/` on port 8000. For each bug, \
            first write the request that exposes it into the `EXPOSING_REQUEST` constant \
            of its module (try it with `curl` or `nc 127.0.0.1 8000` first), then fix the \
            handler. The check runs your request against the article's logic to see that \
            it really exposes the bug, then against your fixed handler.",
};

/// Every exercise, in the order of the book.
pub(crate) const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "ch2-echo-count",
        chapter: &SOCKETS,
        title: "Count the echoed bytes",
        goal: "When a client leaves, the server logs how many bytes it echoed to it, as one \
               `info` line such as `Echoed 1234 bytes to 127.0.0.1:51234` (the words \
               `Echoed N bytes` and the client's address are what the check looks for). A \
               client that sends nothing was echoed 0 bytes. The echo itself does not change.\n\n\
               Work in `crates/step2-echo/src/bin/server.rs`. Try it with `just step2-server` \
               and `just step2-client 'some words'`.",
        hints: &[
            "`echo` already sees every chunk it sends back: make it add them up and return \
             the total, `io::Result<u64>` instead of `io::Result<()>`.",
            "Log in the accept loop, where both the total and `peer` are known: \
             `Ok(echoed) => info!(\"Echoed {echoed} bytes to {peer}\")`.",
        ],
    },
    Exercise {
        name: "ch2-two-clients",
        chapter: &SOCKETS,
        title: "Serve two clients at the same time",
        goal: "The echo server serves one client at a time: while one is connected, a \
               second one's bytes wait in the kernel, unanswered. Make it echo to every \
               connected client at once: a second client is echoed while the first stays \
               connected, the first still is after the second leaves, and ten clients \
               connected together each get their own echo. One thread per connection is \
               the simple way; the check looks only at the echoes.\n\n\
               Work in `crates/step2-echo/src/bin/server.rs`. See the problem first: in one \
               terminal `just step2-server`, in two others `nc 127.0.0.1 6666`, and type in \
               both.",
        hints: &[
            "`accept` must be called again as soon as a client is accepted, so the \
             connection has to be served somewhere else: `std::thread::spawn`.",
            "A spawned thread may outlive the loop iteration, so it must own what it uses: \
             `std::thread::spawn(move || { ... echo(connection, peer) ... })`. \
             `TcpStream` and `SocketAddr` can move to another thread.",
        ],
    },
    Exercise {
        name: "ch2-big-message",
        chapter: &SOCKETS,
        title: "A message larger than the socket buffers",
        goal: "Teach the client to send its standard input when the message is `-`: \
               `cargo run -p step2-echo --bin client -- - < some.file`, and to write the \
               echo back to standard output byte for byte (one final newline may follow), \
               exiting with success. Then send it 64 MiB: it must come back whole within 30 s.\n\n\
               The client writes the whole message before it reads anything. The server \
               echoes as it reads, and once the client's receive buffer and the server's \
               send buffer are full, the server stops reading; then the client's `write` \
               stops too, and both wait for each other forever. Make the client send and \
               receive at the same time so that any size works.\n\n\
               Work in `crates/step2-echo/src/bin/client.rs`.",
        hints: &[
            "`io::stdin().read_to_end(&mut buffer)` reads all of standard input. Print \
             the echo with `io::stdout().write_all(&echo)`, not `println!`, so that \
             bytes which are not text survive.",
            "`stream.try_clone()` gives a second handle to the same socket: one thread \
             can `write_all` on it while the other reads.",
            "`std::thread::scope` lets the sending thread borrow the message: \
             `scope.spawn(move || sender.write_all(message))`, read in the current \
             thread, then `join` the sender and report its error too.",
        ],
    },
    Exercise {
        name: "ch3-request-time",
        chapter: &LISTENER,
        title: "Log how long each request took",
        goal: "End each access log line with the time it took to serve the request, in \
               milliseconds: `127.0.0.1:51234 \"GET / HTTP/1.1\" 200 1234 0.42 ms`. The \
               time runs from the moment tiny_http hands us the request until the response \
               is written; a client that reads slowly makes that longer, and the log must \
               show it (tiny_http owns the connections in this stage, so we time requests, \
               not connections). The checks want under 1000 ms for a tiny file, and at \
               least 1000 ms for a client that waits 1.5 s before reading 48 MiB; the rest of \
               the line (client address, request, status) stays as it is.\n\n\
               Work in `crates/step3-pico-tcp/src/main.rs`.",
        hints: &[
            "`std::time::Instant::now()` when `serve` starts, `started.elapsed()` at the \
             end; `as_secs_f64() * 1000.0` is in milliseconds.",
            "The log line is written before `request.respond(response)`, which is where the \
             time goes for a large file and a slow client. Build the line first, log it \
             after `respond` returns.",
        ],
    },
    Exercise {
        name: "ch3-privileged-port",
        chapter: &LISTENER,
        title: "Refuse a privileged port",
        goal: "Ports 1 to 1023 are privileged: on Linux only root may listen on them, so \
               an ordinary user gets \"permission denied\", and root gets the port, which is \
               worse: nobody should run a course server as root (and macOS lets anyone have \
               them). Refuse them before binding, \
               whoever runs the server, with exit code 2 (a usage error) and a message that \
               names the port, the 1024 limit and a port to use instead, such as 8000. Port \
               0 (any free port) and ports from 1024 up work as before.\n\n\
               Work in `crates/step3-pico-tcp/src/main.rs`. The check passes the same way as \
               root (as in CI) and as a user.",
        hints: &[
            "`args.port` is known before `PicoTcpServer::bind` is called: check it there.",
            "`(1..1024).contains(&args.port)` leaves out 0. `return ExitCode::from(2)` \
             after `eprintln!` of the message.",
        ],
    },
    Exercise {
        name: "ch4-thread-pool",
        chapter: &HANDLER,
        title: "Several connections at once, with a pool of threads",
        goal: "Serve up to four connections at the same time with a fixed pool of four \
               threads. A client that connects and sends half a request now holds the whole \
               server for the request timeout; with the pool, two such clients hold two \
               workers and the others are still served. The checks cannot count threads: \
               they see that a third client is answered within 5 s while two hold \
               connections (with `--timeout 30`), that the two are answered once they finish \
               their requests, and that twenty clients at once still get their files.\n\n\
               Work in `crates/step4-pico-http/src/server.rs`. Why a pool and not a thread \
               per connection? A thousand clients would cost a thousand threads.",
        hints: &[
            "A `TcpListener` can be shared by threads: several threads may wait in \
             `accept` on the same socket, and the kernel gives each new connection to \
             one of them.",
            "`std::thread::scope` lets threads borrow `self` and the handler. Move the \
             accept loop into a method and run it in four threads: \
             `thread::scope(|scope| -> ! { for _ in 1..4 { scope.spawn(|| \
             self.accept_forever(handler)); } self.accept_forever(handler) })`.",
        ],
    },
    Exercise {
        name: "ch4-keep-alive",
        chapter: &HANDLER,
        title: "Long-lived connections",
        goal: "HTTP/1.1 connections stay open between requests unless one side says \
               `Connection: close` (RFC 9112 §9.3), so that a browser fetches a page's \
               stylesheet and images without a new handshake each. Serve several requests \
               per connection: leave out `Connection: close` while the connection goes on; \
               close after a request that says `Connection: close`, after an HTTP/1.0 \
               request, after the 100th request (whose response says `Connection: close`), \
               and when the client sends nothing for `--timeout` seconds (not before; with a \
               408 or without a word). The responses that end a connection say \
               `Connection: close`, the others do not. Requests sent back to back in one \
               write (pipelining) are answered in order. Ending the connection after a \
               request with a body (hint 3) is wise but optional: no check sends one.\n\n\
               Work in `crates/step4-pico-http/src/handler.rs` and `response.rs`. Until you \
               also do the thread pool, one idle browser connection now holds this \
               one-at-a-time server for the timeout.",
        hints: &[
            "Turn `exchange` into a loop over requests, and keep the one `Connection` \
             (and its reader) for the whole connection: bytes it has read ahead belong to \
             the next request.",
            "`write_headers` always writes `Connection: close`: give `ResponseWriter` a \
             flag, and give `Connection` a way to restart its deadline before each \
             request, so that the timeout counts from when the wait for the next one starts.",
            "A request with a body (`announces_body`) must end the connection: we never \
             read bodies, so the next request would start in the middle of one.",
        ],
    },
    Exercise {
        name: "ch4-caching",
        chapter: &HANDLER,
        title: "Caching: Last-Modified and 304",
        goal: "Send every file with a `Last-Modified` header, its modification time as an \
               HTTP date (`Sun, 09 Sep 2001 01:46:40 GMT`). When a request carries \
               `If-Modified-Since` with that same date, answer `304 Not Modified` without a \
               body, to GET and to HEAD: the browser still has the file. The date is read \
               for every request, so a changed file gets its new date. An older date, a \
               file changed since the date, or a date that is not a date (`yesterday`, \
               empty, a day without its time) gets the whole file with 200, as now. A date \
               later than the file's is up to you: 200 (exact comparison, as nginx does) or \
               304 (as RFC 9110 §13.1.3 says); no check sends one.\n\n\
               Work in `crates/step4-pico-http/src/handler.rs` and `response.rs`.",
        hints: &[
            "`file.metadata()?.modified()` is the modification time, and \
             `response::http_date` already formats a `SystemTime` as an HTTP date.",
            "Comparing the date strings is enough: a client sends back the date it was \
             given, and nginx compares exactly by default. RFC 9110 §13.1.3 would also \
             answer 304 to a later date: parse the date to do that.",
            "A 304 is the 200's head with another status and no body: `Content-Length` \
             may stay the file's length. `write_response_line` takes any status, \
             `without_body` drops the body, and `write_headers` takes extra fields as \
             `&str` pairs.",
        ],
    },
    Exercise {
        name: "ch4-ranges",
        chapter: &HANDLER,
        title: "Range requests: 206 and 416",
        goal: "Let clients ask for part of a file, as a video player or a resumed download \
               does (RFC 9110 §14). `Range: bytes=0-99` (the first 100 bytes), \
               `bytes=100-` (from byte 100 to the end) and `bytes=-100` (the last 100) are \
               answered `206 Partial Content` with `Content-Range: bytes FIRST-LAST/LENGTH`, \
               `Content-Length` the size of the range and exactly those bytes; an end past \
               the file is cut to the file. A range that starts at or after the end is `416 \
               Range Not Satisfiable` with `Content-Range: bytes */LENGTH`. Anything else \
               in `Range` (`items=0-1`, `bytes=5-2`, `bytes=abc`) is ignored: the whole \
               file, 200, as now. Whole files announce `Accept-Ranges: bytes`. Several \
               ranges in one header are optional: no check sends them.\n\n\
               Work in `crates/step4-pico-http/src/handler.rs` and `response.rs`; \
               `status.rs` needs the two new reason phrases (it is shared: change every \
               copy).",
        hints: &[
            "Parse with `strip_prefix(\"bytes=\")` and `split_once('-')`; return \
             `None` for anything you do not understand, and the file is sent whole.",
            "`file.seek(SeekFrom::Start(first))`, then `write_file(file, last - first + \
             1)`: it already stops after that many bytes.",
        ],
    },
    Exercise {
        name: "ch4-gzip",
        chapter: &HANDLER,
        title: "Compression: gzip when the client accepts it",
        goal: "When `Accept-Encoding` lists `gzip` (and not with `q=0`), send text files \
               (HTML, CSS, JavaScript, JSON, SVG, plain text) gzip-compressed, with \
               `Content-Encoding: gzip` and the compressed size as `Content-Length`. Send \
               `Vary: Accept-Encoding` with them either way, so that caches keep the two \
               versions apart. Without gzip in `Accept-Encoding` (or with `identity`, \
               `gzip;q=0`, `br, deflate`), the file goes as it is. The checks use a 100 KB \
               `.txt` file, which must shrink below a quarter of its size; which other types \
               you compress, and up to what size, is up to you.\n\n\
               Work in `crates/step4-pico-http`. The reference solution adds the `flate2` \
               crate (pure Rust, a few seconds to build): DEFLATE itself is not the point \
               here, the HTTP around it is. The check decompresses with the `gzip` program.",
        hints: &[
            "`flate2 = \"1\"` under `[dependencies]`; then \
             `GzEncoder::new(Vec::new(), Compression::default())`, `io::copy` the file \
             into it and `finish()` gives the bytes.",
            "The length must be known before the head is sent, so compress into memory, \
             and only files up to a few MiB; larger ones go uncompressed. \
             `ResponseWriter::write_body` sends bytes from memory.",
            "`Accept-Encoding: deflate, gzip;q=0.8` accepts gzip; `gzip;q=0` refuses it. \
             Split on `,`, then on `;`.",
        ],
    },
    Exercise {
        name: "ch4-dir-listing",
        chapter: &HANDLER,
        title: "Directory listings",
        goal: "A request for a directory without `index.html` (`GET /img/`) gets an HTML \
               page (`Content-Type: text/html`) listing the directory's entries, each a link \
               to it, subdirectories with a trailing `/`, as `python -m http.server` does. \
               File names are data, not HTML: `a&b.txt` is shown as `a&amp;b.txt` and \
               `<script>.txt` as `&lt;script&gt;.txt`, and a link percent-encodes a space \
               and still leads to its file. A directory with `index.html` still gets it. \
               Order, a link to the parent, sizes and dates are up to you.\n\n\
               Work in `crates/step4-pico-http`. `DocRoot::resolve` refuses directories \
               without an index; you need the directory itself, checked the same way.",
        hints: &[
            "`std::fs::read_dir` lists a directory; `entry.file_type()?.is_dir()` tells \
             directories apart.",
            "Escape `&` first, then `<`, `>`, `\"` and `'` where a name is shown; \
             percent-encode every byte but `A-Z a-z 0-9 - . _ ~` where it is a link.",
            "`docroot.rs` is shared by the three HTTP stages: add a `resolve_directory` \
             next to `resolve` in every copy, with the same checks on each segment.",
        ],
    },
    Exercise {
        name: "ch4-404-page",
        chapter: &HANDLER,
        title: "A custom 404 page",
        goal: "When a file is not found and the served directory has a `404.html`, send \
               that page as the body of the 404 (with `Content-Type: text/html; \
               charset=utf-8`), so that a lost visitor sees the site's look and links; a \
               directory without an index is not found too, and HEAD gets the page's \
               `Content-Length` without the body. Without `404.html`, the built-in page \
               stays. Other errors (403, 405...) keep their pages.\n\n\
               Work in `crates/step4-pico-http/src/handler.rs`. Write a `www/404.html` to \
               see yours in the browser.",
        hints: &[
            "Both ways to a 404 (the `Refusal::NotFound` of `resolve`, and a file that \
             cannot be opened) end in `validate_path`'s `Err`: look there for a 404.",
            "`send_error` writes the built-in page; `write_response_line(404)`, \
             `write_headers` and `write_file` send a file with any status.",
        ],
    },
    Exercise {
        name: "bug-traversal",
        chapter: &BUG_HUNT,
        title: "Bug 1: path traversal",
        goal: "`crates/bughunt/src/traversal.rs` joins the request target onto the served \
               directory as the article does. Write a request that makes it send a file \
               from outside `www/` (one that is not empty) into `EXPOSING_REQUEST`, then fix \
               `handle` so that it answers 400, 403 or 404 to it and to every other way up \
               (`/sub/../../secret.txt`, `/./../secret.txt`), and still serves the files inside.",
        hints: &[
            "`..` in a path means the parent directory, and `www/` has a parent: the \
             workspace, with its `Cargo.toml`.",
            "`curl` cleans `..` out of URLs before sending them: use `curl --path-as-is` \
             or `nc`.",
            "Refuse any target with a `..` segment; do not try to clean it up. Step 4's \
             `docroot.rs` shows the full treatment.",
        ],
    },
    Exercise {
        name: "bug-crash",
        chapter: &BUG_HUNT,
        title: "Bug 2: a malformed request line",
        goal: "`crates/bughunt/src/crash.rs` takes `request_line.split(' ')` and indexes \
               `[1]`, as the article does. Write a request that takes the whole server down \
               into `EXPOSING_REQUEST`, then fix `handle` so that it answers 400 Bad Request \
               to it and to every request line without a target (`GET`, an empty line, \
               `HELLO`, also with bare `\\n` line ends), and the server goes on serving.",
        hints: &[
            "What does `split(' ')` give for a line without a space?",
            "A panic on the server's only thread ends the program. \
             `let (Some(method), Some(target)) = (parts.next(), parts.next()) else { ... }` \
             cannot panic.",
        ],
    },
    Exercise {
        name: "bug-idle",
        chapter: &BUG_HUNT,
        title: "Bug 3: one idle client blocks everyone",
        goal: "`crates/bughunt/src/idle.rs` reads the request with no timeout, one \
               connection at a time, as the article does. Write what an idle client sends \
               before it stops into `EXPOSING_REQUEST` (try it: `nc 127.0.0.1 8000`, type a \
               line, wait, and `curl` from another terminal): a head without its ending empty \
               line. Then fix `handle` so that the idle client is dropped within 10 seconds \
               (with a 408 or without a word) and the next one gets its page meanwhile.",
        hints: &[
            "The handler reads until the empty line that ends a head. What if it never \
             comes?",
            "`stream.set_read_timeout(Some(TIMEOUT))` makes a waiting `read` fail after \
             `TIMEOUT`; the error ends this connection and `serve_forever` goes on.",
        ],
    },
];

/// Every chapter that has exercises, in the order of the book.
pub(crate) const CHAPTERS: [&Chapter; 4] = [&SOCKETS, &LISTENER, &HANDLER, &BUG_HUNT];

/// The exercise called `name`.
pub(crate) fn find(name: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|e| e.name == name)
}
