//! Supervisors: the review queue and the due-soon / overdue dashboard (电子监察).

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Supervisor;
use crate::error::{ApiResult, Problem};
use crate::routes::cases::{QueuePage, QueueQuery};
use crate::service;
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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentCounts {
    pub department: String,
    pub due_soon: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub departments: Vec<DepartmentCounts>,
    pub due_soon: i64,
    pub overdue: i64,
    /// The first page of overdue cases, oldest due first.
    pub overdue_cases: QueuePage,
    /// The first page of cases due soon.
    pub due_soon_cases: QueuePage,
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
