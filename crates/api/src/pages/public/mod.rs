//! Pages for applicants: the guide, filing, the receipt, lookup by query code, accounts and
//! "my requests".

mod accounts;
mod apply;
mod lookup;
mod my;
mod reading_room;
mod release;

pub use accounts::{
    change_password, login, login_form, logout, password_form, register, register_form,
};
pub use apply::{apply, apply_form, receipt};
pub use lookup::{correction, lookup, lookup_form, withdrawal};
pub use my::{my_action, my_notice, my_notice_pdf, my_request, my_requests};
pub use reading_room::{
    chinese_date, feed as room_feed, file as room_file, item as room_item, room,
};
pub use release::{
    link_file, link_letter, link_page, lookup_file, lookup_letter, my_file, my_letter,
};

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_documents::ApplicationForm;
use gongkai_workflow::model::{ApplicantType, Carrier, Channel, Delivery, IdDocumentType};

use crate::error::ApiError;
use crate::pages::{Chrome, Visitor, WebError, WebResult};
use crate::service::filing;
use crate::service::guide::Guide;
use crate::state::AppState;
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
    form: ApplicationForm,
}

/// What the paper form offers: the same choices as the online form, the agency when the
/// office has one, and how to hand it in (from the guide's channels).
async fn paper_form(state: &web::Data<AppState>) -> Result<ApplicationForm, WebError> {
    let guide = filing::guide(state).await?;
    let agencies = filing::agencies(state).await?;
    let labels = |all: &[&str]| all.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
    let mut notes = vec![
        "填表说明：".to_owned(),
        "1. 公民填写“公民”一栏，法人或者其他组织填写“法人或者其他组织”一栏；请附身份证明（复印件）。".to_owned(),
        "2. 所需信息请写明名称、文号或者便于行政机关查询的其他特征性描述，以及获取信息的方式（《政府信息公开条例》第二十九条）。".to_owned(),
        "3. 以挂号信、快递等需要签收的方式邮寄的，以行政机关签收之日为收到申请之日；以平常信函邮寄的，以行政机关与申请人确认之日为收到申请之日（《政府信息公开条例》第三十一条）。请在信封上注明“政府信息公开申请”字样。".to_owned(),
    ];
    notes.extend(
        guide
            .channels
            .iter()
            .filter(|c| c.channel != Channel::Online)
            .map(|c| format!("{}：{}", c.label, c.address)),
    );
    Ok(ApplicationForm {
        agency: match agencies.as_slice() {
            [only] => only.name.clone(),
            _ => String::new(),
        },
        applicant_types: labels(&ApplicantType::ALL.map(|t| t.form_label_zh())),
        // The documents a natural person may show (the organisation's part asks for its
        // credit code by name).
        id_documents: IdDocumentType::ALL
            .into_iter()
            .filter(|t| t.fits(ApplicantType::NaturalPerson))
            .map(|t| t.label_zh().to_owned())
            .collect(),
        carriers: labels(&Carrier::ALL.map(|c| c.label_zh())),
        deliveries: labels(&Delivery::ALL.map(|d| d.label_zh())),
        notes,
    })
}

/// The application form to print and fill in by hand (for post or the counter): a page of its
/// own with print styles.
pub async fn blank_form(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let html = BlankForm {
        chrome: visitor.chrome("政府信息公开申请表"),
        form: paper_form(&state).await?,
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
        .body(html))
}

/// The same form as a Word file (.docx), to fill in on a computer or print.
pub async fn blank_form_docx(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let form = paper_form(&state).await?;
    let bytes = web::block(move || gongkai_documents::application_form(&form))
        .await
        .map_err(|e| WebError(ApiError::internal(e)))?
        .map_err(|e| WebError(ApiError::internal(e)))?;
    Ok(visitor
        .respond(StatusCode::OK)
        .content_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        .insert_header((
            "Content-Disposition",
            // 政府信息公开申请表.docx
            "attachment; filename=\"application-form.docx\"; filename*=UTF-8''%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E7%94%B3%E8%AF%B7%E8%A1%A8.docx",
        ))
        .body(bytes))
}
