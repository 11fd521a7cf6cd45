//! The arithmetic of `just bench`: reading `ab`'s report and `/proc`, turning
//! rounds of samples into medians and ranges, the ratios of step 4 to every
//! other server, and the targets. No sockets and no processes here, so
//! all of it is unit-tested.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use anyhow::{Context, Result, bail};

/// The server every ratio is about.
pub(super) const REFERENCE: &str = "step 4";

/// One figure the benchmark measures, declared in the order of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Metric {
    SmallRate,
    SmallLatency,
    MediumRate,
    MediumLatency,
    ConcurrentRate,
    ConcurrentLatency,
    LargeThroughput,
    LargePeakMemory,
    Stall,
}

impl Metric {
    /// The caption of the metric's table.
    fn caption(self) -> &'static str {
        match self {
            Self::SmallRate => {
                "small file (1.2 KiB), 1 client, new connection per request: requests/s"
            }
            Self::SmallLatency => "small file, 1 client: mean time per request, ms",
            Self::MediumRate => "64 KiB file, 1 client, new connection per request: requests/s",
            Self::MediumLatency => "64 KiB file, 1 client: mean time per request, ms",
            Self::ConcurrentRate => "small file, 8 concurrent clients: requests/s",
            Self::ConcurrentLatency => {
                "small file, 8 concurrent clients: mean time per request, ms"
            }
            Self::LargeThroughput => "one large download: MB/s (10^6 bytes)",
            Self::LargePeakMemory => {
                "one large download: server's peak resident memory (VmHWM), MiB"
            }
            Self::Stall => {
                "head-of-line blocking: longest wait for the small file during a ~50 MB/s download, ms"
            }
        }
    }

    /// The decimals shown, and the unit of the progress lines.
    fn format(self) -> (usize, &'static str) {
        match self {
            Self::SmallRate | Self::MediumRate | Self::ConcurrentRate => (0, "req/s"),
            Self::SmallLatency | Self::MediumLatency | Self::ConcurrentLatency => (3, "ms"),
            Self::LargeThroughput => (0, "MB/s"),
            Self::LargePeakMemory => (1, "MiB peak"),
            Self::Stall => (1, "ms"),
        }
    }

    /// Rates (per second) are better higher; times and memory lower.
    fn higher_is_better(self) -> bool {
        self.format().1.ends_with("/s")
    }

    /// A value with its unit, for the progress lines.
    pub(super) fn show(self, value: f64) -> String {
        let (decimals, unit) = self.format();
        format!("{value:8.decimals$} {unit}")
    }
}

/// What `ab` (Apache Bench) printed at the end of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct AbReport {
    pub complete: u64,
    /// Connect, receive, length and exception errors, all together.
    pub failed: u64,
    /// Responses whose status was not 2xx (the line is missing when there are none).
    pub non_2xx: u64,
    pub requests_per_second: f64,
    /// "Time per request ... (mean)": the time one client waits for one
    /// response, connection included.
    pub mean_ms: f64,
}

/// Reads the summary `ab` prints, e.g. `Requests per second:    8493.08 [#/sec] (mean)`.
pub(super) fn parse_ab(output: &str) -> Result<AbReport> {
    let field = |label| number_after(output, label);
    let (Some(complete), Some(requests_per_second)) =
        (field("Complete requests:"), field("Requests per second:"))
    else {
        bail!("ab printed no summary:\n{output}");
    };
    // The first "Time per request" line is the mean per client; the second
    // divides it by the concurrency.
    let mean_ms = field("Time per request:").context("ab printed no mean time per request")?;
    Ok(AbReport {
        complete: complete as u64,
        failed: field("Failed requests:").unwrap_or(0.0) as u64,
        non_2xx: field("Non-2xx responses:").unwrap_or(0.0) as u64,
        requests_per_second,
        mean_ms,
    })
}

/// The number after `label` on the first line that starts with it, as in
/// `ab`'s summary or in `/proc` files (`VmHWM:     2388 kB`, in KiB).
pub(crate) fn number_after<T: FromStr>(text: &str, label: &str) -> Option<T> {
    let rest = text.lines().find_map(|line| line.strip_prefix(label))?;
    rest.split_whitespace().next()?.parse().ok()
}

/// The middle of a set of samples, and its spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// Median (the mean of the two middle values for an even count), min and max.
pub(super) fn summarize(samples: &[f64]) -> Option<Summary> {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    // For an odd count both indices are the middle one.
    let median = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0;
    Some(Summary {
        median,
        min: sorted[0],
        max: sorted[n - 1],
    })
}

/// Every sample of a run, by metric and server.
#[derive(Debug, Default)]
pub(super) struct Samples {
    values: BTreeMap<Metric, BTreeMap<String, Vec<f64>>>,
    /// Server names in the order the tables list them.
    servers: Vec<String>,
}

impl Samples {
    pub(super) fn new(servers: impl IntoIterator<Item = String>) -> Samples {
        let servers = servers.into_iter().collect();
        let values = BTreeMap::new();
        Samples { values, servers }
    }

    pub(super) fn add(&mut self, metric: Metric, server: &str, value: f64) {
        let by_server = self.values.entry(metric).or_default();
        by_server.entry(server.to_string()).or_default().push(value);
    }

    pub(super) fn summary(&self, metric: Metric, server: &str) -> Option<Summary> {
        summarize(self.values.get(&metric)?.get(server)?)
    }

    /// Median of step 4 divided by the median of `server`.
    pub(super) fn ratio(&self, metric: Metric, server: &str) -> Option<f64> {
        let ours = self.summary(metric, REFERENCE)?.median;
        let theirs = self.summary(metric, server)?.median;
        (theirs != 0.0).then(|| ours / theirs)
    }

    /// One Markdown table per metric measured: median, min–max, and step 4 ÷
    /// server.
    pub(super) fn tables(&self) -> String {
        let mut out = String::new();
        for &metric in self.values.keys() {
            let rows: Vec<(&String, Summary)> = self
                .servers
                .iter()
                .filter_map(|server| Some((server, self.summary(metric, server)?)))
                .collect();
            if rows.is_empty() {
                continue;
            }
            let better = if metric.higher_is_better() {
                "higher"
            } else {
                "lower"
            };
            let _ = writeln!(out, "\n**{}** ({better} is better)\n", metric.caption());
            let _ = writeln!(out, "| server | median | min–max | step 4 ÷ server |");
            let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
            let d = metric.format().0;
            for (server, s) in rows {
                let ratio = match self.ratio(metric, server) {
                    Some(r) if server != REFERENCE => format!("{r:.2}×"),
                    _ => "—".to_string(),
                };
                let _ = writeln!(
                    out,
                    "| {server} | {:.d$} | {:.d$}–{:.d$} | {ratio} |",
                    s.median, s.min, s.max
                );
            }
        }
        out
    }
}

/// A goal of the issue for step 4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Target {
    /// step 4 ÷ server must be at least this.
    AtLeast(Metric, &'static str, f64),
    /// step 4's median must be at most this.
    AtMost(Metric, f64),
}

pub(super) const TARGETS: [Target; 8] = [
    Target::AtLeast(Metric::SmallRate, "python http.server", 4.0),
    Target::AtLeast(Metric::SmallRate, "nginx", 1.1),
    Target::AtLeast(Metric::SmallRate, "step 1", 1.3),
    Target::AtLeast(Metric::SmallRate, "floor", 0.9),
    Target::AtLeast(Metric::MediumRate, "nginx", 1.1),
    Target::AtLeast(Metric::LargeThroughput, "python http.server", 1.3),
    Target::AtLeast(Metric::LargeThroughput, "nginx", 1.0),
    Target::AtMost(Metric::LargePeakMemory, 8.0),
];

/// The verdict on one target: `Some(true)` met, `Some(false)` missed, `None`
/// not measured (a server was missing).
pub(super) fn check(samples: &Samples, target: Target) -> (String, Option<bool>) {
    let shown = |value: Option<f64>, decimals: usize, unit: &str| {
        value.map_or("not measured".into(), |v| format!("{v:.decimals$}{unit}"))
    };
    match target {
        Target::AtLeast(metric, server, goal) => {
            let ratio = samples.ratio(metric, server);
            let short = metric.caption().split(':').next().unwrap_or_default();
            let measured = shown(ratio, 2, "×");
            let line = format!("{short}: step 4 ÷ {server} = {measured} (target ≥ {goal}×)");
            (line, ratio.map(|r| r >= goal))
        }
        Target::AtMost(metric, goal) => {
            let median = samples.summary(metric, REFERENCE).map(|s| s.median);
            let measured = shown(median, 1, "");
            let caption = metric.caption();
            let line = format!("{caption}: step 4 = {measured} (target ≤ {goal})");
            (line, median.map(|m| m <= goal))
        }
    }
}

/// The list of targets, each marked met, MISSED or not measured.
pub(super) fn verdicts(samples: &Samples) -> String {
    let mut out = String::from("\n**Targets for step 4**\n\n");
    for target in TARGETS {
        let (line, verdict) = check(samples, target);
        let mark = match verdict {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        };
        let _ = writeln!(out, "- {line}: {mark}");
    }
    out
}

#[cfg(test)]
mod tests;
