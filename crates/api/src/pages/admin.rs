//! Pages for admins: users and departments, the guide text, notice templates, the calendar.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_mailer::NoticeContext;
use gongkai_mailer::templates::{self, Template as NoticeTemplate, Templates};
use gongkai_store::accounts;
use gongkai_workflow::{Channel, NoticeKind};

use super::public::Choice;
use super::{Chrome, FormBody, FormState, Visitor, WebError, WebResult, see_other};
use crate::body::parse_value;
use crate::error::ApiError;
use crate::routes::account::UserView;
use crate::routes::admin::{
    NewDepartment, NewUser, UserChange, add_department, add_user, admin, all_users, alter_user,
    install_calendar_year, preview_calendar_year, save_guide as store_guide,
};
use crate::routes::mail::{known, refused};
use crate::routes::public::{Guide, GuideChannel, load_guide};
use crate::state::{AppState, db};

fn admin_of(visitor: &Visitor, back: &str) -> Result<crate::auth::Caller, WebError> {
    let c = visitor.staff(back)?.clone();
    // Clerks and supervisors learn nothing about admin pages.
    admin(&c).map_err(|_| WebError(ApiError::not_found()))?;
    Ok(c)
}

pub struct AgencyBlock {
    pub code: String,
    pub name: String,
    pub departments: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    chrome: Chrome,
    users: Vec<UserView>,
    agencies: Vec<AgencyBlock>,
    departments: Vec<Choice>,
    user_form: FormState,
    department_form: FormState,
    /// A one-time password to hand over, shown once.
    password: Option<(String, String)>,
}

impl HomePage {
    fn role_label(&self, role: &str) -> &'static str {
        gongkai_workflow::Role::parse(role).map_or("", gongkai_workflow::Role::label_zh)
    }
}

async fn home_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    user_form: FormState,
    department_form: FormState,
    password: Option<(String, String)>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
    let users = all_users(state).await?;
    let agencies = db(state, |conn, _| {
        let mut out = Vec::new();
        for a in accounts::agencies(conn)? {
            let departments = accounts::departments_of(conn, &a.code)?
                .into_iter()
                .map(|d| (d.code, d.name, d.is_intake))
                .collect();
            out.push(AgencyBlock {
                code: a.code,
                name: a.name,
                departments,
            });
        }
        Ok(out)
    })
    .await?;
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
            user_form,
            department_form,
            password,
        },
    )
}

pub async fn home(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    admin_of(&visitor, "/admin")?;
    home_page(
        &state,
        &visitor,
        FormState::with(&[("role", "clerk")]),
        FormState::default(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn create_user(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: FormBody,
) -> WebResult {
    admin_of(&visitor, "/admin")?;
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
        Ok(u) => match add_user(&state, u).await {
            Ok(made) => {
                home_page(
                    &state,
                    &visitor,
                    FormState::with(&[("role", "clerk")]),
                    FormState::default(),
                    Some((made.user.username, made.one_time_password)),
                    Some("账号已创建".to_owned()),
                    StatusCode::CREATED,
                )
                .await
            }
            Err(e) => user_failed(&state, &visitor, form, e).await,
        },
        Err(e) => user_failed(&state, &visitor, form, e).await,
    }
}

async fn user_failed(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    mut form: FormState,
    e: ApiError,
) -> WebResult {
    if !e.status.is_client_error() {
        return Err(e.into());
    }
    form.absorb(&e, "");
    if e.code == crate::error::ErrorCode::Duplicate {
        form.add_error("username", "该用户名已被使用");
    }
    home_page(
        state,
        visitor,
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
    visitor: Visitor,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let c = admin_of(&visitor, "/admin")?;
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
    match alter_user(&state, &c, path.into_inner(), change).await {
        Ok(done) => {
            let flash = match form.raw("change") {
                "disable" => "账号已停用，其登录会话已结束",
                "enable" => "账号已启用",
                _ => "已重置密码，原会话已结束",
            };
            home_page(
                &state,
                &visitor,
                FormState::with(&[("role", "clerk")]),
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
            let mut f = FormState::with(&[("role", "clerk")]);
            f.general.push(e.detail.clone());
            home_page(
                &state,
                &visitor,
                f,
                FormState::default(),
                None,
                None,
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_department(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: FormBody,
) -> WebResult {
    admin_of(&visitor, "/admin")?;
    let mut form = body.0;
    visitor.check(&form)?;
    let agency = form.v("agency").to_owned();
    let result = match form.parse::<NewDepartment>(&["agency"]) {
        Ok(d) => add_department(&state, agency, d).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other("/admin")),
        Err(e) if e.status.is_client_error() => {
            form.absorb(&e, "");
            if e.code == crate::error::ErrorCode::Duplicate {
                form.add_error("code", "该部门代码已存在");
            }
            if e.status == StatusCode::NOT_FOUND {
                form.add_error("agency", "没有这个行政机关");
            }
            home_page(
                &state,
                &visitor,
                FormState::with(&[("role", "clerk")]),
                form,
                None,
                None,
                e.status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// The guide

#[derive(Template)]
#[template(path = "admin/guide.html")]
struct GuidePage {
    chrome: Chrome,
    form: FormState,
    channels: Vec<Choice>,
    /// How many channel rows the form has.
    rows: Vec<usize>,
}

fn channel_key(c: Channel) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn guide_form_of(g: &Guide) -> FormState {
    let mut f = FormState::with(&[
        ("title", &g.title),
        ("office_hours", &g.office_hours),
        ("fees", &g.fees),
        ("deadlines", &g.deadlines),
        ("process", &g.process.join("\n")),
        ("contacts", &g.contacts.join("\n")),
    ]);
    for (i, c) in g.channels.iter().enumerate() {
        f.set(&format!("channel{i}"), channel_key(c.channel));
        f.set(&format!("label{i}"), c.label.clone());
        f.set(&format!("address{i}"), c.address.clone());
    }
    f
}

fn guide_page(
    visitor: &Visitor,
    form: FormState,
    status: StatusCode,
    flash: Option<&str>,
) -> WebResult {
    let mut chrome = visitor.chrome("办事指南");
    chrome.flash = flash.map(str::to_owned);
    visitor.render(
        status,
        &GuidePage {
            chrome,
            form,
            channels: Channel::ALL
                .iter()
                .map(|c| Choice {
                    value: channel_key(*c),
                    label: c.label_zh().to_owned(),
                })
                .collect(),
            rows: (0..8).collect(),
        },
    )
}

pub async fn guide_form(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    admin_of(&visitor, "/admin/guide")?;
    let g = load_guide(&state).await?;
    guide_page(&visitor, guide_form_of(&g), StatusCode::OK, None)
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn save_guide(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    let c = admin_of(&visitor, "/admin/guide")?;
    let mut form = body.0;
    visitor.check(&form)?;
    let mut channels = Vec::new();
    for i in 0..8 {
        let label = form.v(&format!("label{i}")).trim().to_owned();
        let address = form.v(&format!("address{i}")).trim().to_owned();
        let key = form.v(&format!("channel{i}")).to_owned();
        if label.is_empty() && address.is_empty() {
            continue;
        }
        let channel = Channel::ALL
            .iter()
            .copied()
            .find(|c| channel_key(*c) == key);
        let Some(channel) = channel else {
            form.add_error(&format!("channel{i}"), "请选择渠道");
            continue;
        };
        channels.push(GuideChannel {
            channel,
            label,
            address,
        });
    }
    let guide = Guide {
        title: form.v("title").trim().to_owned(),
        channels,
        office_hours: form.v("office_hours").trim().to_owned(),
        contacts: lines(form.v("contacts")),
        fees: form.v("fees").trim().to_owned(),
        process: lines(form.v("process")),
        deadlines: form.v("deadlines").trim().to_owned(),
    };
    // The same checks as the API's PUT /admin/guide.
    let checked = serde_json::to_value(&guide)
        .map_err(ApiError::internal)
        .and_then(parse_value::<Guide>);
    let result = match checked {
        Ok(g) if !form.has_errors() => store_guide(&state, &c, g).await.map(|_| ()),
        Ok(_) => Err(ApiError::invalid(Vec::new())),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => guide_page(&visitor, form, StatusCode::OK, Some("办事指南已保存")),
        Err(e) if e.status.is_client_error() => {
            if !e.errors.is_empty() {
                form.absorb(&e, "");
            }
            guide_page(&visitor, form, e.status, None)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Notice templates

pub struct TemplateLine {
    pub key: String,
    pub subject: String,
    pub overridden: bool,
}

#[derive(Template)]
#[template(path = "admin/templates.html")]
struct TemplatesPage {
    chrome: Chrome,
    items: Vec<TemplateLine>,
}

pub async fn templates(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    admin_of(&visitor, "/admin/templates")?;
    let set = db(&state, |conn, _| Ok(Templates::load(conn)?)).await?;
    let items = templates::keys()
        .into_iter()
        .filter_map(|key| {
            let t = set.get(&key)?;
            Some(TemplateLine {
                overridden: set.is_overridden(&key),
                subject: t.subject.clone(),
                key,
            })
        })
        .collect();
    visitor.render(
        StatusCode::OK,
        &TemplatesPage {
            chrome: visitor.chrome("通知模板"),
            items,
        },
    )
}

#[derive(Template)]
#[template(path = "admin/template.html")]
struct TemplatePage {
    chrome: Chrome,
    key: String,
    form: FormState,
    overridden: bool,
    preview: Option<(String, String)>,
}

async fn template_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    key: String,
    form: Option<FormState>,
    preview: Option<(String, String)>,
    flash: Option<&str>,
    status: StatusCode,
) -> WebResult {
    let k = key.clone();
    let (current, overridden) = db(state, move |conn, _| {
        let set = Templates::load(conn)?;
        let t = set.get(&k).cloned().ok_or_else(ApiError::not_found)?;
        Ok((t, set.is_overridden(&k)))
    })
    .await?;
    let form = form.unwrap_or_else(|| {
        FormState::with(&[("subject", &current.subject), ("body", &current.body)])
    });
    let mut chrome = visitor.chrome(format!("通知模板：{key}"));
    chrome.flash = flash.map(str::to_owned);
    visitor.render(
        status,
        &TemplatePage {
            chrome,
            key,
            form,
            overridden,
            preview,
        },
    )
}

pub async fn template_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
) -> WebResult {
    admin_of(&visitor, "/admin/templates")?;
    let key = path.into_inner();
    known(&key)?;
    template_page(&state, &visitor, key, None, None, None, StatusCode::OK).await
}

pub async fn save_template(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let c = admin_of(&visitor, "/admin/templates")?;
    let key = path.into_inner();
    known(&key)?;
    let mut form = body.0;
    visitor.check(&form)?;
    let template = NoticeTemplate {
        subject: form.v("subject").to_owned(),
        body: form.v("body").replace("\r\n", "\n"),
    };
    if form.raw("preview") == "1" {
        let kind = NoticeKind::from_key(&key).unwrap_or(NoticeKind::Acknowledgment);
        let rendered = templates::validate(&key, &template).and_then(|()| {
            Templates::with_overrides([(key.clone(), template.clone())].into())
                .render(kind, &NoticeContext::sample(kind))
        });
        return match rendered {
            Ok(r) => {
                template_page(
                    &state,
                    &visitor,
                    key,
                    Some(form),
                    Some((r.subject, r.body)),
                    None,
                    StatusCode::OK,
                )
                .await
            }
            Err(e) => {
                form.absorb(&refused(e), "");
                template_page(
                    &state,
                    &visitor,
                    key,
                    Some(form),
                    None,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        };
    }
    let k = key.clone();
    let by = c.user.id.clone();
    let saved = db(&state, move |conn, _| {
        templates::save_override(conn, &k, &template, &by)?.map_err(refused)
    })
    .await;
    match saved {
        Ok(()) => {
            template_page(
                &state,
                &visitor,
                key,
                None,
                None,
                Some("模板已保存"),
                StatusCode::OK,
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            form.absorb(&e, "");
            template_page(
                &state,
                &visitor,
                key,
                Some(form),
                None,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reset_template(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    admin_of(&visitor, "/admin/templates")?;
    let key = path.into_inner();
    known(&key)?;
    visitor.check(&body.0)?;
    let k = key.clone();
    db(&state, move |conn, _| {
        Ok(templates::reset_override(conn, &k)?)
    })
    .await?;
    template_page(
        &state,
        &visitor,
        key,
        None,
        None,
        Some("已恢复为系统默认模板"),
        StatusCode::OK,
    )
    .await
}

// ---------------------------------------------------------------------------------------
// The calendar

pub struct YearLine {
    pub year: i32,
    pub source: String,
    pub holidays: String,
    pub makeup: String,
}

pub struct ChangeLine {
    pub case_id: String,
    pub tracking_number: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    years: Vec<YearLine>,
    form: FormState,
    /// After "preview": the open cases and the changes, awaiting confirmation.
    preview: Option<(u64, Vec<ChangeLine>, usize)>,
}

fn calendar_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    form: FormState,
    preview: Option<(u64, Vec<ChangeLine>, usize)>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
    let law = state.law();
    let years = law
        .calendar
        .years()
        .iter()
        .map(|y| YearLine {
            year: y.year,
            source: y.source.clone().unwrap_or_default(),
            holidays: y
                .holidays
                .iter()
                .map(|h| {
                    format!(
                        "{}（{}—{}）",
                        h.name,
                        h.from.format("%m-%d"),
                        h.to.format("%m-%d")
                    )
                })
                .collect::<Vec<_>>()
                .join("，"),
            makeup: y
                .makeup
                .iter()
                .map(|d| d.format("%m-%d").to_string())
                .collect::<Vec<_>>()
                .join("，"),
        })
        .collect();
    let mut chrome = visitor.chrome("工作日历");
    chrome.flash = flash;
    visitor.render(
        status,
        &CalendarPage {
            chrome,
            years,
            form,
            preview,
        },
    )
}

pub async fn calendar(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    admin_of(&visitor, "/admin/calendar")?;
    calendar_page(
        &state,
        &visitor,
        FormState::default(),
        None,
        None,
        StatusCode::OK,
    )
}

pub async fn calendar_upload(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: FormBody,
) -> WebResult {
    let c = admin_of(&visitor, "/admin/calendar")?;
    let mut form = body.0;
    visitor.check(&form)?;
    let Ok(year) = form.v("year").trim().parse::<i32>() else {
        form.add_error("year", "请填写年份（如 2027）");
        return calendar_page(
            &state,
            &visitor,
            form,
            None,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let text = form.v("toml").replace("\r\n", "\n");
    if form.raw("confirm") == "1" {
        return match install_calendar_year(&state, &c, year, text).await {
            Ok(done) => calendar_page(
                &state,
                &visitor,
                FormState::default(),
                None,
                Some(format!(
                    "{year} 年日历已启用；{} 件在办案件中有 {} 件的期限或预警已重新计算",
                    done.open_cases, done.recomputed
                )),
                StatusCode::OK,
            ),
            Err(e) if e.status.is_client_error() => {
                let status = e.status;
                form.absorb(&e, "");
                calendar_page(&state, &visitor, form, None, None, status)
            }
            Err(e) => Err(e.into()),
        };
    }
    match preview_calendar_year(&state, &c, year, text).await {
        Ok((open, changes)) => {
            let total = changes.len();
            let lines = changes
                .into_iter()
                .take(200)
                .map(|d| ChangeLine {
                    case_id: d.case_id,
                    tracking_number: d.tracking_number.unwrap_or_else(|| "（未登记）".to_owned()),
                    before: d
                        .before
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "—".to_owned()),
                    after: d
                        .after
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "—".to_owned()),
                })
                .collect();
            calendar_page(
                &state,
                &visitor,
                form,
                Some((open, lines, total)),
                None,
                StatusCode::OK,
            )
        }
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            form.absorb(&e, "");
            calendar_page(&state, &visitor, form, None, None, status)
        }
        Err(e) => Err(e.into()),
    }
}
