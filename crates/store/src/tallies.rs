//! Counts kept beside the cases so that the annual report and the monthly statistics add up a
//! few thousand numbers instead of reading a year of cases (migration 2026-12-07-000023).
//!
//! - `report_tallies`: for each agency, department, year, applicant column, first or reopened
//!   handling and outcome, how many handlings of requests began (outcome `''`) or ended (the
//!   outcome's token, [`Outcome::as_str`]) in that year (see `gongkai_workflow::report::Tally`);
//!   table 三 is [`Table3::from_tallies`] of their sums.
//! - `stats_tallies`: see [`StatsKey`]; `stats::aggregate_counted` of their sums gives the
//!   monthly figures.
//!
//! Every write of a case (`execute`'s two writers and the bulk loader) changes both by the
//! difference the command makes (the case's tallies after it less those before; for the
//! statistics, its projection row after it less the row as stored), in the same statement or
//! transaction. Rows are written in key order, so two writers never wait on each other in a
//! cycle. The report's rows are not written by online filings (a handling begins when a request
//! is received in law, for an online filing when a clerk confirms it); the statistics' count of
//! recorded requests is, and is split over [`STRIPES`] rows so that concurrent filings on
//! PostgreSQL do not queue on one row.
//!
//! A database that held cases before the migration has the setting [`PENDING`] until
//! [`rebuild`] (run by `gongkai migrate` and `serve` after migrating) has counted them; until
//! then the report folds the events and the statistics read the cases, as before. `gongkai
//! report recount` runs [`rebuild`] by hand and says whether the stored counts were right.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use gongkai_workflow::outcome::OutcomeKind;
use gongkai_workflow::report::{Counting, Table3, Tally, tallies};
use gongkai_workflow::{Case, Event, Outcome};

use crate::dates::legal_date_of;
use crate::db::{DbConnection, Reused};
use crate::error::{StoreError, StoreResult};
use crate::projection::CaseRow;
use crate::schema::{case_events, cases, report_tallies, settings, stats_tallies};
use crate::scope::{Reach, Scope};
use crate::stats::MonthFigures;

/// The setting present while the tallies have not yet been counted from the events.
pub const PENDING: &str = "report_tallies_pending";

/// One row's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TallyKey {
    pub agency: String,
    pub department: String,
    pub year: i32,
    pub column: i32,
    pub reopened: bool,
    /// `""`: a handling began; otherwise the outcome it ended with.
    pub outcome: &'static str,
}

/// What a write adds to the tallies, by key (in key order; no zero).
pub(crate) type TallyChange = BTreeMap<TallyKey, i64>;

/// Adds `sign` times the tallies of `case` (as its `events` leave it) to `into`.
fn add_case(into: &mut TallyChange, case: &Case, events: &[Event], sign: i64) {
    for t in tallies(events) {
        let key = TallyKey {
            agency: case.agency.clone(),
            department: case.department.clone(),
            year: t.year,
            column: i32::try_from(t.column).unwrap_or(5),
            reopened: t.reopened,
            outcome: t.ended.map_or("", Outcome::as_str),
        };
        *into.entry(key).or_default() += sign;
    }
}

/// The tallies of a case, as its `events` (in order) leave it (`case`).
pub(crate) fn of_case(case: &Case, events: &[Event]) -> TallyChange {
    let mut out = TallyChange::new();
    add_case(&mut out, case, events, 1);
    out
}

/// What a command adds: the case's tallies (or statistics) `after` it less those `before`,
/// without zeros.
pub(crate) fn difference<K: Ord>(
    before: BTreeMap<K, i64>,
    mut after: BTreeMap<K, i64>,
) -> BTreeMap<K, i64> {
    for (k, n) in before {
        *after.entry(k).or_default() -= n;
    }
    after.retain(|_, n| *n != 0);
    after
}

/// The count an upsert left (its `RETURNING n`). The upserts are run through `get_result`
/// because [`Reused`] keeps a statement prepared only when handed over by value, which
/// `execute` does not do (see its doc): run with `execute`, they were parsed and planned
/// again for every row of every command.
#[derive(QueryableByName)]
struct Upserted {
    #[diesel(sql_type = BigInt, column_name = n)]
    _n: i64,
}

/// Adds `change` to the stored tallies, one upsert per row in key order (SQLite's way, and the
/// bulk loader's on both backends; PostgreSQL's `execute` writes them in its one statement).
pub(crate) fn write(conn: &mut DbConnection, change: &TallyChange) -> StoreResult<()> {
    for (k, n) in change {
        Reused(
            diesel::sql_query(
                "INSERT INTO report_tallies (agency_code, department_code, year, \
                 applicant_column, reopened, outcome, n) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (agency_code, department_code, year, applicant_column, reopened, \
                 outcome) DO UPDATE SET n = report_tallies.n + excluded.n RETURNING n",
            )
            .bind::<Text, _>(&k.agency)
            .bind::<Text, _>(&k.department)
            .bind::<Integer, _>(k.year)
            .bind::<Integer, _>(k.column)
            .bind::<Bool, _>(k.reopened)
            .bind::<Text, _>(k.outcome)
            .bind::<BigInt, _>(n),
        )
        .get_result::<Upserted>(conn)?;
    }
    Ok(())
}

/// The report's tallies as one array per column, in key order: PostgreSQL writes any number of
/// them in one statement ([`pg_report_upsert`]).
pub(crate) struct ReportArrays {
    pub agency: Vec<String>,
    pub department: Vec<String>,
    pub year: Vec<i32>,
    pub column: Vec<i32>,
    pub reopened: Vec<bool>,
    pub outcome: Vec<String>,
    pub n: Vec<i64>,
}

pub(crate) fn report_arrays(change: &TallyChange) -> ReportArrays {
    let k = || change.keys();
    ReportArrays {
        agency: k().map(|k| k.agency.clone()).collect(),
        department: k().map(|k| k.department.clone()).collect(),
        year: k().map(|k| k.year).collect(),
        column: k().map(|k| k.column).collect(),
        reopened: k().map(|k| k.reopened).collect(),
        outcome: k().map(|k| k.outcome.to_owned()).collect(),
        n: change.values().copied().collect(),
    }
}

/// PostgreSQL: adds the rows of [`ReportArrays`] (bound at the placeholders `p`, in the
/// order of its fields) in key order, selected `FROM {from}unnest(…)` (`from` is `""` or e.g.
/// `"claimed, "` inside `pg_write`'s statement).
pub(crate) fn pg_report_upsert(from: &str, p: &[String; 7]) -> String {
    format!(
        "INSERT INTO report_tallies (agency_code, department_code, year, applicant_column, \
         reopened, outcome, n) SELECT t.a, t.d, t.y, t.c, t.r, t.o, t.n FROM {from}\
         unnest({}::text[], {}::text[], {}::int[], {}::int[], {}::bool[], {}::text[], \
         {}::bigint[]) WITH ORDINALITY AS t (a, d, y, c, r, o, n, i) ORDER BY t.i \
         ON CONFLICT (agency_code, department_code, year, applicant_column, reopened, outcome) \
         DO UPDATE SET n = report_tallies.n + EXCLUDED.n",
        p[0], p[1], p[2], p[3], p[4], p[5], p[6]
    )
}

/// The statistics' tallies as one array per column, in key order ([`pg_stats_upsert`]).
pub(crate) struct StatsArrays {
    pub agency: Vec<String>,
    pub department: Vec<String>,
    pub year: Vec<i32>,
    pub month: Vec<i32>,
    pub measure: Vec<String>,
    pub reply: Vec<String>,
    pub reply_days: Vec<i32>,
    pub stripe: Vec<i32>,
    pub n: Vec<i64>,
}

pub(crate) fn stats_arrays(change: &StatsChange) -> StatsArrays {
    let k = || change.keys();
    StatsArrays {
        agency: k().map(|k| k.agency.clone()).collect(),
        department: k().map(|k| k.department.clone()).collect(),
        year: k().map(|k| k.year).collect(),
        month: k().map(|k| k.month).collect(),
        measure: k().map(|k| k.measure.to_owned()).collect(),
        reply: k().map(|k| k.reply.to_owned()).collect(),
        reply_days: k().map(|k| k.reply_days).collect(),
        stripe: k().map(|k| k.stripe).collect(),
        n: change.values().copied().collect(),
    }
}

/// PostgreSQL: as [`pg_report_upsert`], for [`StatsArrays`].
pub(crate) fn pg_stats_upsert(from: &str, p: &[String; 9]) -> String {
    format!(
        "INSERT INTO stats_tallies (agency_code, department_code, year, month, measure, reply, \
         reply_days, stripe, n) SELECT t.a, t.d, t.y, t.m, t.e, t.r, t.x, t.s, t.n FROM {from}\
         unnest({}::text[], {}::text[], {}::int[], {}::int[], {}::text[], {}::text[], \
         {}::int[], {}::int[], {}::bigint[]) WITH ORDINALITY AS t (a, d, y, m, e, r, x, s, n, i) \
         ORDER BY t.i ON CONFLICT (agency_code, department_code, year, month, measure, reply, \
         reply_days, stripe) DO UPDATE SET n = stats_tallies.n + EXCLUDED.n",
        p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
    )
}

/// Adds both changes to the stored tallies: on PostgreSQL one statement each whatever their
/// size (the bulk loader's batches touch thousands of rows; `pg_write::write_tallies`), on
/// SQLite row by row.
pub(crate) fn write_both(
    conn: &mut DbConnection,
    report: &TallyChange,
    stats: &StatsChange,
) -> StoreResult<()> {
    match conn {
        DbConnection::Pg(pg) => crate::pg_write::write_tallies(pg, report, stats),
        DbConnection::Sqlite(_) => {
            write(conn, report)?;
            write_stats(conn, stats)
        }
    }
}

/// Whether the tallies hold every case (false between the migration and [`rebuild`]).
pub fn ready(conn: &mut DbConnection) -> StoreResult<bool> {
    let pending: i64 = settings::table
        .filter(settings::key.eq(PENDING))
        .count()
        .get_result(conn)?;
    Ok(pending == 0)
}

/// The rows of `select` (a sum over one of the tallies, filtered by `$1` = `year`), narrowed to
/// `agency` when given and to `scope`'s departments, grouped by `group_by`; `None` for an
/// applicant's scope (the tallies are kept by department), no rows for an empty one. The sum
/// is cast to BIGINT: PostgreSQL's SUM of a bigint is numeric.
fn scoped_sums<R>(
    conn: &mut DbConnection,
    select: &str,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
    group_by: &str,
) -> StoreResult<Option<Vec<R>>>
where
    R: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
{
    let mut sql = select.to_owned();
    let mut binds: Vec<&str> = Vec::new();
    if let Some(a) = agency {
        binds.push(a);
        sql.push_str(&format!(" AND agency_code = ${}", binds.len() + 1));
    }
    match scope.reach() {
        Reach::Everything => {}
        Reach::Departments(d) => {
            let mut marks = Vec::with_capacity(d.len());
            for code in d {
                binds.push(code);
                marks.push(format!("${}", binds.len() + 1));
            }
            sql.push_str(&format!(" AND department_code IN ({})", marks.join(", ")));
        }
        Reach::Account(_) => return Ok(None),
        Reach::Nothing => return Ok(Some(Vec::new())),
    }
    sql.push_str(" GROUP BY ");
    sql.push_str(group_by);
    macro_rules! load {
        ($c:expr, $backend:ty) => {{
            let mut q = diesel::sql_query(sql)
                .into_boxed::<$backend>()
                .bind::<Integer, _>(year);
            for b in binds {
                q = q.bind::<Text, _>(b);
            }
            q.load::<R>($c)?
        }};
    }
    Ok(Some(match conn {
        DbConnection::Pg(c) => load!(c, diesel::pg::Pg),
        DbConnection::Sqlite(c) => load!(c, diesel::sqlite::Sqlite),
    }))
}

/// Table 三 of `year` from the tallies, for `agency` (or all) within `scope`; `None` when the
/// scope is an applicant's account (the tallies are kept by department), which the caller
/// answers from the events.
pub(crate) fn table3(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
    counting: Counting,
) -> StoreResult<Option<Table3>> {
    let Some(rows) = scoped_sums::<Summed>(
        conn,
        "SELECT year, applicant_column, reopened, outcome, CAST(SUM(n) AS BIGINT) AS n \
         FROM report_tallies WHERE year <= $1",
        year,
        agency,
        scope,
        "year, applicant_column, reopened, outcome",
    )?
    else {
        return Ok(None);
    };
    let mut parsed = Vec::with_capacity(rows.len());
    for Summed {
        year,
        applicant_column: column,
        reopened,
        outcome,
        n,
    } in rows
    {
        let ended = if outcome.is_empty() {
            None
        } else {
            Some(Outcome::parse(&outcome).ok_or_else(|| {
                StoreError::Corrupt(format!("report tally with unknown outcome {outcome:?}"))
            })?)
        };
        let tally = Tally {
            year,
            column: usize::try_from(column).unwrap_or(5),
            reopened,
            ended,
        };
        parsed.push((tally, u64::try_from(n.unwrap_or(0)).unwrap_or(0)));
    }
    Ok(Some(Table3::from_tallies(year, counting, parsed)))
}

#[derive(QueryableByName)]
struct Summed {
    #[diesel(sql_type = Integer)]
    year: i32,
    #[diesel(sql_type = Integer)]
    applicant_column: i32,
    #[diesel(sql_type = Bool)]
    reopened: bool,
    #[diesel(sql_type = Text)]
    outcome: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    n: Option<i64>,
}

/// How a [`rebuild`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    /// Cases counted.
    pub cases: u64,
    /// Rows written.
    pub rows: u64,
    /// Rows whose stored count differed from the events' (rows kept or written by an older
    /// gongkai, or altered outside it; 0 on a healthy database).
    pub differed: u64,
}

/// Counts both tallies again, the report's from every case's events and the statistics' from
/// every projection row, and replaces the stored ones, in one write transaction (on PostgreSQL
/// both tables are locked against writers meanwhile: a command waits and adds its change
/// after); clears [`PENDING`]. `progress` gets (done, total).
pub fn rebuild(
    conn: &mut DbConnection,
    mut progress: impl FnMut(u64, u64),
) -> StoreResult<Rebuilt> {
    crate::db::write_transaction(conn, |conn| {
        if matches!(conn, DbConnection::Pg(_)) {
            diesel::sql_query("LOCK TABLE report_tallies, stats_tallies IN EXCLUSIVE MODE")
                .execute(conn)?;
        }
        let ids: Vec<String> = crate::schema::cases::table
            .select(crate::schema::cases::id)
            .order(crate::schema::cases::id)
            .load(conn)?;
        let total = ids.len() as u64;
        let mut counted = TallyChange::new();
        let mut counted_stats = StatsChange::new();
        for (i, chunk) in ids.chunks(500).enumerate() {
            let rows: Vec<(String, StatsRow)> = cases::table
                .filter(cases::id.eq_any(chunk))
                .select((cases::id, STATS_COLUMNS))
                .load(conn)?;
            for (id, row) in &rows {
                add_stats(&mut counted_stats, id, row, 1);
            }
            let rows: Vec<crate::events::EventRow> = case_events::table
                .filter(case_events::case_id.eq_any(chunk))
                .order((case_events::case_id, case_events::seq))
                .select(crate::events::EventRow::as_select())
                .load(conn)?;
            let mut start = 0;
            while start < rows.len() {
                let id = &rows[start].case_id;
                let end = rows[start..]
                    .iter()
                    .position(|r| &r.case_id != id)
                    .map_or(rows.len(), |p| start + p);
                let events = rows[start..end]
                    .iter()
                    .map(crate::events::EventRow::event)
                    .collect::<StoreResult<Vec<Event>>>()?;
                let case = Case::from_events(&events);
                add_case(&mut counted, &case, &events, 1);
                start = end;
            }
            progress(((i + 1) * 500).min(ids.len()) as u64, total);
        }
        counted.retain(|_, n| *n != 0);
        counted_stats.retain(|_, n| *n != 0);
        let differed =
            differing(&counted, &stored(conn)?) + differing(&counted_stats, &stored_stats(conn)?);
        diesel::delete(report_tallies::table).execute(conn)?;
        diesel::delete(stats_tallies::table).execute(conn)?;
        write_both(conn, &counted, &counted_stats)?;
        diesel::delete(settings::table.filter(settings::key.eq(PENDING))).execute(conn)?;
        Ok(Rebuilt {
            cases: total,
            rows: (counted.len() + counted_stats.len()) as u64,
            differed,
        })
    })
}

/// How many rows of `stored` (zeros aside) differ from `counted` or are missing from it, and
/// rows of `counted` missing from `stored`.
fn differing<K: Ord>(counted: &BTreeMap<K, i64>, stored: &BTreeMap<K, i64>) -> u64 {
    let changed = counted
        .iter()
        .filter(|(k, n)| stored.get(*k) != Some(*n))
        .count();
    let gone = stored
        .iter()
        .filter(|(k, n)| **n != 0 && !counted.contains_key(*k))
        .count();
    (changed + gone) as u64
}

/// Every stored row of the statistics' tallies.
fn stored_stats(conn: &mut DbConnection) -> StoreResult<StatsChange> {
    type Row = (String, String, i32, i32, String, String, i32, i32, i64);
    let rows: Vec<Row> = stats_tallies::table
        .select((
            stats_tallies::agency_code,
            stats_tallies::department_code,
            stats_tallies::year,
            stats_tallies::month,
            stats_tallies::measure,
            stats_tallies::reply,
            stats_tallies::reply_days,
            stats_tallies::stripe,
            stats_tallies::n,
        ))
        .load(conn)?;
    let mut out = StatsChange::new();
    for (agency, department, year, month, measure, reply, reply_days, stripe, n) in rows {
        // A token this gongkai does not write never equals a counted key.
        let measure = match measure.as_str() {
            "received" => "received",
            other => OutcomeKind::parse(other).map_or("?", OutcomeKind::as_str),
        };
        let reply = match reply.as_str() {
            "" => "",
            "on_time" => "on_time",
            "late" => "late",
            _ => "?",
        };
        *out.entry(StatsKey {
            agency,
            department,
            year,
            month,
            measure,
            reply,
            reply_days,
            stripe,
        })
        .or_default() += n;
    }
    Ok(out)
}

/// Every stored row.
fn stored(conn: &mut DbConnection) -> StoreResult<TallyChange> {
    let rows: Vec<(String, String, i32, i32, bool, String, i64)> = report_tallies::table
        .select((
            report_tallies::agency_code,
            report_tallies::department_code,
            report_tallies::year,
            report_tallies::applicant_column,
            report_tallies::reopened,
            report_tallies::outcome,
            report_tallies::n,
        ))
        .load(conn)?;
    let mut out = TallyChange::new();
    for (agency, department, year, column, reopened, outcome, n) in rows {
        let outcome = if outcome.is_empty() {
            ""
        } else {
            Outcome::parse(&outcome).map_or("?", Outcome::as_str)
        };
        out.insert(
            TallyKey {
                agency,
                department,
                year,
                column,
                reopened,
                outcome,
            },
            n,
        );
    }
    Ok(out)
}

/// Rows a `received` count of the statistics is split over.
pub(crate) const STRIPES: u32 = 8;

/// One `stats_tallies` row's key: for an agency, department, year and month, requests recorded
/// (measure `received`, by the month of the case's creation in Beijing time) or concluded
/// (measure: the outcome's group, `other` when it has none), by whether and when they were
/// replied to and the working days the reply took — what `stats::aggregate` reads from the
/// projection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct StatsKey {
    pub agency: String,
    pub department: String,
    pub year: i32,
    pub month: i32,
    /// `received`, or the concluded case's outcome group (`OutcomeKind::as_str`).
    pub measure: &'static str,
    /// `''` (no reply), `on_time` or `late`.
    pub reply: &'static str,
    /// The reply's working days; -1 when none.
    pub reply_days: i32,
    pub stripe: i32,
}

/// What a write adds to the statistics' tallies, by key (in key order; no zero).
pub(crate) type StatsChange = BTreeMap<StatsKey, i64>;

/// The projection columns the statistics read.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub(crate) struct StatsRow {
    pub agency_code: String,
    pub department_code: String,
    pub created_at: NaiveDateTime,
    pub concluded_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub reply_due_on: Option<NaiveDate>,
    pub reply_days: Option<i32>,
    pub outcome: Option<String>,
}

type StatsColumns = (
    cases::agency_code,
    cases::department_code,
    cases::created_at,
    cases::concluded_on,
    cases::replied_on,
    cases::reply_due_on,
    cases::reply_days,
    cases::outcome,
);

const STATS_COLUMNS: StatsColumns = (
    cases::agency_code,
    cases::department_code,
    cases::created_at,
    cases::concluded_on,
    cases::replied_on,
    cases::reply_due_on,
    cases::reply_days,
    cases::outcome,
);

impl StatsRow {
    /// The columns of `row`, with the creation instant `created_at` (an update's planned row
    /// does not carry it).
    pub(crate) fn of(row: &CaseRow, created_at: NaiveDateTime) -> StatsRow {
        StatsRow {
            agency_code: row.agency_code.clone(),
            department_code: row.department_code.clone(),
            created_at,
            concluded_on: row.concluded_on,
            replied_on: row.replied_on,
            reply_due_on: row.reply_due_on,
            reply_days: row.reply_days,
            outcome: row.outcome.clone(),
        }
    }
}

/// The stripe of a case's `received` row: from the last characters of its id (random in a
/// UUIDv7).
fn stripe_of(case_id: &str) -> i32 {
    let last = case_id
        .bytes()
        .rev()
        .take(4)
        .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    i32::try_from(last % STRIPES).unwrap_or(0)
}

/// Adds `sign` times what the case of `row` counts for in the statistics to `into`.
fn add_stats(into: &mut StatsChange, case_id: &str, row: &StatsRow, sign: i64) {
    let received = legal_date_of(row.created_at);
    let key = |on: NaiveDate, measure, reply, reply_days, stripe| StatsKey {
        agency: row.agency_code.clone(),
        department: row.department_code.clone(),
        year: on.year(),
        month: i32::try_from(on.month()).unwrap_or(0),
        measure,
        reply,
        reply_days,
        stripe,
    };
    *into
        .entry(key(received, "received", "", -1, stripe_of(case_id)))
        .or_default() += sign;
    if let Some(on) = row.concluded_on {
        let group = row
            .outcome
            .as_deref()
            .and_then(OutcomeKind::parse)
            .unwrap_or(OutcomeKind::Other);
        let (reply, days) = match row.replied_on {
            None => ("", -1),
            Some(replied) => (
                match row.reply_due_on {
                    Some(due) if replied > due => "late",
                    _ => "on_time",
                },
                row.reply_days.unwrap_or(-1),
            ),
        };
        *into
            .entry(key(on, group.as_str(), reply, days, 0))
            .or_default() += sign;
    }
}

/// What the case `case_id` counts for, as its projection `row` stands.
pub(crate) fn stats_of(case_id: &str, row: &StatsRow) -> StatsChange {
    let mut out = StatsChange::new();
    add_stats(&mut out, case_id, row, 1);
    out
}

/// The statistics' columns of case `case_id` as stored (before a command changes them).
pub(crate) fn stored_stats_row(
    conn: &mut DbConnection,
    case_id: &str,
) -> StoreResult<Option<StatsRow>> {
    Ok(cases::table
        .find(case_id)
        .select(STATS_COLUMNS)
        .first::<StatsRow>(conn)
        .optional()?)
}

/// Adds `change` to the stored statistics' tallies, one upsert per row in key order.
pub(crate) fn write_stats(conn: &mut DbConnection, change: &StatsChange) -> StoreResult<()> {
    for (k, n) in change {
        Reused(
            diesel::sql_query(
                "INSERT INTO stats_tallies (agency_code, department_code, year, month, measure, \
                 reply, reply_days, stripe, n) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (agency_code, department_code, year, month, measure, reply, \
                 reply_days, stripe) DO UPDATE SET n = stats_tallies.n + excluded.n RETURNING n",
            )
            .bind::<Text, _>(&k.agency)
            .bind::<Text, _>(&k.department)
            .bind::<Integer, _>(k.year)
            .bind::<Integer, _>(k.month)
            .bind::<Text, _>(k.measure)
            .bind::<Text, _>(k.reply)
            .bind::<Integer, _>(k.reply_days)
            .bind::<Integer, _>(k.stripe)
            .bind::<BigInt, _>(n),
        )
        .get_result::<Upserted>(conn)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct StatsSummed {
    #[diesel(sql_type = Text)]
    department_code: String,
    #[diesel(sql_type = Integer)]
    month: i32,
    #[diesel(sql_type = Text)]
    measure: String,
    #[diesel(sql_type = Text)]
    reply: String,
    #[diesel(sql_type = Integer)]
    reply_days: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    n: Option<i64>,
}

/// The monthly figures of `year` from the tallies, for `agency` (or all) within `scope`, as
/// `stats::monthly` defines them; `None` for an applicant's scope (the tallies are kept by
/// department), which the caller answers from the projection.
pub(crate) fn monthly(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
) -> StoreResult<Option<Vec<MonthFigures>>> {
    let Some(rows) = scoped_sums::<StatsSummed>(
        conn,
        "SELECT department_code, month, measure, reply, reply_days, \
         CAST(SUM(n) AS BIGINT) AS n FROM stats_tallies WHERE year = $1",
        year,
        agency,
        scope,
        "department_code, month, measure, reply, reply_days",
    )?
    else {
        return Ok(None);
    };
    let mut counts = Vec::with_capacity(rows.len());
    for r in rows {
        let n = u64::try_from(r.n.unwrap_or(0)).unwrap_or(0);
        let month = u32::try_from(r.month).unwrap_or(0);
        let measure = if r.measure == "received" {
            None
        } else {
            Some(OutcomeKind::parse(&r.measure).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "statistics tally with unknown measure {:?}",
                    r.measure
                ))
            })?)
        };
        let reply = match r.reply.as_str() {
            "" => None,
            "on_time" => Some(false),
            "late" => Some(true),
            other => {
                return Err(StoreError::Corrupt(format!(
                    "statistics tally with unknown reply {other:?}"
                )));
            }
        };
        counts.push(crate::stats::Counted {
            department: r.department_code,
            month,
            concluded: measure,
            late: reply,
            reply_days: (r.reply_days >= 0).then_some(i64::from(r.reply_days)),
            n,
        });
    }
    Ok(Some(crate::stats::aggregate_counted(counts)))
}
