//! Frequent-request detection from the stored requests: groups of near-identical requests of a
//! period (see `gongkai_workflow::similar`), supervisors' marks on them, and the similar
//! requests a clerk is shown on a case page, found through each case's banded MinHash signature
//! (`case_bands`, written by `execute`).

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use gongkai_workflow::Status;
use gongkai_workflow::similar::{
    HINT_BANDS, SAME_REQUEST, band_hashes, bands_of, group, shingles_of, similarity_of,
};

use crate::dates::{day_start, legal_date_of};
use crate::db::{DbConnection, Reused, write_transaction};
use crate::error::{StoreError, StoreResult};
use crate::queries::QueueFilter;
use crate::schema::{case_bands, case_texts, cases, frequent_marks};
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
    crate::db::case_written(conn);
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
    if scope.sees_nothing() {
        return Ok((Vec::new(), Vec::new()));
    }
    // The case and its text in one read; one outside the scope reads as one that does not
    // exist (as `queries::case_row`).
    type Own = (
        String,
        NaiveDateTime,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let Some((agency, created_at, key, description, _, _)) = crate::db::by_key::<_, Own>(
        cases::table
            .inner_join(case_texts::table)
            .filter(cases::id.eq(case_id))
            .select((
                cases::agency_code,
                cases::created_at,
                cases::applicant_key,
                case_texts::description,
                cases::department_code,
                cases::account,
            )),
        conn,
    )?
    .filter(|own| scope.admits_parts(&own.4, own.5.as_deref())) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let since = created_at - TimeDelta::days(days);
    let mine = shingles_of(&description);
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
    // Others: the requests that share a band of the MinHash signature with this one (see
    // `band_candidates`), checked below by the real similarity.
    for id in band_candidates(conn, case_id, &agency, since, &bands_of(&mine))? {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }

    // The candidates' texts first, and the rest of a request (within the scope) only for
    // those alike enough: a candidate whose band was shared by chance costs its text alone.
    // The texts outside the scope serve only this comparison; nothing of them is returned.
    let texts: Vec<(String, String)> = case_texts::table
        .filter(case_texts::case_id.eq_any(&ids))
        .select((case_texts::case_id, case_texts::description))
        .load(conn)?;
    let alike: std::collections::HashMap<String, f64> = texts
        .into_iter()
        .filter_map(|(id, text)| {
            let s = similarity_of(&mine, &shingles_of(&text));
            (s >= SAME_REQUEST).then_some((id, s))
        })
        .collect();
    let kept: Vec<&String> = alike.keys().collect();
    let rows: Vec<RequestRow> = if kept.is_empty() {
        Vec::new()
    } else {
        let q = cases::table
            .inner_join(case_texts::table)
            .filter(cases::id.eq_any(&kept))
            .into_boxed();
        within_scope!(q, scope).select(REQUEST_COLUMNS).load(conn)?
    };
    let mut out: Vec<Similar> = rows
        .into_iter()
        .map(|row| {
            let same = key.is_some() && row.applicant_key == key;
            Similar {
                same_applicant: same,
                same_document: same && key.as_deref().is_some_and(|x| x.starts_with("id:")),
                similarity: alike.get(&row.case_id).copied().unwrap_or_default(),
                request: Request::from(row),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.same_applicant
            .cmp(&a.same_applicant)
            .then(b.similarity.total_cmp(&a.similarity))
            // Equally alike (a request filed again word for word): the newest first, then by
            // id, whatever order the database read them in.
            .then(b.request.received.cmp(&a.request.received))
            .then(a.request.case_id.cmp(&b.request.case_id))
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

/// Most candidates a band lookup hands to the real similarity check, and most rows read per
/// band.
const BAND_CANDIDATES: usize = 50;

/// A hash as an SQL BIGINT expression (a plain literal would be NUMERIC on PostgreSQL for
/// `i64::MIN`, whose digits exceed `i64::MAX`).
fn bigint(hash: i64) -> String {
    format!("CAST({hash} AS BIGINT)")
}

/// `(0, h0), (1, h1), …`: the bands as SQL values. They are numbers computed here, never text
/// from a request, so they are written into the statement rather than bound (16 of them).
fn band_values(bands: &[i64; HINT_BANDS]) -> String {
    bands
        .iter()
        .enumerate()
        .map(|(band, hash)| format!("({band}, {})", bigint(*hash)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the `case_bands` rows of a stored case, its agency and receipt instant taken from its
/// projection row; rows it has already are rewritten when `overwrite`, else kept.
pub(crate) fn write_bands(
    conn: &mut DbConnection,
    case_id: &str,
    bands: &[i64; HINT_BANDS],
    overwrite: bool,
) -> StoreResult<()> {
    let conflict = if overwrite {
        "DO UPDATE SET hash = excluded.hash"
    } else {
        "DO NOTHING"
    };
    // `column1`, `column2`: the names both backends give a VALUES list's columns.
    diesel::sql_query(format!(
        "INSERT INTO case_bands (case_id, agency_code, band, hash, created_at) \
         SELECT c.id, c.agency_code, b.column1, b.column2, c.created_at \
         FROM cases c, (VALUES {}) AS b WHERE c.id = $1 \
         ON CONFLICT (case_id, band) {conflict}",
        band_values(bands)
    ))
    .bind::<diesel::sql_types::Text, _>(case_id)
    .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = diesel::sql_types::Text)]
    case_id: String,
}

/// The cases of `agency` recorded from `since` (other than `case_id`) that share at least one
/// band hash with `bands`: the most shared bands first (the expected number grows with the
/// similarity, `HINT_BANDS × J^HINT_ROWS`), then the newest, at most [`BAND_CANDIDATES`]. One
/// statement of one indexed range per band (`case_bands_lookup`), each read newest first and
/// cut at [`BAND_CANDIDATES`] rows, so that a band shared by a large part of the agency's
/// requests costs no more than a rare one. Its text is the same for every case (the hashes are
/// bound, `$4` to `$19`), so each connection prepares it once and keeps it ([`Reused`]); with
/// the hashes written into the text it was parsed and planned on every case page (12 % of the
/// hint's time in a profile at 1,000,000 cases).
fn band_candidates(
    conn: &mut DbConnection,
    case_id: &str,
    agency: &str,
    since: NaiveDateTime,
    bands: &[i64; HINT_BANDS],
) -> StoreResult<Vec<String>> {
    use diesel::sql_types::{BigInt, Text, Timestamp};
    macro_rules! run {
        ($c:expr, $backend:ty) => {{
            let mut q = diesel::sql_query(band_candidates_sql())
                .into_boxed::<$backend>()
                .bind::<Text, _>(agency)
                .bind::<Timestamp, _>(since)
                .bind::<Text, _>(case_id);
            for hash in bands {
                q = q.bind::<BigInt, _>(*hash);
            }
            Reused(q).load::<Candidate>($c)?
        }};
    }
    let found = match conn {
        DbConnection::Sqlite(c) => run!(c, diesel::sqlite::Sqlite),
        DbConnection::Pg(c) => run!(c, diesel::pg::Pg),
    };
    Ok(found.into_iter().map(|c| c.case_id).collect())
}

/// The statement of [`band_candidates`]: `$1` the agency, `$2` the earliest receipt, `$3` the
/// case itself, `$4 + b` band b's hash. Each parameter first appears in the order it is bound
/// (SQLite numbers `$N` parameters by first appearance).
fn band_candidates_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let per_band = (0..HINT_BANDS)
            .map(|band| {
                format!(
                    "SELECT case_id, created_at FROM (SELECT case_id, created_at FROM case_bands \
                     WHERE agency_code = $1 AND created_at >= $2 AND case_id <> $3 \
                     AND band = {band} AND hash = ${} \
                     ORDER BY created_at DESC LIMIT {BAND_CANDIDATES}) AS b{band}",
                    band + 4
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        format!(
            "SELECT case_id FROM ({per_band}) AS hits GROUP BY case_id \
             ORDER BY count(*) DESC, max(created_at) DESC LIMIT {BAND_CANDIDATES}"
        )
    })
}

/// Writes the `case_bands` rows (migration 2026-12-07-000022) of the cases stored before them,
/// i.e. those with a search text and no bands; in batches of `batch`, one transaction each.
/// Returns how many cases were filled. Cheap when there is nothing to do. Run after
/// `recompute::backfill_derived`, which gives the older cases their search text.
pub fn backfill_bands(
    conn: &mut DbConnection,
    batch: usize,
    mut progress: impl FnMut(u64),
) -> StoreResult<u64> {
    use diesel::dsl::{exists, not};
    let mut done = 0u64;
    let mut after = String::new();
    loop {
        let rows: Vec<(String, String)> = case_texts::table
            .filter(case_texts::case_id.gt(&after))
            .filter(not(exists(
                case_bands::table.filter(case_bands::case_id.eq(case_texts::case_id)),
            )))
            .order(case_texts::case_id)
            .limit(i64::try_from(batch.max(1)).unwrap_or(i64::MAX))
            .select((case_texts::case_id, case_texts::description))
            .load(conn)?;
        let Some((last, _)) = rows.last() else {
            return Ok(done);
        };
        after = last.clone();
        // A command may have corrected a request and written its bands since it was read:
        // those are kept.
        write_transaction(conn, |conn| -> StoreResult<()> {
            for (id, description) in &rows {
                write_bands(conn, id, &band_hashes(description), false)?;
            }
            Ok(())
        })?;
        done += rows.len() as u64;
        progress(done);
    }
}
