//! Shared by the end-to-end tests: a scratch folder and database per test, on SQLite and (with
//! GONGKAI_TEST_DATABASE_URL) on PostgreSQL in a schema of its own.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod server;

use std::path::PathBuf;
use std::process::{Command, Output};

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use gongkai_store::db::{DatabaseUrl, SqliteOptions, connect};

pub struct Db {
    pub name: &'static str,
    pub url: String,
    pub dir: PathBuf,
    pub schema: Option<(String, String)>,
}

impl Drop for Db {
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

impl Db {
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(args)
            .current_dir(&self.dir)
            .env("DATABASE_URL", &self.url)
            .env_remove("GONGKAI_DATABASE__URL")
            .env_remove("GONGKAI_CONFIG")
            .env_remove("GONGKAI_CALENDAR")
            .env_remove("GONGKAI_STATUTES")
            .output()
            .unwrap()
    }

    pub fn sql(&self, statement: &str) {
        let url = match self.schema {
            Some(_) => DatabaseUrl::parse(&self.url).unwrap(),
            None => DatabaseUrl::Sqlite(self.dir.join("data/gongkai.db")),
        };
        let mut c = connect(&url, &SqliteOptions::default()).unwrap();
        diesel::sql_query(statement).execute(&mut c).unwrap();
    }
}

pub fn databases(test: &str) -> Vec<Db> {
    let dir = |backend: &str| {
        let d = std::env::temp_dir().join(format!(
            "gongkai-e2e-{test}-{backend}-{}",
            uuid::Uuid::now_v7()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let mut dbs = vec![Db {
        name: "sqlite",
        url: "sqlite://data/gongkai.db".to_owned(),
        dir: dir("sqlite"),
        schema: None,
    }];
    match std::env::var("GONGKAI_TEST_DATABASE_URL") {
        Ok(base) if !base.trim().is_empty() => {
            let base = base.trim().to_owned();
            let schema = format!("e_{}", uuid::Uuid::now_v7().simple());
            let mut c = connect(
                &DatabaseUrl::Postgres(base.clone()),
                &SqliteOptions::default(),
            )
            .unwrap_or_else(|e| panic!("GONGKAI_TEST_DATABASE_URL is set but unreachable: {e}"));
            c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            dbs.push(Db {
                name: "postgres",
                url: format!("{base}{sep}options=-csearch_path%3D{schema}"),
                dir: dir("postgres"),
                schema: Some((base, schema)),
            });
        }
        // Written to stderr directly: the test harness captures eprintln!.
        _ => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "note: {test}: PostgreSQL half skipped (set GONGKAI_TEST_DATABASE_URL)"
            );
        }
    }
    dbs
}
