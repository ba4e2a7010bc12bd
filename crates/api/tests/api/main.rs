//! The API and the pages in process: the real application (`gongkai_api::app`) over a test
//! database, driven with `actix_web::test` through the kit's [`TestApp`], on SQLite and (with
//! GONGKAI_TEST_DATABASE_URL) on PostgreSQL. Handler and page logic lives here: the flows of
//! every reply outcome, the pauses of the reply clock, the extension, withdrawal and reopening,
//! the authorization matrix of every route × every role, scope, validation answers, the web
//! pages and their forms, the security headers. What needs the real process (start-up,
//! migrations, signals, SMTP, the CLI) stays in the end-to-end tests of the root package.
//!
//! No dispatcher runs here: notices stay in the outbox, as written by `execute`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod agency_remedy;
mod extension;
mod fees;
mod filing;
mod first_run;
mod headers;
mod helpers;
mod matrix;
mod outcomes;
mod pages;
mod pauses;
mod periods;
mod reading_room;
mod release;
mod report;
mod scope;
mod validation;
mod withdrawal;

use chrono::{NaiveDate, Utc};
use gongkai_testkit::TestApp;
use gongkai_testkit::databases;
use gongkai_testkit::http::*;
use gongkai_workflow::{Calendar, builtin_calendar};
use helpers::*;
use serde_json::{Value, json};
