#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

/// The end of a real `ab -c 8` run against step 4.
const AB_OUTPUT: &str = "\
Benchmarking 127.0.0.1 (be patient).....done


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            8404

Document Path:          /
Document Length:        1139 bytes

Concurrency Level:      8
Time taken for tests:   0.124 seconds
Complete requests:      2000
Failed requests:        0
Total transferred:      2552000 bytes
HTML transferred:       2278000 bytes
Requests per second:    16066.19 [#/sec] (mean)
Time per request:       0.498 [ms] (mean)
Time per request:       0.062 [ms] (mean, across all concurrent requests)
Transfer rate:          20019.98 [Kbytes/sec] received
";

#[test]
fn ab_summary_is_read() {
    let report = parse_ab(AB_OUTPUT).unwrap();
    assert_eq!(report.complete, 2000);
    assert_eq!(report.failed, 0);
    assert_eq!(report.non_2xx, 0);
    assert!((report.requests_per_second - 16066.19).abs() < 1e-9);
    // The per-client mean, not the one divided by the concurrency.
    assert!((report.mean_ms - 0.498).abs() < 1e-9);
}

#[test]
fn ab_errors_and_non_2xx_are_counted() {
    let output = AB_OUTPUT
        .replace(
            "Failed requests:        0",
            "Failed requests:        7\n   (Connect: 0, Receive: 7, Length: 0, Exceptions: 0)",
        )
        .replace(
            "Total transferred:",
            "Non-2xx responses:      20\nTotal transferred:",
        );
    let report = parse_ab(&output).unwrap();
    assert_eq!(report.failed, 7);
    assert_eq!(report.non_2xx, 20);
}

#[test]
fn ab_without_summary_is_an_error() {
    let error = parse_ab("apr_socket_recv: Connection refused (111)\n").unwrap_err();
    assert!(error.to_string().contains("no summary"), "{error}");
}

#[test]
fn vm_hwm_is_read_in_kib() {
    let status =
        "Name:\tstep4-pico-http\nVmPeak:\t    4444 kB\nVmHWM:\t    2388 kB\nVmRSS:\t    2000 kB\n";
    assert_eq!(number_after::<u64>(status, "VmHWM:"), Some(2388));
    assert_eq!(number_after::<u64>("Name:\tkthreadd\n", "VmHWM:"), None);
}

#[test]
fn median_of_odd_and_even_counts() {
    let odd = summarize(&[3.0, 1.0, 2.0]).unwrap();
    assert_eq!(
        odd,
        Summary {
            median: 2.0,
            min: 1.0,
            max: 3.0
        }
    );
    let even = summarize(&[4.0, 1.0, 3.0, 2.0]).unwrap();
    assert_eq!(
        even,
        Summary {
            median: 2.5,
            min: 1.0,
            max: 4.0
        }
    );
    assert_eq!(summarize(&[]), None);
    // A failed measurement (NaN) is left out rather than sorted somewhere.
    assert_eq!(summarize(&[f64::NAN, 5.0]).unwrap().median, 5.0);
}

fn samples() -> Samples {
    let mut samples = Samples::new(["step 4", "nginx", "python http.server"].map(String::from));
    for (server, values) in [
        ("step 4", [9000.0, 11000.0, 10000.0]),
        ("nginx", [8000.0, 9000.0, 10000.0]),
        ("python http.server", [2000.0, 2600.0, 2500.0]),
    ] {
        for value in values {
            samples.add(Metric::SmallRate, server, value);
        }
    }
    samples.add(Metric::LargePeakMemory, "step 4", 2.5);
    samples
}

#[test]
fn ratio_divides_the_medians() {
    let samples = samples();
    assert_eq!(
        samples.ratio(Metric::SmallRate, "nginx"),
        Some(10000.0 / 9000.0)
    );
    assert_eq!(
        samples.ratio(Metric::SmallRate, "python http.server"),
        Some(4.0)
    );
    assert_eq!(samples.ratio(Metric::SmallRate, "floor"), None);
}

#[test]
fn tables_show_median_range_and_ratio() {
    let tables = samples().tables();
    assert!(
        tables.contains("| step 4 | 10000 | 9000–11000 | — |"),
        "{tables}"
    );
    assert!(
        tables.contains("| nginx | 9000 | 8000–10000 | 1.11× |"),
        "{tables}"
    );
    assert!(
        tables.contains("| python http.server | 2500 | 2000–2600 | 4.00× |"),
        "{tables}"
    );
    // Metrics nobody measured get no table.
    assert!(!tables.contains("64 KiB"), "{tables}");
}

#[test]
fn targets_are_met_missed_or_not_measured() {
    let samples = samples();
    let nginx = check(&samples, Target::AtLeast(Metric::SmallRate, "nginx", 1.1));
    assert_eq!(nginx.1, Some(true));
    let python = check(
        &samples,
        Target::AtLeast(Metric::SmallRate, "python http.server", 4.1),
    );
    assert_eq!(python.1, Some(false));
    assert!(python.0.contains("4.00×"), "{}", python.0);
    let floor = check(&samples, Target::AtLeast(Metric::SmallRate, "floor", 0.9));
    assert_eq!(floor.1, None);
    assert_eq!(
        check(&samples, Target::AtMost(Metric::LargePeakMemory, 8.0)).1,
        Some(true)
    );
    assert_eq!(
        check(&samples, Target::AtMost(Metric::LargePeakMemory, 2.0)).1,
        Some(false)
    );
    let verdicts = verdicts(&samples);
    assert!(
        verdicts.contains("step 4 ÷ nginx = 1.11× (target ≥ 1.1×): met"),
        "{verdicts}"
    );
    assert!(
        verdicts.contains("step 4 ÷ floor = not measured (target ≥ 0.9×): not measured"),
        "{verdicts}"
    );
    assert!(
        verdicts.contains("step 4 ÷ python http.server = 4.00× (target ≥ 4×): met"),
        "{verdicts}"
    );
}
