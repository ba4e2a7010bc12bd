//! The store on SQLite and PostgreSQL: migrations, the one door, concurrency, tracking
//! numbers, the hash chain, queries and recomputation. Every test runs on each backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::db::DbConnection;
use gongkai_store::queries::{self, Cursor, QueueFilter};
use gongkai_store::schema::{case_events, cases, outbox};
use gongkai_store::{
    StoreError, accounts, audit, execute, migrations, receive, recompute, register,
};
use gongkai_workflow::model::Reply;
use gongkai_workflow::{Calendar, Command, Outcome, RejectionCode, Role};
use support::*;

fn count_events(c: &mut DbConnection, case_id: &str) -> i64 {
    case_events::table
        .filter(case_events::case_id.eq(case_id))
        .count()
        .get_result(c)
        .unwrap()
}

fn count_outbox(c: &mut DbConnection) -> i64 {
    outbox::table.count().get_result(c).unwrap()
}

#[test]
fn migrations_apply_once_list_their_status_and_refuse_a_newer_database() {
    for db in databases("migrations") {
        let mut c = db.connect();
        let applied = migrations::run_pending(&mut c).unwrap();
        assert_eq!(
            applied.len(),
            migrations::known_versions(&c).len(),
            "{}",
            db.name
        );
        assert!(
            migrations::run_pending(&mut c).unwrap().is_empty(),
            "{}",
            db.name
        );
        let status = migrations::status(&mut c).unwrap();
        assert!(status.iter().all(|s| s.applied), "{}: {status:?}", db.name);

        diesel::sql_query(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')",
        )
        .execute(&mut c)
        .unwrap();
        let err = migrations::run_pending(&mut c).unwrap_err().to_string();
        assert!(
            err.contains("migrated by a newer gongkai") && err.contains("29991231000000"),
            "{}: {err}",
            db.name
        );
    }
}

#[test]
fn both_backends_have_the_same_migrations_by_name() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations");
    let names = |backend: &str| -> BTreeSet<String> {
        std::fs::read_dir(format!("{root}/{backend}"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names("sqlite"), names("postgres"));
    // The statements themselves are the same too (comments aside): the schema is portable by
    // design, and a difference must be made on purpose, here.
    let statements = |path: String| -> String {
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Full-text search is where the backends differ by design: FTS5 (a virtual table and its
    // triggers) on SQLite, pg_trgm (an extension and a GIN index) on PostgreSQL. The tables
    // diesel reads are the same on both, and every store test uses them on both.
    const DIFFERENT_ON_PURPOSE: [&str; 1] = ["2026-11-23-000006_statistics_search"];
    for name in names("sqlite") {
        if DIFFERENT_ON_PURPOSE.contains(&name.as_str()) {
            continue;
        }
        for file in ["up.sql", "down.sql"] {
            assert_eq!(
                statements(format!("{root}/sqlite/{name}/{file}")),
                statements(format!("{root}/postgres/{name}/{file}")),
                "{name}/{file} differs between the backends"
            );
        }
    }
}

#[test]
fn a_request_goes_through_the_one_door_with_projection_events_and_outbox() {
    let law = Law::new();
    for db in databases("lifecycle") {
        let mut c = db.seeded();
        let now = at("2026-01-30");
        let got = receive(
            &mut c,
            in_person("王小明", "2026-01-30"),
            &law.ctx(&clerk(), now),
        )
        .unwrap();
        let code = got.query_code.clone().unwrap();
        assert_eq!(code.len(), 12);
        assert_eq!(got.version, 1);
        let id = got.case_id.clone();

        let got = register(&mut c, &id, 1, None, None, &law.ctx(&clerk(), now)).unwrap();
        assert_eq!(got.version, 2);
        let row = queries::case_row(&mut c, &Scope::operator(), &id)
            .unwrap()
            .unwrap();
        assert_eq!(
            row.tracking_number.as_deref(),
            Some("GK-2026-000001"),
            "{}",
            db.name
        );
        assert_eq!(row.status.as_str(), "registered");
        assert_eq!(row.channel, "in_person");
        assert_eq!(row.applicant_type.as_deref(), Some("natural_person"));
        assert_eq!(row.receipt_date, gongkai_workflow::parse_date("2026-01-30"));
        assert_eq!(
            row.due_date,
            gongkai_workflow::parse_date("2026-03-05"),
            "{}",
            db.name
        );
        assert_eq!(row.warning_level.map(|w| w.as_str()), Some("normal"));
        assert_eq!(row.version, 2);
        // The acknowledgment (受理回执) waits in the outbox, written with the event.
        let kinds: Vec<String> = outbox::table
            .filter(outbox::case_id.eq(&id))
            .select(outbox::notice_kind)
            .load(&mut c)
            .unwrap();
        assert_eq!(
            kinds,
            vec![r#"{"kind":"acknowledgment"}"#.to_owned()],
            "{}",
            db.name
        );

        // Work it through to a reply.
        let sup = supervisor();
        let steps: Vec<(Command, gongkai_workflow::Actor)> = vec![
            (Command::StartProcessing, clerk()),
            (
                Command::DraftReply {
                    reply: Reply {
                        outcome: Outcome::Disclosed,
                        text: "经查，所申请信息已主动公开，现予提供。".to_owned(),
                        competent_agency: None,
                    },
                },
                clerk(),
            ),
            (Command::SubmitForReview, clerk()),
            (Command::ApproveReply, sup.clone()),
        ];
        let mut version = 2;
        for (cmd, actor) in steps {
            let done = execute(
                &mut c,
                &id,
                version,
                cmd,
                &law.ctx(&actor, at("2026-02-10")),
            )
            .unwrap();
            version = done.version;
        }
        let row = queries::case_row(&mut c, &Scope::operator(), &id)
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.status.as_str(), row.outcome.as_deref()),
            ("replied", Some("disclosed"))
        );
        assert_eq!(row.due_date, None, "a replied case has no running due date");
        assert_eq!(row.assignee.as_deref(), Some("zhangwei"));
        assert_eq!(count_events(&mut c, &id), 6);

        // The public lookup needs the right query code; a wrong one looks like no case.
        let found = queries::lookup(&mut c, "GK-2026-000001", &code.to_lowercase()).unwrap();
        assert_eq!(found.map(|r| r.id), Some(id.clone()));
        assert!(
            queries::lookup(&mut c, "GK-2026-000001", "WRONGCODE234")
                .unwrap()
                .is_none()
        );
        assert!(
            queries::lookup(&mut c, "GK-2026-999999", &code)
                .unwrap()
                .is_none()
        );

        // The chain verifies.
        assert!(
            audit::verify_all(&mut c, None, |_, _| {})
                .unwrap()
                .is_empty(),
            "{}",
            db.name
        );
    }
}

#[test]
fn a_stale_version_or_a_rejection_writes_nothing() {
    let law = Law::new();
    for db in databases("stale") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let id = registered(&mut c, &law, "李四", now);
        let outbox_before = count_outbox(&mut c);

        let err = execute(
            &mut c,
            &id,
            1,
            Command::StartProcessing,
            &law.ctx(&clerk(), now),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict {
                    expected: 1,
                    actual: 2
                }
            ),
            "{}: {err}",
            db.name
        );
        // A supervisor's approval on a case that is not under review: refused with its code.
        let err = execute(
            &mut c,
            &id,
            2,
            Command::ApproveReply,
            &law.ctx(&supervisor(), now),
        )
        .unwrap_err();
        match err {
            StoreError::Rejected(r) => assert_eq!(r.code, RejectionCode::WrongStatus),
            other => panic!("{}: expected a rejection, got {other}", db.name),
        }
        assert_eq!(count_events(&mut c, &id), 2, "{}", db.name);
        assert_eq!(count_outbox(&mut c), outbox_before);
        let row = queries::case_row(&mut c, &Scope::operator(), &id)
            .unwrap()
            .unwrap();
        assert_eq!((row.version, row.status.as_str()), (2, "registered"));

        let missing = execute(
            &mut c,
            "no-such-case",
            0,
            Command::StartProcessing,
            &law.ctx(&clerk(), now),
        )
        .unwrap_err();
        assert!(
            matches!(missing, StoreError::NotFound(_)),
            "{}: {missing}",
            db.name
        );
    }
}

#[test]
fn a_request_for_a_department_outside_its_agency_is_refused_and_nothing_is_stored() {
    let law = Law::new();
    for db in databases("foreign-department") {
        let mut c = db.seeded();
        accounts::create_agency(&mut c, "hd", "北京市海淀区人民政府", "HD").unwrap();
        accounts::create_department(&mut c, "hd", "hd-gkk", "海淀区政务公开科", None, true)
            .unwrap();
        let now = at("2026-03-02");
        for department in ["hd-gkk", "no-such-department"] {
            let mut r = in_person("王小明", "2026-03-02");
            r.department = department.to_owned();
            // A clerk whose scope names the department, so that the workflow lets it through
            // and the store is what checks the department against the agency.
            let clerk = gongkai_workflow::Actor::staff("clerk-x", Role::Clerk, &[department]);
            let err = receive(&mut c, r, &law.ctx(&clerk, now)).unwrap_err();
            assert!(
                matches!(&err, StoreError::NotFound(m) if m.contains(department)),
                "{}: {err}",
                db.name
            );
        }
        let stored: i64 = cases::table.count().get_result(&mut c).unwrap();
        assert_eq!(stored, 0, "{}", db.name);
        assert_eq!(count_outbox(&mut c), 0, "{}", db.name);
        let events: i64 = case_events::table.count().get_result(&mut c).unwrap();
        assert_eq!(events, 0, "{}", db.name);
    }
}

#[test]
fn a_projection_out_of_step_with_its_events_is_reported_as_damage() {
    let law = Law::new();
    for db in databases("out-of-step") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let ctx = law.ctx(&clerk(), now);
        let id = receive(&mut c, in_person("王小明", "2026-03-02"), &ctx)
            .unwrap()
            .case_id;
        let set_version = |c: &mut DbConnection, v: i64| {
            diesel::update(cases::table.find(&id))
                .set(cases::version.eq(v))
                .execute(c)
                .unwrap();
        };
        // Ahead: the projection says 2 while one event is stored. A caller at 2 is not told
        // "conflict, try again" (it would retry forever) but that the case is damaged.
        set_version(&mut c, 2);
        let r = register(&mut c, &id, 2, None, None, &ctx);
        assert!(
            matches!(r, Err(StoreError::Corrupt(_))),
            "{}: {r:?}",
            db.name
        );
        // Behind: the projection says 0. A caller at 1 (the events' count) hears where the
        // projection is; at 0, that the events are not there.
        set_version(&mut c, 0);
        let r = register(&mut c, &id, 1, None, None, &ctx);
        assert!(
            matches!(r, Err(StoreError::Conflict { actual: 0, .. })),
            "{}: {r:?}",
            db.name
        );
        let r = register(&mut c, &id, 0, None, None, &ctx);
        assert!(
            matches!(r, Err(StoreError::Corrupt(_))),
            "{}: {r:?}",
            db.name
        );
        assert_eq!(count_events(&mut c, &id), 1, "{}", db.name);
    }
}

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
fn audit_names_the_case_and_row_altered_or_deleted_outside_gongkai() {
    let law = Law::new();
    for db in databases("tamper") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let mut ids = Vec::new();
        for name in ["赵一", "钱二", "孙三"] {
            let id = processing(&mut c, &law, name, now);
            ids.push(id);
        }
        // Someone back-dates a receipt with plain SQL.
        diesel::sql_query(
            "UPDATE case_events SET payload = REPLACE(payload, '2026-03-02', '2026-02-02') \
             WHERE case_id = $1 AND seq = 1",
        )
        .bind::<diesel::sql_types::Text, _>(&ids[1])
        .execute(&mut c)
        .unwrap();
        // And someone deletes the last event of another case.
        diesel::sql_query("DELETE FROM case_events WHERE case_id = $1 AND seq = 3")
            .bind::<diesel::sql_types::Text, _>(&ids[2])
            .execute(&mut c)
            .unwrap();
        let broken = audit::verify_all(&mut c, None, |_, _| {}).unwrap();
        let mut found: Vec<(String, i64)> =
            broken.iter().map(|b| (b.case_id.clone(), b.seq)).collect();
        found.sort();
        let mut expected = vec![(ids[1].clone(), 1), (ids[2].clone(), 3)];
        expected.sort();
        assert_eq!(found, expected, "{}: {broken:?}", db.name);
        let altered = broken.iter().find(|b| b.case_id == ids[1]).unwrap();
        assert!(altered.problem.contains("altered"), "{}", altered.problem);
        assert_eq!(altered.tracking_number.as_deref(), Some("GK-2026-000002"));
        assert!(audit::verify_case(&mut c, &ids[0]).unwrap().is_none());
    }
}

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
        assert_eq!(row.due_date, gongkai_workflow::parse_date("2027-01-07"));
        assert!(row.provisional, "{}: 2027 is not published yet", db.name);

        // The 2027 notice arrives: New Year's Day on Friday 01-01.
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

#[test]
fn accounts_users_departments_and_login_counters() {
    for db in databases("accounts") {
        let mut c = db.seeded();
        let u = accounts::create_user(
            &mut c,
            "zhangwei",
            "张伟",
            Role::Clerk,
            Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            &[INTAKE],
        )
        .unwrap();
        let err =
            accounts::create_user(&mut c, "zhangwei", "张伟", Role::Clerk, None, &[]).unwrap_err();
        assert!(
            err.to_string().contains("user \"zhangwei\" already exists"),
            "{}: {err}",
            db.name
        );
        let err = accounts::create_user(&mut c, "nobody", "某人", Role::Clerk, None, &["no-dept"])
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}: {err}", db.name);
        assert!(
            accounts::user_by_username(&mut c, "nobody")
                .unwrap()
                .is_none(),
            "rolled back"
        );

        let found = accounts::user_by_username(&mut c, "zhangwei")
            .unwrap()
            .unwrap();
        assert_eq!(found.id, u.id);
        let actor = accounts::actor_for(&mut c, &found).unwrap();
        assert_eq!(
            (actor.role, actor.departments.clone()),
            (Role::Clerk, vec![INTAKE.to_owned()])
        );
        assert_eq!(accounts::record_failed_login(&mut c, &u.id).unwrap(), 1);
        assert_eq!(accounts::record_failed_login(&mut c, &u.id).unwrap(), 2);
        accounts::reset_failed_logins(&mut c, &u.id).unwrap();
        accounts::set_disabled(&mut c, &u.id, true).unwrap();
        let found = accounts::user_by_username(&mut c, "zhangwei")
            .unwrap()
            .unwrap();
        assert_eq!((found.failed_logins, found.disabled), (0, true));

        let deps = accounts::departments_of(&mut c, AGENCY).unwrap();
        assert_eq!(deps.len(), 2);
        assert!(deps.iter().any(|d| d.is_intake && d.code == INTAKE));
        let err =
            accounts::create_department(&mut c, "nope", "x", "某部门", None, false).unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}: {err}", db.name);
    }
}

#[test]
fn attachments_are_stored_once_by_content_and_checked_on_read() {
    use gongkai_store::attachments::{self, Limits};
    let law = Law::new();
    for db in databases("attachments") {
        let mut c = db.seeded();
        let dir = std::env::temp_dir().join(format!("gongkai-blobs-{}", uuid::Uuid::now_v7()));
        let limits = Limits {
            max_bytes: 1024,
            content_types: vec!["application/pdf".to_owned(), "text/plain".to_owned()],
            ..Limits::default()
        };
        let now = at("2026-03-02");
        let id = receive(
            &mut c,
            in_person("王小明", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        let pdf = b"%PDF-1.7 application form".to_vec();
        let a = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "申请表.pdf",
            "application/PDF",
            &pdf,
            "zhangwei",
        )
        .unwrap();
        let b = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "申请表（副本）.pdf",
            "application/pdf",
            &pdf,
            "zhangwei",
        )
        .unwrap();
        assert_eq!(a.sha256, b.sha256);
        assert_ne!(a.id, b.id);
        let blobs: usize = walk(&dir);
        assert_eq!(blobs, 1, "{}: the same bytes are stored once", db.name);
        assert_eq!(
            attachments::list(&mut c, &Scope::operator(), &id)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(attachments::read(&dir, &a).unwrap(), pdf);

        let too_big = vec![b'x'; 2048];
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "big.txt",
            "text/plain",
            &too_big,
            "zhangwei",
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::TooLarge {
                    size: 2048,
                    limit: 1024
                }
            ),
            "{err}"
        );
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "x.exe",
            "application/x-msdownload",
            b"MZ",
            "zhangwei",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("content_type: \"application/x-msdownload\" is not accepted"),
            "{err}"
        );
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "../../etc/passwd",
            "text/plain",
            b"x",
            "zhangwei",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("filename:"), "{err}");
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            "no-such-case",
            "a.txt",
            "text/plain",
            b"x",
            "zhangwei",
        )
        .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
        assert_eq!(
            attachments::list(&mut c, &Scope::operator(), &id)
                .unwrap()
                .len(),
            2,
            "nothing stored by the refusals"
        );

        // A file altered on disk is refused on read.
        std::fs::write(
            attachments::blob_path(&dir, &a.sha256).unwrap(),
            b"tampered",
        )
        .unwrap();
        let err = attachments::read(&dir, &a).unwrap_err();
        assert!(
            err.to_string().contains("no longer matches its sha256"),
            "{err}"
        );
        // Uploading the same file again repairs the stored copy.
        attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "申请表.pdf",
            "application/pdf",
            &pdf,
            "zhangwei",
        )
        .unwrap();
        assert_eq!(attachments::read(&dir, &a).unwrap(), pdf);
        // A hash altered in the database cannot point outside the folder.
        let mut evil = a.clone();
        evil.sha256 = "../../../../dev/zero".to_owned();
        assert!(matches!(
            attachments::read(&dir, &evil),
            Err(StoreError::Corrupt(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn a_panic_inside_a_transaction_does_not_poison_the_pool() {
    let law = Law::new();
    for db in databases("panic") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let id = receive(
            &mut c,
            in_person("王小明", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        drop(c);
        let pool = gongkai_store::pool(&db.url, 1, Default::default()).unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut conn = pool.get().unwrap();
            let _ = gongkai_store::write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
                register(conn, &id, 1, None, None, &law.ctx(&clerk(), now))?;
                panic!("a bug in the middle of a write");
            });
        }));
        assert!(result.is_err());
        // The one pooled connection was closed, not reused inside its open transaction: the
        // next writer gets a fresh one, and the half-done registration never happened.
        let mut conn = pool.get().unwrap();
        let done = register(&mut conn, &id, 1, None, None, &law.ctx(&clerk(), now)).unwrap();
        assert_eq!(
            done.case.tracking_number.as_deref(),
            Some("GK-2026-000001"),
            "{}",
            db.name
        );
        let mut other = db.connect();
        assert_eq!(
            queries::case_row(&mut other, &Scope::operator(), &id)
                .unwrap()
                .unwrap()
                .version,
            2,
            "{}",
            db.name
        );
    }
}

#[test]
fn a_pooled_connection_lost_to_the_server_is_replaced_after_its_first_error() {
    use diesel::connection::SimpleConnection;
    for db in databases("lost-connection") {
        drop(db.seeded());
        // One connection, so the next checkout would get the same one back.
        let pool = gongkai_store::pool(&db.url, 1, Default::default()).unwrap();
        let mut conn = pool.get().unwrap();
        assert!(
            queries::case_row(&mut conn, &Scope::operator(), "nothing")
                .unwrap()
                .is_none()
        );
        if db.name == "postgres" {
            // The server ends the session (a restart, a failover, an idle timeout in between).
            let pid: i32 = diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
                "pg_backend_pid()",
            ))
            .get_result(&mut *conn)
            .unwrap();
            db.connect()
                .batch_execute(&format!("SELECT pg_terminate_backend({pid})"))
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(200));
            // Pools no longer test every checkout: the request on the dead session fails...
            assert!(
                queries::case_row(&mut conn, &Scope::operator(), "nothing").is_err(),
                "the terminated session still answered"
            );
        } else {
            let _ = conn.batch_execute("SELECT no_such_function()");
        }
        drop(conn);
        // ...and the connection goes back broken and is closed: the next one works.
        let mut conn = pool.get().unwrap();
        assert!(
            queries::case_row(&mut conn, &Scope::operator(), "nothing")
                .unwrap()
                .is_none(),
            "{}",
            db.name
        );
    }
}

#[test]
fn tracking_numbers_stay_unique_per_agency_and_come_only_from_the_counter() {
    let law = Law::new();
    for db in databases("prefix") {
        let mut c = db.seeded();
        let err = accounts::create_agency(&mut c, "hd", "海淀区人民政府", "GK").unwrap_err();
        assert!(
            err.to_string()
                .contains("\"GK\" is already used by agency \"cy\""),
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
            err.to_string()
                .starts_with("tracking_number: assigned by gongkai"),
            "{err}"
        );
        // Bulk callers holding their own transaction take the same door.
        let err = gongkai_store::write_transaction(&mut c, |conn| {
            gongkai_store::execute_within(conn, &id, 1, chosen, &law.ctx(&clerk(), now))
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("tracking_number: assigned by gongkai"),
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

#[test]
fn audit_also_finds_deleted_cases_and_inserted_events() {
    let law = Law::new();
    for db in databases("audit-more") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let mut ids = Vec::new();
        for name in ["赵一", "钱二"] {
            let id = registered(&mut c, &law, name, now);
            ids.push(id);
        }
        // A projection set back one version: the stored events outnumber it.
        diesel::sql_query("UPDATE cases SET version = 1 WHERE id = $1")
            .bind::<diesel::sql_types::Text, _>(&ids[0])
            .execute(&mut c)
            .unwrap();
        // A case row deleted with foreign keys off (e.g. the sqlite3 shell): its events remain.
        if db.name == "sqlite" {
            diesel::sql_query("PRAGMA foreign_keys = OFF")
                .execute(&mut c)
                .unwrap();
        } else {
            diesel::sql_query("ALTER TABLE case_events DROP CONSTRAINT case_events_case_id_fkey")
                .execute(&mut c)
                .unwrap();
        }
        for table in ["outbox", "case_texts", "cases"] {
            let column = if table == "cases" { "id" } else { "case_id" };
            diesel::sql_query(format!("DELETE FROM {table} WHERE {column} = $1"))
                .bind::<diesel::sql_types::Text, _>(&ids[1])
                .execute(&mut c)
                .unwrap();
        }
        let broken = audit::verify_all(&mut c, None, |_, _| {}).unwrap();
        let problems: Vec<(String, String)> = broken
            .iter()
            .map(|b| (b.case_id.clone(), b.problem.clone()))
            .collect();
        assert_eq!(broken.len(), 2, "{}: {problems:?}", db.name);
        assert!(
            problems
                .iter()
                .any(|(id, p)| id == &ids[0] && p.contains("(inserted)")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|(id, p)| id == &ids[1] && p.contains("case itself was deleted")),
            "{problems:?}"
        );
    }
}

#[test]
fn sessions_end_when_idle_or_too_old_and_tokens_are_stored_hashed() {
    use chrono::Duration;
    use gongkai_store::sessions;
    for db in databases("sessions") {
        let mut c = db.connect();
        migrations::run_pending(&mut c).unwrap();
        let user = gongkai_store::accounts::create_user(
            &mut c,
            "s1",
            "s1",
            gongkai_workflow::Role::Clerk,
            None,
            &[],
        )
        .unwrap();
        let t0 = at("2026-11-02").naive_utc();
        let (idle, absolute) = (Duration::hours(24), Duration::hours(12));
        let token = "a".repeat(64);
        let s = sessions::create(&mut c, &token, &user.id, "csrf", t0, idle).unwrap();
        assert_eq!(s.token_hash, sessions::hash_token(&token));
        assert_ne!(s.token_hash, token, "the token itself is not stored");
        let find = |c: &mut DbConnection, t| sessions::find(c, &token, t, idle, absolute).unwrap();
        // Used within the day: alive, and its idle expiry moves but never past the absolute end.
        let later = find(&mut c, t0 + Duration::hours(2)).unwrap();
        assert_eq!(later.expires_at, t0 + absolute);
        // Past the absolute lifetime, even though the idle window (24 h) is longer: gone.
        assert!(find(&mut c, t0 + Duration::hours(12)).is_none());
        assert!(
            find(&mut c, t0 + Duration::hours(3)).is_none(),
            "deleted, not just hidden"
        );
        let other = "b".repeat(64);
        sessions::create(&mut c, &other, &user.id, "csrf", t0, idle).unwrap();
        assert!(
            sessions::find(
                &mut c,
                &other,
                t0 + Duration::hours(25),
                idle,
                Duration::days(7)
            )
            .unwrap()
            .is_none()
        );

        // Abandoned sessions and stale failure counters are purged without being read.
        let (kept, stale) = ("c".repeat(64), "d".repeat(64));
        let t1 = t0 + Duration::days(2);
        sessions::create(&mut c, &stale, &user.id, "csrf", t0, idle).unwrap();
        sessions::create(&mut c, &kept, &user.id, "csrf", t1, idle).unwrap();
        let window = Duration::minutes(15);
        let rule = sessions::Rule {
            limit: 20,
            free: i32::MAX,
            first_delay_ms: 0,
            max_delay_ms: 0,
            window_ms: window.num_milliseconds(),
        };
        let ms = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis();
        for (key, t) in [("address:203.0.113.9", t0), ("address:203.0.113.10", t1)] {
            sessions::count_attempts(&mut c, &[(key, rule)], ms(t))
                .unwrap()
                .unwrap();
        }
        let purged = sessions::purge_expired(&mut c, t1 + Duration::minutes(1), absolute, window);
        assert_eq!(purged.unwrap(), (1, 1), "{}", db.name);
        assert!(
            sessions::find(&mut c, &kept, t1 + Duration::minutes(2), idle, absolute)
                .unwrap()
                .is_some()
        );
        assert_eq!(
            sessions::attempts(&mut c, "address:203.0.113.10", ms(t1), rule.window_ms).unwrap(),
            1
        );
    }
}

/// Issue 15, finding 6: the limits on a case's files hold when uploads race (the limit is
/// checked with the case held, in the transaction that writes the row), an applicant has a
/// lower limit of their own, and a case that is no longer open takes no file.
#[test]
fn parallel_uploads_cannot_pass_the_limits_and_closed_cases_take_none() {
    use gongkai_store::attachments::{self, Limits, Quota, Spool, Upload};
    let law = Law::new();
    for db in databases("upload-limits") {
        let mut c = db.seeded();
        let dir = std::env::temp_dir().join(format!("gongkai-blobs-{}", uuid::Uuid::now_v7()));
        let limits = Limits {
            max_bytes: 1024,
            content_types: vec!["text/plain".to_owned()],
            per_case: Quota {
                files: 3,
                bytes: 10_000,
            },
            per_applicant: Quota {
                files: 1,
                bytes: 100,
            },
        };
        let now = at("2026-03-02");
        let id = receive(
            &mut c,
            in_person("王小明", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        let spooled = |bytes: &[u8]| {
            let mut s = Spool::create(&dir, limits.max_bytes).unwrap();
            s.write(bytes).unwrap();
            s.finish().unwrap()
        };
        let upload = |by: &'static str, applicant: bool| Upload {
            case_id: &id,
            filename: "a.txt",
            content_type: "text/plain",
            uploaded_by: by,
            applicant,
        };
        // The applicant's own limit: one file, 100 bytes.
        let err = attachments::store(
            &mut c,
            &dir,
            &limits,
            &upload("u1", true),
            spooled(&[b'x'; 101]),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::QuotaExceeded {
                    which: "applicant_bytes",
                    limit: 100
                }
            ),
            "{}: {err}",
            db.name
        );
        attachments::store(&mut c, &dir, &limits, &upload("u1", true), spooled(b"one")).unwrap();
        let err = attachments::store(&mut c, &dir, &limits, &upload("u1", true), spooled(b"two"))
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::QuotaExceeded {
                    which: "applicant_files",
                    limit: 1
                }
            ),
            "{}: {err}",
            db.name
        );

        // Eight staff uploads at once for the two places left: two win.
        let barrier = Arc::new(Barrier::new(8));
        let outcomes: Vec<Result<(), String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let barrier = Arc::clone(&barrier);
                    let (db, dir, limits, id) = (&db, &dir, &limits, &id);
                    scope.spawn(move || {
                        let mut c = db.connect();
                        let mut s = Spool::create(dir, limits.max_bytes).unwrap();
                        s.write(format!("file {i}").as_bytes()).unwrap();
                        let file = s.finish().unwrap();
                        let up = Upload {
                            case_id: id,
                            filename: "b.txt",
                            content_type: "text/plain",
                            uploaded_by: "zhangwei",
                            applicant: false,
                        };
                        barrier.wait();
                        attachments::store(&mut c, dir, limits, &up, file)
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let won = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(won, 2, "{}: {outcomes:?}", db.name);
        for o in outcomes.iter().filter_map(|o| o.as_ref().err()) {
            assert!(o.contains("case_files"), "{}: {o}", db.name);
        }
        assert_eq!(
            attachments::list(&mut c, &Scope::operator(), &id)
                .unwrap()
                .len(),
            3,
            "{}",
            db.name
        );

        // A case no longer open (here: withdrawn) takes no file, even within the limits.
        let other = receive(
            &mut c,
            in_person("李四", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        diesel::update(cases::table.find(&other))
            .set(cases::status.eq("withdrawn"))
            .execute(&mut c)
            .unwrap();
        let closed = Upload {
            case_id: &other,
            ..upload("zhangwei", false)
        };
        let err = attachments::store(&mut c, &dir, &limits, &closed, spooled(b"late")).unwrap_err();
        assert!(
            matches!(&err, StoreError::CaseClosed { status } if status == "withdrawn"),
            "{}: {err}",
            db.name
        );
        assert!(
            attachments::list(&mut c, &Scope::operator(), &other)
                .unwrap()
                .is_empty()
        );
        // Refused uploads leave no temporary file behind.
        let incoming = std::fs::read_dir(dir.join(".incoming")).unwrap().count();
        assert_eq!(incoming, 0, "{}", db.name);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Issue 15, finding 9: a statement of a request's database work that runs past the timeout
/// is stopped (PostgreSQL: the bounded pool's statement_timeout; SQLite: the thread's deadline,
/// through the progress handler), and recognised as a timeout; unbounded connections (the
/// worker's, the CLI's) stay unbounded.
#[test]
fn a_statement_past_the_timeout_is_interrupted() {
    use gongkai_store::db::{Deadline, SqliteOptions, is_timeout, pool, pool_with_timeout};
    use std::time::Duration;
    /// Counts to 10^9: minutes of work, unless stopped.
    const SLOW: &str = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
                        WHERE n < 1000000000) SELECT COUNT(*) AS n FROM c";
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    for db in databases("statement-timeout") {
        let limit = Duration::from_millis(200);
        let bounded = pool_with_timeout(&db.url, 1, SqliteOptions::default(), limit).unwrap();
        let mut conn = bounded.get().unwrap();
        let err = {
            // What the API's `db` helper does around every database call.
            let _deadline = Deadline::start(limit);
            diesel::sql_query(SLOW).execute(&mut *conn).unwrap_err()
        };
        assert!(is_timeout(&err), "{}: {err}", db.name);
        // The connection serves the next call.
        let _deadline = Deadline::start(limit);
        diesel::sql_query("SELECT 1").execute(&mut *conn).unwrap();
        drop(_deadline);
        drop(conn);
        if db.name == "postgres" {
            let unbounded = pool(&db.url, 1, SqliteOptions::default()).unwrap();
            let show = |c: &mut DbConnection| {
                diesel::sql_query("SELECT current_setting('statement_timeout') AS v")
                    .get_result::<Setting>(c)
                    .unwrap()
                    .v
            };
            assert_eq!(show(&mut bounded.get().unwrap()), "200ms");
            assert_eq!(show(&mut unbounded.get().unwrap()), "0");
        } else {
            // Without a deadline (the worker, the CLI) nothing is interrupted: a query of
            // some length runs to its end.
            let mut c = db.connect();
            diesel::sql_query(
                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
                 WHERE n < 200000) SELECT COUNT(*) AS n FROM c",
            )
            .execute(&mut c)
            .unwrap();
        }
    }
}

/// Sign-in attempts are counted in one guarded statement before the password is checked:
/// parallel attempts never pass the limit, a delay doubles per attempt up to its cap and is
/// not extended by refused attempts, a refusal by one key counts under none, and a window
/// forgets.
#[test]
fn sign_in_attempts_are_counted_atomically_with_a_progressive_delay() {
    use gongkai_store::sessions::{self, Rule};
    for db in databases("throttle") {
        let mut c = db.connect();
        migrations::run_pending(&mut c).unwrap();
        drop(c);
        let t0 = at("2026-11-02").timestamp_millis();
        // Parallel attempts from 8 threads against a limit of 5: exactly 5 counted.
        let limit = Rule {
            limit: 5,
            free: i32::MAX,
            first_delay_ms: 0,
            max_delay_ms: 0,
            window_ms: 60_000,
        };
        let allowed: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        let mut c = db.connect();
                        (0..5)
                            .filter(|_| {
                                sessions::count_attempts(&mut c, &[("address:a", limit)], t0)
                                    .unwrap()
                                    .is_ok()
                            })
                            .count()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(allowed, 5, "{}", db.name);
        let mut c = db.connect();
        let refused = sessions::count_attempts(&mut c, &[("address:a", limit)], t0 + 1_000)
            .unwrap()
            .unwrap_err();
        assert_eq!(
            (refused.key.as_str(), refused.wait_ms),
            ("address:a", 59_000)
        );
        // After the window: counted from 1 again.
        assert!(
            sessions::count_attempts(&mut c, &[("address:a", limit)], t0 + 60_000)
                .unwrap()
                .is_ok()
        );
        assert_eq!(
            sessions::attempts(&mut c, "address:a", t0 + 60_000, 60_000).unwrap(),
            1
        );
        // A success takes its own attempt back, never more.
        sessions::uncount_attempt(&mut c, "address:a").unwrap();
        sessions::uncount_attempt(&mut c, "address:a").unwrap();
        assert_eq!(
            sessions::attempts(&mut c, "address:a", t0 + 60_000, 60_000).unwrap(),
            0
        );

        // Two free attempts, then 1 s, 2 s, 4 s, capped at 5 s.
        let delay = Rule {
            limit: i32::MAX,
            free: 2,
            first_delay_ms: 1_000,
            max_delay_ms: 5_000,
            window_ms: 3_600_000,
        };
        let mut t = t0;
        let mut waits = Vec::new();
        for _ in 0..6 {
            match sessions::count_attempts(&mut c, &[("pair:x", delay)], t).unwrap() {
                Ok(()) => waits.push(0),
                Err(r) => {
                    // Refused until the delay passed, and a refusal does not extend it.
                    let again = sessions::count_attempts(&mut c, &[("pair:x", delay)], t + 500);
                    assert_eq!(again.unwrap().unwrap_err().wait_ms, r.wait_ms - 500);
                    waits.push(r.wait_ms);
                    t += r.wait_ms;
                    sessions::count_attempts(&mut c, &[("pair:x", delay)], t)
                        .unwrap()
                        .unwrap();
                }
            }
        }
        assert_eq!(waits, [0, 0, 1_000, 2_000, 4_000, 5_000], "{}", db.name);
        assert_eq!(delay.delay_after(40), 5_000);
        // A refusal by one key counts under none of the keys (rolled back).
        let before = sessions::attempts(&mut c, "address:b", t, 60_000).unwrap();
        let r = sessions::count_attempts(&mut c, &[("address:b", limit), ("pair:x", delay)], t)
            .unwrap();
        assert_eq!(r.unwrap_err().key, "pair:x");
        assert_eq!(
            sessions::attempts(&mut c, "address:b", t, 60_000).unwrap(),
            before
        );
        sessions::clear_attempts(&mut c, &["pair:x"]).unwrap();
        assert!(
            sessions::count_attempts(&mut c, &[("pair:x", delay)], t)
                .unwrap()
                .is_ok()
        );
    }
}
