//! Accounts and sessions: applicant registration, login (throttled), logout, the caller's own
//! requests.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use crate::auth::{Applicant, Authenticated, SESSION_COOKIE};
use crate::body::Body;
use crate::error::{ApiResult, Problem};
use crate::service::account::{Login, PasswordChange, Registration, SessionView, UserView};
use crate::state::AppState;
use crate::views::{CaseSummary, PublicCase};

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
    let user =
        crate::service::account::create_account(&state, state.client_address(&req), body.0).await?;
    Ok(HttpResponse::Created().json(user))
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
    let (view, token) =
        crate::service::account::open_session(&state, state.client_address(&req), body.0).await?;
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
