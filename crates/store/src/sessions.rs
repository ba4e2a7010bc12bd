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
use crate::schema::{calendar_years, login_failures, sessions, settings, user_departments, users};

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

/// Failed logins from `address` (or any throttling key, e.g. `account:NAME`) within the last `window` (older failures are forgotten).
pub fn address_failures(
    conn: &mut DbConnection,
    address: &str,
    now: NaiveDateTime,
    window: Duration,
) -> StoreResult<i32> {
    let row: Option<(i32, NaiveDateTime)> = login_failures::table
        .find(address)
        .select((login_failures::failures, login_failures::last_failed_at))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((n, last)) if now - last < window => n,
        _ => 0,
    })
}

/// Counts a failed login from `address`; returns the count within the window.
pub fn record_address_failure(
    conn: &mut DbConnection,
    address: &str,
    now: NaiveDateTime,
    window: Duration,
) -> StoreResult<i32> {
    crate::db::write_transaction(conn, |conn| {
        let n = address_failures(conn, address, now, window)? + 1;
        diesel::delete(login_failures::table.find(address)).execute(conn)?;
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::address.eq(address),
                login_failures::failures.eq(n),
                login_failures::last_failed_at.eq(to_micros(now)),
            ))
            .execute(conn)?;
        Ok::<_, StoreError>(n)
    })
}

/// Deletes what no longer counts: sessions past their expiry or absolute lifetime, and failed
/// login counters older than the throttling window. (Rows that are read are judged on read;
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
    let counters = diesel::delete(
        login_failures::table.filter(login_failures::last_failed_at.le(to_micros(now - window))),
    )
    .execute(conn)?;
    Ok((sessions, counters))
}

pub fn clear_address_failures(conn: &mut DbConnection, address: &str) -> StoreResult<()> {
    diesel::delete(login_failures::table.find(address)).execute(conn)?;
    Ok(())
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
