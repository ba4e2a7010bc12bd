//! The outbox: one row per notice, written with the event that calls for it (see `execute`),
//! claimed by dispatchers with a lease, and kept as the record of what was sent.
//!
//! A row moves `pending` → `sending` (claimed, lease running) → `sent`, or back to `pending`
//! with a later `next_attempt_at` after a temporary failure, or to `failed` (permanent failure
//! or too many attempts; an admin can put it back to `pending`), or to `unaddressed` (nobody
//! to email: the notice is printed and delivered by other means). A `sending` row whose lease
//! ran out (its worker died) is claimed again, under the same Message-ID.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, write_transaction};
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::outbox;
pub use crate::typed::OutboxStatus;
use crate::typed::Stored;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub case_id: String,
    pub event_seq: i64,
    /// The notice kind as JSON (workflow's `NoticeKind`).
    pub notice_kind: String,
    /// The recipient as JSON (workflow's `Recipient`).
    pub recipient: String,
    pub message_id: String,
    pub dedupe_key: Option<String>,
    #[diesel(deserialize_as = Stored<OutboxStatus>)]
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// What was sent (or is to be printed): the record of the notice's text.
    pub subject: Option<String>,
    pub body: Option<String>,
    pub sent_to: Option<String>,
}

fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    to_micros(t.naive_utc())
}

/// A new row for a notice (the Message-ID is derived from its id, so it never changes).
pub(crate) struct NewRow<'a> {
    pub case_id: &'a str,
    pub event_seq: i64,
    pub notice_kind: String,
    pub recipient: String,
    pub dedupe_key: Option<String>,
}

/// A pending row with every value it is stored with.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub id: String,
    pub case_id: String,
    pub event_seq: i64,
    pub notice_kind: String,
    pub recipient: String,
    pub message_id: String,
    pub dedupe_key: Option<String>,
    pub at: NaiveDateTime,
}

impl NewRow<'_> {
    pub(crate) fn pending(self, now: DateTime<Utc>) -> Pending {
        let id = uuid::Uuid::now_v7();
        Pending {
            id: id.to_string(),
            case_id: self.case_id.to_owned(),
            event_seq: self.event_seq,
            notice_kind: self.notice_kind,
            recipient: self.recipient,
            message_id: format!("<{}@gongkai>", id.simple()),
            dedupe_key: self.dedupe_key,
            at: naive(now),
        }
    }
}

/// Inserts a pending row; with a dedupe key that is already taken, nothing is inserted and
/// `false` is returned (a reminder goes out at most once, whoever writes it).
pub(crate) fn insert(
    conn: &mut DbConnection,
    row: NewRow<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    insert_pending(conn, &row.pending(now))
}

pub(crate) fn insert_pending(conn: &mut DbConnection, row: &Pending) -> StoreResult<bool> {
    let values = (
        outbox::id.eq(&row.id),
        outbox::case_id.eq(&row.case_id),
        outbox::event_seq.eq(row.event_seq),
        outbox::notice_kind.eq(&row.notice_kind),
        outbox::recipient.eq(&row.recipient),
        outbox::message_id.eq(&row.message_id),
        outbox::dedupe_key.eq(&row.dedupe_key),
        outbox::status.eq(Stored(OutboxStatus::Pending)),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(row.at),
        outbox::created_at.eq(row.at),
    );
    // diesel's multi-backend connection has no ON CONFLICT: each backend runs its own.
    let insert = diesel::insert_into(outbox::table)
        .values(values)
        .on_conflict_do_nothing();
    let inserted = match conn {
        DbConnection::Pg(c) => insert.execute(c)?,
        DbConnection::Sqlite(c) => insert.execute(c)?,
    };
    Ok(inserted == 1)
}

/// Writes a reminder to staff (due soon, overdue) unless one with the same key exists.
pub fn insert_reminder(
    conn: &mut DbConnection,
    case_id: &str,
    event_seq: i64,
    notice_kind: String,
    recipient: String,
    dedupe_key: String,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    insert(
        conn,
        NewRow {
            case_id,
            event_seq,
            notice_kind,
            recipient,
            dedupe_key: Some(dedupe_key),
        },
        now,
    )
}

/// Claims up to `limit` rows that are due (pending and past `next_attempt_at`, or sending
/// with an expired lease), oldest first, leasing them until `now + lease`. On PostgreSQL the
/// rows are locked with `FOR UPDATE SKIP LOCKED`, so several dispatchers claim disjoint rows;
/// SQLite has one writer at a time anyway.
pub fn claim(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> StoreResult<Vec<OutboxRow>> {
    let at = naive(now);
    let until = naive(now + lease);
    write_transaction(conn, |conn| -> StoreResult<Vec<OutboxRow>> {
        let due = outbox::table
            .filter(
                outbox::status
                    .eq(Stored(OutboxStatus::Pending))
                    .and(outbox::next_attempt_at.le(at))
                    .or(outbox::status
                        .eq(Stored(OutboxStatus::Sending))
                        .and(outbox::lease_until.lt(at))),
            )
            .order((outbox::next_attempt_at, outbox::id))
            .limit(limit)
            .select(outbox::id);
        let ids: Vec<String> = match conn {
            DbConnection::Pg(c) => due.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => due.load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set((
                outbox::status.eq(Stored(OutboxStatus::Sending)),
                outbox::lease_until.eq(until),
            ))
            .execute(conn)?;
        Ok(outbox::table
            .filter(outbox::id.eq_any(&ids))
            .order((outbox::next_attempt_at, outbox::id))
            .select(OutboxRow::as_select())
            .load(conn)?)
    })
}

/// Records the result of a claimed row, only while it is still held under the lease that
/// `claimed` was given (another dispatcher may have taken the row over after the lease ran
/// out: its result is not overwritten). `false` when the lease was lost.
fn finish(conn: &mut DbConnection, claimed: &OutboxRow, update: Update<'_>) -> StoreResult<bool> {
    let target = outbox::table
        .filter(outbox::id.eq(&claimed.id))
        .filter(outbox::status.eq(Stored(OutboxStatus::Sending)))
        .filter(outbox::lease_until.eq(claimed.lease_until));
    let n = diesel::update(target)
        .set((
            outbox::status.eq(Stored(update.status)),
            outbox::attempts.eq(update.attempts),
            outbox::next_attempt_at.eq(update.next_attempt_at),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(update.last_error),
            outbox::sent_at.eq(update.sent_at),
            outbox::subject.eq(update.subject),
            outbox::body.eq(update.body),
            outbox::sent_to.eq(update.sent_to),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

struct Update<'a> {
    status: OutboxStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<&'a str>,
    sent_at: Option<NaiveDateTime>,
    subject: Option<&'a str>,
    body: Option<&'a str>,
    sent_to: Option<&'a str>,
}

/// The row was handed to the mail server (or written to the mail folder).
pub fn mark_sent(
    conn: &mut DbConnection,
    claimed: &OutboxRow,
    now: DateTime<Utc>,
    (subject, body): (&str, &str),
    sent_to: &str,
) -> StoreResult<bool> {
    finish(
        conn,
        claimed,
        Update {
            status: OutboxStatus::Sent,
            attempts: claimed.attempts + 1,
            next_attempt_at: claimed.next_attempt_at,
            last_error: None,
            sent_at: Some(naive(now)),
            subject: Some(subject),
            body: Some(body),
            sent_to: Some(sent_to),
        },
    )
}

/// Nobody to email: the notice is to be printed and delivered by hand or post.
pub fn mark_unaddressed(
    conn: &mut DbConnection,
    claimed: &OutboxRow,
    (subject, body): (&str, &str),
    reason: &str,
) -> StoreResult<bool> {
    finish(
        conn,
        claimed,
        Update {
            status: OutboxStatus::Unaddressed,
            attempts: claimed.attempts,
            next_attempt_at: claimed.next_attempt_at,
            last_error: Some(reason),
            sent_at: None,
            subject: Some(subject),
            body: Some(body),
            sent_to: None,
        },
    )
}

/// A temporary failure: try again at `next_attempt_at`.
pub fn mark_retry(
    conn: &mut DbConnection,
    claimed: &OutboxRow,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> StoreResult<bool> {
    finish(
        conn,
        claimed,
        Update {
            status: OutboxStatus::Pending,
            attempts: claimed.attempts + 1,
            next_attempt_at: naive(next_attempt_at),
            last_error: Some(error),
            sent_at: None,
            subject: claimed.subject.as_deref(),
            body: claimed.body.as_deref(),
            sent_to: None,
        },
    )
}

/// A permanent failure, or the last attempt failed: left for an admin to look at.
pub fn mark_failed(conn: &mut DbConnection, claimed: &OutboxRow, error: &str) -> StoreResult<bool> {
    finish(
        conn,
        claimed,
        Update {
            status: OutboxStatus::Failed,
            attempts: claimed.attempts + 1,
            next_attempt_at: claimed.next_attempt_at,
            last_error: Some(error),
            sent_at: None,
            subject: claimed.subject.as_deref(),
            body: claimed.body.as_deref(),
            sent_to: None,
        },
    )
}

/// Gives a claimed row back unsent (its dispatcher is stopping): pending, due at once, its
/// attempts unchanged.
pub fn release(conn: &mut DbConnection, claimed: &OutboxRow) -> StoreResult<bool> {
    finish(
        conn,
        claimed,
        Update {
            status: OutboxStatus::Pending,
            attempts: claimed.attempts,
            next_attempt_at: claimed.next_attempt_at,
            last_error: claimed.last_error.as_deref(),
            sent_at: None,
            subject: claimed.subject.as_deref(),
            body: claimed.body.as_deref(),
            sent_to: None,
        },
    )
}

/// Extends the lease of a claimed row to `now + lease`, if it is still held: the dispatcher
/// calls this just before sending, so that a batch whose first sends were slow never sends a
/// row that another dispatcher has taken over meanwhile. The row with its new lease, or `None`
/// when the lease was lost.
pub fn renew(
    conn: &mut DbConnection,
    claimed: &OutboxRow,
    now: DateTime<Utc>,
    lease: Duration,
) -> StoreResult<Option<OutboxRow>> {
    let until = naive(now + lease);
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(&claimed.id))
            .filter(outbox::status.eq(Stored(OutboxStatus::Sending)))
            .filter(outbox::lease_until.eq(claimed.lease_until)),
    )
    .set(outbox::lease_until.eq(until))
    .execute(conn)?;
    Ok((n == 1).then(|| OutboxRow {
        lease_until: Some(until),
        ..claimed.clone()
    }))
}

/// Puts every failed row of the cases within `scope` back in the queue, due now:
/// after a mail-server outage or a wrong password has failed many notices at once. The number
/// of rows queued again.
pub fn retry_failed(
    conn: &mut DbConnection,
    scope: &crate::scope::Scope,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    use crate::schema::cases;
    if scope.sees_nothing() {
        return Ok(0);
    }
    let ids = outbox::table
        .inner_join(cases::table)
        .filter(outbox::status.eq(Stored(OutboxStatus::Failed)))
        .select(outbox::id)
        .into_boxed();
    let ids = crate::scope::within_scope!(ids, scope);
    write_transaction(conn, |conn| {
        let ids: Vec<String> = ids.load(conn)?;
        let mut n = 0;
        for chunk in ids.chunks(500) {
            n += diesel::update(outbox::table.filter(outbox::id.eq_any(chunk)))
                .filter(outbox::status.eq(Stored(OutboxStatus::Failed)))
                .set((
                    outbox::status.eq(Stored(OutboxStatus::Pending)),
                    outbox::attempts.eq(0),
                    outbox::next_attempt_at.eq(naive(now)),
                ))
                .execute(conn)?;
        }
        Ok(n)
    })
}

/// Puts a failed or unaddressed row back in the queue, due now, with a fresh count of
/// attempts. Errors with `NotFound` for an unknown id and `Invalid` for a row in another state.
pub fn retry(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> StoreResult<OutboxRow> {
    write_transaction(conn, |conn| {
        let row = find(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("notice {id}")))?;
        if row.status != OutboxStatus::Failed && row.status != OutboxStatus::Unaddressed {
            return Err(StoreError::NotRetryable { status: row.status });
        }
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq(Stored(OutboxStatus::Pending)),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(naive(now)),
            ))
            .execute(conn)?;
        find(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("notice {id}")))
    })
}

/// The notice `id`, if its case lies within `scope`.
pub fn get(
    conn: &mut DbConnection,
    scope: &crate::scope::Scope,
    id: &str,
) -> StoreResult<Option<OutboxRow>> {
    match find(conn, id)? {
        Some(row) if crate::queries::case_row(conn, scope, &row.case_id)?.is_some() => {
            Ok(Some(row))
        }
        _ => Ok(None),
    }
}

fn find(conn: &mut DbConnection, id: &str) -> StoreResult<Option<OutboxRow>> {
    Ok(outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?)
}

/// The notices of a case within `scope` (else none), oldest first.
pub fn of_case(
    conn: &mut DbConnection,
    scope: &crate::scope::Scope,
    case_id: &str,
) -> StoreResult<Vec<OutboxRow>> {
    if crate::queries::case_row(conn, scope, case_id)?.is_none() {
        return Ok(Vec::new());
    }
    Ok(outbox::table
        .filter(outbox::case_id.eq(case_id))
        .order((outbox::created_at, outbox::id))
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// Every notice of case `case_id`, oldest first, for a caller that has already established
/// its right to the case by other means than a staff scope (the applicant's query code or
/// download link): the service checks the case first.
pub fn of_known_case(conn: &mut DbConnection, case_id: &str) -> StoreResult<Vec<OutboxRow>> {
    Ok(outbox::table
        .filter(outbox::case_id.eq(case_id))
        .order((outbox::created_at, outbox::id))
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// Rows in `status` (newest first), at most `limit`, of the cases within `scope`.
pub fn list(
    conn: &mut DbConnection,
    status: OutboxStatus,
    scope: &crate::scope::Scope,
    limit: i64,
) -> StoreResult<Vec<OutboxRow>> {
    use crate::schema::cases;
    if scope.sees_nothing() {
        return Ok(Vec::new());
    }
    if matches!(conn, DbConnection::Sqlite(_)) {
        return list_in_order(conn, status, scope, limit);
    }
    let query = outbox::table
        .inner_join(cases::table)
        .filter(outbox::status.eq(Stored(status)))
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .select(OutboxRow::as_select())
        .into_boxed();
    Ok(crate::scope::within_scope!(query, scope).load(conn)?)
}

/// [`list`] on SQLite: the rows of `status` read newest first through `outbox_status_created`
/// (migration 2026-12-07-000027), each kept when its case lies within `scope`, until `limit`
/// are found. Joined to the cases in one statement, SQLite's planner (without histograms, see
/// .cargo/config.toml) took a status for one that covers nearly every row, began from the
/// department's cases instead and sorted all their notices: 4.5 s at 1,000,000 cases for an
/// empty list. This reads at most the rows of the status, and stops at `limit` within scope.
fn list_in_order(
    conn: &mut DbConnection,
    status: OutboxStatus,
    scope: &crate::scope::Scope,
    limit: i64,
) -> StoreResult<Vec<OutboxRow>> {
    use crate::schema::cases;
    /// Rows read per statement (one statement at a time: the scope of each case is looked up
    /// between them).
    const CHUNK: i64 = 500;
    let want = usize::try_from(limit.max(0)).unwrap_or(usize::MAX);
    // case id → within scope
    let mut placed: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    let mut found = Vec::new();
    let mut after: Option<(NaiveDateTime, String)> = None;
    while found.len() < want {
        let mut q = outbox::table
            .filter(outbox::status.eq(Stored(status)))
            .order((outbox::created_at.desc(), outbox::id.desc()))
            .select(OutboxRow::as_select())
            .limit(CHUNK)
            .into_boxed();
        if let Some((at, id)) = &after {
            // A row-value comparison, read as a seek into (status, created_at, id).
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("(outbox.created_at, outbox.id) < (")
                    .bind::<diesel::sql_types::Timestamp, _>(*at)
                    .sql(", ")
                    .bind::<diesel::sql_types::Text, _>(id.clone())
                    .sql(")"),
            );
        }
        let chunk: Vec<OutboxRow> = q.load(conn)?;
        let Some(last) = chunk.last() else {
            break;
        };
        after = Some((last.created_at, last.id.clone()));
        let more = chunk.len() as i64 == CHUNK;
        for row in chunk {
            let admitted = match placed.get(&row.case_id) {
                Some(a) => *a,
                None => {
                    let parts: Option<(String, Option<String>)> = crate::db::by_key(
                        cases::table
                            .find(&row.case_id)
                            .select((cases::department_code, cases::account)),
                        conn,
                    )?;
                    let a = parts.is_some_and(|(d, a)| scope.admits_parts(&d, a.as_deref()));
                    placed.insert(row.case_id.clone(), a);
                    a
                }
            };
            if admitted && found.len() < want {
                found.push(row);
            }
        }
        if !more {
            break;
        }
    }
    Ok(found)
}

/// How many rows are in each status.
pub fn counts(conn: &mut DbConnection) -> StoreResult<Vec<(OutboxStatus, i64)>> {
    Ok(outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .order(outbox::status)
        .load::<(Stored<OutboxStatus>, i64)>(conn)?
        .into_iter()
        .map(|(status, n)| (status.0, n))
        .collect())
}
