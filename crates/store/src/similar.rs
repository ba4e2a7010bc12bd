//! Frequent-request detection from the stored requests: groups of near-identical requests of a
//! period (see `gongkai_workflow::similar`), supervisors' marks on them, and the similar
//! requests a clerk is shown on a case page.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use gongkai_workflow::Status;
use gongkai_workflow::similar::{SAME_REQUEST, group, probes, similarity};

use crate::dates::{day_start, legal_date_of};
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::queries::QueueFilter;
use crate::schema::{case_texts, cases, frequent_marks};
use crate::scope::{Scope, within_scope};
use crate::typed::Stored;

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
    #[diesel(deserialize_as = Stored<Status>)]
    status: Status,
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
            received: legal_date_of(r.created_at),
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
    pub status: Status,
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

/// The requests recorded from `from` to `to` (Beijing dates, inclusive) within the filter's
/// scope.
fn requests(
    conn: &mut DbConnection,
    filter: &QueueFilter,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<Request>> {
    if filter.scope.sees_nothing() {
        return Ok(Vec::new());
    }
    let mut q = cases::table
        .inner_join(case_texts::table)
        .filter(cases::created_at.ge(day_start(from)))
        .filter(cases::created_at.lt(day_start(to + TimeDelta::days(1))))
        .select(REQUEST_COLUMNS)
        .order((cases::created_at, cases::id))
        .into_boxed();
    if let Some(a) = &filter.agency {
        q = q.filter(cases::agency_code.eq(a.clone()));
    }
    Ok(within_scope!(q, filter.scope)
        .load::<RequestRow>(conn)?
        .into_iter()
        .map(Request::from)
        .collect())
}

/// The groups of at least `min` near-identical requests recorded in the period within the
/// filter's scope, largest first, each with the marks (within the scope) that name any of its
/// cases.
pub fn groups(
    conn: &mut DbConnection,
    filter: &QueueFilter,
    from: NaiveDate,
    to: NaiveDate,
    min: usize,
) -> StoreResult<Vec<Group>> {
    let all = requests(conn, filter, from, to)?;
    let texts: Vec<&str> = all.iter().map(|r| r.description.as_str()).collect();
    let found: Vec<Vec<usize>> = group(&texts, SAME_REQUEST)
        .into_iter()
        .filter(|g| g.len() >= min.max(2))
        .collect();
    let marks = if found.is_empty() {
        Vec::new()
    } else {
        marks(conn, &filter.scope)?
    };
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

/// The marks within `scope`, newest first: those whose cases all lie within it. A mark carries
/// its group's request text, its cases and a supervisor's note, so a mark that names a single
/// case outside the scope is not shown (an admin's mark across departments stays with admins).
pub fn marks(conn: &mut DbConnection, scope: &Scope) -> StoreResult<Vec<Mark>> {
    if scope.sees_nothing() {
        return Ok(Vec::new());
    }
    let all: Vec<Mark> = frequent_marks::table
        .order((frequent_marks::marked_at.desc(), frequent_marks::id.desc()))
        .select(Mark::as_select())
        .load(conn)?;
    if scope.is_everything() {
        return Ok(all);
    }
    let mut ids: Vec<String> = all.iter().flat_map(Mark::cases).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut placed: std::collections::HashMap<String, (String, Option<String>)> =
        std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String, Option<String>)> = cases::table
            .filter(cases::id.eq_any(chunk))
            .select((cases::id, cases::department_code, cases::account))
            .load(conn)?;
        placed.extend(rows.into_iter().map(|(id, d, a)| (id, (d, a))));
    }
    Ok(all
        .into_iter()
        .filter(|m| {
            let cases = m.cases();
            !cases.is_empty()
                && cases.iter().all(|id| {
                    placed
                        .get(id)
                        .is_some_and(|(d, a)| scope.admits_parts(d, a.as_deref()))
                })
        })
        .collect())
}

/// Marks a group "recommend for proactive disclosure".
pub fn mark(conn: &mut DbConnection, mark: &Mark) -> StoreResult<()> {
    if mark.note.trim().is_empty() {
        return Err(StoreError::invalid("note", "请填写建议说明"));
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
/// and other requests to the agency in the `days` before, at least [`SAME_REQUEST`] alike,
/// all within `scope`, and the marks within it that name this case or one of those shown.
/// Nothing for a case outside `scope`.
pub fn similar_to(
    conn: &mut DbConnection,
    case_id: &str,
    days: i64,
    scope: &Scope,
) -> StoreResult<(Vec<Similar>, Vec<Mark>)> {
    if crate::queries::case_row(conn, scope, case_id)?.is_none() {
        return Ok((Vec::new(), Vec::new()));
    }
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

    let q = cases::table
        .inner_join(case_texts::table)
        .filter(cases::id.eq_any(&ids))
        .into_boxed();
    let rows: Vec<RequestRow> = within_scope!(q, scope).select(REQUEST_COLUMNS).load(conn)?;
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
    let marks: Vec<Mark> = marks(conn, scope)?
        .into_iter()
        .filter(|m| {
            let ids = m.cases();
            ids.iter().any(|i| i == case_id) || out.iter().any(|s| ids.contains(&s.request.case_id))
        })
        .collect();
    Ok((out, marks))
}
