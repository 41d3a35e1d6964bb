//! SQL sources against a real PostgreSQL server: a throwaway cluster is
//! made in a temporary folder (`initdb`), started on a free loopback port
//! with its socket inside that folder and trust authentication, loaded with
//! a fixture table, and stopped at the end even when the test fails. The
//! site pulls from it, builds, and its figures are read in the HTML.
//!
//! PostgreSQL refuses to run as root: as root (as in CI) the server runs
//! as the `postgres` system user. Without PostgreSQL installed the test
//! says so and is skipped, unless `CI` is set (`.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::pull::pull;
use crate::{build, html, stderr, texts};

/// A running cluster; dropping it stops the server.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The folder with `initdb` and `pg_ctl`: on the PATH, or where Debian's
/// `postgresql` package puts them.
fn binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(Result::ok).map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    debian.sort();
    debian.reverse();
    on_path
        .into_iter()
        .chain(debian)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

impl Cluster {
    /// Starts a cluster, or returns None (after saying so) when PostgreSQL
    /// is not installed and `CI` is not set.
    fn start() -> Option<Cluster> {
        let Some(bin) = binaries() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but PostgreSQL is not installed: `apt-get install postgresql`"
            );
            eprintln!("\n*** SKIPPED the PostgreSQL tests: initdb not found on PATH or in /usr/lib/postgresql ***\n");
            return None;
        };
        let as_postgres = is_root();
        let dir = tempfile::tempdir().unwrap();
        if as_postgres {
            let ids = |flag: &str| -> u32 {
                let o = Command::new("id").args([flag, "postgres"]).output().unwrap();
                String::from_utf8_lossy(&o.stdout)
                    .trim()
                    .parse()
                    .expect("a postgres user")
            };
            std::os::unix::fs::chown(dir.path(), Some(ids("-u")), Some(ids("-g"))).unwrap();
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            as_postgres,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c timezone=UTC",
            cluster.dir.path().display()
        );
        let log = cluster.dir.path().join("server.log").display().to_string();
        cluster.run(
            "pg_ctl",
            &["-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60", "start"],
        );
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Runs one of the server's programs, as `postgres` when we are root.
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let o = cmd.args(args).current_dir(self.dir.path()).output().unwrap();
        let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
        assert!(
            o.status.success(),
            "{program} failed: {}{}\n{log}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn execute(&self, sql: &str) {
        let mut client = postgres::Client::connect(&self.url(), postgres::NoTls).unwrap();
        client.batch_execute(sql).unwrap();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let path = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&path)
                .args(args)
                .output()
        } else {
            Command::new(&path).args(args).output()
        };
    }
}

/// Whether this process runs as root (no libc call: `id -u`).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

const TABLES: &str = "
create schema finance;
create table finance.mrr_monthly (month date primary key, mrr numeric(12, 2));
insert into finance.mrr_monthly values
  ('2024-01-01', 10000.00), ('2024-02-01', 20000.00), ('2024-03-01', 30500.50);
create table payments (paid_at timestamptz, amount numeric(12, 2), status text);
insert into payments
  select timestamptz '2024-01-01 00:00:00+00' + (i || ' hours')::interval, 1.25, case when i % 10 = 0 then 'failed' else 'paid' end
  from generate_series(0, 24 * 60 - 1) as i;
";

fn site(dir: &Path, metrics: &str) -> PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("content/metrics")).unwrap();
    std::fs::write(
        site.join("site.yaml"),
        "title: T\nlanguage: en\nstart: 2024-01\nheadline: [mrr]\ndatabase_url_env: PALANCA_TEST_DATABASE_URL\n",
    )
    .unwrap();
    std::fs::write(site.join("content/metrics/revenue.yaml"), metrics).unwrap();
    site
}

const METRICS: &str = "title: Revenue
metrics:
  - id: mrr
    label: MRR
    unit: currency
    role: mrr
    target: { M1: 10000, M3: 30000 }
    source: { sql: \"select month, mrr from finance.mrr_monthly\" }
  - id: payments
    label: Payments
    unit: currency
    kind: flow
    source:
      sql: |
        select paid_at, amount
        from payments
        where status = 'paid'
";

#[test]
fn a_query_is_pulled_built_and_restated() {
    let Some(db) = Cluster::start() else { return };
    db.execute(TABLES);
    let env = [("PALANCA_TEST_DATABASE_URL".to_string(), db.url())];
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path(), METRICS);
    let o = pull(&site, &env);
    assert!(o.status.success(), "{}", stderr(&o));
    let snapshot = |id: &str| std::fs::read_to_string(site.join(format!("content/snapshots/{id}.csv"))).unwrap();
    assert_eq!(
        snapshot("mrr"),
        "period,value\n2024-01,10000\n2024-02,20000\n2024-03,30500.5\n"
    );
    // 744 hours in January, one in ten failed: 669 payments of $1.25 (in UTC).
    assert_eq!(snapshot("payments"), "period,value\n2024-01,836.25\n2024-02,783.75\n");
    let out = dir.path().join("out");
    let b = build(&site, &out);
    assert!(b.status.success(), "{}", stderr(&b));
    let doc = html(&out, "metrics/revenue/index.html");
    let cells = texts(&doc, "section#mrr table.detail-table tbody td");
    assert!(cells.iter().any(|c| c == "$30.5K"), "{cells:?}");
    let payments = texts(&doc, "section#payments table.detail-table tbody td");
    assert!(payments.iter().any(|c| c == "$836"), "{payments:?}");

    db.execute("update finance.mrr_monthly set mrr = 21000 where month = '2024-02-01'");
    let o = pull(&site, &env);
    assert!(
        stderr(&o)
            .contains("warning[restated-history]: 2024-02 of `mrr` changed from $20K to $21K since the last pull"),
        "{}",
        stderr(&o)
    );

    // A query the server refuses: its message, at the query in the YAML,
    // and every snapshot left as it was.
    let before = crate::snapshot(&site.join("content/snapshots"));
    std::fs::write(
        site.join("content/metrics/revenue.yaml"),
        METRICS.replace("select month, mrr from", "select month, mrrr from"),
    )
    .unwrap();
    let o = pull(&site, &env);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[source-query]: the database refused the query of `mrr`: column \"mrrr\" does not exist"),
        "{err}"
    );
    assert!(
        err.contains("--> content/metrics/revenue.yaml:8:35"),
        "the caret at `mrrr`:\n{err}"
    );
    assert_eq!(crate::snapshot(&site.join("content/snapshots")), before);

    // A query of one column is not (period, value).
    std::fs::write(
        site.join("content/metrics/revenue.yaml"),
        METRICS.replace("select month, mrr from", "select month from"),
    )
    .unwrap();
    let err = stderr(&pull(&site, &env));
    assert!(err.contains("it returns one column, not (period, value)"), "{err}");

    // The server gone: a connection error, nothing written.
    drop(db);
    let o = pull(&site, &env);
    assert!(
        stderr(&o).contains("error[source-connection]: cannot connect to the database of `PALANCA_TEST_DATABASE_URL`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(crate::snapshot(&site.join("content/snapshots")), before);
}

#[test]
fn a_query_cannot_write_to_the_database() {
    let Some(db) = Cluster::start() else { return };
    db.execute(
        "create table t (month date, v int); insert into t values ('2024-01-01', 1);
         create function bump() returns int language sql volatile
           as 'insert into t values (''2024-02-01'', 2) returning 2';",
    );
    let env = [("PALANCA_TEST_DATABASE_URL".to_string(), db.url())];
    let dir = tempfile::tempdir().unwrap();
    let metrics = "title: R\nmetrics:\n  - id: mrr\n    label: MRR\n    unit: currency\n    source: { sql: \"select month, bump() from t\" }\n";
    let site = site(dir.path(), metrics);
    let o = pull(&site, &env);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot execute INSERT in a read-only transaction"),
        "{}",
        stderr(&o)
    );
    let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).unwrap();
    let left: i64 = client.query_one("select count(*) from t", &[]).unwrap().get(0);
    assert_eq!(left, 1, "the pull ran in a read-only transaction");
}

#[test]
fn a_query_that_runs_too_long_is_stopped_by_the_server() {
    let Some(db) = Cluster::start() else { return };
    let env = [("PALANCA_TEST_DATABASE_URL".to_string(), db.url())];
    let dir = tempfile::tempdir().unwrap();
    let metrics = "title: R\nmetrics:\n  - id: mrr\n    label: MRR\n    unit: currency\n    source: { sql: \"select date '2024-01-01', 1 from pg_sleep(30)\" }\n";
    let site = site(dir.path(), metrics);
    let yaml = site.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{text}query_timeout: 1\n")).unwrap();
    let o = pull(&site, &env);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error[source-query]: the query of `mrr` ran for more than 1 s, and the server stopped it"),
        "{}",
        stderr(&o)
    );
    assert!(!site.join("content/snapshots/mrr.csv").exists());
    // A time limit that is not one is refused before anything runs.
    std::fs::write(&yaml, format!("{text}query_timeout: 0\n")).unwrap();
    let o = pull(&site, &env);
    assert!(
        stderr(&o).contains("`query_timeout: 0` is not between 1 and 86,400 seconds"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_interrupted_pull_cancels_its_query_on_the_server() {
    let Some(db) = Cluster::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let metrics = "title: R\nmetrics:\n  - id: mrr\n    label: MRR\n    unit: currency\n    source: { sql: \"select date '2024-01-01', 1 from pg_sleep(600)\" }\n";
    let site = site(dir.path(), metrics);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("palanca"))
        .args(["pull", "--site", site.to_str().unwrap()])
        .env("PALANCA_TEST_DATABASE_URL", db.url())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).unwrap();
    let running = |client: &mut postgres::Client| -> i64 {
        client
            .query_one(
                "select count(*) from pg_stat_activity where query like '%pg_sleep(600)%' and pid <> pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0)
    };
    let waited = std::time::Instant::now();
    while running(&mut client) == 0 {
        assert!(waited.elapsed().as_secs() < 30, "the query never started");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Ctrl-C, as a terminal sends it.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    assert_eq!(status.code(), Some(130), "{said}");
    assert!(said.contains("its query was cancelled on the server"), "{said}");
    let waited = std::time::Instant::now();
    while running(&mut client) > 0 {
        assert!(waited.elapsed().as_secs() < 10, "the server still runs the query");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The lines of `tests/fixtures/pull/invoices_rates_and_columns` as a table.
const INVOICE_LINES: &str = "
create table invoice_lines (
  cliente text, factura text, tipo text, inicio timestamp, fin timestamp, importe numeric(12, 2), moneda text
);
insert into invoice_lines values
  ('a', 'F1', 'subscription', '2024-01-15', '2025-01-15', 1200.00, 'EUR'),
  ('a', 'F1', 'one_time', '2024-01-15', '2024-01-16', 500.00, 'EUR'),
  ('b', 'F2', 'subscription', '2024-01-01', '2024-02-01', 50.00, 'USD'),
  ('b', 'F3', 'subscription', '2024-02-01', '2024-03-01', 80.00, 'usd'),
  ('b', 'F4', 'subscription', '2024-02-01', '2024-03-01', -20.00, null),
  ('c', 'F5', 'subscription', '2024-02-10 09:30:00', '2024-03-10 09:30:00', 30.00, 'USD');
";

#[test]
fn invoice_lines_from_a_query_give_the_snapshots_the_same_lines_give_from_a_csv() {
    let Some(db) = Cluster::start() else { return };
    db.execute(INVOICE_LINES);
    let env = [("PALANCA_TEST_DATABASE_URL".to_string(), db.url())];
    let dir = tempfile::tempdir().unwrap();
    let case = crate::repo().join("tests/fixtures/pull/invoices_rates_and_columns");
    let yaml = std::fs::read_to_string(case.join("content/metrics/revenue.yaml")).unwrap();
    // The same block, with a query where the CSV file was and without the
    // CSV's own options.
    let yaml = yaml
        .replace(
            "  invoices: data/lineas.csv\n",
            "  sql: \"select cliente, factura, tipo, inicio, fin, importe, moneda from invoice_lines\"\n",
        )
        .replace("  delimiter: \";\"\n", "")
        .replace("  format: \"1.234,56\"\n", "");
    assert!(yaml.contains("sql:") && !yaml.contains("delimiter"), "{yaml}");
    let site = site(dir.path(), &yaml);
    let o = pull(&site, &env);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = crate::snapshot(&case.join("expected"));
    let pulled = crate::snapshot(&site.join("content/snapshots"));
    assert_eq!(
        pulled.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "the same snapshots"
    );
    for (file, bytes) in &expected {
        assert_eq!(
            String::from_utf8_lossy(&pulled[file]),
            String::from_utf8_lossy(bytes),
            "{file} as the CSV gives it"
        );
    }
}
