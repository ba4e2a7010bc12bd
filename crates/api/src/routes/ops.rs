//! Health, readiness, metrics and the OpenAPI document.

use actix_web::{HttpResponse, get, web};
use gongkai_store::queries;

use crate::error::{ApiResult, Problem};
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

/// Prometheus text format.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "metrics", body = String),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
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
pub async fn openapi(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}
