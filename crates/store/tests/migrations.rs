//! Migrations on SQLite and PostgreSQL: applied once, listed with their status, the same
//! names in both folders, and a database newer than the binary refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use diesel::prelude::*;
use gongkai_store::migrations;
use gongkai_testkit::*;

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
    // diesel reads are the same on both, and every store test uses them on both. The reading
    // room's search has a trigram index on PostgreSQL only (SQLite scans its few rows).
    const DIFFERENT_ON_PURPOSE: [&str; 2] = [
        "2026-11-23-000006_statistics_search",
        "2026-12-07-000015_reading_room",
    ];
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
