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
#[derive(Debug, Clone)]
struct Probe {
    label: String,
    raw: Vec<u8>,
}

impl Probe {
    fn new(label: &str, raw: &str) -> Probe {
        let (label, raw) = (label.to_string(), raw.as_bytes().to_vec());
        Probe { label, raw }
    }

    /// `METHOD PATH` (the label) as a browser sends it.
    fn request(label: &str) -> Probe {
        Probe::new(
            label,
            &format!("{label} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        )
    }
}

/// The default requests: what a browser sends, what the policy refuses, and
/// three heads a browser would not send.
fn default_probes() -> Vec<Probe> {
    let browser = "GET /, HEAD /, GET /style.css, GET /about, GET /missing, POST /, DELETE /, \
                   GET /../Cargo.toml";
    let mut probes: Vec<Probe> = browser.split(", ").map(Probe::request).collect();
    probes.extend([
        // RFC 9112 §2.2 lets a server skip one empty line before the request
        // line; the second one is where the request line should be.
        Probe::new("empty request line", "\r\n\r\n"),
        // RFC 9112 §2.2 also says a server may accept a bare LF as a line ending.
        Probe::new(
            "GET / with bare \\n line endings",
            "GET / HTTP/1.1\nHost: localhost\n\n",
        ),
        // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request
        // without Host. Which stages do?
        Probe::new("GET / without Host", "GET / HTTP/1.1\r\n\r\n"),
    ]);
    probes
}

#[derive(Debug)]
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
                let bytes = unescape(text)?;
                let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
                let label = escape(first_line.strip_suffix(b"\r").unwrap_or(first_line));
                let label = format!("--request {label}");
                probes.push(Probe { label, raw: bytes });
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option '{flag}'")),
            path => probes.push(Probe::request(&format!("GET {path}"))),
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
    let mut servers = Vec::new();
    let mut notes = vec![working_copy_note()];
    if options.python {
        match Running::python(&www, Stdio::null())? {
            Some(python) => servers.push(("python".to_string(), python)),
            None => notes
                .push("python3 is not on the PATH: comparing steps 1, 3 and 4 only.".to_string()),
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
    let text = if options.raw {
        render_raw(&names, &options.probes, &results)
    } else {
        render(&names, &options.probes, &results, &notes)
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// The header line saying which stages run: compare has to build and run
/// them, so it runs the working copy, and names the stage files that differ
/// from the committed ones (`book transcripts` shows the clean form).
fn working_copy_note() -> String {
    let stages: Vec<_> = stages::http_stages().collect();
    match super::diff::modified_files(&stages).as_slice() {
        [] => "Stages: your working copy, the same as committed (git HEAD).".to_string(),
        files => format!(
            "Stages: your working copy; changed since git HEAD: {} (git stash to compare \
             the committed stages).",
            files.join(", ")
        ),
    }
}

/// What each server answered to each probe: `results[server][probe]`. The
/// servers are asked in parallel, each one probe after the other.
fn ask_all(addresses: &[SocketAddr], probes: &[Probe]) -> Vec<Vec<Result<Exchange, String>>> {
    let ask = |address| -> Vec<_> {
        let exchange = |probe: &Probe| stages::exchange(address, &probe.raw, TIMEOUT, LINGER);
        let results = probes.iter().map(exchange);
        results
            .map(|result| result.map_err(|e| format!("{e:#}")))
            .collect()
    };
    let panicked = || vec![Err("the probe thread panicked".into()); probes.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = addresses
            .iter()
            .map(|a| scope.spawn(move || ask(*a)))
            .collect();
        let joined = workers.into_iter().map(|w| w.join());
        joined
            .map(|answers| answers.unwrap_or_else(|_| panicked()))
            .collect()
    })
}

/// One server's answer, reduced to what the report shows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    /// The status line, or a sentence saying why there is none.
    status: String,
    /// `Name: value` with varying values masked.
    headers: Vec<(String, String)>,
    body: String,
    connection: &'static str,
}

impl Answer {
    fn of(result: &Result<Exchange, String>) -> Answer {
        let without_response = |status: String, connection| Answer {
            status,
            headers: vec![],
            body: String::new(),
            connection,
        };
        let exchange = match result {
            Ok(exchange) => exchange,
            Err(error) => return without_response(format!("(error: {error})"), ""),
        };
        let connection = if exchange.closed { "closed" } else { "open" };
        if exchange.response.is_empty() && exchange.closed {
            return without_response("(closed without a response)".into(), connection);
        } else if exchange.response.is_empty() {
            let status = format!("(no response within {})", spelled(TIMEOUT));
            return without_response(status, connection);
        }
        let head = exchange.head();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap_or_default().to_string();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_string(), mask(name, value.trim())))
            .collect();
        let body = match exchange.body() {
            [] => "no body".to_string(),
            body => format!("{} bytes fnv1a {:08x}", body.len(), fnv1a(body)),
        };
        Answer {
            status,
            headers,
            body,
            connection,
        }
    }

    /// The answer as `(field, value)` pairs, each field named as the verdict
    /// names it: `status`, `body`, `who closes`, `Server header`...
    fn fields(&self) -> Vec<(String, &str)> {
        let mut fields = vec![
            ("status".to_string(), self.status.as_str()),
            ("body".to_string(), self.body.as_str()),
            ("who closes".to_string(), self.connection),
        ];
        let headers = self.headers.iter();
        fields.extend(headers.map(|(name, value)| (format!("{name} header"), value.as_str())));
        fields
    }
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
    let all: Vec<Vec<(String, &str)>> = answers.iter().map(|a| a.fields()).collect();
    let value = |fields: &[(String, &str)], name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_string())
    };
    let mut names: Vec<String> = Vec::new();
    for (name, _) in all.iter().flatten() {
        let differs = all.iter().any(|f| value(f, name) != value(&all[0], name));
        if differs && !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
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
fn render(
    names: &[String],
    probes: &[Probe],
    results: &[Vec<Result<Exchange, String>>],
    notes: &[String],
) -> String {
    let colour = super::colour();
    let mut out = format!(
        "The same requests to {}, all serving www/.\n",
        names.join(", ")
    );
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
        .map(|index| results.iter().map(|r| Answer::of(&r[index])).collect())
        .collect();
    let statuses = answers.iter().flatten().map(|answer| answer.status.len());
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
    let step_answers: Vec<&Answer> = steps.iter().map(|(_, answer)| *answer).collect();
    let differences = differences(&step_answers);
    let mut out = String::new();
    for (name, answer) in names.iter().zip(answers) {
        // The flags mark where the steps differ, so python's row has none.
        let flagged = colour && name.starts_with("step");
        let flag = |field: &str, text: &str| {
            let differs = differences.iter().any(|d| d == field);
            ansi("1;33", text, flagged && differs)
        };
        let _ = writeln!(
            out,
            "  {name:<6}  {}  {}  {}",
            flag("status", &format!("{:<status_width$}", answer.status)),
            flag("body", &format!("{:<24}", answer.body)),
            flag("who closes", answer.connection),
        );
        let headers: Vec<String> = answer
            .headers
            .iter()
            .map(|(n, v)| flag(&format!("{n} header"), &format!("{n}: {v}")))
            .collect();
        for line in wrap(&headers, " | ", WIDTH - 10) {
            let _ = writeln!(out, "          {line}");
        }
    }
    let verdict = ansi("1;33", &verdict(&steps), colour && !differences.is_empty());
    let _ = writeln!(out, "{verdict}");
    out
}

/// `--raw`: each request and every response, byte for byte, `\r\n` visible.
fn render_raw(
    names: &[String],
    probes: &[Probe],
    results: &[Vec<Result<Exchange, String>>],
) -> String {
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
