//! Notices: the outbox as admins and supervisors watch it (failed notices sent again by hand),
//! the notices of a case with their printable pages, and the templates admins edit.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::NaiveDateTime;
use gongkai_mailer::Rendered;
use gongkai_store::outbox::OutboxRow;
use gongkai_workflow::NoticeKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Admin, Authenticated, Supervisor};
use crate::body::{Body, Validate};
use crate::error::{ApiResult, FieldError, Problem};
use crate::service::templates::{PreviewView, TemplateView};
use crate::service::{notices, templates};
use crate::state::AppState;

/// One notice in the outbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: String,
    pub case_id: String,
    /// The event (sequence number) that called for it.
    pub event_seq: i64,
    /// Template name of the notice (e.g. `acknowledgment`, `reply.not_disclosed`).
    pub kind: String,
    /// applicant, consulted, assignee or supervisors.
    pub recipient: String,
    pub message_id: String,
    /// pending, sending, sent, failed or unaddressed (print and deliver by other means).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub subject: Option<String>,
    pub sent_to: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl From<OutboxRow> for NoticeView {
    fn from(r: OutboxRow) -> NoticeView {
        let kind = serde_json::from_str::<NoticeKind>(&r.notice_kind)
            .map(NoticeKind::key)
            .unwrap_or_else(|_| r.notice_kind.clone());
        let recipient = serde_json::from_str::<serde_json::Value>(&r.recipient)
            .ok()
            .and_then(|v| v.get("to").and_then(|t| t.as_str()).map(str::to_owned))
            .unwrap_or_else(|| r.recipient.clone());
        NoticeView {
            id: r.id,
            case_id: r.case_id,
            event_seq: r.event_seq,
            kind,
            recipient,
            message_id: r.message_id,
            status: r.status.as_str().to_owned(),
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            subject: r.subject,
            sent_to: r.sent_to,
            sent_at: r.sent_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// pending, sending, sent, failed or unaddressed (default: failed).
    pub status: Option<String>,
    /// At most this many, newest first (1–500, default 100).
    pub limit: Option<i64>,
}

#[utoipa::path(
    tag = "notices",
    params(OutboxQuery),
    responses(
        (status = 200, body = Vec<NoticeView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/outbox")]
pub async fn list(
    state: web::Data<AppState>,
    sup: Supervisor,
    query: web::Query<OutboxQuery>,
) -> ApiResult<web::Json<Vec<NoticeView>>> {
    let q = query.into_inner();
    let rows = notices::list(&state, &sup, q.status, q.limit).await?;
    Ok(web::Json(rows.into_iter().map(NoticeView::from).collect()))
}

#[utoipa::path(
    tag = "notices",
    params(("id" = String, Path, description = "notice id")),
    responses(
        (status = 200, description = "queued again, due now", body = NoticeView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/outbox/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<NoticeView>> {
    let row = notices::retry(&state, caller.0, path.into_inner()).await?;
    Ok(web::Json(NoticeView::from(row)))
}

/// How many notices were queued again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Requeued {
    pub queued: usize,
}

#[utoipa::path(
    tag = "notices",
    responses(
        (status = 200, description = "every failed notice (of the caller's departments, for a supervisor) queued again", body = Requeued),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/outbox/retry-failed")]
pub async fn retry_failed(
    state: web::Data<AppState>,
    sup: Supervisor,
) -> ApiResult<web::Json<Requeued>> {
    let queued = notices::retry_failed(&state, &sup).await?;
    Ok(web::Json(Requeued { queued }))
}

#[utoipa::path(
    tag = "notices",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = Vec<NoticeView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/notices")]
pub async fn of_case(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<Vec<NoticeView>>> {
    let rows = notices::of_case(&state, caller.0, path.into_inner()).await?;
    Ok(web::Json(rows.into_iter().map(NoticeView::from).collect()))
}

#[utoipa::path(
    tag = "notices",
    params(("id" = String, Path, description = "notice id")),
    responses(
        (status = 200, description = "the notice as a printable A4 page", content_type = "text/html"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/notices/{id}/print")]
pub async fn print(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let html = notices::print(&state, caller.0, path.into_inner()).await?;
    Ok(printable_response(html))
}

#[utoipa::path(
    tag = "notices",
    params(("id" = String, Path, description = "notice id")),
    responses(
        (status = 200, description = "the notice as an A4 PDF (the reply letter, 答复书, with its seal area and page numbers); 503 `pdf_font_unavailable` when the server has no CJK font", content_type = "application/pdf"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/notices/{id}/pdf")]
pub async fn pdf(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (bytes, name) = notices::pdf(&state, caller.0, path.into_inner()).await?;
    Ok(pdf_response(bytes, &name))
}

/// A PDF download named `name` (RFC 6266 with the UTF-8 name of RFC 5987, and an ASCII
/// fallback for old clients).
pub fn pdf_response(bytes: Vec<u8>, name: &str) -> HttpResponse {
    crate::download::bytes("application/pdf", name, bytes)
}

/// A printable page as a response: its own inline styles, no script at all, never framed
/// (the other security headers and `Cache-Control: no-store` come from the middleware).
pub fn printable_response(html: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; \
             form-action 'none'; base-uri 'none'",
        ))
        .body(html)
}

#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, body = Vec<TemplateView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    admin: Admin,
) -> ApiResult<web::Json<Vec<TemplateView>>> {
    Ok(web::Json(templates::list(&state, &admin).await?))
}

/// A template's new text.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateText {
    pub subject: String,
    pub body: String,
}

impl Validate for TemplateText {
    fn validate(&self, _: &mut Vec<FieldError>) {}
}

#[utoipa::path(
    tag = "admin",
    params(("key" = String, Path, description = "template name, e.g. acknowledgment")),
    request_body = TemplateText,
    responses(
        (status = 200, body = TemplateView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/admin/templates/{key}")]
pub async fn put_template(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    body: Body<TemplateText>,
) -> ApiResult<web::Json<TemplateView>> {
    let template = templates::text(&body.0.subject, &body.0.body);
    Ok(web::Json(
        templates::save(&state, &admin, path.into_inner(), template).await?,
    ))
}

#[utoipa::path(
    tag = "admin",
    params(("key" = String, Path, description = "template name")),
    responses(
        (status = 204, description = "the shipped default applies again"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/admin/templates/{key}")]
pub async fn reset_template(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    templates::reset(&state, &admin, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "admin",
    params(("key" = String, Path, description = "template name")),
    request_body = TemplateText,
    responses(
        (status = 200, description = "the text rendered for a sample case", body = PreviewView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/templates/{key}/preview")]
pub async fn preview_template(
    admin: Admin,
    path: web::Path<String>,
    body: Body<TemplateText>,
) -> ApiResult<web::Json<PreviewView>> {
    let template = templates::text(&body.0.subject, &body.0.body);
    Ok(web::Json(templates::preview(
        &admin,
        path.into_inner(),
        template,
    )?))
}

impl From<Rendered> for PreviewView {
    fn from(r: Rendered) -> PreviewView {
        PreviewView {
            subject: r.subject,
            body: r.body,
        }
    }
}
