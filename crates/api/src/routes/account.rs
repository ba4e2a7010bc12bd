//! Accounts and sessions: applicant registration, login (throttled), logout, the caller's own
//! requests.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use gongkai_store::accounts::User;
use gongkai_workflow::Role;
use gongkai_workflow::model::ApplicantType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Applicant, Authenticated, SESSION_COOKIE, check_password_rule, client_address};
use crate::body::{Body, Validate, at_most, limits, required};
use crate::error::{ApiResult, FieldError, Problem};
use crate::state::AppState;
use crate::views::{CaseSummary, PublicCase};

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
    let ok = (limits::USERNAME_MIN..=limits::USERNAME_MAX).contains(&username.len())
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
        required(errors, "display_name", &self.display_name, limits::NAME);
        if let Some(e) = &self.email {
            at_most(errors, "email", e, limits::EMAIL);
        }
        if let Some(p) = &self.phone {
            at_most(errors, "phone", p, limits::PHONE);
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
    #[schema(value_type = String)]
    pub role: Role,
    pub departments: Vec<String>,
    pub disabled: bool,
    /// The password was issued by someone else: until the user sets their own, the session
    /// may only change it (POST /api/v1/session/password), read itself and sign out.
    pub must_change_password: bool,
}

impl UserView {
    pub fn of(user: &User, departments: Vec<String>) -> UserView {
        UserView {
            id: user.id.clone(),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            role: user.role,
            departments,
            disabled: user.disabled,
            must_change_password: user.must_change_password,
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
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<Registration>,
) -> ApiResult<HttpResponse> {
    let user = crate::service::account::create_account(
        &state,
        client_address(&req, state.settings.trust_forwarded_for),
        body.0,
    )
    .await?;
    Ok(HttpResponse::Created().json(user))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

impl Validate for Login {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "username", &self.username, limits::USERNAME_MAX);
        required(errors, "password", &self.password, limits::PASSWORD_MAX);
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
    let (view, token) = crate::service::account::open_session(
        &state,
        client_address(&req, state.settings.trust_forwarded_for),
        body.0,
    )
    .await?;
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

/// A new password for the logged-in user, who proves the current one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl Validate for PasswordChange {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(
            errors,
            "current_password",
            &self.current_password,
            limits::PASSWORD_MAX,
        );
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
    crate::service::account::set_own_password(&state, caller.0, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
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
    crate::service::account::end_session(&state, caller.0.token.clone()).await?;
    Ok(HttpResponse::NoContent()
        .cookie(removed_session_cookie())
        .finish())
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
    applicant: Applicant,
) -> ApiResult<web::Json<Vec<CaseSummary>>> {
    Ok(web::Json(
        crate::service::filing::my_requests(&state, &applicant).await?,
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
    let (view, _) = crate::service::filing::my_request(&state, caller.0, path.into_inner()).await?;
    Ok(web::Json(view.case))
}
