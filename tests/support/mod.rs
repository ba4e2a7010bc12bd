//! Shared by the end-to-end tests: the kit's per-test databases (SQLite, and PostgreSQL with
//! GONGKAI_TEST_DATABASE_URL, in a schema of its own), and the binary itself ([`Binary`],
//! [`server`]). The binary harness lives here, not in the kit: it needs
//! `CARGO_BIN_EXE_gongkai`, which Cargo sets for this package's tests only.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod server;

use std::process::{Command, Output};

pub use gongkai_testkit::TestDb as Db;
pub use gongkai_testkit::databases;

/// The `gongkai` command run in a test's folder on its database.
pub trait Binary {
    fn command(&self) -> Command;

    /// Runs `gongkai args…` to the end.
    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }
}

impl Binary for Db {
    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
        c.current_dir(&self.dir)
            .env("DATABASE_URL", self.binary_url())
            .env_remove("GONGKAI_DATABASE__URL")
            .env_remove("GONGKAI_CONFIG")
            .env_remove("GONGKAI_CALENDAR")
            .env_remove("GONGKAI_STATUTES");
        c
    }
}
