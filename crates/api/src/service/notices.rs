//! Notices: the outbox as supervisors and admins watch it (failed notices sent again by hand),
//! the notices of a case with their printable pages, and the applicant's own notices.
//!
//! Whoever may not see a case gets 404 for its notices (as for a missing id); whoever sees it
//! but lacks the role gets 403; calls without a case answer 403 by role.

use actix_web::web;
use chrono::Utc;
use gongkai_documents::Letter;
use gongkai_mailer::Rendered;
use gongkai_mailer::message::{self, Prepared, printable_html};
use gongkai_mailer::templates::Templates;
use gongkai_store::DbConnection;
use gongkai_store::outbox::{self, OutboxRow, OutboxStatus};
use gongkai_workflow::{Recipient, Role};

use super::visible_case;
use crate::auth::{Caller, RoleClass, Staff, Supervisor};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::{AppState, db};

/// The outbox of `sup`'s scope: notices with `status` (default: failed), newest first.
pub async fn list(
    state: &web::Data<AppState>,
    sup: &Supervisor,
    status: Option<String>,
    limit: Option<i64>,
) -> ApiResult<Vec<OutboxRow>> {
    let status = match status.as_deref() {
        None => OutboxStatus::Failed,
        Some(s) => OutboxStatus::parse(s).ok_or_else(|| {
            let all: Vec<&str> = OutboxStatus::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::field("status", format!("状态须为 {} 之一", all.join("、")))
        })?,
    };
    let limit = limit.unwrap_or(100);
    if !(1..=crate::body::limits::OUTBOX_PAGE_MAX).contains(&limit) {
        return Err(ApiError::field("limit", "limit 须在 1—500 之间"));
    }
    let scope = sup.scope();
    db(state, move |conn, _| {
        Ok(outbox::list(conn, status, &scope, limit)?)
    })
    .await
}

/// The row `id` if the caller may see its case.
fn visible(conn: &mut DbConnection, c: &Caller, id: &str) -> ApiResult<OutboxRow> {
    let row = outbox::get(conn, &c.scope(), id)?.ok_or_else(ApiError::not_found)?;
    visible_case(conn, c, &row.case_id)?;
    Ok(row)
}

/// Queues notice `id` again, due now (supervisors and admins who see its case).
pub async fn retry(state: &web::Data<AppState>, c: Caller, id: String) -> ApiResult<OutboxRow> {
    db(state, move |conn, _| {
        visible(conn, &c, &id)?;
        Supervisor::of(c)?;
        Ok(outbox::retry(conn, &id, Utc::now())?)
    })
    .await
}

/// Queues every failed notice of `sup`'s scope again: how many.
pub async fn retry_failed(state: &web::Data<AppState>, sup: &Supervisor) -> ApiResult<usize> {
    let scope = sup.scope();
    db(state, move |conn, _| {
        Ok(outbox::retry_failed(conn, &scope, Utc::now())?)
    })
    .await
}

/// The notices of case `id` (staff who see it).
pub async fn of_case(
    state: &web::Data<AppState>,
    c: Caller,
    id: String,
) -> ApiResult<Vec<OutboxRow>> {
    db(state, move |conn, _| {
        visible_case(conn, &c, &id)?;
        let c = Staff::of(c)?;
        Ok(outbox::of_case(conn, &c.scope(), &id)?)
    })
    .await
}

/// Notice `id` as a printable page (staff who see its case).
pub async fn print(state: &web::Data<AppState>, c: Caller, id: String) -> ApiResult<String> {
    db(state, move |conn, state| {
        let row = visible(conn, &c, &id)?;
        Staff::of(c)?;
        printable(conn, state, row)
    })
    .await
}

/// The notice of `row` rendered: the text recorded when it was sent or set aside for
/// printing, else rendered now.
fn prepared(conn: &mut DbConnection, state: &AppState, row: OutboxRow) -> ApiResult<Prepared> {
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
    Ok(prepared)
}

/// The notice of `row` as a printable A4 page.
fn printable(conn: &mut DbConnection, state: &AppState, row: OutboxRow) -> ApiResult<String> {
    printable_html(&prepared(conn, state, row)?).map_err(|e| ApiError::internal(e.to_string()))
}

/// The notice of `row` as the content of its PDF, and the file's name (its subject).
pub(crate) fn letter(
    conn: &mut DbConnection,
    state: &AppState,
    row: OutboxRow,
) -> ApiResult<(Letter, String)> {
    let prepared = prepared(conn, state, row)?;
    message::letter_of(&prepared).map_err(|e| ApiError::internal(e.to_string()))
}

/// The 503 of a PDF asked for when the server has no CJK font.
pub fn font_unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::PdfFontUnavailable,
        "服务器尚未安装中文字体，暂不能生成 PDF 文件。请系统管理员安装 fonts-noto-cjk 字体包，\
         或在设置 documents.cjk_font 中指定中文字体文件后重启服务；打印页面仍可使用。",
    )
}

/// `letter` as PDF, written on a blocking thread (CPU work, off the async workers).
pub(crate) async fn pdf_of(state: &web::Data<AppState>, letter: Letter) -> ApiResult<Vec<u8>> {
    let font = state.letter_font.clone().ok_or_else(font_unavailable)?;
    web::block(move || gongkai_documents::letter_pdf(&letter, font.font()?))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Notice `id` as the reply letter's PDF, with its file name (staff who see its case: the
/// scope of [`print`]).
pub async fn pdf(
    state: &web::Data<AppState>,
    c: Caller,
    id: String,
) -> ApiResult<(Vec<u8>, String)> {
    let (letter, name) = db(state, move |conn, state| {
        let row = visible(conn, &c, &id)?;
        Staff::of(c)?;
        letter(conn, state, row)
    })
    .await?;
    Ok((pdf_of(state, letter).await?, name))
}

/// The notices of case `id` for its page: (id, subject, status in Chinese). A notice not yet
/// sent shows the subject it would have if rendered now, from the case's events (`history`,
/// loaded once for all of them).
pub(crate) fn titles_of_case(
    conn: &mut DbConnection,
    state: &AppState,
    c: &Caller,
    id: &str,
    history: &[gongkai_workflow::Event],
) -> ApiResult<Vec<(String, String, String)>> {
    let rows = outbox::of_case(conn, &c.scope(), id)?;
    if rows.iter().all(|n| n.subject.is_some()) {
        return Ok(rows
            .into_iter()
            .map(|n| {
                let status = n.status.label_zh().to_owned();
                (n.id, n.subject.unwrap_or_default(), status)
            })
            .collect());
    }
    let templates = Templates::load(conn)?;
    let law = state.law();
    // The notices of one case mostly share their agency, department and assignee.
    let mut lookups = message::Lookups::default();
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        let title = match n.subject.clone() {
            Some(s) => s,
            None => message::prepare_with_history(
                conn,
                &n,
                history,
                &templates,
                &law,
                &state.settings.mail_base_url,
                &mut lookups,
            )?
            .rendered
            .map(|r| r.subject)
            .unwrap_or_else(|_| "（通知）".to_owned()),
        };
        let status = n.status.label_zh().to_owned();
        out.push((n.id, title, status));
    }
    Ok(out)
}

/// A notice to the applicant whose text has been written (sent, or set aside for printing).
fn addressed_to_applicant(n: &OutboxRow) -> bool {
    n.body.is_some()
        && serde_json::from_str::<Recipient>(&n.recipient).is_ok_and(|r| r == Recipient::Applicant)
}

/// The notices of case `id` addressed to its applicant, printable once written: (id,
/// subject).
pub(crate) fn applicant_notices(
    conn: &mut DbConnection,
    c: &Caller,
    id: &str,
) -> ApiResult<Vec<(String, String)>> {
    Ok(outbox::of_case(conn, &c.scope(), id)?
        .into_iter()
        .filter(addressed_to_applicant)
        .map(|n| (n.id, n.subject.unwrap_or_default()))
        .collect())
}

/// A notice addressed to the applicant of one of their requests; 404 to anyone else.
fn my_row(
    conn: &mut DbConnection,
    c: &Caller,
    case_id: &str,
    notice: &str,
) -> ApiResult<OutboxRow> {
    gongkai_store::queries::case_row(conn, &c.scope(), case_id)?
        .filter(|_| c.role() == Role::Applicant)
        .ok_or_else(ApiError::not_found)?;
    outbox::get(conn, &c.scope(), notice)?
        .filter(|n| n.case_id == case_id && addressed_to_applicant(n))
        .ok_or_else(ApiError::not_found)
}

/// A notice addressed to the applicant of one of their requests, as a printable page; 404 to
/// anyone else.
pub async fn my_notice(
    state: &web::Data<AppState>,
    c: Caller,
    case_id: String,
    notice: String,
) -> ApiResult<String> {
    db(state, move |conn, state| {
        let row = my_row(conn, &c, &case_id, &notice)?;
        printable(conn, state, row)
    })
    .await
}

/// [`my_notice`] as the reply letter's PDF, with its file name.
pub async fn my_notice_pdf(
    state: &web::Data<AppState>,
    c: Caller,
    case_id: String,
    notice: String,
) -> ApiResult<(Vec<u8>, String)> {
    let (letter, name) = db(state, move |conn, state| {
        let row = my_row(conn, &c, &case_id, &notice)?;
        letter(conn, state, row)
    })
    .await?;
    Ok((pdf_of(state, letter).await?, name))
}
