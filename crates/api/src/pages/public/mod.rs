//! Pages for applicants: the guide, filing, the receipt, lookup by query code, accounts and
//! "my requests".

mod accounts;
mod apply;
mod lookup;
mod my;

pub use accounts::{
    change_password, login, login_form, logout, password_form, register, register_form,
};
pub use apply::{apply, apply_form, receipt};
pub use lookup::{correction, lookup, lookup_form, withdrawal};
pub use my::{my_action, my_notice, my_request, my_requests};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use gongkai_workflow::model::{ApplicantType, Carrier, Delivery, IdDocumentType};

use crate::auth::client_address;
use crate::error::ApiError;
use crate::pages::{Chrome, Visitor, WebError, WebResult};
use crate::service::filing;
use crate::service::guide::Guide;
use crate::state::AppState;
/// The client's address (sign-in throttling, the registration limit).
fn address(req: &HttpRequest, state: &AppState) -> String {
    client_address(req, state.settings.trust_forwarded_for)
}

/// A choice in a select or a radio group.
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    fn of(value: &str, label: &str) -> Choice {
        Choice {
            value: value.to_owned(),
            label: label.to_owned(),
        }
    }
}

/// The applicant types as the application form offers them.
pub fn applicant_types() -> Vec<Choice> {
    ApplicantType::ALL
        .iter()
        .map(|t| Choice::of(t.as_str(), t.form_label_zh()))
        .collect()
}

pub fn id_document_types() -> Vec<Choice> {
    IdDocumentType::ALL
        .iter()
        .map(|t| Choice::of(t.as_str(), t.label_zh()))
        .collect()
}

pub fn carriers() -> Vec<Choice> {
    Carrier::ALL
        .iter()
        .map(|c| Choice::of(c.as_str(), c.label_zh()))
        .collect()
}

pub fn deliveries() -> Vec<Choice> {
    Delivery::ALL
        .iter()
        .map(|d| Choice::of(d.as_str(), d.label_zh()))
        .collect()
}

/// Agencies that take requests, as (code, name).
async fn agency_choices(state: &web::Data<AppState>) -> Result<Vec<Choice>, WebError> {
    let list = filing::agencies(state).await?;
    Ok(list
        .into_iter()
        .map(|a| Choice {
            value: a.code,
            label: a.name,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    chrome: Chrome,
    guide: Guide,
}

pub async fn guide(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let guide = filing::guide(&state).await?;
    visitor.render(
        StatusCode::OK,
        &GuidePage {
            chrome: visitor.chrome("依申请公开办事指南"),
            guide,
        },
    )
}

#[derive(Template)]
#[template(path = "blank_form.html")]
struct BlankForm {
    chrome: Chrome,
    applicant_types: Vec<Choice>,
}

/// The application form to print and fill in by hand (for post or the counter).
pub async fn blank_form(visitor: Visitor) -> WebResult {
    // Saved and opened offline, the file carries its own styles.
    let html = BlankForm {
        chrome: visitor.chrome("政府信息公开申请表"),
        applicant_types: applicant_types(),
    }
    .render()
    .map_err(|e| WebError(ApiError::internal(e)))?;
    Ok(visitor
        .respond(StatusCode::OK)
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename*=UTF-8''%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E7%94%B3%E8%AF%B7%E8%A1%A8.html",
        ))
        .body(html))
}
