//! Staff search, monthly statistics, the annual report, frequent-request groups and marks,
//! and the similar requests of a case.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Staff, Supervisor};
use crate::body::{Body, Validate, limits, required};
use crate::error::{ApiResult, FieldError, Problem};
use crate::service::{insight, reports};

/// The first report year (the document states it).
pub use crate::service::reports::FIRST_YEAR;
use crate::state::AppState;
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
    staff: Staff,
    query: web::Query<SearchQuery>,
) -> ApiResult<web::Json<SearchResult>> {
    Ok(web::Json(
        insight::search(&state, &staff, query.into_inner()).await?,
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
    sup: Supervisor,
    query: web::Query<StatsQuery>,
) -> ApiResult<web::Json<MonthlyStats>> {
    Ok(web::Json(
        insight::monthly(&state, &sup, query.into_inner()).await?,
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
    sup: Supervisor,
    query: web::Query<AnnualQuery>,
) -> ApiResult<web::Json<AnnualReportView>> {
    let q = query.into_inner();
    let asked = reports::Asked {
        agency: q.agency,
        department: q.department,
    };
    let done = reports::annual(&state, &sup, q.year, asked).await?;
    let report = done.report;
    Ok(web::Json(AnnualReportView {
        year: report.table3.year,
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

impl From<gongkai_store::similar::Request> for RequestView {
    fn from(r: gongkai_store::similar::Request) -> RequestView {
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

impl From<gongkai_store::similar::Mark> for MarkView {
    fn from(m: gongkai_store::similar::Mark) -> MarkView {
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
    sup: Supervisor,
    query: web::Query<FrequentQuery>,
) -> ApiResult<web::Json<FrequentGroups>> {
    Ok(web::Json(
        insight::frequent(&state, &sup, query.into_inner()).await?,
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
    sup: Supervisor,
    body: Body<NewMark>,
) -> ApiResult<HttpResponse> {
    let mark = insight::add_mark(&state, &sup, body.0).await?;
    Ok(HttpResponse::Created().json(mark))
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
    sup: Supervisor,
) -> ApiResult<web::Json<Vec<MarkView>>> {
    Ok(web::Json(insight::marks(&state, &sup).await?))
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
    staff: Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<SimilarRequests>> {
    Ok(web::Json(
        insight::similar(&state, &staff, path.into_inner()).await?,
    ))
}
