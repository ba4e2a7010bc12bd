//! Delivery of a reply's release to the applicant: every retrieval of the reply letter or a
//! released file (when, by which way, a keyed hash of the address — never the address), and
//! the expiring download links sent by e-mail (the token's sha256 only; the token itself
//! exists in the e-mail alone).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::{release_downloads, release_links, settings};

/// The way a retrieval reached the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The public lookup page (tracking number and query code).
    Lookup,
    /// The applicant's account.
    Account,
    /// The download link of the reply e-mail.
    Link,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Lookup => "lookup",
            Via::Account => "account",
            Via::Link => "link",
        }
    }

    pub fn label_zh(code: &str) -> &'static str {
        match code {
            "lookup" => "查询页（申请编号和查询码）",
            "account" => "申请人账户",
            "link" => "邮件中的下载链接",
            _ => "其他",
        }
    }
}

/// One retrieval as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Download {
    /// The released attachment; none for the reply letter.
    pub attachment_id: Option<String>,
    pub via: String,
    /// The first 16 hex digits of the keyed hash: enough to tell addresses apart.
    pub address_hash: String,
    pub downloaded_at: NaiveDateTime,
}

const SALT_KEY: &str = "delivery.address_salt";

/// The installation's secret salt for address hashes, made on first use. Without it an IPv4
/// address could be recovered from its plain sha256 by trying them all.
fn salt(conn: &mut DbConnection) -> StoreResult<String> {
    if let Some(s) = crate::sessions::setting(conn, SALT_KEY)? {
        return Ok(s);
    }
    let bytes: [u8; 32] = rand::rng().random();
    let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // Two first uses at once: the first insert wins, and both read it back.
    let _ = diesel::insert_into(settings::table)
        .values((
            settings::key.eq(SALT_KEY),
            settings::value.eq(&fresh),
            settings::updated_by.eq("system"),
            settings::updated_at.eq(to_micros(chrono::Utc::now().naive_utc())),
        ))
        .execute(conn);
    crate::sessions::setting(conn, SALT_KEY)?
        .ok_or_else(|| StoreError::Corrupt("the address salt could not be stored".to_owned()))
}

/// The keyed hash of a client address as it is stored.
pub fn address_hash(conn: &mut DbConnection, address: &str) -> StoreResult<String> {
    let salt = salt(conn)?;
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0]);
    h.update(address.as_bytes());
    Ok(format!("{:x}", h.finalize())[..16].to_owned())
}

/// Records a retrieval; returns whether it is the case's first.
pub fn record(
    conn: &mut DbConnection,
    case_id: &str,
    attachment_id: Option<&str>,
    via: Via,
    address: &str,
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let hash = address_hash(conn, address)?;
    crate::db::write_transaction(conn, |conn| {
        let before: i64 = release_downloads::table
            .filter(release_downloads::case_id.eq(case_id))
            .count()
            .get_result(conn)?;
        diesel::insert_into(release_downloads::table)
            .values((
                release_downloads::id.eq(uuid::Uuid::now_v7().to_string()),
                release_downloads::case_id.eq(case_id),
                release_downloads::attachment_id.eq(attachment_id),
                release_downloads::via.eq(via.as_str()),
                release_downloads::address_hash.eq(&hash),
                release_downloads::downloaded_at.eq(to_micros(at)),
            ))
            .execute(conn)?;
        Ok::<_, StoreError>(before == 0)
    })
}

/// The case's retrievals, the first first (at most `limit`, the rest counted).
pub fn downloads(
    conn: &mut DbConnection,
    case_id: &str,
    limit: i64,
) -> StoreResult<(Vec<Download>, i64)> {
    let rows: Vec<Download> = release_downloads::table
        .filter(release_downloads::case_id.eq(case_id))
        .order((
            release_downloads::downloaded_at.asc(),
            release_downloads::id.asc(),
        ))
        .select((
            release_downloads::attachment_id,
            release_downloads::via,
            release_downloads::address_hash,
            release_downloads::downloaded_at,
        ))
        .limit(limit)
        .load(conn)?;
    // Fewer than asked for: they are all there is (most cases: none).
    if i64::try_from(rows.len()).unwrap_or(i64::MAX) < limit {
        let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        return Ok((rows, total));
    }
    let total: i64 = release_downloads::table
        .filter(release_downloads::case_id.eq(case_id))
        .count()
        .get_result(conn)?;
    Ok((rows, total))
}

/// A new download link for `case_id`, valid until `expires_at`: the token to put in the
/// e-mail. Only its sha256 is stored.
pub fn create_link(
    conn: &mut DbConnection,
    case_id: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StoreResult<String> {
    let bytes: [u8; 32] = rand::rng().random();
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    diesel::insert_into(release_links::table)
        .values((
            release_links::token_hash.eq(token_hash(&token)),
            release_links::case_id.eq(case_id),
            release_links::created_at.eq(to_micros(now)),
            release_links::expires_at.eq(to_micros(expires_at)),
        ))
        .execute(conn)?;
    Ok(token)
}

fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// The case a download link opens, if the token is known and has not expired. A malformed,
/// unknown and expired token all answer none alike.
pub fn link_case(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> StoreResult<Option<(String, NaiveDateTime)>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(release_links::table
        .find(token_hash(&token.to_ascii_lowercase()))
        .filter(release_links::expires_at.gt(now))
        .select((release_links::case_id, release_links::expires_at))
        .first(conn)
        .optional()?)
}

/// Removes links that expired before `now`; the number removed.
pub fn sweep_links(conn: &mut DbConnection, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(release_links::table.filter(release_links::expires_at.le(now)))
            .execute(conn)?,
    )
}
