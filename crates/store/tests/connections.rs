//! Connections and the pool: a panic in a transaction, a connection lost to the server, a
//! statement past its timeout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::db::DbConnection;
use gongkai_store::queries::{self};
use gongkai_store::{StoreError, receive, register};
use gongkai_testkit::*;

#[test]
fn a_panic_inside_a_transaction_does_not_poison_the_pool() {
    let law = Law::new();
    for db in databases("panic") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let id = receive(
            &mut c,
            in_person("王小明", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        drop(c);
        let pool = gongkai_store::pool(&db.url, 1, Default::default()).unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut conn = pool.get().unwrap();
            let _ = gongkai_store::write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
                register(conn, &id, 1, None, None, &law.ctx(&clerk(), now))?;
                panic!("a bug in the middle of a write");
            });
        }));
        assert!(result.is_err());
        // The one pooled connection was closed, not reused inside its open transaction: the
        // next writer gets a fresh one, and the half-done registration never happened.
        let mut conn = pool.get().unwrap();
        let done = register(&mut conn, &id, 1, None, None, &law.ctx(&clerk(), now)).unwrap();
        assert_eq!(
            done.case.tracking_number.as_deref(),
            Some("GK-2026-000001"),
            "{}",
            db.name
        );
        let mut other = db.connect();
        assert_eq!(
            queries::case_row(&mut other, &Scope::operator(), &id)
                .unwrap()
                .unwrap()
                .version,
            2,
            "{}",
            db.name
        );
    }
}

#[test]
fn a_pooled_connection_lost_to_the_server_is_replaced_after_its_first_error() {
    use diesel::connection::SimpleConnection;
    for db in databases("lost-connection") {
        drop(db.seeded());
        // One connection, so the next checkout would get the same one back.
        let pool = gongkai_store::pool(&db.url, 1, Default::default()).unwrap();
        let mut conn = pool.get().unwrap();
        assert!(
            queries::case_row(&mut conn, &Scope::operator(), "nothing")
                .unwrap()
                .is_none()
        );
        if db.name == "postgres" {
            // The server ends the session (a restart, a failover, an idle timeout in between).
            let pid: i32 = diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
                "pg_backend_pid()",
            ))
            .get_result(&mut *conn)
            .unwrap();
            db.connect()
                .batch_execute(&format!("SELECT pg_terminate_backend({pid})"))
                .unwrap();
            // The session is gone once the server no longer lists its process.
            let mut watcher = db.connect();
            gongkai_testkit::wait_until(
                "the terminated session ends",
                std::time::Duration::from_secs(10),
                || {
                    let left: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                        &format!("(SELECT count(*) FROM pg_stat_activity WHERE pid = {pid})"),
                    ))
                    .get_result(&mut watcher)
                    .unwrap();
                    if left == 0 { Ok(()) } else { Err(left) }
                },
            );
            // Pools no longer test every checkout: the request on the dead session fails...
            assert!(
                queries::case_row(&mut conn, &Scope::operator(), "nothing").is_err(),
                "the terminated session still answered"
            );
        } else {
            let _ = conn.batch_execute("SELECT no_such_function()");
        }
        drop(conn);
        // ...and the connection goes back broken and is closed: the next one works.
        let mut conn = pool.get().unwrap();
        assert!(
            queries::case_row(&mut conn, &Scope::operator(), "nothing")
                .unwrap()
                .is_none(),
            "{}",
            db.name
        );
    }
}

/// A statement of a request's database work that runs past the timeout
/// is stopped (PostgreSQL: the bounded pool's statement_timeout; SQLite: the thread's deadline,
/// through the progress handler), and recognised as a timeout; unbounded connections (the
/// worker's, the CLI's) stay unbounded.
#[test]
fn a_statement_past_the_timeout_is_interrupted() {
    use gongkai_store::db::{Deadline, SqliteOptions, is_timeout, pool, pool_with_timeout};
    use std::time::Duration;
    /// Counts to 10^9: minutes of work, unless stopped.
    const SLOW: &str = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
                        WHERE n < 1000000000) SELECT COUNT(*) AS n FROM c";
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    for db in databases("statement-timeout") {
        let limit = Duration::from_millis(200);
        let bounded = pool_with_timeout(&db.url, 1, SqliteOptions::default(), limit).unwrap();
        let mut conn = bounded.get().unwrap();
        let err = {
            // What the API's `db` helper does around every database call.
            let _deadline = Deadline::start(limit);
            diesel::sql_query(SLOW).execute(&mut *conn).unwrap_err()
        };
        assert!(is_timeout(&err), "{}: {err}", db.name);
        // The connection serves the next call.
        let _deadline = Deadline::start(limit);
        diesel::sql_query("SELECT 1").execute(&mut *conn).unwrap();
        drop(_deadline);
        drop(conn);
        if db.name == "postgres" {
            let unbounded = pool(&db.url, 1, SqliteOptions::default()).unwrap();
            let show = |c: &mut DbConnection| {
                diesel::sql_query("SELECT current_setting('statement_timeout') AS v")
                    .get_result::<Setting>(c)
                    .unwrap()
                    .v
            };
            assert_eq!(show(&mut bounded.get().unwrap()), "200ms");
            assert_eq!(show(&mut unbounded.get().unwrap()), "0");
        } else {
            // Without a deadline (the worker, the CLI) nothing is interrupted: a query of
            // some length runs to its end.
            let mut c = db.connect();
            diesel::sql_query(
                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
                 WHERE n < 200000) SELECT COUNT(*) AS n FROM c",
            )
            .execute(&mut c)
            .unwrap();
        }
    }
}
