//! `just compare [PATH ...]`: the same requests to every HTTP stage, side by side.
//!
//! Starts steps 1, 3 and 4 (and `python3 -m http.server`, the article's
//! starting point, when `python3` is on the PATH) on free ports serving `www/`,
//! sends each the same raw requests over new connections, and prints one block
//! per request with a row per server: the status line, the headers, the body's
//! length and digest, and whether the server closed the connection. Values
//! that change from run to run are masked, so the same tree gives the same
//! output: the book shows it and a test checks it.
//!
//! Every server is a [`Running`], killed when dropped: on success, on error,
//! and on Ctrl-C too, since the terminal sends SIGINT to the servers as well
//! (they run in our process group).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::{ExitCode, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use anyhow::Result;
use regex_lite::Regex;

use super::send::{escape, unescape};
use super::{ansi, wrap};
use crate::pattern;
use crate::stages::{self, Exchange, Profile, Running};

const USAGE: &str = "\
usage: just compare [PATH ...] [--request 'RAW'] [--only] [--raw] [--no-python]

  PATH             also send `GET PATH`
  --request 'RAW'  also send RAW as it is; write \\r\\n for CRLF (and \\n, \\t, \\\\, \\xNN)
  --only           send only the PATHs and --requests, not the default set
  --raw            print every response byte for byte, \\r\\n visible, nothing masked
  --no-python      leave python3 -m http.server out";

/// Longest wait for a byte of a response. Generous, so that a busy machine
/// does not turn a slow answer into "no response".
const TIMEOUT: Duration = Duration::from_secs(2);
/// How long after a response we watch whether the server closes the
/// connection: the servers that close do so at once.
const LINGER: Duration = Duration::from_millis(500);
/// Widest a headers line gets before it wraps.
const WIDTH: usize = 100;
/// Most body bytes `--raw` prints.
const RAW_BODY: usize = 160;

/// One request to send to every server.
struct Probe {
    label: String,
    raw: Vec<u8>,
}

fn probe(label: &str, raw: &str) -> Probe {
    let (label, raw) = (label.to_string(), raw.as_bytes().to_vec());
    Probe { label, raw }
}

/// `METHOD PATH` (the label) as a browser sends it.
fn browser(label: &str) -> Probe {
    let raw = format!("{label} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    probe(label, &raw)
}

/// The default requests: what a browser sends, what the policy refuses, and
/// three heads a browser would not send.
fn default_probes() -> Vec<Probe> {
    let browsers = "GET /, HEAD /, GET /style.css, GET /about, GET /missing, POST /, DELETE /, \
                    GET /../Cargo.toml";
    let mut probes: Vec<Probe> = browsers.split(", ").map(browser).collect();
    probes.extend([
        // RFC 9112 §2.2 lets a server skip one empty line before the request
        // line; the second one is where the request line should be.
        probe("empty request line", "\r\n\r\n"),
        // RFC 9112 §2.2 also says a server may accept a bare LF as a line ending.
        probe(
            "GET / with bare \\n line endings",
            "GET / HTTP/1.1\nHost: localhost\n\n",
        ),
        // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request
        // without Host. Which stages do?
        probe("GET / without Host", "GET / HTTP/1.1\r\n\r\n"),
    ]);
    probes
}

struct Options {
    probes: Vec<Probe>,
    raw: bool,
    python: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let (mut probes, mut only, mut raw, mut python) = (Vec::new(), false, false, true);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only = true,
            "--raw" => raw = true,
            "--no-python" => python = false,
            "--request" => {
                let text = args
                    .next()
                    .ok_or("--request needs the raw request, e.g. 'GET / HTTP/1.0\\r\\n\\r\\n'")?;
                let raw = unescape(text)?;
                let first_line = raw.split(|b| *b == b'\n').next().unwrap_or_default();
                let first_line = escape(first_line.strip_suffix(b"\r").unwrap_or(first_line));
                let label = format!("--request {first_line}");
                probes.push(Probe { label, raw });
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option '{flag}'")),
            path => probes.push(browser(&format!("GET {path}"))),
        }
    }
    if only && probes.is_empty() {
        return Err("--only needs a PATH or a --request to send".to_string());
    }
    if !only {
        probes.splice(0..0, default_probes());
    }
    Ok(Options {
        probes,
        raw,
        python,
    })
}

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    if crate::help(args, USAGE) {
        return Ok(ExitCode::SUCCESS);
    }
    let options = match parse(args) {
        Ok(options) => options,
        Err(problem) => return Ok(crate::usage_error(&problem, USAGE)),
    };
    let packages: Vec<&str> = stages::http_stages().map(|s| s.package).collect();
    stages::build(&packages, Profile::Debug)?;
    let www = stages::www();
    let (mut servers, mut notes) = (Vec::new(), vec![working_copy_note()]);
    if options.python {
        match Running::python(&www, Stdio::null())? {
            Some(python) => servers.push(("python".to_string(), python)),
            None => {
                notes.push("python3 is not on the PATH: comparing steps 1, 3 and 4 only.".into())
            }
        }
    }
    for stage in stages::http_stages() {
        let running = Running::stage(stage, &www, Profile::Debug, Stdio::null())?;
        servers.push((format!("step {}", stage.number), running));
    }
    let addresses: Vec<SocketAddr> = servers.iter().map(|(_, running)| running.address).collect();
    let results = ask_all(&addresses, &options.probes);
    // Stop the servers before printing: nothing more to ask them.
    let names: Vec<String> = servers.into_iter().map(|(name, _)| name).collect();
    if options.raw {
        print!("{}", render_raw(&names, &options.probes, &results));
    } else {
        print!("{}", render(&names, &options.probes, &results, &notes));
    }
    Ok(ExitCode::SUCCESS)
}

/// The header line saying which stages run: compare has to build and run
/// them, so it runs the working copy, and names the stage files that differ
/// from the committed ones (`book transcripts` shows the clean form).
fn working_copy_note() -> String {
    let stages: Vec<_> = stages::http_stages().collect();
    note_on_changes(&super::diff::modified_files(&stages))
}

/// [`working_copy_note`] for the stage files changed since git HEAD.
fn note_on_changes(files: &[String]) -> String {
    if files.is_empty() {
        return "Stages: your working copy, the same as committed (git HEAD).".to_string();
    }
    format!(
        "Stages: your working copy; changed since git HEAD: {} (to compare the committed \
         stages: git stash, just compare, then git stash pop to take your changes back).",
        files.join(", ")
    )
}

/// What each server answered to each probe: `results[server][probe]`.
type Results = Vec<Vec<Result<Exchange, String>>>;

/// Asks the servers in parallel, each one probe after the other.
fn ask_all(addresses: &[SocketAddr], probes: &[Probe]) -> Results {
    let ask = |address| -> Vec<_> {
        let ask_one = |probe: &Probe| stages::exchange(address, &probe.raw, TIMEOUT, LINGER);
        let results = probes.iter().map(ask_one);
        results
            .map(|result| result.map_err(|e| format!("{e:#}")))
            .collect()
    };
    let panicked = || vec![Err("the probe thread panicked".into()); probes.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = addresses
            .iter()
            .map(|&a| scope.spawn(move || ask(a)))
            .collect();
        let joined = workers.into_iter().map(|worker| worker.join());
        joined
            .map(|answers| answers.unwrap_or_else(|_| panicked()))
            .collect()
    })
}

/// One server's answer as the report shows it: `(field, text)` pairs, each
/// field named as the verdict names it. First `status` (the status line, or a
/// sentence saying why there is none), `body` and `who closes`, then a
/// `Name header` field per header, its text `Name: value` with varying values masked.
type Answer = Vec<(String, String)>;

fn answer(result: &Result<Exchange, String>) -> Answer {
    let exchange = match result {
        Ok(exchange) => exchange,
        Err(error) => return fields(format!("(error: {error})"), "", ""),
    };
    let closes = if exchange.closed { "closed" } else { "open" };
    if exchange.response.is_empty() {
        let why = match exchange.closed {
            true => "(closed without a response)".to_string(),
            false => format!("(no response within {})", spelled(TIMEOUT)),
        };
        return fields(why, "", closes);
    }
    let body = match exchange.body() {
        [] => "no body".to_string(),
        body => format!("{} bytes fnv1a {:08x}", body.len(), fnv1a(body)),
    };
    let head = exchange.head();
    let mut lines = head.split("\r\n");
    let mut answer = fields(lines.next().unwrap_or_default().to_string(), &body, closes);
    for (name, value) in lines.filter_map(|line| line.split_once(':')) {
        let text = format!("{name}: {}", mask(name, value.trim()));
        answer.push((format!("{name} header"), text));
    }
    answer
}

/// The three fields every answer has.
fn fields(status: String, body: &str, closes: &str) -> Answer {
    vec![
        ("status".to_string(), status),
        ("body".to_string(), body.to_string()),
        ("who closes".to_string(), closes.to_string()),
    ]
}

/// A header value with what changes from run to run replaced by `*`: dates,
/// and version numbers in `Server` (Python's differs between machines).
fn mask(name: &str, value: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "date" | "last-modified" | "expires" => "*".to_string(),
        "server" => {
            static VERSION: LazyLock<Regex> = LazyLock::new(|| pattern("/[^ ]*"));
            VERSION.replace_all(value, "/*").into_owned()
        }
        _ => value.to_string(),
    }
}

/// FNV-1a, 32 bits (Fowler, Noll, Vo): a tiny, well-known hash, enough to see
/// at a glance whether two bodies are the same bytes. Not for security.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}

/// A duration in words ("1 second", "300 milliseconds"), which the book's
/// transcripts do not mistake for a timing that varies from run to run.
fn spelled(duration: Duration) -> String {
    match (duration.as_secs(), duration.subsec_millis()) {
        (1, 0) => "1 second".to_string(),
        (secs, 0) => format!("{secs} seconds"),
        _ => format!("{} milliseconds", duration.as_millis()),
    }
}

/// The fields in which the answers are not all the same, in the order the
/// answers show them.
fn differences(answers: &[&Answer]) -> Vec<String> {
    let text = |answer: &Answer, field: &str| answer.iter().find(|(f, _)| f == field).cloned();
    let mut fields: Vec<String> = Vec::new();
    for (field, _) in answers.iter().copied().flatten() {
        let differs = answers
            .iter()
            .any(|a| text(a, field) != text(answers[0], field));
        if differs && !fields.contains(field) {
            fields.push(field.clone());
        }
    }
    fields
}

/// The steps grouped by identical answers: which agree, and what separates
/// each other group from the largest one ("steps 1, 3 agree; step 4
/// differs: who closes, Connection header").
fn verdict(steps: &[(&str, &Answer)]) -> String {
    let mut groups: Vec<Vec<(&str, &Answer)>> = Vec::new();
    for step in steps {
        match groups.iter_mut().find(|g| g[0].1 == step.1) {
            Some(group) => group.push(*step),
            None => groups.push(vec![*step]),
        }
    }
    let named = |group: &[(&str, &Answer)]| {
        let numbers: Vec<&str> = group.iter().map(|(n, _)| *n).collect();
        let noun = if numbers.len() == 1 { "step" } else { "steps" };
        format!("{noun} {}", numbers.join(", "))
    };
    // The largest group first; `sort_by_key` keeps the order of equals.
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    match groups.as_slice() {
        [] => String::new(),
        [all] => format!("  = {}: the same answer", named(all)),
        [main, ..] if main.len() == 1 => {
            let all: Vec<&Answer> = steps.iter().map(|(_, a)| *a).collect();
            let found = differences(&all).join(", ");
            format!("  ≠ {} all differ: {found}", named(steps))
        }
        [main, others @ ..] => {
            let others: Vec<String> = others
                .iter()
                .map(|g| {
                    let verb = if g.len() == 1 { "differs" } else { "differ" };
                    let found = differences(&[g[0].1, main[0].1]).join(", ");
                    format!("{} {verb}: {found}", named(g))
                })
                .collect();
            format!("  ≠ {} agree; {}", named(main), others.join("; "))
        }
    }
}

/// The report: one block per probe, one row per server, then what differs
/// between the Rust stages.
fn render(names: &[String], probes: &[Probe], results: &Results, notes: &[String]) -> String {
    let colour = super::colour();
    let servers = names.join(", ");
    let mut out = format!("The same requests to {servers}, all serving www/.\n");
    for note in notes {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(
        out,
        "Dates and version numbers are masked as *. body: length and FNV-1a (32-bit) digest.\n\
         open/closed: whether the server closed the connection within {} of its response.",
        spelled(LINGER)
    );
    // answers[probe][server]
    let answers: Vec<Vec<Answer>> = (0..probes.len())
        .map(|index| results.iter().map(|r| answer(&r[index])).collect())
        .collect();
    let statuses = answers.iter().flatten().map(|answer| answer[0].1.len());
    let status_width = statuses.filter(|len| *len <= 30).max().unwrap_or(0);
    for (probe, answers) in probes.iter().zip(&answers) {
        let label = ansi("1", &probe.label, colour);
        let _ = writeln!(out, "\n{label}    {}", escape(&probe.raw));
        out.push_str(&render_probe(names, answers, status_width, colour));
    }
    out
}

/// One block of the report: a row per server, then the verdict on the steps.
fn render_probe(names: &[String], answers: &[Answer], status_width: usize, colour: bool) -> String {
    let steps: Vec<(&str, &Answer)> = names
        .iter()
        .zip(answers)
        .filter_map(|(name, answer)| Some((name.strip_prefix("step ")?, answer)))
        .collect();
    let differences = differences(&steps.iter().map(|(_, a)| *a).collect::<Vec<_>>());
    let mut out = String::new();
    for (name, answer) in names.iter().zip(answers) {
        // The flags mark where the steps differ, so python's row has none.
        let flagged = colour && name.starts_with("step");
        let flag = |(field, text): &(String, String), width: usize| {
            let text = format!("{text:<width$}");
            ansi("1;33", &text, flagged && differences.contains(field))
        };
        let (fixed, headers) = answer.split_at(3);
        let row: Vec<String> = fixed
            .iter()
            .zip([status_width, 24, 0])
            .map(|(f, w)| flag(f, w))
            .collect();
        let _ = writeln!(out, "  {name:<6}  {}", row.join("  "));
        let headers: Vec<String> = headers.iter().map(|field| flag(field, 0)).collect();
        for line in wrap(&headers, " | ", WIDTH - 10) {
            let _ = writeln!(out, "          {line}");
        }
    }
    let verdict = ansi("1;33", &verdict(&steps), colour && !differences.is_empty());
    let _ = writeln!(out, "{verdict}");
    out
}

/// `--raw`: each request and every response, byte for byte, `\r\n` visible.
fn render_raw(names: &[String], probes: &[Probe], results: &Results) -> String {
    let mut out = String::new();
    for (index, probe) in probes.iter().enumerate() {
        let _ = writeln!(out, "=== {}\n>>> {}", probe.label, escape(&probe.raw));
        for (name, per_server) in names.iter().zip(results) {
            let exchange = match &per_server[index] {
                Ok(exchange) => exchange,
                Err(error) => {
                    let _ = writeln!(out, "--- {name}: {error}");
                    continue;
                }
            };
            let (response, body) = (&exchange.response, exchange.body().len());
            let shown = response.len() - body + body.min(RAW_BODY);
            let mut text = escape(&response[..shown]).replace("\\n", "\\n\n    ");
            if shown < response.len() {
                let _ = write!(text, "... ({} more bytes)", response.len() - shown);
            }
            let state = if exchange.closed { "closed" } else { "open" };
            let _ = writeln!(out, "--- {name} ({state})\n    {}", text.trim_end());
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
