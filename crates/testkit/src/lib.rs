//! gongkai's test kit, a dev-dependency of the workspace's test crates (the binary's
//! end-to-end tests, store, mailer, api):
//!
//! - [`db`]: a database per test on SQLite (a file in a fresh folder) and, when
//!   GONGKAI_TEST_DATABASE_URL names a PostgreSQL server, on a fresh schema there;
//! - [`law`]: the built-in statute and calendar, contexts, fixed instants;
//! - [`actors`]: the agency "cy" with its departments, and its clerk, supervisor, admin and
//!   applicant;
//! - [`cases`]: cases brought to a state (received, registered, processing, under review,
//!   replied) through `gongkai_store::execute`, as the system itself does;
//! - [`http`]: the client shape both HTTP harnesses share (a [`http::Client`] trait with
//!   replies as values, the office, actions, refusals), so that a test reads the same over the
//!   real binary and in process;
//! - [`app`]: the real application in process (`actix_web::test`), no binary, no port;
//! - [`smtp`]: a real SMTP server (aiosmtpd) that keeps what it receives;
//! - [`wait`]: waiting for a condition with a deadline, in place of fixed sleeps.
//!
//! The harness that starts the `gongkai` binary stays in tests/support of the root package:
//! it needs `CARGO_BIN_EXE_gongkai`, which Cargo sets for that package's tests only.
//!
//! The workflow crate's tests do not use the kit: the kit depends on the workflow crate (and
//! on store and api), and a crate whose tests depend on a crate that depends on it compiles a
//! second copy of itself for its unit tests, whose types do not match the kit's. The workflow
//! tests keep their own small helpers, which need no I/O.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod actors;
pub mod app;
pub mod cases;
pub mod db;
pub mod http;
pub mod law;
pub mod smtp;
pub mod wait;

pub use actors::{AGENCY, HOUSING, INTAKE, admin, applicant, clerk, supervisor};
pub use app::TestApp;
pub use cases::{
    in_person, processing, received, registered, release_for, release_json, replied,
    secrecy_review, secrecy_review_json, under_review,
};
pub use db::{TestDb, count_events, count_outbox, databases};
pub use law::{Law, at};
pub use wait::wait_until;
