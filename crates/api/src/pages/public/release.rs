//! The applicant's downloads of a reply's release: from the lookup page (the key travels in
//! the form body, never in a URL), from the account, and through the reply e-mail's link. An
//! unknown, wrong or expired key answers the same 404 page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use gongkai_workflow::model::ReleaseItem;

use super::lookup::lookup_key;
use crate::pages::{Chrome, FormBody, SignedIn, Visitor, WebResult};
use crate::service::release::{self, Holder};
use crate::state::AppState;

/// A released file, for the holder of the tracking number and query code.
pub async fn lookup_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    visitor.check(&body.0)?;
    let holder = Holder::Code(lookup_key(&body.0));
    let out = release::file(
        &state,
        holder,
        path.into_inner(),
        state.client_address(&req),
    )
    .await?;
    Ok(crate::download::respond(out).await?)
}

/// The reply letter as PDF, for the holder of the tracking number and query code.
pub async fn lookup_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    body: FormBody,
) -> WebResult {
    visitor.check(&body.0)?;
    let holder = Holder::Code(lookup_key(&body.0));
    let (bytes, name) = release::letter(&state, holder, state.client_address(&req)).await?;
    Ok(crate::download::bytes("application/pdf", &name, bytes))
}

/// A released file of one of the signed-in applicant's requests.
pub async fn my_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<(String, String)>,
) -> WebResult {
    let (id, attachment) = path.into_inner();
    let addr = state.client_address(&req);
    let out = release::file(
        &state,
        Holder::Account(Box::new(page.caller), id),
        attachment,
        addr,
    )
    .await?;
    Ok(crate::download::respond(out).await?)
}

/// The reply letter of one of the signed-in applicant's requests, as PDF.
pub async fn my_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<String>,
) -> WebResult {
    let addr = state.client_address(&req);
    let holder = Holder::Account(Box::new(page.caller), path.into_inner());
    let (bytes, name) = release::letter(&state, holder, addr).await?;
    Ok(crate::download::bytes("application/pdf", &name, bytes))
}

#[derive(Template)]
#[template(path = "release_link.html")]
struct LinkPage {
    chrome: Chrome,
    token: String,
    tracking_number: String,
    expires_on: String,
    release: Vec<ReleaseItem>,
}

impl LinkPage {
    fn size(&self, bytes: &u64) -> String {
        human_size(*bytes)
    }
}

/// A file size as a person reads it (KB, MB).
pub(crate) fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    match bytes {
        b if b < KB => format!("{b} 字节"),
        b if b < KB * KB => format!("{:.0} KB", b as f64 / KB as f64),
        b => format!("{:.1} MB", b as f64 / (KB * KB) as f64),
    }
}

/// The page the reply e-mail's link opens: the letter and the released files.
pub async fn link_page(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
) -> WebResult {
    let token = path.into_inner();
    let view = release::link(&state, token.clone()).await?;
    let expires_on = gongkai_workflow::clock::legal_date(view.expires_at.and_utc()).to_string();
    visitor.render(
        StatusCode::OK,
        &LinkPage {
            chrome: visitor.chrome("获取答复和提供的信息"),
            token,
            tracking_number: view.tracking_number,
            expires_on,
            release: view.release,
        },
    )
}

/// A released file through the e-mail's link.
pub async fn link_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> WebResult {
    let (token, attachment) = path.into_inner();
    let addr = state.client_address(&req);
    let out = release::file(&state, Holder::Link(token), attachment, addr).await?;
    Ok(crate::download::respond(out).await?)
}

/// The reply letter through the e-mail's link.
pub async fn link_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> WebResult {
    let addr = state.client_address(&req);
    let (bytes, name) = release::letter(&state, Holder::Link(path.into_inner()), addr).await?;
    Ok(crate::download::bytes("application/pdf", &name, bytes))
}
