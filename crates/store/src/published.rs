//! Annual reports as published (art. 49): a supervisor or admin publishes a
//! finished year's tables for a scope; each publication is a new version, stored as it was and
//! never changed. There is no update or delete here on purpose.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gongkai_workflow::report::Snapshot;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::published_reports;

/// One published version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub scope: String,
    pub year: i32,
    pub version: i32,
    pub tables: Snapshot,
    pub reason: Option<String>,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

type Row = (i32, String, Option<String>, String, NaiveDateTime);

fn read(scope: &str, year: i32, (version, tables, reason, by, at): Row) -> StoreResult<Published> {
    let tables: Snapshot = serde_json::from_str(&tables).map_err(|e| {
        StoreError::Corrupt(format!(
            "published report {scope} {year} v{version} is unreadable: {e}"
        ))
    })?;
    Ok(Published {
        scope: scope.to_owned(),
        year,
        version,
        tables,
        reason,
        published_by: by,
        published_at: at,
    })
}

/// Every version of `year`'s report for `scope`, the first first.
pub fn versions(conn: &mut DbConnection, scope: &str, year: i32) -> StoreResult<Vec<Published>> {
    let rows: Vec<Row> = published_reports::table
        .filter(published_reports::scope.eq(scope))
        .filter(published_reports::year.eq(year))
        .order(published_reports::version)
        .select((
            published_reports::version,
            published_reports::tables,
            published_reports::reason,
            published_reports::published_by,
            published_reports::published_at,
        ))
        .load(conn)?;
    rows.into_iter().map(|r| read(scope, year, r)).collect()
}

/// What [`publish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publication {
    /// Stored as this version.
    Published(i32),
    /// The tables equal the latest version: nothing stored.
    Unchanged(i32),
    /// A version exists and no reason was given for a new one: nothing stored.
    ReasonRequired,
}

/// Publishes `tables` as the next version of `year`'s report for `scope`, in one write
/// transaction: the first version needs no reason, a later one needs one, and tables equal
/// to the latest version are not stored again.
pub fn publish(
    conn: &mut DbConnection,
    scope: &str,
    tables: &Snapshot,
    reason: Option<&str>,
    by: &str,
    now: NaiveDateTime,
) -> StoreResult<Publication> {
    let year = tables.year;
    let json = serde_json::to_string(tables)
        .map_err(|e| StoreError::Corrupt(format!("cannot store the report: {e}")))?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    crate::db::write_transaction(conn, |conn| {
        let latest = versions(conn, scope, year)?.pop();
        if let Some(l) = &latest {
            if &l.tables == tables {
                return Ok(Publication::Unchanged(l.version));
            }
            if reason.is_none() {
                return Ok(Publication::ReasonRequired);
            }
        }
        let version = latest.map_or(1, |l| l.version + 1);
        diesel::insert_into(published_reports::table)
            .values((
                published_reports::scope.eq(scope),
                published_reports::year.eq(year),
                published_reports::version.eq(version),
                published_reports::tables.eq(&json),
                published_reports::reason.eq(reason),
                published_reports::published_by.eq(by),
                published_reports::published_at.eq(to_micros(now)),
            ))
            .execute(conn)
            // Two publications at the same moment (PostgreSQL reads the latest version under
            // READ COMMITTED): the second meets the primary key and is told so, not a 500.
            .map_err(crate::accounts::unique_to_conflict(
                "year",
                "该年度报告刚刚由他人发布，请刷新页面查看最新版本".to_owned(),
            ))?;
        Ok::<_, StoreError>(Publication::Published(version))
    })
}
