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
    /// Everything paid out in the month, cost of revenue included.
    Spend,
    /// Salaries and their costs in the month, a part of spend.
    Payroll,
    /// What delivering the month's revenue cost (hosting, payment fees,
    /// support), a part of spend.
    CostOfRevenue,
    /// Gross merchandise value: what buyers paid through a marketplace.
    Gmv,
    /// The share of GMV a marketplace keeps as revenue.
    TakeRate,
    /// Visitors in the month: the top of a funnel.
    Visitors,
    /// One step of a funnel: the share of the step before that goes on.
    Conversion,
}

/// A metric a metric file's `revenue:` block gives, computed from invoice
/// lines by `palanca pull`: its id and role, and its label and what it is
/// in English and Spanish (shown unless the file writes its own).
pub struct FamilyMember {
    /// Its id, which is also its role's name.
    pub id: &'static str,
    /// Its role.
    pub role: Role,
    /// Its label, English and Spanish.
    pub label: [&'static str; 2],
    /// How it is computed, English and Spanish.
    pub about: [&'static str; 2],
}

impl FamilyMember {
    /// Its label in `language` (`es`, else English).
    pub fn label_in(&self, language: &str) -> &'static str {
        self.label[usize::from(language == "es")]
    }

    /// What it is in `language` (`es`, else English).
    pub fn about_in(&self, language: &str) -> &'static str {
        self.about[usize::from(language == "es")]
    }
}

const fn member(id: &'static str, role: Role, label: [&'static str; 2], about: [&'static str; 2]) -> FamilyMember {
    FamilyMember { id, role, label, about }
}

/// The revenue family, in the order pages show it.
pub const REVENUE_FAMILY: &[FamilyMember] = &[
    member(
        "mrr",
        Role::Mrr,
        ["MRR", "MRR"],
        [
            "What customers pay each month for their subscriptions at the month's end, from the invoice lines; setup fees and other one-time charges are left out.",
            "Lo que pagan al mes los clientes por sus suscripciones al cierre de cada mes, según las líneas de factura; las cuotas de alta y otros cobros puntuales no cuentan.",
        ],
    ),
    member(
        "arr",
        Role::Arr,
        ["ARR", "ARR"],
        [
            "12 × MRR: the year's revenue at this month's run rate.",
            "12 × MRR: los ingresos de un año al ritmo de este mes.",
        ],
    ),
    member(
        "customers",
        Role::Customers,
        ["Customers", "Clientes"],
        [
            "Customers paying something at the month's end.",
            "Clientes que pagan algo al cierre del mes.",
        ],
    ),
    member(
        "new_mrr",
        Role::NewMrr,
        ["New MRR", "MRR nuevo"],
        [
            "MRR of customers who paid for the first time this month.",
            "MRR de los clientes que pagan por primera vez este mes.",
        ],
    ),
    member(
        "expansion_mrr",
        Role::ExpansionMrr,
        ["Expansion MRR", "MRR de expansión"],
        [
            "What customers already paying added this month (upgrades, more seats).",
            "Lo que añadieron este mes los clientes que ya pagaban (subidas de plan, más usuarios).",
        ],
    ),
    member(
        "contraction_mrr",
        Role::ContractionMrr,
        ["Contraction MRR", "MRR de contracción"],
        [
            "What customers who still pay took away this month (downgrades, credits).",
            "Lo que quitaron este mes los clientes que siguen pagando (bajadas de plan, abonos).",
        ],
    ),
    member(
        "churned_mrr",
        Role::ChurnedMrr,
        ["Churned MRR", "MRR perdido"],
        [
            "MRR of the customers who stopped paying this month.",
            "MRR de los clientes que dejaron de pagar este mes.",
        ],
    ),
    member(
        "reactivation_mrr",
        Role::ReactivationMrr,
        ["Reactivation MRR", "MRR reactivado"],
        [
            "MRR of customers who had paid before, stopped, and pay again this month.",
            "MRR de los clientes que pagaron, lo dejaron y vuelven a pagar este mes.",
        ],
    ),
    member(
        "logo_churn",
        Role::LogoChurn,
        ["Logo churn", "Cancelación de clientes"],
        [
            "Customers lost this month over the customers at the end of the month before.",
            "Clientes perdidos este mes entre los clientes al cierre del mes anterior.",
        ],
    ),
    member(
        "revenue_churn",
        Role::RevenueChurn,
        ["Revenue churn", "Pérdida de ingresos"],
        [
            "Churned and contraction MRR over the MRR at the end of the month before.",
            "MRR perdido y de contracción entre el MRR al cierre del mes anterior.",
        ],
    ),
    member(
        "nrr",
        Role::Nrr,
        ["NRR", "NRR"],
        [
            "Net revenue retention: the MRR now of the customers who paid twelve months before, over their MRR then; it starts in the thirteenth month of lines.",
            "Retención neta de ingresos: el MRR de hoy de los clientes que pagaban hace doce meses entre su MRR de entonces; empieza en el mes trece de líneas.",
        ],
    ),
    member(
        "grr",
        Role::Grr,
        ["GRR", "GRR"],
        [
            "Gross revenue retention: as NRR, each customer counted at no more than their MRR twelve months before.",
            "Retención bruta de ingresos: como el NRR, pero cada cliente cuenta como mucho lo que pagaba hace doce meses.",
        ],
    ),
    member(
        "arpa",
        Role::Arpa,
        ["ARPA", "ARPA"],
        ["MRR per paying customer.", "MRR por cliente que paga."],
    ),
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
            // Margins move with the mix (a marketplace lowering its take
            // rate lowers its margin by design).
            GrossMargin => (Rate, Direction::Up, (-1.0, 1.0), false),
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
            // Costs rise with the business by design.
            Spend | Payroll | CostOfRevenue => (Flow, Direction::Down, (0.0, f64::INFINITY), false),
            Gmv | Visitors => (Flow, Direction::Up, (0.0, f64::INFINITY), true),
            // A marketplace may lower its take rate on purpose.
            TakeRate => (Rate, Direction::Up, (0.0, 1.0), false),
            Conversion => (Rate, Direction::Up, (0.0, 1.0), true),
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
            | ExpansionMrr | ContractionMrr | ChurnedMrr | ReactivationMrr | Arpa | Spend | Payroll | CostOfRevenue
            | Gmv => Unit::Currency,
            Customers | NewCustomers | ChurnedCustomers | Headcount | Visitors => Unit::Count,
            GrossMargin | Churn | Retention | Nrr | Expansion | Uptime | LogoChurn | RevenueChurn | Grr | TakeRate
            | Conversion => Unit::Percent,
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
