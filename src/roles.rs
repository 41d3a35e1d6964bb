//! What a metric is: its kind (stock, flow or rate), how its actual is
//! compared with plan, and its standard role in the vocabulary investors
//! read a plan with (`../shared/notes/metrics.md`). Shared by every stage:
//! the loader reads them, sources add rows up by kind, the model and the
//! linter reason with them.
//!
//! A role gives a metric its defaults — stock, flow or rate; the values
//! that make sense; whether moving down is a warning sign — and, when the
//! roles an identity needs are all present, lets the linter check that
//! identity without anyone writing it (see the linter's identities).

use serde::{Deserialize, Serialize};

use crate::units::{Direction, Unit};

/// What a metric's value is, for adding it up over a quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MetricKind {
    /// A balance read at a period's end: ARR, cash, customers.
    Stock,
    /// An amount over a period, summed: revenue, burn, new customers.
    Flow,
    /// A ratio or rate, averaged over a period: churn, margin, CAC.
    Rate,
}

/// How actual is compared with plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    /// Actual over target (target over actual when lower is better).
    Ratio,
    /// For bounded metrics such as uptime: the error budget the plan
    /// allows (1 − target) over the one used (1 − actual).
    Budget,
}

/// A standard metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Annual recurring revenue, run rate (MRR × 12).
    Arr,
    /// Monthly recurring revenue at the month's end.
    Mrr,
    /// Revenue recognised in the month.
    Revenue,
    /// ARR added in the month, net of churn.
    NetNewArr,
    /// Paying customers at the month's end.
    Customers,
    /// Customers won in the month.
    NewCustomers,
    /// Customers lost in the month.
    ChurnedCustomers,
    /// Monthly revenue per paying customer.
    Arpu,
    /// Cost to acquire a customer.
    Cac,
    /// Lifetime value of a customer.
    Ltv,
    /// LTV over CAC.
    LtvCac,
    /// Months of gross margin to earn back the CAC.
    CacPayback,
    /// Gross margin, a fraction.
    GrossMargin,
    /// Customers lost in a month over those at its start, a fraction.
    Churn,
    /// Customers kept in a month, a fraction.
    Retention,
    /// Net revenue retention in a month, a fraction that may pass 1.
    Nrr,
    /// Expansion revenue in a month over the month's starting MRR.
    Expansion,
    /// Cash in the bank at the month's end.
    Cash,
    /// Cash spent in the month net of revenue.
    NetBurn,
    /// Money raised in the month.
    Financing,
    /// Months of cash at the current net burn.
    Runway,
    /// People on the payroll at the month's end.
    Headcount,
    /// Net burn over net new ARR.
    BurnMultiple,
    /// What the company is worth.
    Valuation,
    /// Share of time the service is up, a fraction.
    Uptime,
    /// MRR of customers who had none before, in the month.
    NewMrr,
    /// MRR added by customers who paid more than the month before.
    ExpansionMrr,
    /// MRR lost by customers who paid less, but still paid.
    ContractionMrr,
    /// MRR lost by customers who stopped paying.
    ChurnedMrr,
    /// MRR of customers who had paid before, stopped, and pay again.
    ReactivationMrr,
    /// Customers lost in the month over those at its start, a fraction.
    LogoChurn,
    /// Churned and contraction MRR over the month's starting MRR.
    RevenueChurn,
    /// Gross revenue retention over twelve months, a fraction up to 1.
    Grr,
    /// MRR per paying account.
    Arpa,
}

/// The metrics a metric file's `revenue:` block gives, computed from
/// invoice lines by `palanca pull`: each id with its role, and its label
/// in English and Spanish.
pub const REVENUE_FAMILY: &[(&str, Role, &str, &str)] = &[
    ("mrr", Role::Mrr, "MRR", "MRR"),
    ("arr", Role::Arr, "ARR", "ARR"),
    ("customers", Role::Customers, "Customers", "Clientes"),
    ("new_mrr", Role::NewMrr, "New MRR", "MRR nuevo"),
    ("expansion_mrr", Role::ExpansionMrr, "Expansion MRR", "MRR de expansión"),
    (
        "contraction_mrr",
        Role::ContractionMrr,
        "Contraction MRR",
        "MRR de contracción",
    ),
    ("churned_mrr", Role::ChurnedMrr, "Churned MRR", "MRR perdido"),
    (
        "reactivation_mrr",
        Role::ReactivationMrr,
        "Reactivation MRR",
        "MRR reactivado",
    ),
    ("logo_churn", Role::LogoChurn, "Logo churn", "Cancelación de clientes"),
    (
        "revenue_churn",
        Role::RevenueChurn,
        "Revenue churn",
        "Pérdida de ingresos",
    ),
    ("nrr", Role::Nrr, "NRR", "NRR"),
    ("grr", Role::Grr, "GRR", "GRR"),
    ("arpa", Role::Arpa, "ARPA", "ARPA"),
];

/// What a role implies for its metric.
#[derive(Debug, Clone, Copy)]
pub struct Traits {
    /// Stock, flow or rate.
    pub kind: MetricKind,
    /// Whether higher is better.
    pub direction: Direction,
    /// The values that make sense.
    pub range: (f64, f64),
    /// Whether a target moving against the direction is worth a warning
    /// (not for cash, which falls while a funded company spends, nor for
    /// burn or headcount, which rise while it hires).
    pub check_direction: bool,
    /// How actual is compared with plan.
    pub compare: Comparison,
}

impl Role {
    /// What the role implies.
    pub fn traits(self) -> Traits {
        use MetricKind::{Flow, Rate, Stock};
        use Role::*;
        let (kind, direction, range, check_direction) = match self {
            Arr | Mrr | Customers | Valuation => (Stock, Direction::Up, (0.0, f64::INFINITY), true),
            Revenue | NewCustomers => (Flow, Direction::Up, (0.0, f64::INFINITY), true),
            NetNewArr => (Flow, Direction::Up, (f64::NEG_INFINITY, f64::INFINITY), true),
            // Customers lost rise with the base even when churn falls.
            ChurnedCustomers => (Flow, Direction::Down, (0.0, f64::INFINITY), false),
            Arpu | Ltv => (Rate, Direction::Up, (0.0, f64::INFINITY), true),
            Cac => (Rate, Direction::Down, (0.0, f64::INFINITY), true),
            LtvCac => (Rate, Direction::Up, (0.0, f64::INFINITY), true),
            CacPayback => (Rate, Direction::Down, (0.0, f64::INFINITY), true),
            GrossMargin => (Rate, Direction::Up, (-1.0, 1.0), true),
            Churn => (Rate, Direction::Down, (0.0, 1.0), true),
            Retention | Uptime => (Rate, Direction::Up, (0.0, 1.0), true),
            Nrr => (Rate, Direction::Up, (0.0, 3.0), true),
            Expansion => (Rate, Direction::Up, (0.0, 3.0), true),
            Cash => (Stock, Direction::Up, (f64::NEG_INFINITY, f64::INFINITY), false),
            NetBurn => (Flow, Direction::Down, (f64::NEG_INFINITY, f64::INFINITY), false),
            Financing => (Flow, Direction::Up, (0.0, f64::INFINITY), false),
            Runway => (Stock, Direction::Up, (0.0, f64::INFINITY), false),
            Headcount => (Stock, Direction::Up, (0.0, f64::INFINITY), false),
            BurnMultiple => (Rate, Direction::Down, (f64::NEG_INFINITY, f64::INFINITY), true),
            NewMrr | ExpansionMrr | ReactivationMrr => (Flow, Direction::Up, (0.0, f64::INFINITY), true),
            // Lost MRR rises with the base even when churn falls.
            ContractionMrr | ChurnedMrr => (Flow, Direction::Down, (0.0, f64::INFINITY), false),
            LogoChurn | RevenueChurn => (Rate, Direction::Down, (0.0, 1.0), true),
            Grr => (Rate, Direction::Up, (0.0, 1.0), true),
            Arpa => (Rate, Direction::Up, (0.0, f64::INFINITY), true),
        };
        Traits {
            kind,
            direction,
            range,
            check_direction,
            compare: if self == Uptime {
                Comparison::Budget
            } else {
                Comparison::Ratio
            },
        }
    }

    /// The unit a metric of this role is written in, to catch a role put
    /// on the wrong metric.
    pub fn unit(self) -> Unit {
        use Role::*;
        match self {
            Arr | Mrr | Revenue | NetNewArr | Arpu | Cac | Ltv | Cash | NetBurn | Financing | Valuation | NewMrr
            | ExpansionMrr | ContractionMrr | ChurnedMrr | ReactivationMrr | Arpa => Unit::Currency,
            Customers | NewCustomers | ChurnedCustomers | Headcount => Unit::Count,
            GrossMargin | Churn | Retention | Nrr | Expansion | Uptime | LogoChurn | RevenueChurn | Grr => {
                Unit::Percent
            }
            LtvCac | BurnMultiple => Unit::Ratio,
            CacPayback | Runway => Unit::Months,
        }
    }

    /// The role's name as written in a metric file.
    pub fn name(self) -> String {
        crate::units::name_of(&self)
    }
}

/// The kind of a metric without a role: money and counts are read at the
/// period's end unless said otherwise; everything else is a rate.
pub fn default_kind(unit: Unit) -> MetricKind {
    match unit {
        Unit::Currency | Unit::Count | Unit::Months => MetricKind::Stock,
        _ => MetricKind::Rate,
    }
}

#[cfg(test)]
mod tests;
