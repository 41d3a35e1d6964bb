//! Build benchmark: synthetic sites of 1,000, 10,000, 30,000 and 100,000
//! plan pages, with one metric file (3 metrics over 36 months) per ten
//! pages. Prints pages per second, charts per second and peak memory for
//! each size.
//!
//! Then `palanca pull` of a CSV export of 1,000,000 invoices into two
//! metrics (paid revenue, a flow, and refunds), with its peak memory; and
//! the same 10,000 pages built by palanca and by Hugo, side by side.
//!
//! `cargo bench` runs everything; `cargo bench -- 2000` runs one size,
//! `cargo bench -- pull` the pull, `cargo bench -- revenue` the pull of
//! a million invoice lines into the revenue family (`revenue/mod.rs`),
//! `cargo bench -- hugo 10000` the
//! comparison and `cargo bench -- serve 10000` serve's rebuilds. Each runs in a fresh process so that its peak memory is its
//! own.

mod revenue;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const PAGES_PER_PLAN: usize = 10;
const RUNS: usize = 3;

/// A small deterministic generator (xorshift), so every run builds the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "revenue",
    "pipeline",
    "retention",
    "pricing",
    "onboarding",
    "partners",
    "churn",
    "margin",
    "customers",
    "expansion",
    "forecast",
    "hiring",
    "budget",
    "cohort",
    "activation",
    "referrals",
    "channel",
    "market",
    "launch",
    "roadmap",
];
const SECTIONS: &[&str] = &[
    "Executive summary",
    "Market analysis",
    "Competition",
    "Product",
    "Go to market",
    "Operations",
    "Team",
    "Financial projections",
    "Risks",
    "Milestones",
];

fn sentence(r: &mut Rng) -> String {
    let n = 8 + r.below(10);
    let mut s: Vec<String> = (0..n).map(|_| r.pick(WORDS).to_string()).collect();
    s[0] = format!("The {}", s[0]);
    let i = 1 + r.below(n - 1);
    s[i] = format!("**{}**", s[i]);
    format!("{}.", s.join(" "))
}

/// A plan page of 2–6 KB: headings, paragraphs, a list, a task list and a table.
fn page_body(r: &mut Rng) -> String {
    let target = 2048 + r.below(4096);
    let mut body = String::new();
    while body.len() < target {
        let _ = writeln!(body, "## {} {}\n", r.pick(SECTIONS), r.below(100));
        for _ in 0..2 {
            let para: Vec<String> = (0..4).map(|_| sentence(r)).collect();
            let _ = writeln!(body, "{}\n", para.join(" "));
        }
        for _ in 0..4 {
            let done = if r.below(10) < 4 { "x" } else { " " };
            let _ = writeln!(body, "- [{done}] {}", sentence(r));
        }
        body.push_str("\n| Month | Revenue | Customers |\n|:--|--:|--:|\n");
        for m in 1..=6 {
            let _ = writeln!(body, "| M{m} | {} | {} |", 10_000 + r.below(90_000), 50 + r.below(900));
        }
        body.push('\n');
    }
    body
}

fn metric_file(r: &mut Rng, plan: usize) -> String {
    let id = format!("p{plan:05}");
    let series = |r: &mut Rng, base: f64, growth: f64, months: usize| -> String {
        let points: Vec<String> = (1..=months)
            .map(|m| {
                format!(
                    "M{m}: {}",
                    (base * (1.0 + growth * (0.6 + r.below(70) as f64 / 100.0)).powi(m as i32 - 1)).round()
                )
            })
            .collect();
        format!("{{ {} }}", points.join(", "))
    };
    let (arr, users) = (50_000.0 + r.below(150_000) as f64, 100.0 + r.below(400) as f64);
    format!(
        "title: Plan {plan}\nmetrics:\n  - id: {id}_arr\n    label: ARR\n    unit: currency\n    target: {}\n    actual: {}\n  - id: {id}_users\n    label: Active users\n    unit: count\n    target: {}\n    actual: {}\n  - id: {id}_arr_per_user\n    label: ARR per user\n    unit: currency\n    formula: {id}_arr / {id}_users\n",
        series(r, arr, 0.1, 36),
        series(r, arr, 0.1, 24),
        series(r, users, 0.08, 36),
        series(r, users, 0.08, 24),
    )
}

fn generate(root: &Path, pages: usize) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("site.yaml", "title: Benchmark plans\nlanguage: en\nstart: 2024-01\n");
    write(
        "content/_index.md",
        "---\ntitle: Benchmark plans\n---\nSynthetic plans.\n",
    );
    write("content/plan/_index.md", "---\ntitle: Plans\n---\nAll plans.\n");
    for plan in 0..pages.div_ceil(PAGES_PER_PLAN) {
        write(
            &format!("content/plan/p{plan:05}/_index.md"),
            &format!("---\ntitle: Plan {plan}\n---\n{}\n", sentence(&mut r)),
        );
        write(&format!("content/metrics/p{plan:05}.yaml"), &metric_file(&mut r, plan));
        for (i, section) in SECTIONS
            .iter()
            .enumerate()
            .take(PAGES_PER_PLAN.min(pages - plan * PAGES_PER_PLAN))
        {
            let title = format!("{section} of plan {plan}");
            let body = page_body(&mut r);
            write(
                &format!("content/plan/p{plan:05}/{i:02}.md"),
                &format!("---\ntitle: \"{title}\"\nweight: {i}\n---\n{body}"),
            );
        }
    }
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A passphrase for the encrypted runs (strong enough to be accepted).
const PASSPHRASE: &str = "maple orbit quietly seventeen lanterns";

/// Builds `site` into `out` `RUNS` times and returns the best time with
/// what the last run made.
fn best_build(site: &Path, out: &Path, protection: &palanca::pipeline::Protection, runs: usize) -> (f64, usize, usize) {
    let mut best = f64::INFINITY;
    let (mut html, mut charts) = (0, 0);
    for _ in 0..runs {
        let started = Instant::now();
        let report = palanca::pipeline::build(site, out, palanca::pipeline::Options::default(), protection)
            .expect("the synthetic site builds");
        best = best.min(started.elapsed().as_secs_f64());
        (html, charts) = (report.stats.pages, report.stats.charts);
    }
    (best, html, charts)
}

fn scratch() -> tempfile::TempDir {
    if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .unwrap()
}

/// Builds a site of `pages` pages, plain and then encrypted, `RUNS` times
/// each in this process, and reports the best runs (the machine is
/// shared; the best is the least disturbed). Sites of 30,000 pages and
/// more are built once, plain only.
fn run_one(pages: usize) {
    let scratch = scratch();
    let site = scratch.path().join("site");
    generate(&site, pages);
    let out = scratch.path().join("out");
    let runs = if pages >= 30_000 { 1 } else { RUNS };
    let (best, html, charts) = best_build(&site, &out, &palanca::pipeline::Protection::Plain, runs);
    println!(
        "{pages:>6} plan pages: {html} HTML pages, {charts} charts in {:.3} s (best of {runs}) = {:.0} pages/s, {:.0} charts/s, peak RSS {:.0} MB",
        best,
        html as f64 / best,
        charts as f64 / best,
        peak_rss_kb() as f64 / 1024.0
    );
    if pages >= 30_000 {
        return;
    }
    let sealed = palanca::pipeline::Protection::Encrypted(palanca::encrypt::Openers {
        passphrase: Some(palanca::encrypt::Passphrase::new(PASSPHRASE)),
        readers: Vec::new(),
    });
    let (encrypted, _, _) = best_build(&site, &out, &sealed, RUNS);
    println!(
        "{pages:>6} plan pages, encrypted: {encrypted:.3} s, {:+.0}% over the plain build",
        (encrypted / best - 1.0) * 100.0
    );
}

/// The shapes an absurd input takes: one page with 100,000 shortcodes, and
/// a chain of 50,000 metrics each computed from the one before.
fn run_adversarial() {
    let scratch = scratch();
    let site = scratch.path().join("busy");
    let write = |rel: &str, text: &str| {
        let path = site.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "site.yaml",
        "title: Busy\nlanguage: en\nstart: 2024-01\nheadline: [m0]\n",
    );
    let mut chain = String::from(
        "title: Chain\nmetrics:\n  - id: m0\n    label: M0\n    unit: count\n    target: { M1: 1, M2: 2 }\n    actual: { M1: 1 }\n",
    );
    for i in 1..50_000 {
        let _ = write!(
            chain,
            "  - id: m{i}\n    label: M{i}\n    unit: count\n    formula: m{} + 1\n",
            i - 1
        );
    }
    write("content/metrics/chain.yaml", &chain);
    let started = Instant::now();
    palanca::pipeline::check(&site, palanca::pipeline::Options::default()).expect("the chain resolves");
    println!(
        "a chain of 50,000 formula metrics checked in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    std::fs::remove_file(site.join("content/metrics/chain.yaml")).unwrap();
    write(
        "content/metrics/one.yaml",
        "title: One\nmetrics:\n  - id: m0\n    label: M0\n    unit: count\n    target: { M1: 1, M2: 2 }\n    actual: { M1: 1 }\n",
    );
    write(
        "content/plan/busy.md",
        &format!(
            "---\ntitle: Busy\n---\n{}",
            "{{ kpi(metric=\"m0\") }}\n".repeat(100_000)
        ),
    );
    let out = scratch.path().join("out");
    let (best, _, _) = best_build(&site, &out, &palanca::pipeline::Protection::Plain, RUNS);
    println!("a page of 100,000 shortcodes built in {best:.2} s (best of {RUNS})");
}

/// Rows of the invoice export the pull benchmark reads.
const INVOICES: usize = 1_000_000;

/// Writes a Stripe-like export of `rows` invoices over three years: id,
/// date and time, amount with a currency sign and thousands separators,
/// status.
fn invoices(path: &Path, rows: usize) {
    use std::io::Write as _;
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "id,Created (UTC),Amount,Currency,Status").unwrap();
    let statuses = [
        "paid", "paid", "paid", "paid", "paid", "paid", "paid", "refunded", "failed",
    ];
    for i in 0..rows {
        let month = i * 36 / rows;
        let (y, m) = (2022 + month / 12, month % 12 + 1);
        let cents = 1_000 + r.below(500_000);
        let amount = format!("{}.{:02}", cents / 100, cents % 100);
        let amount = if cents >= 100_000 {
            format!("\"${},{}\"", &amount[..amount.len() - 6], &amount[amount.len() - 6..])
        } else {
            format!("${amount}")
        };
        writeln!(
            out,
            "in_{i:08},{y}-{m:02}-{:02} {:02}:{:02}:00,{amount},usd,{}",
            1 + r.below(28),
            r.below(24),
            r.below(60),
            r.pick(&statuses)
        )
        .unwrap();
    }
    out.flush().unwrap();
}

/// Pulls a 1,000,000-row export `RUNS` times and reports the best time and
/// the peak memory of this process.
fn run_pull() {
    let scratch = scratch();
    let site = scratch.path().join("site");
    std::fs::create_dir_all(site.join("content/metrics")).unwrap();
    std::fs::create_dir_all(site.join("data")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: Pull\nlanguage: en\nstart: 2022-01\n").unwrap();
    std::fs::write(
        site.join("content/metrics/revenue.yaml"),
        "title: Revenue\nsource: { csv: data/invoices.csv, period: Created (UTC), value: Amount, format: \"$1,234.56\" }\nmetrics:\n  - id: revenue\n    label: Revenue\n    unit: currency\n    kind: flow\n    source: { filter: { column: Status, equals: paid } }\n  - id: refunds\n    label: Refunds\n    unit: currency\n    kind: flow\n    source: { filter: { column: Status, equals: refunded } }\n",
    )
    .unwrap();
    let csv = site.join("data/invoices.csv");
    invoices(&csv, INVOICES);
    let bytes = std::fs::metadata(&csv).unwrap().len();
    let before = peak_rss_kb();
    let mut best = f64::INFINITY;
    for _ in 0..RUNS {
        let started = Instant::now();
        let report =
            palanca::pull::pull(&site, palanca::pull::PullOptions::default(), &|_| None).expect("the export pulls");
        best = best.min(started.elapsed().as_secs_f64());
        assert_eq!(report.metrics.len(), 2);
        assert_eq!(report.metrics[0].months, 36);
    }
    println!(
        "pull of {INVOICES} CSV rows ({:.0} MB, 2 metrics): {best:.3} s (best of {RUNS}) = {:.1} M rows/s, peak RSS {:.1} MB ({:.1} MB before the pull)",
        bytes as f64 / 1e6,
        INVOICES as f64 / best / 1e6,
        peak_rss_kb() as f64 / 1024.0,
        before as f64 / 1024.0,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "adversarial") {
        return run_adversarial();
    }
    if args.iter().any(|a| a == "pull") {
        return run_pull();
    }
    if args.iter().any(|a| a == "revenue") {
        return revenue::run();
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if args.iter().any(|a| a == "serve") {
        return run_serve(sizes.first().copied().unwrap_or(10_000));
    }
    if args.iter().any(|a| a == "hugo") {
        return run_hugo(sizes.first().copied().unwrap_or(10_000));
    }
    if let [one] = sizes.as_slice() {
        return run_one(*one);
    }
    let me = std::env::current_exe().unwrap();
    for size in [1_000, 10_000, 30_000, 100_000] {
        let status = Command::new(&me).arg(size.to_string()).status().unwrap();
        assert!(status.success(), "benchmark of {size} pages failed");
    }
    let status = Command::new(&me).arg("adversarial").status().unwrap();
    assert!(status.success(), "the adversarial benchmark failed");
    let status = Command::new(&me).arg("pull").status().unwrap();
    assert!(status.success(), "the pull benchmark failed");
    let status = Command::new(&me).arg("revenue").status().unwrap();
    assert!(status.success(), "the revenue benchmark failed");
    let status = Command::new(&me).args(["serve", "10000"]).status().unwrap();
    assert!(status.success(), "the serve benchmark failed");
    let status = Command::new(&me).args(["hugo", "10000"]).status().unwrap();
    assert!(status.success(), "the comparison with Hugo failed");
}

/// What `serve` redoes after one edit: the site is built in memory with
/// caches kept, then rebuilt after a page edit and after a metric edit.
fn run_serve(pages: usize) {
    use palanca::pipeline::{Caches, Options, preview};
    let scratch = scratch();
    let site = scratch.path().join("site");
    generate(&site, pages);
    let caches = Caches::new();
    let started = Instant::now();
    preview(&site, Options::default(), &caches).expect("the site builds");
    let cold = started.elapsed().as_secs_f64();
    let timed = |what: &str, file: &str, edit: &dyn Fn(String) -> String| {
        let path = site.join(file);
        std::fs::write(&path, edit(std::fs::read_to_string(&path).unwrap())).unwrap();
        let started = Instant::now();
        // What serve's watcher does with the save's event.
        caches.load.note_changes(&site, std::slice::from_ref(&path));
        let p = preview(
            &site,
            Options {
                verbose: true,
                ..Options::default()
            },
            &caches,
        )
        .expect("the site builds");
        println!(
            "serve, {pages} pages, after {what}: rebuilt in {:.0} ms ({} pieces redone, {} reused)",
            started.elapsed().as_secs_f64() * 1000.0,
            p.stats.redone,
            p.stats.reused
        );
    };
    println!("serve, {pages} pages: first build in memory {cold:.2} s");
    // Files written a moment ago are read again on every rebuild (their
    // times are too close to the clock to be trusted, as in git); a site
    // being edited is older than that. Wait, and let one rebuild stamp them.
    std::thread::sleep(std::time::Duration::from_millis(2_500));
    let started = Instant::now();
    preview(&site, Options::default(), &caches).expect("the site builds");
    println!(
        "serve, {pages} pages: rebuild with nothing changed {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    timed("a page edit", "content/plan/p00007/03.md", &|t| {
        t + "\nOne more line.\n"
    });
    timed("a metric edit", "content/metrics/p00007.yaml", &|t| {
        t.replacen("M1: ", "M1: 1", 1)
    });
    println!(
        "serve, {pages} pages: peak RSS of this process (files kept in memory, as tests build them) {:.0} MB",
        peak_rss_kb() as f64 / 1024.0
    );
    drop(caches);
    live_serve(&site, pages);
}

/// The real server on the same site, as a user runs it: the time from a
/// save to the page's reload event and to the new page fetched, as the
/// browser's live-reload script does, and the server's peak memory.
fn live_serve(site: &Path, pages: usize) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    let spawned = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_palanca"))
        .args(["serve", "--port", "4300"])
        .arg("--site")
        .arg(site)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let port: u16 = loop {
        line.clear();
        assert!(said.read_line(&mut line).unwrap() > 0, "serve stopped");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
        }
    };
    let first = spawned.elapsed().as_secs_f64();
    // Keep reading serve's messages (so it never blocks on a full pipe),
    // keeping its rebuild times.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in said.lines().map_while(Result::ok) {
            if let Some(ms) = line.split(" in ").nth(1).and_then(|r| r.split(" ms").next()) {
                let _ = tx.send(ms.parse::<u64>().unwrap_or(0));
            }
        }
    });
    let get = |path: &str| {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut body = String::new();
        s.read_to_string(&mut body).unwrap();
        body
    };
    let page = "content/plan/p00011/04.md";
    let url = "/plan/p00011/04/index.html";
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(events, "GET /__palanca/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut events = BufReader::new(events);
    let wait_for_reload = |events: &mut BufReader<TcpStream>| loop {
        let mut l = String::new();
        assert!(events.read_line(&mut l).unwrap() > 0, "the event stream ended");
        if l.trim() == "data: reload" {
            return;
        }
    };
    let mut best = (f64::MAX, f64::MAX);
    for round in 0..5 {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let marker = format!("Livemarker{round}");
        let path = site.join(page);
        let text = std::fs::read_to_string(&path).unwrap();
        let started = Instant::now();
        std::fs::write(&path, format!("{text}\n{marker}\n")).unwrap();
        wait_for_reload(&mut events);
        let event = started.elapsed().as_secs_f64() * 1000.0;
        assert!(get(url).contains(&marker), "the reloaded page shows the edit");
        let shown = started.elapsed().as_secs_f64() * 1000.0;
        best = (best.0.min(event), best.1.min(shown));
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0);
    let _ = child.kill();
    let _ = child.wait();
    let mut rebuilds: Vec<u64> = rx.try_iter().collect();
    rebuilds.sort_unstable();
    println!(
        "palanca serve, {pages} pages: serving after {first:.2} s; a page edit rebuilt in {} ms (median of {}), shown: reload event after {:.0} ms, new page fetched after {:.0} ms (best of 5, save grouping included); peak RSS {:.0} MB",
        rebuilds.get(rebuilds.len() / 2).copied().unwrap_or(0),
        rebuilds.len(),
        best.0,
        best.1,
        peak / 1024.0
    );
}

/// The same pages built by palanca and by Hugo, one after the other, output
/// on a RAM disk: `../shared/bench/gen_site.py` writes them for both. Said
/// and skipped when Hugo or the generator is missing (Hugo comes from the
/// Debian package: `apt-get install hugo`).
fn run_hugo(pages: usize) {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_site.py");
    let hugo = Command::new("hugo").arg("version").output();
    let Ok(version) = hugo else {
        println!("comparison with Hugo skipped: `hugo` is not installed (apt-get install hugo)");
        return;
    };
    if !generator.is_file() {
        println!("comparison with Hugo skipped: {} not found", generator.display());
        return;
    }
    let scratch = scratch();
    let status = Command::new("python3")
        .arg(&generator)
        .args([&pages.to_string(), scratch.path().to_str().unwrap(), "--palanca"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "gen_site.py failed");
    let time = |program: &str, args: &[&str], dir: &Path| -> (f64, u64) {
        let mut best = (f64::INFINITY, 0);
        for _ in 0..RUNS {
            let started = Instant::now();
            let out = Command::new("/usr/bin/time")
                .args(["-f", "%M"])
                .arg(program)
                .args(args)
                .current_dir(dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{program} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let elapsed = started.elapsed().as_secs_f64();
            let rss: u64 = String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
                .unwrap_or(0);
            if elapsed < best.0 {
                best = (elapsed, rss);
            }
        }
        best
    };
    let me = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/palanca");
    let out = scratch.path().join("out-palanca");
    let hugo_out = scratch.path().join("out-hugo");
    let (p, p_rss) = time(
        me.to_str().unwrap(),
        &["build", "-q", "--out", out.to_str().unwrap()],
        &scratch.path().join("palanca"),
    );
    let (h, h_rss) = time(
        "hugo",
        &["--quiet", "-d", hugo_out.to_str().unwrap()],
        &scratch.path().join("hugo"),
    );
    println!(
        "{pages} pages side by side (best of {RUNS}, output on a RAM disk): palanca {p:.2} s, {:.0} pages/s, {:.0} MB; {} {h:.2} s, {:.0} pages/s, {:.0} MB; palanca {:.1}x Hugo's pages/s",
        pages as f64 / p,
        p_rss as f64 / 1024.0,
        String::from_utf8_lossy(&version.stdout)
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" "),
        pages as f64 / h,
        h_rss as f64 / 1024.0,
        h / p
    );
}
