//! Per-test databases: a SQLite file in a fresh folder, and, when GONGKAI_TEST_DATABASE_URL
//! names a PostgreSQL server, a fresh schema on it. Every store test runs on each.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use gongkai_store::accounts;
use gongkai_store::db::{DatabaseUrl, DbConnection, SqliteOptions, connect};
use gongkai_store::migrations;
use gongkai_workflow::model::{
    Applicant, ApplicantType, Carrier, Delivery, Receive, RequestDetails,
};
use gongkai_workflow::{Actor, Calendar, Channel, Context, Role, Statute, builtin_calendar};

pub const AGENCY: &str = "cy";
pub const INTAKE: &str = "cy-gkk";
pub const HOUSING: &str = "cy-zjw";

pub struct TestDb {
    pub name: &'static str,
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(PathBuf),
    Schema { base: String, schema: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Folder(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { base, schema } => {
                if let Ok(mut c) = connect(
                    &DatabaseUrl::Postgres(base.clone()),
                    &SqliteOptions::default(),
                ) {
                    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
                }
            }
        }
    }
}

impl TestDb {
    pub fn connect(&self) -> DbConnection {
        connect(&self.url, &SqliteOptions::default()).expect("test database connects")
    }

    /// A connection to a migrated database holding agency "cy" with two departments.
    pub fn seeded(&self) -> DbConnection {
        let mut c = self.connect();
        migrations::run_pending(&mut c).expect("migrations apply");
        accounts::create_agency(&mut c, AGENCY, "北京市朝阳区人民政府", "GK").unwrap();
        accounts::create_department(&mut c, AGENCY, INTAKE, "区政府办公室政务公开科", None, true)
            .unwrap();
        accounts::create_department(
            &mut c,
            AGENCY,
            HOUSING,
            "区住房和城乡建设委员会",
            None,
            false,
        )
        .unwrap();
        c
    }
}

fn sqlite(test: &str) -> TestDb {
    let dir = std::env::temp_dir().join(format!("gongkai-store-{test}-{}", uuid::Uuid::now_v7()));
    TestDb {
        name: "sqlite",
        url: DatabaseUrl::Sqlite(dir.join("test.db")),
        cleanup: Cleanup::Folder(dir),
    }
}

fn postgres(base: &str) -> TestDb {
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let url = DatabaseUrl::parse(base).expect("GONGKAI_TEST_DATABASE_URL is a postgres:// URL");
    let DatabaseUrl::Postgres(base_url) = url else {
        panic!("GONGKAI_TEST_DATABASE_URL must be a postgres:// URL, got {base}");
    };
    let mut admin = connect(
        &DatabaseUrl::Postgres(base_url.clone()),
        &SqliteOptions::default(),
    )
    .unwrap_or_else(|e| {
        panic!("GONGKAI_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}")
    });
    admin
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .expect("create the test schema");
    let sep = if base_url.contains('?') { '&' } else { '?' };
    TestDb {
        name: "postgres",
        url: DatabaseUrl::Postgres(format!("{base_url}{sep}options=-csearch_path%3D{schema}")),
        cleanup: Cleanup::Schema {
            base: base_url,
            schema,
        },
    }
}

/// The databases a test runs on: SQLite always, PostgreSQL when configured.
pub fn databases(test: &str) -> Vec<TestDb> {
    let mut dbs = vec![sqlite(test)];
    match std::env::var("GONGKAI_TEST_DATABASE_URL") {
        Ok(base) if !base.trim().is_empty() => dbs.push(postgres(base.trim())),
        // Written to the process's stderr directly: the test harness captures eprintln!.
        _ => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "note: {test}: PostgreSQL half skipped (set GONGKAI_TEST_DATABASE_URL=postgres://… to run it)"
            );
        }
    }
    dbs
}

pub struct Law {
    pub calendar: Calendar,
    pub statute: Statute,
}

impl Law {
    pub fn new() -> Law {
        Law {
            calendar: builtin_calendar().unwrap(),
            statute: Statute::builtin(),
        }
    }

    pub fn ctx(&self, actor: &Actor, now: DateTime<Utc>) -> Context<'_> {
        Context {
            now,
            actor: actor.clone(),
            calendar: &self.calendar,
            statute: &self.statute,
        }
    }
}

/// 10:00 in Beijing on `day` (YYYY-MM-DD).
pub fn at(day: &str) -> DateTime<Utc> {
    let d = gongkai_workflow::parse_date(day).unwrap();
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap())
}

pub fn clerk() -> Actor {
    Actor::staff("zhangwei", Role::Clerk, &[INTAKE])
}

pub fn supervisor() -> Actor {
    Actor::staff("liuyang", Role::Supervisor, &[INTAKE, HOUSING])
}

/// A request handed in at the counter at `now` and registered by the clerk: its case id.
pub fn registered(c: &mut DbConnection, law: &Law, name: &str, now: DateTime<Utc>) -> String {
    let day = now.format("%Y-%m-%d").to_string();
    let ctx = law.ctx(&clerk(), now);
    let id = gongkai_store::receive(c, in_person(name, &day), &ctx)
        .unwrap()
        .case_id;
    gongkai_store::register(c, &id, 1, None, None, &ctx).unwrap();
    id
}

/// As [`registered`], and taken into processing (version 3).
pub fn processing(c: &mut DbConnection, law: &Law, name: &str, now: DateTime<Utc>) -> String {
    let id = registered(c, law, name, now);
    let ctx = law.ctx(&clerk(), now);
    gongkai_store::execute(c, &id, 2, gongkai_workflow::Command::StartProcessing, &ctx).unwrap();
    id
}

/// A request handed in at the counter on `day`.
pub fn in_person(name: &str, day: &str) -> Receive {
    Receive {
        channel: Channel::InPerson,
        agency: AGENCY.to_owned(),
        department: INTAKE.to_owned(),
        applicant: Applicant {
            kind: Some(ApplicantType::NaturalPerson),
            name: name.to_owned(),
            id_document: None,
            phone: Some("13800138000".to_owned()),
            email: Some("applicant@example.cn".to_owned()),
            address: None,
        },
        request: RequestDetails {
            description: "2025年本区老旧小区改造项目清单及资金安排".to_owned(),
            document_number: None,
            carrier: Carrier::Electronic,
            delivery: Delivery::Email,
        },
        receipt_date: gongkai_workflow::parse_date(day),
    }
}
