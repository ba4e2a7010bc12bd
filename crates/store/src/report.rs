//! The annual report's table 三 from the stored events (see `gongkai_workflow::report`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_workflow::report::{AnnualReport, Counting, Table3, Table4, contributions};

use crate::dates::day_start;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::events;
use crate::schema::{case_events, cases};
use crate::scope::{Scope, within_scope};

/// Midnight of 1 January `year` in Beijing, as the naive UTC instant the tables store.
fn beijing_new_year(year: i32) -> Option<NaiveDateTime> {
    Some(day_start(NaiveDate::from_ymd_opt(year, 1, 1)?))
}

/// Table 三 of `year` for the cases within `scope` (of `agency` only, when given; a scope
/// narrowed to one department gives that department's table), by legal dates (see
/// `gongkai_workflow::report`): summed from the report's tallies (`tallies`), or, until those
/// are counted after migrating, folded from the events ([`table3_from_events`]); `progress`
/// gets (done, total).
pub fn table3(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
    counting: Counting,
    mut progress: impl FnMut(u64, u64),
) -> StoreResult<Table3> {
    if scope.sees_nothing() {
        return Ok(Table3::new(year));
    }
    if crate::tallies::ready(conn)?
        && let Some(table) = crate::tallies::table3(conn, year, agency, scope, counting)?
    {
        progress(1, 1);
        return Ok(table);
    }
    table3_from_events(conn, year, agency, scope, counting, progress)
}

/// [`table3`] folded from the events of every case that can count in the year: the
/// definition the tallies are checked against (and what an applicant's scope, which the
/// tallies do not keep, is answered from).
pub fn table3_from_events(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
    counting: Counting,
    mut progress: impl FnMut(u64, u64),
) -> StoreResult<Table3> {
    if scope.sees_nothing() {
        return Ok(Table3::new(year));
    }
    let Some(start) = beijing_new_year(year) else {
        return Ok(Table3::new(year));
    };
    // Cases open or touched since the year began: a case that ended (and was last changed)
    // before the year cannot count in it. Not filtered by the day a case was entered: a
    // letter received in the year may be typed in after it.
    let mut q = cases::table
        .filter(
            cases::updated_at
                .ge(start)
                .or(cases::status.eq_any(gongkai_workflow::Status::OPEN_NAMES)),
        )
        .select(cases::id)
        .order(cases::id)
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(cases::agency_code.eq(a.to_owned()));
    }
    q = within_scope!(q, scope);
    let ids: Vec<String> = q.load(conn)?;
    let total = ids.len() as u64;
    let mut table = Table3::new(year);
    for (i, id) in ids.iter().enumerate() {
        let evs = events::load(conn, id)?;
        for c in contributions(&evs, year, counting) {
            table.add(&c);
        }
        if i % 1000 == 999 || i + 1 == ids.len() {
            progress(i as u64 + 1, total);
        }
    }
    Ok(table)
}

/// Table 四 of `year`: the reconsiderations and lawsuits of the cases of the scope decided
/// during the year, or filed by its end and undecided then (see `gongkai_workflow::report`).
pub fn table4(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
) -> StoreResult<Table4> {
    if scope.sees_nothing() {
        return Ok(Table4::new(year));
    }
    let mut q = case_events::table
        .inner_join(cases::table)
        // Literal, so that both planners match the partial index (migration 000007).
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "case_events.kind = 'remedy_recorded'",
        ))
        .select(cases::id)
        .distinct()
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(cases::agency_code.eq(a.to_owned()));
    }
    q = within_scope!(q, scope);
    let ids: Vec<String> = q.load(conn)?;
    let mut table = Table4::new(year);
    for id in &ids {
        table.add_case(&events::load(conn, id)?);
    }
    Ok(table)
}

/// Tables 三 and 四 of `year` for the scope (see [`table3`]).
pub fn annual(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
    counting: Counting,
    progress: impl FnMut(u64, u64),
) -> StoreResult<AnnualReport> {
    Ok(AnnualReport {
        table3: table3(conn, year, agency, scope, counting, progress)?,
        table4: table4(conn, year, agency, scope)?,
    })
}
