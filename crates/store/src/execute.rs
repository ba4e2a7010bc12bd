//! The one door for changes: load, decide, append, project and write the outbox, in one
//! transaction. Nothing else writes `case_events` or `cases`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use gongkai_workflow::clock::{legal_date, warning_level};
use gongkai_workflow::model::Receive;
use gongkai_workflow::{
    Calendar, Case, Command, Context, Event, Outcome, Statute, decide, evolve, notices,
};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::db::{DbConnection, write_transaction};
use crate::error::{StoreError, StoreResult};
use crate::events::{self, EventRow, to_micros};
use crate::schema::{agencies, cases, departments, tracking_counters};

/// The sort key of a case without a due date: after every real one.
pub const NO_DUE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

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
}

/// The projection row of a case.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cases, treat_none_as_null = true)]
pub struct CaseRow {
    pub id: String,
    pub tracking_number: Option<String>,
    pub query_code_hash: String,
    pub agency_code: String,
    pub department_code: String,
    pub assignee: Option<String>,
    pub account: Option<String>,
    pub status: String,
    pub sub_state: Option<String>,
    pub applicant_type: Option<String>,
    pub applicant_name: String,
    pub channel: String,
    pub receipt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub due_sort: NaiveDate,
    pub provisional: bool,
    pub warning_level: Option<String>,
    pub outcome: Option<String>,
    pub outcome_ground: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub replied_on: Option<NaiveDate>,
    pub reply_due_on: Option<NaiveDate>,
    pub reply_days: Option<i32>,
    pub concluded_on: Option<NaiveDate>,
    pub applicant_key: Option<String>,
}

fn enum_name<T: serde::Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The outcome's row kind and ground, e.g. ("not_disclosed", "third_party_rights").
pub fn outcome_parts(outcome: Outcome) -> (String, Option<String>) {
    let value = serde_json::to_value(outcome).unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default().to_owned();
    let ground = value["ground"].as_str().map(str::to_owned);
    (kind, ground)
}

/// The projection of `case` at `now`: due date, provisional flag and warning level derived from
/// its events and the calendar.
pub(crate) fn project(
    row: &mut CaseRow,
    case: &Case,
    calendar: &Calendar,
    statute: &Statute,
    now: chrono::DateTime<Utc>,
) {
    let due = case.reply_due(calendar, statute);
    row.tracking_number = case.tracking_number.clone();
    row.department_code = case.department.clone();
    row.assignee = case.assignee.clone();
    row.account = case.account.clone();
    row.status = case.status.as_str().to_owned();
    row.sub_state = case.sub_state().map(|s| s.as_str().to_owned());
    row.applicant_type = case.applicant.kind.as_ref().and_then(enum_name);
    row.applicant_name = case.applicant.name.clone();
    row.channel = case
        .channel
        .as_ref()
        .and_then(enum_name)
        .unwrap_or_default();
    row.receipt_date = case.receipt_date;
    row.due_date = due.as_ref().and_then(|d| d.due);
    row.due_sort = row.due_date.unwrap_or(NO_DUE_DATE);
    row.provisional = due.as_ref().is_some_and(|d| d.provisional);
    // The level from the due date just computed (Case::warning_level would compute it again).
    row.warning_level = row
        .due_date
        .zip(case.profile(statute))
        .map(|(due, profile)| warning_level(calendar, due, profile.due_soon_days, now))
        .map(|w| w.as_str().to_owned());
    let (outcome, ground) = match case.outcome {
        Some(o) => {
            let (k, g) = outcome_parts(o);
            (Some(k), g)
        }
        None => (None, None),
    };
    row.outcome = outcome;
    row.outcome_ground = ground;
    // For the monthly statistics: when the reply was given, whether in time, and how many
    // working days it took from the receipt date (pauses included: the applicant's wait).
    row.replied_on = case.replied_on;
    row.reply_due_on = case
        .replied_on
        .and_then(|_| case.reply_due_any_status(calendar, statute))
        .and_then(|d| d.due);
    row.reply_days = case
        .replied_on
        .zip(case.receipt_date)
        .map(|(r, start)| i32::try_from(calendar.working_days_between(start, r)).unwrap_or(0));
    row.concluded_on = case.concluded_on;
    row.applicant_key = case.applicant.identity_key();
    row.version = i64::try_from(case.version).unwrap_or(i64::MAX);
    row.updated_at = to_micros(now.naive_utc());
}

/// Hash of a query code as stored.
pub fn hash_query_code(case_id: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(case_id.as_bytes());
    h.update([0u8]);
    h.update(code.trim().to_uppercase().as_bytes());
    format!("{:x}", h.finalize())
}

/// 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 60 bits.
fn new_query_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
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
        return Err(StoreError::NotFound(format!(
            "department \"{department}\" of agency \"{agency}\""
        )));
    }
    Ok(())
}

/// Takes in a new request: creates the case with a fresh id and query code, and executes the
/// `Receive` command.
pub fn receive(conn: &mut DbConnection, receive: Receive, ctx: &Context) -> StoreResult<Executed> {
    write_transaction(conn, |conn| receive_within(conn, receive, ctx))
}

/// [`receive`] inside a write transaction the caller holds.
pub fn receive_within(
    conn: &mut DbConnection,
    receive: Receive,
    ctx: &Context,
) -> StoreResult<Executed> {
    let case_id = uuid::Uuid::now_v7().to_string();
    let code = new_query_code();
    let now = to_micros(ctx.now.naive_utc());
    check_department(conn, &receive.agency, &receive.department)?;
    let row = CaseRow {
        id: case_id.clone(),
        tracking_number: None,
        query_code_hash: hash_query_code(&case_id, &code),
        agency_code: receive.agency.clone(),
        department_code: receive.department.clone(),
        assignee: None,
        account: None,
        status: "new".to_owned(),
        sub_state: None,
        applicant_type: None,
        applicant_name: receive.applicant.name.clone(),
        channel: enum_name(&receive.channel).unwrap_or_default(),
        receipt_date: None,
        due_date: None,
        due_sort: NO_DUE_DATE,
        provisional: false,
        warning_level: None,
        outcome: None,
        outcome_ground: None,
        version: 0,
        created_at: now,
        updated_at: now,
        replied_on: None,
        reply_due_on: None,
        reply_days: None,
        concluded_on: None,
        applicant_key: None,
    };
    // A new case has no history to load and no version to claim: decide on the empty case,
    // insert the projection as it stands after the events, then the events (three statements
    // instead of the seven that `execute_in` would need).
    let mut ctx = ctx.clone();
    ctx.now = chrono::DateTime::from_naive_utc_and_offset(now, Utc);
    let before = Case::default();
    let new_events = decide(&before, Command::Receive(receive), &ctx)?;
    let case = new_events.iter().fold(before, evolve);
    let mut row = row;
    project(&mut row, &case, ctx.calendar, ctx.statute, ctx.now);
    diesel::insert_into(cases::table)
        .values(&row)
        .execute(conn)?;
    let rows = events::append(conn, &case_id, 0, events::GENESIS, &new_events)?;
    crate::search::write_text(conn, &case_id, None, &case)?;
    let mut replay = Case::default();
    for (event, stored) in new_events.iter().zip(&rows) {
        replay = evolve(replay, event);
        write_outbox(conn, &case_id, stored, &replay, event, ctx.now)?;
    }
    Ok(Executed {
        case_id,
        version: case.version,
        case,
        events: new_events,
        query_code: Some(code),
    })
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
    let agency: String = cases::table
        .find(case_id)
        .select(cases::agency_code)
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("case {case_id}")))?;
    if let Some(d) = &department {
        check_department(conn, &agency, d)?;
    }
    let year = legal_date(ctx.now).year();
    let (tracking_number, value) = next_tracking_number(conn, &agency, year)?;
    let result = execute_in(
        conn,
        case_id,
        expected_version,
        Command::Register {
            tracking_number,
            department,
            receipt_date,
        },
        ctx,
    );
    if result.is_err() {
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
    // The year's counter is created at 0 if missing (racing creators do not fail: ON CONFLICT
    // DO NOTHING exists on both backends), then advanced under its row lock.
    diesel::sql_query(
        "INSERT INTO tracking_counters (agency_code, year, last_value) VALUES ($1, $2, 0) \
         ON CONFLICT (agency_code, year) DO NOTHING",
    )
    .bind::<diesel::sql_types::Text, _>(agency)
    .bind::<diesel::sql_types::Integer, _>(year)
    .execute(conn)?;
    let value = diesel::update(tracking_counters::table)
        .filter(tracking_counters::agency_code.eq(agency))
        .filter(tracking_counters::year.eq(year))
        .set(tracking_counters::last_value.eq(tracking_counters::last_value + 1))
        .returning(tracking_counters::last_value)
        .get_result::<i64>(conn)?;
    Ok((format!("{prefix}-{year}-{value:06}"), value))
}

/// Executes `command` on case `case_id` seen at `expected_version`, in its own write
/// transaction.
pub fn execute(
    conn: &mut DbConnection,
    case_id: &str,
    expected_version: u64,
    command: Command,
    ctx: &Context,
) -> StoreResult<Executed> {
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
        } if !tracking_number.is_empty() => Err(StoreError::Invalid(
            "tracking_number: assigned by gongkai at registration; leave it empty".to_owned(),
        )),
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
        } => {
            let (agency, current): (String, String) = cases::table
                .find(case_id)
                .select((cases::agency_code, cases::department_code))
                .first(conn)
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("case {case_id}")))?;
            if let Some(d) = &department {
                check_department(conn, &agency, d).map_err(|_| {
                    StoreError::Invalid(format!(
                        "department: \"{d}\" is not a department of agency \"{agency}\""
                    ))
                })?;
            }
            if let Some(a) = &assignee {
                let target = department.as_deref().unwrap_or(&current);
                check_assignee(conn, a, target)?;
            }
            execute_in(
                conn,
                case_id,
                expected_version,
                Command::Assign {
                    department,
                    assignee,
                },
                ctx,
            )
        }
        command => execute_in(conn, case_id, expected_version, command, ctx),
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
        return Err(StoreError::Invalid(format!(
            "assignee: \"{user_id}\" is not a clerk or supervisor of department \"{department}\""
        )));
    }
    Ok(())
}

/// The body of `execute`, inside a transaction the caller holds.
pub(crate) fn execute_in(
    conn: &mut DbConnection,
    case_id: &str,
    expected_version: u64,
    command: Command,
    ctx: &Context,
) -> StoreResult<Executed> {
    let expected = i64::try_from(expected_version).unwrap_or(i64::MAX);
    // Claim the row at the version the caller saw: on PostgreSQL this takes the row lock, and
    // a writer that committed first makes the condition false.
    let claimed: Option<CaseRow> = diesel::update(cases::table)
        .filter(cases::id.eq(case_id))
        .filter(cases::version.eq(expected))
        .set(cases::version.eq(expected))
        .returning(cases::all_columns)
        .get_result(conn)
        .optional()?;
    let Some(mut row) = claimed else {
        let actual: Option<i64> = cases::table
            .find(case_id)
            .select(cases::version)
            .first(conn)
            .optional()?;
        return Err(match actual {
            None => StoreError::NotFound(format!("case {case_id}")),
            Some(actual) => StoreError::Conflict {
                expected: expected_version,
                actual: u64::try_from(actual).unwrap_or(0),
            },
        });
    };
    let rows = events::load_rows(conn, case_id)?;
    let prev = rows
        .last()
        .map_or_else(|| events::GENESIS.to_owned(), |r| r.hash.clone());
    let history = rows
        .iter()
        .map(EventRow::event)
        .collect::<StoreResult<Vec<Event>>>()?;
    if history.len() as u64 != expected_version {
        return Err(StoreError::Corrupt(format!(
            "case {case_id}: projection at version {expected_version} but {} events stored",
            history.len()
        )));
    }
    let mut ctx = ctx.clone();
    ctx.now = chrono::DateTime::from_naive_utc_and_offset(to_micros(ctx.now.naive_utc()), Utc);
    let before = Case::from_events(&history);
    let before_text = crate::search::SearchText::of(&before);
    let new_events = decide(&before, command, &ctx)?;
    let rows = events::append(conn, case_id, expected_version, &prev, &new_events)?;
    let mut case = before;
    for (event, row) in new_events.iter().zip(&rows) {
        case = evolve(case, event);
        write_outbox(conn, case_id, row, &case, event, ctx.now)?;
    }
    project(&mut row, &case, ctx.calendar, ctx.statute, ctx.now);
    diesel::update(cases::table.find(case_id))
        .set(&row)
        .execute(conn)?;
    crate::search::write_text(conn, case_id, Some(&before_text), &case)?;
    Ok(Executed {
        case_id: case_id.to_owned(),
        version: case.version,
        case,
        events: new_events,
        query_code: None,
    })
}

fn write_outbox(
    conn: &mut DbConnection,
    case_id: &str,
    row: &EventRow,
    case: &Case,
    event: &Event,
    now: chrono::DateTime<Utc>,
) -> StoreResult<()> {
    for notice in notices(case, event) {
        let kind =
            serde_json::to_string(&notice.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let recipient = serde_json::to_string(&notice.recipient)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        crate::outbox::insert(
            conn,
            crate::outbox::NewRow {
                case_id,
                event_seq: row.seq,
                dedupe_key: overdue_of(event)
                    .and_then(|due| reminder_key(case_id, notice.kind, &notice.recipient, due)),
                notice_kind: kind,
                recipient,
            },
            now,
        )?;
    }
    Ok(())
}

/// The due date an overdue breach event is about.
fn overdue_of(event: &Event) -> Option<NaiveDate> {
    match &event.kind {
        gongkai_workflow::EventKind::BreachRecorded {
            breach: gongkai_workflow::model::Breach::ReplyOverdue { due },
        } => Some(*due),
        _ => None,
    }
}

/// Staff reminders go out at most once per level, case, due date and recipient, whether an
/// event or the scheduler writes them (a new due date, after an extension or a reopening, gets
/// its own reminders).
pub fn reminder_key(
    case_id: &str,
    kind: gongkai_workflow::NoticeKind,
    recipient: &gongkai_workflow::Recipient,
    due: NaiveDate,
) -> Option<String> {
    use gongkai_workflow::{NoticeKind, Recipient};
    let level = match kind {
        NoticeKind::DueSoon => "due_soon",
        NoticeKind::Overdue => "overdue",
        _ => return None,
    };
    let to = match recipient {
        Recipient::Assignee => "assignee",
        Recipient::Supervisors => "supervisors",
        Recipient::Applicant => "applicant",
        Recipient::Consulted(_) => "consulted",
    };
    Some(format!("{level}:{case_id}:{due}:{to}"))
}
