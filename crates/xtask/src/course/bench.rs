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
mod report;
mod servers;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::stages::{self, Profile, Running};
pub(crate) use report::number_after;
use report::{Metric, Metric as M, Samples};
use servers::{Docroot, Server};

const USAGE: &str = "\
usage: cargo run --release -p xtask -- bench [--quick] [--rounds N] [--only LIST]

  --quick      3 rounds, 5,000 requests per run, a 256 MiB file (about a minute)
  --rounds N   how many rounds (at least 3 for a median worth the name)
  --only LIST  some scenarios only, comma-separated: small,64k,c8,large,stall";

/// The scenarios, as `--only` names them; the first three are `ab` runs.
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
        return servers::serve_floor();
    }
    if crate::help(args, USAGE) {
        return Ok(ExitCode::SUCCESS);
    }
    let mut plan = match parse_args(args) {
        Ok(plan) => plan,
        Err(problem) => return Ok(crate::usage_error(&problem, USAGE)),
    };
    if !preflight() {
        plan.only[..3].fill(false);
    }

    let packages: Vec<&str> = stages::http_stages().map(|s| s.package).collect();
    stages::build(&packages, Profile::Release)?;
    let work = stages::target_dir().join("bench");
    let bench = Bench {
        docroot: servers::docroot(&work, plan.large_mib)?,
        logs: work.join("logs"),
        work,
        plan,
    };
    std::fs::create_dir_all(&bench.logs)?;
    let (servers, missing) = servers::available();
    for message in &missing {
        eprintln!("not found: {message}");
    }

    let mut samples = Samples::new(servers.iter().map(|s| s.name()));
    for number in 0..plan.rounds {
        let mut order = servers.clone();
        order.rotate_left(number as usize % servers.len());
        let names: Vec<String> = order.iter().map(|s| s.name()).collect();
        eprintln!("round {}/{}: {}", number + 1, plan.rounds, names.join(", "));
        for (scenario, _) in SCENARIOS.into_iter().zip(plan.only).filter(|(_, on)| *on) {
            bench.scenario(scenario, &order, &mut samples);
        }
    }
    bench.report(&samples, &missing)
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
    if !Path::new("/proc/self/status").exists() {
        eprintln!("note: no /proc here: the servers' peak memory is not measured");
    }
    let have_ab = Command::new("ab").arg("-V").output().is_ok();
    if !have_ab {
        eprintln!(
            "ab not found (apt-get install apache2-utils): skipping the request-rate scenarios"
        );
    }
    have_ab
}

fn parse_args(args: &[String]) -> Result<Plan, String> {
    // `--quick` sets the sizes; `--rounds` and `--only` change them, in any order.
    let quick = args.iter().any(|arg| arg == "--quick");
    let mut plan = if quick { QUICK } else { FULL };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {}
            "--rounds" => {
                let value = args.next().ok_or("--rounds needs a number")?;
                let n = value.parse::<u32>().ok().filter(|n| *n > 0);
                plan.rounds = n.ok_or(format!("--rounds: '{value}' is not a positive number"))?;
            }
            "--only" => {
                let list = args.next().ok_or("--only needs a list of scenarios")?;
                plan.only = [false; 5];
                for name in list.split(',') {
                    let i = SCENARIOS.iter().position(|s| *s == name).ok_or(format!(
                        "--only: '{name}' is not one of {}",
                        SCENARIOS.join(",")
                    ))?;
                    plan.only[i] = true;
                }
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok(plan)
}

/// What every measurement needs to know.
struct Bench {
    plan: Plan,
    docroot: Docroot,
    work: PathBuf,
    logs: PathBuf,
}

/// The figures one measurement gives.
type Figures = Vec<(Metric, f64)>;

impl Bench {
    /// Measures `scenario` on every server in `order` that can take part. A
    /// measurement that fails is reported and left out, not the whole run.
    fn scenario(&self, scenario: &str, order: &[Server], samples: &mut Samples) {
        // The floor serves no file: it takes part in the small-file rates only.
        let floor_too = scenario == "small" || scenario == "c8";
        for &server in order.iter().filter(|s| floor_too || **s != Server::Floor) {
            let name = server.name();
            match self.measure(scenario, server) {
                Ok(figures) => {
                    let shown: Vec<String> = figures.iter().map(|(m, v)| m.show(*v)).collect();
                    eprintln!("  {scenario:5} {name:20} {}", shown.join("  "));
                    for (metric, value) in figures {
                        samples.add(metric, &name, value);
                    }
                }
                Err(error) => eprintln!("  {scenario:5} {name:20} skipped: {error:#}"),
            }
        }
    }

    /// Starts `server` afresh, its log named after it and `scenario`, and
    /// measures the scenario on it.
    fn measure(&self, scenario: &str, server: Server) -> Result<Figures> {
        let slug = server.name().replace([' ', '.'], "-");
        let log = self.logs.join(format!("{slug}-{scenario}.log"));
        let live = servers::start(server, &self.docroot.dir, &self.work, &log)
            .with_context(|| format!("starting {}", server.name()))?;
        // `ab` on `path` with `clients` at a time: the rate and the mean time
        // per request.
        let ab = |path, clients, [rate, latency]: [Metric; 2]| -> Result<Figures> {
            let url = format!("http://{}{path}", live.address);
            let report = clients::ab(&url, self.plan.requests, clients, self.plan.ab_limit)?;
            Ok(vec![
                (rate, report.requests_per_second),
                (latency, report.mean_ms),
            ])
        };
        let (small, medium) = (servers::SMALL, servers::MEDIUM);
        match scenario {
            "small" => ab(small, 1, [M::SmallRate, M::SmallLatency]),
            "64k" => ab(medium, 1, [M::MediumRate, M::MediumLatency]),
            "c8" => ab(small, 8, [M::ConcurrentRate, M::ConcurrentLatency]),
            "large" => self.download(&live),
            "stall" => self.longest_wait(&live),
            other => bail!("no scenario '{other}'"),
        }
    }

    /// One download of the large file: MB/s, then the server's peak memory
    /// (`VmHWM`, on Linux).
    fn download(&self, live: &Running) -> Result<Figures> {
        let (bytes, time) = clients::download(live.address, &self.docroot.large)?;
        if bytes != self.docroot.large_bytes {
            bail!("{bytes} bytes instead of {}", self.docroot.large_bytes);
        }
        let rate = bytes as f64 / 1e6 / time.as_secs_f64();
        let mut figures = vec![(Metric::LargeThroughput, rate)];
        let status = std::fs::read_to_string(format!("/proc/{}/status", live.pid()));
        if let Some(kib) = report::number_after::<f64>(&status.unwrap_or_default(), "VmHWM:") {
            figures.push((Metric::LargePeakMemory, kib / 1024.0));
        }
        Ok(figures)
    }

    /// While a slow client downloads the large file, another one asks for the
    /// small file again and again: its longest wait, in ms.
    fn longest_wait(&self, live: &Running) -> Result<Figures> {
        let address = live.address;
        // Once the head has come, the server is busy with the body.
        let body = clients::get(address, &self.docroot.large)?;
        let done = AtomicBool::new(false);
        thread::scope(|scope| {
            let slow = scope.spawn(|| {
                let result = clients::read_slowly(body, SLOW_RATE, self.plan.stall_window);
                done.store(true, Ordering::SeqCst);
                result
            });
            let mut longest = Duration::ZERO;
            while !done.load(Ordering::SeqCst) {
                let (_, wait) = clients::download(address, servers::SMALL)?;
                longest = longest.max(wait);
                thread::sleep(PROBE_INTERVAL);
            }
            slow.join()
                .map_err(|_| anyhow::anyhow!("the slow download panicked"))??;
            Ok(vec![(Metric::Stall, longest.as_secs_f64() * 1000.0)])
        })
    }

    /// Prints the results and saves them to `work/results.md`.
    fn report(&self, samples: &Samples, missing: &[String]) -> Result<ExitCode> {
        let mut out = format!("## `just bench` results\n\n{}", setup(&self.plan));
        out.push_str(&samples.tables());
        out.push_str(&report::verdicts(samples));
        for message in missing {
            let _ = writeln!(out, "\nNot measured: {message}");
        }
        let saved = self.work.join("results.md");
        std::fs::write(&saved, &out)?;
        println!("{out}");
        let logs = self.logs.display();
        eprintln!("saved to {}; server logs in {logs}", saved.display());
        Ok(ExitCode::SUCCESS)
    }
}

/// The machine: CPU, cores, memory and kernel, for the record (soak's too).
pub(crate) fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU", str::trim);
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let memory = report::number_after::<u64>(&read("/proc/meminfo"), "MemTotal:")
        .map_or("?".to_string(), |kib| format!("{} GiB", kib / 1024 / 1024));
    let kernel = read("/proc/sys/kernel/osrelease");
    format!(
        "{cpu}, {cores} cores, {memory} RAM, Linux {}",
        kernel.trim()
    )
}

/// The machine, the tools and the plan, for the record.
fn setup(plan: &Plan) -> String {
    // The first line a program prints about its version, on stdout or stderr.
    let version = |program: &str, arg: &str| match Command::new(program).arg(arg).output() {
        Ok(o) => String::from_utf8_lossy(&[o.stdout, o.stderr].concat())
            .lines()
            .next()
            .map_or_else(String::new, |l| l.trim().to_string()),
        Err(_) => "not installed".to_string(),
    };
    format!(
        "- machine: {}\n\
         - tools: {}; {}; {}; {}\n\
         - plan: {} rounds; ab runs of {} requests (or {} s); a {} MiB file; \
           slow download at 50 MB/s for {} s\n",
        machine(),
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
