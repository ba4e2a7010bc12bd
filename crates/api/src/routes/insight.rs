//! Staff search, monthly statistics, the annual report, frequent-request groups and marks,
//! and the similar requests of a case.

use actix_web::{HttpResponse, get, post, web};
use chrono::{Datelike, NaiveDate, Utc};
use gongkai_store::queries::QueueFilter;
use gongkai_store::{Scope, search, similar, stats};
use gongkai_workflow::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Authenticated, Caller};
use crate::body::{Body, Validate, limits, required};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::cases::{QueueQuery, queue_filter};
use crate::routes::visible_case;
use crate::state::{AppState, db};
use crate::views::CaseSummary;

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

/// The staff's search within the queue's scope and filters.
pub async fn run_search(
    state: &web::Data<AppState>,
    c: &Caller,
    q: SearchQuery,
) -> ApiResult<SearchResult> {
    c.require(&[Role::Clerk, Role::Supervisor, Role::Admin])?;
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
        c,
        &QueueQuery {
            department: q.department.clone(),
            assignee: q.assignee.clone(),
            status: q.status.clone(),
            warning_level: q.warning_level.clone(),
            after: None,
            limit: None,
        },
        &[],
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

#[utoipa::path(
    tag = "insight",
    params(SearchQuery),
    responses(
        (status = 200, body = SearchResult),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/search")]
pub async fn search_cases(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<SearchQuery>,
) -> ApiResult<web::Json<SearchResult>> {
    Ok(web::Json(
        run_search(&state, &caller.0, query.into_inner()).await?,
    ))
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

/// The first year a report may cover: the first regulations (2008).
pub const FIRST_YEAR: i16 = 2008;

/// A report year given by a user: [`FIRST_YEAR`] to this year.
pub fn check_year(year: i32) -> ApiResult<i32> {
    let this_year = gongkai_workflow::clock::legal_date(Utc::now()).year();
    if (i32::from(FIRST_YEAR)..=this_year).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::field(
            "year",
            format!("年份须在 {FIRST_YEAR}—{this_year} 之间"),
        ))
    }
}

/// What `c` may see figures of (supervisors and admins), narrowed to the department `one`
/// when given: nothing when it lies outside.
fn figures_scope(c: &Caller, one: Option<&String>) -> ApiResult<Scope> {
    c.require(&[Role::Supervisor, Role::Admin])?;
    let scope = c.scope();
    Ok(match one {
        Some(d) => scope.department(d),
        None => scope,
    })
}

pub async fn monthly_stats(
    state: &web::Data<AppState>,
    c: &Caller,
    q: StatsQuery,
) -> ApiResult<MonthlyStats> {
    let year = check_year(
        q.year
            .unwrap_or_else(|| gongkai_workflow::clock::legal_date(Utc::now()).year()),
    )?;
    let scope = figures_scope(c, q.department.as_ref())?;
    let figs = db(state, move |conn, _| {
        Ok(stats::monthly(conn, year, None, &scope)?)
    })
    .await?;
    Ok(MonthlyStats {
        year,
        rows: figs
            .into_iter()
            .map(|f| MonthRow {
                outcomes: stats::OUTCOME_KINDS
                    .iter()
                    .zip(f.outcomes)
                    .map(|(k, n)| ((*k).to_owned(), n))
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

#[utoipa::path(
    tag = "insight",
    params(StatsQuery),
    responses(
        (status = 200, body = MonthlyStats),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/statistics/monthly")]
pub async fn monthly(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<StatsQuery>,
) -> ApiResult<web::Json<MonthlyStats>> {
    Ok(web::Json(
        monthly_stats(&state, &caller.0, query.into_inner()).await?,
    ))
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct AnnualQuery {
    pub year: i32,
    /// An agency code (admins), or leave out for the caller's scope.
    pub agency: Option<String>,
    /// A department code.
    pub department: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportRow {
    /// 行次, e.g. "三（三）4".
    pub row: String,
    pub label: String,
    /// 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
    pub counts: Vec<u64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnnualReportView {
    pub year: i32,
    /// Table 三, row by row.
    pub table3: Vec<ReportRow>,
    /// Table 四: 行政复议, 行政诉讼（未经复议直接起诉）, 行政诉讼（复议后起诉）, each
    /// [结果维持, 结果纠正, 其他结果, 尚未审结, 总计].
    pub table4: std::collections::BTreeMap<String, Vec<u64>>,
}

#[utoipa::path(
    tag = "insight",
    params(AnnualQuery),
    responses(
        (status = 200, body = AnnualReportView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/annual")]
pub async fn annual(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<AnnualQuery>,
) -> ApiResult<web::Json<AnnualReportView>> {
    let c = caller.0;
    let q = query.into_inner();
    let year = check_year(q.year)?;
    c.require(&[Role::Supervisor, Role::Admin])?;
    // Supervisors: one of their departments (the first when none is named); admins any
    // agency or department, or the whole installation.
    let scope = c.scope();
    let (agency, scope) = match (c.role(), q.agency, q.department) {
        (Role::Admin, a, Some(d)) => (a, scope.department(&d)),
        (Role::Admin, a, None) => (a, scope),
        (_, None, Some(d)) if scope.covers_department(&d) => (None, scope.department(&d)),
        (_, None, None) => match c.actor.departments.first() {
            Some(d) => (None, scope.department(d)),
            None => return Err(ApiError::forbidden("您没有分配任何部门")),
        },
        _ => return Err(ApiError::not_found()),
    };
    let report = db(&state, move |conn, _| {
        Ok(gongkai_store::report::annual(
            conn,
            year,
            agency.as_deref(),
            &scope,
            |_, _| {},
        )?)
    })
    .await?;
    Ok(web::Json(AnnualReportView {
        year,
        table3: report
            .table3
            .rows()
            .into_iter()
            .map(|(row, label, counts)| ReportRow {
                row,
                label,
                counts: counts.to_vec(),
            })
            .collect(),
        table4: gongkai_workflow::report::TABLE4_GROUPS
            .iter()
            .zip([
                report.table4.reconsideration,
                report.table4.litigation_direct,
                report.table4.litigation_after,
            ])
            .map(|(g, row)| ((*g).to_owned(), row.to_vec()))
            .collect(),
    }))
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

impl From<similar::Request> for RequestView {
    fn from(r: similar::Request) -> RequestView {
        RequestView {
            case_id: r.case_id,
            tracking_number: r.tracking_number,
            department: r.department,
            status: r.status.as_str().to_owned(),
            outcome: r.outcome,
            received: r.received,
            description: r.description,
        }
    }
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

impl From<similar::Mark> for MarkView {
    fn from(m: similar::Mark) -> MarkView {
        MarkView {
            case_ids: m.cases(),
            id: m.id,
            agency: m.agency_code,
            period_from: m.period_from,
            period_to: m.period_to,
            representative: m.representative,
            note: m.note,
            marked_by: m.marked_by,
            marked_at: m.marked_at,
        }
    }
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

/// Groups of near-identical requests in `c`'s scope.
pub async fn frequent_groups(
    state: &web::Data<AppState>,
    c: &Caller,
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
    let groups = db(state, move |conn, _| {
        Ok(similar::groups(
            conn,
            &QueueFilter {
                scope,
                ..QueueFilter::default()
            },
            from,
            to,
            min,
        )?)
    })
    .await?;
    Ok(FrequentGroups {
        from,
        to,
        min,
        groups: groups
            .into_iter()
            .map(|g| GroupView {
                size: g.requests.len(),
                applicants: g.applicants(),
                representative: g.representative().to_owned(),
                requests: g.requests.into_iter().map(RequestView::from).collect(),
                marks: g.marks.into_iter().map(MarkView::from).collect(),
            })
            .collect(),
    })
}

#[utoipa::path(
    tag = "insight",
    params(FrequentQuery),
    responses(
        (status = 200, body = FrequentGroups),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/frequent")]
pub async fn frequent(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<FrequentQuery>,
) -> ApiResult<web::Json<FrequentGroups>> {
    Ok(web::Json(
        frequent_groups(&state, &caller.0, query.into_inner()).await?,
    ))
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

/// Stores a mark on the cases of `m`, all of which `c` must see and which must belong to one
/// agency.
pub async fn add_mark(state: &web::Data<AppState>, c: &Caller, m: NewMark) -> ApiResult<MarkView> {
    c.require(&[Role::Supervisor, Role::Admin])?;
    let c = c.clone();
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
                first_text =
                    gongkai_store::queries::case_text(conn, &c.scope(), id)?.unwrap_or_default();
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
            marked_at: gongkai_store::events::to_micros(Utc::now().naive_utc()),
        };
        similar::mark(conn, &mark)?;
        Ok(MarkView::from(mark))
    })
    .await
}

#[utoipa::path(
    tag = "insight",
    request_body = NewMark,
    responses(
        (status = 201, body = MarkView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/frequent/marks")]
pub async fn create_mark(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Body<NewMark>,
) -> ApiResult<HttpResponse> {
    let mark = add_mark(&state, &caller.0, body.0).await?;
    Ok(HttpResponse::Created().json(mark))
}

/// The marks within `c`'s scope (those whose cases `c` may all see), newest first.
pub async fn marks_of(state: &web::Data<AppState>, c: &Caller) -> ApiResult<Vec<MarkView>> {
    c.require(&[Role::Supervisor, Role::Admin])?;
    let scope = c.scope();
    db(state, move |conn, _| {
        Ok(similar::marks(conn, &scope)?
            .into_iter()
            .map(MarkView::from)
            .collect())
    })
    .await
}

#[utoipa::path(
    tag = "insight",
    responses(
        (status = 200, body = Vec<MarkView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/frequent/marks")]
pub async fn list_marks(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<MarkView>>> {
    Ok(web::Json(marks_of(&state, &caller.0).await?))
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

/// Requests like case `id`, for staff who may see it.
pub async fn similar_requests(
    state: &web::Data<AppState>,
    c: &Caller,
    id: String,
) -> ApiResult<SimilarRequests> {
    c.require(&[Role::Clerk, Role::Supervisor, Role::Admin])?;
    let c = c.clone();
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

#[utoipa::path(
    tag = "insight",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = SimilarRequests),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/similar")]
pub async fn case_similar(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<SimilarRequests>> {
    Ok(web::Json(
        similar_requests(&state, &caller.0, path.into_inner()).await?,
    ))
}
