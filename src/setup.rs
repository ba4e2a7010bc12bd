//! Bringing the configured database to where a process can work on it: the migrated pool,
//! the calendar in force (the base calendar with the years admins uploaded), and the back-fill
//! of columns that later migrations added. `serve`, `worker`, `migrate` and `calendar` share
//! these.

use std::time::Duration;

use anyhow::Context as _;
use gongkai_api::service::calendar::merged_calendar;
use gongkai_store::db::{DatabaseUrl, SqliteOptions};
use gongkai_store::{migrations, sessions};

use crate::Law;
use crate::config::Config;
use crate::database;

/// The connection pool on the configured database, migrated: pending migrations applied, a
/// database newer than this binary refused.
pub fn open_pool(config: &Config, base: &Law) -> anyhow::Result<gongkai_store::Pool> {
    open_pool_sized(config, base, config.database.pool_size)
}

/// [`open_pool`] with `size` connections.
pub fn open_pool_sized(
    config: &Config,
    base: &Law,
    size: u32,
) -> anyhow::Result<gongkai_store::Pool> {
    let url = DatabaseUrl::parse(&config.database.url)?;
    let options = SqliteOptions {
        busy_timeout: Duration::from_millis(config.database.sqlite_busy_timeout_ms),
    };
    let pool = gongkai_store::pool(&url, size, options)?;
    let mut conn = pool.get().context("cannot connect to the database")?;
    migrations::check_not_newer(&mut conn)?;
    let applied = migrations::run_pending(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied migrations");
    }
    // Cases stored before a migration added derived columns get them now (also when another
    // command applied that migration).
    let law = Law {
        calendar: calendar_in_force(&base.calendar, &mut conn)?,
        statute: base.statute.clone(),
    };
    backfill(&mut conn, &law)?;
    Ok(pool)
}

/// The base calendar with the years admins uploaded (stored in the database) on top: what
/// `serve` and `calendar recompute` count with.
pub fn calendar_in_force(
    base: &gongkai_workflow::Calendar,
    conn: &mut gongkai_store::DbConnection,
) -> anyhow::Result<gongkai_workflow::Calendar> {
    years_in_force(base.years(), conn)
}

/// [`calendar_in_force`] from the base calendar's years.
pub fn years_in_force(
    base: &[gongkai_workflow::CalendarYear],
    conn: &mut gongkai_store::DbConnection,
) -> anyhow::Result<gongkai_workflow::Calendar> {
    let uploads = sessions::calendar_years(conn)?;
    merged_calendar(base, &uploads).map_err(|errors| {
        anyhow::anyhow!(
            "the calendar years stored in the database do not fit the base calendar: {}",
            errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })
}

/// Fills the columns, search text and similarity bands that later migrations added for cases
/// stored before them (nothing to do on an up-to-date database).
pub fn backfill(
    conn: &mut gongkai_store::db::DbConnection,
    law: &crate::Law,
) -> anyhow::Result<()> {
    let bar = database::progress(0, "filling statistics and search text")?;
    let filled = gongkai_store::recompute::backfill_derived(
        conn,
        &law.calendar,
        &law.statute,
        500,
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    if filled > 0 {
        tracing::info!(cases = filled, "filled statistics columns and search text");
    }
    // The similarity bands (migration 2026-12-07-000022) of cases with a search text: those
    // stored before it, and those just given a text above.
    let bar = database::progress(0, "filling similar-request bands")?;
    let banded = gongkai_store::similar::backfill_bands(conn, 500, |done| {
        bar.set_length(done);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if banded > 0 {
        tracing::info!(cases = banded, "filled similar-request bands");
    }
    // The report's and the statistics' tallies (migration 2026-12-07-000023) of the cases
    // stored before them.
    let counted = if gongkai_store::tallies::ready(conn)? {
        false
    } else {
        let bar = database::progress(0, "counting the report's and statistics' tallies")?;
        let done = gongkai_store::tallies::rebuild(conn, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })?;
        bar.finish_and_clear();
        tracing::info!(
            cases = done.cases,
            rows = done.rows,
            "counted the report's and statistics' tallies"
        );
        true
    };
    if filled > 0 || banded > 0 || counted {
        // Planner statistics for the columns and rows just filled.
        gongkai_store::db::analyze(conn)?;
    }
    Ok(())
}
