//! Staff search, monthly statistics, the annual report, frequent-request groups and marks,
//! and the similar requests of a case.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Staff, Supervisor};
use crate::body::Body;
use crate::error::{ApiResult, Problem};
// The insight types are the service's; the pages name some of them through this module too.
pub use crate::service::insight::{
    FrequentGroups, FrequentQuery, GroupView, MarkView, MonthRow, MonthlyStats, NewMark,
    RequestView, SearchHit, SearchQuery, SearchResult, SimilarRequests, SimilarView, StatsQuery,
};
use crate::service::{insight, reports};

/// The first report year (the document states it).
pub use crate::service::reports::FIRST_YEAR;
use crate::state::AppState;

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

#[utoipa::path(
    tag = "insight",
    params(AnnualQuery),
    responses(
        (status = 200, body = reports::Publication),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
/// A year's published annual report: the art. 49 deadline, every published version, and the
/// rows later entries would change (发布后新增/变更).
#[get("/reports/annual/published")]
pub async fn annual_published(
    state: web::Data<AppState>,
    sup: Supervisor,
    query: web::Query<AnnualQuery>,
) -> ApiResult<web::Json<reports::Publication>> {
    let q = query.into_inner();
    let asked = reports::Asked {
        agency: q.agency,
        department: q.department,
    };
    Ok(web::Json(
        reports::publication(&state, &sup, q.year, asked).await?,
    ))
}

#[utoipa::path(
    tag = "insight",
    request_body = reports::PublishReport,
    responses(
        (status = 201, body = reports::Publication),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
/// Publishes a finished year's annual report as computed now (supervisors for their
/// departments, admins for any scope); a new version needs a reason, and 409
/// `report_unchanged` answers when nothing changed since the last one.
#[post("/reports/annual/published")]
pub async fn publish_annual(
    state: web::Data<AppState>,
    sup: Supervisor,
    body: Body<reports::PublishReport>,
) -> ApiResult<HttpResponse> {
    let done = reports::publish(&state, &sup, body.0).await?;
    Ok(HttpResponse::Created().json(done))
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
