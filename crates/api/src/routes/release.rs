//! The release of a reply reaching its applicant: the released files and the reply letter by
//! query code or from the account, and the record of retrievals for staff.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::auth::Authenticated;
use crate::body::Body;
use crate::error::{ApiResult, Problem};
use crate::service::filing::LookupKey;
use crate::service::release::{self, Holder, Retrievals};
use crate::state::AppState;

#[utoipa::path(
    tag = "public",
    request_body = LookupKey,
    params(("attachment" = String, Path, description = "the released file's attachment id, as the reply's release names it")),
    responses(
        (status = 200, description = "the released file, streamed; 404 for anything the approved reply did not release", content_type = "*/*"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/files/{attachment}")]
pub async fn lookup_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body<LookupKey>,
) -> ApiResult<HttpResponse> {
    let addr = state.client_address(&req);
    let out = release::file(&state, Holder::Code(body.0), path.into_inner(), addr).await?;
    crate::download::respond(out).await
}

#[utoipa::path(
    tag = "public",
    request_body = LookupKey,
    responses(
        (status = 200, description = "the reply letter (答复书) as PDF; 404 before the reply is out", content_type = "application/pdf"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/letter")]
pub async fn lookup_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<LookupKey>,
) -> ApiResult<HttpResponse> {
    let addr = state.client_address(&req);
    let (bytes, name) = release::letter(&state, Holder::Code(body.0), addr).await?;
    Ok(crate::download::bytes("application/pdf", &name, bytes))
}

#[utoipa::path(
    tag = "account",
    params(
        ("id" = String, Path, description = "case id"),
        ("attachment" = String, Path, description = "the released file's attachment id")
    ),
    responses(
        (status = 200, description = "the released file, streamed (the applicant's own requests only)", content_type = "*/*"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/my/requests/{id}/files/{attachment}")]
pub async fn my_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, attachment) = path.into_inner();
    let addr = state.client_address(&req);
    let out = release::file(
        &state,
        Holder::Account(Box::new(caller.0), id),
        attachment,
        addr,
    )
    .await?;
    crate::download::respond(out).await
}

#[utoipa::path(
    tag = "account",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, description = "the reply letter (答复书) as PDF", content_type = "application/pdf"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/my/requests/{id}/letter")]
pub async fn my_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let addr = state.client_address(&req);
    let holder = Holder::Account(Box::new(caller.0), path.into_inner());
    let (bytes, name) = release::letter(&state, holder, addr).await?;
    Ok(crate::download::bytes("application/pdf", &name, bytes))
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = Retrievals, description = "every retrieval of the reply letter and the released files by the applicant; the first is the electronic 送达 of a 网上获取 reply"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/retrievals")]
pub async fn retrievals(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<Retrievals>> {
    Ok(web::Json(
        release::retrievals(&state, caller.0, path.into_inner()).await?,
    ))
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, description = "the print package of the reply, for 邮寄 and 当面领取: a ZIP of the reply letter (PDF), the released electronic files as approved and a list of everything provided", content_type = "application/zip"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/package")]
pub async fn package(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (file, size, name) = release::package(&state, caller.0, path.into_inner()).await?;
    Ok(crate::download::respond_made(
        file,
        size,
        &name,
        "application/zip",
    ))
}
