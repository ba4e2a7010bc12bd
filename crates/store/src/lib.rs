//! gongkai-store: storage on SQLite (the embedded default) and PostgreSQL from one diesel
//! code base, chosen at run time from the database URL.
//!
//! - [`dates`]: Beijing dates of stored UTC instants, and the UTC start of a Beijing day;
//! - [`db`]: the connection enum, URL parsing, the pool, SQLite pragmas, write transactions;
//! - [`migrations`]: embedded migrations per backend, and the refusal of newer databases;
//! - [`events`]: the append-only, hash-chained event log;
//! - [`execute`](mod@execute): the one door for changes — load, decide, then write projection,
//!   events, outbox and search text guarded by the version (one statement on PostgreSQL,
//!   `pg_write`); plus `receive` and `register` (tracking numbers). The case's projection
//!   row and its derivation are [`projection`]; a decided command's rows, `planned`;
//! - [`reminders`]: staff reminders' dedupe key, the scheduler's candidates;
//! - [`queries`]: queues, warning counts, applicant lists, the public lookup;
//! - [`accounts`]: agencies, departments, users, applicant profiles;
//! - [`directory`]: agencies, departments and users together, in a fixed number of queries;
//! - [`attachments`]: content-addressed files with their metadata;
//! - [`outbox`]: notices waiting to be sent, claimed by dispatchers with a lease; [`parties`]:
//!   the names and staff a notice is addressed with;
//! - [`sessions`]: login sessions, throttling counters, settings and uploaded calendar years;
//! - [`published`]: annual reports as published (art. 49), one immutable row per version;
//! - [`reading_room`]: releases published to the public reading room (art. 44), projected from
//!   the cases' events in the same transaction;
//! - [`audit`]: hash-chain verification; [`recompute`]: derived columns after a calendar change;
//! - [`typed`]: the workflow's enums read from TEXT columns into rows (`Stored<T>`).

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod dates;
pub mod db;
pub mod delivery;
pub mod directory;
pub mod error;
pub mod events;
pub mod execute;
pub mod fees;
pub mod migrations;
pub mod outbox;
pub mod parties;
mod pg_write;
mod planned;
pub mod projection;
pub mod published;
pub mod queries;
pub mod reading_room;
pub mod recompute;
pub mod reminders;
pub mod report;
pub mod schema;
pub mod scope;
pub mod search;
pub mod sessions;
pub mod similar;
pub mod stats;
pub mod tallies;
pub mod typed;

pub use db::{DatabaseUrl, DbConnection, Pool, QueryCount, connect, pool, write_transaction};
pub use error::{StoreError, StoreResult};
pub use execute::{
    CODE_ALPHABET, Executed, FILING_REFERENCE_LEN, execute, execute_within, new_filing_reference,
    parse_filing_reference, receive, receive_within, register, register_within,
};
pub use projection::CaseRow;
pub use scope::Scope;

/// The default database: a SQLite file under ./data, created with its folder on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/gongkai.db";
