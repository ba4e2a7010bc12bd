//! A database per test: a SQLite file in a fresh folder, and, when GONGKAI_TEST_DATABASE_URL
//! names a PostgreSQL server, a fresh schema on it. Tests loop over [`databases`] and so run on
//! each backend; they run in parallel, as no two share a database.

use std::path::PathBuf;

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use gongkai_store::accounts;
use gongkai_store::db::{DatabaseUrl, DbConnection, SqliteOptions, connect};
use gongkai_store::migrations;

use crate::actors::{AGENCY, HOUSING, INTAKE};

/// One test's database and scratch folder, removed (folder, schema) when dropped.
pub struct TestDb {
    /// "sqlite" or "postgres".
    pub name: &'static str,
    /// The database; on SQLite the file data/gongkai.db in [`TestDb::dir`].
    pub url: DatabaseUrl,
    /// The test's own folder (the binary runs there; mail, attachments and logs go there).
    pub dir: PathBuf,
    /// On PostgreSQL: the server's URL and the test's schema.
    pub schema: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((base, schema)) = &self.schema
            && let Ok(mut c) = connect(
                &DatabaseUrl::Postgres(base.clone()),
                &SqliteOptions::default(),
            )
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

impl TestDb {
    pub fn connect(&self) -> DbConnection {
        connect(&self.url, &SqliteOptions::default()).expect("test database connects")
    }

    /// A connection to the migrated database.
    pub fn migrated(&self) -> DbConnection {
        let mut c = self.connect();
        migrations::run_pending(&mut c).expect("migrations apply");
        c
    }

    /// A connection to a migrated database holding agency "cy" with two departments.
    pub fn seeded(&self) -> DbConnection {
        let mut c = self.migrated();
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

    /// DATABASE_URL for the binary started in [`TestDb::dir`] (SQLite: relative to it).
    pub fn binary_url(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(_) => "sqlite://data/gongkai.db".to_owned(),
            DatabaseUrl::Postgres(u) => u.clone(),
        }
    }

    /// Runs one SQL statement on the database.
    pub fn sql(&self, statement: &str) {
        let mut c = self.connect();
        diesel::sql_query(statement).execute(&mut c).unwrap();
    }
}

fn folder(test: &str, backend: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "gongkai-test-{test}-{backend}-{}",
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A test's SQLite database.
pub fn sqlite(test: &str) -> TestDb {
    let dir = folder(test, "sqlite");
    TestDb {
        name: "sqlite",
        url: DatabaseUrl::Sqlite(dir.join("data/gongkai.db")),
        dir,
        schema: None,
    }
}

/// A test's schema on the PostgreSQL server at `base`.
pub fn postgres(test: &str, base: &str) -> TestDb {
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
        dir: folder(test, "postgres"),
        schema: Some((base_url, schema)),
    }
}

/// The databases a test runs on: SQLite always, PostgreSQL when configured.
pub fn databases(test: &str) -> Vec<TestDb> {
    let mut dbs = vec![sqlite(test)];
    match std::env::var("GONGKAI_TEST_DATABASE_URL") {
        Ok(base) if !base.trim().is_empty() => dbs.push(postgres(test, base.trim())),
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

/// How many events the case `case_id` has.
pub fn count_events(c: &mut DbConnection, case_id: &str) -> i64 {
    use diesel::prelude::*;
    use gongkai_store::schema::case_events;
    case_events::table
        .filter(case_events::case_id.eq(case_id))
        .count()
        .get_result(c)
        .unwrap()
}

/// How many outbox rows there are.
pub fn count_outbox(c: &mut DbConnection) -> i64 {
    use diesel::prelude::*;
    gongkai_store::schema::outbox::table
        .count()
        .get_result(c)
        .unwrap()
}
