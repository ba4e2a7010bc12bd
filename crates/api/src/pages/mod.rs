//! The web pages: server-rendered HTML (askama), Chinese first, usable without JavaScript.
//!
//! Pages call the same service layer as the JSON API ([`crate::service`]), so a rule holds in
//! both; who may open a page is its extractor ([`SignedIn`], [`StaffPage`], [`SupervisorPage`],
//! [`AdminPage`]). Forms
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

use crate::auth::{Caller, RoleClass, WebCaller, constant_time_eq, new_token};
use crate::error::{ApiError, ErrorCode};

pub use form::FormState;

/// The anonymous visitor's form token (double-submit CSRF protection).
pub const FORM_COOKIE: &str = "gongkai_form";

const STYLE: &str = include_str!("../../static/app.css");
const ICON: &str = include_str!("../../static/favicon.svg");
/// The redaction editor's script: the only script of the site.
const REDACT_SCRIPT: &str = include_str!("../../static/redact.js");

/// The web routes (outside /api/v1). Declares the page routes once: `configure` mounts them and [`ROUTES`] lists them (the
/// outsider test visits every page of the list, so a new page is covered when it is added).
macro_rules! page_routes {
    ($($method:ident $path:literal => $handler:path,)*) => {
        /// Every page route as (method, path pattern).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// Mounts the pages on the app.
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $(page_routes!(@route cfg, $method, $path, $handler);)*
        }
    };
    (@route $cfg:ident, GET, $path:literal, $handler:path) => {
        $cfg.route($path, web::get().to($handler));
    };
    (@route $cfg:ident, POST, $path:literal, $handler:path) => {
        $cfg.route($path, web::post().to($handler));
    };
}

page_routes! {
        GET "/static/app.css" => stylesheet,
        GET "/static/favicon.svg" => icon,
        GET "/static/redact.js" => redact_script,
        GET "/favicon.ico" => icon,
        GET "/" => public::guide,
        GET "/apply" => public::apply_form,
        POST "/apply" => public::apply,
        GET "/apply/form" => public::blank_form,
        GET "/apply/form.docx" => public::blank_form_docx,
        GET "/apply/receipt" => public::receipt,
        GET "/lookup" => public::lookup_form,
        POST "/lookup" => public::lookup,
        POST "/lookup/correction" => public::correction,
        POST "/lookup/withdrawal" => public::withdrawal,
        POST "/lookup/files/{attachment}" => public::lookup_file,
        POST "/lookup/letter" => public::lookup_letter,
        GET "/release/{token}" => public::link_page,
        GET "/release/{token}/files/{attachment}" => public::link_file,
        GET "/release/{token}/letter" => public::link_letter,
        GET "/reading-room" => public::room,
        GET "/reading-room/feed.atom" => public::room_feed,
        GET "/reading-room/{id}" => public::room_item,
        GET "/reading-room/{id}/files/{attachment}" => public::room_file,
        GET "/login" => public::login_form,
        POST "/login" => public::login,
        POST "/logout" => public::logout,
        GET "/account/password" => public::password_form,
        POST "/account/password" => public::change_password,
        GET "/register" => public::register_form,
        POST "/register" => public::register,
        GET "/my" => public::my_requests,
        GET "/my/{id}" => public::my_request,
        POST "/my/{id}/{what}" => public::my_action,
        GET "/my/{id}/notices/{notice}" => public::my_notice,
        GET "/my/{id}/notices/{notice}/pdf" => public::my_notice_pdf,
        GET "/my/{id}/files/{attachment}" => public::my_file,
        GET "/my/{id}/letter" => public::my_letter,
        GET "/staff" => staff::home,
        GET "/staff/queue" => staff::queue,
        GET "/staff/register" => staff::register_form,
        POST "/staff/register" => staff::register,
        GET "/staff/registered" => staff::registered,
        GET "/staff/dashboard" => staff::dashboard,
        GET "/staff/stats" => insight::stats_page,
        GET "/staff/stats.csv" => insight::stats_csv,
        GET "/staff/frequent" => insight::frequent_page,
        GET "/staff/frequent.csv" => insight::frequent_csv,
        POST "/staff/frequent/marks" => insight::mark,
        GET "/staff/report" => reports::page,
        POST "/staff/report/publish" => reports::publish,
        GET "/staff/report.csv" => reports::csv,
        GET "/staff/report.xlsx" => reports::xlsx,
        GET "/staff/cases/{id}" => staff::case_page,
        GET "/staff/cases/{id}/package.zip" => staff::package,
        POST "/staff/cases/{id}/attachments" => staff::upload,
        GET "/staff/cases/{id}/files/{attachment}/redact" => staff::redact_editor,
        POST "/staff/cases/{id}/files/{attachment}/redact" => staff::redact_submit,
        GET "/staff/cases/{id}/files/{attachment}/pages/{page}" => staff::redact_page,
        GET "/staff/cases/{id}/redaction-jobs/{job}" => staff::redaction_job,
        POST "/staff/cases/{id}/{action}" => staff::act,
        GET "/admin" => admin::home,
        POST "/admin/users" => admin::create_user,
        POST "/admin/users/{id}" => admin::change_user,
        POST "/admin/users/{id}/edit" => admin::edit_user,
        POST "/admin/departments" => admin::create_department,
        POST "/admin/departments/{code}" => admin::edit_department,
        POST "/admin/agencies" => admin::create_agency,
        POST "/admin/agencies/{code}" => admin::rename_agency,
        POST "/admin/agencies/{code}/remedy" => admin::set_agency_remedy,
        GET "/admin/guide" => admin::guide_form,
        POST "/admin/guide" => admin::save_guide,
        GET "/admin/templates" => admin::templates,
        GET "/admin/templates/{key}" => admin::template_form,
        POST "/admin/templates/{key}" => admin::save_template,
        POST "/admin/templates/{key}/reset" => admin::reset_template,
        GET "/admin/calendar" => admin::calendar,
        POST "/admin/calendar" => admin::calendar_upload,
}

async fn redact_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(REDACT_SCRIPT)
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLE)
}

/// The site's icon (pages name it with `<link rel="icon">`; browsers that ask for
/// /favicon.ico anyway get the same SVG).
async fn icon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(ICON)
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
        crate::auth::Applicant::admits(self.role)
    }
    pub fn is_staff(&self) -> bool {
        crate::auth::Staff::admits(self.role)
    }
    /// Clerks and supervisors register paper requests (admins do not).
    pub fn can_register(&self) -> bool {
        crate::auth::Handler::admits(self.role)
    }
    pub fn is_supervisor(&self) -> bool {
        crate::auth::Supervisor::admits(self.role)
    }
    pub fn is_admin(&self) -> bool {
        crate::auth::Admin::admits(self.role)
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
    /// Admins and supervisors: a year whose holiday notice is not loaded (this year, or next
    /// year from 1 November).
    pub calendar_banner: Option<crate::service::calendar::CalendarBanner>,
}

impl Chrome {
    /// The queue of replies awaiting review (the supervisors' menu and dashboard link to it).
    pub fn review_queue(&self) -> String {
        format!(
            "/staff/queue?status={}",
            gongkai_workflow::Status::UnderReview.as_str()
        )
    }
}

/// The visitor of a page: the session if any, and the token the page's forms carry.
pub struct Visitor {
    pub caller: Option<Caller>,
    pub csrf: String,
    /// A new anonymous form token to set as a cookie with the response.
    new_cookie: Option<String>,
    secure: bool,
    calendar_banner: Option<crate::service::calendar::CalendarBanner>,
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
        let state = req.app_data::<web::Data<crate::AppState>>().cloned();
        let secure = state.as_ref().is_some_and(|s| s.settings.secure_cookies);
        Box::pin(async move {
            let caller = caller.await.map_err(WebError)?.0;
            let calendar_banner = match (&state, &caller) {
                (Some(state), Some(c)) => crate::service::calendar::banner(state, c.role()),
                _ => None,
            };
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
                calendar_banner,
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
            calendar_banner: self.calendar_banner.clone(),
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

/// The page to come back to after signing in, from the request: a GET page itself (a data
/// file's page for a .csv or .xlsx download); for a form's POST, the page the form is on (the
/// longest leading part of the path that is a page).
fn back_to(req: &HttpRequest) -> String {
    let path = req.path();
    let path = path
        .strip_suffix(".csv")
        .or_else(|| path.strip_suffix(".xlsx"))
        .unwrap_or(path);
    if req.method() == actix_web::http::Method::GET {
        return path.to_owned();
    }
    let is_page = |candidate: &str| {
        ROUTES.iter().any(|(method, pattern)| {
            *method == "GET" && {
                let a: Vec<&str> = pattern.split('/').collect();
                let b: Vec<&str> = candidate.split('/').collect();
                a.len() == b.len()
                    && a.iter()
                        .zip(&b)
                        .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
            }
        })
    };
    let mut candidate = path.trim_end_matches('/');
    while !candidate.is_empty() {
        if is_page(candidate) {
            return candidate.to_owned();
        }
        candidate = candidate.rsplit_once('/').map_or("", |(head, _)| head);
    }
    "/".to_owned()
}

/// A page's signed-in visitor: the visitor (form token, page frame) and the caller. Not
/// signed in: a redirect to the login page, and back here afterwards.
pub struct SignedIn {
    pub visitor: Visitor,
    pub caller: Caller,
}

impl FromRequest for SignedIn {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = Visitor::from_request(req, payload);
        let back = back_to(req);
        Box::pin(async move {
            let visitor = visitor.await?;
            match visitor.caller.clone() {
                Some(caller) => Ok(SignedIn { visitor, caller }),
                None => Err(WebError::login(back)),
            }
        })
    }
}

macro_rules! page_role {
    ($(#[$doc:meta])* $name:ident($class:ident)) => {
        $(#[$doc])*
        pub struct $name {
            pub visitor: Visitor,
            pub caller: crate::auth::$class,
        }

        impl FromRequest for $name {
            type Error = WebError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let signed = SignedIn::from_request(req, payload);
                Box::pin(async move {
                    let SignedIn { visitor, caller } = signed.await?;
                    // Other roles learn nothing about the page: 404, as for a page that
                    // does not exist.
                    match <crate::auth::$class as RoleClass>::of(caller) {
                        Ok(caller) => Ok($name { visitor, caller }),
                        Err(_) => Err(WebError(ApiError::not_found())),
                    }
                })
            }
        }
    };
}

page_role!(
    /// A staff page (clerks, supervisors, admins).
    StaffPage(Staff)
);
page_role!(
    /// A supervisors' and admins' page.
    SupervisorPage(Supervisor)
);
page_role!(
    /// An admins' page.
    AdminPage(Admin)
);

/// A 303 to `to` (after a successful POST).
pub fn see_other(to: &str) -> HttpResponse {
    // The security headers come from the middleware (crate::headers), as on every response.
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_owned()))
        .finish()
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
            back_to: Some(back_to),
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
        if e.code == ErrorCode::Unauthenticated {
            let back = match &e.back_to {
                Some(path) if path.starts_with('/') && !path.starts_with("//") => path.as_str(),
                _ => "/",
            };
            return see_other(&format!("/login?next={}", form::percent_encode(back)));
        }
        // A session with an issued password: every other page leads to the password page.
        if e.code == ErrorCode::PasswordChangeRequired {
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
                calendar_banner: None,
            },
            status: e.status.as_u16(),
            detail,
        };
        let mut b = HttpResponse::build(e.status);
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
