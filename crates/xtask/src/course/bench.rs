//! `bench`: step 4 against step 1, step 3, `python3 -m http.server`, nginx
//! and the floor (the cheapest possible server), in one interleaved run.
//!
//! Every round measures every scenario on every server, and each round starts
//! with a different server (A B C, B C A, ...), so that whatever the machine
//! does meanwhile hits all of them alike. Each measurement gets a freshly
//! started server, so the peak memory figure is that of one scenario. The
//! table gives the median of the rounds, their range, and step 4 ÷ each other
//! server. The servers run with their default log level, logging to files
//! under `target/bench/logs`. Not part of CI: it takes minutes and its
//! numbers depend on the machine. The book's performance page explains them.

mod clients;
mod floor;
mod report;
mod servers;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::stages::{self, Profile};
use report::{Metric, Metric as M, Samples};
use servers::{Docroot, Server};

const USAGE: &str = "\
usage: cargo run --release -p xtask -- bench [--quick] [--rounds N] [--only LIST]

  --quick      3 rounds, 5,000 requests per run, a 256 MiB file (about a minute)
  --rounds N   how many rounds (at least 3 for a median worth the name)
  --only LIST  some scenarios only, comma-separated: small,64k,c8,large,stall";

/// The scenarios, as `--only` names them.
const SCENARIOS: [&str; 5] = ["small", "64k", "c8", "large", "stall"];

/// How big and how long: the full run or `--quick`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    rounds: u32,
    /// Requests per `ab` run...
    requests: u32,
    /// ...unless this time is up first (python needs it).
    ab_limit: Duration,
    large_mib: u64,
    /// How long the slow download runs while the probe asks for the small file.
    stall_window: Duration,
    /// Which of `SCENARIOS` to run.
    only: [bool; 5],
}

impl Plan {
    fn runs(&self, scenario: &str) -> bool {
        SCENARIOS
            .iter()
            .position(|s| *s == scenario)
            .is_some_and(|i| self.only[i])
    }
}

const FULL: Plan = Plan {
    rounds: 5,
    requests: 20_000,
    ab_limit: Duration::from_secs(6),
    large_mib: 1024,
    stall_window: Duration::from_secs(2),
    only: [true; 5],
};

const QUICK: Plan = Plan {
    rounds: 3,
    requests: 5_000,
    ab_limit: Duration::from_secs(3),
    large_mib: 256,
    stall_window: Duration::from_secs(1),
    only: [true; 5],
};

/// The slow download's pace: 50 MB/s, a fast client on a real network.
const SLOW_RATE: f64 = 50e6;

/// Pause between two probes of the head-of-line scenario.
const PROBE_INTERVAL: Duration = Duration::from_millis(20);

pub(crate) fn run(args: &[String]) -> Result<ExitCode> {
    if args.first().map(String::as_str) == Some("--floor-server") {
        return floor::serve();
    }
    let plan = match parse_args(args) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            return Ok(ExitCode::from(2));
        }
    };
    let have_ab = preflight();

    let packages: Vec<&str> = stages::http_stages().map(|s| s.package).collect();
    stages::build(&packages, Profile::Release)?;
    let work = stages::target_dir().join("bench");
    let logs = work.join("logs");
    std::fs::create_dir_all(&logs)?;
    let docroot = servers::docroot(&work, plan.large_mib)?;
    let (servers, missing) = servers::available();
    for message in &missing {
        eprintln!("not found: {message}");
    }

    let mut samples = Samples::new(servers.iter().map(|s| s.name.clone()));
    for round in 0..plan.rounds {
        let mut order = servers.clone();
        let first = round as usize % order.len();
        order.rotate_left(first);
        let names: Vec<&str> = order.iter().map(|s| s.name.as_str()).collect();
        eprintln!("round {}/{}: {}", round + 1, plan.rounds, names.join(", "));
        let context = Round {
            plan,
            docroot: &docroot,
            work: &work,
            logs: &logs,
        };
        if have_ab {
            context.rates(&order, &mut samples);
        }
        context.large(&order, &mut samples);
        context.stall(&order, &mut samples);
    }

    report(&plan, &samples, &missing, &work, &logs)
}

/// Warns about what makes the numbers slower than they should be; tells
/// whether `ab` is there for the request-rate scenarios.
fn preflight() -> bool {
    if cfg!(debug_assertions) {
        eprintln!(
            "note: xtask is a debug build, so the floor server and the download client are slow; \
             use `just bench` (cargo run --release -p xtask -- bench)"
        );
    }
    if std::env::var_os("RUST_LOG").is_some() {
        eprintln!("note: RUST_LOG is set; the stages log more than by default");
    }
    let have_ab = Command::new("ab").arg("-V").output().is_ok();
    if !have_ab {
        eprintln!(
            "ab not found (apt-get install apache2-utils): skipping the request-rate scenarios"
        );
    }
    have_ab
}

/// Prints the results and saves them to `work/results.md`.
fn report(
    plan: &Plan,
    samples: &Samples,
    missing: &[String],
    work: &Path,
    logs: &Path,
) -> Result<ExitCode> {
    let mut out = format!("## `just bench` results\n\n{}", machine(plan));
    out.push_str(&samples.tables());
    out.push_str(&report::verdicts(samples));
    for message in missing {
        let _ = writeln!(out, "\nNot measured: {message}");
    }
    let saved = work.join("results.md");
    std::fs::write(&saved, &out)?;
    println!("{out}");
    eprintln!(
        "saved to {}; server logs in {}",
        saved.display(),
        logs.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_args(args: &[String]) -> Result<Plan, String> {
    let mut plan = FULL;
    let (mut rounds, mut only) = (None, [true; 5]);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => plan = QUICK,
            "--rounds" => {
                let value = args.next().ok_or("--rounds needs a number")?;
                let n = value.parse::<u32>().ok().filter(|n| *n > 0);
                rounds = Some(n.ok_or(format!("--rounds: '{value}' is not a positive number"))?);
            }
            "--only" => {
                let list = args.next().ok_or("--only needs a list of scenarios")?;
                only = [false; 5];
                for name in list.split(',') {
                    let i = SCENARIOS.iter().position(|s| *s == name).ok_or(format!(
                        "--only: '{name}' is not one of {}",
                        SCENARIOS.join(",")
                    ))?;
                    only[i] = true;
                }
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    plan.rounds = rounds.unwrap_or(plan.rounds);
    plan.only = only;
    Ok(plan)
}

/// What one round needs to know.
struct Round<'a> {
    plan: Plan,
    docroot: &'a Docroot,
    work: &'a PathBuf,
    logs: &'a PathBuf,
}

impl Round<'_> {
    /// Starts `server` for one scenario, its log named after both.
    fn start(&self, server: &Server, scenario: &str) -> Result<servers::Live> {
        let slug = server.name.replace([' ', '.'], "-");
        let log = self.logs.join(format!("{slug}-{scenario}.log"));
        servers::start(server, &self.docroot.dir, self.work, &log)
            .with_context(|| format!("starting {}", server.name))
    }

    /// The three `ab` scenarios: small file, 64 KiB file, 8 clients. A
    /// measurement that fails is reported and left out, not the whole run.
    fn rates(&self, order: &[Server], samples: &mut Samples) {
        let docroot = self.docroot;
        #[rustfmt::skip]
        let scenarios = [
            ("small", docroot.small, 1, M::SmallRate, M::SmallLatency),
            ("64k", docroot.medium, 1, M::MediumRate, M::MediumLatency),
            ("c8", docroot.small, 8, M::ConcurrentRate, M::ConcurrentLatency),
        ];
        for (scenario, path, clients, rate, latency) in scenarios {
            if !self.plan.runs(scenario) {
                continue;
            }
            for server in order {
                if path != docroot.small && !server.serves_files() {
                    continue;
                }
                let measured = self.start(server, scenario).and_then(|live| {
                    let url = format!("http://{}{path}", live.address());
                    clients::ab(&url, self.plan.requests, clients, self.plan.ab_limit)
                });
                match measured {
                    Ok(result) => {
                        eprintln!(
                            "  {scenario:5} {:20} {:8.0} req/s  {:.3} ms",
                            server.name, result.requests_per_second, result.mean_ms
                        );
                        samples.add(rate, &server.name, result.requests_per_second);
                        samples.add(latency, &server.name, result.mean_ms);
                    }
                    Err(error) => skipped(scenario, server, &error),
                }
            }
        }
    }

    /// One download of the large file: MB/s, then the server's peak memory.
    fn large(&self, order: &[Server], samples: &mut Samples) {
        if !self.plan.runs("large") {
            return;
        }
        for server in order.iter().filter(|s| s.serves_files()) {
            match self.download(server) {
                Ok((rate, peak)) => {
                    samples.add(Metric::LargeThroughput, &server.name, rate);
                    if let Some(kib) = peak {
                        samples.add(Metric::LargePeakMemory, &server.name, kib as f64 / 1024.0);
                    }
                    eprintln!(
                        "  large {:20} {rate:8.0} MB/s  peak {}",
                        server.name,
                        peak.map_or_else(
                            || "unknown (no /proc)".into(),
                            |k| format!("{:.1} MiB", k as f64 / 1024.0)
                        )
                    );
                }
                Err(error) => skipped("large", server, &error),
            }
        }
    }

    /// MB/s of one download of the large file, and the server's `VmHWM` in KiB.
    fn download(&self, server: &Server) -> Result<(f64, Option<u64>)> {
        let live = self.start(server, "large")?;
        let (bytes, time) = clients::download(live.address(), &self.docroot.large)?;
        if bytes != self.docroot.large_bytes {
            bail!("{bytes} bytes instead of {}", self.docroot.large_bytes);
        }
        let status = std::fs::read_to_string(format!("/proc/{}/status", live.pid()));
        let peak = status.ok().and_then(|s| report::parse_vm_hwm(&s));
        Ok((bytes as f64 / 1e6 / time.as_secs_f64(), peak))
    }

    /// Head-of-line blocking, on every server that serves files.
    fn stall(&self, order: &[Server], samples: &mut Samples) {
        if !self.plan.runs("stall") {
            return;
        }
        for server in order.iter().filter(|s| s.serves_files()) {
            match self.longest_wait(server) {
                Ok(longest) => {
                    let ms = longest.as_secs_f64() * 1000.0;
                    eprintln!("  stall {:20} {ms:8.1} ms", server.name);
                    samples.add(Metric::Stall, &server.name, ms);
                }
                Err(error) => skipped("stall", server, &error),
            }
        }
    }

    /// While a slow client downloads the large file, another one asks for the
    /// small file again and again: its longest wait.
    fn longest_wait(&self, server: &Server) -> Result<Duration> {
        let live = self.start(server, "stall")?;
        let address = live.address();
        let done = AtomicBool::new(false);
        let (flowing, wait_for_flow) = mpsc::channel();
        thread::scope(|scope| {
            let slow = scope.spawn(|| {
                let result = clients::slow_download(
                    address,
                    &self.docroot.large,
                    SLOW_RATE,
                    self.plan.stall_window,
                    flowing,
                );
                done.store(true, Ordering::SeqCst);
                result
            });
            // Probe only once the body flows: the server is busy with it.
            let _ = wait_for_flow.recv();
            let mut longest = Duration::ZERO;
            while !done.load(Ordering::SeqCst) {
                longest = longest.max(clients::probe(address, self.docroot.small)?);
                thread::sleep(PROBE_INTERVAL);
            }
            slow.join()
                .map_err(|_| anyhow::anyhow!("the slow download panicked"))??;
            Ok(longest)
        })
    }
}

/// Says which measurement failed and why; the run goes on without it.
fn skipped(scenario: &str, server: &Server, error: &anyhow::Error) {
    eprintln!("  {scenario:5} {:20} skipped: {error:#}", server.name);
}

/// The machine and the tools, for the record.
fn machine(plan: &Plan) -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".to_string(), |m| m.trim().to_string());
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse::<u64>().ok())
        .map_or("?".to_string(), |kib| format!("{} GiB", kib / 1024 / 1024));
    let kernel = read("/proc/sys/kernel/osrelease");
    // The first line a program prints about its version, on stdout or stderr.
    let version = |program: &str, arg: &str| match Command::new(program).arg(arg).output() {
        Ok(o) => String::from_utf8_lossy(&[o.stdout, o.stderr].concat())
            .lines()
            .next()
            .map_or_else(String::new, |l| l.trim().to_string()),
        Err(_) => "not installed".to_string(),
    };
    format!(
        "- machine: {cpu}, {cores} cores, {memory} RAM, Linux {}\n\
         - tools: {}; {}; {}; {}\n\
         - plan: {} rounds; ab runs of {} requests (or {} s); a {} MiB file; \
           slow download at 50 MB/s for {} s\n",
        kernel.trim(),
        version("rustc", "-V"),
        version("ab", "-V"),
        version(servers::NGINX, "-v"),
        version("python3", "--version"),
        plan.rounds,
        plan.requests,
        plan.ab_limit.as_secs(),
        plan.large_mib,
        plan.stall_window.as_secs(),
    )
}

#[cfg(test)]
mod tests;
