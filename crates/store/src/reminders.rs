//! Staff reminders (due soon, overdue, a consultation's window ended): their dedupe key, the
//! cases the scheduler looks at, and the writing of one reminder.
//!
//! A reminder goes out at most once per level, case, due date and recipient, whether an event
//! (the recorded breach) or the scheduler writes it: the outbox holds a unique key for it. The
//! key's layout is defined once (`layout`); [`reminder_key`] renders it for one case in Rust
//! and `key_sql` as SQL over the `cases` row, so that the scheduler skips in SQL the cases
//! whose reminders are all written.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use gongkai_workflow::{NoticeKind, Recipient};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::cases;

/// One piece of a reminder key: fixed text, or a value of the case it is about.
#[derive(Debug, Clone, Copy)]
enum Part {
    Text(&'static str),
    CaseId,
    /// The date the reminder is about (the reply due date, or the consultation's due day) as
    /// `YYYY-MM-DD`.
    DueDate,
}

/// `{level}:{case id}:{due date}:{recipient}`, e.g. `overdue:0190…:2025-03-14:supervisors`.
fn layout(level: &'static str, to: &'static str) -> [Part; 7] {
    [
        Part::Text(level),
        Part::Text(":"),
        Part::CaseId,
        Part::Text(":"),
        Part::DueDate,
        Part::Text(":"),
        Part::Text(to),
    ]
}

const DUE_SOON: &str = "due_soon";
const OVERDUE: &str = "overdue";
const CONSULTATION_DUE: &str = "consultation_due";
const DUE_COLUMN: &str = "cases.due_date";
const ASSIGNEE: &str = "assignee";
const SUPERVISORS: &str = "supervisors";

/// The level and recipient as the key spells them; `None` for notices that are not staff
/// reminders.
fn names(kind: NoticeKind, recipient: &Recipient) -> Option<(&'static str, &'static str)> {
    let level = match kind {
        NoticeKind::DueSoon => DUE_SOON,
        NoticeKind::Overdue => OVERDUE,
        NoticeKind::ConsultationDue => CONSULTATION_DUE,
        _ => return None,
    };
    let to = match recipient {
        Recipient::Assignee => ASSIGNEE,
        Recipient::Supervisors => SUPERVISORS,
        Recipient::Applicant => "applicant",
        Recipient::Consulted(_) => "consulted",
    };
    Some((level, to))
}

/// The dedupe key of a staff reminder (a new due date, after an extension or a reopening,
/// gets its own reminders); `None` when `kind` is not a reminder.
pub fn reminder_key(
    case_id: &str,
    kind: NoticeKind,
    recipient: &Recipient,
    due: NaiveDate,
) -> Option<String> {
    let (level, to) = names(kind, recipient)?;
    let due = due.format("%Y-%m-%d").to_string();
    Some(
        layout(level, to)
            .iter()
            .map(|part| match part {
                Part::Text(t) => t,
                Part::CaseId => case_id,
                Part::DueDate => due.as_str(),
            })
            .collect(),
    )
}

/// [`reminder_key`] as an SQL expression over the `cases` row of the query (its id and the
/// date column `date`; a DATE cast to TEXT reads `YYYY-MM-DD` on both backends).
fn key_sql(level: &'static str, to: &'static str, date: &'static str) -> String {
    let parts: Vec<String> = layout(level, to)
        .iter()
        .map(|part| match part {
            Part::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Part::CaseId => "cases.id".to_owned(),
            Part::DueDate => format!("CAST({date} AS TEXT)"),
        })
        .collect();
    parts.join(" || ")
}

/// Whether the outbox holds the reminder (`level`, `to`) about the date column `date` of the
/// `cases` row at hand, as an SQL condition.
fn written(level: &'static str, to: &'static str, date: &'static str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = {})",
        key_sql(level, to, date)
    )
}

/// The open cases with a consultation whose due day ended before `today` (a window of
/// arts. 32/34, or an art. 33 reminder day) and no reminder written about that day yet.
/// `(case id, version)`, earliest first.
pub fn consultation_candidates(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> StoreResult<Vec<(String, i64)>> {
    let reminded = diesel::dsl::sql::<diesel::sql_types::Bool>(&written(
        CONSULTATION_DUE,
        ASSIGNEE,
        "cases.consultation_due",
    ));
    Ok(cases::table
        .filter(cases::status.eq_any(gongkai_workflow::Status::OPEN_NAMES))
        .filter(cases::consultation_due.is_not_null())
        .filter(cases::consultation_due.lt(today))
        .filter(diesel::dsl::not(reminded))
        .order((cases::consultation_due, cases::id))
        .select((cases::id, cases::version))
        .load(conn)?)
}

/// The open cases the scheduler looks at on `today` (Beijing date): due on or before
/// `horizon`, and with a reminder still to write — not yet the supervisors' overdue
/// reminder, and, while not past due, not yet the assignee's due-soon one. A backlog of old
/// overdue cases thus costs an index probe each, not a fold of its events, every pass.
/// `(case id, version)`, soonest due first.
pub fn candidates(
    conn: &mut DbConnection,
    today: NaiveDate,
    horizon: NaiveDate,
) -> StoreResult<Vec<(String, i64)>> {
    let overdue_written =
        diesel::dsl::sql::<diesel::sql_types::Bool>(&written(OVERDUE, SUPERVISORS, DUE_COLUMN));
    let due_soon_written =
        diesel::dsl::sql::<diesel::sql_types::Bool>(&written(DUE_SOON, ASSIGNEE, DUE_COLUMN));
    Ok(cases::table
        .filter(cases::status.eq_any(gongkai_workflow::Status::OPEN_NAMES))
        .filter(cases::due_date.le(horizon))
        .filter(diesel::dsl::not(overdue_written))
        .filter(diesel::dsl::not(
            cases::due_date.ge(today).and(due_soon_written),
        ))
        .order((cases::due_sort, cases::id))
        .select((cases::id, cases::version))
        .load(conn)?)
}

/// Writes the reminder of `kind` to `to` about `due` on the case at `version`, unless one
/// with its key exists; `true` when written, `false` also when `kind` is not a reminder.
pub fn write(
    conn: &mut DbConnection,
    case_id: &str,
    version: i64,
    kind: NoticeKind,
    to: &Recipient,
    due: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let Some(key) = reminder_key(case_id, kind, to, due) else {
        return Ok(false);
    };
    crate::outbox::insert_reminder(
        conn,
        case_id,
        version,
        to_json(&kind)?,
        to_json(to)?,
        key,
        now,
    )
}

/// Notice kinds and recipients as the outbox stores them.
fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_names_level_case_due_date_and_recipient() {
        let due = NaiveDate::from_ymd_opt(2025, 3, 4).unwrap();
        assert_eq!(
            reminder_key("c1", NoticeKind::Overdue, &Recipient::Supervisors, due).as_deref(),
            Some("overdue:c1:2025-03-04:supervisors")
        );
        assert_eq!(
            reminder_key("c1", NoticeKind::DueSoon, &Recipient::Assignee, due).as_deref(),
            Some("due_soon:c1:2025-03-04:assignee")
        );
        assert_eq!(
            reminder_key("c1", NoticeKind::Acknowledgment, &Recipient::Applicant, due),
            None
        );
        assert_eq!(
            reminder_key("c1", NoticeKind::ConsultationDue, &Recipient::Assignee, due).as_deref(),
            Some("consultation_due:c1:2025-03-04:assignee")
        );
        assert_eq!(
            key_sql(DUE_SOON, ASSIGNEE, DUE_COLUMN),
            "'due_soon' || ':' || cases.id || ':' || CAST(cases.due_date AS TEXT) || ':' \
             || 'assignee'"
        );
    }
}
