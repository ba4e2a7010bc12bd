//! Properties of the clock and the calendar, checked on random inputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use gongkai_workflow::{Calendar, CalendarYear, Holiday, builtin_calendar, due_date};
use proptest::prelude::*;
use std::sync::OnceLock;

fn cal() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| builtin_calendar().unwrap())
}

/// Whether `d` is a working day, from the calendar's lists alone (no prefix counts).
fn naive_working(cal: &Calendar, d: NaiveDate) -> bool {
    if let Some(y) = cal.year(d.year()) {
        if y.makeup.contains(&d) {
            return true;
        }
        if y.holidays.iter().any(|h| h.from <= d && d <= h.to) {
            return false;
        }
        return !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    }
    // Outside the published years: weekends and the fixed public holidays are off.
    let fixed = matches!((d.month(), d.day()), (1, 1) | (5, 1) | (5, 2) | (10, 1..=3));
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !fixed
}

/// The reference: walk day by day from `start`, counting working days outside every pause.
fn naive_due(
    cal: &Calendar,
    start: NaiveDate,
    n: u32,
    pauses: &[(NaiveDate, NaiveDate)],
) -> NaiveDate {
    let mut d = start;
    let mut counted = 0;
    while counted < n {
        d += Duration::days(1);
        let paused = pauses.iter().any(|(a, b)| *a < d && d <= *b);
        if naive_working(cal, d) && !paused {
            counted += 1;
        }
    }
    d
}

/// Counted working days in (from, to], outside the pauses.
fn counted_between(
    cal: &Calendar,
    from: NaiveDate,
    to: NaiveDate,
    pauses: &[(NaiveDate, NaiveDate)],
) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d += Duration::days(1);
        if naive_working(cal, d) && !pauses.iter().any(|(a, b)| *a < d && d <= *b) {
            n += 1;
        }
    }
    n
}

/// A date between 2006 and 2028: before, inside and after the published years (2008–2026),
/// the cn-2008 years included.
fn date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2006, 1, 1).unwrap();
    (0i64..(23 * 366)).prop_map(move |i| first + Duration::days(i))
}

/// Up to four pauses near `start`, each (from, to] with from ≤ to.
fn pauses_near(start: NaiveDate) -> impl Strategy<Value = Vec<(NaiveDate, NaiveDate)>> {
    prop::collection::vec((-10i64..60, 0i64..40), 0..4).prop_map(move |v| {
        v.into_iter()
            .map(|(offset, len)| {
                let a = start + Duration::days(offset);
                (a, a + Duration::days(len))
            })
            .collect()
    })
}

type Case = (NaiveDate, u32, Vec<(NaiveDate, NaiveDate)>);

fn case() -> impl Strategy<Value = Case> {
    (date(), 1u32..45).prop_flat_map(|(start, n)| (Just(start), Just(n), pauses_near(start)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fast_due_date_equals_the_day_by_day_reference((start, n, pauses) in case()) {
        let (due, _) = due_date(cal(), start, n, &pauses);
        prop_assert_eq!(due, naive_due(cal(), start, n, &pauses));
    }

    #[test]
    fn due_date_is_never_before_start_plus_n_working_days((start, n, pauses) in case()) {
        let (due, _) = due_date(cal(), start, n, &pauses);
        let (plain, _) = cal().add_working_days(start, n);
        prop_assert!(due >= plain);
        prop_assert!(cal().working_days_between(start, due) >= i64::from(n));
        prop_assert!(cal().is_working_day(due));
    }

    #[test]
    fn a_pause_never_makes_a_due_date_earlier(
        (start, n, pauses) in case(),
        extra_from in -5i64..50,
        extra_len in 0i64..30,
    ) {
        let (before, _) = due_date(cal(), start, n, &pauses);
        let mut more = pauses.clone();
        let a = start + Duration::days(extra_from);
        more.push((a, a + Duration::days(extra_len)));
        let (after, _) = due_date(cal(), start, n, &more);
        prop_assert!(after >= before, "{after} < {before}");
    }

    #[test]
    fn the_extension_adds_exactly_its_period((start, n, pauses) in case(), ext in 1u32..=20) {
        let (due, _) = due_date(cal(), start, n, &pauses);
        let (extended, _) = due_date(cal(), start, n + ext, &pauses);
        prop_assert_eq!(counted_between(cal(), due, extended, &pauses), ext);
    }

    #[test]
    fn add_and_count_are_inverse(start in date(), n in 0u32..400) {
        let (end, provisional) = cal().add_working_days(start, n);
        prop_assert_eq!(cal().working_days_between(start, end), i64::from(n));
        let (first, last) = cal().coverage().unwrap();
        let expected = n > 0 && !(start + Duration::days(1) >= first && end <= last);
        prop_assert_eq!(provisional, expected);
    }

    #[test]
    fn provisional_exactly_when_the_span_leaves_the_published_years((start, n, pauses) in case()) {
        let (due, provisional) = due_date(cal(), start, n, &pauses);
        let (first, last) = cal().coverage().unwrap();
        let covered = start + Duration::days(1) >= first && due <= last;
        prop_assert_eq!(provisional, !covered);
    }

    /// A due date in a year without its notice never falls on 1 January, 1–2 May or 1–3
    /// October (全国年节及纪念日放假办法 art. 2), whatever the start, period and pauses.
    #[test]
    fn no_provisional_due_date_falls_on_a_fixed_public_holiday(
        (start, n, pauses) in case(),
        years_on in 0i64..40,
    ) {
        // Also far beyond the published years, on the calendar and on one with none at all.
        let start = start + Duration::days(years_on * 365);
        let pauses: Vec<_> = pauses
            .iter()
            .map(|(a, b)| (*a + Duration::days(years_on * 365), *b + Duration::days(years_on * 365)))
            .collect();
        for cal in [cal(), &Calendar::weekends_only()] {
            let (due, provisional) = due_date(cal, start, n, &pauses);
            if provisional && !cal.covers(due) {
                prop_assert!(
                    !matches!((due.month(), due.day()), (1, 1) | (5, 1) | (5, 2) | (10, 1..=3)),
                    "{due}"
                );
                prop_assert!(!matches!(due.weekday(), Weekday::Sat | Weekday::Sun), "{due}");
            }
            prop_assert_eq!(due, naive_due(cal, start, n, &pauses));
        }
    }

    #[test]
    fn a_calendar_printed_and_loaded_again_is_the_same(years in calendars()) {
        let cal = Calendar::new(years).unwrap();
        let text = cal.to_toml();
        let again = Calendar::from_toml_str("printed", &text).unwrap();
        prop_assert_eq!(&cal, &again);
        prop_assert_eq!(text, again.to_toml());
    }
}

/// Random valid calendars: consecutive years, non-overlapping holidays, weekend make-up days.
fn calendars() -> impl Strategy<Value = Vec<CalendarYear>> {
    (2000i32..2090, 1usize..4).prop_flat_map(|(first, count)| {
        prop::collection::vec(year_content(), count).prop_map(move |contents| {
            contents
                .into_iter()
                .enumerate()
                .map(|(i, (spans, makeup, with_source))| {
                    let year = first + i32::try_from(i).unwrap();
                    build_year(year, &spans, &makeup, with_source)
                })
                .collect()
        })
    })
}

type YearContent = (Vec<(u32, u32, bool)>, Vec<u32>, bool);

fn year_content() -> impl Strategy<Value = YearContent> {
    (
        prop::collection::vec((0u32..360, 0u32..9, any::<bool>()), 0..8),
        prop::collection::vec(0u32..365, 0..8),
        any::<bool>(),
    )
}

fn build_year(
    year: i32,
    spans: &[(u32, u32, bool)],
    makeup: &[u32],
    with_source: bool,
) -> CalendarYear {
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
    let names = [
        "元旦",
        "春节",
        "清明",
        "劳动节",
        "端午",
        "中秋",
        "国庆",
        "国庆·中秋",
    ];
    let mut taken: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut holidays = Vec::new();
    for (i, (start, len, note)) in spans.iter().enumerate() {
        let from = jan1 + Duration::days(i64::from(*start));
        let to = (from + Duration::days(i64::from(*len))).min(dec31);
        if taken.iter().any(|(a, b)| from <= *b && *a <= to) {
            continue;
        }
        taken.push((from, to));
        holidays.push(Holiday {
            name: names[i % names.len()].to_owned(),
            from,
            to,
            note: note.then(|| "调整说明 \"引号\"".to_owned()),
        });
    }
    let mut days: Vec<NaiveDate> = makeup
        .iter()
        .map(|o| jan1 + Duration::days(i64::from(*o)))
        .filter(|d| d.year() == year && matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .filter(|d| !taken.iter().any(|(a, b)| a <= d && d <= b))
        .collect();
    days.sort();
    days.dedup();
    CalendarYear {
        year,
        source: with_source.then(|| format!("国务院办公厅关于{year}年部分节假日安排的通知")),
        holidays,
        makeup: days,
    }
}
