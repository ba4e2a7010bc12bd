//! The append-only event log with its hash chain.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use diesel::prelude::*;
use gongkai_workflow::Event;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::case_events;

/// The `prev_hash` of a case's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored row of `case_events`.
// `None` is bound as NULL (not DEFAULT): one SQL text, so the prepared statement is reused.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
pub struct EventRow {
    pub case_id: String,
    pub seq: i64,
    pub kind: String,
    pub payload: String,
    pub actor_id: String,
    pub actor_role: String,
    pub recorded_at: NaiveDateTime,
    pub legal_date: Option<NaiveDate>,
    pub prev_hash: String,
    pub hash: String,
}

/// Instants are stored to the microsecond (PostgreSQL's precision), on both backends.
pub fn to_micros(t: NaiveDateTime) -> NaiveDateTime {
    let nanos = t.nanosecond() / 1_000 * 1_000;
    t.with_nanosecond(nanos).unwrap_or(t)
}

impl EventRow {
    /// The hash over everything the row says, chained to the previous row's hash.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.prev_hash.as_str(),
            self.case_id.as_str(),
            &self.seq.to_string(),
            self.kind.as_str(),
            self.actor_id.as_str(),
            self.actor_role.as_str(),
            &self.recorded_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            &self.legal_date.map(|d| d.to_string()).unwrap_or_default(),
            self.payload.as_str(),
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        format!("{:x}", h.finalize())
    }

    /// Builds the row for `event`, chained after `prev_hash`.
    pub fn new(case_id: &str, seq: i64, event: &Event, prev_hash: &str) -> StoreResult<EventRow> {
        let payload = serde_json::to_string(event)
            .map_err(|e| StoreError::Corrupt(format!("cannot encode event: {e}")))?;
        let mut row = EventRow {
            case_id: case_id.to_owned(),
            seq,
            kind: event.kind.name().to_owned(),
            payload,
            actor_id: event.actor.id.clone(),
            actor_role: event.actor.role.as_str().to_owned(),
            recorded_at: to_micros(event.at.naive_utc()),
            legal_date: event.legal_date,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        row.hash = row.compute_hash();
        Ok(row)
    }

    pub fn event(&self) -> StoreResult<Event> {
        serde_json::from_str(&self.payload).map_err(|e| {
            StoreError::Corrupt(format!(
                "event {} of case {} does not parse: {e}",
                self.seq, self.case_id
            ))
        })
    }
}

/// A case's rows in order.
pub fn load_rows(conn: &mut DbConnection, case_id: &str) -> StoreResult<Vec<EventRow>> {
    Ok(case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)?)
}

/// A case's events in order.
pub fn load(conn: &mut DbConnection, case_id: &str) -> StoreResult<Vec<Event>> {
    load_rows(conn, case_id)?
        .iter()
        .map(EventRow::event)
        .collect()
}

/// The rows of `events` stored after `version`, chained from `prev_hash`.
pub(crate) fn chain(
    case_id: &str,
    version: u64,
    prev_hash: &str,
    events: &[Event],
) -> StoreResult<Vec<EventRow>> {
    let mut prev = prev_hash.to_owned();
    let mut rows = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        let seq = i64::try_from(version + 1 + i as u64)
            .map_err(|_| StoreError::Corrupt("sequence number overflow".to_owned()))?;
        let row = EventRow::new(case_id, seq, event, &prev)?;
        prev = row.hash.clone();
        rows.push(row);
    }
    Ok(rows)
}

/// Inserts rows made by [`chain`] after `version`; the caller holds the case's write lock.
pub(crate) fn insert(conn: &mut DbConnection, version: u64, rows: &[EventRow]) -> StoreResult<()> {
    for row in rows {
        diesel::insert_into(case_events::table)
            .values(row)
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => StoreError::Conflict {
                    expected: version,
                    actual: version + 1,
                },
                other => StoreError::Database(other),
            })?;
    }
    Ok(())
}
