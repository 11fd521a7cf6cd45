//! `just trace N`: the system calls stage N makes to serve one request.
//!
//! Runs the stage under `strace -f` (Linux only), sends it `GET /`, and prints
//! the calls from the first `socket` on, with a legend. What the program does
//! before (the dynamic loader mapping libraries, the standard library reading
//! `/proc/self/maps`) and its writes to the terminal are left out, so that
//! what is left is the article's socket life cycle: `socket`, `setsockopt`,
//! `bind`, `listen`, `accept4`, `recvfrom`, `sendto`, `close`. Step 1 and step 4
//! make nearly the same calls; step 1's come from tiny_http's threads (`-f`
//! follows them), step 4's from one thread, in the order our code makes them.

use std::collections::BTreeMap;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::process::Process;
use crate::stages::{self, Profile, Running, Stage};

const USAGE: &str =
    "usage: just trace N    the system calls of stage N (1, 3 or 4) serving one request";

/// The calls traced: the network ones (`%network`: socket, bind, listen,
/// accept4, recvfrom, sendto, shutdown...), the ones that move bytes through a
/// file descriptor, and thread creation, so that tiny_http's threads show.
const SYSCALLS: &str = "%network,read,write,readv,writev,sendfile,openat,close,fcntl,clone,clone3";

/// The request sent, as a browser would send it (no `Connection: close`: the
/// trace shows who closes).
const REQUEST: &str = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// Longest wait for the server to finish with the connection.
const PATIENCE: Duration = Duration::from_secs(5);

/// What each call is for, in the words of the article's socket life cycle.
const LEGEND: &[(&str, &str)] = &[
    ("socket", "a new TCP endpoint (a file descriptor)"),
    ("setsockopt", "an option, e.g. SO_REUSEADDR or a timeout"),
    ("bind", "claim the address and port"),
    ("listen", "make it a listening socket with an accept queue"),
    ("getsockname", "which port bind got"),
    ("clone3", "start a thread"),
    ("accept4", "take one connection from the queue: a new fd"),
    ("getpeername", "the client's address"),
    ("fcntl", "F_DUPFD: a second fd for the same connection"),
    ("recvfrom", "read request bytes"),
    ("openat", "open the file to serve"),
    ("read", "read from a file (or socket)"),
    ("sendto", "write response bytes"),
    ("write", "write bytes"),
    ("sendfile", "copy a file to the socket in the kernel"),
    ("shutdown", "end one direction of a connection"),
    ("close", "give a file descriptor back"),
];

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    if crate::help(args, USAGE) {
        return Ok(ExitCode::SUCCESS);
    }
    let [number] = args else {
        return Ok(crate::usage_error("expected one stage number", USAGE));
    };
    let stage = match stages::stage(number) {
        Ok(stage) if stage.http => stage,
        Ok(_) => {
            let problem = "step 2 is the echo pair, not an HTTP server: trace 1, 3 or 4";
            return Ok(crate::usage_error(problem, USAGE));
        }
        Err(error) => return Ok(crate::usage_error(&error.to_string(), USAGE)),
    };
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!(
            "error: `just trace` needs strace, a Linux tool that shows the system calls of a program.\n\
             Install it with: sudo apt-get install strace   (Debian, Ubuntu; `dnf install strace` on Fedora)"
        );
        return Ok(ExitCode::FAILURE);
    }
    stages::build(&[stage.package], Profile::Debug)?;
    print!("{}", trace(stage)?);
    Ok(ExitCode::SUCCESS)
}

/// Runs `stage` under strace for one request; returns the report.
fn trace(stage: Stage) -> Result<String> {
    // Kept, not a temporary file: the report names it, for whoever wants
    // every call strace saw, the start-up included.
    let dir = stages::target_dir().join("trace");
    std::fs::create_dir_all(&dir)?;
    let (log, errors) = (dir.join("strace.txt"), dir.join("stderr.txt"));
    let mut strace = Command::new("strace");
    strace
        .args(["-f", "-qq", "-s", "40", "-e", "signal=none", "-e"])
        .arg(format!("trace={SYSCALLS}"))
        .arg("-o")
        .arg(&log)
        .arg("--")
        .arg(stages::binary(stage.package, Profile::Debug))
        .args(stages::SERVE_ARGS)
        .arg(stages::www())
        // The stage's own log (and strace's complaints) go to a file, read
        // back if the stage does not start.
        .stderr(std::fs::File::create(&errors)?);
    let name = format!("step {} under strace", stage.number);
    // Killing strace alone would leave the stage running, detached: the
    // group is killed, strace and the stage with it.
    let process = Process::start_group(&name, strace)?;
    let running = Running::of(&name, process).map_err(|error| {
        let said = std::fs::read_to_string(&errors).unwrap_or_default();
        error.context(format!("strace said: {}", said.trim()))
    })?;
    // Who closes shows in the trace itself: no need to wait for it here.
    let linger = Duration::from_millis(50);
    stages::exchange(running.address, REQUEST.as_bytes(), PATIENCE, linger)?;
    // Wait (bounded) until the server has closed every descriptor of the
    // connection: the trace is then complete.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let calls = calls(&std::fs::read_to_string(&log)?);
        if connection_closed(&calls) || Instant::now() >= deadline {
            let whole = format!("\nThe whole log, start-up included: {}\n", log.display());
            return Ok(render(stage, &calls) + &whole);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One system call as strace printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    /// "main", "thread 1", ...
    thread: String,
    name: String,
    /// Everything after the name: `(args) = result`.
    rest: String,
}

/// The result of a call's `(args) = result`: the first word after the last `= `.
fn result(rest: &str) -> &str {
    let result = rest.rsplit("= ").next().unwrap_or_default();
    result.split(' ').next().unwrap_or_default()
}

/// The first argument of a call's `(args) = result`.
fn first_arg(rest: &str) -> &str {
    let args = rest.trim_start_matches('(');
    args.split([',', ')']).next().unwrap_or_default().trim()
}

/// The calls in strace's log, from the first `socket` on, with the noise
/// removed and threads named in order of appearance.
fn calls(log: &str) -> Vec<Call> {
    let lines = joined(log);
    // strace started the stage, so the log's first line is the stage's.
    let mut threads: Vec<String> = lines.iter().take(1).map(|(pid, _)| pid.clone()).collect();
    let mut thread_name = |pid: &str| {
        let known = threads.iter().position(|known| known == pid);
        let number = known.unwrap_or_else(|| {
            threads.push(pid.to_string());
            threads.len() - 1
        });
        match number {
            0 => "main".to_string(),
            _ => format!("thread {number}"),
        }
    };
    let mut out = Vec::new();
    let mut started = false;
    for (pid, text) in &lines {
        let Some((name, rest)) = text.split_once('(') else {
            continue;
        };
        started |= name == "socket";
        if !started || is_noise(name, rest) {
            continue;
        }
        let thread = thread_name(pid);
        // strace pads the result to a column; one space reads better here.
        let mut rest = match rest.rsplit_once(" = ") {
            Some((call, result)) => format!("({} = {result}", call.trim_end()),
            None => format!("({rest}"),
        };
        if name.starts_with("clone") {
            // The flags say "a thread sharing our memory"; the result is its id.
            rest = format!("(...) = {}", thread_name(result(&rest)));
        }
        let name = name.to_string();
        out.push(Call { thread, name, rest });
    }
    out
}

/// strace's lines as `(pid, call)`, with each call that was interrupted
/// (`<unfinished ...>`, then `<... resumed>`) joined into one. A call still
/// blocked when the log was read (the server back in `accept4`) shows up or
/// not depending on timing: it is left out, and the report says so.
fn joined(log: &str) -> Vec<(String, String)> {
    let mut pending: BTreeMap<&str, &str> = BTreeMap::new();
    let mut joined = Vec::new();
    // The last line is still being written unless the log ends with a newline.
    let whole = log.rsplit_once('\n').map_or("", |(whole, _)| whole);
    for line in whole.lines() {
        let Some((pid, text)) = line.split_once(' ') else {
            continue;
        };
        let text = text.trim_start();
        if let Some(start) = text.strip_suffix(" <unfinished ...>") {
            pending.insert(pid, start);
        } else if let Some(resumed) = text.strip_prefix("<... ") {
            let rest = resumed.split_once("resumed>").map_or("", |(_, rest)| rest);
            let start = pending.remove(pid).unwrap_or_default();
            joined.push((pid.to_string(), format!("{start}{rest}")));
        } else {
            joined.push((pid.to_string(), text.to_string()));
        }
    }
    joined
}

/// Calls that say nothing about the socket life cycle: writes to the terminal
/// (the banner, the log), and the descriptor checks of debug builds.
fn is_noise(name: &str, rest: &str) -> bool {
    let terminal = matches!(first_arg(rest), "0" | "1" | "2");
    match name {
        "read" | "write" | "readv" | "writev" => terminal,
        "fcntl" => rest.contains("F_GETFD") || rest.contains("F_SETFD"),
        _ => false,
    }
}

/// Whether every descriptor of the first accepted connection (and its
/// duplicates) is closed.
fn connection_closed(calls: &[Call]) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut accepted = false;
    for call in calls {
        match call.name.as_str() {
            "accept4" | "accept" if !accepted => {
                accepted = true;
                open.push(result(&call.rest));
            }
            "fcntl" if call.rest.contains("F_DUPFD") && open.contains(&first_arg(&call.rest)) => {
                open.push(result(&call.rest));
            }
            "close" => open.retain(|fd| *fd != first_arg(&call.rest)),
            _ => {}
        }
    }
    accepted && open.is_empty()
}

fn render(stage: Stage, calls: &[Call]) -> String {
    let legend: Vec<String> = LEGEND
        .iter()
        .filter(|(name, _)| calls.iter().any(|call| call.name == *name))
        .map(|(name, meaning)| format!("{name}: {meaning}"))
        .collect();
    // Lines of at most 100 characters, broken between words.
    let legend = format!("Legend: {}.", legend.join("; "));
    let words: Vec<String> = legend.split(' ').map(str::to_string).collect();
    let legend = super::wrap(&words, " ", 100).join("\n");
    let lines: String = calls
        .iter()
        .map(|call| format!("{:<9} {}{}\n", call.thread, call.name, call.rest))
        .collect();
    // Each call's name and count, in order of first appearance.
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for call in calls {
        match counts.iter_mut().find(|(name, _)| *name == call.name) {
            Some((_, count)) => *count += 1,
            None => counts.push((&call.name, 1)),
        }
    }
    let counts: Vec<String> = counts
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    format!(
        "Step {} ({}) serving one request, GET /, under\n  strace -f -e trace={SYSCALLS}\n\
         Left out: the start-up before the first socket() (loading libraries) and writes to the terminal.\n\
         {legend}\n\n{lines}(then the server waits again, in accept4, for the next client)\n\n\
         {} calls: {}\n",
        stage.number,
        stage.package,
        calls.len(),
        counts.join(", ")
    )
}

#[cfg(test)]
mod tests;
