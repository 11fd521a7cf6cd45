//! `book transcripts`: the terminal sessions the book shows, produced by
//! running them, never typed by hand.
//!
//! `docs/transcripts.txt` lists one transcript per line, in one of three forms:
//!
//! ```text
//! NAME: COMMAND                                       what COMMAND prints
//! NAME: COMMAND  # while: SERVER                      same, with SERVER running meanwhile
//! NAME: SERVER  # serving: CLIENT  # until: TEXT      what SERVER prints while CLIENT runs,
//!                                                     up to the first line holding TEXT
//! ```
//!
//! Each becomes `docs/src/out/NAME.txt`, whose first line is `$ COMMAND` (or
//! `$ SERVER`) exactly as a reader would type it in the workspace. Commands run
//! in `bash` at the top of the workspace. Port 8000 in a command is replaced by
//! a free port (and shown as 8000 again), `./target/` by the real target
//! directory. What changes from run to run is masked: dates, ports the kernel
//! picked, timings, process ids, the workspace's and the temporary directory's
//! paths, curl's version.
//!
//! `--check` writes into a temporary directory instead and fails when a
//! committed transcript differs: CI runs it, so the book never shows output the
//! code no longer prints.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::LazyLock;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use regex_lite::{Captures, Regex};

use crate::pattern;
use crate::stages::{self, Profile};

/// The port commands are written with, as `just step4` uses it.
const SHOWN_PORT: u16 = 8000;
/// What a port the kernel chose for a client is shown as.
const SHOWN_CLIENT_PORT: &str = "54321";
/// Every date is shown as the example date of RFC 9110 §5.6.7.
const SHOWN_DATE: &str = "Sun, 06 Nov 1994 08:49:37";
const SHOWN_ROOT: &str = "/path/to/pico-server";

/// How long a server may take to print its banner (it may be compiled first).
const BANNER_PATIENCE: Duration = Duration::from_secs(300);
/// How long a command may run.
const COMMAND_PATIENCE: Duration = Duration::from_secs(600);
/// How long a server may take to print the `until` line after its client ended.
const UNTIL_PATIENCE: Duration = Duration::from_secs(30);

/// One line of `docs/transcripts.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transcript {
    pub name: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// What `command` prints.
    Plain { command: String },
    /// What `command` prints while `server` runs in the background.
    While { command: String, server: String },
    /// What `server` prints while `client` runs, up to a line holding `until`.
    Serving {
        server: String,
        client: String,
        until: String,
    },
}

impl Transcript {
    /// The command the transcript's first line shows.
    fn shown_command(&self) -> &str {
        match &self.kind {
            Kind::Plain { command } | Kind::While { command, .. } => command,
            Kind::Serving { server, .. } => server,
        }
    }

    fn commands(&self) -> Vec<&str> {
        match &self.kind {
            Kind::Plain { command } => vec![command],
            Kind::While { command, server } => vec![command, server],
            Kind::Serving { server, client, .. } => vec![server, client],
        }
    }
}

/// Reads the transcript list: `NAME: COMMAND [# while: ...|# serving: ... # until: ...]`.
pub(crate) fn parse(text: &str) -> Result<Vec<Transcript>> {
    let mut transcripts: Vec<Transcript> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = index + 1;
        let (name, rest) = line
            .split_once(':')
            .with_context(|| format!("line {number}: expected 'NAME: COMMAND'"))?;
        let name = name.trim();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            bail!("line {number}: '{name}' is not a name (a-z, 0-9 and '-')");
        }
        if transcripts.iter().any(|t| t.name == name) {
            bail!("line {number}: '{name}' is listed twice");
        }
        let kind = if let Some((command, server)) = rest.split_once(" # while: ") {
            Kind::While {
                command: command.trim().to_string(),
                server: server.trim().to_string(),
            }
        } else if let Some((server, rest)) = rest.split_once(" # serving: ") {
            let (client, until) = rest.split_once(" # until: ").with_context(|| {
                format!("line {number}: '# serving:' needs '# until: TEXT' after it")
            })?;
            Kind::Serving {
                server: server.trim().to_string(),
                client: client.trim().to_string(),
                until: until.trim().to_string(),
            }
        } else {
            Kind::Plain {
                command: rest.trim().to_string(),
            }
        };
        let transcript = Transcript {
            name: name.to_string(),
            kind,
        };
        if transcript.commands().iter().any(|c| c.is_empty()) {
            bail!("line {number}: a command is empty");
        }
        transcripts.push(transcript);
    }
    Ok(transcripts)
}

/// `just transcripts` (write) or `--check` (compare).
pub(crate) fn run(check: bool) -> Result<ExitCode> {
    let root = stages::workspace_root();
    let list = root.join("docs").join("transcripts.txt");
    let text = std::fs::read_to_string(&list)
        .with_context(|| format!("cannot read {}", list.display()))?;
    let transcripts = parse(&text)?;
    let committed = root.join("docs").join("src").join("out");
    let out = if check {
        std::env::temp_dir().join(format!("pico-transcripts-{}", std::process::id()))
    } else {
        committed.clone()
    };
    std::fs::create_dir_all(&out)?;

    let packages: Vec<&str> = stages::STAGES.iter().map(|s| s.package).collect();
    stages::build(&packages, Profile::Debug)?;
    let context = Machine::new(&root);

    let mut skipped = Vec::new();
    for transcript in &transcripts {
        if let Some(missing) = missing_tool(transcript) {
            eprintln!(
                "*** SKIPPED: transcript '{}' needs `{missing}`, which is not installed or not usable here ***",
                transcript.name
            );
            skipped.push(transcript.name.clone());
            continue;
        }
        let started = Instant::now();
        let text = context
            .produce(transcript)
            .with_context(|| format!("transcript '{}'", transcript.name))?;
        std::fs::write(out.join(format!("{}.txt", transcript.name)), text)?;
        eprintln!(
            "transcript {} ({:.1} s)",
            transcript.name,
            started.elapsed().as_secs_f64()
        );
    }

    let stale = stale_files(&committed, &transcripts)?;
    if !check {
        for path in &stale {
            std::fs::remove_file(path)?;
            eprintln!("removed {} (not in transcripts.txt)", path.display());
        }
        let written = transcripts.len() - skipped.len();
        println!("wrote {written} transcripts to {}", out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let fresh: Vec<&Transcript> = transcripts
        .iter()
        .filter(|t| !skipped.contains(&t.name))
        .collect();
    check_fresh(&out, &committed, &fresh, &stale)
}

/// The `.txt` files of `committed` that no transcript of the list writes.
fn stale_files(committed: &Path, transcripts: &[Transcript]) -> Result<Vec<PathBuf>> {
    let listed = |p: &Path| {
        transcripts
            .iter()
            .any(|t| p.file_stem() == Some(t.name.as_ref()))
    };
    Ok(std::fs::read_dir(committed)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && !listed(p))
        .collect())
}

/// `--check`: the transcripts just written to `out` must be the committed ones.
fn check_fresh(
    out: &Path,
    committed: &Path,
    transcripts: &[&Transcript],
    stale: &[PathBuf],
) -> Result<ExitCode> {
    let mut differences = stale.len();
    for path in stale {
        eprintln!(
            "{}: not listed in docs/transcripts.txt (stale)",
            path.display()
        );
    }
    for transcript in transcripts {
        let file = format!("{}.txt", transcript.name);
        let fresh = std::fs::read_to_string(out.join(&file))?;
        match std::fs::read_to_string(committed.join(&file)) {
            Err(_) => eprintln!("docs/src/out/{file}: missing; run `just transcripts`"),
            Ok(old) if old != fresh => {
                eprintln!("docs/src/out/{file}: out of date; run `just transcripts`");
                report_difference(&old, &fresh);
            }
            Ok(_) => continue,
        }
        differences += 1;
    }
    if differences == 0 {
        let _ = std::fs::remove_dir_all(out);
        println!("transcripts fresh: {} checked", transcripts.len());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{differences} transcript(s) differ; the fresh ones are in {}",
            out.display()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Prints the first line where `old` and `new` part ways.
fn report_difference(old: &str, new: &str) {
    let (old, new): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let first = (0..old.len().max(new.len()))
        .find(|&i| old.get(i) != new.get(i))
        .unwrap_or(0);
    eprintln!("  line {}:", first + 1);
    eprintln!("  - {}", old.get(first).unwrap_or(&"(end of file)"));
    eprintln!("  + {}", new.get(first).unwrap_or(&"(end of file)"));
}

/// The first program a transcript needs that cannot be used here.
fn missing_tool(transcript: &Transcript) -> Option<String> {
    for command in transcript.commands() {
        let program = command
            .split_whitespace()
            .find(|word| !word.contains('='))
            .unwrap_or_default();
        let found = Command::new("bash")
            .args(["-c", &format!("command -v {program}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return Some(program.to_string());
        }
        // A container may forbid tracing; then strace exists but cannot work.
        if program == "strace"
            && !Command::new("strace")
                .args(["-o", "/dev/null", "true"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        {
            return Some("strace (tracing is not permitted here)".to_string());
        }
    }
    None
}

/// Where things are on this machine, to run commands and mask their output.
#[derive(Debug)]
struct Machine {
    root: PathBuf,
    target: PathBuf,
    temp: PathBuf,
}

impl Machine {
    fn new(root: &Path) -> Machine {
        // `join` keeps an absolute CARGO_TARGET_DIR and anchors a relative one.
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| root.join("target"), |dir| root.join(dir));
        Machine {
            root: root.to_path_buf(),
            target,
            temp: std::env::temp_dir(),
        }
    }

    /// Runs one transcript and returns its text, masked.
    fn produce(&self, transcript: &Transcript) -> Result<String> {
        let port = free_port()?;
        let prepare = |command: &str| {
            replace_number(command, SHOWN_PORT, &port.to_string())
                .replace("./target/", &format!("{}/", self.target.display()))
        };
        let mut text = format!("$ {}\n", transcript.shown_command());
        let output = match &transcript.kind {
            Kind::Plain { command } => run_to_end(&self.root, &prepare(command))?,
            Kind::While { command, server } => {
                let server = Background::start(&self.root, &prepare(server))?;
                let output = run_to_end(&self.root, &prepare(command));
                server.stop();
                output?
            }
            Kind::Serving {
                server,
                client,
                until,
            } => {
                text.push_str(&format!("# meanwhile, in a second terminal: {client}\n"));
                let mut server = Background::start(&self.root, &prepare(server))?;
                let client = run_to_end(&self.root, &prepare(client));
                let done = server.output.wait_for(UNTIL_PATIENCE, |bytes| {
                    end_of_line_with(bytes, until).is_some()
                });
                let mut output = server.stop();
                // What the server prints after that line depends on when it
                // was stopped: the transcript ends there.
                if let Some(end) = end_of_line_with(output.as_bytes(), until) {
                    output.truncate(end);
                }
                let client = client?;
                if client.ends_with("]\n") && client.contains("[exit status") {
                    bail!("the client failed:\n{client}");
                }
                if !done {
                    bail!("the server never printed a line with '{until}':\n{output}");
                }
                output
            }
        };
        text.push_str(&output);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(mask(&text, port, self))
    }
}

/// A port nobody listens on right now: 8000 itself when it is free, else the
/// next free one with four digits too, so that byte counts in a transcript
/// (a `Host: 127.0.0.1:8000` header, say) are those of port 8000.
fn free_port() -> Result<u16> {
    (SHOWN_PORT..10_000)
        .find(|port| TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .map_or_else(
            || Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port()),
            Ok,
        )
}

/// `bash -c COMMAND` at the top of the workspace, stderr merged into stdout,
/// in a process group of its own so that it can be stopped with its children.
fn spawn(root: &Path, command: &str) -> Result<Child> {
    let mut bash = Command::new("bash");
    bash.arg("-c")
        .arg(format!("exec 2>&1\n{command}"))
        .current_dir(root)
        .env_remove("RUST_LOG")
        .env("CARGO_TERM_COLOR", "never")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        bash.process_group(0);
    }
    bash.spawn().context("cannot run bash")
}

/// Stops a process group started by `spawn`: TERM, so that strace and cargo
/// pass it on and exit cleanly.
fn stop_group(child: &mut Child, signal: &str) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args([signal, "--", &group])
        .stderr(Stdio::null())
        .status();
}

/// Runs `command` to its end and returns what it printed (and its exit
/// status, if not 0, as a last line).
fn run_to_end(root: &Path, command: &str) -> Result<String> {
    let mut child = spawn(root, command)?;
    let mut output = Output::collect(&mut child)?;
    if !output.wait_for_end(COMMAND_PATIENCE) {
        stop_group(&mut child, "-KILL");
        let _ = child.wait();
        bail!("`{command}` ran longer than {COMMAND_PATIENCE:?}");
    }
    let status = child.wait()?;
    let mut text = output.text();
    if !status.success() {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let code = status
            .code()
            .map_or("a signal".to_string(), |c| c.to_string());
        text.push_str(&format!("[exit status {code}]\n"));
    }
    Ok(text)
}

/// A server running in the background for a transcript.
#[derive(Debug)]
struct Background {
    child: Child,
    output: Output,
}

impl Background {
    /// Starts `command` and waits for its banner: a complete line starting
    /// with `Serving files from` (HTTP stages) or `Listening on` (echo server).
    /// Only that line must be complete: under strace, a half-written
    /// `accept4(3, ` may already follow it while the server waits.
    fn start(root: &Path, command: &str) -> Result<Background> {
        let mut child = spawn(root, command)?;
        let mut output = Output::collect(&mut child)?;
        let ready = output.wait_for(BANNER_PATIENCE, |bytes| {
            let text = String::from_utf8_lossy(bytes);
            text.split_inclusive('\n').any(|line| {
                line.ends_with('\n')
                    && (line.starts_with("Serving files from") || line.starts_with("Listening on"))
            })
        });
        let server = Background { child, output };
        if !ready {
            let printed = server.stop();
            bail!("`{command}` printed no banner:\n{printed}");
        }
        Ok(server)
    }

    /// Stops the server and returns everything it printed.
    fn stop(mut self) -> String {
        stop_group(&mut self.child, "-TERM");
        if !self.output.wait_for_end(Duration::from_secs(10)) {
            stop_group(&mut self.child, "-KILL");
        }
        let _ = self.child.wait();
        self.output.text()
    }
}

/// Everything a child prints so far: a thread reads it and passes each chunk
/// on through a channel, so that waiting for a line can have a deadline.
#[derive(Debug)]
struct Output {
    bytes: Vec<u8>,
    ended: bool,
    chunks: Receiver<Vec<u8>>,
}

impl Output {
    fn collect(child: &mut Child) -> Result<Output> {
        let mut stdout = child.stdout.take().context("no stdout")?;
        let (sender, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut chunk = [0; 8192];
            while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                if sender.send(chunk[..n].to_vec()).is_err() {
                    return;
                }
            }
        });
        Ok(Output {
            bytes: Vec::new(),
            ended: false,
            chunks,
        })
    }

    /// Waits until `ready` holds for the output so far; false if the output
    /// ended or `patience` ran out first.
    fn wait_for(&mut self, patience: Duration, ready: impl Fn(&[u8]) -> bool) -> bool {
        self.wait(patience, |bytes, _| ready(bytes)) && ready(&self.bytes)
    }

    /// Waits until the output has ended (the program and its children exited).
    fn wait_for_end(&mut self, patience: Duration) -> bool {
        self.wait(patience, |_, ended| ended)
    }

    /// Waits until `done` holds or the output ended; false on running out of patience.
    fn wait(&mut self, patience: Duration, done: impl Fn(&[u8], bool) -> bool) -> bool {
        let deadline = Instant::now() + patience;
        while !self.ended && !done(&self.bytes, self.ended) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.bytes.extend(chunk),
                Err(RecvTimeoutError::Disconnected) => self.ended = true,
                Err(RecvTimeoutError::Timeout) => return false,
            }
        }
        true
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Where the first complete line holding `text` ends (after its `\n`).
fn end_of_line_with(bytes: &[u8], text: &str) -> Option<usize> {
    let mut end = 0;
    bytes.split_inclusive(|b| *b == b'\n').find_map(|line| {
        end += line.len();
        let found = line.ends_with(b"\n") && String::from_utf8_lossy(line).contains(text);
        found.then_some(end)
    })
}

/// Replaces `number` where it stands alone (not inside a longer number).
fn replace_number(text: &str, number: u16, with: &str) -> String {
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| pattern("[0-9]+"));
    let needle = number.to_string();
    NUMBER
        .replace_all(text, |c: &Captures| match &c[0] {
            n if n == needle => with.to_string(),
            n => n.to_string(),
        })
        .into_owned()
}

/// Hides what changes from one run (or one machine) to the next.
fn mask(text: &str, port: u16, context: &Machine) -> String {
    let mut text = text.replace('\r', "");
    let target = context.target.display().to_string();
    if !target.is_empty() {
        text = text.replace(&target, "./target");
    }
    text = text.replace(&context.root.display().to_string(), SHOWN_ROOT);
    // `TEMP/anything` becomes `/tmp/...`: names of throw-away files.
    let temp = format!(
        "{}/",
        context.temp.display().to_string().trim_end_matches('/')
    );
    let temp = pattern(&format!(r#"{}[^ \t\n"'),]*"#, regex_lite::escape(&temp)));
    text = temp.replace_all(&text, "/tmp/...").into_owned();
    text = replace_number(&text, port, &SHOWN_PORT.to_string());
    let lines: Vec<String> = text
        .split_inclusive('\n')
        .map(|line| match line.find("strace: Process") {
            // strace reports detaching in the middle of an unfinished line.
            Some(at) if at > 0 => format!("{}\n", &line[..at]),
            _ => line.to_string(),
        })
        .filter(|line| !is_strace_noise(line))
        .map(|line| mask_line(&line))
        .collect();
    lines.concat()
}

/// Lines strace prints about processes and signals, which depend on timing.
fn is_strace_noise(line: &str) -> bool {
    line.starts_with("strace: Process")
        || line.starts_with("+++ ")
        || line.starts_with("--- SIG")
        || line.trim_start().starts_with("<... ")
        || line.trim_start().starts_with("<detached")
}

/// The masks of one line, each a pattern and what its matches become.
static MASKS: LazyLock<Vec<(Regex, String)>> = LazyLock::new(|| {
    [
        // Process ids.
        (r"\[pid +[0-9]+", "[pid PID".to_string()),
        // IMF-fixdate (RFC 9110 §5.6.7), shown as the RFC's example date.
        (
            r"[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT",
            format!("{SHOWN_DATE} GMT"),
        ),
        // Differs between machines.
        (r"curl/[0-9][0-9.]*", "curl/VERSION".to_string()),
        // Timings: `12.3 ms`, `0.52s`, `870µs`.
        (
            r"\b[0-9]+(\.[0-9]+)?( ?)(ns|µs|us|ms|s)\b",
            "N$2$3".to_string(),
        ),
        // compare runs the working copy; the book shows it clean.
        (
            r"^Stages: your working copy; changed since git HEAD: .*",
            "Stages: your working copy, the same as committed (git HEAD).".to_string(),
        ),
    ]
    .into_iter()
    .map(|(from, to)| (pattern(from), to))
    .collect()
});

fn mask_line(line: &str) -> String {
    static CLIENT_PORT: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(127\.0\.0\.1:|htons\()( *)([0-9]+)"));
    static QUOTED: LazyLock<Regex> = LazyLock::new(|| pattern(r#""[^"]*""#));
    // 0 asks the kernel for a port; 8000 and 6666 are the ones we type.
    let mut line = CLIENT_PORT
        .replace_all(line, |c: &Captures| match &c[3] {
            "0" | "8000" | "6666" => c[0].to_string(),
            _ => format!("{}{}{SHOWN_CLIENT_PORT}", &c[1], &c[2]),
        })
        .into_owned();
    for (from, to) in MASKS.iter() {
        line = from.replace_all(&line, to.as_str()).into_owned();
    }
    if line.contains("SO_RCVTIMEO") {
        // The read timeout is whatever is left of the deadline: it varies.
        line = QUOTED.replace_all(&line, "\"...\"").into_owned();
    }
    mask_cut_date(&line)
}

/// strace shows only the first 32 bytes of a buffer, which may cut a date
/// short: `"HTTP/1.1 200 OK\r\nDate: Tue, 24 N"...`.
fn mask_cut_date(line: &str) -> String {
    static CUT: LazyLock<Regex> = LazyLock::new(|| pattern(r#"Date: ([^"]*)"\.\.\."#));
    CUT.replace(line, |c: &Captures| {
        let cut = c[1].len().min(SHOWN_DATE.len());
        format!("Date: {}\"...", &SHOWN_DATE[..cut])
    })
    .into_owned()
}

#[cfg(test)]
mod tests;
