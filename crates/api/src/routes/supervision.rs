//! Supervisors: the review queue and the due-soon / overdue dashboard (电子监察).

use actix_web::{get, web};

use crate::auth::Supervisor;
use crate::error::{ApiResult, Problem};
use crate::service;
use crate::service::cases::{Dashboard, QueuePage, QueueQuery};
use crate::state::AppState;

#[utoipa::path(
    tag = "supervision",
    params(QueueQuery),
    responses(
        (status = 200, body = QueuePage),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/supervision/reviews")]
pub async fn reviews(
    state: web::Data<AppState>,
    sup: Supervisor,
    query: web::Query<QueueQuery>,
) -> ApiResult<web::Json<QueuePage>> {
    Ok(web::Json(
        service::cases::reviews(&state, &sup, query.into_inner()).await?,
    ))
}

#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 200, body = Dashboard),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/supervision/dashboard")]
pub async fn dashboard(
    state: web::Data<AppState>,
    sup: Supervisor,
) -> ApiResult<web::Json<Dashboard>> {
    Ok(web::Json(service::cases::dashboard(&state, &sup).await?))
}
