//! Tracking numbers and concurrent writers: numbers gap-free, consecutive and unique per
//! agency; writers on one case lose nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::queries::{self};
use gongkai_store::schema::{case_events, cases};
use gongkai_store::{StoreError, accounts, audit, execute, receive, register};
use gongkai_testkit::*;
use gongkai_workflow::model::Reply;
use gongkai_workflow::{Command, Outcome, RejectionCode, Role};

#[test]
fn tracking_numbers_are_gap_free_even_when_a_registration_is_refused() {
    let law = Law::new();
    for db in databases("gapfree") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let a = receive(
            &mut c,
            in_person("甲", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        let b = receive(
            &mut c,
            in_person("乙", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        // A clerk of another department may not register a case of this one: refused, and the
        // number it would have taken is not lost.
        let outsider = gongkai_workflow::Actor::staff("x", Role::Clerk, &[HOUSING]);
        let err = register(&mut c, &a, 1, None, None, &law.ctx(&outsider, now)).unwrap_err();
        assert!(matches!(err, StoreError::Rejected(ref r) if r.code == RejectionCode::OutOfScope));
        register(&mut c, &b, 1, None, None, &law.ctx(&clerk(), now)).unwrap();
        register(&mut c, &a, 1, None, None, &law.ctx(&clerk(), now)).unwrap();
        let mut numbers: Vec<Option<String>> = cases::table
            .select(cases::tracking_number)
            .load(&mut c)
            .unwrap();
        numbers.sort();
        assert_eq!(
            numbers,
            vec![
                Some("GK-2026-000001".to_owned()),
                Some("GK-2026-000002".to_owned())
            ],
            "{}",
            db.name
        );
        // A new year starts again at 1.
        let d = receive(
            &mut c,
            in_person("丙", "2027-01-04"),
            &law.ctx(&clerk(), at("2027-01-04")),
        )
        .unwrap();
        let got = register(
            &mut c,
            &d.case_id,
            1,
            None,
            None,
            &law.ctx(&clerk(), at("2027-01-04")),
        )
        .unwrap();
        assert_eq!(got.case.tracking_number.as_deref(), Some("GK-2027-000001"));
    }
}

#[test]
fn concurrent_writers_on_one_case_lose_nothing_and_leave_no_gap() {
    let law = Arc::new(Law::new());
    for db in databases("concurrent") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let id = processing(&mut c, &law, "王五", now);

        // Eight threads each want to record 5 drafts; each reads the version, tries, and on a
        // conflict reads again. Every attempt at one version has exactly one winner.
        const THREADS: usize = 8;
        const EACH: usize = 5;
        let barrier = Arc::new(Barrier::new(THREADS));
        let url = db.url.clone();
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (barrier, law, url, id) =
                    (barrier.clone(), law.clone(), url.clone(), id.clone());
                std::thread::spawn(move || {
                    let mut conn = gongkai_store::connect(&url, &Default::default()).unwrap();
                    barrier.wait();
                    let (mut wins, mut conflicts) = (0, 0);
                    while wins < EACH {
                        let version = queries::case_row(&mut conn, &Scope::operator(), &id)
                            .unwrap()
                            .unwrap()
                            .version as u64;
                        let cmd = Command::DraftReply {
                            reply: Reply {
                                outcome: Outcome::Disclosed,
                                text: format!("第 {t} 号线程的第 {wins} 稿"),
                                competent_agency: None,
                                not_held: None,
                                competent_agency_contact: None,
                                disclosure: None,
                                release: gongkai_testkit::release_for(Outcome::Disclosed),
                            },
                        };
                        match execute(
                            &mut conn,
                            &id,
                            version,
                            cmd,
                            &law.ctx(&clerk(), at("2026-03-03")),
                        ) {
                            Ok(_) => wins += 1,
                            Err(StoreError::Conflict { .. }) => conflicts += 1,
                            Err(other) => panic!("unexpected error: {other}"),
                        }
                    }
                    conflicts
                })
            })
            .collect();
        let conflicts: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        let seqs: Vec<i64> = case_events::table
            .filter(case_events::case_id.eq(&id))
            .order(case_events::seq)
            .select(case_events::seq)
            .load(&mut c)
            .unwrap();
        let expected: Vec<i64> = (1..=(3 + THREADS * EACH) as i64).collect();
        assert_eq!(seqs, expected, "{}: every seq once, no gap", db.name);
        let row = queries::case_row(&mut c, &Scope::operator(), &id)
            .unwrap()
            .unwrap();
        assert_eq!(row.version, (3 + THREADS * EACH) as i64);
        assert!(
            audit::verify_case(&mut c, &id).unwrap().is_none(),
            "{}",
            db.name
        );
        eprintln!("{}: {conflicts} conflicts retried", db.name);
    }
}

#[test]
fn concurrent_registrations_take_distinct_consecutive_numbers() {
    let law = Arc::new(Law::new());
    for db in databases("concurrent-register") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        const N: usize = 24;
        let ids: Vec<String> = (0..N)
            .map(|i| {
                receive(
                    &mut c,
                    in_person(&format!("申请人{i}"), "2026-03-02"),
                    &law.ctx(&clerk(), now),
                )
                .unwrap()
                .case_id
            })
            .collect();
        let barrier = Arc::new(Barrier::new(6));
        let handles: Vec<_> = ids
            .chunks(N / 6)
            .map(|chunk| {
                let (barrier, law, url, chunk) =
                    (barrier.clone(), law.clone(), db.url.clone(), chunk.to_vec());
                std::thread::spawn(move || {
                    let mut conn = gongkai_store::connect(&url, &Default::default()).unwrap();
                    barrier.wait();
                    for id in chunk {
                        loop {
                            match register(&mut conn, &id, 1, None, None, &law.ctx(&clerk(), now)) {
                                Ok(_) => break,
                                // Not expected (the counter is one upsert), but a conflict
                                // would only mean "try again".
                                Err(StoreError::Conflict { .. }) => continue,
                                Err(other) => panic!("unexpected error: {other}"),
                            }
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let mut numbers: Vec<String> = cases::table
            .select(cases::tracking_number)
            .load::<Option<String>>(&mut c)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        numbers.sort();
        let expected: Vec<String> = (1..=N).map(|i| format!("GK-2026-{i:06}")).collect();
        assert_eq!(numbers, expected, "{}", db.name);
    }
}

#[test]
fn tracking_numbers_stay_unique_per_agency_and_come_only_from_the_counter() {
    let law = Law::new();
    for db in databases("prefix") {
        let mut c = db.seeded();
        let err = accounts::create_agency(&mut c, "hd", "海淀区人民政府", "GK").unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field: Some("tracking_prefix"), message }
                if message.contains("编号前缀“GK”已由行政机关“cy”使用")),
            "{}: {err}",
            db.name
        );
        let now = at("2026-03-02");
        let id = receive(
            &mut c,
            in_person("甲", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        let chosen = Command::Register {
            tracking_number: "GK-2026-000003".to_owned(),
            department: None,
            receipt_date: None,
        };
        let err = execute(&mut c, &id, 1, chosen.clone(), &law.ctx(&clerk(), now)).unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field: Some("tracking_number"), message }
                if message.contains("由系统在登记时生成")),
            "{err}"
        );
        // Bulk callers holding their own transaction take the same door.
        let err = gongkai_store::write_transaction(&mut c, |conn| {
            gongkai_store::execute_within(conn, &id, 1, chosen, &law.ctx(&clerk(), now))
        })
        .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field: Some("tracking_number"), message }
                if message.contains("由系统在登记时生成")),
            "{err}"
        );

        // Inside a caller's transaction, a refused registration gives its number back.
        let b = receive(
            &mut c,
            in_person("乙", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        let outsider = gongkai_workflow::Actor::staff("x", Role::Clerk, &[HOUSING]);
        gongkai_store::write_transaction(&mut c, |conn| -> Result<(), StoreError> {
            let refused =
                gongkai_store::register_within(conn, &id, 1, None, None, &law.ctx(&outsider, now));
            assert!(matches!(refused, Err(StoreError::Rejected(_))));
            gongkai_store::register_within(conn, &b, 1, None, None, &law.ctx(&clerk(), now))?;
            // A nested write transaction is a savepoint on both backends.
            execute(
                conn,
                &b,
                2,
                Command::StartProcessing,
                &law.ctx(&clerk(), now),
            )?;
            Ok(())
        })
        .unwrap();
        let row = queries::case_row(&mut c, &Scope::operator(), &b)
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.tracking_number.as_deref(), row.version),
            (Some("GK-2026-000001"), 3),
            "{}",
            db.name
        );
    }
}
