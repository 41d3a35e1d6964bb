//! The stable codes of every kind of diagnostic, in one list.
//!
//! A code names a kind of finding the way clippy names its lints: it is what
//! `check --format json`, tests and the consistency page match on, so it
//! never changes once published, while the message may be reworded.

/// Which family a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// The input cannot be read or does not follow the format.
    Input,
    /// The plan's own numbers disagree: shown on the consistency page.
    Lint,
    /// Something left out of a build for its audience.
    Audience,
    /// An investor's rule of thumb the plan breaks (`check --advice`).
    Advice,
    /// Templates, the output folder, the command line.
    Build,
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal, $kind:ident;)*) => {
        /// A kind of diagnostic. See the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of the list.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in messages and JSON (`unknown-metric`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// Its family.
            pub fn kind(self) -> CodeKind {
                match self {
                    $(Code::$variant => CodeKind::$kind,)*
                }
            }
        }
    };
}

codes! {
    /// There is no `site.yaml`.
    SiteMissing = "site-missing", Input;
    /// There is no `content/` folder.
    ContentMissing = "content-missing", Input;
    /// A file cannot be read.
    ReadFailed = "read-failed", Input;
    /// A file is not UTF-8.
    NotUtf8 = "not-utf8", Input;
    /// YAML that does not parse, or does not fit the format.
    InvalidYaml = "invalid-yaml", Input;
    /// A Markdown file without front matter.
    FrontMatterMissing = "front-matter-missing", Input;
    /// Front matter that is never closed.
    FrontMatterUnclosed = "front-matter-unclosed", Input;
    /// A setting in `site.yaml` that parses but makes no sense.
    BadSetting = "bad-setting", Input;
    /// A period key or month that is not a month.
    BadPeriod = "bad-period", Input;
    /// An update whose file name does not match its month.
    UpdateFileName = "update-file-name", Input;
    /// A theme named in `site.yaml` without its folder.
    ThemeMissing = "theme-missing", Input;
    /// A symbolic link that leads out of the site folder.
    LinkOutside = "link-outside", Input;
    /// An input beyond one of palanca's documented limits.
    TooLarge = "too-large", Input;
    /// Two files that would be written to the same address.
    PathCollision = "path-collision", Input;
    /// A metric id that is not a valid id.
    BadMetricId = "bad-metric-id", Input;
    /// A metric id defined twice.
    DuplicateMetric = "duplicate-metric", Input;
    /// A derived metric that also has its own values.
    DerivedWithValues = "derived-with-values", Input;
    /// A value that does not fit its unit.
    BadValue = "bad-value", Input;
    /// Two keys naming the same month.
    DuplicatePeriod = "duplicate-period", Input;
    /// A formula that does not parse.
    FormulaSyntax = "formula-syntax", Input;
    /// A reference to a metric that does not exist.
    UnknownMetric = "unknown-metric", Input;
    /// Formulas that depend on each other.
    FormulaCycle = "formula-cycle", Input;
    /// A shortcode that cannot be read.
    ShortcodeSyntax = "shortcode-syntax", Input;
    /// A shortcode palanca does not know.
    UnknownShortcode = "unknown-shortcode", Input;
    /// A shortcode argument missing or wrong.
    ShortcodeArgument = "shortcode-argument", Input;
    /// A reference to a metric file that does not exist.
    UnknownGroup = "unknown-group", Input;
    /// A field that does not apply to the section's kind.
    FieldOfOtherKind = "field-of-other-kind", Input;
    /// A window of plan months that is not one.
    BadMonths = "bad-months", Input;
    /// An investment range that is reversed or negative.
    BadInvestment = "bad-investment", Input;
    /// An expected return that cannot be right.
    BadRoi = "bad-roi", Input;
    /// A claim that cannot be checked as written.
    BadClaim = "bad-claim", Input;
    /// An identity check that is not two formulas.
    BadIdentity = "bad-identity", Input;
    /// A metric's `source:` that cannot be read as written.
    BadSource = "bad-source", Input;
    /// A source file that cannot be read.
    SourceRead = "source-read", Input;
    /// A column a source names that its file does not have.
    SourceColumn = "source-column", Input;
    /// A cell of a source that is not a period or a number.
    SourceCell = "source-cell", Input;
    /// A source that gives no rows (after its filter), or rows that cannot be added up.
    SourceRows = "source-rows", Input;
    /// A query that the database refused, or whose rows are not (period, value).
    SourceQuery = "source-query", Input;
    /// An invoice line that cannot be counted: a date or amount that does
    /// not read, a period that ends before it starts, a currency without a
    /// rate, a line written twice.
    InvoiceLine = "invoice-line", Input;
    /// The database cannot be reached, or its address is not set.
    SourceConnection = "source-connection", Build;
    /// A metric with a source that has not been pulled yet.
    SnapshotMissing = "snapshot-missing", Input;
    /// A snapshot file that is not what `palanca pull` writes.
    BadSnapshot = "bad-snapshot", Input;
    /// A month whose actual is both written in YAML and pulled from a source.
    ActualTwice = "actual-twice", Input;
    /// A month already pulled whose value changed at the source.
    RestatedHistory = "restated-history", Input;
    /// A formula divides by zero in some month.
    DivisionByZero = "division-by-zero", Lint;
    /// A stated figure disagrees with its computed value, or has none.
    StatedMismatch = "stated-mismatch", Lint;
    /// A growth claim its targets do not bear out.
    GrowthClaim = "growth-claim", Lint;
    /// A claim of sustained growth that some interval of the targets breaks.
    SustainedGrowth = "sustained-growth", Lint;
    /// A deadline claim its targets do not bear out.
    DeadlineClaim = "deadline-claim", Lint;
    /// Two claims about one metric that contradict each other.
    ClaimsDisagree = "claims-disagree", Lint;
    /// A stated total that its parts do not add up to.
    TotalMismatch = "total-mismatch", Lint;
    /// An identity between metrics that the targets break.
    IdentityMismatch = "identity-mismatch", Lint;
    /// A stock's roll-forward that cannot run: a flow has no plan in some
    /// month between two of its targets (a note).
    BalanceUnchecked = "balance-unchecked", Lint;
    /// Two rates of the same quantity over different periods (a monthly
    /// churn and an annual renewal) that compounding does not reconcile.
    RatePeriods = "rate-periods", Lint;
    /// A claimed total over months the flow's plan does not cover (a note).
    TotalUnchecked = "total-unchecked", Lint;
    /// A figure in a letter that the data contradicts: near the actual, but
    /// not it; or a word of change (tripled) the actuals do not bear out.
    ContradictedFigure = "contradicted-figure", Lint;
    /// A figure in a letter that nothing in the data holds (a note).
    UntracedFigure = "untraced-figure", Lint;
    /// A value outside the range its unit or metric allows.
    OutOfRange = "out-of-range", Lint;
    /// A target that moves against the metric's direction.
    WrongDirection = "wrong-direction", Lint;
    /// Cash that lasts fewer months than the site's alert.
    RunwayShort = "runway-short", Lint;
    /// LTV/CAC above 10: CAC may be understated.
    AdviceLtvCac = "advice-ltv-cac", Advice;
    /// CAC payback over 18 months.
    AdviceCacPayback = "advice-cac-payback", Advice;
    /// Monthly logo churn above 5%.
    AdviceChurn = "advice-churn", Advice;
    /// A burn multiple above 2.
    AdviceBurnMultiple = "advice-burn-multiple", Advice;
    /// A public item left out because it depends on an investor-only one.
    HiddenDependency = "hidden-dependency", Audience;
    /// A template that does not compile or render.
    Template = "template", Build;
    /// The output folder cannot be written or replaced.
    Output = "output", Build;
    /// A passphrase or encryption setting that cannot protect the site.
    Encryption = "encryption", Build;
    /// A command-line request that cannot be carried out.
    Usage = "usage", Build;
    /// An update published with its highlights, lowlights or asks empty,
    /// or with the placeholder text `palanca new update` wrote.
    UnfinishedUpdate = "unfinished-update", Input;
    /// A line of a recipients file that is not an address, or repeats one.
    BadRecipient = "bad-recipient", Input;
    /// An update that cannot be sent: missing, a draft, unfinished, or
    /// the email settings it needs are missing.
    NotSendable = "not-sendable", Build;
    /// The SMTP server could not be reached, or refused a message.
    Smtp = "smtp", Build;
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}
