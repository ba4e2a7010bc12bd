//! Supervisors: the review queue and the due-soon / overdue dashboard (电子监察).

use actix_web::{get, web};
use gongkai_store::queries;
use gongkai_workflow::Role;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Authenticated;
use crate::error::{ApiResult, Problem};
use crate::routes::cases::{QueuePage, QueueQuery, page, queue_filter};
use crate::state::{AppState, db};

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
    caller: Authenticated,
    query: web::Query<QueueQuery>,
) -> ApiResult<web::Json<QueuePage>> {
    let c = caller.0;
    c.require(&[Role::Supervisor, Role::Admin])?;
    let mut q = query.into_inner();
    q.status = Some("under_review".to_owned());
    let filter = queue_filter(&c, &q, &[])?;
    Ok(web::Json(
        page(&state, filter, q.after.as_deref(), q.limit).await?,
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
    caller: Authenticated,
) -> ApiResult<web::Json<Dashboard>> {
    Ok(web::Json(build_dashboard(&state, &caller.0).await?))
}

/// Due-soon and overdue counts per department of `c`'s scope, and the lists behind them.
pub async fn build_dashboard(
    state: &web::Data<AppState>,
    c: &crate::auth::Caller,
) -> ApiResult<Dashboard> {
    c.require(&[Role::Supervisor, Role::Admin])?;
    let scope = c.scope();
    let counts = db(state, move |conn, _| {
        Ok(queries::warning_counts(conn, &scope)?)
    })
    .await?;
    let open = gongkai_workflow::Status::OPEN_NAMES.join(",");
    let list = |level: &str| QueueQuery {
        department: None,
        assignee: None,
        status: Some(open.clone()),
        warning_level: Some(level.to_owned()),
        after: None,
        limit: Some(50),
    };
    let overdue_cases = page(
        state,
        queue_filter(c, &list("overdue"), &[])?,
        None,
        Some(50),
    )
    .await?;
    let due_soon_cases = page(
        state,
        queue_filter(c, &list("due_soon"), &[])?,
        None,
        Some(50),
    )
    .await?;
    Ok(Dashboard {
        due_soon: counts.iter().map(|d| d.due_soon).sum(),
        overdue: counts.iter().map(|d| d.overdue).sum(),
        departments: counts
            .into_iter()
            .map(|d| DepartmentCounts {
                department: d.department,
                due_soon: d.due_soon,
                overdue: d.overdue,
            })
            .collect(),
        overdue_cases,
        due_soon_cases,
    })
}
