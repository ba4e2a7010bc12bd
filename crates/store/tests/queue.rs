//! The queue and its warning counts, and the recomputation of open cases after a calendar
//! change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_store::Scope;
use gongkai_store::queries::{self, Cursor, QueueFilter};
use gongkai_store::{receive, recompute, register};
use gongkai_testkit::*;
use gongkai_workflow::Calendar;

#[test]
fn the_queue_pages_by_due_date_and_supervisors_see_warning_counts() {
    let law = Law::new();
    for db in databases("queue") {
        let mut c = db.seeded();
        // Twelve requests received on consecutive working days of February 2026.
        let days = [
            "2026-02-02",
            "2026-02-03",
            "2026-02-04",
            "2026-02-05",
            "2026-02-06",
            "2026-02-09",
            "2026-02-10",
            "2026-02-11",
            "2026-02-12",
            "2026-02-13",
            "2026-02-24",
            "2026-02-25",
        ];
        for (i, day) in days.iter().enumerate() {
            let ctx = law.ctx(&clerk(), at(day));
            let id = receive(&mut c, in_person(&format!("申请人{i}"), day), &ctx)
                .unwrap()
                .case_id;
            register(&mut c, &id, 1, None, None, &ctx).unwrap();
        }
        let filter = QueueFilter {
            scope: Scope::operator().department(INTAKE),
            statuses: gongkai_workflow::Status::OPEN.to_vec(),
            ..QueueFilter::default()
        };
        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = queries::queue(&mut c, &filter, cursor.as_ref(), 5).unwrap();
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= 5);
            cursor = page.last().map(Cursor::after);
            seen.extend(page);
        }
        assert_eq!(seen.len(), 12, "{}", db.name);
        let dues: Vec<_> = seen.iter().map(|r| r.due_date.unwrap()).collect();
        let mut sorted = dues.clone();
        sorted.sort();
        assert_eq!(dues, sorted, "{}: soonest due first", db.name);

        // Recompute warning levels as of 2026-03-09: the first requests are overdue or due soon.
        let r = recompute::recompute_open(
            &mut c,
            &law.calendar,
            &law.statute,
            at("2026-03-09"),
            5,
            |_, _| {},
        )
        .unwrap();
        assert_eq!(r.open_cases, 12);
        let counts =
            queries::warning_counts(&mut c, &Scope::operator().department(INTAKE)).unwrap();
        assert_eq!(counts.len(), 1);
        // Due dates: 02-02 → 03-06 … ; on 03-09 the cases due 03-06 or earlier are overdue.
        let overdue = seen
            .iter()
            .filter(|r| r.due_date.unwrap() < gongkai_workflow::parse_date("2026-03-09").unwrap())
            .count();
        assert_eq!(
            counts[0].overdue as usize, overdue,
            "{}: {counts:?}",
            db.name
        );
        assert!(counts[0].due_soon > 0, "{}: {counts:?}", db.name);
        let overdue_page = queries::queue(
            &mut c,
            &QueueFilter {
                warning_level: Some(gongkai_workflow::WarningLevel::Overdue),
                ..filter.clone()
            },
            None,
            50,
        )
        .unwrap();
        assert_eq!(overdue_page.len(), overdue);
    }
}

#[test]
fn a_calendar_change_recomputes_open_cases() {
    let law = Law::new();
    for db in databases("recompute") {
        let mut c = db.seeded();
        let ctx = law.ctx(&clerk(), at("2026-12-10"));
        let id = receive(&mut c, in_person("周六", "2026-12-10"), &ctx)
            .unwrap()
            .case_id;
        register(&mut c, &id, 1, None, None, &ctx).unwrap();
        let row = queries::case_row(&mut c, &Scope::operator(), &id)
            .unwrap()
            .unwrap();
        // 2027 is not published yet: counted by weekends and the fixed public holidays, so
        // New Year's Day (Friday 01-01) is already skipped.
        assert_eq!(row.due_date, gongkai_workflow::parse_date("2027-01-08"));
        assert!(row.provisional, "{}: 2027 is not published yet", db.name);

        // The 2027 notice arrives: New Year's Day on Friday 01-01; the date is now final.
        let mut text = gongkai_workflow::BUILTIN_CALENDAR.to_owned();
        text.push_str("\n[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = \"2027-01-01\" }]\nmakeup = []\n");
        let calendar = Calendar::from_toml_str("with-2027", &text).unwrap();
        let r = recompute::recompute_open(
            &mut c,
            &calendar,
            &law.statute,
            at("2026-12-11"),
            100,
            |_, _| {},
        )
        .unwrap();
        assert_eq!(
            r,
            recompute::Recomputed {
                open_cases: 1,
                changed: 1
            }
        );
        let row = queries::case_row(&mut c, &Scope::operator(), &id)
            .unwrap()
            .unwrap();
        assert_eq!(
            row.due_date,
            gongkai_workflow::parse_date("2027-01-08"),
            "{}",
            db.name
        );
        assert!(!row.provisional);
        assert_eq!(row.version, 2, "recomputation appends no event");
    }
}
