//! Pages for admins: users and departments, the guide text, notice templates, the calendar.

mod calendar;
mod guide;
mod notice_templates;

pub use calendar::{calendar, calendar_upload};
pub use guide::{guide_form, save_guide};
pub use notice_templates::{reset_template, save_template, template_form, templates};

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::Role;

use crate::body::parse_value;
use crate::error::ApiError;
use crate::pages::public::Choice;
use crate::pages::{AdminPage, Chrome, FormBody, FormState, WebError, WebResult, see_other};
use crate::service::account::UserView;
use crate::service::admin;
use crate::service::admin::{NewDepartment, NewUser, UserChange};
use crate::state::AppState;
pub struct AgencyBlock {
    pub code: String,
    pub name: String,
    pub departments: Vec<(String, String, bool)>,
    /// The reconsideration body and court its decisions name ("" when unset).
    pub reconsideration_body: String,
    pub court: String,
    /// Its remedy form as refused, with the errors to show.
    pub remedy_form: Option<FormState>,
}

impl AgencyBlock {
    /// Its decisions cannot name where to seek a remedy: /admin warns.
    pub fn remedy_missing(&self) -> bool {
        self.reconsideration_body.is_empty() || self.court.is_empty()
    }
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    chrome: Chrome,
    users: Vec<UserView>,
    agencies: Vec<AgencyBlock>,
    departments: Vec<Choice>,
    /// The roles an admin gives a new user (staff of the agency).
    roles: Vec<Choice>,
    user_form: FormState,
    department_form: FormState,
    /// A one-time password to hand over, shown once.
    password: Option<(String, String)>,
    /// The agencies whose decisions cannot yet name their remedy bodies.
    remedy_missing: Vec<String>,
}

async fn home_page(
    state: &web::Data<AppState>,
    page: &AdminPage,
    user_form: FormState,
    department_form: FormState,
    password: Option<(String, String)>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
    home_page_with(
        state,
        page,
        user_form,
        department_form,
        password,
        flash,
        status,
        None,
    )
    .await
}

#[expect(
    clippy::too_many_arguments,
    reason = "one page, its forms and its messages"
)]
async fn home_page_with(
    state: &web::Data<AppState>,
    page: &AdminPage,
    user_form: FormState,
    department_form: FormState,
    password: Option<(String, String)>,
    flash: Option<String>,
    status: StatusCode,
    remedy_form: Option<(String, FormState)>,
) -> WebResult {
    let visitor = &page.visitor;
    let users = admin::users(state, &page.caller).await?;
    let directory = admin::directory(state, &page.caller).await?;
    let mut remedy_form = remedy_form;
    let agencies: Vec<AgencyBlock> = directory
        .agencies()
        .iter()
        .map(|a| AgencyBlock {
            code: a.code.clone(),
            name: a.name.clone(),
            departments: directory
                .departments_in(&a.code)
                .map(|d| (d.code.clone(), d.name.clone(), d.is_intake))
                .collect(),
            reconsideration_body: a.reconsideration_body.clone().unwrap_or_default(),
            court: a.court.clone().unwrap_or_default(),
            remedy_form: remedy_form
                .take_if(|(code, _)| *code == a.code)
                .map(|(_, f)| f),
        })
        .collect();
    let remedy_missing = agencies
        .iter()
        .filter(|a| a.remedy_missing())
        .map(|a| a.name.clone())
        .collect();
    let departments = agencies
        .iter()
        .flat_map(|a| {
            a.departments.iter().map(|(code, name, _)| Choice {
                value: code.clone(),
                label: format!("{} · {name}", a.name),
            })
        })
        .collect();
    let mut chrome = visitor.chrome("系统管理");
    chrome.flash = flash;
    visitor.render(
        status,
        &HomePage {
            chrome,
            users,
            agencies,
            departments,
            roles: Role::ALL
                .iter()
                .filter(|r| matches!(r, Role::Clerk | Role::Supervisor | Role::Admin))
                .map(|r| Choice {
                    value: r.as_str().to_owned(),
                    label: r.label_zh().to_owned(),
                })
                .collect(),
            user_form,
            department_form,
            password,
            remedy_missing,
        },
    )
}

/// Saves an agency's reconsideration body and court (the form under each agency).
pub async fn set_agency_remedy(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let visitor = &page.visitor;
    let mut form = body.0;
    visitor.check(&form)?;
    let code = path.into_inner();
    let result = match form.parse::<admin::AgencyRemedy>(&[]) {
        Ok(r) => admin::set_agency_remedy(&state, &page.caller, code.clone(), r)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other("/admin")),
        Err(e) if e.status.is_client_error() => {
            form.absorb(&e, "");
            if e.status == StatusCode::NOT_FOUND {
                form.general.push("没有这个行政机关".to_owned());
            }
            let status = e.status;
            home_page_with(
                &state,
                &page,
                blank_user_form(),
                FormState::default(),
                None,
                None,
                status,
                Some((code, form)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn home(state: web::Data<AppState>, page: AdminPage) -> WebResult {
    home_page(
        &state,
        &page,
        blank_user_form(),
        FormState::default(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn create_user(state: web::Data<AppState>, page: AdminPage, body: FormBody) -> WebResult {
    let visitor = &page.visitor;
    let form = body.0;
    visitor.check(&form)?;
    // Departments arrive as one select (several values under the same name).
    let mut json = form.to_json(&["departments"]).map_err(ApiError::invalid);
    if let Ok(serde_json::Value::Object(m)) = &mut json {
        let departments: Vec<serde_json::Value> = form
            .all("departments")
            .into_iter()
            .filter(|d| !d.is_empty())
            .map(serde_json::Value::from)
            .collect();
        m.insert("departments".to_owned(), departments.into());
    }
    match json.and_then(parse_value::<NewUser>) {
        Ok(u) => match admin::add_user(&state, &page.caller, u).await {
            Ok(made) => {
                home_page(
                    &state,
                    &page,
                    blank_user_form(),
                    FormState::default(),
                    Some((made.user.username, made.one_time_password)),
                    Some("账号已创建".to_owned()),
                    StatusCode::CREATED,
                )
                .await
            }
            Err(e) => user_failed(&state, &page, form, e).await,
        },
        Err(e) => user_failed(&state, &page, form, e).await,
    }
}

async fn user_failed(
    state: &web::Data<AppState>,
    page: &AdminPage,
    mut form: FormState,
    e: ApiError,
) -> WebResult {
    if !e.status.is_client_error() {
        return Err(e.into());
    }
    form.absorb(&e, "");
    home_page(
        state,
        page,
        form,
        FormState::default(),
        None,
        None,
        e.status,
    )
    .await
}

pub async fn change_user(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let visitor = &page.visitor;
    let form = body.0;
    visitor.check(&form)?;
    let change = match form.raw("change") {
        "disable" => UserChange {
            disabled: Some(true),
            role: None,
            departments: None,
            reset_password: false,
            password: None,
            email: None,
        },
        "enable" => UserChange {
            disabled: Some(false),
            role: None,
            departments: None,
            reset_password: false,
            password: None,
            email: None,
        },
        "reset_password" => UserChange {
            disabled: None,
            role: None,
            departments: None,
            reset_password: true,
            password: None,
            email: None,
        },
        _ => return Err(WebError(ApiError::bad_request("未知的操作"))),
    };
    match admin::alter_user(&state, &page.caller, path.into_inner(), change).await {
        Ok(done) => {
            let flash = match form.raw("change") {
                "disable" => "账号已停用，其登录会话已结束",
                "enable" => "账号已启用",
                _ => "已重置密码，原会话已结束",
            };
            home_page(
                &state,
                &page,
                blank_user_form(),
                FormState::default(),
                done.one_time_password
                    .map(|p| (done.user.username.clone(), p)),
                Some(flash.to_owned()),
                StatusCode::OK,
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            let mut f = blank_user_form();
            f.general.push(e.detail.clone());
            home_page(&state, &page, f, FormState::default(), None, None, status).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_department(
    state: web::Data<AppState>,
    page: AdminPage,
    body: FormBody,
) -> WebResult {
    let visitor = &page.visitor;
    let mut form = body.0;
    visitor.check(&form)?;
    let agency = form.v("agency").to_owned();
    let result = match form.parse::<NewDepartment>(&["agency"]) {
        Ok(d) => admin::add_department(&state, &page.caller, agency, d)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other("/admin")),
        Err(e) if e.status.is_client_error() => {
            form.absorb(&e, "");
            if e.status == StatusCode::NOT_FOUND {
                form.add_error("agency", "没有这个行政机关");
            }
            home_page(&state, &page, blank_user_form(), form, None, None, e.status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form for a new account, a clerk's by default.
fn blank_user_form() -> FormState {
    FormState::with(&[("role", Role::Clerk.as_str())])
}
