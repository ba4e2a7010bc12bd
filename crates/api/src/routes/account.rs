//! Accounts and sessions: applicant registration, login (throttled), logout, the caller's own
//! requests.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{Duration, Utc};
use gongkai_store::accounts::{self, ApplicantProfile};
use gongkai_store::{events, queries, sessions};
use gongkai_workflow::model::ApplicantType;
use gongkai_workflow::{Case, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{
    Authenticated, SESSION_COOKIE, check_password_rule, client_address, hash_password_blocking,
    new_token, verify_password_blocking,
};
use crate::body::{Body, Validate, at_most, required};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError, Problem};
use crate::state::{AppState, db};
use crate::views::{CaseSummary, PublicCase, public_case};

/// A new applicant account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub applicant_type: ApplicantType,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

fn check_username(errors: &mut Vec<FieldError>, path: &str, username: &str) {
    let ok = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if !ok {
        errors.push(FieldError {
            path: path.to_owned(),
            message: "用户名为 3—64 位字母、数字或 . _ - @".to_owned(),
        });
    }
}

impl Validate for Registration {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        check_username(errors, "username", &self.username);
        if let Err(m) = check_password_rule(&self.password) {
            errors.push(FieldError {
                path: "password".to_owned(),
                message: m,
            });
        }
        required(errors, "display_name", &self.display_name, 100);
        if let Some(e) = &self.email {
            at_most(errors, "email", e, 254);
        }
        if let Some(p) = &self.phone {
            at_most(errors, "phone", p, 30);
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// Where staff notices go.
    pub email: Option<String>,
    pub role: String,
    pub departments: Vec<String>,
    pub disabled: bool,
}

impl UserView {
    pub fn of(user: &accounts::User, departments: Vec<String>) -> UserView {
        UserView {
            id: user.id.clone(),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            role: user.role.clone(),
            departments,
            disabled: user.disabled,
        }
    }
}

#[utoipa::path(
    tag = "account",
    request_body = Registration,
    responses(
        (status = 201, body = UserView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/account")]
pub async fn register(
    state: web::Data<AppState>,
    body: Body<Registration>,
) -> ApiResult<HttpResponse> {
    let user = create_account(&state, body.0).await?;
    Ok(HttpResponse::Created().json(user))
}

/// Opens an applicant account.
pub async fn create_account(state: &web::Data<AppState>, r: Registration) -> ApiResult<UserView> {
    let hash = hash_password_blocking(r.password.clone()).await?;
    db(state, move |conn, _| {
        let user = gongkai_store::write_transaction(conn, |conn| {
            let user = accounts::create_user(
                conn,
                &r.username,
                &r.display_name,
                Role::Applicant,
                Some(&hash),
                &[],
            )?;
            let now = Utc::now().naive_utc();
            accounts::save_applicant_profile(
                conn,
                &ApplicantProfile {
                    id: user.id.clone(),
                    user_id: Some(user.id.clone()),
                    applicant_type: serde_json::to_value(r.applicant_type)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    name: r.display_name.clone(),
                    id_document_type: None,
                    id_document_number: None,
                    credit_code: None,
                    legal_representative: None,
                    contact_person: None,
                    phone: r.phone.clone(),
                    email: r.email.clone(),
                    postal_address: None,
                    postal_code: None,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            Ok::<_, gongkai_store::StoreError>(user)
        })
        .map_err(|e| match e {
            gongkai_store::StoreError::Duplicate(_) => {
                ApiError::new(ErrorCode::Duplicate, "该用户名已被注册")
            }
            other => other.into(),
        })?;
        Ok(UserView::of(&user, Vec::new()))
    })
    .await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

impl Validate for Login {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "username", &self.username, 64);
        required(errors, "password", &self.password, 128);
    }
}

/// A new session. Browsers get the token as an HttpOnly cookie and must echo `csrf_token` in
/// the X-CSRF-Token header on writes; API clients send `Authorization: Bearer {token}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub token: Option<String>,
    pub csrf_token: String,
    pub user: UserView,
    pub expires_in_minutes: i64,
}

/// The throttling key of a submitted username: counted whether or not the user exists, so
/// that the answers do not tell which accounts exist.
fn account_key(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

fn too_many(minutes: i64) -> ApiError {
    ApiError {
        retry_after: Some(u64::try_from(minutes * 60).unwrap_or(900)),
        ..ApiError::new(
            ErrorCode::TooManyAttempts,
            format!("登录失败次数过多，请 {minutes} 分钟后再试"),
        )
    }
}

#[utoipa::path(
    tag = "account",
    request_body = Login,
    responses(
        (status = 201, body = SessionView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/session")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<Login>,
) -> ApiResult<HttpResponse> {
    let (view, token) = open_session(&req, &state, body.0).await?;
    let cookie = session_cookie(&state.settings, token);
    Ok(HttpResponse::Created().cookie(cookie).json(view))
}

/// The session cookie carrying `token`.
pub fn session_cookie(settings: &crate::state::ApiSettings, token: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(settings.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::hours(settings.session_absolute_hours))
        .finish()
}

/// Checks a login (throttled per account and address) and opens a session: the view and the
/// session token.
pub async fn open_session(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    credentials: Login,
) -> ApiResult<(SessionView, String)> {
    let state = web::Data::clone(state);
    let address = client_address(req, state.settings.trust_forwarded_for);
    let s = state.settings.clone();
    let window = Duration::minutes(s.lockout_minutes);
    let account = account_key(&credentials.username);
    // 1. Throttling and the stored hash, without holding a connection afterwards.
    let (a, addr) = (account.clone(), address.clone());
    let username = credentials.username.trim().to_owned();
    let (locked, user) = db(&state, move |conn, state| {
        let s = &state.settings;
        let now = Utc::now().naive_utc();
        let locked = sessions::address_failures(conn, &addr, now, window)?
            >= s.max_failed_logins_per_address
            || sessions::address_failures(conn, &a, now, window)?
                >= s.max_failed_logins_per_account;
        Ok((locked, accounts::user_by_username(conn, &username)?))
    })
    .await?;
    if locked {
        return Err(too_many(s.lockout_minutes));
    }
    // 2. The slow hash check, on the blocking pool but outside any database connection.
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = verify_password_blocking(stored, credentials.password.clone()).await?;
    let Some(user) = user.filter(|_| ok) else {
        db(&state, move |conn, _| {
            let now = Utc::now().naive_utc();
            sessions::record_address_failure(conn, &address, now, window)?;
            sessions::record_address_failure(conn, &account, now, window)?;
            Ok(())
        })
        .await?;
        return Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "用户名或密码错误",
        ));
    };
    if user.disabled {
        return Err(ApiError::new(
            ErrorCode::AccountDisabled,
            "该账号已停用，请联系系统管理员",
        ));
    }
    // 3. The session.
    let (view, token) = db(&state, move |conn, state| {
        let s = &state.settings;
        let now = Utc::now().naive_utc();
        sessions::clear_address_failures(conn, &account)?;
        sessions::clear_address_failures(conn, &address)?;
        let token = new_token();
        let csrf = new_token();
        sessions::create(
            conn,
            &token,
            &user.id,
            &csrf,
            now,
            Duration::minutes(s.session_idle_minutes),
        )?;
        let actor = accounts::actor_for(conn, &user)?;
        tracing::info!(user = %user.username, "login");
        Ok((
            SessionView {
                token: Some(token.clone()),
                csrf_token: csrf,
                user: UserView::of(&user, actor.departments),
                expires_in_minutes: s.session_idle_minutes,
            },
            token,
        ))
    })
    .await?;
    Ok((view, token))
}

/// A new password for the logged-in user, who proves the current one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl Validate for PasswordChange {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "current_password", &self.current_password, 128);
        if let Err(m) = check_password_rule(&self.new_password) {
            errors.push(FieldError {
                path: "new_password".to_owned(),
                message: m,
            });
        }
    }
}

#[utoipa::path(
    tag = "account",
    request_body = PasswordChange,
    responses(
        (status = 204),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/session/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Body<PasswordChange>,
) -> ApiResult<HttpResponse> {
    set_own_password(&state, caller.0, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the caller's own password after checking the current one; the caller's other
/// sessions end.
pub async fn set_own_password(
    state: &web::Data<AppState>,
    c: crate::auth::Caller,
    change: PasswordChange,
) -> ApiResult<()> {
    let stored = c.user.password_hash.clone();
    let ok = verify_password_blocking(stored, change.current_password.clone()).await?;
    if !ok {
        return Err(ApiError::field("current_password", "当前密码不正确"));
    }
    let hash = hash_password_blocking(change.new_password.clone()).await?;
    db(state, move |conn, _| {
        gongkai_store::write_transaction(conn, |conn| {
            accounts::set_password_hash(conn, &c.user.id, &hash)?;
            // Every other session of the user ends; this one stays.
            sessions::delete_of_user_except(conn, &c.user.id, &c.token)?;
            Ok::<_, gongkai_store::StoreError>(())
        })?;
        Ok(())
    })
    .await
}

#[utoipa::path(
    tag = "account",
    responses(
        (status = 200, body = SessionView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/session")]
pub async fn current(caller: Authenticated) -> ApiResult<web::Json<SessionView>> {
    let c = caller.0;
    Ok(web::Json(SessionView {
        token: None,
        csrf_token: c.csrf_token.clone(),
        user: UserView::of(&c.user, c.actor.departments.clone()),
        expires_in_minutes: 0,
    }))
}

#[utoipa::path(
    tag = "account",
    responses(
        (status = 204),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/session")]
pub async fn logout(state: web::Data<AppState>, caller: Authenticated) -> ApiResult<HttpResponse> {
    end_session(&state, caller.0.token.clone()).await?;
    Ok(HttpResponse::NoContent()
        .cookie(removed_session_cookie())
        .finish())
}

/// Ends the session of `token`.
pub async fn end_session(state: &web::Data<AppState>, token: String) -> ApiResult<()> {
    db(state, move |conn, _| Ok(sessions::delete(conn, &token)?)).await
}

/// A cookie that removes the session cookie.
pub fn removed_session_cookie() -> Cookie<'static> {
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    gone
}

#[utoipa::path(
    tag = "account",
    responses(
        (status = 200, body = Vec<CaseSummary>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/my/requests")]
pub async fn my_requests(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<CaseSummary>>> {
    let c = caller.0;
    c.require(&[Role::Applicant])?;
    let rows = db(&state, move |conn, _| {
        Ok(queries::cases_of_account(conn, &c.user.id)?)
    })
    .await?;
    Ok(web::Json(
        rows.into_iter().map(CaseSummary::for_applicant).collect(),
    ))
}

#[utoipa::path(
    tag = "account",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/my/requests/{id}")]
pub async fn my_request(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<PublicCase>> {
    let c = caller.0;
    let id = path.into_inner();
    let view = db(&state, move |conn, state| {
        let row = queries::case_row(conn, &c.scope(), &id)?
            .filter(|_| c.role() == Role::Applicant)
            .ok_or_else(ApiError::not_found)?;
        let evs = events::load(conn, &row.id)?;
        let case = Case::from_events(&evs);
        Ok(public_case(&row.id, &case, &evs, &state.law()))
    })
    .await?;
    Ok(web::Json(view))
}
