//! `xtask grade-peers`: check-server against servers nobody here wrote
//! (python's http.server, nginx, lighttpd, busybox httpd), whichever are
//! installed, each from a minimal configuration serving `{root}` on `{port}`.
//! The results become the book's page "How real servers score"
//! (`docs/src/real-servers.md`).
//!
//! Each FAIL on those servers must be a true deviation at its level, and
//! `peers/explanations.toml` says why in one line; a re-run keeps them, and
//! lists every FAIL that has none. Not run in CI: it needs those servers, and
//! minutes (like `just bench`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::Process;
use crate::stages::{self, Profile};

const USAGE: &str = "\
usage: cargo run -p xtask -- grade-peers [NAME ...] [--page] [--print]

Grades python, nginx, lighttpd and busybox (those installed; NAME picks some)
with check-server's course profile, keeps each result in target/grade-peers/,
and writes docs/src/real-servers.md from every result kept there (--page: from
the kept results only, grading nothing; --print: print the page instead).
Each FAIL needs its one-line explanation in
crates/xtask/src/course/peers/explanations.toml; those without are listed.";

/// The servers, in the page's order.
const NAMES: [&str; 4] = ["python", "nginx", "lighttpd", "busybox"];

/// The explanations, keyed by server, then by check.
const EXPLANATIONS: &str = include_str!("peers/explanations.toml");

/// The page this writes, under the workspace.
const PAGE: &str = "docs/src/real-servers.md";

/// What every run gets: the whole rubric at the course profile, a fixed
/// seed, and sizes that keep a forking server's run within minutes.
const CHECK_ARGS: [&str; 10] = [
    "--json",
    "--seed",
    "20",
    "--idle-bound",
    "3",
    "--big-mib",
    "16",
    "--requests",
    "500",
    "--deadline=1500",
];

/// How long one server's whole run may take, check-server's deadline and a
/// margin.
const PATIENCE: Duration = Duration::from_secs(1600);

/// A server to grade: how to find it, its version, and its command.
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    pub name: &'static str,
    /// Its version, as it reports it.
    pub version: String,
    /// The shell command check-server starts, with `{port}` and `{root}`.
    pub command: String,
    /// Its configuration file, `@PORT@` and `@ROOT@` to fill in, if any.
    pub config: Option<&'static str>,
}

/// One check's result on one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub check: String,
    pub level: String,
    pub status: String,
}

/// One server's run: its outcomes (none if it never finished) and time.
#[derive(Debug, Clone)]
pub(crate) struct Graded {
    pub peer: Peer,
    pub outcomes: Vec<Outcome>,
    pub seconds: f64,
    /// Why there are no outcomes, when there are none.
    pub trouble: Option<String>,
}

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    if crate::help(args, USAGE) {
        return Ok(ExitCode::SUCCESS);
    }
    let print_only = args.iter().any(|a| a == "--print");
    let names: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let explanations = explanations(EXPLANATIONS)?;
    if !args.iter().any(|a| a == "--page") {
        grade_installed(&names)?;
    }
    let graded: Vec<Graded> = NAMES.into_iter().filter_map(load).collect();
    if graded.is_empty() {
        bail!("no result kept in {}: grade first", kept("").display());
    }
    let unexplained = unexplained(&graded, &explanations);
    let page = render(&graded, &explanations);
    if print_only {
        println!("{page}");
    } else {
        let path = stages::workspace_root().join(PAGE);
        std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {PAGE}");
    }
    for (server, check) in &unexplained {
        eprintln!("FAIL without an explanation: {server} {check} (add it to explanations.toml)");
    }
    Ok(if unexplained.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Grades the installed servers among `names` (all when empty), keeping
/// each result in target/grade-peers/.
fn grade_installed(names: &[&str]) -> Result<()> {
    let configs = std::env::temp_dir().join(format!("grade-peers-{}", std::process::id()));
    std::fs::create_dir_all(&configs)?;
    let chosen: Vec<Peer> = installed(&configs)?
        .into_iter()
        .filter(|p| names.is_empty() || names.contains(&p.name))
        .collect();
    if chosen.is_empty() {
        bail!("none of python3, nginx, lighttpd or busybox httpd is installed (or named)");
    }
    stages::build(&["check-server"], Profile::Debug)?;
    let checker = stages::binary("check-server", Profile::Debug);
    std::fs::create_dir_all(kept(""))?;
    for peer in chosen {
        eprintln!("grading {} ({}): {}", peer.name, peer.version, peer.command);
        let one = grade(&checker, peer);
        eprintln!("  {}", summary_line(&one));
        std::fs::write(kept(one.peer.name), save(&one).to_string())?;
    }
    let _ = std::fs::remove_dir_all(&configs);
    Ok(())
}

/// Where the result of `name` is kept (the directory, for "").
fn kept(name: &str) -> PathBuf {
    let dir = stages::target_dir().join("grade-peers");
    if name.is_empty() {
        dir
    } else {
        dir.join(format!("{name}.json"))
    }
}

/// A result as kept on disk.
pub(crate) fn save(graded: &Graded) -> serde_json::Value {
    let checks: Vec<serde_json::Value> = graded
        .outcomes
        .iter()
        .map(|o| serde_json::json!({"name": o.check, "level": o.level, "status": o.status}))
        .collect();
    serde_json::json!({
        "version": graded.peer.version,
        "command": graded.peer.command,
        "seconds": graded.seconds,
        "trouble": graded.trouble,
        "checks": checks,
    })
}

/// The kept result of `name`, if there is one.
fn load(name: &'static str) -> Option<Graded> {
    let text = std::fs::read_to_string(kept(name)).ok()?;
    restore(name, &serde_json::from_str(&text).ok()?)
}

/// [`save`] undone.
pub(crate) fn restore(name: &'static str, kept: &serde_json::Value) -> Option<Graded> {
    let text = |key: &str| kept[key].as_str().map(str::to_string);
    let config = match name {
        "nginx" => Some(NGINX),
        "lighttpd" => Some(LIGHTTPD),
        _ => None,
    };
    let json = serde_json::json!({ "checks": kept["checks"] }).to_string();
    Some(Graded {
        peer: peer(name, text("version")?, text("command")?, config),
        outcomes: outcomes(&json).ok()?,
        seconds: kept["seconds"].as_f64()?,
        trouble: text("trouble"),
    })
}

/// `name = "line"` pairs under `[server]` tables.
pub(crate) fn explanations(text: &str) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    toml::from_str(text).context("explanations.toml does not parse")
}

/// The version a program prints for `args` (on stdout or stderr), first line.
fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = [out.stdout, out.stderr].concat();
    let text = String::from_utf8_lossy(&text);
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    Some(line.trim().to_string())
}

/// The servers installed here, their configurations written into `dir`.
fn installed(dir: &Path) -> Result<Vec<Peer>> {
    let mut peers = Vec::new();
    if let Some(version) = version_of("python3", &["--version"]) {
        let command = "python3 -m http.server {port} --bind 127.0.0.1 --directory {root}";
        peers.push(peer("python", version, command.into(), None));
    }
    if let Some(version) = version_of("nginx", &["-v"]) {
        let template = dir.join("nginx.conf.in");
        std::fs::write(&template, NGINX)?;
        peers.push(peer(
            "nginx",
            version,
            nginx_command(&template, dir),
            Some(NGINX),
        ));
    }
    if let Some(version) = version_of("lighttpd", &["-v"]) {
        let template = dir.join("lighttpd.conf.in");
        std::fs::write(&template, LIGHTTPD)?;
        let conf = shell_path(&dir.join("lighttpd-{port}.conf"));
        let command = format!("{} && exec lighttpd -D -f {conf}", fill(&template, &conf));
        peers.push(peer("lighttpd", version, command, Some(LIGHTTPD)));
    }
    let busybox = version_of("busybox", &["httpd", "--help"]);
    if busybox.as_deref().is_some_and(|v| v.starts_with("BusyBox")) {
        let command = "busybox httpd -f -p 127.0.0.1:{port} -h {root}";
        let version = busybox.unwrap_or_default();
        let version = version
            .split(" multi-call")
            .next()
            .unwrap_or("")
            .to_string();
        peers.push(peer("busybox", version, command.into(), None));
    }
    Ok(peers)
}

fn peer(
    name: &'static str,
    version: String,
    command: String,
    config: Option<&'static str>,
) -> Peer {
    Peer {
        name,
        version,
        command,
        config,
    }
}

fn shell_path(path: &Path) -> String {
    format!("'{}'", path.display())
}

/// A shell command writing `template` with `{port}` and `{root}` filled in
/// (check-server substitutes them in the command itself) to `out`.
fn fill(template: &Path, out: &str) -> String {
    format!(
        "sed -e 's#@PORT@#{{port}}#g' -e 's#@ROOT@#{{root}}#g' {} > {out}",
        shell_path(template)
    )
}

fn nginx_command(template: &Path, dir: &Path) -> String {
    let conf = shell_path(&dir.join("nginx-{port}.conf"));
    format!(
        "{} && exec nginx -p {} -c {conf} -e stderr",
        fill(template, &conf),
        shell_path(dir)
    )
}

/// nginx as installed, reduced to what serving one directory needs: its own
/// mime.types, its default keep-alive, in the foreground.
const NGINX: &str = "\
daemon off;
master_process off;
worker_processes 1;
pid nginx-@PORT@.pid;
error_log stderr;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path body-@PORT@;
    proxy_temp_path proxy-@PORT@;
    fastcgi_temp_path fastcgi-@PORT@;
    uwsgi_temp_path uwsgi-@PORT@;
    scgi_temp_path scgi-@PORT@;
    server {
        listen 127.0.0.1:@PORT@;
        root @ROOT@;
    }
}
";

/// lighttpd with Debian's types (from /etc/mime.types) and index file.
const LIGHTTPD: &str = "\
server.document-root = \"@ROOT@\"
server.bind = \"127.0.0.1\"
server.port = @PORT@
server.errorlog = \"/dev/stderr\"
index-file.names = ( \"index.html\" )
include_shell \"/usr/share/lighttpd/create-mime.conf.pl\"
";

/// Runs check-server on `peer`; a run that fails to finish is reported, not
/// fatal: the page says so.
fn grade(checker: &Path, peer: Peer) -> Graded {
    let start = Instant::now();
    let log = kept("").join(format!("{}.log", peer.name));
    let result = run_checker(checker, &peer.command, &log);
    let seconds = start.elapsed().as_secs_f64();
    match result.and_then(|json| outcomes(&json)) {
        Ok(outcomes) => Graded {
            peer,
            outcomes,
            seconds,
            trouble: None,
        },
        Err(e) => Graded {
            peer,
            outcomes: Vec::new(),
            seconds,
            trouble: Some(format!("{e:#}")),
        },
    }
}

/// check-server's `--json` document for `command`. It runs in a process
/// group of its own, stopped with everything in it if we stop first; what it
/// says on stderr goes to `log`, whose last line explains a run that printed
/// no document.
fn run_checker(checker: &Path, command: &str, log: &Path) -> Result<String> {
    let mut run = Command::new(checker);
    run.arg(command).args(CHECK_ARGS);
    run.stderr(std::fs::File::create(log)?);
    let mut process = Process::start_group("check-server", run)?;
    if process.wait_for_end(PATIENCE).is_none() {
        bail!("check-server did not finish in {} s", PATIENCE.as_secs());
    }
    let text = process.text();
    if !text.contains('{') {
        let said = std::fs::read_to_string(log).unwrap_or_default();
        let last = said.lines().last().unwrap_or("no output").to_string();
        bail!("check-server printed no result ({last})");
    }
    Ok(text)
}

/// The checks of a `--json` document.
pub(crate) fn outcomes(json: &str) -> Result<Vec<Outcome>> {
    let start = json
        .find('{')
        .context("check-server printed no JSON document")?;
    let document: serde_json::Value =
        serde_json::from_str(&json[start..]).context("check-server's JSON does not parse")?;
    let checks = document["checks"]
        .as_array()
        .context("no checks in the JSON")?;
    let text = |c: &serde_json::Value, key: &str| c[key].as_str().unwrap_or("").to_string();
    Ok(checks
        .iter()
        .map(|c| Outcome {
            check: text(c, "name"),
            level: text(c, "level"),
            status: text(c, "status"),
        })
        .collect())
}

/// The FAILs of `graded` at `level`.
fn failed<'g>(graded: &'g Graded, level: &'g str) -> impl Iterator<Item = &'g Outcome> {
    let outcomes = graded.outcomes.iter();
    outcomes.filter(move |o| o.status == "FAIL" && o.level == level)
}

fn summary_line(graded: &Graded) -> String {
    if let Some(trouble) = &graded.trouble {
        return format!("no result: {trouble}");
    }
    let count = |status: &str| {
        graded
            .outcomes
            .iter()
            .filter(|o| o.status == status)
            .count()
    };
    format!(
        "{} passed, {} failed, {} skipped in {:.0} s",
        count("PASS"),
        count("FAIL"),
        count("SKIP"),
        graded.seconds
    )
}

/// Every (server, check) that failed with no explanation.
pub(crate) fn unexplained(
    graded: &[Graded],
    explanations: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<(String, String)> {
    let mut missing = Vec::new();
    for g in graded {
        let known = explanations.get(g.peer.name);
        for o in g.outcomes.iter().filter(|o| o.status == "FAIL") {
            if known.is_none_or(|k| !k.contains_key(&o.check)) {
                missing.push((g.peer.name.to_string(), o.check.clone()));
            }
        }
    }
    missing
}

/// The temporary directory of the configurations, in a command.
static CONFIG_DIR: std::sync::LazyLock<regex_lite::Regex> =
    std::sync::LazyLock::new(|| crate::pattern(r"/[^' ]*/grade-peers-[0-9]+"));

const LEVELS: [(&str, &str); 3] = [
    ("MUST", "MUST"),
    ("SHOULD", "SHOULD"),
    ("COURSE", "course rule"),
];

/// The book page.
pub(crate) fn render(
    graded: &[Graded],
    explanations: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let mut page = String::from(INTRO);
    page.push_str(
        "| Server | Version | MUST failed | SHOULD failed | course rules failed | Time |\n",
    );
    page.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for g in graded {
        let count = |level| failed(g, level).count().to_string();
        let cells = if g.trouble.is_some() {
            ["no result".to_string(), String::new(), String::new()]
        } else {
            ["MUST", "SHOULD", "COURSE"].map(count)
        };
        page.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.0} s |\n",
            g.peer.name, g.peer.version, cells[0], cells[1], cells[2], g.seconds
        ));
    }
    let missing: Vec<&str> = NAMES
        .into_iter()
        .filter(|name| graded.iter().all(|g| g.peer.name != *name))
        .collect();
    if !missing.is_empty() {
        let names = missing.join(", ");
        page.push_str(&format!(
            "\nNo result kept for: {names} (not installed, or not graded yet).\n"
        ));
    }
    for g in graded {
        // The configuration's directory was a temporary one: DIR on the page.
        let command = CONFIG_DIR.replace_all(&g.peer.command, "DIR");
        let name = g.peer.name;
        page.push_str(&format!(
            "\n## {name}\n\n`just check-server \"{command}\"`\n\n"
        ));
        if let Some(config) = g.peer.config {
            page.push_str(&format!(
                "With `DIR/{name}.conf.in`:\n\n```text\n{config}```\n\n"
            ));
        }
        if let Some(trouble) = &g.trouble {
            page.push_str(&format!("No result: {trouble}\n"));
            continue;
        }
        let known = explanations.get(g.peer.name);
        for (level, word) in LEVELS {
            for o in failed(g, level) {
                let why = known
                    .and_then(|k| k.get(&o.check))
                    .map_or("**no explanation yet**", String::as_str);
                page.push_str(&format!("- `{}` ({word}): {why}\n", o.check));
            }
        }
        if g.outcomes.iter().all(|o| o.status != "FAIL") {
            page.push_str("Every check passes.\n");
        }
    }
    page
}

const INTRO: &str = "\
# How real servers score

<!-- Written by `just grade-peers` (crates/xtask/src/course/peers.rs); the
     one-line explanations are kept in crates/xtask/src/course/peers/explanations.toml. -->

`just check-server` is only worth trusting if it is fair to servers nobody
here wrote. `just grade-peers` grades the ones installed on the machine it
runs on, each from a minimal configuration serving the fixture site, with the
course profile (every check: the RFC's MUST and SHOULD, and the course's own
rules), seed 20, `--big-mib 16 --requests 500 --idle-bound 3`. Each failure
below is explained in one line, as a true deviation at its level: a MUST or
SHOULD the server does not meet as the RFC words it (the sentence is on
[the rubric page](rubric.md)), or a course rule it does not share. None is a
mistake of the checker; a FAIL without its line is marked, and a run that did
not finish says so instead of a count.

";

#[cfg(test)]
mod tests;
