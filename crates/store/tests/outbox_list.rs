//! The supervisors' list of notices in one status: newest first, at most the limit, only the
//! notices of cases within the reader's scope, however many rows of other departments come
//! before them (SQLite reads the status's rows in order, 500 at a time, and looks each case's
//! scope up: `outbox::list_in_order`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::outbox::{self, OutboxStatus};
use gongkai_store::receive;
use gongkai_store::schema::outbox as table;
use gongkai_testkit::*;

/// Writes `n` failed notices of `case_id`, created from `start` a second apart.
fn failed_rows(c: &mut gongkai_store::DbConnection, case_id: &str, n: usize, start: NaiveDateTime) {
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let at = start + TimeDelta::seconds(i as i64);
            (
                table::id.eq(format!("{case_id}-failed-{i:05}")),
                table::case_id.eq(case_id.to_owned()),
                table::event_seq.eq(1i64),
                table::notice_kind.eq("\"acknowledgment\"".to_owned()),
                table::recipient.eq("\"applicant\"".to_owned()),
                table::message_id.eq(format!("<{case_id}-{i}@test>")),
                table::status.eq("failed".to_owned()),
                table::attempts.eq(5),
                table::next_attempt_at.eq(at),
                table::created_at.eq(at),
            )
        })
        .collect();
    // One row a statement (the connection of both backends has no batch insert), in one
    // transaction.
    gongkai_store::write_transaction(c, |c| -> diesel::QueryResult<()> {
        for row in rows {
            diesel::insert_into(table::table).values(row).execute(c)?;
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn the_failed_notices_of_the_readers_departments_come_newest_first_past_other_departments() {
    let law = Law::new();
    for db in databases("outbox_list") {
        let mut c = db.seeded();
        let ctx = law.ctx(&clerk(), at("2026-03-02"));
        let intake = receive(&mut c, in_person("申请人甲", "2026-03-02"), &ctx)
            .unwrap()
            .case_id;
        let mut other = in_person("申请人乙", "2026-03-02");
        other.department = HOUSING.to_owned();
        let mut housing_clerk = clerk();
        housing_clerk.departments = vec![HOUSING.to_owned()];
        let housing = receive(&mut c, other, &law.ctx(&housing_clerk, at("2026-03-02")))
            .unwrap()
            .case_id;

        let start = at("2026-03-03").naive_utc();
        // Housing's three failed notices are the oldest; 1,100 of the intake office's follow.
        failed_rows(&mut c, &housing, 3, start);
        failed_rows(&mut c, &intake, 1_100, start + TimeDelta::hours(1));

        let housing_list = outbox::list(
            &mut c,
            OutboxStatus::Failed,
            &Scope::operator().department(HOUSING),
            10,
        )
        .unwrap();
        let ids: Vec<&str> = housing_list.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                format!("{housing}-failed-00002"),
                format!("{housing}-failed-00001"),
                format!("{housing}-failed-00000"),
            ],
            "{}: only the reader's department, newest first, past 1,100 other rows",
            db.name
        );

        let intake_list = outbox::list(
            &mut c,
            OutboxStatus::Failed,
            &Scope::operator().department(INTAKE),
            600,
        )
        .unwrap();
        assert_eq!(intake_list.len(), 600, "{}", db.name);
        assert!(
            intake_list.iter().all(|r| r.case_id == intake),
            "{}",
            db.name
        );
        assert_eq!(
            intake_list[0].id,
            format!("{intake}-failed-01099"),
            "{}",
            db.name
        );
        assert_eq!(
            intake_list[599].id,
            format!("{intake}-failed-00500"),
            "{}",
            db.name
        );

        let all = outbox::list(&mut c, OutboxStatus::Failed, &Scope::operator(), 2_000).unwrap();
        assert_eq!(all.len(), 1_103, "{}", db.name);
        assert_eq!(
            all[1_102].id,
            format!("{housing}-failed-00000"),
            "{}",
            db.name
        );

        // The acknowledgments the receipts queued are pending, not failed.
        let pending = outbox::list(&mut c, OutboxStatus::Pending, &Scope::operator(), 10).unwrap();
        assert!(
            pending.iter().all(|r| r.status == OutboxStatus::Pending),
            "{}",
            db.name
        );
        assert!(
            outbox::list(&mut c, OutboxStatus::Failed, &Scope::default(), 10)
                .unwrap()
                .is_empty(),
            "{}: a scope that sees nothing lists nothing",
            db.name
        );
    }
}
