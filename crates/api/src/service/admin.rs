//! Administration: agencies, departments, users (with issued one-time passwords), the
//! working-day calendar and the guide text.

use actix_web::web;
use chrono::Utc;
use gongkai_store::accounts;
use gongkai_store::recompute::{self, recompute_open};
use gongkai_store::{StoreError, sessions, write_transaction};
use gongkai_workflow::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, OneOfBuilder, Schema, Type};

use super::account::{UserView, check_username};
use super::calendar::{CalendarUploaded, merged_calendar, parse_calendar_year, year_view};
use super::guide::{GUIDE_KEY, Guide};
use crate::auth::{
    Admin, Handler, RoleClass, check_password_rule, hash_password_blocking, new_password,
};
use crate::body::{Validate, at_most, limits, required};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::state::{AppState, db, db_bulk};

/// Creates an agency.
pub async fn add_agency(
    state: &web::Data<AppState>,
    _: &Admin,
    a: NewAgency,
) -> ApiResult<accounts::Agency> {
    db(state, move |conn, _| {
        Ok(accounts::create_agency(
            conn,
            &a.code,
            &a.name,
            &a.tracking_prefix,
        )?)
    })
    .await
}

/// Sets the remedy bodies agency `code`'s decisions name (行政复议法 2023 art. 20): its
/// reconsideration body and court. A blank or absent one is cleared (the notices then use
/// generic wording and /admin warns).
pub async fn set_agency_remedy(
    state: &web::Data<AppState>,
    _: &Admin,
    code: String,
    r: AgencyRemedy,
) -> ApiResult<accounts::Agency> {
    let body = r.reconsideration_body();
    let court = r.court();
    db(state, move |conn, _| {
        Ok(accounts::set_agency_remedy(
            conn,
            &code,
            body.as_deref(),
            court.as_deref(),
        )?)
    })
    .await
}

/// Renames agency `code` (admins).
pub async fn rename_agency(
    state: &web::Data<AppState>,
    _: &Admin,
    code: String,
    r: AgencyRename,
) -> ApiResult<accounts::Agency> {
    let name = r.name.trim().to_owned();
    db(state, move |conn, _| {
        Ok(accounts::rename_agency(conn, &code, &name)?)
    })
    .await
}

/// Changes department `code`: its name and whether it is an intake department (admins).
pub async fn edit_department(
    state: &web::Data<AppState>,
    _: &Admin,
    code: String,
    d: DepartmentEdit,
) -> ApiResult<accounts::Department> {
    let name = d.name.trim().to_owned();
    db(state, move |conn, _| {
        Ok(accounts::update_department(
            conn,
            &code,
            &name,
            d.is_intake,
            !d.disabled,
        )?)
    })
    .await
}

/// The departments of agency `code` (public knowledge, like the agencies).
pub async fn departments_of(
    state: &web::Data<AppState>,
    code: String,
) -> ApiResult<Vec<accounts::Department>> {
    db(state, move |conn, _| {
        Ok(accounts::departments_of(conn, &code)?)
    })
    .await
}

/// Every agency with its departments, for the admin's page.
pub async fn directory(
    state: &web::Data<AppState>,
    _: &Admin,
) -> ApiResult<super::directory::Directory> {
    db(state, |conn, _| super::directory::Directory::load(conn)).await
}

/// Creates a department of `agency`.
pub async fn add_department(
    state: &web::Data<AppState>,
    _: &Admin,
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

/// Every account with its departments.
pub async fn users(state: &web::Data<AppState>, _: &Admin) -> ApiResult<Vec<UserView>> {
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

/// Creates an account with a one-time password: to be changed at the first sign-in, refused
/// after `issued_password_valid_hours`.
pub async fn add_user(
    state: &web::Data<AppState>,
    _: &Admin,
    u: NewUser,
) -> ApiResult<UserWithPassword> {
    let password = new_password();
    let hash = hash_password_blocking(password.clone()).await?;
    let user = db(state, move |conn, state| {
        let expires = issued_password_expiry(state);
        let departments: Vec<&str> = u.departments.iter().map(String::as_str).collect();
        let user = write_transaction(conn, |conn| {
            let mut user = accounts::create_user(
                conn,
                &u.username,
                &u.display_name,
                u.role,
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
            if let Some(g) = u.secrecy_reviewer {
                accounts::set_secrecy_reviewer(conn, &user.id, g)?;
                user.secrecy_reviewer = g;
            }
            Ok::<_, StoreError>(user)
        })
        .map_err(|e| match e {
            StoreError::NotFound(what) => {
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

/// When a password issued now stops working.
fn issued_password_expiry(state: &AppState) -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
        + chrono::Duration::hours(state.settings.issued_password_valid_hours)
}

/// Changes an account (admins).
pub async fn alter_user(
    state: &web::Data<AppState>,
    c: &Admin,
    id: String,
    change: UserChange,
) -> ApiResult<UserChanged> {
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
        let before = accounts::user_by_id(conn, &id)?.ok_or_else(ApiError::not_found)?;
        let mut refused = Vec::new();
        check_secrecy_reviewer(
            &mut refused,
            change.role.unwrap_or(before.role),
            change.secrecy_reviewer,
        );
        if !refused.is_empty() {
            return Err(ApiError::invalid(refused));
        }
        write_transaction(conn, |conn| {
            let mut end_sessions = false;
            if let Some(d) = change.disabled {
                accounts::set_disabled(conn, &id, d)?;
                end_sessions |= d;
            }
            if let Some(role) = change.role {
                accounts::set_role(
                    conn,
                    &id,
                    role,
                    &change.departments.clone().unwrap_or_default(),
                )?;
                end_sessions = true;
                if change.secrecy_reviewer.is_none() {
                    accounts::set_secrecy_reviewer(conn, &id, role == Role::Supervisor)?;
                }
            }
            if let Some(g) = change.secrecy_reviewer {
                accounts::set_secrecy_reviewer(conn, &id, g)?;
            }
            if let Some(e) = &change.email {
                accounts::set_email(conn, &id, Some(e.as_str()).filter(|e| !e.is_empty()))?;
            }
            if let Some(n) = &change.display_name {
                accounts::set_display_name(conn, &id, n.trim())?;
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
            Ok::<_, StoreError>(())
        })
        .map_err(|e| match e {
            StoreError::NotFound(what) if what.starts_with("department") => {
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

/// The calendar in force with `text` as year `year`, and what it would change: for each open
/// case whose due date moves, (case, tracking number, due now, due after). Nothing is stored.
pub async fn preview_calendar_year(
    state: &web::Data<AppState>,
    _: &Admin,
    year: i32,
    text: String,
) -> ApiResult<(u64, Vec<recompute::DueChange>)> {
    parse_calendar_year(year, &text)?;
    db_bulk(state, move |conn, state| {
        let mut uploads = sessions::calendar_years(conn)?;
        uploads.retain(|(y, _)| *y != year);
        uploads.push((year, text));
        let calendar = merged_calendar(&state.base_years, &uploads).map_err(ApiError::invalid)?;
        let law = state.law();
        Ok(recompute::preview(
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
    c: &Admin,
    year: i32,
    text: String,
) -> ApiResult<CalendarUploaded> {
    let c = c.0.clone();
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

/// Stores the guide text (admins).
pub async fn save_guide(state: &web::Data<AppState>, c: &Admin, guide: Guide) -> ApiResult<Guide> {
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

/// The tracking-number prefix an agency gets when none is given: its code's letters,
/// upper-cased, at most 8 (`bjcy-zjw` → `BJCYZJW`).
pub fn default_prefix(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .take(limits::TRACKING_PREFIX_MAX)
        .collect()
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

/// A new name for an agency.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyRename {
    pub name: String,
}

impl Validate for AgencyRename {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "name", &self.name, limits::NAME);
    }
}

/// A department's name, whether it is an intake department (接收部门), and whether it is
/// deactivated (停用: kept with its cases, no longer offered for new requests).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentEdit {
    pub name: String,
    #[serde(default)]
    pub is_intake: bool,
    #[serde(default)]
    pub disabled: bool,
}

impl Validate for DepartmentEdit {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "name", &self.name, limits::NAME);
        if self.disabled && self.is_intake {
            errors.push(FieldError {
                path: "is_intake".to_owned(),
                message: "停用的部门不能作为接收部门，请先指定另一个接收部门".to_owned(),
            });
        }
    }
}

/// Where an agency's decisions tell the applicant to seek a remedy (行政复议法 2023 art. 20:
/// the right, the body and the time limit). Blank or absent clears one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyRemedy {
    /// 行政复议机关, e.g. 北京市人民政府 (行政复议法 2023 art. 24).
    #[serde(default)]
    pub reconsideration_body: Option<String>,
    /// The people's court with jurisdiction (有管辖权的人民法院).
    #[serde(default)]
    pub court: Option<String>,
}

fn trimmed(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl AgencyRemedy {
    pub fn reconsideration_body(&self) -> Option<String> {
        trimmed(self.reconsideration_body.as_ref())
    }

    pub fn court(&self) -> Option<String> {
        trimmed(self.court.as_ref())
    }
}

impl Validate for AgencyRemedy {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        for (path, value) in [
            ("reconsideration_body", &self.reconsideration_body),
            ("court", &self.court),
        ] {
            if let Some(v) = value {
                at_most(errors, path, v.trim(), limits::NAME);
            }
        }
    }
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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    #[schema(schema_with = role_schema)]
    pub role: Role,
    #[serde(default)]
    pub departments: Vec<String>,
    /// Where staff notices (assignments, reviews, reminders) go.
    #[serde(default)]
    pub email: Option<String>,
    /// May record the secrecy review (保密审查) of a release; unset, supervisors may and
    /// clerks may not.
    #[serde(default)]
    pub secrecy_reviewer: Option<bool>,
}

fn check_email(errors: &mut Vec<FieldError>, email: Option<&str>, empty_ok: bool) {
    match email {
        None => {}
        Some("") if empty_ok => {}
        Some(e) if gongkai_mailer::message::check_address(e).is_err() => {
            errors.push(FieldError {
                path: "email".to_owned(),
                message: "电子邮箱格式不正确，请填写如 name@example.gov.cn 的地址".to_owned(),
            });
        }
        Some(_) => {}
    }
}

/// The roles an admin may give a user: every role but the scheduler's.
pub fn assignable_roles() -> impl Iterator<Item = Role> {
    Role::ALL.into_iter().filter(|r| *r != Role::System)
}

/// Whether users of `role` work in departments (and must belong to at least one): the
/// roles that handle requests.
pub fn has_departments(role: Role) -> bool {
    Handler::admits(role)
}

/// A role an admin may give, as the OpenAPI document states it.
fn role_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(assignable_roles().map(Role::as_str)))
        .build()
}

/// [`role_schema`] or null (a user's change of role).
fn optional_role_schema() -> Schema {
    Schema::OneOf(
        OneOfBuilder::new()
            .description(Some("New role and department scope, given together."))
            .item(Object::with_type(Type::Null))
            .item(role_schema())
            .build(),
    )
}

fn check_scope(errors: &mut Vec<FieldError>, role: Role, departments: &[String]) {
    if role == Role::System {
        errors.push(FieldError {
            path: "role".to_owned(),
            message: "不能把系统角色赋予用户".to_owned(),
        });
    }
    let staff = has_departments(role);
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
        check_username(errors, "username", &self.username);
        required(errors, "display_name", &self.display_name, limits::NAME);
        check_scope(errors, self.role, &self.departments);
        if let Some(e) = &self.email {
            at_most(errors, "email", e, limits::EMAIL);
        }
        check_email(errors, self.email.as_deref(), false);
        check_secrecy_reviewer(errors, self.role, self.secrecy_reviewer);
    }
}

/// The secrecy review permission is for those who handle requests (clerks, supervisors).
fn check_secrecy_reviewer(errors: &mut Vec<FieldError>, role: Role, granted: Option<bool>) {
    if granted == Some(true) && !has_departments(role) {
        errors.push(FieldError {
            path: "secrecy_reviewer".to_owned(),
            message: "只有承办人和审核人可以授予保密审查权限".to_owned(),
        });
    }
}

/// A user with a one-time password to hand over (shown once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserWithPassword {
    pub user: UserView,
    pub one_time_password: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// Disable (true) or enable (false) the account; a disabled user's sessions end.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// New role and department scope, given together.
    #[serde(default)]
    #[schema(schema_with = optional_role_schema)]
    pub role: Option<Role>,
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
    /// A new display name (姓名).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Grant (true) or withdraw (false) the secrecy review (保密审查); a change of role
    /// without it gives the new role's default (supervisors have it).
    #[serde(default)]
    pub secrecy_reviewer: Option<bool>,
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
        if let Some(n) = &self.display_name {
            required(errors, "display_name", n, limits::NAME);
        }
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
