//! Health, readiness, metrics and the OpenAPI document.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, web};
use gongkai_store::queries;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::state::{AppState, db};

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, description = "ok", body = String)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The database answers.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "ready", body = String),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    db(&state, |conn, _| Ok(gongkai_store::db::ping(conn)?)).await?;
    Ok(HttpResponse::Ok().content_type("text/plain").body("ready"))
}

/// Prometheus text format, for the bearer token of `server.metrics_token` only (401 without
/// it or with another; 404 to everyone while no token is configured).
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "metrics (send `Authorization: Bearer <server.metrics_token>`)", body = String),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let expected = &state.settings.metrics_token;
    if expected.is_empty() {
        return Err(ApiError::not_found());
    }
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token.trim());
    // Hashes of equal length compared in constant time: neither the token's content nor its
    // length shows in the time taken.
    let digest = |t: &str| Sha256::digest(t.as_bytes());
    if sent.is_empty() || !crate::auth::constant_time_eq(&digest(sent), &digest(expected)) {
        let mut res = ApiError::new(
            ErrorCode::Unauthenticated,
            "/metrics 需要正确的访问令牌（Authorization: Bearer …，见 server.metrics_token）",
        )
        .error_response();
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return Ok(res);
    }
    let (counts, notices) = db(&state, |conn, _| {
        Ok((
            queries::status_counts(conn)?,
            gongkai_store::outbox::counts(conn)?,
        ))
    })
    .await?;
    state.metrics.set_cases(&counts);
    state.metrics.set_notices(&notices);
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render()))
}

/// This document.
#[utoipa::path(tag = "operations", responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
#[get("/openapi.json")]
pub async fn openapi(doc: web::Data<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}
