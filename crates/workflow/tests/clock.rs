//! Due dates checked by hand against the official holiday notices (STATUTE.md §8), and the
//! calendar's loading rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use gongkai_workflow::clock::{ClockInput, Pause, StartReason, WarningLevel, warning_level};
use gongkai_workflow::{
    Calendar, PauseKind, Statute, builtin_calendar, due_date, parse_date, reply_due,
};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn cal() -> Calendar {
    builtin_calendar().unwrap()
}

fn due(received: &str) -> String {
    let cal = cal();
    let statute = Statute::builtin();
    let profile = statute.profile_for(d(received)).unwrap();
    let r = reply_due(&cal, profile, &ClockInput::received(d(received)));
    r.due.unwrap().to_string()
}

/// The cn-2008 years (requests received 2008-05-01 .. 2019-05-14) count the State Council's
/// holidays and make-up days, not weekends alone: each answer was counted by hand on the
/// year's notice, and each differs from the weekend-only count except where noted.
#[test]
fn cn_2008_years_count_the_state_council_holidays() {
    let table = [
        // 春节 2009: 01-25–01-31; make-up 01-24 (Sat), 02-01 (Sun). Weekends only: 02-13.
        ("2009-01-23", "2009-02-18"),
        // 抗战胜利70周年纪念日 (国发明电〔2015〕1号): 09-03–09-05 off, 09-06 (Sun) worked.
        // Weekends only: 09-23.
        ("2015-09-02", "2015-09-24"),
        // 国庆 2008: 09-29–10-05; make-up 09-27, 09-28. Weekends only: 10-17.
        ("2008-09-26", "2008-10-22"),
        // 元旦 2019 from the 2019 notice: 2018-12-30–12-31 off, 2018-12-29 (Sat) worked.
        // Weekends only: 2019-01-18.
        ("2018-12-28", "2019-01-21"),
        // 春节 2014 began on 01-31: New Year's Eve (01-30) was a working day; make-up 02-08.
        ("2014-01-29", "2014-02-25"),
        // 元旦 2012: 2011-12-31 (Sat) worked, 01-01–01-03 off; the 15th day is the make-up
        // Saturday 01-21.
        ("2011-12-30", "2012-01-21"),
        // 中秋·国庆 2012: 09-30–10-07; make-up 09-29.
        ("2012-09-28", "2012-10-25"),
    ];
    let cal = cal();
    let statute = Statute::builtin();
    for (received, expected) in table {
        let profile = statute.profile_for(d(received)).unwrap();
        assert_eq!(profile.id, "cn-2008", "received {received}");
        let r = reply_due(&cal, profile, &ClockInput::received(d(received)));
        assert_eq!(r.due, Some(d(expected)), "received {received}");
        assert!(!r.provisional, "received {received}: the year is published");
    }
    // The holiday is named in the explanation the applicant reads.
    let r = reply_due(
        &cal,
        statute.profile("cn-2008").unwrap(),
        &ClockInput::received(d("2015-09-02")),
    );
    assert!(
        r.explanation
            .text_zh
            .iter()
            .any(|line| line.contains("抗战胜利70周年纪念日")),
        "{:?}",
        r.explanation.text_zh
    );
    // The 2008 Spring Festival predates the Regulations (in force 2008-05-01): no profile
    // counts a request received then, but the calendar itself knows the year.
    assert!(statute.profile_for(d("2008-02-01")).is_none());
    assert_eq!(
        cal.add_working_days(d("2008-02-01"), 15),
        (d("2008-02-27"), false)
    );
    assert!(cal.is_working_day(d("2008-02-02")), "make-up Saturday");
    assert!(!cal.is_working_day(d("2008-02-11")), "春节 Monday");
}

/// Received on the last working day before each Spring Festival, Labour Day and National Day
/// holiday, 2019–2026. Each answer was counted by hand on the calendar, with the make-up
/// working days (调休上班) counted and the holiday's weekdays skipped.
#[test]
fn due_dates_around_every_major_holiday() {
    let table = [
        ("2019-02-01", "2019-02-27"), // cn-2008 (15 days); 春节 02-04–02-10; make-up 02-02, 02-03
        ("2020-01-23", "2020-02-28"), // 春节 extended to 02-02; make-up 02-01 cancelled
        ("2021-02-10", "2021-03-16"), // 春节 02-11–02-17; make-up 02-20
        ("2022-01-28", "2022-03-02"), // 春节 01-31–02-06; make-up 01-29, 01-30
        ("2023-01-20", "2023-02-22"), // 春节 01-21–01-27; make-up 01-28, 01-29
        ("2024-02-09", "2024-03-14"), // 春节 02-10–02-17; make-up 02-18
        ("2025-01-27", "2025-03-03"), // 春节 01-28–02-04; make-up 02-08
        ("2026-01-30", "2026-03-05"), // STATUTE.md's worked example
        ("2020-04-30", "2020-06-01"), // 劳动节 05-01–05-05; make-up 05-09
        ("2021-04-30", "2021-06-01"), // 劳动节 05-01–05-05; make-up 05-08
        ("2022-04-29", "2022-05-31"), // 劳动节 04-30–05-04; make-up 05-07
        ("2023-04-28", "2023-05-30"), // 劳动节 04-29–05-03; make-up 05-06
        ("2024-04-30", "2024-05-30"), // 劳动节 05-01–05-05; make-up 05-11
        ("2025-04-30", "2025-06-03"), // 劳动节 05-01–05-05; 端午 05-31–06-02
        ("2026-04-30", "2026-06-01"), // 劳动节 05-01–05-05; make-up 05-09
        ("2019-09-30", "2019-11-01"), // 国庆 10-01–10-07; make-up 10-12
        ("2020-09-30", "2020-11-04"), // 国庆·中秋 10-01–10-08; make-up 10-10
        ("2021-09-30", "2021-11-03"), // 国庆 10-01–10-07; make-up 10-09
        ("2022-09-30", "2022-11-02"), // 国庆 10-01–10-07; make-up 10-08, 10-09
        ("2023-09-28", "2023-11-01"), // 中秋·国庆 09-29–10-06; make-up 10-07, 10-08
        ("2024-09-30", "2024-11-01"), // 国庆 10-01–10-07; make-up 10-12
        ("2025-09-30", "2025-11-04"), // 国庆·中秋 10-01–10-08; make-up 10-11
        ("2026-09-30", "2026-11-03"), // 国庆 10-01–10-07; make-up 10-10
    ];
    for (received, expected) in table {
        assert_eq!(due(received), expected, "received {received}");
    }
}

#[test]
fn cases_received_before_2019_05_15_use_the_2008_periods() {
    // 劳动节 2019: 05-01–05-04, make-up 05-05 (Sunday); 15 working days under cn-2008.
    assert_eq!(due("2019-04-30"), "2019-05-23");
    assert_eq!(due("2019-05-14"), "2019-06-04");
    // From 2019-05-15 the 2019 revision's 20 working days apply.
    assert_eq!(due("2019-05-15"), "2019-06-13");
}

#[test]
fn receipt_on_a_make_up_day_or_a_holiday_counts_from_the_next_day() {
    assert_eq!(due("2026-02-14"), "2026-03-20"); // a Saturday make-up day
    assert_eq!(due("2026-10-03"), "2026-11-03"); // inside 国庆
    assert_eq!(due("2022-12-30"), "2023-02-02"); // 元旦(2023) on 2022-12-31, then 春节
}

fn input(start: &str, reason: StartReason, pauses: &[(&str, &str)], ext: u32) -> ClockInput {
    ClockInput {
        start: d(start),
        start_reason: reason,
        original_receipt: None,
        pauses: pauses
            .iter()
            .map(|(a, b)| Pause {
                kind: PauseKind::ThirdParty,
                from: d(a),
                to: Some(d(b)),
                about: Some("某某公司".to_owned()),
            })
            .collect(),
        extension_days: ext,
        reasonable_date: None,
    }
}

#[test]
fn pauses_that_straddle_holidays() {
    let cal = cal();
    let statute = Statute::builtin();
    let p = statute.profile("cn-2019").unwrap();
    // Received Tuesday 2026-01-20; 15 days counted by 02-10, when the letter goes out; the
    // pause (02-10, 02-26] covers the whole Spring Festival; the count resumes 02-27 and the
    // make-up Saturday 02-28 counts.
    let r = reply_due(
        &cal,
        p,
        &input(
            "2026-01-20",
            StartReason::Receipt,
            &[("2026-02-10", "2026-02-26")],
            0,
        ),
    );
    assert_eq!(r.due, Some(d("2026-03-04")));
    // 02-11, 02-12, 02-13, 02-14 (make-up), 02-24, 02-25, 02-26.
    assert_eq!(r.explanation.pauses[0].working_days_excluded, 7);
    // National Day 2025 inside a pause (09-29, 10-13].
    let r = reply_due(
        &cal,
        p,
        &input(
            "2025-09-15",
            StartReason::Receipt,
            &[("2025-09-29", "2025-10-13")],
            0,
        ),
    );
    assert_eq!(r.due, Some(d("2025-10-24")));
    // Two overlapping consultations are one pause, not two.
    let r = reply_due(
        &cal,
        p,
        &input(
            "2024-04-15",
            StartReason::Receipt,
            &[("2024-04-25", "2024-05-08"), ("2024-05-06", "2024-05-15")],
            0,
        ),
    );
    assert_eq!(r.due, Some(d("2024-05-31")));
}

#[test]
fn correction_restarts_and_extension_adds_its_period_once() {
    let cal = cal();
    let statute = Statute::builtin();
    let p = statute.profile("cn-2019").unwrap();
    // The corrected request arrived 2023-02-01: 20 working days from there.
    let r = reply_due(
        &cal,
        p,
        &input("2023-02-01", StartReason::Correction, &[], 0),
    );
    assert_eq!(r.due, Some(d("2023-03-01")));
    assert!(r.explanation.text_zh[1].contains("重新计算"));
    // Corrected 2022-09-20, consultation (09-28, 10-12], extension of 20: 40 working days.
    let r = reply_due(
        &cal,
        p,
        &input(
            "2022-09-20",
            StartReason::Correction,
            &[("2022-09-28", "2022-10-12")],
            20,
        ),
    );
    assert_eq!(r.due, Some(d("2022-11-29")));
    // The extension alone, across National Day 2026 and Spring Festival 2025.
    let r = reply_due(&cal, p, &input("2026-09-30", StartReason::Receipt, &[], 20));
    assert_eq!(r.due, Some(d("2026-12-01")));
    let r = reply_due(&cal, p, &input("2025-01-27", StartReason::Receipt, &[], 20));
    assert_eq!(r.due, Some(d("2025-03-31")));
}

#[test]
fn cn_2008_does_not_exclude_fee_or_agency_pauses() {
    let cal = cal();
    let statute = Statute::builtin();
    let p = statute.profile("cn-2008").unwrap();
    let mut i = ClockInput::received(d("2019-03-01"));
    i.pauses.push(Pause {
        kind: PauseKind::OtherAgency,
        from: d("2019-03-05"),
        to: Some(d("2019-03-15")),
        about: None,
    });
    let with = reply_due(&cal, p, &i);
    let without = reply_due(&cal, p, &ClockInput::received(d("2019-03-01")));
    assert_eq!(with.due, without.due);
    assert!(!with.explanation.pauses[0].applies);
    assert!(
        with.explanation
            .text_zh
            .iter()
            .any(|l| l.starts_with("未暂停"))
    );
}

#[test]
fn an_open_pause_suspends_the_clock() {
    let cal = cal();
    let statute = Statute::builtin();
    let p = statute.profile("cn-2019").unwrap();
    let mut i = ClockInput::received(d("2026-03-02"));
    i.pauses.push(Pause {
        kind: PauseKind::ThirdParty,
        from: d("2026-03-09"),
        to: None,
        about: None,
    });
    let r = reply_due(&cal, p, &i);
    assert_eq!(r.due, None);
    let s = r.suspended.unwrap();
    // 03-03..03-06 and 03-09 counted: 5 of 20.
    assert_eq!((s.since, s.remaining_days), (d("2026-03-09"), 15));
}

#[test]
fn explanation_names_holidays_make_up_days_and_the_statute() {
    let cal = cal();
    let statute = Statute::builtin();
    let r = reply_due(
        &cal,
        statute.profile("cn-2019").unwrap(),
        &ClockInput::received(d("2026-01-30")),
    );
    let e = &r.explanation;
    assert_eq!(e.counting_from, d("2026-01-31"));
    assert_eq!(e.holidays.len(), 1);
    assert_eq!(e.holidays[0].name, "春节");
    assert_eq!(e.holidays[0].weekdays_skipped, 6);
    assert_eq!(e.makeup_days, vec![d("2026-02-14"), d("2026-02-28")]);
    assert_eq!(
        e.text_zh.last().unwrap(),
        "答复期限：2026-03-05（星期四），自起算日起共 34 个自然日"
    );
    assert!(!r.provisional);
}

#[test]
fn dates_beyond_the_calendar_are_provisional_and_say_why() {
    let cal = cal();
    let statute = Statute::builtin();
    let p = statute.profile("cn-2019").unwrap();
    // The last due date inside 2026 is not provisional; one that reaches 2027 is.
    let inside = reply_due(&cal, p, &ClockInput::received(d("2026-12-01")));
    assert_eq!(
        (inside.due, inside.provisional),
        (Some(d("2026-12-29")), false)
    );
    // 20 working days after 2026-12-10 reach 2027: New Year's Day, a fixed public holiday, is
    // skipped even though the 2027 notice is not loaded.
    let beyond = reply_due(&cal, p, &ClockInput::received(d("2026-12-10")));
    assert_eq!(beyond.due, Some(d("2027-01-08")));
    assert!(beyond.provisional);
    // The explanation names the fixed holiday it skipped.
    let skipped: Vec<_> = beyond
        .explanation
        .holidays
        .iter()
        .map(|h| (h.name.as_str(), h.from, h.to, h.weekdays_skipped))
        .collect();
    assert_eq!(
        skipped,
        vec![("元旦（法定节日）", d("2027-01-01"), d("2027-01-01"), 1)]
    );
    assert!(
        beyond
            .explanation
            .text_zh
            .iter()
            .any(|l| l == "节假日：元旦（法定节日）（2027-01-01，跳过工作日 1 天）"),
        "{:?}",
        beyond.explanation.text_zh
    );
    let reason = beyond.explanation.provisional_reason.unwrap();
    assert!(reason.contains("2027年"), "{reason}");
    assert!(
        beyond
            .explanation
            .text_zh
            .last()
            .unwrap()
            .starts_with("暂定")
    );
    // Before the first covered year (2008) as well.
    let (_, provisional) = due_date(&cal, d("2007-12-01"), 15, &[]);
    assert!(provisional);
    assert_eq!(cal.coverage().unwrap().0, d("2008-01-01"));
    // And a calendar with no year at all answers by weekends only.
    let bare = Calendar::weekends_only();
    let (due, provisional) = due_date(&bare, d("2026-01-30"), 20, &[]);
    assert_eq!((due, provisional), (d("2026-02-27"), true));
}

/// A year without its notice (2027 here) is counted by weekends and the public holidays fixed
/// by solar date (全国年节及纪念日放假办法 art. 2, 国务院令第795号): 2027-01-01 (Friday),
/// 05-01 (Saturday), 05-02 (Sunday) and 10-01 (Friday) .. 10-03 (Sunday) are never working
/// days; the lunar holidays are not guessed.
#[test]
fn a_provisional_year_skips_the_fixed_public_holidays() {
    let cal = cal();
    assert!(
        cal.year(2027).is_none(),
        "the built-in calendar ends in 2026"
    );
    for day in [
        "2027-01-01",
        "2027-05-01",
        "2027-05-02",
        "2027-10-01",
        "2027-10-02",
        "2027-10-03",
    ] {
        assert!(!cal.is_working_day(d(day)), "{day}");
        assert!(cal.day(d(day)).provisional, "{day}");
    }
    // The days around them count as usual.
    for day in [
        "2026-12-31",
        "2027-01-04",
        "2027-04-30",
        "2027-05-03",
        "2027-09-30",
        "2027-10-04",
    ] {
        assert!(cal.is_working_day(d(day)), "{day}");
    }
    // Counting across them: one working day after 2026-12-31 is 2027-01-04 (Monday), not New
    // Year's Day; after 2027-04-30 (Friday) the Monday 05-03; after 2027-09-30 the Monday
    // 10-04.
    assert_eq!(
        cal.add_working_days(d("2026-12-31"), 1),
        (d("2027-01-04"), true)
    );
    assert_eq!(
        cal.add_working_days(d("2027-04-30"), 1),
        (d("2027-05-03"), true)
    );
    assert_eq!(
        cal.add_working_days(d("2027-09-30"), 1),
        (d("2027-10-04"), true)
    );
    // 2027 has 261 weekdays; 01-01 and 10-01 are weekdays (Friday), the others fall on
    // weekends: 259 provisional working days.
    assert_eq!(
        cal.working_days_between(d("2026-12-31"), d("2027-12-31")),
        259
    );
    // The counts agree day by day with the pure rule.
    let mut day = d("2026-12-31");
    let mut counted = 0;
    while day < d("2028-01-10") {
        day = day.succ_opt().unwrap();
        if gongkai_workflow::provisional_working_day(day) {
            counted += 1;
            assert_eq!(cal.add_working_days(d("2026-12-31"), counted).0, day);
        }
        assert_eq!(
            cal.is_working_day(day),
            gongkai_workflow::provisional_working_day(day),
            "{day}"
        );
    }
    // 2028: 01-01 is a Saturday; 05-01 (Monday) and 05-02 (Tuesday) are skipped.
    assert_eq!(cal.add_working_days(d("2028-04-28"), 1).0, d("2028-05-03"));
    // Before the first published year the same rule applies: 2007-10-01..03 (Monday to
    // Wednesday) are skipped.
    assert_eq!(cal.add_working_days(d("2007-09-28"), 1).0, d("2007-10-04"));
}

#[test]
fn other_statutory_deadlines() {
    let cal = cal();
    // Correction notice: 7 working days after receipt, across Spring Festival 2026:
    // 02-14 (make-up), 02-24 … 02-27, 02-28 (make-up), 03-02.
    assert_eq!(cal.add_working_days(d("2026-02-13"), 7).0, d("2026-03-02"));
    // Third-party opinion: 15 working days after the letter.
    // 09-28 (make-up), 09-29, 09-30, [10-01 … 10-08], 10-09, 10-10, 10-11 (make-up), …
    assert_eq!(cal.add_working_days(d("2025-09-26"), 15).0, d("2025-10-23"));
    // Fee payment: 20 working days after the notice.
    // 04-28 (make-up), 04-29, 04-30, [05-01 … 05-05], 05-06 …, 05-11 (make-up), …
    assert_eq!(cal.add_working_days(d("2024-04-26"), 20).0, d("2024-05-27"));
}

#[test]
fn warning_levels_follow_the_shanghai_day() {
    let cal = cal();
    let due = d("2026-03-05"); // Thursday
    // 2026-03-05 23:59 in Shanghai is 15:59 UTC: still due soon (the last day).
    let last_minute = Utc.with_ymd_and_hms(2026, 3, 5, 15, 59, 0).unwrap();
    assert_eq!(
        warning_level(&cal, due, 5, last_minute),
        WarningLevel::DueSoon
    );
    // 2026-03-06 00:00 in Shanghai is 16:00 UTC on the 5th: overdue.
    let midnight = Utc.with_ymd_and_hms(2026, 3, 5, 16, 0, 0).unwrap();
    assert_eq!(warning_level(&cal, due, 5, midnight), WarningLevel::Overdue);
    // Five working days left, today included (02-27, 02-28 make-up, 03-02 … 03-05 = 6).
    let feb27 = Utc.with_ymd_and_hms(2026, 2, 27, 2, 0, 0).unwrap();
    assert_eq!(warning_level(&cal, due, 5, feb27), WarningLevel::Normal);
    let feb28 = Utc.with_ymd_and_hms(2026, 2, 28, 2, 0, 0).unwrap();
    assert_eq!(warning_level(&cal, due, 5, feb28), WarningLevel::DueSoon);
}

// ---- the calendar file -------------------------------------------------------------------

#[test]
fn builtin_calendar_matches_the_official_notices() {
    let cal = cal();
    // Working days per year, holiday days and make-up days, counted from STATUTE.md §8.
    let expected = [
        // 2008–2018: the cn-2008 years, each from its own notice (config/calendars/cn.toml).
        (2008, 251, 27, 5),
        (2009, 250, 27, 6),
        (2010, 250, 29, 8),
        (2011, 250, 29, 6),
        (2012, 249, 27, 6),
        (2013, 250, 29, 12),
        (2014, 250, 23, 5),
        (2015, 249, 27, 5),
        (2016, 250, 24, 6),
        (2017, 249, 24, 5),
        (2018, 250, 25, 7),
        (2019, 250, 28, 6),
        (2020, 249, 30, 6),
        (2021, 250, 31, 7),
        (2022, 249, 32, 7),
        (2023, 249, 28, 7),
        (2024, 251, 28, 8),
        (2025, 248, 28, 5),
        (2026, 248, 33, 6),
    ];
    for (year, working, holiday_days, makeup) in expected {
        let dec31 = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap();
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
        assert_eq!(cal.working_days_between(dec31, end), working, "{year}");
        let y = cal.year(year).unwrap();
        let days: i64 = y
            .holidays
            .iter()
            .map(|h| (h.to - h.from).num_days() + 1)
            .sum();
        assert_eq!(days, holiday_days, "{year} holiday days");
        assert_eq!(y.makeup.len(), makeup, "{year} make-up days");
        assert!(y.makeup.iter().all(|m| cal.is_working_day(*m)));
    }
    assert_eq!(cal.year(2026).unwrap().holidays[1].name, "春节");
    assert!(
        !cal.is_working_day(d("2020-02-01")),
        "2020's 02-01 make-up day was cancelled"
    );
}

fn load(text: &str) -> String {
    Calendar::from_toml_str("bad.toml", text)
        .unwrap_err()
        .to_string()
}

#[test]
fn loading_names_the_file_year_and_entry_of_each_problem() {
    let unparsable = load(
        "[[year]]\nyear = 2027\nholidays = [{ name = \"春节\", from = \"2027-02-30\" }]\nmakeup = []\n",
    );
    assert!(unparsable.contains("bad.toml"), "{unparsable}");
    assert!(
        unparsable.contains("year 2027, holiday \"春节\" from: \"2027-02-30\" is not a valid date"),
        "{unparsable}"
    );

    let both = load(
        "[[year]]\nyear = 2027\nholidays = [{ name = \"春节\", from = \"2027-02-06\", to = \"2027-02-12\" }]\nmakeup = [\"2027-02-06\"]\n",
    );
    assert!(
        both.contains("year 2027, makeup \"2027-02-06\": 2027-02-06 is both a make-up working day and a day of holiday \"春节\""),
        "{both}"
    );

    let outside = load(
        "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = \"2026-12-31\", to = \"2027-01-01\" }]\n",
    );
    assert!(
        outside.contains("year 2027, holiday \"元旦\": 2026-12-31 lies outside 2027"),
        "{outside}"
    );

    let duplicate = load(
        "[[year]]\nyear = 2027\nholidays = [\n { name = \"清明\", from = \"2027-04-03\", to = \"2027-04-05\" },\n { name = \"清明节\", from = \"2027-04-05\" }]\nmakeup = [\"2027-04-10\", \"2027-04-10\"]\n",
    );
    assert!(
        duplicate.contains("2027-04-05 is listed twice"),
        "{duplicate}"
    );
    assert!(
        duplicate.contains("makeup \"2027-04-10\": 2027-04-10 is listed twice"),
        "{duplicate}"
    );

    let twice = load("[[year]]\nyear = 2027\n\n[[year]]\nyear = 2027\n");
    assert!(
        twice.contains("year 2027, year: the year is listed twice"),
        "{twice}"
    );

    let gap = load("[[year]]\nyear = 2025\n\n[[year]]\nyear = 2027\n");
    assert!(
        gap.contains("2026 is missing between 2025 and 2027"),
        "{gap}"
    );

    let weekday = load("[[year]]\nyear = 2027\nmakeup = [\"2027-02-08\"]\n");
    assert!(weekday.contains("already a working day"), "{weekday}");

    let syntax = load("[[year]]\nyear = \"twenty\"\n");
    assert!(syntax.starts_with("bad.toml: 1 problem"), "{syntax}");

    let unknown = load("[[year]]\nyear = 2027\nholiday = []\n");
    assert!(unknown.contains("unknown field `holiday`"), "{unknown}");
}

#[test]
fn holidays_listed_out_of_order_are_kept_in_date_order() {
    let cal = Calendar::from_toml_str(
        "x.toml",
        "[[year]]\nyear = 2027\nholidays = [\n { name = \"国庆\", from = \"2027-10-01\", to = \"2027-10-07\" },\n { name = \"元旦\", from = \"2027-01-01\" }]\nmakeup = []\n",
    )
    .unwrap();
    let names: Vec<&str> = cal
        .year(2027)
        .unwrap()
        .holidays
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["元旦", "国庆"]);
    let between: Vec<&str> = cal
        .holidays_between(d("2026-12-31"), d("2027-12-31"))
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(between, ["元旦", "国庆"]);
}

#[test]
fn native_toml_dates_are_accepted_too() {
    let cal = Calendar::from_toml_str(
        "x.toml",
        "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = 2027-01-01 }]\nmakeup = []\n",
    )
    .unwrap();
    assert!(!cal.is_working_day(d("2027-01-01")));
    assert!(cal.is_working_day(d("2027-01-04")));
    assert_eq!(cal.year(2027).unwrap().holidays[0].from.year(), 2027);
}

#[test]
fn builtin_file_round_trips() {
    let cal = cal();
    let again = Calendar::from_toml_str("printed", &cal.to_toml()).unwrap();
    assert_eq!(cal, again);
    assert_eq!(cal.to_toml(), again.to_toml());
}

/// The parser's error reaches the admin in Chinese, with its line and column, and the command
/// line keeps the parser's own account.
#[test]
fn a_toml_error_is_told_in_chinese_with_its_place() {
    let err = Calendar::from_toml_str("upload", "[[year]]\nyear 2027\n").unwrap_err();
    let problem = &err.issues[0].problem;
    assert_eq!(
        problem.zh(),
        "第 2 行第 6 列：格式不正确，缺少“=”：每一项应写成“名称 = 值”，如 name = \"春节\""
    );
    assert_eq!(err.issues[0].entry_zh(), "");
    assert!(problem.to_string().contains("expected `=`"), "{problem}");
    let err =
        Calendar::from_toml_str("upload", "[[year]]\nyear = 2027\nholiday = []\n").unwrap_err();
    assert!(
        err.issues[0]
            .problem
            .zh()
            .starts_with("第 3 行第 1 列：格式不正确，无法识别的项“holiday”"),
        "{}",
        err.issues[0].problem.zh()
    );
}
