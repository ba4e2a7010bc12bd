//! Recomputing derived columns (due date, provisional flag, warning level) of open cases from
//! their events, after a calendar or statute change, or as time moves warning levels on.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gongkai_workflow::{Calendar, Case, Statute, WarningLevel};

use crate::db::{DbConnection, write_transaction};
use crate::error::StoreResult;
use crate::events;
use crate::projection::{CaseRow, project};
use crate::schema::cases;

/// How many rows a recomputation looked at and changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recomputed {
    pub open_cases: u64,
    pub changed: u64,
}

/// Recomputes every open case in batches of `batch` (each batch one transaction); `progress`
/// is called with (done, total) after each batch.
pub fn recompute_open(
    conn: &mut DbConnection,
    calendar: &Calendar,
    statute: &Statute,
    now: DateTime<Utc>,
    batch: usize,
    mut progress: impl FnMut(u64, u64),
) -> StoreResult<Recomputed> {
    let ids: Vec<String> = cases::table
        .filter(cases::status.eq_any(gongkai_workflow::Status::OPEN_NAMES))
        .order(cases::id)
        .select(cases::id)
        .load(conn)?;
    let total = ids.len() as u64;
    let mut result = Recomputed {
        open_cases: total,
        changed: 0,
    };
    let mut done = 0u64;
    for chunk in ids.chunks(batch.max(1)) {
        result.changed += write_transaction(conn, |conn| -> StoreResult<u64> {
            let mut changed = 0;
            for id in chunk {
                let Some(mut row) = cases::table
                    .find(id)
                    .select(CaseRow::as_select())
                    .first(conn)
                    .optional()?
                else {
                    continue;
                };
                let case = Case::from_events(&events::load(conn, id)?);
                if i64::try_from(case.version).unwrap_or(i64::MAX) != row.version {
                    // A command committed between the two reads; it projected the case itself.
                    continue;
                }
                let before = (
                    row.due_date,
                    row.provisional,
                    row.warning_level,
                    row.consultation_due,
                );
                let updated_at = row.updated_at;
                project(&mut row, &case, calendar, statute, now);
                let after = (
                    row.due_date,
                    row.provisional,
                    row.warning_level,
                    row.consultation_due,
                );
                if after != before {
                    // Only if no command changed the case since it was read: a newer
                    // projection is never overwritten with older values.
                    let updated = diesel::update(cases::table.find(id))
                        .filter(cases::version.eq(row.version))
                        .set((
                            cases::due_date.eq(row.due_date),
                            cases::due_sort.eq(row.due_sort),
                            cases::provisional.eq(row.provisional),
                            cases::warning_level.eq(row.warning_level.map(WarningLevel::as_str)),
                            cases::consultation_due.eq(row.consultation_due),
                            cases::updated_at.eq(updated_at),
                        ))
                        .execute(conn)? as u64;
                    changed += updated;
                }
            }
            Ok(changed)
        })?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    Ok(result)
}

/// An open case whose reply due date a new calendar would move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueChange {
    pub case_id: String,
    pub tracking_number: Option<String>,
    pub before: Option<chrono::NaiveDate>,
    pub after: Option<chrono::NaiveDate>,
}

/// What recomputing under `calendar` would change, without writing anything: the number of
/// open cases and those whose due date moves (for an admin to see before confirming an upload).
pub fn preview(
    conn: &mut DbConnection,
    calendar: &Calendar,
    statute: &Statute,
    now: DateTime<Utc>,
) -> StoreResult<(u64, Vec<DueChange>)> {
    let rows: Vec<CaseRow> = cases::table
        .filter(cases::status.eq_any(gongkai_workflow::Status::OPEN_NAMES))
        .order(cases::due_sort)
        .select(CaseRow::as_select())
        .load(conn)?;
    let mut changes = Vec::new();
    for row in &rows {
        let case = Case::from_events(&events::load(conn, &row.id)?);
        let mut after = row.clone();
        project(&mut after, &case, calendar, statute, now);
        if after.due_date != row.due_date {
            changes.push(DueChange {
                case_id: row.id.clone(),
                tracking_number: row.tracking_number.clone(),
                before: row.due_date,
                after: after.due_date,
            });
        }
    }
    Ok((rows.len() as u64, changes))
}

/// Fills what migration 2026-11-23-000006 added (statistics columns, searchable text) for the
/// cases stored before it, i.e. those without a `case_texts` row; in batches of `batch`, one
/// transaction each. Returns how many cases were filled. Cheap when there is nothing to do.
pub fn backfill_derived(
    conn: &mut DbConnection,
    calendar: &Calendar,
    statute: &Statute,
    batch: usize,
    mut progress: impl FnMut(u64, u64),
) -> StoreResult<u64> {
    use crate::schema::case_texts;
    let ids: Vec<String> = cases::table
        .left_join(case_texts::table)
        .filter(case_texts::id.is_null())
        .order(cases::id)
        .select(cases::id)
        .load(conn)?;
    let total = ids.len() as u64;
    let mut done = 0u64;
    for chunk in ids.chunks(batch.max(1)) {
        write_transaction(conn, |conn| -> StoreResult<()> {
            for id in chunk {
                let Some(mut row) = cases::table
                    .find(id)
                    .select(CaseRow::as_select())
                    .first(conn)
                    .optional()?
                else {
                    continue;
                };
                // A command on another node may have written the text since the list was made.
                let has_text: i64 = case_texts::table
                    .filter(case_texts::case_id.eq(id))
                    .count()
                    .get_result(conn)?;
                if has_text > 0 {
                    continue;
                }
                let case = Case::from_events(&events::load(conn, id)?);
                if i64::try_from(case.version).unwrap_or(i64::MAX) != row.version {
                    continue;
                }
                // The projection as of its last change: only the new columns differ.
                let updated_at = row.updated_at;
                let now = DateTime::from_naive_utc_and_offset(updated_at, Utc);
                let warning = row.warning_level;
                project(&mut row, &case, calendar, statute, now);
                diesel::update(cases::table.find(id))
                    .filter(cases::version.eq(row.version))
                    .set((
                        cases::replied_on.eq(row.replied_on),
                        cases::reply_due_on.eq(row.reply_due_on),
                        cases::reply_days.eq(row.reply_days),
                        cases::concluded_on.eq(row.concluded_on),
                        cases::applicant_key.eq(row.applicant_key.clone()),
                        cases::warning_level.eq(warning.map(WarningLevel::as_str)),
                    ))
                    .execute(conn)?;
                crate::search::write_text(conn, id, false, &crate::search::SearchText::of(&case))?;
            }
            Ok(())
        })?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    Ok(done)
}
