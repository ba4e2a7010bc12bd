//! Redaction (区分处理, art. 37) of a staff file of a case: the editor's view of the file, its
//! pages as images, starting a redaction and following it.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Authenticated;
use crate::body::Body;
use crate::error::{ApiResult, Problem};
use crate::service::redaction::{self, JobView, LayoutView, ProposalsView, RedactionRequest};
use crate::state::AppState;

#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "case id"),
        ("attachment" = String, Path, description = "a file of the case (staff only)")
    ),
    responses(
        (status = 200, body = LayoutView, description = "the file as the redaction editor opens it: a PDF's or scan's pages with their sizes in points, or a table's visible sheets with their first rows; refusals (encrypted, corrupt, too large, a Word file) say what to do"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/attachments/{attachment}/layout")]
pub async fn layout(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<LayoutView>> {
    let (id, attachment) = path.into_inner();
    Ok(web::Json(
        redaction::layout(&state, caller.0, id, attachment).await?,
    ))
}

#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "case id"),
        ("attachment" = String, Path, description = "a PDF or scan of the case (staff only)"),
        ("page" = u32, Path, description = "the page, from 1")
    ),
    responses(
        (status = 200, description = "the page as a PNG image at `redaction.editor_dpi`", content_type = "image/png"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/attachments/{attachment}/pages/{page}")]
pub async fn page(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String, u32)>,
) -> ApiResult<HttpResponse> {
    let (id, attachment, page) = path.into_inner();
    let png = redaction::page_image(&state, caller.0, id, attachment, page).await?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "case id"),
        ("attachment" = String, Path, description = "the file to redact (PDF, JPEG, PNG, TIFF, XLSX or CSV)")
    ),
    request_body = RedactionRequest,
    responses(
        (status = 202, body = JobView, description = "the redaction is queued: follow it at /cases/{id}/redaction-jobs/{job}; when done, the redacted version is a new file of the case and the case's events record the redaction (every part, its ground, both files' sha256). Everything is checked first: the clerk's right to act, each part's ground (art. 15's third-party rules), the file, every box against its page"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/attachments/{attachment}/redactions")]
pub async fn start(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
    body: Body<RedactionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, attachment) = path.into_inner();
    let queued = redaction::start(&state, caller.0, id, attachment, body.0).await?;
    Ok(HttpResponse::Accepted().json(queued))
}

#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "case id"),
        ("job" = String, Path, description = "the job's id, as starting the redaction answered it")
    ),
    responses(
        (status = 200, body = JobView, description = "where the redaction stands: queued (with the jobs ahead), running (pages done of all), done (the new file) or failed (why); only the clerk who started it reads it, for an hour after it ends"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/redaction-jobs/{job}")]
pub async fn job(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<JobView>> {
    let (id, job_id) = path.into_inner();
    Ok(web::Json(
        redaction::job(&state, caller.0, id, job_id).await?,
    ))
}

/// The names to look for, besides the identifiers always looked for.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// Names of persons or companies (e.g. the third party's), separated by commas, 、 or
    /// spaces: at most 20, each at most 40 characters.
    #[serde(default)]
    pub names: Option<String>,
}

#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "case id"),
        ("attachment" = String, Path, description = "a PDF or table of the case (staff only)"),
        ProposalQuery
    ),
    responses(
        (status = 200, body = ProposalsView, description = "parts proposed for withholding: 18-digit 居民身份证号码 with a valid check digit, mobile numbers, bank card numbers passing Luhn, e-mail addresses and the names given, found in a PDF's text layer (boxes) or a table's cells; none is applied until the clerk accepts it. Pages whose text cannot be read (scans) are listed"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/attachments/{attachment}/proposals")]
pub async fn proposals(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
    query: web::Query<ProposalQuery>,
) -> ApiResult<web::Json<ProposalsView>> {
    let (id, attachment) = path.into_inner();
    let names = query.into_inner().names.unwrap_or_default();
    Ok(web::Json(
        redaction::proposals(&state, caller.0, id, attachment, names).await?,
    ))
}
