//! Notices: the outbox as admins and supervisors watch it (failed notices sent again by hand),
//! the notices of a case with their printable pages, and the templates admins edit.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{NaiveDateTime, Utc};
use gongkai_mailer::message::{self, printable_html};
use gongkai_mailer::templates::{self, Template, TemplateError, Templates};
use gongkai_mailer::{NoticeContext, Rendered};
use gongkai_store::outbox::{self, OutboxRow, OutboxStatus};
use gongkai_workflow::{NoticeKind, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Authenticated, Caller};
use crate::body::{Body, Validate};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::visible_case;
use crate::state::{AppState, db};

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

// Authorization: whoever may not see a case gets 404 for its notices (as for a missing id);
// whoever sees it but lacks the role gets 403; routes without a case answer 403 by role.

/// Notices of a case are staff papers.
fn staff(c: &Caller) -> ApiResult<()> {
    match c.role() {
        Role::Clerk | Role::Supervisor | Role::Admin => Ok(()),
        _ => Err(ApiError::forbidden("通知记录仅供工作人员查看")),
    }
}

/// The outbox is watched by supervisors (their departments) and admins.
fn watcher(c: &Caller) -> ApiResult<()> {
    match c.role() {
        Role::Supervisor | Role::Admin => Ok(()),
        _ => Err(ApiError::forbidden("只有审核人和管理员可以查看和重发通知")),
    }
}

fn admin(c: &Caller) -> ApiResult<()> {
    match c.role() {
        Role::Admin => Ok(()),
        _ => Err(ApiError::forbidden("只有管理员可以管理通知模板")),
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
    caller: Authenticated,
    query: web::Query<OutboxQuery>,
) -> ApiResult<web::Json<Vec<NoticeView>>> {
    let c = caller.0;
    watcher(&c)?;
    let q = query.into_inner();
    let status = match q.status.as_deref() {
        None => OutboxStatus::Failed,
        Some(s) => OutboxStatus::parse(s).ok_or_else(|| {
            let all: Vec<&str> = OutboxStatus::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::field("status", format!("状态须为 {} 之一", all.join("、")))
        })?,
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=crate::body::limits::OUTBOX_PAGE_MAX).contains(&limit) {
        return Err(ApiError::field("limit", "limit 须在 1—500 之间"));
    }
    let rows = db(&state, move |conn, _| {
        Ok(outbox::list(conn, status, &c.scope(), limit)?)
    })
    .await?;
    Ok(web::Json(rows.into_iter().map(NoticeView::from).collect()))
}

/// The row `id` if the caller may see its case.
fn visible(conn: &mut gongkai_store::DbConnection, c: &Caller, id: &str) -> ApiResult<OutboxRow> {
    let row = outbox::get(conn, &c.scope(), id)?.ok_or_else(ApiError::not_found)?;
    visible_case(conn, c, &row.case_id)?;
    Ok(row)
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
    let c = caller.0;
    let id = path.into_inner();
    let row = db(&state, move |conn, _| {
        let current = visible(conn, &c, &id)?;
        watcher(&c)?;
        outbox::retry(conn, &id, Utc::now()).map_err(|e| match e {
            gongkai_store::StoreError::NotRetryable { .. } => ApiError::new(
                crate::error::ErrorCode::NotRetryable,
                format!(
                    "只有发送失败或待打印送达的通知可以重发；该通知当前状态为“{}”",
                    current.status.label_zh()
                ),
            ),
            other => other.into(),
        })
    })
    .await?;
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
    caller: Authenticated,
) -> ApiResult<web::Json<Requeued>> {
    let c = caller.0;
    watcher(&c)?;
    let queued = db(&state, move |conn, _| {
        Ok(outbox::retry_failed(conn, &c.scope(), Utc::now())?)
    })
    .await?;
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
    let c = caller.0;
    let id = path.into_inner();
    let rows = db(&state, move |conn, _| {
        visible_case(conn, &c, &id)?;
        staff(&c)?;
        Ok(outbox::of_case(conn, &c.scope(), &id)?)
    })
    .await?;
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
    let c = caller.0;
    let id = path.into_inner();
    let html = db(&state, move |conn, state| {
        let row = visible(conn, &c, &id)?;
        staff(&c)?;
        printable(conn, state, row)
    })
    .await?;
    Ok(printable_response(html))
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

/// The notice of `row` as a printable A4 page: the text recorded when it was sent or set aside
/// for printing, else rendered now.
pub fn printable(
    conn: &mut gongkai_store::DbConnection,
    state: &AppState,
    row: OutboxRow,
) -> ApiResult<String> {
    {
        let templates = Templates::load(conn)?;
        let mut prepared = message::prepare(
            conn,
            &row,
            &templates,
            &state.law(),
            &state.settings.mail_base_url,
        )?;
        // Once sent (or set aside for printing), the notice is what was recorded then, not a
        // new rendering with today's templates.
        if let (Some(subject), Some(body)) = (row.subject, row.body) {
            prepared.rendered = Ok(Rendered { subject, body });
        }
        printable_html(&prepared).map_err(|e| ApiError::internal(e.to_string()))
    }
}

/// A template as admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemplateView {
    pub key: String,
    pub subject: String,
    pub body: String,
    /// Whether an admin replaced the shipped default.
    pub overridden: bool,
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
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<TemplateView>>> {
    admin(&caller.0)?;
    let set = db(&state, |conn, _| Ok(Templates::load(conn)?)).await?;
    Ok(web::Json(
        templates::keys()
            .into_iter()
            .filter_map(|key| {
                let t = set.get(&key)?;
                Some(TemplateView {
                    overridden: set.is_overridden(&key),
                    subject: t.subject.clone(),
                    body: t.body.clone(),
                    key,
                })
            })
            .collect(),
    ))
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

pub(crate) fn known(key: &str) -> ApiResult<()> {
    if templates::keys().iter().any(|k| k == key) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// A template error as a field error on `subject` or `body`, with the line.
pub(crate) fn refused(e: TemplateError) -> ApiError {
    let message = match e.line {
        Some(line) => format!("第 {line} 行：{}", e.reason),
        None => e.reason,
    };
    ApiError::invalid(vec![FieldError {
        path: e.part.to_owned(),
        message,
    }])
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
    caller: Authenticated,
    path: web::Path<String>,
    body: Body<TemplateText>,
) -> ApiResult<web::Json<TemplateView>> {
    let c = caller.0;
    admin(&c)?;
    let key = path.into_inner();
    known(&key)?;
    let template = Template {
        subject: body.0.subject,
        body: body.0.body,
    };
    let view = db(&state, move |conn, _| {
        templates::save_override(conn, &key, &template, &c.user.id)?.map_err(refused)?;
        Ok(TemplateView {
            key,
            subject: template.subject,
            body: template.body,
            overridden: true,
        })
    })
    .await?;
    Ok(web::Json(view))
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
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    admin(&caller.0)?;
    let key = path.into_inner();
    known(&key)?;
    db(&state, move |conn, _| {
        Ok(templates::reset_override(conn, &key)?)
    })
    .await?;
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
    caller: Authenticated,
    path: web::Path<String>,
    body: Body<TemplateText>,
) -> ApiResult<web::Json<PreviewView>> {
    admin(&caller.0)?;
    let key = path.into_inner();
    known(&key)?;
    let template = Template {
        subject: body.0.subject,
        body: body.0.body,
    };
    templates::validate(&key, &template).map_err(refused)?;
    // The footer is previewed under an acknowledgment.
    let kind = NoticeKind::from_key(&key).unwrap_or(NoticeKind::Acknowledgment);
    let set = Templates::with_overrides([(key, template)].into());
    let r = set
        .render(kind, &NoticeContext::sample(kind))
        .map_err(refused)?;
    Ok(web::Json(PreviewView::from(r)))
}

/// A rendered notice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewView {
    pub subject: String,
    pub body: String,
}

impl From<Rendered> for PreviewView {
    fn from(r: Rendered) -> PreviewView {
        PreviewView {
            subject: r.subject,
            body: r.body,
        }
    }
}
