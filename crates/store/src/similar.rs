//! Frequent-request detection from the stored requests: groups of near-identical requests of a
//! period (see `gongkai_workflow::similar`), supervisors' marks on them, and the similar
//! requests a clerk is shown on a case page.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use gongkai_workflow::similar::{SAME_REQUEST, group, probes, similarity};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::queries::QueueFilter;
use crate::schema::{case_texts, cases, frequent_marks};

/// The columns a [`Request`] is read from.
const REQUEST_COLUMNS: (
    cases::id,
    cases::agency_code,
    cases::tracking_number,
    cases::department_code,
    cases::status,
    cases::outcome,
    cases::created_at,
    case_texts::description,
    cases::applicant_key,
) = (
    cases::id,
    cases::agency_code,
    cases::tracking_number,
    cases::department_code,
    cases::status,
    cases::outcome,
    cases::created_at,
    case_texts::description,
    cases::applicant_key,
);

#[derive(Queryable)]
struct RequestRow {
    case_id: String,
    agency: String,
    tracking_number: Option<String>,
    department: String,
    status: String,
    outcome: Option<String>,
    created_at: NaiveDateTime,
    description: String,
    applicant_key: Option<String>,
}

impl From<RequestRow> for Request {
    fn from(r: RequestRow) -> Request {
        Request {
            case_id: r.case_id,
            agency: r.agency,
            tracking_number: r.tracking_number,
            department: r.department,
            status: r.status,
            outcome: r.outcome,
            received: (r.created_at + TimeDelta::hours(8)).date(),
            description: r.description,
            applicant_key: r.applicant_key,
        }
    }
}

/// A request as the grouping lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub case_id: String,
    pub agency: String,
    pub tracking_number: Option<String>,
    pub department: String,
    pub status: String,
    pub outcome: Option<String>,
    pub received: NaiveDate,
    pub description: String,
    /// Who asked (see `Applicant::identity_key`), to count distinct applicants.
    pub applicant_key: Option<String>,
}

/// A group of near-identical requests, and the marks that cover it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub requests: Vec<Request>,
    pub marks: Vec<Mark>,
}

impl Group {
    /// How many different applicants asked (art. 44 speaks of several applicants).
    pub fn applicants(&self) -> usize {
        let mut keys: Vec<&str> = self
            .requests
            .iter()
            .map(|r| r.applicant_key.as_deref().unwrap_or(r.case_id.as_str()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }

    /// The text shown for the group: its earliest request's.
    pub fn representative(&self) -> &str {
        self.requests
            .first()
            .map(|r| r.description.as_str())
            .unwrap_or_default()
    }
}

/// A supervisor's "recommend for proactive disclosure" mark.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = frequent_marks)]
pub struct Mark {
    pub id: String,
    pub agency_code: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub representative: String,
    /// The group's case ids when marked (JSON array).
    pub case_ids: String,
    pub note: String,
    pub marked_by: String,
    pub marked_at: NaiveDateTime,
}

impl Mark {
    pub fn cases(&self) -> Vec<String> {
        serde_json::from_str(&self.case_ids).unwrap_or_default()
    }
}

fn beijing(day: NaiveDate) -> NaiveDateTime {
    day.and_time(chrono::NaiveTime::MIN) - TimeDelta::hours(8)
}

/// The requests recorded from `from` to `to` (Beijing dates, inclusive) within `scope`.
fn requests(
    conn: &mut DbConnection,
    scope: &QueueFilter,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<Request>> {
    let mut q = cases::table
        .inner_join(case_texts::table)
        .filter(cases::created_at.ge(beijing(from)))
        .filter(cases::created_at.lt(beijing(to + TimeDelta::days(1))))
        .select(REQUEST_COLUMNS)
        .order((cases::created_at, cases::id))
        .into_boxed();
    if let Some(a) = &scope.agency {
        q = q.filter(cases::agency_code.eq(a.clone()));
    }
    if !scope.departments.is_empty() {
        q = q.filter(cases::department_code.eq_any(scope.departments.clone()));
    }
    Ok(q.load::<RequestRow>(conn)?
        .into_iter()
        .map(Request::from)
        .collect())
}

/// The groups of at least `min` near-identical requests recorded in the period, largest
/// first, each with the marks that name any of its cases.
pub fn groups(
    conn: &mut DbConnection,
    scope: &QueueFilter,
    from: NaiveDate,
    to: NaiveDate,
    min: usize,
) -> StoreResult<Vec<Group>> {
    let all = requests(conn, scope, from, to)?;
    let texts: Vec<&str> = all.iter().map(|r| r.description.as_str()).collect();
    let found: Vec<Vec<usize>> = group(&texts, SAME_REQUEST)
        .into_iter()
        .filter(|g| g.len() >= min.max(2))
        .collect();
    let mut agencies: Vec<&str> = found
        .iter()
        .flatten()
        .map(|&i| all[i].agency.as_str())
        .collect();
    agencies.sort_unstable();
    agencies.dedup();
    let mut marks_found = Vec::new();
    for a in agencies {
        marks_found.extend(marks(conn, a)?);
    }
    let marks = marks_found;
    Ok(found
        .into_iter()
        .map(|g| {
            let requests: Vec<Request> = g.iter().map(|&i| all[i].clone()).collect();
            let marks = marks
                .iter()
                .filter(|m| {
                    let ids = m.cases();
                    requests.iter().any(|r| ids.contains(&r.case_id))
                })
                .cloned()
                .collect();
            Group { requests, marks }
        })
        .collect())
}

/// An agency's marks, newest first.
pub fn marks(conn: &mut DbConnection, agency: &str) -> StoreResult<Vec<Mark>> {
    Ok(frequent_marks::table
        .filter(frequent_marks::agency_code.eq(agency))
        .order(frequent_marks::marked_at.desc())
        .select(Mark::as_select())
        .load(conn)?)
}

/// The marks of `agency` that name at least one case of `departments` (all marks when none
/// are given), newest first.
pub fn marks_visible(
    conn: &mut DbConnection,
    agency: &str,
    departments: Option<&[String]>,
) -> StoreResult<Vec<Mark>> {
    let all = marks(conn, agency)?;
    let Some(departments) = departments else {
        return Ok(all);
    };
    let mut out = Vec::new();
    for m in all {
        let seen: i64 = cases::table
            .filter(cases::id.eq_any(m.cases()))
            .filter(cases::department_code.eq_any(departments.to_vec()))
            .count()
            .get_result(conn)?;
        if seen > 0 {
            out.push(m);
        }
    }
    Ok(out)
}

/// Marks a group "recommend for proactive disclosure".
pub fn mark(conn: &mut DbConnection, mark: &Mark) -> StoreResult<()> {
    if mark.note.trim().is_empty() {
        return Err(StoreError::Invalid("note: 请填写建议说明".to_owned()));
    }
    diesel::insert_into(frequent_marks::table)
        .values(mark)
        .execute(conn)?;
    Ok(())
}

/// A request similar to the one on the case page.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub request: Request,
    pub similarity: f64,
    /// Filed by the same applicant (same ID document, phone, email or name).
    pub same_applicant: bool,
    /// ... and known by the same ID document or credit code (not only a contact or a name).
    pub same_document: bool,
}

/// What the case page says about requests like this one: the same applicant's earlier ones
/// and other requests to the agency in the `days` before, at least [`SAME_REQUEST`] alike;
/// only of `departments` when given (a clerk's scope), and the marks that name this case or
/// one of those shown.
pub fn similar_to(
    conn: &mut DbConnection,
    case_id: &str,
    days: i64,
    departments: Option<&[String]>,
) -> StoreResult<(Vec<Similar>, Vec<Mark>)> {
    let Some((agency, created_at, key, description)) = cases::table
        .inner_join(case_texts::table)
        .filter(cases::id.eq(case_id))
        .select((
            cases::agency_code,
            cases::created_at,
            cases::applicant_key,
            case_texts::description,
        ))
        .first::<(String, NaiveDateTime, Option<String>, String)>(conn)
        .optional()?
    else {
        return Ok((Vec::new(), Vec::new()));
    };
    let since = created_at - TimeDelta::days(days);
    let mut ids: Vec<String> = Vec::new();
    if let Some(key) = &key {
        ids.extend(
            cases::table
                .filter(cases::applicant_key.eq(key))
                .filter(cases::agency_code.eq(&agency))
                .filter(cases::id.ne(case_id))
                .order(cases::created_at.desc())
                .limit(50)
                .select(cases::id)
                .load::<String>(conn)?,
        );
    }
    // Others: the requests that share runs of the text with this one (see
    // `search::candidates`), checked below by the real similarity.
    for id in crate::search::candidates(conn, &agency, since, &probes(&description, 4, 5), 200)? {
        if id != case_id && !ids.contains(&id) {
            ids.push(id);
        }
    }

    let mut q = cases::table
        .inner_join(case_texts::table)
        .filter(cases::id.eq_any(&ids))
        .into_boxed();
    if let Some(d) = departments {
        q = q.filter(cases::department_code.eq_any(d.to_vec()));
    }
    let rows: Vec<RequestRow> = q.select(REQUEST_COLUMNS).load(conn)?;
    let mut out: Vec<Similar> = rows
        .into_iter()
        .filter_map(|row| {
            let s = similarity(&description, &row.description);
            let same = key.is_some() && row.applicant_key == key;
            (s >= SAME_REQUEST).then(|| Similar {
                same_applicant: same,
                same_document: same && key.as_deref().is_some_and(|x| x.starts_with("id:")),
                similarity: s,
                request: Request::from(row),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.same_applicant
            .cmp(&a.same_applicant)
            .then(b.similarity.total_cmp(&a.similarity))
    });
    let marks: Vec<Mark> = marks(conn, &agency)?
        .into_iter()
        .filter(|m| {
            let ids = m.cases();
            ids.iter().any(|i| i == case_id) || out.iter().any(|s| ids.contains(&s.request.case_id))
        })
        .collect();
    Ok((out, marks))
}
