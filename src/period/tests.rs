//! Unit tests of the parent module.

use super::*;

fn jan24() -> Month {
    Month::new(2024, 1).unwrap()
}

#[test]
fn iso_round_trip() {
    let m = Month::parse_iso("2024-03").unwrap();
    assert_eq!((m.year(), m.month()), (2024, 3));
    assert_eq!(m.to_string(), "2024-03");
    assert_eq!(m.quarter(), 1);
}

#[test]
fn plan_months_count_from_start() {
    assert_eq!(parse_period("M1", jan24()).unwrap(), jan24());
    assert_eq!(parse_period("M12", jan24()).unwrap().to_string(), "2024-12");
    assert_eq!(parse_period("M13", jan24()).unwrap().to_string(), "2025-01");
    assert_eq!(plan_month(Month::parse_iso("2025-01").unwrap(), jan24()), 13);
}

#[test]
fn bad_keys_are_rejected() {
    for bad in ["2024-13", "2024-00", "24-03", "2024-3", "March", "M", "Mx", "2024/03"] {
        assert_eq!(parse_period(bad, jan24()), Err(PeriodError::Malformed), "{bad}");
    }
    assert_eq!(parse_period("M0", jan24()), Err(PeriodError::ZeroPlanMonth));
}

#[test]
fn offsets_cross_years() {
    let m = Month::parse_iso("2024-02").unwrap().offset(-3);
    assert_eq!(m.to_string(), "2023-11");
}

#[test]
fn periods_beyond_the_limits_are_refused() {
    for far in ["M601", "M2147483647", "M99999999999999999999", "1899-12", "2201-01"] {
        assert_eq!(parse_period(far, jan24()), Err(PeriodError::OutOfRange), "{far}");
    }
    assert_eq!(parse_period("M-5", jan24()), Err(PeriodError::ZeroPlanMonth));
    assert_eq!(parse_period("M600", jan24()).unwrap().to_string(), "2073-12");
}

#[test]
fn months_read_as_words_in_the_site_language() {
    let march = Month::new(2024, 3).unwrap();
    let es = Calendar::new("es");
    assert_eq!(es.long(march), "marzo de 2024");
    assert_eq!(es.short(march), "mar 2024");
    assert_eq!(es.quarter(march), "T1 2024");
    let en = Calendar::new("en");
    assert_eq!(en.long(march), "March 2024");
    assert_eq!(en.quarter(Month::new(2024, 11).unwrap()), "Q4 2024");
    assert_eq!(
        Calendar::new("fr").abbr(march),
        "Mar",
        "other languages read as English"
    );
}

#[test]
fn closing_time_is_noon_of_the_last_day() {
    assert_eq!(Month::new(2024, 2).unwrap().last_day(), 29);
    assert_eq!(Month::new(2100, 2).unwrap().last_day(), 28);
    assert_eq!(Month::new(2000, 2).unwrap().last_day(), 29);
    // 2024-03-31T12:00:00Z and 1970-01-31T12:00:00Z.
    assert_eq!(Month::new(2024, 3).unwrap().closing_time(), 1_711_886_400);
    assert_eq!(Month::new(1970, 1).unwrap().closing_time(), 30 * 86_400 + 43_200);
}

#[test]
fn days_read_count_and_add_months_as_calendars_do() {
    let d = |t: &str| Day::parse(t).unwrap_or_else(|| panic!("{t}"));
    assert_eq!(d("1970-01-01"), Day(0));
    assert_eq!(d("2024-03-01").0 - d("2024-02-01").0, 29, "2024 is a leap year");
    assert_eq!(d("2024-03-31 23:59:59"), d("2024-03-31"));
    assert_eq!(d("2024-03-31T23:59:59Z"), d("2024-03-31"));
    assert_eq!(
        d("2024-01-31").add_months(1),
        d("2024-02-29"),
        "clamped to the month's end"
    );
    assert_eq!(d("2024-01-15").add_months(12), d("2025-01-15"));
    assert_eq!(d("2024-11-30").add_months(3), d("2025-02-28"));
    assert_eq!(d("2024-02-29").month(), Month::new(2024, 2).unwrap());
    assert_eq!(Day::last_of(Month::new(2023, 2).unwrap()), d("2023-02-28"));
    assert_eq!(d("2024-07-04").to_string(), "2024-07-04");
    for bad in [
        "2024-02-30",
        "2024-13-01",
        "2024-1-01",
        "20240101",
        "2024-01-01x",
        "",
        "1800-01-01",
    ] {
        assert_eq!(Day::parse(bad), None, "{bad}");
    }
    // Every day of four centuries reads back as written.
    for n in -50_000..100_000 {
        let day = Day(n);
        assert_eq!(
            Day::parse(&day.to_string())
                .filter(|_| in_years(day.month()))
                .map(|x| x.0),
            in_years(day.month()).then_some(n)
        );
    }
}

#[test]
fn a_stretch_is_a_year_a_quarter_or_a_year_of_the_plan() {
    let start = Month::new(2025, 4).unwrap();
    let m = |y, mo| Month::new(y, mo).unwrap();
    assert_eq!(parse_stretch("2026", start), Ok((m(2026, 1), m(2026, 12))));
    assert_eq!(parse_stretch("2026-Q2", start), Ok((m(2026, 4), m(2026, 6))));
    assert_eq!(parse_stretch("Y2", start), Ok((m(2026, 4), m(2027, 3))));
    for bad in ["2026-Q5", "Q1", "Y0", "twenty", "", "2026-Q", "Y99999"] {
        assert!(parse_stretch(bad, start).is_err(), "{bad}");
    }
}
