//! Accounts: sign-in, sign-out, registration, and the user's own password.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use gongkai_workflow::Role;
use gongkai_workflow::model::ApplicantType;
use serde::Deserialize;

use super::*;
use crate::error::ApiError;
use crate::pages::{
    Chrome, FormBody, FormState, SignedIn, Visitor, WebError, WebResult, see_other,
};
use crate::routes::account::{removed_session_cookie, session_cookie};
use crate::service::account;
use crate::service::account::{Login, PasswordChange, Registration};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    chrome: Chrome,
    form: FormState,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// A local path to go back to after login (never another site).
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => String::new(),
    }
}

pub async fn login_form(visitor: Visitor, query: web::Query<NextQuery>) -> WebResult {
    visitor.render(
        StatusCode::OK,
        &LoginPage {
            chrome: visitor.chrome("登录"),
            form: FormState::default(),
            next: safe_next(query.next.as_deref()),
        },
    )
}

pub(super) fn home_of(role: Role) -> &'static str {
    match role {
        Role::Applicant => "/my",
        Role::Admin => "/admin",
        Role::Supervisor => "/staff/dashboard",
        _ => "/staff/queue",
    }
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    body: FormBody,
) -> WebResult {
    let mut form = body.0;
    visitor.check(&form)?;
    let next = safe_next(Some(form.v("next")));
    let parsed = form.parse::<Login>(&["next"]);
    let result = match parsed {
        Ok(login) => account::open_session(&state, state.client_address(&req), login).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((view, token)) => {
            let role = view.user.role;
            let to = if view.user.must_change_password {
                // An issued password: the session may do nothing else first.
                "/account/password".to_owned()
            } else if next.is_empty() {
                home_of(role).to_owned()
            } else {
                next
            };
            let mut r = see_other(&to);
            r.add_cookie(&session_cookie(&state.settings, token))
                .map_err(|e| WebError(ApiError::internal(e)))?;
            Ok(r)
        }
        Err(e) if e.status.is_client_error() => {
            form.set("password", "");
            let status = e.status;
            form.absorb(&e, "");
            visitor.render(
                status,
                &LoginPage {
                    chrome: visitor.chrome("登录"),
                    form,
                    next,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    visitor.check(&body.0)?;
    if let Some(c) = &visitor.caller {
        account::end_session(&state, c.token.clone()).await?;
    }
    let mut r = see_other("/");
    r.add_cookie(&removed_session_cookie())
        .map_err(|e| WebError(ApiError::internal(e)))?;
    Ok(r)
}

#[derive(Template)]
#[template(path = "register.html")]
pub(super) struct RegisterPage {
    chrome: Chrome,
    form: FormState,
    applicant_types: Vec<Choice>,
}

pub async fn register_form(visitor: Visitor) -> WebResult {
    visitor.render(
        StatusCode::OK,
        &RegisterPage {
            chrome: visitor.chrome("注册申请人账号"),
            form: FormState::with(&[("applicant_type", ApplicantType::NaturalPerson.as_str())]),
            applicant_types: applicant_types(),
        },
    )
}

pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    body: FormBody,
) -> WebResult {
    let mut form = body.0;
    visitor.check(&form)?;
    let parsed = form.parse::<Registration>(&[]);
    let result = match parsed {
        Ok(r) => {
            let login = Login {
                username: r.username.clone(),
                password: r.password.clone(),
            };
            match account::create_account(&state, state.client_address(&req), r).await {
                Ok(_) => account::open_session(&state, state.client_address(&req), login).await,
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((_, token)) => {
            let mut r = see_other("/my");
            r.add_cookie(&session_cookie(&state.settings, token))
                .map_err(|e| WebError(ApiError::internal(e)))?;
            Ok(r)
        }
        Err(e) if e.status.is_client_error() => {
            form.set("password", "");
            let status = e.status;
            form.absorb(&e, "");
            visitor.render(
                status,
                &RegisterPage {
                    chrome: visitor.chrome("注册申请人账号"),
                    form,
                    applicant_types: applicant_types(),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "password.html")]
pub(super) struct PasswordPage {
    chrome: Chrome,
    form: FormState,
}

pub async fn password_form(page: SignedIn) -> WebResult {
    let SignedIn { visitor, caller: c } = page;
    let mut chrome = visitor.chrome("修改密码");
    if c.user.must_change_password {
        chrome.flash = Some(
            "您正在使用管理员签发的一次性密码：请先设置自己的密码，之后才能使用其他功能。"
                .to_owned(),
        );
    }
    visitor.render(
        StatusCode::OK,
        &PasswordPage {
            chrome,
            form: FormState::default(),
        },
    )
}

pub async fn change_password(
    state: web::Data<AppState>,
    page: SignedIn,
    body: FormBody,
) -> WebResult {
    let SignedIn { visitor, caller: c } = page;
    let mut form = body.0;
    visitor.check(&form)?;
    let result = match form.parse::<PasswordChange>(&[]) {
        Ok(change) => account::set_own_password(&state, c, change).await,
        Err(e) => Err(e),
    };
    // Passwords are never sent back to the browser.
    form.set("current_password", "");
    form.set("new_password", "");
    match result {
        Ok(()) => {
            let mut chrome = visitor.chrome("修改密码");
            chrome.flash = Some("密码已修改；您在其他设备上的登录已退出。".to_owned());
            visitor.render(StatusCode::OK, &PasswordPage { chrome, form })
        }
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            form.absorb(&e, "");
            visitor.render(
                status,
                &PasswordPage {
                    chrome: visitor.chrome("修改密码"),
                    form,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
