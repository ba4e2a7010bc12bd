//! Registering a request that arrived on paper, in person, by post, fax or email, and the
//! receipt to hand over.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::Channel;
use gongkai_workflow::model::{Carrier, Delivery};

use super::today;
use crate::auth::{Handler, RoleClass};
use crate::body::parse_value;
use crate::error::ApiError;
use crate::pages::public::{Choice, applicant_types, carriers, deliveries};
use crate::pages::{
    Chrome, FormBody, FormState, StaffPage, WebResult, receipt_of, see_other, show_receipt_once,
    with_receipt,
};
use crate::service::cases::{PaperRequest, Registered};
use crate::service::filing::LookupKey;
use crate::service::{cases, filing};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "staff/register.html")]
struct RegisterPage {
    chrome: Chrome,
    form: FormState,
    departments: Vec<Choice>,
    channels: Vec<Choice>,
    applicant_types: Vec<Choice>,
    carriers: Vec<Choice>,
    deliveries: Vec<Choice>,
}

async fn register_page(
    state: &web::Data<AppState>,
    page: &StaffPage,
    form: FormState,
    status: StatusCode,
) -> WebResult {
    let visitor = &page.visitor;
    let dir = cases::directory(state).await?;
    let departments = dir
        .departments_of(&page.caller)
        .filter(|(_, code, _)| dir.is_active(code))
        .map(|(a, code, name)| Choice {
            value: format!("{}|{code}", a.code),
            label: format!("{} · {name}", a.name),
        })
        .collect();
    let channels = gongkai_workflow::Channel::ALL
        .iter()
        .filter(|c| **c != gongkai_workflow::Channel::Online)
        .map(|c| Choice {
            value: c.as_str().to_owned(),
            label: format!("{}（{}）", c.label_zh(), c.receipt_rule_zh()),
        })
        .collect();
    visitor.render(
        status,
        &RegisterPage {
            chrome: visitor.chrome("登记申请"),
            form,
            departments,
            channels,
            applicant_types: applicant_types(),
            carriers: carriers(),
            deliveries: deliveries(),
        },
    )
}

pub async fn register_form(state: web::Data<AppState>, page: StaffPage) -> WebResult {
    let form = FormState::with(&[
        ("channel", Channel::InPerson.as_str()),
        ("receipt_date", &today().to_string()),
        ("request.carrier", Carrier::Paper.as_str()),
        ("request.delivery", Delivery::Post.as_str()),
    ]);
    register_page(&state, &page, form, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "staff/registered.html")]
struct RegisteredPage {
    chrome: Chrome,
    done: Registered,
}

pub async fn register(state: web::Data<AppState>, page: StaffPage, body: FormBody) -> WebResult {
    let mut form = body.0;
    page.visitor.check(&form)?;
    // The department select carries "agency|department".
    let place = form.v("place").to_owned();
    let (agency, department) = place.split_once('|').unwrap_or(("", ""));
    let mut json = form.to_json(&["place"]).map_err(ApiError::invalid);
    if let Ok(serde_json::Value::Object(m)) = &mut json {
        m.insert("agency".to_owned(), agency.into());
        if !department.is_empty() {
            m.insert("department".to_owned(), department.into());
        }
    }
    let result = match json.and_then(parse_value::<PaperRequest>) {
        Ok(p) => match Handler::of(page.caller.0.clone()) {
            Ok(h) => cases::register_paper(&state, h, p).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        // To the receipt by a redirect: reloading it never registers the request twice.
        Ok(done) => with_receipt(
            "/staff/registered",
            &done.case_id,
            &done.query_code,
            state.settings.secure_cookies,
        ),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            form.absorb(&e, "");
            if let Some(m) = e
                .errors
                .iter()
                .find(|f| f.path == "agency" || f.path == "department")
            {
                form.add_error("place", m.message.clone());
            }
            register_page(&state, &page, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What to hand the applicant after registering: shown once (the query code is not kept).
pub async fn registered(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    page: StaffPage,
) -> WebResult {
    let visitor = &page.visitor;
    let Some((case_id, query_code)) = receipt_of(&req) else {
        return Ok(see_other("/staff/register"));
    };
    let view = filing::look_up(
        &state,
        LookupKey {
            reference: case_id.clone(),
            query_code: query_code.clone(),
        },
    )
    .await?
    .case;
    let receipt = RegisteredPage {
        chrome: visitor.chrome("申请已登记"),
        done: Registered {
            case_id,
            tracking_number: view.tracking_number,
            query_code,
            receipt_date: view.receipt_date,
            due: view.due,
            version: view.version,
        },
    };
    show_receipt_once(visitor, &receipt)
}
