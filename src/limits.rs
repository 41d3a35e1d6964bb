//! Every limit palanca puts on its input, in one place (and, last, the
//! size of the pieces work is split into across threads).
//!
//! A report tool reads files that people edit by hand, sometimes generate,
//! and now and then get wrong in absurd ways. Each limit below is far above
//! what a real plan needs and low enough that no input can make a build
//! hang, overflow the stack or exhaust memory. Each is checked where the
//! input is read, with a diagnostic that names the limit (README: "Limits").

/// Largest content or theme file read, in bytes.
pub const FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Most files under `content/`.
pub const CONTENT_FILES: usize = 1_000_000;

/// Deepest folder nesting under `content/` and a theme.
pub const FOLDER_DEPTH: usize = 32;

/// Longest formula, in characters. It also bounds how deep a chain of
/// operators (`a + b + c …`) can nest, for evaluation.
pub const FORMULA_CHARS: usize = 1_000;

/// Deepest nesting of a formula: parentheses, function calls, operators.
pub const FORMULA_DEPTH: usize = 64;

/// The furthest back `prev(x, n)` and `cmgr(x, n)` may look, in months.
pub const LOOKBACK_MONTHS: i32 = 120;

/// The last plan month a file may name (`M600`, fifty years).
pub const PLAN_MONTHS: u32 = 600;

/// The first and last calendar years a period may fall in.
pub const YEARS: (i32, i32) = (1900, 2200);

/// The largest magnitude of any value, stated or computed (a quadrillion):
/// beyond it a figure is a typo, and charts could not place it.
pub const MAGNITUDE: f64 = 1e15;

/// Most rows of a table a pull writes beside the snapshots (a file's
/// cohorts: a century of months by a century).
pub const TABLE_ROWS: usize = 1_500_000;

/// Most values in one series of one metric (a century of months).
pub const SERIES_VALUES: usize = 1_200;

/// Longest id of a metric.
pub const ID_CHARS: usize = 64;

/// Longest title, label or one-line text.
pub const TITLE_CHARS: usize = 500;

/// Recipients `palanca send` takes from one file: a letter to investors,
/// not a newsletter.
pub const RECIPIENTS: usize = 1_000;

/// How long `palanca send` waits for the SMTP server at each step before
/// it gives up, in seconds, unless `email.timeout` says otherwise.
pub const SMTP_TIMEOUT_SECS: u32 = 30;

/// The longest `email.timeout` accepted, in seconds.
pub const SMTP_TIMEOUT_MAX: u32 = 600;

/// Longest row of a source CSV file, in bytes: the reader holds one row at
/// a time, so this bounds its memory whatever the file's size.
pub const SOURCE_ROW_BYTES: u64 = 1024 * 1024;

/// Longest SQL query of a source, in characters.
pub const QUERY_CHARS: usize = 10_000;

/// Most decimals a number read from a source may have.
pub const SOURCE_DECIMALS: u32 = 18;

/// Rows a query's result is read in at a time: the most held in memory.
pub const QUERY_BATCH_ROWS: i32 = 10_000;

/// Deepest nesting of YAML flow collections (`[…]`, `{…}`): a metric file
/// needs three (`metrics: [{ target: { … } }]`); beyond this the parsers
/// slow down faster than the depth grows, so it is refused before they run.
pub const YAML_FLOW_DEPTH: usize = 32;

/// How long each SQL query of `palanca pull` may run on the server by
/// default, in seconds (`query_timeout` in site.yaml changes it): a query
/// that never ends must not hold `pull`, nor the server after `pull` is gone.
pub const QUERY_SECONDS: u32 = 60;

/// The longest `query_timeout` accepted: a day.
pub const QUERY_SECONDS_MAX: u32 = 86_400;

/// Most metrics in one site: a plan has dozens, a benchmark thousands;
/// a million made `check` take 39 s and 1.9 GB.
pub const METRICS: usize = 100_000;

/// Most block quotes and list items one Markdown line may open at once.
pub const MARKDOWN_NESTING: usize = 32;

/// Largest page palanca writes, in bytes.
pub const PAGE_BYTES: usize = 64 * 1024 * 1024;

/// The most items (files, pages, metrics) a stage hands one thread at a
/// time. rayon splits work only as deep as there are threads, so on two
/// cores a list of 10,000 pages became four runs of 2,500, and the last
/// one ran alone while the other core waited; runs this short keep every
/// core busy to the end, at a cost too small to measure.
pub const PARALLEL_PIECE: usize = 16;

/// The most months of plan `plan_ahead` draws after the latest actual:
/// ten years, the longest plan palanca reads in one chart.
pub const PLAN_AHEAD_MAX: u32 = 120;

/// The most sentences with figures a plan page keeps for the linter (and
/// an update has traced), and the longest such sentence, in bytes: the
/// linter's memory and time stay a small share of a large site's.
pub const FIGURE_SENTENCES: usize = 64;
/// See [`FIGURE_SENTENCES`].
pub const FIGURE_SENTENCE_BYTES: usize = 600;
