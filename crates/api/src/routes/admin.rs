//! Admins: agencies, departments, users, the calendar and the guide.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use gongkai_store::accounts::{self, Agency, Department};
use gongkai_store::recompute::recompute_open;
use gongkai_store::sessions;
use gongkai_workflow::{Calendar, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{
    Authenticated, Caller, check_password_rule, hash_password_blocking, new_password,
};
use crate::body::{Body, Validate, at_most, limits, required};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::account::UserView;
use crate::routes::public::{GUIDE_KEY, Guide};
use crate::state::{AppState, db, db_bulk};

pub(crate) fn admin(c: &Caller) -> ApiResult<()> {
    c.require(&[Role::Admin])
}

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
    let list = db(&state, |conn, _| Ok(accounts::agencies(conn)?)).await?;
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
    caller: Authenticated,
    body: Body<NewAgency>,
) -> ApiResult<HttpResponse> {
    admin(&caller.0)?;
    let a = body.0;
    let created = db(&state, move |conn, _| {
        Ok(accounts::create_agency(
            conn,
            &a.code,
            &a.name,
            &a.tracking_prefix,
        )?)
    })
    .await?;
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
    let code = path.into_inner();
    let list = db(&state, move |conn, _| {
        Ok(accounts::departments_of(conn, &code)?)
    })
    .await?;
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
    caller: Authenticated,
    path: web::Path<String>,
    body: Body<NewDepartment>,
) -> ApiResult<HttpResponse> {
    admin(&caller.0)?;
    let created = add_department(&state, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(DepartmentView::from(created)))
}

/// Creates a department of `agency`.
pub async fn add_department(
    state: &web::Data<AppState>,
    agency: String,
    d: NewDepartment,
) -> ApiResult<accounts::Department> {
    db(state, move |conn, _| {
        Ok(accounts::create_department(
            conn,
            &agency,
            &d.code,
            &d.name,
            d.parent.as_deref(),
            d.is_intake,
        )?)
    })
    .await
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
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<UserView>>> {
    admin(&caller.0)?;
    Ok(web::Json(all_users(&state).await?))
}

/// Every account with its departments.
pub async fn all_users(state: &web::Data<AppState>) -> ApiResult<Vec<UserView>> {
    db(state, |conn, _| {
        let list = accounts::list_users(conn)?;
        let mut out = Vec::with_capacity(list.len());
        for u in list {
            let departments = accounts::actor_for(conn, &u)?.departments;
            out.push(UserView::of(&u, departments));
        }
        Ok(out)
    })
    .await
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
    fn role(self) -> Role {
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
    caller: Authenticated,
    body: Body<NewUser>,
) -> ApiResult<HttpResponse> {
    admin(&caller.0)?;
    Ok(HttpResponse::Created().json(add_user(&state, body.0).await?))
}

/// Creates an account with a one-time password: to be changed at the first sign-in, refused
/// after `issued_password_valid_hours`.
pub async fn add_user(state: &web::Data<AppState>, u: NewUser) -> ApiResult<UserWithPassword> {
    let password = new_password();
    let hash = hash_password_blocking(password.clone()).await?;
    let user = db(state, move |conn, state| {
        let expires = issued_password_expiry(state);
        let departments: Vec<&str> = u.departments.iter().map(String::as_str).collect();
        let user = gongkai_store::write_transaction(conn, |conn| {
            let mut user = accounts::create_user(
                conn,
                &u.username,
                &u.display_name,
                u.role.role(),
                Some(&hash),
                &departments,
            )?;
            accounts::set_issued_password(conn, &user.id, &hash, expires)?;
            user.must_change_password = true;
            user.password_expires_at = Some(expires);
            if let Some(e) = &u.email {
                accounts::set_email(conn, &user.id, Some(e))?;
                user.email = Some(e.clone());
            }
            Ok::<_, gongkai_store::StoreError>(user)
        })
        .map_err(|e| match e {
            gongkai_store::StoreError::NotFound(what) => {
                ApiError::field("departments", format!("没有这个部门：{what}"))
            }
            other => other.into(),
        })?;
        Ok(UserView::of(&user, u.departments.clone()))
    })
    .await?;
    Ok(UserWithPassword {
        user,
        one_time_password: password,
    })
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
    caller: Authenticated,
    path: web::Path<String>,
    body: Body<UserChange>,
) -> ApiResult<web::Json<UserChanged>> {
    let c = caller.0;
    admin(&c)?;
    Ok(web::Json(
        alter_user(&state, &c, path.into_inner(), body.0).await?,
    ))
}

/// When a password issued now stops working.
fn issued_password_expiry(state: &AppState) -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
        + chrono::Duration::hours(state.settings.issued_password_valid_hours)
}

/// Changes an account (admins).
pub async fn alter_user(
    state: &web::Data<AppState>,
    c: &crate::auth::Caller,
    id: String,
    change: UserChange,
) -> ApiResult<UserChanged> {
    admin(c)?;
    if id == c.user.id && (change.disabled == Some(true) || change.role.is_some()) {
        return Err(ApiError::forbidden(
            "不能停用自己的账号或更改自己的角色（请由另一位管理员操作）",
        ));
    }
    let one_time = change.reset_password.then(new_password);
    let new_password_text = one_time.clone().or(change.password.clone());
    let hash = match new_password_text {
        Some(p) => Some(hash_password_blocking(p).await?),
        None => None,
    };
    // A password set by an admin for someone else is issued: it must be changed.
    let issued = id != c.user.id;
    let user = db(state, move |conn, state| {
        let expires = issued_password_expiry(state);
        accounts::user_by_id(conn, &id)?.ok_or_else(ApiError::not_found)?;
        gongkai_store::write_transaction(conn, |conn| {
            let mut end_sessions = false;
            if let Some(d) = change.disabled {
                accounts::set_disabled(conn, &id, d)?;
                end_sessions |= d;
            }
            if let Some(role) = change.role {
                accounts::set_role(
                    conn,
                    &id,
                    role.role(),
                    &change.departments.clone().unwrap_or_default(),
                )?;
                end_sessions = true;
            }
            if let Some(e) = &change.email {
                accounts::set_email(conn, &id, Some(e.as_str()).filter(|e| !e.is_empty()))?;
            }
            if let Some(h) = &hash {
                if issued {
                    accounts::set_issued_password(conn, &id, h, expires)?;
                } else {
                    accounts::set_password_hash(conn, &id, h)?;
                }
                end_sessions = true;
            }
            if end_sessions {
                sessions::delete_of_user(conn, &id)?;
            }
            Ok::<_, gongkai_store::StoreError>(())
        })
        .map_err(|e| match e {
            gongkai_store::StoreError::NotFound(what) if what.starts_with("department") => {
                ApiError::field("departments", format!("没有这个部门：{what}"))
            }
            other => other.into(),
        })?;
        let user = accounts::user_by_id(conn, &id)?.ok_or_else(ApiError::not_found)?;
        let departments = accounts::actor_for(conn, &user)?.departments;
        Ok(UserView::of(&user, departments))
    })
    .await?;
    Ok(UserChanged {
        user,
        one_time_password: one_time,
    })
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

fn year_view(y: &gongkai_workflow::CalendarYear) -> CalendarYearView {
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
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<CalendarYearView>>> {
    admin(&caller.0)?;
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
    caller: Authenticated,
    path: web::Path<i32>,
    body: Body<CalendarUpload>,
) -> ApiResult<web::Json<CalendarUploaded>> {
    let c = caller.0;
    admin(&c)?;
    Ok(web::Json(
        install_calendar_year(&state, &c, path.into_inner(), body.0.toml).await?,
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

/// The calendar in force with `text` as year `year`, and what it would change: for each open
/// case whose due date moves, (case, tracking number, due now, due after). Nothing is stored.
pub async fn preview_calendar_year(
    state: &web::Data<AppState>,
    c: &crate::auth::Caller,
    year: i32,
    text: String,
) -> ApiResult<(u64, Vec<gongkai_store::recompute::DueChange>)> {
    admin(c)?;
    parse_calendar_year(year, &text)?;
    db_bulk(state, move |conn, state| {
        let mut uploads = sessions::calendar_years(conn)?;
        uploads.retain(|(y, _)| *y != year);
        uploads.push((year, text));
        let calendar = merged_calendar(&state.base_years, &uploads).map_err(ApiError::invalid)?;
        let law = state.law();
        Ok(gongkai_store::recompute::preview(
            conn,
            &calendar,
            &law.statute,
            Utc::now(),
        )?)
    })
    .await
}

/// Stores an uploaded calendar year, puts the merged calendar in force and recomputes the
/// open cases.
pub async fn install_calendar_year(
    state: &web::Data<AppState>,
    c: &crate::auth::Caller,
    year: i32,
    text: String,
) -> ApiResult<CalendarUploaded> {
    admin(c)?;
    let c = c.clone();
    // The upload must hold exactly the year of the path.
    parse_calendar_year(year, &text)?;
    // Stored, in force and recomputed together: never cut short by the request's bound.
    db_bulk(state, move |conn, state| {
        let mut uploads = sessions::calendar_years(conn)?;
        uploads.retain(|(y, _)| *y != year);
        uploads.push((year, text.clone()));
        let calendar = merged_calendar(&state.base_years, &uploads).map_err(ApiError::invalid)?;
        let now = Utc::now();
        sessions::put_calendar_year(conn, year, &text, &c.user.id, now.naive_utc())?;
        let view = calendar
            .year(year)
            .map(year_view)
            .ok_or_else(|| ApiError::internal("uploaded year missing"))?;
        state.set_calendar(calendar);
        let law = state.law();
        let done = recompute_open(conn, &law.calendar, &law.statute, now, 500, |_, _| {})?;
        tracing::info!(year, by = %c.user.username, changed = done.changed, "calendar year uploaded");
        Ok(CalendarUploaded {
            year: view,
            open_cases: done.open_cases,
            recomputed: done.changed,
        })
    })
    .await
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
    caller: Authenticated,
    body: Body<Guide>,
) -> ApiResult<web::Json<Guide>> {
    let c = caller.0;
    admin(&c)?;
    Ok(web::Json(save_guide(&state, &c, body.0).await?))
}

/// Stores the guide text (admins).
pub async fn save_guide(
    state: &web::Data<AppState>,
    c: &crate::auth::Caller,
    guide: Guide,
) -> ApiResult<Guide> {
    admin(c)?;
    let text = serde_json::to_string(&guide).map_err(ApiError::internal)?;
    let by = c.user.id.clone();
    db(state, move |conn, _| {
        Ok(sessions::put_setting(
            conn,
            GUIDE_KEY,
            &text,
            &by,
            Utc::now().naive_utc(),
        )?)
    })
    .await?;
    Ok(guide)
}
