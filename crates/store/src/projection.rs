//! The projection row of a case (`cases`): what queues, reports and lookups read, derived from
//! the case's events by `project` and written by the one door in the same transaction.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use gongkai_workflow::clock::{WarningLevel, warning_level};
use gongkai_workflow::{Calendar, Case, Status, Statute};
use sha2::{Digest, Sha256};

use crate::events::to_micros;
use crate::schema::cases;
use crate::typed::{OptionalStored, Stored};

/// The sort key of a case without a due date: after every real one.
pub const NO_DUE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// The projection row of a case.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
// `None` is bound as NULL, in an insert (not DEFAULT) as in an update: one SQL text each, so
// the prepared statements are reused.
#[diesel(
    table_name = cases,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct CaseRow {
    pub id: String,
    pub tracking_number: Option<String>,
    // Fixed when the case is received: an update of the projection leaves them alone, so that
    // `execute` can write it without reading the row first.
    #[diesel(skip_update)]
    pub query_code_hash: String,
    #[diesel(skip_update)]
    pub agency_code: String,
    pub department_code: String,
    pub assignee: Option<String>,
    pub account: Option<String>,
    #[diesel(deserialize_as = Stored<Status>, serialize_as = Stored<Status>)]
    pub status: Status,
    pub sub_state: Option<String>,
    pub applicant_type: Option<String>,
    pub applicant_name: String,
    pub channel: String,
    pub receipt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub due_sort: NaiveDate,
    pub provisional: bool,
    #[diesel(
        deserialize_as = OptionalStored<WarningLevel>,
        serialize_as = OptionalStored<WarningLevel>
    )]
    pub warning_level: Option<WarningLevel>,
    pub outcome: Option<String>,
    pub outcome_ground: Option<String>,
    pub version: i64,
    #[diesel(skip_update)]
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub replied_on: Option<NaiveDate>,
    pub reply_due_on: Option<NaiveDate>,
    pub reply_days: Option<i32>,
    pub concluded_on: Option<NaiveDate>,
    pub applicant_key: Option<String>,
    /// The earliest day an open consultation calls for a reminder (its window's end, or the
    /// art. 33 reminder day).
    pub consultation_due: Option<NaiveDate>,
    /// The short reference of an online filing (10 characters without look-alikes), fixed
    /// when it is received; none for the other channels and for filings made before it existed.
    #[diesel(skip_update)]
    pub filing_reference: Option<String>,
}

impl CaseRow {
    /// A row with nothing in it yet, for `project` to fill.
    pub(crate) fn blank() -> CaseRow {
        CaseRow {
            id: String::new(),
            tracking_number: None,
            query_code_hash: String::new(),
            agency_code: String::new(),
            department_code: String::new(),
            assignee: None,
            account: None,
            status: Status::New,
            sub_state: None,
            applicant_type: None,
            applicant_name: String::new(),
            channel: String::new(),
            receipt_date: None,
            due_date: None,
            due_sort: NO_DUE_DATE,
            provisional: false,
            warning_level: None,
            outcome: None,
            outcome_ground: None,
            version: 0,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
            replied_on: None,
            reply_due_on: None,
            reply_days: None,
            concluded_on: None,
            applicant_key: None,
            consultation_due: None,
            filing_reference: None,
        }
    }
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
    row.status = case.status;
    row.sub_state = case.sub_state().map(|s| s.as_str().to_owned());
    row.applicant_type = case.applicant.kind.map(|k| k.as_str().to_owned());
    row.applicant_name = case.applicant.name.clone();
    row.channel = case
        .channel
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default();
    row.receipt_date = case.receipt_date;
    row.due_date = due.as_ref().and_then(|d| d.due);
    row.due_sort = row.due_date.unwrap_or(NO_DUE_DATE);
    row.provisional = due.as_ref().is_some_and(|d| d.provisional);
    // The level from the due date just computed (Case::warning_level would compute it again);
    // without one, a consultation window that lapsed unanswered still gives a level.
    row.warning_level = match row.due_date {
        Some(due) => case
            .profile(statute)
            .map(|profile| warning_level(calendar, due, profile.due_soon_days, now)),
        None => case.warning_level(calendar, statute, now),
    };
    // The outcome as its annual-report row kind and ground, e.g. ("not_disclosed",
    // "third_party_rights").
    row.outcome = case.outcome.map(|o| o.kind().as_str().to_owned());
    row.outcome_ground = case.outcome.and_then(|o| o.ground()).map(str::to_owned);
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
    row.consultation_due = case.consultation_due();
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
