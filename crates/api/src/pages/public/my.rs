//! An applicant's own requests, their pages and their notices.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::Role;
use serde::Deserialize;

use super::accounts::home_of;
use super::lookup::RequestPage;
use crate::auth::{Applicant, RoleClass};
use crate::error::ApiError;
use crate::pages::{Chrome, FormBody, FormState, SignedIn, WebError, WebResult, see_other};
use crate::routes::mail::printable_response;
use crate::service::cases::Action;
use crate::service::{cases, filing, notices};
use crate::state::AppState;
use crate::views::CaseSummary;

#[derive(Template)]
#[template(path = "my.html")]
pub(super) struct MyPage {
    chrome: Chrome,
    items: Vec<CaseSummary>,
}

pub async fn my_requests(state: web::Data<AppState>, page: SignedIn) -> WebResult {
    let SignedIn { visitor, caller } = page;
    let role = caller.role();
    let Ok(applicant) = Applicant::of(caller) else {
        return Ok(see_other(home_of(role)));
    };
    let items = filing::my_requests(&state, &applicant).await?;
    visitor.render(
        StatusCode::OK,
        &MyPage {
            chrome: visitor.chrome("我的申请"),
            items,
        },
    )
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn my_request(
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> WebResult {
    let flash = match query.done.as_deref() {
        Some("correction") => Some("补正材料已提交，答复期限自收到补正之日起重新计算。"),
        Some("withdrawal") => Some("申请已撤回。"),
        _ => None,
    };
    render_my_request(
        &state,
        &page,
        path.into_inner(),
        FormState::default(),
        flash,
        StatusCode::OK,
    )
    .await
}

/// A correction or withdrawal by the account holder, from the request's page.
pub async fn my_action(
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<(String, String)>,
    body: FormBody,
) -> WebResult {
    let (id, what) = path.into_inner();
    let visitor = &page.visitor;
    let c = page.caller.clone();
    let action = match what.as_str() {
        "correction" => Action::ReceiveCorrection,
        "withdrawal" => Action::Withdraw,
        _ => return Err(WebError(ApiError::not_found())),
    };
    if c.role() != Role::Applicant {
        return Err(WebError(ApiError::not_found()));
    }
    let mut form = body.0;
    visitor.check(&form)?;
    let version: u64 = form.v("version").parse().map_err(|_| {
        WebError(ApiError::bad_request(
            "表单缺少申请的版本，请刷新页面后重试",
        ))
    })?;
    let mut fields = serde_json::Map::new();
    for key in ["content", "reason"] {
        let v = form.v(key).trim();
        if !v.is_empty() {
            fields.insert(key.to_owned(), v.into());
        }
    }
    if action == Action::ReceiveCorrection && !fields.contains_key("content") {
        form.add_error("content", "请填写补正内容");
        return render_my_request(
            &state,
            &page,
            id,
            form,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    fields.remove(if action == Action::Withdraw {
        "content"
    } else {
        "reason"
    });
    match cases::perform(&state, c, id.clone(), action, version, fields).await {
        Ok(_) => Ok(see_other(&format!("/my/{id}?done={what}"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            form.absorb(&e, "");
            render_my_request(&state, &page, id, form, None, status).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn render_my_request(
    state: &web::Data<AppState>,
    page: &SignedIn,
    id: String,
    form: FormState,
    flash: Option<&str>,
    status: StatusCode,
) -> WebResult {
    let visitor = &page.visitor;
    let (seen, notices) = filing::my_request(state, page.caller.clone(), id).await?;
    let mut chrome = visitor.chrome("申请办理情况");
    chrome.flash = flash.map(str::to_owned);
    visitor.render(
        status,
        &RequestPage {
            chrome,
            view: seen.case,
            options: seen.options,
            key: None,
            form,
            notices,
            account: true,
        },
    )
}

/// A notice addressed to the applicant of one of their requests, as a printable page.
pub async fn my_notice(
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<(String, String)>,
) -> WebResult {
    let (case_id, notice) = path.into_inner();
    let html = notices::my_notice(&state, page.caller, case_id, notice).await?;
    Ok(printable_response(html))
}

/// [`my_notice`] as the reply letter's PDF, downloaded.
pub async fn my_notice_pdf(
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<(String, String)>,
) -> WebResult {
    let (case_id, notice) = path.into_inner();
    let (bytes, name) = notices::my_notice_pdf(&state, page.caller, case_id, notice).await?;
    Ok(crate::routes::mail::pdf_response(bytes, &name))
}
