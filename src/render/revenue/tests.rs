use super::*;

fn cell(customers: u64, mrr: f64) -> Cell {
    Cell { customers, mrr }
}

fn cohorts() -> Cohorts {
    let mut c = Cohorts::default();
    c.cohorts.insert(
        Month::parse_iso("2024-01").unwrap(),
        vec![cell(4, 400.0), cell(3, 450.0), cell(2, 200.0)],
    );
    c.cohorts
        .insert(Month::parse_iso("2024-02").unwrap(), vec![cell(2, 100.0), cell(0, 0.0)]);
    c.cohorts
        .insert(Month::parse_iso("2024-03").unwrap(), vec![cell(0, -10.0)]);
    c
}

#[test]
fn an_update_sees_no_cohort_cell_after_its_month() {
    let c = cohorts();
    let feb = Month::parse_iso("2024-02").unwrap();
    let seen = visible(&c, Some(feb));
    assert_eq!(seen.len(), 2, "March's cohort starts after February");
    assert_eq!(seen[0].1.len(), 2, "January's cohort at ages 0 and 1");
    assert_eq!(seen[1].1.len(), 1);
    assert_eq!(visible(&c, None).len(), 3);
    let before = Month::parse_iso("2023-12").unwrap();
    assert!(visible(&c, Some(before)).is_empty());
}

#[test]
fn shares_are_of_the_cohorts_first_month_and_none_without_one() {
    let first = cell(4, 400.0);
    assert_eq!(Kept::Customers.share(&first, &cell(3, 450.0)), Some(0.75));
    assert_eq!(Kept::Revenue.share(&first, &cell(3, 450.0)), Some(1.125));
    let nothing = cell(0, -10.0);
    assert_eq!(Kept::Customers.share(&nothing, &nothing), None);
    assert_eq!(
        Kept::Revenue.share(&nothing, &nothing),
        None,
        "a cohort that began owing has no share"
    );
}

#[test]
fn the_cohorts_csv_has_every_cell_with_its_month_and_shares() {
    let text = String::from_utf8(cohorts_csv(&cohorts()).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "cohort,age,period,customers,mrr,customers_kept,revenue_kept");
    assert_eq!(lines[2], "2024-01,1,2024-02,3,450.00,0.7500,1.1250");
    assert_eq!(lines[5], "2024-02,1,2024-03,0,0.00,0.0000,0.0000");
    assert_eq!(lines[6], "2024-03,0,2024-03,0,-10.00,,", "no share of nothing");
    assert_eq!(lines.len(), 7);
}

#[test]
fn the_bridge_csv_writes_cents_and_movements_as_sizes() {
    let m = Movement {
        month: Month::parse_iso("2024-02").unwrap(),
        start: 8000.0,
        new: 11649.85,
        reactivation: 0.0,
        expansion: 804.15,
        contraction: 0.0,
        churned: 454.0,
        end: 20000.0,
    };
    let text = String::from_utf8(bridge_csv(&[m]).unwrap()).unwrap();
    assert_eq!(
        text,
        "period,start,new,reactivation,expansion,contraction,churned,end\n\
         2024-02,8000.00,11649.85,0.00,804.15,0.00,454.00,20000.00\n"
    );
    assert!(has_cents(&m));
    assert!(!has_cents(&Movement {
        new: 11650.0,
        expansion: 804.0,
        ..m
    }));
}
