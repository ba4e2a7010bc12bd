//! The hash chain's audit: rows altered, deleted or inserted outside gongkai are named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use gongkai_store::audit;
use gongkai_testkit::*;

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
        for table in ["outbox", "case_texts", "case_bands", "cases"] {
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
