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
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::LazyLock;
use std::time::Duration;

use anyhow::Result;
use regex_lite::Regex;

use super::send::{escape, unescape};
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
        Probe {
            label: label.to_string(),
            raw: raw.as_bytes().to_vec(),
        }
    }

    /// `METHOD PATH` as a browser sends it, labelled so.
    fn request(method: &str, path: &str) -> Probe {
        let label = format!("{method} {path}");
        Probe::new(
            &label,
            &format!("{label} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        )
    }
}

/// The default requests: what a browser sends, what the policy refuses, and
/// three heads a browser would not send.
fn default_probes() -> Vec<Probe> {
    let mut probes: Vec<Probe> = [
        "/",
        "HEAD /",
        "/style.css",
        "/about",
        "/missing",
        "POST /",
        "DELETE /",
        "/../Cargo.toml",
    ]
    .iter()
    .map(|target| {
        let (method, path) = target.split_once(' ').unwrap_or(("GET", target));
        Probe::request(method, path)
    })
    .collect();
    // RFC 9112 §2.2 lets a server skip one empty line before the request
    // line; the second one is where the request line should be.
    probes.push(Probe::new("empty request line", "\r\n\r\n"));
    // RFC 9112 §2.2 also says a server may accept a bare LF as a line ending.
    probes.push(Probe::new(
        "GET / with bare \\n line endings",
        "GET / HTTP/1.1\nHost: localhost\n\n",
    ));
    // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without
    // Host. Which stages do?
    probes.push(Probe::new("GET / without Host", "GET / HTTP/1.1\r\n\r\n"));
    probes
}

#[derive(Debug, Default)]
struct Options {
    probes: Vec<Probe>,
    raw: bool,
    python: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        probes: default_probes(),
        raw: false,
        python: true,
    };
    let mut only = false;
    let defaults = options.probes.len();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only = true,
            "--raw" => options.raw = true,
            "--no-python" => options.python = false,
            "--request" => {
                let raw = args
                    .next()
                    .ok_or("--request needs the raw request, e.g. 'GET / HTTP/1.0\\r\\n\\r\\n'")?;
                let bytes = unescape(raw)?;
                let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
                let label = escape(first_line.strip_suffix(b"\r").unwrap_or(first_line));
                options.probes.push(Probe {
                    label: format!("--request {label}"),
                    raw: bytes,
                });
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option '{flag}'")),
            path => options.probes.push(Probe::request("GET", path)),
        }
    }
    if only {
        options.probes.drain(..defaults);
        if options.probes.is_empty() {
            return Err("--only needs a PATH or a --request to send".to_string());
        }
    }
    Ok(options)
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
        match Running::python(&www, None)? {
            Some(python) => servers.push(("python".to_string(), python)),
            None => notes
                .push("python3 is not on the PATH: comparing steps 1, 3 and 4 only.".to_string()),
        }
    }
    for stage in stages::http_stages() {
        let running = Running::stage(stage, &www, &[], Profile::Debug, None)?;
        servers.push((format!("step {}", stage.number), running));
    }

    let addresses: Vec<SocketAddr> = servers.iter().map(|(_, running)| running.address).collect();
    let results = ask_all(&addresses, &options.probes);
    let names: Vec<String> = servers.iter().map(|(name, _)| name.clone()).collect();
    // Stop the servers before printing: nothing more to ask them.
    drop(servers);

    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let text = if options.raw {
        render_raw(&names, &options.probes, &results)
    } else {
        render(&names, &options.probes, &results, &notes, colour)
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// The header line saying which stages run: compare has to build and run
/// them, so it runs the working copy, and names the stage files that differ
/// from the committed ones (`book transcripts` shows the clean form).
pub(crate) fn working_copy_note() -> String {
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
        probes
            .iter()
            .map(|p| exchange(p).map_err(|e| format!("{e:#}")))
            .collect()
    };
    let panicked = || vec![Err("the probe thread panicked".into()); probes.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = addresses
            .iter()
            .map(|a| scope.spawn(move || ask(*a)))
            .collect();
        let joined = workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| panicked()));
        joined.collect()
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
        if exchange.response.is_empty() {
            let status = if exchange.closed {
                "(closed without a response)".to_string()
            } else {
                format!("(no response within {})", spelled(TIMEOUT))
            };
            return without_response(status, connection);
        }
        let head = exchange.head();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap_or_default().to_string();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_string(), mask(name, value.trim())))
            .collect();
        let body = exchange.body();
        let body = if body.is_empty() {
            "no body".to_string()
        } else {
            format!("{} bytes fnv1a {:08x}", body.len(), fnv1a(body))
        };
        Answer {
            status,
            headers,
            body,
            connection,
        }
    }

    /// The value of a field that [`differences`] names; a header's is masked
    /// and matched case-insensitively.
    fn field(&self, field: &str) -> Option<&str> {
        match field {
            "status" => Some(&self.status),
            "body" => Some(&self.body),
            "connection" => Some(self.connection),
            _ => {
                let name = field.strip_prefix("header ")?;
                let mut headers = self.headers.iter();
                headers
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            }
        }
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

/// The report: one block per probe, one row per server, then what differs
/// between the Rust stages.
fn render(
    names: &[String],
    probes: &[Probe],
    results: &[Vec<Result<Exchange, String>>],
    notes: &[String],
    colour: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "The same requests to {}, all serving www/.",
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
    let status_width = results
        .iter()
        .flatten()
        .map(|result| Answer::of(result).status.len())
        .filter(|len| *len <= 30)
        .max()
        .unwrap_or(0);
    for (index, probe) in probes.iter().enumerate() {
        let answers: Vec<Answer> = results
            .iter()
            .map(|per_server| Answer::of(&per_server[index]))
            .collect();
        let _ = writeln!(
            out,
            "\n{}    {}",
            bold(&probe.label, colour),
            escape(&probe.raw)
        );
        out.push_str(&render_probe(names, &answers, status_width, colour));
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
        let is_step = name.starts_with("step");
        let flag = |field: &str, text: &str| {
            highlight(
                text,
                colour && is_step && differences.iter().any(|d| d == field),
            )
        };
        let _ = writeln!(
            out,
            "  {name:<6}  {}  {}  {}",
            flag("status", &format!("{:<status_width$}", answer.status)),
            flag("body", &format!("{:<24}", answer.body)),
            flag("connection", answer.connection),
        );
        let headers: Vec<String> = answer
            .headers
            .iter()
            .map(|(n, v)| {
                flag(
                    &format!("header {}", n.to_ascii_lowercase()),
                    &format!("{n}: {v}"),
                )
            })
            .collect();
        for line in wrap(&headers, " | ", WIDTH - 10) {
            let _ = writeln!(out, "          {line}");
        }
    }
    let verdict = verdict(&steps);
    let _ = writeln!(
        out,
        "{}",
        highlight(&verdict, colour && !differences.is_empty())
    );
    out
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
    let between = |group: &[(&str, &Answer)], other: &[(&str, &Answer)]| {
        let pair = [group[0].1, other[0].1];
        let found = differences(&pair);
        let shown: Vec<String> = found.iter().map(|d| display_difference(d, &pair)).collect();
        shown.join(", ")
    };
    match groups.as_slice() {
        [] => String::new(),
        [all] => format!("  = {}: the same answer", named(all)),
        _ if groups.iter().all(|g| g.len() == 1) => {
            let all: Vec<&Answer> = steps.iter().map(|(_, a)| *a).collect();
            let shown: Vec<String> = differences(&all)
                .iter()
                .map(|d| display_difference(d, &all))
                .collect();
            format!("  ≠ {} all differ: {}", named(steps), shown.join(", "))
        }
        _ => {
            groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
            let (main, others) = groups.split_first().unwrap_or((&groups[0], &[]));
            let rest: Vec<String> = others
                .iter()
                .map(|g| {
                    let verb = if g.len() == 1 { "differs" } else { "differ" };
                    format!("{} {verb}: {}", named(g), between(g, main))
                })
                .collect();
            format!("  ≠ {} agree; {}", named(main), rest.join("; "))
        }
    }
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

/// The fields (`status`, `body`, `connection`, `header NAME`) in which the
/// answers are not all the same.
fn differences(answers: &[&Answer]) -> Vec<String> {
    let Some(first) = answers.first() else {
        return vec![];
    };
    let mut fields: Vec<String> = ["status", "body", "connection"].map(String::from).into();
    for (name, _) in answers.iter().flat_map(|a| &a.headers) {
        let field = format!("header {}", name.to_ascii_lowercase());
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    fields.retain(|f| answers.iter().any(|a| a.field(f) != first.field(f)));
    fields
}

/// A difference as the reader sees it: `who closes`, or a header's name as
/// the servers spelled it (`Content-Type header`).
fn display_difference(field: &str, answers: &[&Answer]) -> String {
    match field.strip_prefix("header ") {
        Some(name) => {
            let spelled = answers
                .iter()
                .flat_map(|a| &a.headers)
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map_or(name, |(n, _)| n.as_str());
            format!("{spelled} header")
        }
        None if field == "connection" => "who closes".to_string(),
        None => field.to_string(),
    }
}

/// Joins `items` with `separator` into lines no wider than `width`.
pub(crate) fn wrap(items: &[String], separator: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && visible_len(&line) + separator.len() + visible_len(item) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(separator);
        }
        line.push_str(item);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Length without ANSI colour codes.
fn visible_len(text: &str) -> usize {
    static COLOUR: LazyLock<Regex> = LazyLock::new(|| pattern("\x1b\\[[0-9;]*m"));
    COLOUR.replace_all(text, "").chars().count()
}

fn highlight(text: &str, on: bool) -> String {
    if on {
        format!("\x1b[1;33m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn bold(text: &str, on: bool) -> String {
    if on {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_string()
    }
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
            match &per_server[index] {
                Ok(exchange) => {
                    let head_end = exchange.response.len() - exchange.body().len();
                    let shown = head_end + exchange.body().len().min(RAW_BODY);
                    let mut text = escape(&exchange.response[..shown]).replace("\\n", "\\n\n    ");
                    if shown < exchange.response.len() {
                        let _ =
                            write!(text, "... ({} more bytes)", exchange.response.len() - shown);
                    }
                    let state = if exchange.closed { "closed" } else { "open" };
                    let _ = writeln!(out, "--- {name} ({state})\n    {}", text.trim_end());
                }
                Err(error) => {
                    let _ = writeln!(out, "--- {name}: {error}");
                }
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
