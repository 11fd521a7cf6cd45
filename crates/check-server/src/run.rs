//! A whole run: build the fixture, start the server, run each check of the
//! rubric, restart the server when a check killed or wedged it, report.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::check::{Check, Ctx, Failure, Limits, Request, Status, Verdict};
use crate::cli::Options;
use crate::fixture::Fixture;
use crate::launch::{self, Server};
use crate::{procfs, report, rubric, wire};

/// Longest wait for one response, and for the server to start.
const EXCHANGE: Duration = Duration::from_secs(5);
const STARTUP: Duration = Duration::from_secs(120);

/// The temporary site, for whoever ends the run early (Ctrl-C, the
/// watchdog): a 64 MiB file is not something to leave behind.
static TEMPORARY: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The checks graded so far, for the watchdog: a run stopped by its deadline
/// still reports what it finished, totals or `--json` document.
static GRADED: Mutex<Vec<(&'static Check, Verdict)>> = Mutex::new(Vec::new());

/// Removes the temporary site, if there is one.
pub(crate) fn remove_temporary() {
    let taken = TEMPORARY.lock().ok().and_then(|mut t| t.take());
    if let Some(dir) = taken {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Runs the rubric; `Ok(true)` when nothing failed.
pub(crate) fn run(options: &Options) -> Result<bool, String> {
    let seed = options.seed.unwrap_or_else(clock_seed);
    let base = match &options.fixture {
        Some(dir) => PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("check-server-{}-{seed}", std::process::id())),
    };
    std::fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    if options.fixture.is_none() {
        if let Ok(mut temporary) = TEMPORARY.lock() {
            *temporary = Some(base.clone());
        }
    }
    let built = Fixture::build(&base, seed, options.big_mib << 20);
    let fixture = built.map_err(|e| format!("cannot write the fixture site: {e}"))?;
    if !options.json {
        let root = fixture.root.display();
        println!("seed {seed} (repeat with --seed {seed}); site in {root}");
    }
    spawn_watchdog(options.deadline, seed, options.json);
    let started = start_server(options, &fixture, &base);
    let results = started.map(|(server, addr)| (run_rubric(options, &fixture, server, addr), addr));
    remove_temporary();
    let (results, addr) = results?;
    if options.json {
        println!("{}", report::json_document(seed, &results));
    } else {
        if let Some(line) = replay_line(options, seed, addr, &results) {
            println!("{line}");
        }
        println!("{}", report::totals(&results));
    }
    Ok(results.iter().all(|(_, v)| v.status != Status::Fail))
}

/// How to run the first failed check again on the same site and port.
fn replay_line(
    options: &Options,
    seed: u64,
    addr: SocketAddr,
    results: &[(&Check, Verdict)],
) -> Option<String> {
    let (check, _) = results.iter().find(|(_, v)| v.status == Status::Fail)?;
    let server = match (&options.command, &options.url, &options.fixture) {
        (Some(command), _, _) => format!(
            "'{}' --port {}",
            command.replace('\'', "'\\''"),
            addr.port()
        ),
        (None, Some(url), Some(dir)) => format!("--url {url} --fixture {dir}"),
        _ => return None,
    };
    Some(format!(
        "replay one failure: just check-server {server} --only {} --seed {seed}",
        check.name
    ))
}

/// The bound of the whole run: past it, stop the server and give up, so a
/// grading script never hangs on one learner's server.
fn spawn_watchdog(deadline: Duration, seed: u64, json: bool) {
    std::thread::spawn(move || {
        std::thread::sleep(deadline);
        launch::stop_for_good();
        remove_temporary();
        let graded = GRADED.lock().map(|g| g.clone()).unwrap_or_default();
        eprintln!(
            "error: the whole run took longer than {} s: stopped after {} checks, the others were not run",
            deadline.as_secs(),
            graded.len()
        );
        if json {
            println!("{}", report::json_document(seed, &graded));
        } else {
            println!("{}", report::totals(&graded));
        }
        std::process::exit(1);
    });
}

/// Starts COMMAND on a free port, or finds the `--url` server.
fn start_server(
    options: &Options,
    fixture: &Fixture,
    base: &Path,
) -> Result<(Option<Server>, SocketAddr), String> {
    let Some(command) = &options.command else {
        let url = options
            .url
            .as_deref()
            .ok_or("give either a COMMAND or --url")?;
        return Ok((None, url_addr(url)?));
    };
    let port = match options.port {
        Some(port) => port,
        None => launch::free_port().map_err(|e| format!("no free port: {e}"))?,
    };
    let command = launch::expand(command, port, &fixture.root);
    let server = Server::start(&command, port, &base.join("server.log"), STARTUP)?;
    Ok((Some(server), SocketAddr::from(([127, 0, 0, 1], port))))
}

/// Every check `--only` selects, in the table's order, each line printed as
/// soon as it is known.
fn run_rubric<'r>(
    options: &Options,
    fixture: &Fixture,
    mut server: Option<Server>,
    addr: SocketAddr,
) -> Vec<(&'r Check, Verdict)> {
    let limits = Limits {
        exchange: EXCHANGE,
        idle_bound: options.idle_bound,
        requests: options.requests,
    };
    let pid = procfs::listener_pid(addr.port());
    let mut ctx = Ctx {
        addr,
        fixture,
        profile: options.profile,
        limits,
        pid,
    };
    let selected = |c: &&Check| options.only.as_deref().is_none_or(|p| c.name.contains(p));
    let mut results = Vec::new();
    for check in rubric::RUBRIC.iter().filter(selected) {
        let verdict = run_one(check, &mut ctx, server.as_mut());
        if !options.json {
            report::line(check, &verdict, options.verbose);
        }
        if let Ok(mut graded) = GRADED.lock() {
            graded.push((check, verdict.clone()));
        }
        results.push((check, verdict));
    }
    if let Some(server) = server.as_mut() {
        server.stop();
    }
    results
}

/// One check, then a look at the server: dead or deaf, the check fails and the
/// server starts again, so the other checks still mean something.
fn run_one(check: &Check, ctx: &mut Ctx, server: Option<&mut Server>) -> Verdict {
    if !check.applies(ctx.profile) {
        return Verdict::skip("", "a course rule: not graded in the rfc profile");
    }
    let mark = server.as_ref().map_or(0, |s| s.output_mark());
    let mut verdict = (check.run)(ctx);
    let Some(server) = server else {
        return verdict;
    };
    // A refused probe may come while a crashing server is still printing its
    // panic: give it a moment to finish exiting before calling it wedged.
    let healthy = !server.exited() && answers(ctx);
    let exited = !healthy && server.exited_within(Duration::from_secs(1));
    let harm = if exited {
        let mut words = vec!["the server exited during this check; it printed:".to_string()];
        words.extend(
            server
                .output_since(mark, 5)
                .iter()
                .map(|line| format!("  | {line}")),
        );
        Some(words.join("\n"))
    } else if !healthy {
        Some("the server stopped answering after this check (wedged)".to_string())
    } else {
        None
    };
    if let Some(what) = harm {
        let restarted = match server.restart(STARTUP) {
            Ok(()) => "restarted it for the next checks".to_string(),
            Err(e) => format!("could not restart it: {e}"),
        };
        ctx.pid = procfs::listener_pid(ctx.addr.port());
        mark_harm(&mut verdict, &what, &restarted);
    }
    verdict
}

/// A plain GET of the page, answered in time.
fn answers(ctx: &Ctx) -> bool {
    let bytes = ctx.bytes(&Request::get(&ctx.fixture.page.target));
    let wait = wire::Wait::plain(ctx.limits.idle_bound.max(EXCHANGE));
    wire::exchange(ctx.addr, &bytes, &wait)
        .response(false)
        .is_ok()
}

fn mark_harm(verdict: &mut Verdict, what: &str, restarted: &str) {
    verdict.status = Status::Fail;
    let failure = verdict.failure.get_or_insert_with(|| Failure {
        problem: what.to_string(),
        reproduce: String::new(),
        diagnosis: Vec::new(),
    });
    failure.diagnosis.extend(what.lines().map(str::to_string));
    failure.diagnosis.push(format!("({restarted})"));
    if failure.reproduce.is_empty() {
        failure.reproduce = "run the check alone with --only and watch the server's output".into();
    }
}

/// `http://127.0.0.1:8000/` -> its socket address.
fn url_addr(url: &str) -> Result<SocketAddr, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("--url must start with http://")?;
    let host = rest.split('/').next().unwrap_or(rest);
    let with_port = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or(format!("cannot resolve {host}"))
}

/// A seed from the clock, when none is given.
fn clock_seed() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(1, |d| d.as_micros() as u64 % 1_000_000)
}
