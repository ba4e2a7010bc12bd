//! Reads for queues, dashboards and lookups. They read the `cases` projection.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use gongkai_workflow::{Status, WarningLevel};

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::projection::{CaseRow, hash_query_code};
use crate::schema::cases;
use crate::scope::{Scope, within_scope};
use crate::typed::{OptionalStored, Stored};

/// The predicate of the partial index `cases_open_queue`, word for word (a test compares it
/// with the migration).
fn open_predicate() -> String {
    let list: Vec<String> = Status::OPEN_NAMES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect();
    format!("cases.status IN ({})", list.join(", "))
}

/// Filters of the clerk queue within a reader's scope; an empty list of statuses means "any".
/// The default filter sees nothing (its scope is empty).
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Whose cases: built from the reader (see [`Scope`]), narrowed to a department if asked.
    pub scope: Scope,
    pub agency: Option<String>,
    pub assignee: Option<String>,
    pub statuses: Vec<Status>,
    pub warning_level: Option<WarningLevel>,
}

/// Where the previous page ended: its last row's sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub due_sort: NaiveDate,
    pub id: String,
}

impl Cursor {
    pub fn after(row: &CaseRow) -> Cursor {
        Cursor {
            due_sort: row.due_sort,
            id: row.id.clone(),
        }
    }
}

/// One page of the queue, soonest due first (cases without a due date last), keyset-paginated.
pub fn queue(
    conn: &mut DbConnection,
    filter: &QueueFilter,
    after: Option<&Cursor>,
    limit: i64,
) -> StoreResult<Vec<CaseRow>> {
    if filter.scope.sees_nothing() {
        return Ok(Vec::new());
    }
    // Each status once, in one order (the scope's departments are already so): the SQL text
    // (kept prepared, below) depends only on how many there are.
    let mut statuses = filter.statuses.clone();
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    let filter = &QueueFilter {
        statuses,
        ..filter.clone()
    };
    let mut q = cases::table.select(CaseRow::as_select()).into_boxed();
    if let Some(a) = &filter.agency {
        q = q.filter(cases::agency_code.eq(a.clone()));
    }
    q = within_scope!(q, filter.scope);
    if let Some(a) = &filter.assignee {
        q = q.filter(cases::assignee.eq(a.clone()));
    }
    let open = Status::OPEN;
    let all_open =
        filter.statuses.len() == open.len() && open.iter().all(|o| filter.statuses.contains(o));
    if !filter.statuses.is_empty() {
        // All the open statuses: the literal predicate below says it alone. Repeating it as a
        // bound `= ANY($1)` made PostgreSQL multiply the two selectivities, expect a few
        // hundred rows and sort a department's whole open queue (32 ms at 50,000 open cases
        // instead of 0.2 ms through the partial index).
        // One status by equality, so that (department, status, due_sort, id) is read in order.
        match filter.statuses.as_slice() {
            _ if all_open => {}
            [one] => q = q.filter(cases::status.eq(one.as_str())),
            many => q = q.filter(cases::status.eq_any(many.iter().map(|s| s.as_str()))),
        }
        // Several open statuses: repeat the partial index's predicate (migration
        // 2026-11-23-000002) as literal SQL, so that both planners can match it (they cannot
        // with bound parameters). One status is served in order by (department, status,
        // due_sort, id) instead; the extra predicate would only spoil PostgreSQL's estimate.
        if filter.statuses.len() > 1 && filter.statuses.iter().all(|s| s.is_open()) {
            q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                &open_predicate(),
            ));
        }
    }
    if let Some(w) = &filter.warning_level {
        q = q.filter(cases::warning_level.eq(w.as_str()));
    }
    if let Some(c) = after {
        // A row-value comparison: both backends seek into (…, due_sort, id) with it, also
        // within a run of equal due dates, where `a > x OR (a = x AND b > y)` scans.
        q = q.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("(cases.due_sort, cases.id) > (")
                .bind::<diesel::sql_types::Date, _>(c.due_sort)
                .sql(", ")
                .bind::<diesel::sql_types::Text, _>(c.id.clone())
                .sql(")"),
        );
    }
    // The literal SQL keeps diesel from preparing the query once; its text varies only with
    // which filters are present (and, on SQLite, how many departments or statuses: at most
    // as many as exist), so keeping each variant prepared is safe and spares PostgreSQL a
    // parse per page.
    Ok(crate::db::Reused(
        q.order((cases::due_sort.asc(), cases::id.asc()))
            .limit(limit.clamp(1, 500)),
    )
    .load(conn)?)
}

/// Due-soon and overdue counts of open cases per department.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WarningCounts {
    pub department: String,
    pub due_soon: i64,
    pub overdue: i64,
}

/// The due-soon and overdue counts of the open cases within `scope`, per department.
pub fn warning_counts(conn: &mut DbConnection, scope: &Scope) -> StoreResult<Vec<WarningCounts>> {
    if scope.sees_nothing() {
        return Ok(Vec::new());
    }
    let q = cases::table
        .filter(cases::status.eq_any(Status::OPEN_NAMES))
        .filter(cases::warning_level.eq_any(["due_soon", "overdue"]))
        .group_by((cases::department_code, cases::warning_level))
        .select((cases::department_code, cases::warning_level, count_star()))
        .into_boxed();
    let rows: Vec<(String, Option<String>, i64)> = within_scope!(q, scope).load(conn)?;
    let mut out: Vec<WarningCounts> = Vec::new();
    for (department, level, n) in rows {
        let i = match out.iter().position(|c| c.department == department) {
            Some(i) => i,
            None => {
                out.push(WarningCounts {
                    department,
                    ..WarningCounts::default()
                });
                out.len() - 1
            }
        };
        match level.as_deref() {
            Some("due_soon") => out[i].due_soon += n,
            Some("overdue") => out[i].overdue += n,
            _ => {}
        }
    }
    out.sort_by(|a, b| a.department.cmp(&b.department));
    Ok(out)
}

/// The online filings within `scope` still awaiting confirmation (待登记) that were submitted
/// before `before` (UTC): how many, and the `limit` that have waited longest. Read through the
/// index `cases_status_created` (status, created_at): the filings awaiting confirmation are
/// few whatever the number of cases.
pub fn awaiting_registration(
    conn: &mut DbConnection,
    scope: &Scope,
    before: chrono::NaiveDateTime,
    limit: i64,
) -> StoreResult<(i64, Vec<CaseRow>)> {
    if scope.sees_nothing() {
        return Ok((0, Vec::new()));
    }
    let received = Status::Received.as_str();
    let online = gongkai_workflow::Channel::Online.as_str();
    let before = crate::events::to_micros(before);
    let q = cases::table
        .filter(cases::status.eq(received))
        .filter(cases::created_at.lt(before))
        .filter(cases::channel.eq(online))
        .select(count_star())
        .into_boxed();
    let count: i64 = within_scope!(q, scope).first(conn)?;
    let q = cases::table
        .filter(cases::status.eq(received))
        .filter(cases::created_at.lt(before))
        .filter(cases::channel.eq(online))
        .select(CaseRow::as_select())
        .into_boxed();
    let rows: Vec<CaseRow> = within_scope!(q, scope)
        .order((cases::created_at.asc(), cases::id.asc()))
        .limit(limit.clamp(1, 500))
        .load(conn)?;
    Ok((count, rows))
}

/// An applicant's own cases, newest first.
pub fn cases_of_account(conn: &mut DbConnection, account: &str) -> StoreResult<Vec<CaseRow>> {
    Ok(cases::table
        .filter(cases::account.eq(account))
        .order((cases::created_at.desc(), cases::id.desc()))
        .select(CaseRow::as_select())
        .load(conn)?)
}

/// The case `case_id` if it lies within `scope`: a case outside it reads exactly as one that
/// does not exist.
pub fn case_row(
    conn: &mut DbConnection,
    scope: &Scope,
    case_id: &str,
) -> StoreResult<Option<CaseRow>> {
    if scope.sees_nothing() {
        return Ok(None);
    }
    Ok(find_row(conn, case_id)?.filter(|row| scope.admits(row)))
}

fn find_row(conn: &mut DbConnection, case_id: &str) -> StoreResult<Option<CaseRow>> {
    Ok(crate::db::by_key(
        cases::table.find(case_id).select(CaseRow::as_select()),
        conn,
    )?)
}

/// The public lookup: the case with this tracking number, if the query code matches. A wrong
/// code and an unknown number look the same.
pub fn lookup(
    conn: &mut DbConnection,
    tracking_number: &str,
    query_code: &str,
) -> StoreResult<Option<CaseRow>> {
    let row: Option<CaseRow> = cases::table
        .filter(cases::tracking_number.eq(tracking_number.trim()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.filter(|r| {
        let expected = hash_query_code(&r.id, query_code);
        constant_time_eq(expected.as_bytes(), r.query_code_hash.as_bytes())
    }))
}

/// The public lookup by filing reference (the case id an online filing is given before it has
/// a tracking number) and query code; it keeps working after registration, since the applicant
/// may not have the tracking number yet.
pub fn lookup_by_reference(
    conn: &mut DbConnection,
    case_id: &str,
    query_code: &str,
) -> StoreResult<Option<CaseRow>> {
    // The query code is the credential here: no reader's scope.
    Ok(find_row(conn, case_id.trim())?.filter(|r| {
        let expected = hash_query_code(&r.id, query_code);
        constant_time_eq(expected.as_bytes(), r.query_code_hash.as_bytes())
    }))
}

/// The public lookup by the short filing reference of an online filing (see
/// [`crate::parse_filing_reference`]) and query code; like [`lookup_by_reference`], it keeps
/// working after registration.
pub fn lookup_by_filing_reference(
    conn: &mut DbConnection,
    reference: &str,
    query_code: &str,
) -> StoreResult<Option<CaseRow>> {
    let Some(reference) = crate::parse_filing_reference(reference) else {
        return Ok(None);
    };
    let row: Option<CaseRow> = cases::table
        .filter(cases::filing_reference.eq(reference))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.filter(|r| {
        let expected = hash_query_code(&r.id, query_code);
        constant_time_eq(expected.as_bytes(), r.query_code_hash.as_bytes())
    }))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Cases per (status, warning level), for the metrics.
pub fn status_counts(
    conn: &mut DbConnection,
) -> StoreResult<Vec<(Status, Option<WarningLevel>, i64)>> {
    let rows: Vec<(Stored<Status>, OptionalStored<WarningLevel>, i64)> = cases::table
        .group_by((cases::status, cases::warning_level))
        .select((cases::status, cases::warning_level, count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(status, level, n)| (status.0, level.0, n))
        .collect())
}

/// The request text of a case within `scope` as search stores it (description and document
/// number).
pub fn case_text(
    conn: &mut DbConnection,
    scope: &Scope,
    case_id: &str,
) -> StoreResult<Option<String>> {
    use crate::schema::case_texts;
    if case_row(conn, scope, case_id)?.is_none() {
        return Ok(None);
    }
    Ok(case_texts::table
        .filter(case_texts::case_id.eq(case_id))
        .select(case_texts::description)
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_predicate_is_the_partial_index_word_for_word() {
        let predicate = open_predicate();
        assert_eq!(
            predicate,
            "cases.status IN ('received', 'registered', 'processing', 'under_review')"
        );
        let unqualified = predicate.trim_start_matches("cases.");
        for up in [
            include_str!("../../../migrations/sqlite/2026-11-23-000002_queue_by_due_date/up.sql"),
            include_str!("../../../migrations/postgres/2026-11-23-000002_queue_by_due_date/up.sql"),
        ] {
            assert!(up.contains(&format!("WHERE {unqualified}")), "{up}");
        }
    }
}
