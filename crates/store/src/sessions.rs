//! Login sessions, throttling counters, admin-edited settings and uploaded calendar years.
//!
//! A session token is handed to the client once and stored only as its sha256, like the
//! query codes: a copy of the database does not let anyone log in.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::accounts::User;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::{calendar_years, login_throttle, sessions, settings, user_departments, users};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Stores a new session for `user_id` and returns it; `token` is the secret given to the
/// client.
pub fn create(
    conn: &mut DbConnection,
    token: &str,
    user_id: &str,
    csrf_token: &str,
    now: NaiveDateTime,
    lifetime: Duration,
) -> StoreResult<Session> {
    let now = to_micros(now);
    let session = Session {
        token_hash: hash_token(token),
        user_id: user_id.to_owned(),
        csrf_token: csrf_token.to_owned(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + lifetime,
    };
    diesel::insert_into(sessions::table)
        .values(&session)
        .execute(conn)?;
    Ok(session)
}

/// The live session of `token`: expired ones are deleted and not returned. An idle session
/// expires after `idle`; every use pushes `expires_at` forward, never past `absolute` after
/// its creation.
pub fn find(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
    idle: Duration,
    absolute: Duration,
) -> StoreResult<Option<Session>> {
    Ok(find_with_user(conn, token, now, idle, absolute)?.map(|(session, ..)| session))
}

/// [`find`] with the session's user and the user's departments, read in one query (every
/// authenticated request asks for all three).
pub fn find_with_user(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
    idle: Duration,
    absolute: Duration,
) -> StoreResult<Option<(Session, User, Vec<String>)>> {
    let hash = hash_token(token);
    // One row per department (one row with none for a user without any).
    let rows: Vec<(Session, User, Option<String>)> = sessions::table
        .inner_join(users::table.left_join(user_departments::table))
        .filter(sessions::token_hash.eq(&hash))
        .order(user_departments::department_code)
        .select((
            Session::as_select(),
            User::as_select(),
            user_departments::department_code.nullable(),
        ))
        .load(conn)?;
    let mut departments: Vec<String> = Vec::with_capacity(rows.len());
    let mut first = None;
    for (session, user, department) in rows {
        departments.extend(department);
        first.get_or_insert((session, user));
    }
    let Some((mut session, user)) = first else {
        return Ok(None);
    };
    // Idle too long, or older than the absolute lifetime (also when idle > absolute).
    if session.expires_at <= now || session.created_at + absolute <= now {
        diesel::delete(sessions::table.find(&hash)).execute(conn)?;
        return Ok(None);
    }
    // Touch at most once a minute: a read-mostly client should not write on every request.
    if now - session.last_seen_at > Duration::minutes(1) {
        let expires = (now + idle).min(session.created_at + absolute);
        diesel::update(sessions::table.find(&hash))
            .set((
                sessions::last_seen_at.eq(to_micros(now)),
                sessions::expires_at.eq(to_micros(expires)),
            ))
            .execute(conn)?;
        session.last_seen_at = to_micros(now);
        session.expires_at = to_micros(expires);
    }
    Ok(Some((session, user, departments)))
}

pub fn delete(conn: &mut DbConnection, token: &str) -> StoreResult<()> {
    diesel::delete(sessions::table.find(hash_token(token))).execute(conn)?;
    Ok(())
}

/// Ends every session of a user (disabled account, password reset, role change).
pub fn delete_of_user(conn: &mut DbConnection, user_id: &str) -> StoreResult<usize> {
    Ok(diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?)
}

/// Ends every session of a user but the one of `token` (a password change).
pub fn delete_of_user_except(
    conn: &mut DbConnection,
    user_id: &str,
    token: &str,
) -> StoreResult<usize> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_hash.ne(hash_token(token))),
    )
    .execute(conn)?)
}

/// How attempts under one throttling key are counted (see [`count_attempts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Attempts counted within `window_ms` after which the key is refused until the window
    /// has passed since the last counted one (`i32::MAX`: no such limit).
    pub limit: i32,
    /// Attempts before the progressive delay starts (`i32::MAX`: never).
    pub free: i32,
    /// The first delay (milliseconds); it doubles with every further attempt…
    pub first_delay_ms: i64,
    /// …up to this.
    pub max_delay_ms: i64,
    /// Counts older than this (since the last counted attempt) are forgotten.
    pub window_ms: i64,
}

impl Rule {
    /// The delay the `n`-th counted attempt imposes on the next one.
    pub fn delay_after(&self, n: i32) -> i64 {
        if n < self.free || self.first_delay_ms <= 0 {
            return 0;
        }
        let shift = u32::try_from(n - self.free).unwrap_or(0).min(40);
        self.first_delay_ms
            .checked_mul(1_i64 << shift)
            .unwrap_or(i64::MAX)
            .min(self.max_delay_ms)
    }

    /// The smallest doubling that reaches the largest delay (the SQL caps from there).
    fn capped_shift(&self) -> i32 {
        let mut shift = 0;
        while shift < 40 && self.first_delay_ms.saturating_mul(1_i64 << shift) < self.max_delay_ms {
            shift += 1;
        }
        shift
    }
}

#[derive(QueryableByName)]
struct Attempts {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
}

/// Counts one attempt under `key` at `now_ms` (Unix milliseconds) if its rule allows one now,
/// in one statement (an upsert guarded by the rule, returning the new count): parallel
/// attempts are counted one after the other, whatever the backend. `None`: refused (and not
/// counted).
fn count_one(
    conn: &mut DbConnection,
    key: &str,
    now_ms: i64,
    rule: &Rule,
) -> StoreResult<Option<i32>> {
    use diesel::sql_types::{BigInt, Integer, Text};
    let row = diesel::sql_query(
        "INSERT INTO login_throttle (key, attempts, last_at, blocked_until) VALUES ($1, 1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN login_throttle.last_at <= $4 THEN 1 \
                           ELSE login_throttle.attempts + 1 END, \
           blocked_until = CASE WHEN login_throttle.last_at <= $4 THEN $3 \
                                WHEN login_throttle.attempts + 1 < $5 THEN 0 \
                                WHEN login_throttle.attempts + 1 - $5 >= $6 THEN $2 + $7 \
                                ELSE $2 + ($8 << (login_throttle.attempts + 1 - $5)) END, \
           last_at = $2 \
         WHERE login_throttle.last_at <= $4 \
            OR (login_throttle.attempts < $9 AND login_throttle.blocked_until <= $2) \
         RETURNING attempts",
    )
    .bind::<Text, _>(key)
    .bind::<BigInt, _>(now_ms)
    .bind::<BigInt, _>(now_ms + rule.delay_after(1))
    .bind::<BigInt, _>(now_ms - rule.window_ms)
    .bind::<Integer, _>(rule.free)
    .bind::<Integer, _>(rule.capped_shift())
    .bind::<BigInt, _>(rule.max_delay_ms)
    .bind::<BigInt, _>(rule.first_delay_ms.max(0))
    .bind::<Integer, _>(rule.limit)
    .get_result::<Attempts>(conn)
    .optional()?;
    Ok(row.map(|r| r.attempts))
}

/// How long (milliseconds) a refused `key` must wait.
fn wait_of(conn: &mut DbConnection, key: &str, now_ms: i64, rule: &Rule) -> StoreResult<i64> {
    let row: Option<(i32, i64, i64)> = login_throttle::table
        .find(key)
        .select((
            login_throttle::attempts,
            login_throttle::last_at,
            login_throttle::blocked_until,
        ))
        .first(conn)
        .optional()?;
    let Some((attempts, last_at, blocked_until)) = row else {
        return Ok(0);
    };
    let until = if attempts >= rule.limit {
        (last_at + rule.window_ms).max(blocked_until)
    } else {
        blocked_until
    };
    Ok((until - now_ms).max(0))
}

/// Why [`count_attempts`] rolled back.
enum Refusal {
    Refused { key: String, wait_ms: i64 },
    Store(StoreError),
}

impl From<diesel::result::Error> for Refusal {
    fn from(e: diesel::result::Error) -> Refusal {
        Refusal::Store(e.into())
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        Refusal::Store(e)
    }
}

/// A refused attempt: the key that refused it and how long it must wait (milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub key: String,
    pub wait_ms: i64,
}

/// Counts an attempt under every key (in the order given; every caller uses the same order),
/// before the password is checked: all are counted, or, when one refuses, none. `Err` of the
/// outer result is a database failure; `Ok(Err(_))` names the key that refused and the wait.
pub fn count_attempts(
    conn: &mut DbConnection,
    keys: &[(&str, Rule)],
    now_ms: i64,
) -> StoreResult<Result<(), Refused>> {
    let outcome = crate::db::write_transaction(conn, |conn| {
        for (key, rule) in keys {
            if count_one(conn, key, now_ms, rule)?.is_none() {
                let wait_ms = wait_of(conn, key, now_ms, rule)?;
                return Err(Refusal::Refused {
                    key: (*key).to_owned(),
                    wait_ms,
                });
            }
        }
        Ok(())
    });
    match outcome {
        Ok(()) => Ok(Ok(())),
        Err(Refusal::Refused { key, wait_ms }) => Ok(Err(Refused { key, wait_ms })),
        Err(Refusal::Store(e)) => Err(e),
    }
}

/// Takes back one counted attempt of `key` (a sign-in that succeeded is not a failure of its
/// address; the address's earlier failures stay counted).
pub fn uncount_attempt(conn: &mut DbConnection, key: &str) -> StoreResult<()> {
    diesel::update(
        login_throttle::table
            .find(key)
            .filter(login_throttle::attempts.gt(0)),
    )
    .set(login_throttle::attempts.eq(login_throttle::attempts - 1))
    .execute(conn)?;
    Ok(())
}

/// Forgets every attempt of these keys (a successful sign-in clears its account's counters).
pub fn clear_attempts(conn: &mut DbConnection, keys: &[&str]) -> StoreResult<()> {
    diesel::delete(login_throttle::table.filter(login_throttle::key.eq_any(keys))).execute(conn)?;
    Ok(())
}

/// The attempts counted under `key` within `window_ms` of `now_ms`.
pub fn attempts(
    conn: &mut DbConnection,
    key: &str,
    now_ms: i64,
    window_ms: i64,
) -> StoreResult<i32> {
    let row: Option<(i32, i64)> = login_throttle::table
        .find(key)
        .select((login_throttle::attempts, login_throttle::last_at))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((n, last)) if last > now_ms - window_ms => n,
        _ => 0,
    })
}

/// Deletes what no longer counts: sessions past their expiry or absolute lifetime, and
/// throttling counters older than `window` and no longer delaying anyone. (Rows that are read are judged on read;
/// this keeps the tables from growing with abandoned sessions and one-off addresses.) Returns
/// (sessions, counters) deleted.
pub fn purge_expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    absolute: Duration,
    window: Duration,
) -> StoreResult<(usize, usize)> {
    let sessions = diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(to_micros(now))
                .or(sessions::created_at.le(to_micros(now - absolute))),
        ),
    )
    .execute(conn)?;
    let now_ms = now.and_utc().timestamp_millis();
    let counters = diesel::delete(
        login_throttle::table
            .filter(login_throttle::last_at.le(now_ms - window.num_milliseconds()))
            .filter(login_throttle::blocked_until.le(now_ms)),
    )
    .execute(conn)?;
    Ok((sessions, counters))
}

/// A setting's JSON text, if an admin ever saved one.
pub fn setting(conn: &mut DbConnection, key: &str) -> StoreResult<Option<String>> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}

pub fn put_setting(
    conn: &mut DbConnection,
    key: &str,
    value: &str,
    by: &str,
    now: NaiveDateTime,
) -> StoreResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(settings::table.find(key)).execute(conn)?;
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_by.eq(by),
                settings::updated_at.eq(to_micros(now)),
            ))
            .execute(conn)?;
        Ok::<_, StoreError>(())
    })
}

/// Every setting whose key starts with `prefix`, as (key, value), by key.
pub fn settings_with_prefix(
    conn: &mut DbConnection,
    prefix: &str,
) -> StoreResult<Vec<(String, String)>> {
    // LIKE narrows the rows (its wildcards in `prefix` only widen the match); the exact
    // test is done here.
    let rows: Vec<(String, String)> = settings::table
        .filter(settings::key.like(format!("{prefix}%")))
        .order(settings::key)
        .select((settings::key, settings::value))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .collect())
}

/// Removes a setting; `false` when there was none.
pub fn delete_setting(conn: &mut DbConnection, key: &str) -> StoreResult<bool> {
    Ok(diesel::delete(settings::table.find(key)).execute(conn)? == 1)
}

/// Calendar years uploaded by admins, as (year, TOML of that one year).
pub fn calendar_years(conn: &mut DbConnection) -> StoreResult<Vec<(i32, String)>> {
    Ok(calendar_years::table
        .order(calendar_years::year)
        .select((calendar_years::year, calendar_years::toml))
        .load(conn)?)
}

pub fn put_calendar_year(
    conn: &mut DbConnection,
    year: i32,
    toml: &str,
    by: &str,
    now: NaiveDateTime,
) -> StoreResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(calendar_years::table.find(year)).execute(conn)?;
        diesel::insert_into(calendar_years::table)
            .values((
                calendar_years::year.eq(year),
                calendar_years::toml.eq(toml),
                calendar_years::uploaded_by.eq(by),
                calendar_years::uploaded_at.eq(to_micros(now)),
            ))
            .execute(conn)?;
        Ok::<_, StoreError>(())
    })
}
