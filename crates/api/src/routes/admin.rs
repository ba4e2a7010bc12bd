//! Admins: agencies, departments, users, the calendar and the guide.

use actix_web::{HttpResponse, get, post, put, web};
use gongkai_store::accounts::{Agency, Department};
use gongkai_workflow::{Calendar, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Admin, check_password_rule};
use crate::body::{Body, Validate, at_most, limits, required};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::account::UserView;
use crate::routes::public::Guide;
use crate::service;
use crate::state::AppState;

fn check_code(errors: &mut Vec<FieldError>, path: &str, code: &str) {
    let ok = (limits::CODE_MIN..=limits::CODE_MAX).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        errors.push(FieldError {
            path: path.to_owned(),
            message: "代码为 2—32 位小写字母、数字或连字符".to_owned(),
        });
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyView {
    pub code: String,
    pub name: String,
    pub tracking_prefix: String,
}

impl From<Agency> for AgencyView {
    fn from(a: Agency) -> AgencyView {
        AgencyView {
            code: a.code,
            name: a.name,
            tracking_prefix: a.tracking_prefix,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    /// Tracking numbers read `{prefix}-{year}-{number}`.
    pub tracking_prefix: String,
}

impl Validate for NewAgency {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        check_code(errors, "code", &self.code);
        required(errors, "name", &self.name, limits::NAME);
        let p = &self.tracking_prefix;
        if !(1..=limits::TRACKING_PREFIX_MAX).contains(&p.len())
            || !p.chars().all(|c| c.is_ascii_uppercase())
        {
            errors.push(FieldError {
                path: "tracking_prefix".to_owned(),
                message: "编号前缀为 1—8 位大写字母".to_owned(),
            });
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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub is_intake: bool,
}

impl Validate for NewDepartment {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        check_code(errors, "code", &self.code);
        required(errors, "name", &self.name, limits::NAME);
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    Applicant,
    Clerk,
    Supervisor,
    Admin,
}

impl UserRole {
    pub(crate) fn role(self) -> Role {
        match self {
            UserRole::Applicant => Role::Applicant,
            UserRole::Clerk => Role::Clerk,
            UserRole::Supervisor => Role::Supervisor,
            UserRole::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: UserRole,
    #[serde(default)]
    pub departments: Vec<String>,
    /// Where staff notices (assignments, reviews, reminders) go.
    #[serde(default)]
    pub email: Option<String>,
}

fn check_email(errors: &mut Vec<FieldError>, email: Option<&str>, empty_ok: bool) {
    match email {
        None => {}
        Some("") if empty_ok => {}
        Some(e) => {
            if let Err(m) = gongkai_mailer::message::check_address(e) {
                errors.push(FieldError {
                    path: "email".to_owned(),
                    message: format!("电子邮箱格式不正确：{m}"),
                });
            }
        }
    }
}

fn check_scope(errors: &mut Vec<FieldError>, role: UserRole, departments: &[String]) {
    let staff = matches!(role, UserRole::Clerk | UserRole::Supervisor);
    if staff && departments.is_empty() {
        errors.push(FieldError {
            path: "departments".to_owned(),
            message: "承办人和审核人须至少属于一个部门".to_owned(),
        });
    }
    if !staff && !departments.is_empty() {
        errors.push(FieldError {
            path: "departments".to_owned(),
            message: "只有承办人和审核人有部门范围".to_owned(),
        });
    }
}

impl Validate for NewUser {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        let ok = (limits::USERNAME_MIN..=limits::USERNAME_MAX).contains(&self.username.len())
            && self
                .username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
        if !ok {
            errors.push(FieldError {
                path: "username".to_owned(),
                message: "用户名为 3—64 位字母、数字或 . _ - @".to_owned(),
            });
        }
        required(errors, "display_name", &self.display_name, limits::NAME);
        check_scope(errors, self.role, &self.departments);
        if let Some(e) = &self.email {
            at_most(errors, "email", e, limits::EMAIL);
        }
        check_email(errors, self.email.as_deref(), false);
    }
}

/// A user with a one-time password to hand over (shown once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserWithPassword {
    pub user: UserView,
    pub one_time_password: String,
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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// Disable (true) or enable (false) the account; a disabled user's sessions end.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// New role and department scope, given together.
    #[serde(default)]
    pub role: Option<UserRole>,
    #[serde(default)]
    pub departments: Option<Vec<String>>,
    /// Set a new one-time password (returned once); the user's sessions end.
    #[serde(default)]
    pub reset_password: bool,
    /// Or set this password (e.g. a user changing their own).
    #[serde(default)]
    pub password: Option<String>,
    /// A new email address for staff notices; "" removes it.
    #[serde(default)]
    pub email: Option<String>,
}

impl Validate for UserChange {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        match (&self.role, &self.departments) {
            (Some(r), Some(d)) => check_scope(errors, *r, d),
            (Some(r), None) => check_scope(errors, *r, &[]),
            (None, Some(_)) => errors.push(FieldError {
                path: "role".to_owned(),
                message: "修改部门范围时须同时给出角色".to_owned(),
            }),
            (None, None) => {}
        }
        if let Some(e) = &self.email {
            at_most(errors, "email", e, limits::EMAIL);
        }
        check_email(errors, self.email.as_deref(), true);
        if let Some(p) = &self.password {
            if self.reset_password {
                errors.push(FieldError {
                    path: "password".to_owned(),
                    message: "reset_password 与 password 只能选一".to_owned(),
                });
            }
            if let Err(m) = check_password_rule(p) {
                errors.push(FieldError {
                    path: "password".to_owned(),
                    message: m,
                });
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserChanged {
    pub user: UserView,
    pub one_time_password: Option<String>,
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

/// One calendar year in the calendar file's TOML form (one `[[year]]` table).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarUpload {
    pub toml: String,
}

impl Validate for CalendarUpload {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "toml", &self.toml, limits::CALENDAR_TOML);
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarYearView {
    pub year: i32,
    pub source: Option<String>,
    pub holidays: Vec<String>,
    pub makeup: Vec<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarUploaded {
    pub year: CalendarYearView,
    pub open_cases: u64,
    pub recomputed: u64,
}

pub(crate) fn year_view(y: &gongkai_workflow::CalendarYear) -> CalendarYearView {
    CalendarYearView {
        year: y.year,
        source: y.source.clone(),
        holidays: y
            .holidays
            .iter()
            .map(|h| format!("{}：{} 至 {}", h.name, h.from, h.to))
            .collect(),
        makeup: y.makeup.clone(),
    }
}

/// Calendar problems as field errors of the uploaded TOML.
fn toml_errors(issues: &[gongkai_workflow::CalendarIssue]) -> Vec<FieldError> {
    issues
        .iter()
        .map(|i| FieldError {
            path: "toml".to_owned(),
            message: i.to_string(),
        })
        .collect()
}

/// The base years with the uploaded ones on top.
pub fn merged_calendar(
    base: &[gongkai_workflow::CalendarYear],
    uploads: &[(i32, String)],
) -> Result<Calendar, Vec<FieldError>> {
    let mut years: Vec<gongkai_workflow::CalendarYear> = base.to_vec();
    for (year, text) in uploads {
        let cal = Calendar::from_toml_str(&format!("calendar year {year}"), text)
            .map_err(|e| toml_errors(&e.issues))?;
        for y in cal.years() {
            years.retain(|b| b.year != y.year);
            years.push(y.clone());
        }
    }
    Calendar::new(years).map_err(|issues| toml_errors(&issues))
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

/// Checks one uploaded calendar year: the year of `text` must be `year`.
pub fn parse_calendar_year(year: i32, text: &str) -> ApiResult<()> {
    let single = Calendar::from_toml_str(&format!("calendar year {year}"), text)
        .map_err(|e| ApiError::invalid(toml_errors(&e.issues)))?;
    let years: Vec<i32> = single.years().iter().map(|y| y.year).collect();
    if years != [year] {
        return Err(ApiError::field(
            "toml",
            format!("须恰好包含 {year} 年的一个 [[year]] 表，实际为 {years:?}"),
        ));
    }
    Ok(())
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
