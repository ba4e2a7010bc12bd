//! The reminder key built in Rust and the one the scheduler's query builds in SQL agree, on
//! each backend: a case whose reminder is written drops out of the candidates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use diesel::prelude::*;
use gongkai_store::reminders;
use gongkai_store::schema::cases;
use gongkai_testkit::{Law, at, databases, processing};
use gongkai_workflow::{NoticeKind, Recipient};

fn due_and_version(c: &mut gongkai_store::DbConnection, id: &str) -> (NaiveDate, i64) {
    let (due, version): (Option<NaiveDate>, i64) = cases::table
        .find(id)
        .select((cases::due_date, cases::version))
        .first(c)
        .unwrap();
    (due.unwrap(), version)
}

#[test]
fn a_written_reminder_takes_its_case_out_of_the_candidates() {
    let law = Law::new();
    for db in databases("reminder_keys") {
        let mut c = db.seeded();
        let soon = processing(&mut c, &law, "张三", at("2025-03-03"));
        let late = processing(&mut c, &law, "李四", at("2025-03-03"));
        let (due, version) = due_and_version(&mut c, &soon);
        let (late_due, late_version) = due_and_version(&mut c, &late);
        assert_eq!(due, late_due);
        let now = at("2025-03-04");
        let horizon = due + chrono::Duration::days(31);

        // Before the due date: both wait for their due-soon reminder.
        let before = due.pred_opt().unwrap();
        let ids = |c: &mut gongkai_store::DbConnection, today| -> Vec<String> {
            reminders::candidates(c, today, horizon)
                .unwrap()
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        };
        let mut both = vec![soon.clone(), late.clone()];
        both.sort();
        let mut found = ids(&mut c, before);
        found.sort();
        assert_eq!(found, both, "{}", db.name);

        let written = reminders::write(
            &mut c,
            &soon,
            version,
            NoticeKind::DueSoon,
            &Recipient::Assignee,
            due,
            now,
        )
        .unwrap();
        assert!(written, "{}", db.name);
        assert_eq!(ids(&mut c, before), vec![late.clone()], "{}", db.name);
        // Written once: the same key again is refused.
        assert!(
            !reminders::write(
                &mut c,
                &soon,
                version,
                NoticeKind::DueSoon,
                &Recipient::Assignee,
                due,
                now
            )
            .unwrap()
        );

        // Past the due date both need their overdue reminders, until the supervisors' one is
        // written.
        let after = due.succ_opt().unwrap();
        let mut found = ids(&mut c, after);
        found.sort();
        assert_eq!(found, both, "{}", db.name);
        reminders::write(
            &mut c,
            &late,
            late_version,
            NoticeKind::Overdue,
            &Recipient::Supervisors,
            late_due,
            now,
        )
        .unwrap();
        assert_eq!(ids(&mut c, after), vec![soon.clone()], "{}", db.name);
    }
}

/// A registration after the due date records the overdue breach ahead of the registration
/// (`decide`): the overdue reminders it writes are rendered from the case after the
/// registration (the command's last event), which has its tracking number, not from the case
/// as it stood at the breach.
#[test]
fn a_late_registration_writes_overdue_reminders_at_its_last_event() {
    use gongkai_store::schema::outbox;
    let law = Law::new();
    for db in databases("late_registration") {
        let mut c = db.seeded();
        let id = gongkai_testkit::received(&mut c, &law, "张三", at("2025-03-03"));
        let ctx = law.ctx(&gongkai_testkit::clerk(), at("2025-04-15"));
        let done = gongkai_store::register(&mut c, &id, 1, None, None, &ctx).unwrap();
        assert_eq!(done.version, 3, "{}", db.name);
        let rows: Vec<(String, i64)> = outbox::table
            .filter(outbox::case_id.eq(&id))
            .select((outbox::notice_kind, outbox::event_seq))
            .order(outbox::notice_kind)
            .load(&mut c)
            .unwrap();
        let overdue = serde_json::to_string(&NoticeKind::Overdue).unwrap();
        let seqs: Vec<i64> = rows
            .iter()
            .filter(|(k, _)| *k == overdue)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(seqs, [3, 3], "{}: {rows:?}", db.name);
    }
}
