//! The web pages: server-rendered HTML (askama), Chinese first, usable without JavaScript.
//!
//! Pages call the same functions as the JSON API (`routes::*`), so a rule holds in both. Forms
//! post `application/x-www-form-urlencoded`; [`form::to_json`] turns the fields into the JSON
//! the API types take (dotted names nest: `applicant.name`), and the API's validation errors
//! come back next to the field they name. Every form carries a CSRF token: the session's for
//! logged-in users, a random per-browser cookie for anonymous forms (double submit).

pub mod actions;
mod admin;
pub mod form;
mod insight;
mod public;
mod reports;
mod staff;

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder, ResponseError, web};
use askama::Template;
use gongkai_workflow::Role;

use crate::auth::{Caller, WebCaller, constant_time_eq, new_token};
use crate::error::{ApiError, ErrorCode};

pub use form::FormState;

/// The anonymous visitor's form token (double-submit CSRF protection).
pub const FORM_COOKIE: &str = "gongkai_form";

const STYLE: &str = include_str!("../../static/app.css");

/// The web routes (outside /api/v1).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/app.css", web::get().to(stylesheet))
        .route("/", web::get().to(public::guide))
        .route("/apply", web::get().to(public::apply_form))
        .route("/apply", web::post().to(public::apply))
        .route("/apply/form", web::get().to(public::blank_form))
        .route("/apply/receipt", web::get().to(public::receipt))
        .route("/lookup", web::get().to(public::lookup_form))
        .route("/lookup", web::post().to(public::lookup))
        .route("/lookup/correction", web::post().to(public::correction))
        .route("/lookup/withdrawal", web::post().to(public::withdrawal))
        .route("/login", web::get().to(public::login_form))
        .route("/login", web::post().to(public::login))
        .route("/logout", web::post().to(public::logout))
        .route("/account/password", web::get().to(public::password_form))
        .route("/account/password", web::post().to(public::change_password))
        .route("/register", web::get().to(public::register_form))
        .route("/register", web::post().to(public::register))
        .route("/my", web::get().to(public::my_requests))
        .route("/my/{id}", web::get().to(public::my_request))
        .route("/my/{id}/{what}", web::post().to(public::my_action))
        .route(
            "/my/{id}/notices/{notice}",
            web::get().to(public::my_notice),
        )
        .route("/staff", web::get().to(staff::home))
        .route("/staff/queue", web::get().to(staff::queue))
        .route("/staff/register", web::get().to(staff::register_form))
        .route("/staff/register", web::post().to(staff::register))
        .route("/staff/registered", web::get().to(staff::registered))
        .route("/staff/dashboard", web::get().to(staff::dashboard))
        .route("/staff/stats", web::get().to(insight::stats_page))
        .route("/staff/stats.csv", web::get().to(insight::stats_csv))
        .route("/staff/frequent", web::get().to(insight::frequent_page))
        .route("/staff/frequent.csv", web::get().to(insight::frequent_csv))
        .route("/staff/frequent/marks", web::post().to(insight::mark))
        .route("/staff/report", web::get().to(reports::page))
        .route("/staff/report.csv", web::get().to(reports::csv))
        .route("/staff/report.xlsx", web::get().to(reports::xlsx))
        .route("/staff/cases/{id}", web::get().to(staff::case_page))
        .route(
            "/staff/cases/{id}/attachments",
            web::post().to(staff::upload),
        )
        .route("/staff/cases/{id}/{action}", web::post().to(staff::act))
        .route("/admin", web::get().to(admin::home))
        .route("/admin/users", web::post().to(admin::create_user))
        .route("/admin/users/{id}", web::post().to(admin::change_user))
        .route(
            "/admin/departments",
            web::post().to(admin::create_department),
        )
        .route("/admin/guide", web::get().to(admin::guide_form))
        .route("/admin/guide", web::post().to(admin::save_guide))
        .route("/admin/templates", web::get().to(admin::templates))
        .route(
            "/admin/templates/{key}",
            web::get().to(admin::template_form),
        )
        .route(
            "/admin/templates/{key}",
            web::post().to(admin::save_template),
        )
        .route(
            "/admin/templates/{key}/reset",
            web::post().to(admin::reset_template),
        )
        .route("/admin/calendar", web::get().to(admin::calendar))
        .route("/admin/calendar", web::post().to(admin::calendar_upload));
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLE)
}

/// Whether a request asks for a page rather than JSON (for the 404 of unknown paths).
pub fn wants_html(req: &HttpRequest) -> bool {
    !req.path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// The signed-in user as the page header shows them.
#[derive(Debug, Clone)]
pub struct Badge {
    pub name: String,
    pub role: Role,
}

impl Badge {
    pub fn role_label(&self) -> &'static str {
        self.role.label_zh()
    }
    pub fn is_applicant(&self) -> bool {
        self.role == Role::Applicant
    }
    pub fn is_staff(&self) -> bool {
        matches!(self.role, Role::Clerk | Role::Supervisor | Role::Admin)
    }
    /// Clerks and supervisors register paper requests (admins do not).
    pub fn can_register(&self) -> bool {
        matches!(self.role, Role::Clerk | Role::Supervisor)
    }
    pub fn is_supervisor(&self) -> bool {
        matches!(self.role, Role::Supervisor | Role::Admin)
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// What every page's frame needs: the title, who is signed in, the form token, a message.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub title: String,
    pub user: Option<Badge>,
    pub csrf: String,
    /// A one-line confirmation shown above the content ("已提交").
    pub flash: Option<String>,
}

/// The visitor of a page: the session if any, and the token the page's forms carry.
pub struct Visitor {
    pub caller: Option<Caller>,
    pub csrf: String,
    /// A new anonymous form token to set as a cookie with the response.
    new_cookie: Option<String>,
    secure: bool,
}

impl FromRequest for Visitor {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = WebCaller::from_request(req, payload);
        let cookie = req
            .cookie(FORM_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
        let secure = req
            .app_data::<web::Data<crate::AppState>>()
            .is_some_and(|s| s.settings.secure_cookies);
        Box::pin(async move {
            let caller = caller.await.map_err(WebError)?.0;
            let (csrf, new_cookie) = match (&caller, cookie) {
                (Some(c), _) => (c.csrf_token.clone(), None),
                (None, Some(token)) => (token, None),
                (None, None) => {
                    let t = new_token();
                    (t.clone(), Some(t))
                }
            };
            Ok(Visitor {
                caller,
                csrf,
                new_cookie,
                secure,
            })
        })
    }
}

impl Visitor {
    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        Chrome {
            title: title.into(),
            user: self.caller.as_ref().map(|c| Badge {
                name: c.user.display_name.clone(),
                role: c.role(),
            }),
            csrf: self.csrf.clone(),
            flash: None,
        }
    }

    /// The signed-in caller, or a redirect to the login page.
    pub fn signed_in(&self, back_to: &str) -> Result<&Caller, WebError> {
        self.caller
            .as_ref()
            .ok_or_else(|| WebError::login(back_to.to_owned()))
    }

    /// Staff (clerk, supervisor, admin) only; others get a 404 page, as in the API.
    pub fn staff(&self, back_to: &str) -> Result<&Caller, WebError> {
        let c = self.signed_in(back_to)?;
        if matches!(c.role(), Role::Clerk | Role::Supervisor | Role::Admin) {
            Ok(c)
        } else {
            Err(WebError(ApiError::not_found()))
        }
    }

    /// Checks the form's CSRF field: a write without the page's token is refused.
    pub fn check(&self, form: &FormState) -> Result<(), WebError> {
        let sent = form.raw("csrf");
        if sent.is_empty() || !constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            return Err(WebError(ApiError::new(
                ErrorCode::CsrfTokenMissing,
                "表单缺少有效的安全令牌（页面可能已过期），请返回上一页刷新后重新提交",
            )));
        }
        Ok(())
    }

    /// A response builder with the anonymous form cookie when one was made for this page.
    pub fn respond(&self, status: StatusCode) -> HttpResponseBuilder {
        let mut b = HttpResponse::build(status);
        security_headers(&mut b);
        if let Some(t) = &self.new_cookie {
            b.cookie(
                Cookie::build(FORM_COOKIE, t.clone())
                    .path("/")
                    .http_only(true)
                    .secure(self.secure)
                    .same_site(SameSite::Lax)
                    .finish(),
            );
        }
        b
    }

    /// Renders `page` with `status`.
    pub fn render<T: Template>(&self, status: StatusCode, page: &T) -> WebResult {
        let html = page.render().map_err(|e| WebError(ApiError::internal(e)))?;
        Ok(self
            .respond(status)
            .content_type("text/html; charset=utf-8")
            .body(html))
    }
}

fn security_headers(b: &mut HttpResponseBuilder) {
    b.insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
}

/// A 303 to `to` (after a successful POST).
pub fn see_other(to: &str) -> HttpResponse {
    let mut b = HttpResponse::SeeOther();
    security_headers(&mut b);
    b.insert_header((header::LOCATION, to.to_owned())).finish()
}

/// An error shown as a page.
#[derive(Debug)]
pub struct WebError(pub ApiError);

pub type WebResult = Result<HttpResponse, WebError>;

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> WebError {
        WebError(e)
    }
}

impl WebError {
    /// Not signed in: to the login page, back here afterwards.
    pub fn login(back_to: String) -> WebError {
        WebError(ApiError {
            detail: back_to,
            ..ApiError::unauthenticated()
        })
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    detail: String,
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        self.0.status
    }

    fn error_response(&self) -> HttpResponse {
        let e = &self.0;
        if e.code == ErrorCode::Unauthenticated.as_str() {
            let back = if e.detail.starts_with('/') && !e.detail.starts_with("//") {
                e.detail.clone()
            } else {
                "/".to_owned()
            };
            return see_other(&format!("/login?next={}", form::percent_encode(&back)));
        }
        // A session with an issued password: every other page leads to the password page.
        if e.code == ErrorCode::PasswordChangeRequired.as_str() {
            return see_other("/account/password");
        }
        if e.status.is_server_error() {
            tracing::error!(code = %e.code, detail = %e.detail, "page failed");
        }
        let detail = if e.status.is_server_error() {
            "系统暂时无法完成您的请求，请稍后再试；如问题持续，请联系系统管理员。".to_owned()
        } else {
            e.detail.clone()
        };
        let page = ErrorPage {
            chrome: Chrome {
                title: e.title.clone(),
                user: None,
                csrf: String::new(),
                flash: None,
            },
            status: e.status.as_u16(),
            detail,
        };
        let mut b = HttpResponse::build(e.status);
        security_headers(&mut b);
        match page.render() {
            Ok(html) => b.content_type("text/html; charset=utf-8").body(html),
            Err(_) => b
                .content_type("text/plain; charset=utf-8")
                .body(e.title.clone()),
        }
    }
}

/// The 404 page of unknown paths.
pub fn not_found_page() -> HttpResponse {
    WebError(ApiError::not_found()).error_response()
}

/// Reads a form body (urlencoded) as name/value pairs; an unreadable body is a 400 page.
pub struct FormBody(pub FormState);

impl FromRequest for FormBody {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        Box::pin(async move {
            match fut.await {
                Ok(f) => Ok(FormBody(FormState::from_pairs(f.into_inner()))),
                Err(e)
                    if matches!(
                        e.as_error::<actix_web::error::UrlencodedError>(),
                        Some(actix_web::error::UrlencodedError::Overflow { .. })
                    ) =>
                {
                    Err(WebError(ApiError::new(
                        ErrorCode::PayloadTooLarge,
                        "提交的内容过长，请删减后重试",
                    )))
                }
                Err(_) => Err(WebError(ApiError::new(
                    ErrorCode::MalformedBody,
                    "无法读取提交的表单，请返回上一页重新提交",
                ))),
            }
        })
    }
}

/// The cookie that carries a receipt (case and query code) from the POST that filed or
/// registered a request to the page it redirects to, so that reloading the receipt never files
/// the request twice. The page reads it once and removes it.
pub const RECEIPT_COOKIE: &str = "gongkai_receipt";

/// A redirect to `to` carrying the receipt of `case_id` for one showing.
pub fn with_receipt(to: &str, case_id: &str, query_code: &str, secure: bool) -> WebResult {
    let value: String = format!("{case_id}.{query_code}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut r = see_other(to);
    r.add_cookie(
        &Cookie::build(RECEIPT_COOKIE, value)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Strict)
            .max_age(actix_web::cookie::time::Duration::minutes(10))
            .finish(),
    )
    .map_err(|e| WebError(ApiError::internal(e)))?;
    Ok(r)
}

/// The receipt cookie's (case id, query code), if the request carries one.
pub fn receipt_of(req: &HttpRequest) -> Option<(String, String)> {
    let hex = req.cookie(RECEIPT_COOKIE)?.value().to_owned();
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (case, code) = text.split_once('.')?;
    Some((case.to_owned(), code.to_owned()))
}

/// Renders a receipt page and removes the receipt cookie: it is shown once.
pub fn show_receipt_once<T: Template>(visitor: &Visitor, page: &T) -> WebResult {
    let html = page.render().map_err(|e| WebError(ApiError::internal(e)))?;
    Ok(visitor
        .respond(StatusCode::OK)
        .cookie(receipt_removal())
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Removes the receipt cookie from the browser.
pub fn receipt_removal() -> Cookie<'static> {
    let mut gone = Cookie::build(RECEIPT_COOKIE, "").path("/").finish();
    gone.make_removal();
    gone
}
