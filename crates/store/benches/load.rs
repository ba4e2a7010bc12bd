//! Load benchmark of the store against a database filled by `gongkai demo`.
//!
//! ```sh
//! DATABASE_URL=sqlite:///tmp/bench/gongkai.db gongkai demo --cases 100000
//! GONGKAI_BENCH_URL=sqlite:///tmp/bench/gongkai.db cargo bench -p gongkai-store --bench load
//! ```
//!
//! Settings (environment): GONGKAI_BENCH_URL (required), GONGKAI_BENCH_SECONDS (per
//! throughput run, default 10), GONGKAI_BENCH_THREADS (comma-separated client counts, default
//! "1,2,4"). Figures go to docs/PERFORMANCE.md by hand, with the command that made them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::db::{DatabaseUrl, DbConnection, SqliteOptions, connect};
use gongkai_store::queries::{self, Cursor, QueueFilter};
use gongkai_store::schema::{cases, departments};
use gongkai_store::{StoreError, accounts, execute, receive, recompute, register};
use gongkai_workflow::model::{
    Applicant, ApplicantType, Carrier, Delivery, Receive, Reply, RequestDetails,
};
use gongkai_workflow::{
    Actor, Calendar, Channel, Command, Context, Outcome, Role, Statute, builtin_calendar,
};

struct Law {
    calendar: Calendar,
    statute: Statute,
}

mod common;
use common::{ms, percentile};

/// One new request taken through receive, register, assign, start and a draft: five commands,
/// each its own transaction, as the API will issue them.
fn one_flow(
    conn: &mut DbConnection,
    law: &Law,
    agency: &str,
    intake: &str,
    staff: (&str, &str),
) -> Result<u64, StoreError> {
    let clerk = Actor::staff(staff.0, Role::Clerk, &[intake]);
    let chief = Actor::staff(staff.1, Role::Supervisor, &[intake]);
    let ctx = |actor: &Actor| Context {
        now: Utc::now(),
        actor: actor.clone(),
        calendar: &law.calendar,
        statute: &law.statute,
    };
    let got = receive(
        conn,
        Receive {
            channel: Channel::InPerson,
            agency: agency.to_owned(),
            department: intake.to_owned(),
            applicant: Applicant {
                kind: Some(ApplicantType::NaturalPerson),
                name: "压测申请人".to_owned(),
                phone: Some("13800138000".to_owned()),
                ..Applicant::default()
            },
            request: RequestDetails {
                description: "压测：2025年度部门预算".to_owned(),
                document_number: None,
                carrier: Carrier::Electronic,
                delivery: Delivery::Email,
            },
            receipt_date: None,
        },
        &ctx(&clerk),
    )?;
    let id = got.case_id;
    let v = register(conn, &id, got.version, None, None, &ctx(&clerk))?.version;
    let assign = Command::Assign {
        department: None,
        assignee: Some(clerk.id.clone()),
    };
    let v = execute(conn, &id, v, assign, &ctx(&chief))?.version;
    let v = execute(conn, &id, v, Command::StartProcessing, &ctx(&clerk))?.version;
    let draft = Command::DraftReply {
        reply: Reply {
            outcome: Outcome::Disclosed,
            text: "经审查，予以公开。".to_owned(),
            competent_agency: None,
            not_held: None,
            competent_agency_contact: None,
            disclosure: None,
            release: gongkai_testkit::release_for(Outcome::Disclosed),
        },
    };
    execute(conn, &id, v, draft, &ctx(&clerk))?;
    Ok(5)
}

fn main() {
    let Ok(url) = std::env::var("GONGKAI_BENCH_URL") else {
        println!("load: set GONGKAI_BENCH_URL to a database filled by `gongkai demo`; skipped");
        return;
    };
    let seconds: u64 = std::env::var("GONGKAI_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let threads: Vec<usize> = std::env::var("GONGKAI_BENCH_THREADS")
        .unwrap_or_else(|_| "1,2,4".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let url = DatabaseUrl::parse(&url).unwrap();
    let law = Arc::new(Law {
        calendar: builtin_calendar().unwrap(),
        statute: Statute::builtin(),
    });
    let mut conn = connect(&url, &SqliteOptions::default()).unwrap();
    let total: i64 = cases::table.count().get_result(&mut conn).unwrap();
    println!(
        "database: {} ({}), {total} cases",
        url.redacted(),
        url.backend()
    );

    // Size per case.
    let bytes: Option<i64> = match &url {
        DatabaseUrl::Sqlite(path) => {
            let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            let wal = path.with_extension("db-wal");
            Some((size(path) + size(&wal)) as i64)
        }
        DatabaseUrl::Postgres(_) => {
            #[derive(QueryableByName)]
            struct Size {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                bytes: i64,
            }
            diesel::sql_query("SELECT pg_database_size(current_database()) AS bytes")
                .get_result::<Size>(&mut conn)
                .ok()
                .map(|s| s.bytes)
        }
    };
    if let Some(b) = bytes {
        println!(
            "size: {:.1} MB in all, {:.0} bytes per case (events, projection, outbox, indexes)",
            b as f64 / 1e6,
            b as f64 / total.max(1) as f64
        );
    }

    // Warning levels as of now (demo data carries the levels of the day each event happened).
    let t = Instant::now();
    let r = recompute::recompute_open(
        &mut conn,
        &law.calendar,
        &law.statute,
        Utc::now(),
        1000,
        |_, _| {},
    )
    .unwrap();
    println!(
        "recompute: {} open cases in {:.2} s ({:.0} cases/s)",
        r.open_cases,
        t.elapsed().as_secs_f64(),
        r.open_cases as f64 / t.elapsed().as_secs_f64().max(1e-9)
    );

    // Clerk queue: first page and the next three of each department, 50 rows each; the open
    // cases (the working queue) and all cases (the department's list).
    let depts: Vec<String> = departments::table
        .select(departments::code)
        .load(&mut conn)
        .unwrap();
    let open = gongkai_workflow::Status::OPEN.to_vec();
    for (what, statuses) in [("open cases", open), ("all cases", Vec::new())] {
        let mut samples = Vec::new();
        for i in 0..500 {
            let filter = QueueFilter {
                scope: Scope::operator().department(&depts[i % depts.len()]),
                statuses: statuses.clone(),
                ..QueueFilter::default()
            };
            let mut cursor: Option<Cursor> = None;
            for _ in 0..4 {
                let t = Instant::now();
                let page = queries::queue(&mut conn, &filter, cursor.as_ref(), 50).unwrap();
                samples.push(t.elapsed());
                cursor = page.last().map(Cursor::after);
                if cursor.is_none() {
                    break;
                }
            }
        }
        samples.sort();
        println!(
            "queue page of 50, {what}: {} samples, p50 {}, p99 {}, max {}",
            samples.len(),
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99)),
            ms(*samples.last().unwrap())
        );
    } // Due-soon and overdue counts per department, all departments.
    let mut samples = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let counts = queries::warning_counts(&mut conn, &Scope::operator()).unwrap();
        samples.push(t.elapsed());
        std::hint::black_box(counts);
    }
    samples.sort();
    println!(
        "warning counts per department: p50 {}, p99 {}",
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99))
    );

    // execute throughput: new requests through five commands, each its own call, as the API
    // issues them (on PostgreSQL one statement each but for the registration's transaction).
    let (agency, intake): (String, String) = departments::table
        .filter(departments::is_intake.eq(true))
        .select((departments::agency_code, departments::code))
        .first(&mut conn)
        .unwrap();
    // The clerk the cases are assigned to and the chief who assigns them: real users of the
    // intake office (an assignment must name one).
    let user = |conn: &mut DbConnection, name: &str, role: Role| match accounts::user_by_username(
        conn, name,
    )
    .unwrap()
    {
        Some(u) => u.id,
        None => {
            accounts::create_user(conn, name, name, role, None, &[&intake])
                .unwrap()
                .id
        }
    };
    let clerk_id = user(&mut conn, &format!("bench-clerk-{intake}"), Role::Clerk);
    let chief_id = user(
        &mut conn,
        &format!("bench-chief-{intake}"),
        Role::Supervisor,
    );
    for &n in &threads {
        let barrier = Arc::new(Barrier::new(n));
        let deadline = Duration::from_secs(seconds);
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let (barrier, law, url) = (barrier.clone(), law.clone(), url.clone());
                let (agency, intake) = (agency.clone(), intake.clone());
                let (clerk_id, chief_id) = (clerk_id.clone(), chief_id.clone());
                std::thread::spawn(move || {
                    let mut conn = connect(&url, &SqliteOptions::default()).unwrap();
                    barrier.wait();
                    let start = Instant::now();
                    let mut commands = 0u64;
                    while start.elapsed() < deadline {
                        match one_flow(&mut conn, &law, &agency, &intake, (&clerk_id, &chief_id)) {
                            Ok(c) => commands += c,
                            // The first registration of a new year may race; try again.
                            Err(StoreError::Conflict { .. }) => {}
                            Err(e) => panic!("{e}"),
                        }
                    }
                    (commands, start.elapsed())
                })
            })
            .collect();
        let results: Vec<(u64, Duration)> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        let commands: u64 = results.iter().map(|r| r.0).sum();
        let secs = results
            .iter()
            .map(|r| r.1.as_secs_f64())
            .fold(0.0, f64::max);
        println!(
            "execute, {n} client(s): {commands} commands in {secs:.1} s = {:.0} commands/s",
            commands as f64 / secs
        );
    }
}
