//! Walking the hash chains: finds rows altered outside gongkai.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::events::{self, GENESIS};
use crate::schema::cases;

/// The first broken link of a case's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub case_id: String,
    pub tracking_number: Option<String>,
    pub seq: i64,
    pub problem: String,
}

/// Checks one case's chain; `None` when intact.
pub fn verify_case(conn: &mut DbConnection, case_id: &str) -> StoreResult<Option<BrokenLink>> {
    let projection: Option<(Option<String>, i64)> = cases::table
        .find(case_id)
        .select((cases::tracking_number, cases::version))
        .first(conn)
        .optional()?;
    let tracking = projection.as_ref().map(|p| p.0.clone());
    let version = projection.as_ref().map_or(0, |p| p.1);
    let rows = events::load_rows(conn, case_id)?;
    let broken = |seq: i64, problem: String| {
        Some(BrokenLink {
            case_id: case_id.to_owned(),
            tracking_number: tracking.clone().flatten(),
            seq,
            problem,
        })
    };
    let mut prev = GENESIS.to_owned();
    for (i, row) in rows.iter().enumerate() {
        let expected_seq = i64::try_from(i + 1).unwrap_or(i64::MAX);
        if row.seq != expected_seq {
            return Ok(broken(
                expected_seq,
                format!("event {expected_seq} is missing"),
            ));
        }
        if row.prev_hash != prev {
            return Ok(broken(
                row.seq,
                "prev_hash does not match the previous event".to_owned(),
            ));
        }
        if row.compute_hash() != row.hash {
            return Ok(broken(
                row.seq,
                "content does not match its hash (altered)".to_owned(),
            ));
        }
        if let Err(e) = row.event() {
            return Ok(broken(row.seq, e.to_string()));
        }
        prev = row.hash.clone();
    }
    let stored = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    if projection.is_none() && stored > 0 {
        return Ok(broken(
            1,
            "events exist but the case itself was deleted".to_owned(),
        ));
    }
    if stored > version {
        return Ok(broken(
            version + 1,
            format!("{stored} events are stored but the case is at version {version} (inserted)"),
        ));
    }
    if stored < version {
        return Ok(broken(
            stored + 1,
            format!(
                "the case is at version {version} but only {stored} events are stored (deleted)"
            ),
        ));
    }
    Ok(None)
}

/// Checks every case (or one); returns the broken ones. `progress` is called after each case.
pub fn verify_all(
    conn: &mut DbConnection,
    only: Option<&str>,
    mut progress: impl FnMut(u64, u64),
) -> StoreResult<Vec<BrokenLink>> {
    // Every case id that has a projection or events: a case row deleted outside gongkai
    // still leaves its events to check.
    let ids: Vec<String> = match only {
        Some(id) => vec![id.to_owned()],
        None => {
            let mut ids: Vec<String> = cases::table.select(cases::id).load(conn)?;
            ids.extend(
                crate::schema::case_events::table
                    .select(crate::schema::case_events::case_id)
                    .distinct()
                    .load::<String>(conn)?,
            );
            ids.sort();
            ids.dedup();
            ids
        }
    };
    let total = ids.len() as u64;
    let mut broken = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(b) = verify_case(conn, id)? {
            broken.push(b);
        }
        progress(i as u64 + 1, total);
    }
    Ok(broken)
}
