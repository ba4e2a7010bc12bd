//! End-to-end tests of `gongkai migrate`, `demo`, `audit verify` and `calendar recompute` on the
//! real binary, on SQLite and (with GONGKAI_TEST_DATABASE_URL) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use support::databases;

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn migrate_demo_audit_and_recompute() {
    for db in databases("cli") {
        let o = db.run(&["migrate"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(
            text(&o.stdout)
                .contains("applied 5 migration(s): 20261123000001, 20261123000002, 20261123000003, 20261123000004, 20261123000005"),
            "{}",
            text(&o.stdout)
        );
        let o = db.run(&["migrate"]);
        assert!(
            text(&o.stdout).contains("up to date"),
            "{}",
            text(&o.stdout)
        );
        let o = db.run(&["migrate", "--status"]);
        let status = text(&o.stdout);
        assert!(status.contains("20261123000001  applied"), "{status}");
        assert!(status.contains("20261123000002  applied"), "{status}");
        assert!(status.contains("20261123000003  applied"), "{status}");
        if db.name == "sqlite" {
            assert!(
                db.dir.join("data/gongkai.db").is_file(),
                "the default file and folder are created"
            );
        }

        let o = db.run(&["demo", "--cases", "40", "--seed", "7"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(
            text(&o.stdout).contains("created 40 case(s) across 3 agencies"),
            "{}",
            text(&o.stdout)
        );

        let o = db.run(&["audit", "verify"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(text(&o.stdout).contains("40 case(s) verified, every hash chain intact"));

        let o = db.run(&["calendar", "recompute"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(
            text(&o.stdout).contains("open case(s) recomputed"),
            "{}",
            text(&o.stdout)
        );

        // Someone edits an event's payload directly in the database.
        db.sql(
            "UPDATE case_events SET payload = REPLACE(payload, '\"carrier\":\"electronic\"', \
             '\"carrier\":\"paper\"') WHERE seq = 1 AND case_id = (SELECT MIN(case_id) FROM case_events)",
        );
        let o = db.run(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(1), "{}: {}", db.name, text(&o.stdout));
        let out = text(&o.stdout);
        assert!(
            out.contains("event 1: content does not match its hash (altered)"),
            "{out}"
        );
        assert!(text(&o.stderr).contains("1 of 40 case(s) have a broken hash chain"));

        let o = db.run(&["audit", "verify", "--case", "no-such-case"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o.stderr).contains("no case with id no-such-case"));
    }
}

#[test]
fn bad_database_urls_and_newer_databases_are_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("gongkai-e2e-urls-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |url: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(args)
            .current_dir(&dir)
            .env("DATABASE_URL", url)
            .output()
            .unwrap()
    };
    let o = run("gongkai.db", &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr)
            .contains("\"gongkai.db\" is neither a postgres:// URL nor an existing SQLite file"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        !dir.join("gongkai.db").exists(),
        "a typo never creates an empty database"
    );
    let o = run("postgress://127.0.0.1/test", &["migrate"]);
    assert!(text(&o.stderr).contains("unsupported scheme \"postgress\""));
    let o = run("postgres://nobody@127.0.0.1:1/none", &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr)
            .contains("cannot connect to the database: postgres://nobody@127.0.0.1:1/none"),
        "{}",
        text(&o.stderr)
    );

    for db in databases("newer") {
        assert!(db.run(&["migrate"]).status.success());
        db.sql("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')");
        for args in [
            &["migrate"][..],
            &["audit", "verify"][..],
            &["migrate", "--status"][..],
        ] {
            let o = db.run(args);
            assert_eq!(o.status.code(), Some(1), "{}: {args:?}", db.name);
            assert!(
                text(&o.stderr)
                    .contains("migrated by a newer gongkai (unknown migrations: 29991231000000)"),
                "{}: {args:?}: {}",
                db.name,
                text(&o.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
