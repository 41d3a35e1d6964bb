//! `cargo bench -- revenue`: `palanca pull` of an invoice-line export of
//! 100,000 customers over 30 months — monthly and annual plans, upgrades,
//! churn, setup fees, about a million lines — into the revenue family and
//! its cohorts, with its time and peak memory.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use super::{RUNS, Rng, peak_rss_kb, scratch};

const CUSTOMERS: usize = 100_000;
const MONTHS: usize = 30;

/// Writes the export and returns how many lines it has.
fn export(path: &Path) -> usize {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "customer,invoice,type,service_period_start,service_period_end,amount,currency"
    )
    .unwrap();
    let prices = [29u32, 49, 99, 299];
    let mut lines = 0;
    let mut invoice = 0u64;
    let ymd = |month: usize, day: usize| format!("{}-{:02}-{:02}", 2022 + month / 12, month % 12 + 1, day);
    for c in 0..CUSTOMERS {
        let start = r.below(MONTHS);
        let day = 1 + r.below(28);
        let annual = r.below(100) < 12;
        let mut plan = r.below(prices.len());
        if plan == 3 {
            invoice += 1;
            let next = if day < 28 { (start, day + 1) } else { (start + 1, 1) };
            writeln!(
                out,
                "cus_{c},in_{invoice},one_time,{},{},500.00,USD",
                ymd(start, day),
                ymd(next.0, next.1)
            )
            .unwrap();
            lines += 1;
        }
        let step = if annual { 12 } else { 1 };
        let mut month = start;
        while month < MONTHS {
            invoice += 1;
            let amount = prices[plan] * step as u32;
            writeln!(
                out,
                "cus_{c},in_{invoice},subscription,{},{},{amount}.00,USD",
                ymd(month, day),
                ymd(month + step, day)
            )
            .unwrap();
            lines += 1;
            month += step;
            // About 2 % churn a month; an upgrade now and then.
            if r.below(1000) < 20 * step {
                break;
            }
            if plan < prices.len() - 1 && r.below(100) < 2 {
                plan += 1;
            }
        }
    }
    out.flush().unwrap();
    lines
}

/// Pulls the export `RUNS` times and reports the best time and the peak
/// memory of this process.
pub fn run() {
    let scratch = scratch();
    let site = scratch.path().join("site");
    std::fs::create_dir_all(site.join("content/metrics")).unwrap();
    std::fs::create_dir_all(site.join("data")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: Revenue\nlanguage: en\nstart: 2022-01\n").unwrap();
    std::fs::write(
        site.join("content/metrics/revenue.yaml"),
        "title: Revenue\nrevenue: { invoices: data/lines.csv, until: 2024-06 }\n",
    )
    .unwrap();
    let csv = site.join("data/lines.csv");
    let lines = export(&csv);
    let bytes = std::fs::metadata(&csv).unwrap().len();
    let before = peak_rss_kb();
    let mut best = f64::INFINITY;
    for _ in 0..RUNS {
        let started = Instant::now();
        let report =
            palanca::pull::pull(&site, palanca::pull::PullOptions::default(), &|_| None).expect("the export pulls");
        best = best.min(started.elapsed().as_secs_f64());
        let mrr = report
            .metrics
            .iter()
            .find(|m| m.metric == "mrr")
            .expect("mrr is pulled");
        assert_eq!(mrr.months, MONTHS);
    }
    println!(
        "revenue pull of {lines} invoice lines ({CUSTOMERS} customers, {MONTHS} months, {:.0} MB): {best:.3} s (best of {RUNS}), peak RSS {:.1} MB ({:.1} MB before the pull)",
        bytes as f64 / 1e6,
        peak_rss_kb() as f64 / 1024.0,
        before as f64 / 1024.0,
    );
}
