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
    /// The codes of its deactivated departments.
    pub inactive: Vec<String>,
    /// The reconsideration body and court its decisions name ("" when unset).
    pub reconsideration_body: String,
    pub court: String,
    /// Its remedy form as refused, with the errors to show.
    pub remedy_form: Option<FormState>,
    /// Its name form as refused.
    pub name_form: Option<FormState>,
}

impl AgencyBlock {
    /// Its decisions cannot name where to seek a remedy: /admin warns.
    pub fn remedy_missing(&self) -> bool {
        self.reconsideration_body.is_empty() || self.court.is_empty()
    }
}

/// One step of a new office's first run on /admin.
pub struct Step {
    pub title: &'static str,
    /// What to do, in a sentence.
    pub hint: &'static str,
    /// The form on the page that does it.
    pub anchor: &'static str,
    pub done: bool,
}

/// The first-run checklist: agency → intake department → departments → staff. `None` once
/// every step is done.
fn first_run(agencies: &[AgencyBlock], users: &[UserView]) -> Option<Vec<Step>> {
    let agency = !agencies.is_empty();
    let intake = agencies.iter().any(|a| a.departments.iter().any(|d| d.2));
    let others = agencies.iter().any(|a| a.departments.iter().any(|d| !d.2));
    let staff = |role: Role| users.iter().any(|u| u.role == role && !u.disabled);
    let staffed = staff(Role::Clerk) && staff(Role::Supervisor);
    let steps = vec![
        Step {
            title: "创建行政机关",
            hint: "填写机关代码、全称和受理编号前缀",
            anchor: "agency-form",
            done: agency,
        },
        Step {
            title: "创建接收部门",
            hint: "新建部门时勾选“接收部门”：未指定部门的申请由其接收",
            anchor: "department-form",
            done: intake,
        },
        Step {
            title: "创建其他业务部门",
            hint: "承办申请的业务部门（只有一个部门的机关可跳过）",
            anchor: "department-form",
            done: others || (intake && staffed),
        },
        Step {
            title: "创建工作人员账号",
            hint: "至少一名承办人和一名审核人，并选择其所属部门",
            anchor: "user-form",
            done: staffed,
        },
    ];
    steps.iter().any(|s| !s.done).then_some(steps)
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
    /// The first-run checklist while a step is left, with the index of the next one.
    steps: Option<Vec<Step>>,
    next_step: usize,
    forms: Forms,
    /// A one-time password to hand over, shown once.
    password: Option<(String, String)>,
    /// The agencies whose decisions cannot yet name their remedy bodies.
    remedy_missing: Vec<String>,
}

impl HomePage {
    /// A department's name by code (the users table shows names, not codes).
    fn department_names(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| {
                self.agencies
                    .iter()
                    .flat_map(|a| a.departments.iter())
                    .find(|d| d.0 == *c)
                    .map_or_else(|| c.clone(), |d| d.1.clone())
            })
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The edit form of user `id`: as refused, or filled from the user.
    fn user_edit(&self, u: &UserView) -> FormState {
        if let Some((id, f)) = &self.forms.user_edit
            && *id == u.id
        {
            return f.clone();
        }
        let mut f = FormState::with(&[
            ("display_name", u.display_name.as_str()),
            ("role", u.role.as_str()),
        ]);
        if u.disabled {
            f.set("disabled:b", "true");
        }
        if u.secrecy_reviewer {
            f.set("secrecy_reviewer:b", "true");
        }
        for d in &u.departments {
            f.push("departments", d.clone());
        }
        f
    }

    /// The edit form of department `d` (code, name, intake): as refused, or filled from it.
    fn department_edit(&self, d: &(String, String, bool)) -> FormState {
        let (code, name, intake) = d;
        if let Some((c, f)) = &self.forms.department_edit
            && c == code
        {
            return f.clone();
        }
        let mut f = FormState::with(&[("name", name.as_str())]);
        if *intake {
            f.set("is_intake:b", "true");
        }
        if !self.is_active(code) {
            f.set("disabled:b", "true");
        }
        f
    }

    /// Whether department `code` is active.
    fn is_active(&self, code: &str) -> bool {
        !self
            .agencies
            .iter()
            .any(|a| a.inactive.iter().any(|c| c == code))
    }
}

/// The forms of /admin, each blank or as refused (with its errors).
#[derive(Default)]
pub struct Forms {
    pub user: FormState,
    pub department: FormState,
    pub agency: FormState,
    /// (agency code, form)
    pub remedy: Option<(String, FormState)>,
    pub agency_name: Option<(String, FormState)>,
    /// (department code, form)
    pub department_edit: Option<(String, FormState)>,
    /// (user id, form)
    pub user_edit: Option<(String, FormState)>,
}

impl Forms {
    fn blank() -> Forms {
        Forms {
            user: blank_user_form(),
            ..Forms::default()
        }
    }
}

async fn home_page(
    state: &web::Data<AppState>,
    page: &AdminPage,
    forms: Forms,
    password: Option<(String, String)>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
    let visitor = &page.visitor;
    let users = admin::users(state, &page.caller).await?;
    let directory = admin::directory(state, &page.caller).await?;
    let mut forms = forms;
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
            inactive: directory
                .departments_in(&a.code)
                .filter(|d| !d.active)
                .map(|d| d.code.clone())
                .collect(),
            reconsideration_body: a.reconsideration_body.clone().unwrap_or_default(),
            court: a.court.clone().unwrap_or_default(),
            remedy_form: forms
                .remedy
                .take_if(|(code, _)| *code == a.code)
                .map(|(_, f)| f),
            name_form: forms
                .agency_name
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
                label: if a.inactive.contains(code) {
                    format!("{} · {name}（已停用）", a.name)
                } else {
                    format!("{} · {name}", a.name)
                },
            })
        })
        .collect();
    let steps = first_run(&agencies, &users);
    let next_step = steps
        .as_ref()
        .and_then(|s| s.iter().position(|s| !s.done))
        .unwrap_or(0);
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
            steps,
            next_step,
            forms,
            password,
            remedy_missing,
        },
    )
}

/// A refused form shown again on /admin with its errors (client errors only).
async fn refused(
    state: &web::Data<AppState>,
    page: &AdminPage,
    e: ApiError,
    forms: Forms,
) -> WebResult {
    if !e.status.is_client_error() {
        return Err(e.into());
    }
    home_page(state, page, forms, None, None, e.status).await
}

/// What a form of /admin answers: back to the page when it was saved, otherwise the page again
/// with the form kept in its slot (`keep`) and the refusal beside its fields; `missing` is said
/// when the item the path names does not exist.
async fn answer(
    state: &web::Data<AppState>,
    page: &AdminPage,
    mut form: FormState,
    result: Result<(), ApiError>,
    missing: Option<&str>,
    keep: impl FnOnce(FormState) -> Forms,
) -> WebResult {
    match result {
        Ok(()) => Ok(see_other("/admin")),
        Err(e) => {
            form.absorb(&e, "");
            if let Some(m) = missing.filter(|_| e.status == StatusCode::NOT_FOUND) {
                form.general.push(m.to_owned());
            }
            refused(state, page, e, keep(form)).await
        }
    }
}

/// Creates an agency (the first step of a new office); the prefix defaults to the code's
/// letters.
pub async fn create_agency(
    state: web::Data<AppState>,
    page: AdminPage,
    body: FormBody,
) -> WebResult {
    let form = body.0;
    page.visitor.check(&form)?;
    let mut input = form.clone();
    if input.raw("tracking_prefix").trim().is_empty() {
        input.set("tracking_prefix", admin::default_prefix(form.raw("code")));
    }
    let result = match input.parse::<admin::NewAgency>(&[]) {
        Ok(a) => admin::add_agency(&state, &page.caller, a).await.map(|_| ()),
        Err(e) => Err(e),
    };
    answer(&state, &page, form, result, None, |agency| Forms {
        agency,
        ..Forms::blank()
    })
    .await
}

/// Renames an agency.
pub async fn rename_agency(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let form = body.0;
    page.visitor.check(&form)?;
    let code = path.into_inner();
    let result = match form.parse::<admin::AgencyRename>(&[]) {
        Ok(r) => admin::rename_agency(&state, &page.caller, code.clone(), r)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    answer(
        &state,
        &page,
        form,
        result,
        Some("没有这个行政机关"),
        |f| Forms {
            agency_name: Some((code, f)),
            ..Forms::blank()
        },
    )
    .await
}

/// Saves an agency's reconsideration body and court (the form under each agency).
pub async fn set_agency_remedy(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let visitor = &page.visitor;
    let form = body.0;
    visitor.check(&form)?;
    let code = path.into_inner();
    let result = match form.parse::<admin::AgencyRemedy>(&[]) {
        Ok(r) => admin::set_agency_remedy(&state, &page.caller, code.clone(), r)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    answer(
        &state,
        &page,
        form,
        result,
        Some("没有这个行政机关"),
        |f| Forms {
            remedy: Some((code, f)),
            ..Forms::blank()
        },
    )
    .await
}

/// Changes a department's name and whether it is an intake department.
pub async fn edit_department(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let form = body.0;
    page.visitor.check(&form)?;
    let code = path.into_inner();
    let result = match form.parse::<admin::DepartmentEdit>(&[]) {
        Ok(d) => admin::edit_department(&state, &page.caller, code.clone(), d)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    answer(
        &state,
        &page,
        form,
        result,
        Some("没有这个部门"),
        |f| Forms {
            department_edit: Some((code, f)),
            ..Forms::blank()
        },
    )
    .await
}

/// Changes a user: name, role with departments, disabled.
pub async fn edit_user(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let mut form = body.0;
    page.visitor.check(&form)?;
    let id = path.into_inner();
    let role = Role::parse(form.raw("role"));
    let departments: Vec<String> = form
        .all("departments")
        .into_iter()
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    // An admin editing their own name keeps their role (which they may not change).
    let disabled = form.raw("disabled:b") == "true";
    let role = role.filter(|r| id != page.caller.user.id || *r != Role::Admin || disabled);
    let change = UserChange {
        disabled: Some(disabled),
        role,
        departments: role.map(|_| departments),
        reset_password: false,
        password: None,
        email: None,
        display_name: Some(form.raw("display_name").to_owned()),
        secrecy_reviewer: Some(form.raw("secrecy_reviewer:b") == "true"),
    };
    let mut errors = Vec::new();
    crate::body::Validate::validate(&change, &mut errors);
    if role.is_none() && id != page.caller.user.id {
        errors.push(crate::error::FieldError {
            path: "role".to_owned(),
            message: "请选择角色".to_owned(),
        });
    }
    let result = if errors.is_empty() {
        admin::alter_user(&state, &page.caller, id.clone(), change).await
    } else {
        Err(ApiError::invalid(errors))
    };
    match result {
        Ok(_) => {
            home_page(
                &state,
                &page,
                Forms::blank(),
                None,
                Some("用户信息已保存".to_owned()),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            form.absorb(&e, "");
            if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND {
                form.general.push(e.detail.clone());
            }
            let forms = Forms {
                user_edit: Some((id, form)),
                ..Forms::blank()
            };
            refused(&state, &page, e, forms).await
        }
    }
}

pub async fn home(state: web::Data<AppState>, page: AdminPage) -> WebResult {
    home_page(&state, &page, Forms::blank(), None, None, StatusCode::OK).await
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
                    Forms::blank(),
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
    let forms = Forms {
        user: form,
        ..Forms::blank()
    };
    home_page(state, page, forms, None, None, e.status).await
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
            display_name: None,
            secrecy_reviewer: None,
        },
        "enable" => UserChange {
            disabled: Some(false),
            role: None,
            departments: None,
            reset_password: false,
            password: None,
            email: None,
            display_name: None,
            secrecy_reviewer: None,
        },
        "reset_password" => UserChange {
            disabled: None,
            role: None,
            departments: None,
            reset_password: true,
            password: None,
            email: None,
            display_name: None,
            secrecy_reviewer: None,
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
                Forms::blank(),
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
            let forms = Forms {
                user: f,
                ..Forms::blank()
            };
            home_page(&state, &page, forms, None, None, status).await
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
            let status = e.status;
            let forms = Forms {
                department: form,
                ..Forms::blank()
            };
            home_page(&state, &page, forms, None, None, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form for a new account, a clerk's by default.
fn blank_user_form() -> FormState {
    FormState::with(&[("role", Role::Clerk.as_str())])
}
