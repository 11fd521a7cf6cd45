//! `book transcripts`: the terminal sessions the book shows, produced by
//! running them, never typed by hand. `docs/transcripts.txt` lists them, one
//! a line, and explains its three forms; each becomes `docs/src/out/NAME.txt`,
//! whose first line is the command as a reader would type it.
//!
//! Commands run in `bash` at the top of the workspace. Port 8000 in a command
//! is replaced by a free port (and shown as 8000 again; which one is said
//! when it is not 8000 itself), `./target/` by the
//! real target directory, and what changes from run to run is masked.
//! `--check` compares instead and fails when a committed transcript differs
//! (then the fresh ones are left in a temporary directory): CI runs it, so
//! the book never shows output the code no longer prints.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use regex_lite::{Captures, Regex};

use crate::generated::Generated;
use crate::pattern;
use crate::process::Process;
use crate::stages::{self, Profile};

/// The port commands are written with, as `just step4` uses it.
const SHOWN_PORT: u16 = 8000;
/// What a port the kernel chose for a client is shown as.
const SHOWN_CLIENT_PORT: &str = "54321";
/// Every date is shown as the example date of RFC 9110 §5.6.7.
const SHOWN_DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
const SHOWN_ROOT: &str = "/path/to/pico-server";

/// How long a server may take to print its banner (it may be compiled first).
const BANNER_PATIENCE: Duration = Duration::from_secs(300);
/// How long a command may run.
const COMMAND_PATIENCE: Duration = Duration::from_secs(600);
/// How long a server may take to print the `until` line after its client ended.
const UNTIL_PATIENCE: Duration = Duration::from_secs(30);

/// One line of `docs/transcripts.txt`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Transcript {
    pub name: String,
    pub kind: Kind,
}

#[derive(Debug, PartialEq, Eq)]
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
    /// The commands it runs, the one its first line shows first.
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
        let transcript = parse_line(line).with_context(|| format!("line {}", index + 1))?;
        if transcripts.iter().any(|t| t.name == transcript.name) {
            bail!("line {}: '{}' is listed twice", index + 1, transcript.name);
        }
        transcripts.push(transcript);
    }
    Ok(transcripts)
}

fn parse_line(line: &str) -> Result<Transcript> {
    let (name, rest) = line.split_once(':').context("expected 'NAME: COMMAND'")?;
    let name = name.trim().to_string();
    let valid = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    if name.is_empty() || !name.bytes().all(valid) {
        bail!("'{name}' is not a name (a-z, 0-9 and '-')");
    }
    let field = |text: &str| match text.trim() {
        "" => bail!("a command (or the until text) is empty"),
        text => Ok(text.to_string()),
    };
    let kind = if let Some((command, server)) = rest.split_once(" # while: ") {
        let (command, server) = (field(command)?, field(server)?);
        Kind::While { command, server }
    } else if let Some((server, rest)) = rest.split_once(" # serving: ") {
        let (client, until) = (rest.split_once(" # until: "))
            .context("'# serving:' needs '# until: TEXT' after it")?;
        Kind::Serving {
            server: field(server)?,
            client: field(client)?,
            until: field(until)?,
        }
    } else {
        Kind::Plain {
            command: field(rest)?,
        }
    };
    Ok(Transcript { name, kind })
}

/// `just transcripts` (write) or `--check` (compare).
pub(crate) fn run(check: bool) -> Result<ExitCode> {
    let machine = Machine {
        root: stages::workspace_root(),
        target: stages::target_dir(),
        temp: std::env::temp_dir(),
    };
    let list = machine.root.join("docs").join("transcripts.txt");
    let text = std::fs::read_to_string(&list)
        .with_context(|| format!("cannot read {}", list.display()))?;
    let transcripts = parse(&text)?;
    let packages: Vec<&str> = stages::STAGES.iter().map(|s| s.package).collect();
    stages::build(&packages, Profile::Debug)?;
    produce_all(&machine, &transcripts)?.write_or_check(check)
}

/// Runs each transcript that can run here: `docs/src/out/NAME.txt`.
fn produce_all(machine: &Machine, transcripts: &[Transcript]) -> Result<Generated> {
    let (mut files, mut skipped) = (Vec::new(), Vec::new());
    let mut port_said = None;
    for transcript in transcripts {
        let name = &transcript.name;
        if let Some(missing) = missing_tool(transcript) {
            eprintln!(
                "*** SKIPPED: transcript '{name}' needs `{missing}`, which is not installed or not usable here ***"
            );
            skipped.push(format!("{name}.txt"));
            continue;
        }
        // Chosen again for each transcript: someone may start a server meanwhile.
        let port = free_port()?;
        if port_said != Some(port) {
            eprintln!("{}", port_note(port));
            port_said = Some(port);
        }
        let started = Instant::now();
        let text =
            (machine.produce(transcript, port)).with_context(|| format!("transcript '{name}'"))?;
        eprintln!(
            "transcript {name} ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        files.push((format!("{name}.txt"), text));
    }
    Ok(Generated {
        dir: "docs/src/out",
        extension: "txt",
        command: "just transcripts",
        files,
        skipped,
    })
}

/// The first program a transcript needs that cannot be used here.
fn missing_tool(transcript: &Transcript) -> Option<String> {
    let succeeds = |command: &mut Command| command.output().is_ok_and(|o| o.status.success());
    for command in transcript.commands() {
        let mut words = command.split_whitespace();
        let program = words.find(|word| !word.contains('=')).unwrap_or_default();
        if !succeeds(Command::new("bash").args(["-c", &format!("command -v {program}")])) {
            return Some(program.to_string());
        }
        // A container may forbid tracing; then strace exists but cannot work.
        if program == "strace"
            && !succeeds(Command::new("strace").args(["-o", "/dev/null", "true"]))
        {
            return Some("strace (tracing is not permitted here)".to_string());
        }
    }
    None
}

/// Where things are on this machine, to run commands and mask their output.
struct Machine {
    root: PathBuf,
    target: PathBuf,
    temp: PathBuf,
}

impl Machine {
    /// Runs one transcript, with `port` for 8000, and returns its text, masked.
    fn produce(&self, transcript: &Transcript, port: u16) -> Result<String> {
        let prepare = |command: &str| {
            replace_number(command, SHOWN_PORT, &port.to_string())
                .replace("./target/", &format!("{}/", self.target.display()))
        };
        let mut text = format!("$ {}\n", transcript.commands()[0]);
        match &transcript.kind {
            Kind::Plain { command } => text += &run_to_end(&self.root, &prepare(command))?,
            Kind::While { command, server } => {
                let server = start_server(&self.root, &prepare(server))?;
                let output = run_to_end(&self.root, &prepare(command));
                server.stop();
                text += &output?;
            }
            Kind::Serving {
                server,
                client,
                until,
            } => {
                text += &format!("# meanwhile, in a second terminal: {client}\n");
                text += &self.serve(&prepare(server), &prepare(client), until)?;
            }
        }
        Ok(mask(&text, port, self))
    }

    /// What `server` prints while `client` runs, up to the end of the first
    /// line holding `until`: what it prints after that depends on when it
    /// was stopped.
    fn serve(&self, server: &str, client: &str, until: &str) -> Result<String> {
        let mut server = start_server(&self.root, server)?;
        let client = run_to_end(&self.root, client);
        // That line may come a little after the client ended.
        server.wait_for_line(UNTIL_PATIENCE, |line| line.contains(until));
        let output = server.stop();
        let client = client?;
        if client.ends_with("]\n") && client.contains("[exit status") {
            bail!("the client failed:\n{client}");
        }
        match end_of_line_with(&output, until) {
            Some(end) => Ok(output[..end].to_string()),
            None => bail!("the server never printed a line with '{until}':\n{output}"),
        }
    }
}

/// A port nobody listens on right now: 8000 itself when it is free, else the
/// next free one with four digits too, so that byte counts in a transcript
/// (a `Host: 127.0.0.1:8000` header, say) are those of port 8000.
fn free_port() -> Result<u16> {
    (SHOWN_PORT..10_000)
        .find(|port| is_free(*port))
        .map_or_else(
            || Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port()),
            Ok,
        )
}

/// Nobody answers on 127.0.0.1:`port`, and it can be bound. Binding alone is
/// not enough: where `SO_REUSEADDR` lets a socket bind 127.0.0.1 beside one
/// listening on 0.0.0.0 (macOS, the BSDs), a server of ours would take the
/// local connections of someone else's server.
fn is_free(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err()
        && TcpListener::bind(address).is_ok()
}

/// What `just transcripts` says about the port its servers take.
fn port_note(port: u16) -> String {
    if port == SHOWN_PORT {
        format!("Servers listen on port {port}, free here.")
    } else {
        format!(
            "Port {SHOWN_PORT} is in use here (by another server?): servers listen on port \
             {port}, shown as {SHOWN_PORT} in the transcripts."
        )
    }
}

/// Runs `command` to its end and returns what it printed, in whole lines (and
/// its exit status, if not 0, as a last line).
fn run_to_end(root: &Path, command: &str) -> Result<String> {
    let mut process = shell(root, command)?;
    let Some(status) = process.wait_for_end(COMMAND_PATIENCE) else {
        process.stop();
        bail!("`{command}` ran longer than {COMMAND_PATIENCE:?}");
    };
    let mut text = process.text();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !status.success() {
        let code = (status.code()).map_or("a signal".to_string(), |c| c.to_string());
        text.push_str(&format!("[exit status {code}]\n"));
    }
    Ok(text)
}

/// Starts a server and waits for its banner: a complete line starting with
/// `Serving files from` (HTTP stages) or `Listening on` (echo server). Only
/// that line must be complete: under strace, a half-written `accept4(3, `
/// may already follow it while the server waits.
fn start_server(root: &Path, command: &str) -> Result<Process> {
    let mut server = shell(root, command)?;
    let banner =
        |line: &str| line.starts_with("Serving files from") || line.starts_with("Listening on");
    if server.wait_for_line(BANNER_PATIENCE, banner).is_none() {
        bail!("`{command}` printed no banner:\n{}", server.stop());
    }
    Ok(server)
}

/// `bash -c COMMAND` at the top of the workspace, with stderr merged into
/// stdout, in a process group of its own to be stopped with its children.
fn shell(root: &Path, command: &str) -> Result<Process> {
    let mut bash = Command::new("bash");
    bash.arg("-c")
        .arg(format!("exec 2>&1\n{command}"))
        .current_dir(root)
        .env_remove("RUST_LOG")
        .env("CARGO_TERM_COLOR", "never")
        .env("NO_COLOR", "1");
    Process::start_group("bash", bash)
}

/// Where the first complete line holding `text` ends (after its `\n`).
fn end_of_line_with(output: &str, text: &str) -> Option<usize> {
    let mut end = 0;
    output.split_inclusive('\n').find_map(|line| {
        end += line.len();
        (line.ends_with('\n') && line.contains(text)).then_some(end)
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
fn mask(text: &str, port: u16, machine: &Machine) -> String {
    let mut text = text.replace('\r', "");
    text = text.replace(&machine.target.display().to_string(), "./target");
    text = text.replace(&machine.root.display().to_string(), SHOWN_ROOT);
    // `TEMP/anything` becomes `/tmp/...`: names of throw-away files.
    let temp = regex_lite::escape(&machine.temp.join("").display().to_string());
    let temp = pattern(&format!(r#"{temp}[^ \t\n"'),]*"#));
    text = temp.replace_all(&text, "/tmp/...").into_owned();
    text = replace_number(&text, port, &SHOWN_PORT.to_string());
    let lines = text.split_inclusive('\n').filter_map(without_strace_noise);
    lines.map(|line| mask_line(&line)).collect()
}

/// The line, unless it is one of strace's about processes and signals, which
/// depend on timing. strace may report detaching in the middle of an
/// unfinished line: that line ends there.
fn without_strace_noise(line: &str) -> Option<String> {
    static NOISE: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"^(strace: Process|\+\+\+ |--- SIG|\s*<\.\.\. |\s*<detached)"));
    let line = match line.find("strace: Process") {
        Some(at) if at > 0 => format!("{}\n", &line[..at]),
        _ => line.to_string(),
    };
    (!NOISE.is_match(&line)).then_some(line)
}

/// The masks of one line, each a pattern and what its matches become.
static MASKS: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
    let masks = [
        // Process ids.
        (r"\[pid +[0-9]+", "[pid PID"),
        // IMF-fixdate (RFC 9110 §5.6.7).
        (
            r"[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT",
            SHOWN_DATE,
        ),
        // Differs between machines.
        (r"curl/[0-9][0-9.]*", "curl/VERSION"),
        // Timings: `12.3 ms`, `0.52s`, `870µs`.
        (r"\b[0-9]+(\.[0-9]+)?( ?)(ns|µs|us|ms|s)\b", "N$2$3"),
        // compare runs the working copy; the book shows it clean.
        (
            r"^Stages: your working copy; changed since git HEAD: .*",
            "Stages: your working copy, the same as committed (git HEAD).",
        ),
    ];
    masks.map(|(from, to)| (pattern(from), to)).into()
});

fn mask_line(line: &str) -> String {
    static CLIENT_PORT: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(127\.0\.0\.1:|htons\()( *)([0-9]+)"));
    static QUOTED: LazyLock<Regex> = LazyLock::new(|| pattern(r#""[^"]*""#));
    static CUT_DATE: LazyLock<Regex> = LazyLock::new(|| pattern(r#"Date: ([^"]*)"\.\.\."#));
    // 0 asks the kernel for a port; 8000 and 6666 are the ones we type.
    let mut line = CLIENT_PORT
        .replace_all(line, |c: &Captures| match &c[3] {
            "0" | "8000" | "6666" => c[0].to_string(),
            _ => format!("{}{}{SHOWN_CLIENT_PORT}", &c[1], &c[2]),
        })
        .into_owned();
    for (from, to) in MASKS.iter() {
        line = from.replace_all(&line, *to).into_owned();
    }
    if line.contains("SO_RCVTIMEO") {
        // The read timeout is whatever is left of the deadline: it varies.
        line = QUOTED.replace_all(&line, "\"...\"").into_owned();
    }
    // strace shows only the first 32 bytes of a buffer, which may cut a date
    // short: `"HTTP/1.1 200 OK\r\nDate: Tue, 24 N"...`.
    CUT_DATE
        .replace(&line, |c: &Captures| {
            let cut = c[1].len().min(SHOWN_DATE.len());
            format!("Date: {}\"...", &SHOWN_DATE[..cut])
        })
        .into_owned()
}

#[cfg(test)]
mod tests;
