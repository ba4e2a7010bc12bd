//! The one door for changes: load, decide, then write the projection, the events, the outbox
//! rows and the search text, all or nothing, guarded by the version the caller saw. Nothing
//! else appends to `case_events` or changes a case's state (recompute only re-derives the
//! projection's dates and warning level from the events).

use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use gongkai_workflow::clock::legal_date;
use gongkai_workflow::model::Receive;
use gongkai_workflow::{Case, Command, Context, Event, decide};
use rand::Rng;

use crate::db::{DbConnection, Reused, write_transaction};
use crate::error::{StoreError, StoreResult};
use crate::events::{self, EventRow, to_micros};
use crate::planned::Planned;
pub use crate::projection::{CaseRow, NO_DUE_DATE, hash_query_code};
use crate::schema::{agencies, cases, departments, tracking_counters};

/// What a successful command produced.
#[derive(Debug, Clone)]
pub struct Executed {
    pub case_id: String,
    /// The case after the command.
    pub case: Case,
    pub events: Vec<Event>,
    /// The case's version after the command (= the last event's seq).
    pub version: u64,
    /// The query code of a newly received case: shown once, stored only as a hash.
    pub query_code: Option<String>,
    /// The short reference of a newly received online filing (see [`new_filing_reference`]).
    pub filing_reference: Option<String>,
}

/// 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 60 bits.
fn new_query_code() -> String {
    random_code(12)
}

/// The alphabet of query codes and filing references: digits and capitals without the
/// look-alikes 0/O and 1/I/L (31 characters).
pub const CODE_ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The length of a filing reference.
pub const FILING_REFERENCE_LEN: usize = 10;

/// A filing reference: 10 characters of [`CODE_ALPHABET`] from the thread-local CSPRNG (31^10,
/// about 49 bits), short enough to read out over the phone. Not a credential: the query code
/// is; the unique index `cases_filing_reference` keeps it unique.
pub fn new_filing_reference() -> String {
    random_code(FILING_REFERENCE_LEN)
}

/// `text` as a filing reference (spaces and hyphens dropped, upper case), if it is one.
pub fn parse_filing_reference(text: &str) -> Option<String> {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (clean.chars().count() == FILING_REFERENCE_LEN
        && clean.chars().all(|c| CODE_ALPHABET.contains(c)))
    .then_some(clean)
}

fn random_code(len: usize) -> String {
    let alphabet = CODE_ALPHABET.as_bytes();
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// Refuses a department that is not one of `agency`'s.
fn check_department(conn: &mut DbConnection, agency: &str, department: &str) -> StoreResult<()> {
    let belongs = departments::table
        .filter(departments::code.eq(department))
        .filter(departments::agency_code.eq(agency))
        .count()
        .get_result::<i64>(conn)?;
    if belongs == 0 {
        return Err(no_such_department(agency, department));
    }
    Ok(())
}

/// The refusal of a department that is not one of `agency`'s (a new case, a registration).
pub(crate) fn no_such_department(agency: &str, department: &str) -> StoreError {
    StoreError::NotFound(format!(
        "department \"{department}\" of agency \"{agency}\""
    ))
}

/// The refusal of an assignment to a department of another agency.
pub(crate) fn not_agency_department(agency: &str, department: &str) -> StoreError {
    StoreError::invalid(
        "department",
        format!("“{department}”不是行政机关“{agency}”的部门"),
    )
}

/// The refusal of an assignee who is not an enabled clerk or supervisor of `department`.
pub(crate) fn not_assignee(user_id: &str, department: &str) -> StoreError {
    StoreError::invalid(
        "assignee",
        format!("“{user_id}”不是部门“{department}”的承办人或审核人"),
    )
}

/// The refusal of a tracking number chosen by the caller: numbers come from the agency's
/// counter only (a chosen one could collide with one the counter hands out later).
pub(crate) fn chosen_tracking_number() -> StoreError {
    StoreError::invalid("tracking_number", "受理编号由系统在登记时生成，请留空")
}

/// A tracking number as the agency's counter gives it, e.g. `GK-2026-000123`.
pub(crate) fn format_tracking_number(prefix: &str, year: i32, value: i64) -> String {
    format!("{prefix}-{year}-{value:06}")
}

/// A new case as `receive` writes it: a fresh id and query code, the `Receive` command decided
/// on the empty case, the projection as it stands after the events. Returns the plan and the
/// query code (shown once, stored only as a hash).
pub(crate) fn plan_receive(
    receive: Receive,
    filing_reference: Option<String>,
    ctx: &Context,
) -> StoreResult<(Planned, String)> {
    let case_id = uuid::Uuid::now_v7().to_string();
    let code = new_query_code();
    let now = to_micros(ctx.now.naive_utc());
    let row = CaseRow {
        id: case_id.clone(),
        query_code_hash: hash_query_code(&case_id, &code),
        agency_code: receive.agency.clone(),
        created_at: now,
        filing_reference,
        ..CaseRow::blank()
    };
    // A new case has no history to load and no version to claim: decide on the empty case,
    // insert the projection as it stands after the events, then the events.
    let mut ctx = ctx.clone();
    ctx.now = chrono::DateTime::from_naive_utc_and_offset(now, Utc);
    let before = Case::default();
    let new_events = decide(&before, Command::Receive(receive), &ctx)?;
    let planned = Planned::new(row, None, None, before, new_events, events::GENESIS, &ctx)?;
    Ok((planned, code))
}

/// `command` decided on case `case_id` as it stands (`before`, at `version`, its last event's
/// hash `prev`): the rows its write consists of. `ctx.now` is taken to the microsecond, as
/// stored.
pub(crate) fn plan_command(
    case_id: &str,
    version: u64,
    before: Case,
    prev: &str,
    command: Command,
    ctx: &Context,
) -> StoreResult<Planned> {
    let mut ctx = ctx.clone();
    ctx.now = chrono::DateTime::from_naive_utc_and_offset(to_micros(ctx.now.naive_utc()), Utc);
    let before_text = crate::search::SearchText::of(&before);
    let new_events = decide(&before, command, &ctx)?;
    let row = CaseRow {
        id: case_id.to_owned(),
        agency_code: before.agency.clone(),
        created_at: ctx.now.naive_utc(),
        ..CaseRow::blank()
    };
    Planned::new(
        row,
        Some(version),
        Some(&before_text),
        before,
        new_events,
        prev,
        &ctx,
    )
}

/// Takes in a new request: creates the case with a fresh id and query code, and executes the
/// `Receive` command. On PostgreSQL the case, its first event, its search text and its outbox
/// rows are one statement (atomic without a transaction around it); SQLite writes them in a
/// write transaction.
pub fn receive(conn: &mut DbConnection, receive: Receive, ctx: &Context) -> StoreResult<Executed> {
    if matches!(conn, DbConnection::Pg(_)) && !crate::db::in_transaction(conn) {
        return receive_within(conn, receive, ctx);
    }
    write_transaction(conn, |conn| receive_within(conn, receive, ctx))
}

/// [`receive`] inside a write transaction the caller holds.
pub fn receive_within(
    conn: &mut DbConnection,
    receive: Receive,
    ctx: &Context,
) -> StoreResult<Executed> {
    let filing_reference = if receive.channel == gongkai_workflow::Channel::Online {
        Some(unused_filing_reference(conn)?)
    } else {
        None
    };
    let (mut planned, code) = plan_receive(receive, filing_reference, ctx)?;
    planned.tallies = crate::tallies::of_case(&planned.case, &planned.events);
    let row = crate::tallies::StatsRow::of(&planned.row, planned.row.created_at);
    planned.stats = crate::tallies::stats_of(&planned.row.id, &row);
    // The department must be one of the agency's: PostgreSQL checks it in the statement that
    // inserts the case, SQLite before.
    let (agency, department) = (&planned.row.agency_code, &planned.row.department_code);
    let written = match conn {
        DbConnection::Pg(pg) => crate::pg_write::write(pg, &planned)?,
        DbConnection::Sqlite(_) => {
            check_department(conn, agency, department)?;
            write_generic(conn, &planned)?
        }
    };
    crate::db::case_written(conn);
    if !written {
        return Err(no_such_department(agency, department));
    }
    Ok(executed(planned, Some(code)))
}

/// A filing reference no case has yet. A clash is about one in 10^14 per filing; the unique
/// index refuses what a concurrent filing could still take between this read and the insert.
fn unused_filing_reference(conn: &mut DbConnection) -> StoreResult<String> {
    loop {
        let candidate = new_filing_reference();
        let taken = cases::table
            .filter(cases::filing_reference.eq(&candidate))
            .count()
            .get_result::<i64>(conn)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
}

/// Writes a planned command with diesel's statements, one per row: SQLite's way, in-process
/// with no round trips to save (PostgreSQL writes it in one statement, `pg_write`). Returns
/// false when the projection was no longer at the expected version.
fn write_generic(conn: &mut DbConnection, p: &Planned) -> StoreResult<bool> {
    match p.expected {
        None => {
            diesel::insert_into(cases::table)
                .values(p.row.clone())
                .execute(conn)?;
        }
        Some(version) => {
            let expected = i64::try_from(version).unwrap_or(i64::MAX);
            let claimed: Option<i64> = Reused(
                diesel::update(cases::table)
                    .filter(cases::id.eq(&p.row.id))
                    .filter(cases::version.eq(expected))
                    .set(p.row.clone())
                    .returning(cases::version),
            )
            .get_result(conn)
            .optional()?;
            if claimed.is_none() {
                return Ok(false);
            }
        }
    }
    events::insert(conn, p.expected.unwrap_or(0), &p.stored)?;
    for row in &p.outbox {
        crate::outbox::insert_pending(conn, row)?;
    }
    if let Some(text) = &p.text {
        crate::search::write_text(conn, &p.row.id, p.expected.is_some(), text)?;
    }
    if let Some(bands) = &p.bands {
        crate::similar::write_bands(conn, &p.row.id, bands, true)?;
    }
    crate::tallies::write(conn, &p.tallies)?;
    crate::tallies::write_stats(conn, &p.stats)?;
    Ok(true)
}

/// Registers a received case, taking the next tracking number of its agency and year in the
/// same transaction: numbers are gap-free because a rejected or failed registration rolls the
/// counter back with everything else.
pub fn register(
    conn: &mut DbConnection,
    case_id: &str,
    expected_version: u64,
    department: Option<String>,
    receipt_date: Option<NaiveDate>,
    ctx: &Context,
) -> StoreResult<Executed> {
    write_transaction(conn, |conn| {
        register_within(
            conn,
            case_id,
            expected_version,
            department,
            receipt_date,
            ctx,
        )
    })
}

/// [`register`] inside a write transaction the caller holds.
pub fn register_within(
    conn: &mut DbConnection,
    case_id: &str,
    expected_version: u64,
    department: Option<String>,
    receipt_date: Option<NaiveDate>,
    ctx: &Context,
) -> StoreResult<Executed> {
    let year = legal_date(ctx.now).year();
    // Lock the case before the counter, as every writer of a case does: a registration must
    // not hold its agency's counter while it waits for a case another transaction holds (every
    // other registration of the agency would wait with it), nor take the two locks in the
    // order opposite to a caller that holds a case and registers another.
    let locked: Option<i64> = Reused(
        diesel::update(cases::table)
            .filter(cases::id.eq(case_id))
            .filter(cases::version.eq(i64::try_from(expected_version).unwrap_or(i64::MAX)))
            .set(cases::version.eq(cases::version))
            .returning(cases::version),
    )
    .get_result(conn)
    .optional()?;
    if locked.is_none() {
        return Err(stale(conn, case_id, expected_version)?);
    }
    let mut taken: Option<(String, i64)> = None;
    let result = execute_in(conn, case_id, expected_version, ctx, |conn, case| {
        if let Some(d) = &department {
            check_department(conn, &case.agency, d)?;
        }
        let (tracking_number, value) = next_tracking_number(conn, &case.agency, year)?;
        taken = Some((case.agency.clone(), value));
        Ok(Command::Register {
            tracking_number,
            department,
            receipt_date,
        })
    });
    if let (Err(_), Some((agency, value))) = (&result, taken) {
        // Give the number back, so that a caller who commits its own transaction after a
        // refused registration leaves no gap (we still hold the counter's lock). If even that
        // fails, the transaction is lost anyway: the refusal is what the caller needs to see.
        let given_back = diesel::update(tracking_counters::table)
            .filter(tracking_counters::agency_code.eq(&agency))
            .filter(tracking_counters::year.eq(year))
            .filter(tracking_counters::last_value.eq(value))
            .set(tracking_counters::last_value.eq(value - 1))
            .execute(conn);
        if let Err(e) = given_back {
            tracing::error!(%e, "could not give back tracking number {value}");
        }
    }
    result
}

#[derive(QueryableByName)]
struct CounterValue {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last_value: i64,
}

/// Advances the agency's counter for `year` and formats the number, e.g. `GK-2026-000123`.
fn next_tracking_number(
    conn: &mut DbConnection,
    agency: &str,
    year: i32,
) -> StoreResult<(String, i64)> {
    let prefix: String = agencies::table
        .find(agency)
        .select(agencies::tracking_prefix)
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("agency \"{agency}\"")))?;
    // The year's counter starts at 1, or advances under its row lock: one statement on both
    // backends (racing creators of a new year's counter do not fail).
    let value = Reused(
        diesel::sql_query(
            "INSERT INTO tracking_counters (agency_code, year, last_value) VALUES ($1, $2, 1) \
         ON CONFLICT (agency_code, year) \
         DO UPDATE SET last_value = tracking_counters.last_value + 1 \
         RETURNING last_value",
        )
        .bind::<diesel::sql_types::Text, _>(agency)
        .bind::<diesel::sql_types::Integer, _>(year),
    )
    .get_result::<CounterValue>(conn)?
    .last_value;
    Ok((format_tracking_number(&prefix, year, value), value))
}

/// Executes `command` on case `case_id` seen at `expected_version`: in its own write
/// transaction, or on PostgreSQL, for every command but a registration (which takes a number
/// from the agency's counter), as a read of the events and one guarded statement that writes
/// everything (see [`execute_in`]).
pub fn execute(
    conn: &mut DbConnection,
    case_id: &str,
    expected_version: u64,
    command: Command,
    ctx: &Context,
) -> StoreResult<Executed> {
    // The reading room's rows are written beside the events: those commands need the
    // transaction on PostgreSQL too.
    if matches!(conn, DbConnection::Pg(_))
        && !matches!(
            command,
            Command::Register { .. }
                | Command::PublishRelease { .. }
                | Command::WithdrawPublication { .. }
        )
        && !crate::db::in_transaction(conn)
    {
        return execute_within(conn, case_id, expected_version, command, ctx);
    }
    write_transaction(conn, |conn| {
        execute_within(conn, case_id, expected_version, command, ctx)
    })
}

/// `execute` inside a write transaction the caller already holds (see
/// [`write_transaction`]), so that bulk work (the demo data generator, imports) can commit many
/// commands at once. Same door, same checks: a failure leaves the caller's transaction to roll
/// back.
pub fn execute_within(
    conn: &mut DbConnection,
    case_id: &str,
    expected_version: u64,
    command: Command,
    ctx: &Context,
) -> StoreResult<Executed> {
    match command {
        Command::Receive(_) => Err(StoreError::Config(
            "a new request is taken in with store::receive, which creates the case".to_owned(),
        )),
        // Tracking numbers come from the agency's counter only: a number chosen by the caller
        // could collide with one the counter hands out later.
        Command::Register {
            tracking_number, ..
        } if !tracking_number.is_empty() => Err(chosen_tracking_number()),
        // A registration takes the next number of its agency and year.
        Command::Register {
            department,
            receipt_date,
            ..
        } => register_within(
            conn,
            case_id,
            expected_version,
            department,
            receipt_date,
            ctx,
        ),
        // An assignment stays within the case's agency, to a staff member of the department.
        Command::Assign {
            department,
            assignee,
        } => execute_in(conn, case_id, expected_version, ctx, |conn, case| {
            if let Some(d) = &department {
                check_department(conn, &case.agency, d)
                    .map_err(|_| not_agency_department(&case.agency, d))?;
            }
            if let Some(a) = &assignee {
                let target = department.as_deref().unwrap_or(&case.department);
                check_assignee(conn, a, target)?;
            }
            Ok(Command::Assign {
                department,
                assignee,
            })
        }),
        command => execute_in(conn, case_id, expected_version, ctx, |_, _| Ok(command)),
    }
}

/// Refuses an assignee who is not an enabled clerk or supervisor of `department`.
fn check_assignee(conn: &mut DbConnection, user_id: &str, department: &str) -> StoreResult<()> {
    use crate::schema::{user_departments, users};
    let found = users::table
        .inner_join(user_departments::table)
        .filter(users::id.eq(user_id))
        .filter(users::disabled.eq(false))
        .filter(users::role.eq_any(["clerk", "supervisor"]))
        .filter(user_departments::department_code.eq(department))
        .count()
        .get_result::<i64>(conn)?;
    if found == 0 {
        return Err(not_assignee(user_id, department));
    }
    Ok(())
}

/// The body of `execute`: `prepare` makes the command from the case as its events tell it
/// (checks that need the case's agency or department, the tracking number).
///
/// Optimistic: the events are read without a lock, and everything is written only where the
/// projection's version is still the one the caller saw — the projection is updated first
/// (the claim), then the events, outbox rows and search text. On PostgreSQL a concurrent writer
/// holds the row until it commits, after which the condition is false for the other, and the
/// writes are one statement (`pg_write`), so no transaction is needed around them; on SQLite
/// the caller's write transaction is exclusive.
pub(crate) fn execute_in(
    conn: &mut DbConnection,
    case_id: &str,
    expected_version: u64,
    ctx: &Context,
    prepare: impl FnOnce(&mut DbConnection, &Case) -> StoreResult<Command>,
) -> StoreResult<Executed> {
    let rows = events::load_rows(conn, case_id)?;
    let Some(last) = rows.last() else {
        // Every case is created with its first event in the same transaction.
        return Err(StoreError::NotFound(format!("case {case_id}")));
    };
    if rows.len() as u64 != expected_version {
        return Err(match stale(conn, case_id, expected_version)? {
            // The projection is where the caller saw it, but the events are not.
            StoreError::Conflict { actual, .. } if actual == expected_version => {
                StoreError::Corrupt(format!(
                    "case {case_id}: projection at version {actual} but {} events stored",
                    rows.len()
                ))
            }
            _ => StoreError::Conflict {
                expected: expected_version,
                actual: rows.len() as u64,
            },
        });
    }
    let prev = last.hash.clone();
    // The statistics' columns as stored: what the command's change to their tallies is
    // measured from (the claim below fails if the row moves meanwhile).
    let stored = crate::tallies::stored_stats_row(conn, case_id)?;
    let history = rows
        .iter()
        .map(EventRow::event)
        .collect::<StoreResult<Vec<Event>>>()?;
    let before = Case::from_events(&history);
    let command = prepare(conn, &before)?;
    let tallied = crate::tallies::of_case(&before, &history);
    let mut planned = plan_command(case_id, expected_version, before, &prev, command, ctx)?;
    let mut all = history;
    all.extend(planned.events.iter().cloned());
    planned.tallies =
        crate::tallies::difference(tallied, crate::tallies::of_case(&planned.case, &all));
    if let Some(stored) = stored {
        let after = crate::tallies::StatsRow::of(&planned.row, stored.created_at);
        planned.stats = crate::tallies::difference(
            crate::tallies::stats_of(case_id, &stored),
            crate::tallies::stats_of(case_id, &after),
        );
    }
    let written = match conn {
        DbConnection::Pg(pg) => crate::pg_write::write(pg, &planned)?,
        DbConnection::Sqlite(_) => write_generic(conn, &planned)?,
    };
    crate::db::case_written(conn);
    if !written {
        // Another writer got there first.
        return Err(match stale(conn, case_id, expected_version)? {
            // Versions only grow: a projection behind the events it was read with is damaged.
            StoreError::Conflict { actual, .. } if actual < expected_version => {
                StoreError::Corrupt(format!(
                    "case {case_id}: projection at version {actual} but {expected_version} \
                     events stored"
                ))
            }
            other => other,
        });
    }
    if crate::reading_room::touches(&planned.events) {
        crate::reading_room::apply(conn, case_id, &planned.case, &planned.events)?;
    }
    Ok(executed(planned, None))
}

/// Why a write guarded by `expected_version` matched no row: the case is missing, or at
/// another version (a conflict carrying the version it is at).
fn stale(conn: &mut DbConnection, case_id: &str, expected_version: u64) -> StoreResult<StoreError> {
    let actual: Option<i64> = cases::table
        .find(case_id)
        .select(cases::version)
        .first(conn)
        .optional()?;
    Ok(match actual {
        None => StoreError::NotFound(format!("case {case_id}")),
        Some(actual) => StoreError::Conflict {
            expected: expected_version,
            actual: u64::try_from(actual).unwrap_or(0),
        },
    })
}

/// What a written command hands back to its caller.
fn executed(planned: Planned, query_code: Option<String>) -> Executed {
    Executed {
        case_id: planned.row.id,
        version: planned.case.version,
        case: planned.case,
        filing_reference: planned.row.filing_reference,
        events: planned.events,
        query_code,
    }
}
