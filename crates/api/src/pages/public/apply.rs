//! Filing a request online, and the receipt shown once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use gongkai_workflow::model::{Carrier, Delivery};

use super::*;
use crate::pages::{Chrome, FormBody, FormState, Visitor, WebResult, see_other};
use crate::service::filing;
use crate::service::filing::{FILING_NOTICE, Filing, FilingReceipt, LookupKey};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "apply.html")]
pub(super) struct ApplyPage {
    chrome: Chrome,
    form: FormState,
    agencies: Vec<Choice>,
    applicant_types: Vec<Choice>,
    id_document_types: Vec<Choice>,
    carriers: Vec<Choice>,
    deliveries: Vec<Choice>,
}

pub(super) async fn apply_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    mut form: FormState,
    status: StatusCode,
) -> WebResult {
    let agencies = agency_choices(state).await?;
    if form.v("agency").is_empty()
        && let Some(a) = agencies.first()
    {
        form.set("agency", a.value.clone());
    }
    let mut chrome = visitor.chrome("在线申请");
    // Staff may not file online: the service's rule, in its words.
    if let Err(refused) = filing::filer(visitor.caller.clone()) {
        chrome.flash = Some(refused.detail);
    }
    visitor.render(
        status,
        &ApplyPage {
            chrome,
            form,
            agencies,
            applicant_types: applicant_types(),
            id_document_types: id_document_types(),
            carriers: carriers(),
            deliveries: deliveries(),
        },
    )
}

pub async fn apply_form(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let form = FormState::with(&[
        ("request.carrier", Carrier::Electronic.as_str()),
        ("request.delivery", Delivery::Email.as_str()),
    ]);
    apply_page(&state, &visitor, form, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "receipt.html")]
pub(super) struct ReceiptPage {
    chrome: Chrome,
    receipt: FilingReceipt,
}

pub async fn apply(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    let mut form = body.0;
    if let Err(refused) = visitor.check(&form) {
        // Nothing is filed; the form comes back with what was typed and a valid token.
        form.general.push(refused.0.detail.clone());
        return apply_page(&state, &visitor, form, refused.0.status).await;
    }
    // Staff may not file online; the page says why (see `apply_page`).
    if let Err(refused) = filing::filer(visitor.caller.clone()) {
        return apply_page(&state, &visitor, form, refused.status).await;
    }
    let parsed = form.parse::<Filing>(&[]);
    let outcome = match parsed {
        Ok(f) => filing::file(&state, visitor.caller.clone(), f).await,
        Err(e) => Err(e),
    };
    match outcome {
        // To the receipt by a redirect: reloading it never files the request twice.
        Ok(receipt) => crate::pages::with_receipt(
            "/apply/receipt",
            &receipt.case_id,
            &receipt.query_code,
            state.settings.secure_cookies,
        ),
        Err(e) if e.status.is_client_error() => {
            form.absorb(&e, "");
            let status = e.status;
            apply_page(&state, &visitor, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The receipt of the request just filed, shown once (the query code is not kept).
pub async fn receipt(req: HttpRequest, state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let Some((case_id, query_code)) = crate::pages::receipt_of(&req) else {
        return Ok(see_other("/lookup"));
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
    let page = ReceiptPage {
        chrome: visitor.chrome("申请已提交"),
        receipt: FilingReceipt {
            reference: view
                .filing_reference
                .clone()
                .unwrap_or_else(|| case_id.clone()),
            case_id,
            query_code,
            tracking_number: view.tracking_number,
            status: view.status,
            receipt_date: view.receipt_date,
            due: view.due,
            notice: FILING_NOTICE.to_owned(),
        },
    };
    crate::pages::show_receipt_once(&visitor, &page)
}
