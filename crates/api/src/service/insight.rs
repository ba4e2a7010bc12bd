//! Staff search, monthly statistics, frequent-request groups and marks, and the similar
//! requests of a case.

use actix_web::web;
use chrono::{Datelike, NaiveDate, Utc};
use gongkai_store::queries::{self, QueueFilter};
use gongkai_store::{Scope, events, search, similar, stats};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::cases::{QueueQuery, queue_filter};
use super::visible_case;
use crate::auth::{Staff, Supervisor};
use crate::body::{Validate, limits, required};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::state::{AppState, db, db_heavy};
use crate::views::CaseSummary;

/// Whether `text` is a search the store accepts (words, length); the reason when not.
pub fn search_terms(text: &str) -> Result<(), String> {
    search::terms(text).map(|_| ())
}

/// The staff's search within the queue's scope and filters.
pub async fn search(
    state: &web::Data<AppState>,
    c: &Staff,
    q: SearchQuery,
) -> ApiResult<SearchResult> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=limits::SEARCH_PAGE_MAX).contains(&limit) {
        return Err(ApiError::field("limit", "每页 1—100 条"));
    }
    let offset = q.offset.unwrap_or(0);
    if !(0..=limits::SEARCH_OFFSET_MAX).contains(&offset) {
        return Err(ApiError::field("offset", "offset 须在 0—10000 之间"));
    }
    search::terms(&q.q).map_err(|e| ApiError::field("q", e))?;
    let filter = queue_filter(
        &c.0,
        &QueueQuery {
            department: q.department.clone(),
            assignee: q.assignee.clone(),
            status: q.status.clone(),
            warning_level: q.warning_level.clone(),
            after: None,
            limit: None,
        },
        None,
    )?;
    let Some(filter) = filter else {
        return Ok(SearchResult {
            items: Vec::new(),
            next_offset: None,
        });
    };
    let hits = db(state, move |conn, _| {
        Ok(search::search(conn, &q.q, &filter, limit, offset)?)
    })
    .await?;
    let full = hits.len() as i64 == limit;
    Ok(SearchResult {
        items: hits
            .into_iter()
            .map(|h| SearchHit {
                case: h.row.into(),
                score: h.score,
            })
            .collect(),
        next_offset: full.then_some(offset + limit),
    })
}

/// What `c` may see figures of (supervisors and admins), narrowed to the department `one`
/// when given: nothing when it lies outside.
fn figures_scope(c: &Supervisor, one: Option<&String>) -> ApiResult<Scope> {
    let scope = c.scope();
    Ok(match one {
        Some(d) => scope.department(d),
        None => scope,
    })
}

/// Monthly figures of a year (default: this year) for `c`'s scope or one department of it.
pub async fn monthly(
    state: &web::Data<AppState>,
    c: &Supervisor,
    q: StatsQuery,
) -> ApiResult<MonthlyStats> {
    let year = super::reports::check_year(
        q.year
            .unwrap_or_else(|| gongkai_workflow::clock::legal_date(Utc::now()).year()),
    )?;
    let scope = figures_scope(c, q.department.as_ref())?;
    // A sum of stored counts (`gongkai_store::tallies`): not one of the heavy reads.
    let figs = db(state, move |conn, _| {
        Ok(stats::monthly(conn, year, None, &scope)?)
    })
    .await?;
    Ok(MonthlyStats {
        year,
        rows: figs
            .into_iter()
            .map(|f| MonthRow {
                outcomes: f
                    .by_outcome()
                    .map(|(k, n)| (k.as_str().to_owned(), n))
                    .collect(),
                department: f.department,
                month: f.month,
                received: f.received,
                concluded: f.concluded,
                replied: f.replied,
                on_time: f.on_time,
                late: f.late,
                avg_working_days: f.avg_days,
                p90_working_days: f.p90_days,
            })
            .collect(),
    })
}

/// Groups of near-identical requests in `c`'s scope.
pub async fn frequent(
    state: &web::Data<AppState>,
    c: &Supervisor,
    q: FrequentQuery,
) -> ApiResult<FrequentGroups> {
    let to =
        q.to.unwrap_or_else(|| gongkai_workflow::clock::legal_date(Utc::now()));
    let from = q.from.unwrap_or(to - chrono::TimeDelta::days(90));
    if from > to {
        return Err(ApiError::field("from", "起始日期不能晚于截止日期"));
    }
    if (to - from).num_days() > 366 {
        return Err(ApiError::field("from", "统计期间最长一年"));
    }
    let min = q.min.unwrap_or(3);
    if !(limits::GROUP_MIN..=limits::GROUP_MAX).contains(&min) {
        return Err(ApiError::field("min", "最少件数须在 2—1000 之间"));
    }
    let scope = figures_scope(c, q.department.as_ref())?;
    let key = (scope, from, to, min);
    // Kept while this process writes no case (`crate::cache`); else computed under
    // `db_heavy`, where a request that waited for its permit takes the view another computed
    // meanwhile.
    let groups = match state.frequent.get(&key) {
        Some(groups) => groups,
        None => {
            db_heavy(state, move |conn, state| {
                state
                    .frequent
                    .get_or_compute(&key, || {
                        similar::groups(
                            conn,
                            &QueueFilter {
                                scope: key.0.clone(),
                                ..QueueFilter::default()
                            },
                            from,
                            to,
                            min,
                        )
                    })
                    .map_err(ApiError::from)
            })
            .await?
        }
    };
    Ok(FrequentGroups {
        from,
        to,
        min,
        groups: groups
            .iter()
            .map(|g| GroupView {
                size: g.requests.len(),
                applicants: g.applicants(),
                representative: g.representative().to_owned(),
                requests: g.requests.iter().cloned().map(RequestView::from).collect(),
                marks: g.marks.iter().cloned().map(MarkView::from).collect(),
            })
            .collect(),
    })
}

/// Stores a mark on the cases of `m`, all of which `c` must see and which must belong to one
/// agency.
pub async fn add_mark(
    state: &web::Data<AppState>,
    c: &Supervisor,
    m: NewMark,
) -> ApiResult<MarkView> {
    let c = c.0.clone();
    db(state, move |conn, _| {
        let mut agency: Option<String> = None;
        let mut first_text = String::new();
        for id in &m.case_ids {
            let row = visible_case(conn, &c, id)?;
            match &agency {
                Some(a) if *a != row.agency_code => {
                    return Err(ApiError::field("case_ids", "一组申请须属于同一机关"));
                }
                _ => agency = Some(row.agency_code.clone()),
            }
            if first_text.is_empty() {
                first_text = queries::case_text(conn, &c.scope(), id)?.unwrap_or_default();
            }
        }
        let mark = similar::Mark {
            id: uuid::Uuid::now_v7().to_string(),
            agency_code: agency.unwrap_or_default(),
            period_from: m.from,
            period_to: m.to,
            representative: first_text,
            case_ids: serde_json::to_string(&m.case_ids).map_err(ApiError::internal)?,
            note: m.note.trim().to_owned(),
            marked_by: c.user.id.clone(),
            marked_at: events::to_micros(Utc::now().naive_utc()),
        };
        similar::mark(conn, &mark)?;
        Ok(MarkView::from(mark))
    })
    .await
}

/// The marks within `c`'s scope (those whose cases `c` may all see), newest first.
pub async fn marks(state: &web::Data<AppState>, c: &Supervisor) -> ApiResult<Vec<MarkView>> {
    let scope = c.scope();
    db(state, move |conn, _| {
        Ok(similar::marks(conn, &scope)?
            .into_iter()
            .map(MarkView::from)
            .collect())
    })
    .await
}

/// Requests like case `id`, for staff who may see it.
pub async fn similar(
    state: &web::Data<AppState>,
    c: &Staff,
    id: String,
) -> ApiResult<SimilarRequests> {
    let c = c.0.clone();
    db(state, move |conn, _| {
        visible_case(conn, &c, &id)?;
        let (like, marks) = similar::similar_to(conn, &id, 365, &c.scope())?;
        Ok(SimilarRequests {
            similar: like
                .into_iter()
                .map(|s| SimilarView {
                    request: s.request.into(),
                    similarity: s.similarity,
                    same_applicant: s.same_applicant,
                    same_document: s.same_document,
                })
                .collect(),
            marks: marks.into_iter().map(MarkView::from).collect(),
        })
    })
    .await
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// The words to find (white-space separated, all must occur; up to 5 words, 100 characters).
    pub q: String,
    pub department: Option<String>,
    /// `me` for the caller's own cases.
    pub assignee: Option<String>,
    /// Comma-separated statuses; default: all.
    pub status: Option<String>,
    pub warning_level: Option<String>,
    /// 1–100, default 50.
    pub limit: Option<i64>,
    /// Hits to skip (0–10,000).
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub case: CaseSummary,
    /// Higher is better: bm25 on SQLite, trigram similarity on PostgreSQL.
    pub score: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResult {
    pub items: Vec<SearchHit>,
    /// Pass as `offset` for the next page; absent when this page was not full.
    pub next_offset: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct StatsQuery {
    /// Default: this year.
    pub year: Option<i32>,
    /// One department (default: all of the caller's; admins: every department).
    pub department: Option<String>,
}

/// One department's figures for a month (`month` 1–12) or the whole year (`month` 0).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthRow {
    pub department: String,
    pub month: u32,
    /// Requests recorded in the month.
    pub received: u64,
    /// Cases that ended in the month (reply, withdrawal, abandonment, closure).
    pub concluded: u64,
    pub replied: u64,
    pub on_time: u64,
    pub late: u64,
    /// Working days from receipt to reply.
    pub avg_working_days: Option<f64>,
    pub p90_working_days: Option<i64>,
    /// Concluded cases by outcome: disclosed, partly_disclosed, not_disclosed, cannot_provide,
    /// not_processed, other.
    pub outcomes: std::collections::BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthlyStats {
    pub year: i32,
    pub rows: Vec<MonthRow>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct FrequentQuery {
    /// First day (YYYY-MM-DD); default 90 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day; default today.
    pub to: Option<NaiveDate>,
    /// Smallest group to list (2–1000, default 3).
    pub min: Option<usize>,
    /// One department (default: the caller's).
    pub department: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestView {
    pub case_id: String,
    pub tracking_number: Option<String>,
    pub department: String,
    pub status: String,
    pub outcome: Option<String>,
    pub received: NaiveDate,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MarkView {
    pub id: String,
    pub agency: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub representative: String,
    pub case_ids: Vec<String>,
    pub note: String,
    pub marked_by: String,
    pub marked_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupView {
    pub size: usize,
    /// Different applicants among them (by ID document, else contact, else name).
    pub applicants: usize,
    pub representative: String,
    pub requests: Vec<RequestView>,
    /// "Recommend for proactive disclosure" marks that name any of the group's cases.
    pub marks: Vec<MarkView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FrequentGroups {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub min: usize,
    pub groups: Vec<GroupView>,
}

/// A supervisor's mark on a group: recommend the information for proactive disclosure.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewMark {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The group's cases (as listed by GET /frequent).
    pub case_ids: Vec<String>,
    /// Why, and what should be published.
    pub note: String,
}

impl Validate for NewMark {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        let mut push = |path: &str, message: &str| {
            errors.push(FieldError {
                path: path.to_owned(),
                message: message.to_owned(),
            })
        };
        if self.case_ids.len() < limits::MARK_CASES_MIN
            || self.case_ids.len() > limits::MARK_CASES_MAX
        {
            push("case_ids", "一组须有 2—10000 件申请");
        }
        if self.from > self.to {
            push("from", "起始日期不能晚于截止日期");
        }
        required(errors, "note", &self.note, limits::NOTE);
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarView {
    pub request: RequestView,
    pub similarity: f64,
    /// The same ID document, phone, email or name as this request's applicant.
    pub same_applicant: bool,
    /// The same ID document or credit code (a contact or a name alone may be shared).
    pub same_document: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarRequests {
    /// Requests at least 60 % alike (character bigrams): the same applicant's first.
    pub similar: Vec<SimilarView>,
    /// Marks on this request or on those like it.
    pub marks: Vec<MarkView>,
}
