//! Staff work on cases: registering paper requests, the queue, a case's record, every workflow
//! command as its own action route, attachments.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use gongkai_store::attachments::Attachment;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Authenticated, Handler, Staff};
use crate::body::{Body, Validate};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::service::cases::{
    Action, ActionResult, PaperRequest, QueuePage, QueueQuery, Registered, action_named,
};
use crate::service::{self, attachments};
use crate::state::AppState;
use crate::views::CaseDetail;

#[utoipa::path(
    tag = "cases",
    request_body = PaperRequest,
    responses(
        (status = 201, body = Registered),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases")]
pub async fn create(
    state: web::Data<AppState>,
    handler: Handler,
    body: Body<PaperRequest>,
) -> ApiResult<HttpResponse> {
    let out = service::cases::register_paper(&state, handler, body.0).await?;
    Ok(HttpResponse::Created().json(out))
}

#[utoipa::path(
    tag = "cases",
    params(QueueQuery),
    responses(
        (status = 200, body = QueuePage),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases")]
pub async fn queue(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<QueueQuery>,
) -> ApiResult<web::Json<QueuePage>> {
    Ok(web::Json(
        service::cases::queue(&state, &staff, &query.into_inner()).await?,
    ))
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = CaseDetail),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<CaseDetail>> {
    Ok(web::Json(
        service::cases::show(&state, caller.0, path.into_inner()).await?,
    ))
}

/// The version the client saw and the command's own fields (see the workflow's commands:
/// e.g. `{"version": 3, "items": ["请说明所需信息的文号"]}` for request_correction).
/// draft_reply and reply_on_the_spot take `reply.release`, a list of at most 20 `ReleaseItem`s
/// (texts up to 200 characters; required for 予以公开 and 部分公开); a released file names a
/// case attachment by id, and the server fills in its sha256 and size.
/// issue_fee_notice takes `fee: {"method": "per_request" | "per_page"}`: the server computes
/// the figure (`nth`, `pages`; see GET /cases/{id}/fee); a figure sent must equal it, or 422
/// `fee_figure_mismatch`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ActionBody {
    pub version: u64,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, Value>,
}

impl Validate for ActionBody {
    fn validate(&self, _: &mut Vec<FieldError>) {}
}

#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "case id"),
        ("action" = inline(Action), Path, description = "the workflow command")
    ),
    request_body = ActionBody,
    responses(
        (status = 200, body = ActionResult),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/actions/{action}")]
pub async fn act(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
    body: Body<ActionBody>,
) -> ApiResult<web::Json<ActionResult>> {
    let (id, action) = path.into_inner();
    let action = action_named(&action).ok_or_else(ApiError::not_found)?;
    let ActionBody { version, fields } = body.0;
    Ok(web::Json(
        service::cases::perform(&state, caller.0, id, action, version, fields).await?,
    ))
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name as the uploader knows it.
    pub filename: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub case_id: String,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: chrono::NaiveDateTime,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> AttachmentView {
        AttachmentView {
            id: a.id,
            case_id: a.case_id,
            sha256: a.sha256,
            filename: a.filename,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            uploaded_by: a.uploaded_by,
            uploaded_at: a.uploaded_at,
        }
    }
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "*/*",
        description = "the file's bytes; its Content-Type must be one of the accepted types (attachments.content_types), others get 415. Only while the case is open (409 case_not_open); within the limits per file (413 payload_too_large) and per case and per applicant on a case (409 too_many_attachments, 413 attachments_too_large)"),
    responses(
        (status = 201, body = AttachmentView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/attachments")]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let c = caller.0;
    let id = path.into_inner();
    let content_type = crate::body::media_type(&req).unwrap_or_default();
    let limits = &state.settings.attachment_limits;
    let filename = query.into_inner().filename;
    // The name, the case and its status are checked before a byte is read.
    attachments::check_upload(limits, &filename, &content_type)?;
    attachments::may_upload(&state, &c, &id).await?;
    let file = attachments::spool(&state, payload, false).await?;
    let saved = attachments::store_attachment(&state, c, id, filename, content_type, file).await?;
    Ok(HttpResponse::Created().json(AttachmentView::from(saved)))
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = Vec<AttachmentView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<Vec<AttachmentView>>> {
    let out = attachments::list(&state, caller.0, path.into_inner()).await?;
    Ok(web::Json(
        out.into_iter().map(AttachmentView::from).collect(),
    ))
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "attachment id")),
    responses(
        (status = 200, description = "the file, with the type it was uploaded with", content_type = "*/*"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let out = attachments::read(&state, caller.0, path.into_inner()).await?;
    crate::download::respond(out).await
}

/// The fee figures the server computes for the case now, on each basis (按件计收: the
/// request's place among the applicant's requests to the agency in the calendar month it was
/// received; 按量计收: the pages of the documents the draft reply's release provides), or why
/// a basis cannot be computed (`fee_release_missing`, `fee_pages_unknown`). issue_fee_notice
/// charges exactly these: its `fee` needs only `method` (a figure sent must equal the
/// computed one, or 422 `fee_figure_mismatch`).
#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = crate::service::fees::FeePreview),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/fee")]
pub async fn fee_preview(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<crate::service::fees::FeePreview>> {
    Ok(web::Json(
        service::fees::preview(&state, caller.0, path.into_inner()).await?,
    ))
}
