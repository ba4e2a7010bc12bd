//! Admins: agencies, departments, users, the calendar and the guide.

use actix_web::{HttpResponse, get, post, put, web};
use gongkai_store::accounts::{Agency, Department};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::body::Body;
use crate::error::{ApiResult, Problem};
use crate::service;
use crate::service::account::UserView;
use crate::service::admin::{
    AgencyRemedy, NewAgency, NewDepartment, NewUser, UserChange, UserChanged, UserWithPassword,
};
use crate::service::calendar::{CalendarUpload, CalendarUploaded, CalendarYearView, year_view};
use crate::service::guide::Guide;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyView {
    pub code: String,
    pub name: String,
    pub tracking_prefix: String,
    /// The reconsideration body (复议机关) its decisions name; null until an admin sets it.
    pub reconsideration_body: Option<String>,
    /// The people's court with jurisdiction its decisions name; null until an admin sets it.
    pub court: Option<String>,
}

impl From<Agency> for AgencyView {
    fn from(a: Agency) -> AgencyView {
        AgencyView {
            code: a.code,
            name: a.name,
            tracking_prefix: a.tracking_prefix,
            reconsideration_body: a.reconsideration_body,
            court: a.court,
        }
    }
}

/// Agencies are public knowledge (the filing form lists them).
#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, body = Vec<AgencyView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/agencies")]
pub async fn agencies(state: web::Data<AppState>) -> ApiResult<web::Json<Vec<AgencyView>>> {
    let list = service::filing::agencies(&state).await?;
    Ok(web::Json(list.into_iter().map(AgencyView::from).collect()))
}

#[utoipa::path(
    tag = "admin",
    request_body = NewAgency,
    responses(
        (status = 201, body = AgencyView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/agencies")]
pub async fn create_agency(
    state: web::Data<AppState>,
    admin: Admin,
    body: Body<NewAgency>,
) -> ApiResult<HttpResponse> {
    let created = service::admin::add_agency(&state, &admin, body.0).await?;
    Ok(HttpResponse::Created().json(AgencyView::from(created)))
}

/// Sets the reconsideration body and court an agency's decisions name (行政复议法 2023
/// art. 20); a blank or absent one is cleared.
#[utoipa::path(
    tag = "admin",
    params(("code" = String, Path, description = "agency code")),
    request_body = AgencyRemedy,
    responses(
        (status = 200, body = AgencyView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/admin/agencies/{code}")]
pub async fn set_agency_remedy(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    body: Body<AgencyRemedy>,
) -> ApiResult<web::Json<AgencyView>> {
    let agency =
        service::admin::set_agency_remedy(&state, &admin, path.into_inner(), body.0).await?;
    Ok(web::Json(AgencyView::from(agency)))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentView {
    pub code: String,
    pub agency: String,
    pub parent: Option<String>,
    pub name: String,
    /// The office that takes requests in (政府信息公开工作机构).
    pub is_intake: bool,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> DepartmentView {
        DepartmentView {
            code: d.code,
            agency: d.agency_code,
            parent: d.parent_code,
            name: d.name,
            is_intake: d.is_intake,
        }
    }
}

#[utoipa::path(
    tag = "public",
    params(("code" = String, Path, description = "agency code")),
    responses(
        (status = 200, body = Vec<DepartmentView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/agencies/{code}/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<web::Json<Vec<DepartmentView>>> {
    let list = service::admin::departments_of(&state, path.into_inner()).await?;
    Ok(web::Json(
        list.into_iter().map(DepartmentView::from).collect(),
    ))
}

#[utoipa::path(
    tag = "admin",
    params(("code" = String, Path, description = "agency code")),
    request_body = NewDepartment,
    responses(
        (status = 201, body = DepartmentView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/agencies/{code}/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    body: Body<NewDepartment>,
) -> ApiResult<HttpResponse> {
    let created = service::admin::add_department(&state, &admin, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(DepartmentView::from(created)))
}

#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, body = Vec<UserView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/users")]
pub async fn users(
    state: web::Data<AppState>,
    admin: Admin,
) -> ApiResult<web::Json<Vec<UserView>>> {
    Ok(web::Json(service::admin::users(&state, &admin).await?))
}

#[utoipa::path(
    tag = "admin",
    request_body = NewUser,
    responses(
        (status = 201, body = UserWithPassword),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    admin: Admin,
    body: Body<NewUser>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::admin::add_user(&state, &admin, body.0).await?))
}

#[utoipa::path(
    tag = "admin",
    params(("id" = String, Path, description = "user id")),
    request_body = UserChange,
    responses(
        (status = 200, body = UserChanged),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/users/{id}")]
pub async fn change_user(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    body: Body<UserChange>,
) -> ApiResult<web::Json<UserChanged>> {
    Ok(web::Json(
        service::admin::alter_user(&state, &admin, path.into_inner(), body.0).await?,
    ))
}

#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, body = Vec<CalendarYearView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/calendar")]
pub async fn show_calendar(
    state: web::Data<AppState>,
    _admin: Admin,
) -> ApiResult<web::Json<Vec<CalendarYearView>>> {
    let law = state.law();
    Ok(web::Json(
        law.calendar.years().iter().map(year_view).collect(),
    ))
}

#[utoipa::path(
    tag = "admin",
    params(("year" = i32, Path, description = "the year uploaded")),
    request_body = CalendarUpload,
    responses(
        (status = 200, body = CalendarUploaded),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/admin/calendar/{year}")]
pub async fn upload_calendar(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i32>,
    body: Body<CalendarUpload>,
) -> ApiResult<web::Json<CalendarUploaded>> {
    Ok(web::Json(
        service::admin::install_calendar_year(&state, &admin, path.into_inner(), body.0.toml)
            .await?,
    ))
}

#[utoipa::path(
    tag = "admin",
    request_body = Guide,
    responses(
        (status = 200, body = Guide),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/admin/guide")]
pub async fn put_guide(
    state: web::Data<AppState>,
    admin: Admin,
    body: Body<Guide>,
) -> ApiResult<web::Json<Guide>> {
    Ok(web::Json(
        service::admin::save_guide(&state, &admin, body.0).await?,
    ))
}
