//! Public routes: the application guide, filing without an account, lookup by tracking number
//! and query code, correction and withdrawal by the code's holder.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::MaybeCaller;
use crate::body::Body;
use crate::error::{ApiResult, Problem};
use crate::service;
use crate::service::filing::{
    CodeAction, CodeCorrection, CodeWithdrawal, Filing, FilingReceipt, LookupKey,
};
use crate::service::guide::Guide;
use crate::state::AppState;
use crate::views::PublicCase;

#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, body = Guide),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/guide")]
pub async fn guide(state: web::Data<AppState>) -> ApiResult<web::Json<Guide>> {
    Ok(web::Json(service::filing::guide(&state).await?))
}

#[utoipa::path(
    tag = "public",
    request_body = Filing,
    responses(
        (status = 201, body = FilingReceipt),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests")]
pub async fn file_request(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    body: Body<Filing>,
) -> ApiResult<HttpResponse> {
    // A logged-in applicant's request is linked to the account; staff file paper requests
    // through /cases.
    let receipt = service::filing::file(&state, caller.0, body.0).await?;
    Ok(HttpResponse::Created().json(receipt))
}

#[utoipa::path(
    tag = "public",
    request_body = LookupKey,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup")]
pub async fn lookup(
    state: web::Data<AppState>,
    body: Body<LookupKey>,
) -> ApiResult<web::Json<PublicCase>> {
    Ok(web::Json(
        service::filing::look_up(&state, body.0).await?.case,
    ))
}

#[utoipa::path(
    tag = "public",
    request_body = CodeCorrection,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/correction")]
pub async fn correction(
    state: web::Data<AppState>,
    body: Body<CodeCorrection>,
) -> ApiResult<web::Json<PublicCase>> {
    let (key, version, command) = body.0.into_parts();
    Ok(web::Json(
        service::filing::act_with_code(&state, key, version, command)
            .await?
            .case,
    ))
}

#[utoipa::path(
    tag = "public",
    request_body = CodeWithdrawal,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/withdrawal")]
pub async fn withdrawal(
    state: web::Data<AppState>,
    body: Body<CodeWithdrawal>,
) -> ApiResult<web::Json<PublicCase>> {
    let (key, version, command) = body.0.into_parts();
    Ok(web::Json(
        service::filing::act_with_code(&state, key, version, command)
            .await?
            .case,
    ))
}

/// The reading room (依申请公开转主动公开, art. 44): releases published by supervisors, newest
/// first, of every agency or one, searched in the subject, the documents' titles and 文号. No
/// applicant data; the files' links download the released versions.
#[utoipa::path(
    tag = "public",
    params(service::reading_room::RoomQuery),
    responses(
        (status = 200, body = service::reading_room::RoomList),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reading-room")]
pub async fn reading_room(
    state: web::Data<AppState>,
    query: web::Query<service::reading_room::RoomQuery>,
) -> ApiResult<web::Json<service::reading_room::RoomList>> {
    Ok(web::Json(
        service::reading_room::list(&state, query.into_inner()).await?,
    ))
}
