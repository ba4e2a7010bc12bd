//! Pages for applicants: the guide, filing, the receipt, lookup by query code, accounts and
//! "my requests".

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use gongkai_workflow::Role;
use gongkai_workflow::model::{ApplicantType, Carrier, Delivery};
use serde::Deserialize;

use super::{Chrome, FormBody, FormState, SignedIn, Visitor, WebError, WebResult, see_other};
use crate::auth::{Applicant, RoleClass, client_address};
use crate::error::ApiError;
use crate::routes::account::{
    Login, PasswordChange, Registration, removed_session_cookie, session_cookie,
};
use crate::routes::cases::Action;
use crate::routes::mail::printable_response;
use crate::routes::public::{
    CodeAction, CodeCorrection, CodeWithdrawal, FILING_NOTICE, Filing, FilingReceipt, Guide,
    LookupKey,
};
use crate::service::filing::{ApplicantOptions, ApplicantView};
use crate::service::{account, cases, filing, notices};
use crate::state::AppState;
use crate::views::{CaseSummary, PublicCase};

/// The client's address (sign-in throttling, the registration limit).
fn address(req: &HttpRequest, state: &AppState) -> String {
    client_address(req, state.settings.trust_forwarded_for)
}

/// A choice in a select or a radio group.
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    fn of(value: &str, label: &str) -> Choice {
        Choice {
            value: value.to_owned(),
            label: label.to_owned(),
        }
    }
}

/// The applicant types as the application form offers them.
pub fn applicant_types() -> Vec<Choice> {
    ApplicantType::ALL
        .iter()
        .map(|t| Choice::of(t.as_str(), t.form_label_zh()))
        .collect()
}

pub fn carriers() -> Vec<Choice> {
    Carrier::ALL
        .iter()
        .map(|c| Choice::of(c.as_str(), c.label_zh()))
        .collect()
}

pub fn deliveries() -> Vec<Choice> {
    Delivery::ALL
        .iter()
        .map(|d| Choice::of(d.as_str(), d.label_zh()))
        .collect()
}

/// Agencies that take requests, as (code, name).
async fn agency_choices(state: &web::Data<AppState>) -> Result<Vec<Choice>, WebError> {
    let list = filing::agencies(state).await?;
    Ok(list
        .into_iter()
        .map(|a| Choice {
            value: a.code,
            label: a.name,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// The guide

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    chrome: Chrome,
    guide: Guide,
}

pub async fn guide(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let guide = filing::guide(&state).await?;
    visitor.render(
        StatusCode::OK,
        &GuidePage {
            chrome: visitor.chrome("依申请公开办事指南"),
            guide,
        },
    )
}

#[derive(Template)]
#[template(path = "blank_form.html")]
struct BlankForm {
    chrome: Chrome,
    applicant_types: Vec<Choice>,
}

/// The application form to print and fill in by hand (for post or the counter).
pub async fn blank_form(visitor: Visitor) -> WebResult {
    // Saved and opened offline, the file carries its own styles.
    let html = BlankForm {
        chrome: visitor.chrome("政府信息公开申请表"),
        applicant_types: applicant_types(),
    }
    .render()
    .map_err(|e| WebError(ApiError::internal(e)))?;
    Ok(visitor
        .respond(StatusCode::OK)
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename*=UTF-8''%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E7%94%B3%E8%AF%B7%E8%A1%A8.html",
        ))
        .body(html))
}

// ---------------------------------------------------------------------------------------
// Filing

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    chrome: Chrome,
    form: FormState,
    agencies: Vec<Choice>,
    applicant_types: Vec<Choice>,
    carriers: Vec<Choice>,
    deliveries: Vec<Choice>,
}

async fn apply_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    mut form: FormState,
    status: StatusCode,
) -> WebResult {
    let agencies = agency_choices(state).await?;
    if form.v("agency").is_empty()
        && let Some(a) = agencies.first()
    {
        form.set("agency", a.value.clone());
    }
    let mut chrome = visitor.chrome("在线申请");
    if visitor
        .caller
        .as_ref()
        .is_some_and(|c| c.role() != Role::Applicant)
    {
        chrome.flash = Some(
            "您以工作人员身份登录：当面、邮寄等申请请在“登记申请”中录入；在线申请须由申请人提交。"
                .to_owned(),
        );
    }
    visitor.render(
        status,
        &ApplyPage {
            chrome,
            form,
            agencies,
            applicant_types: applicant_types(),
            carriers: carriers(),
            deliveries: deliveries(),
        },
    )
}

pub async fn apply_form(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let form = FormState::with(&[
        ("request.carrier", "electronic"),
        ("request.delivery", "email"),
    ]);
    apply_page(&state, &visitor, form, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    receipt: FilingReceipt,
}

pub async fn apply(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    let mut form = body.0;
    if let Err(refused) = visitor.check(&form) {
        // Nothing is filed; the form comes back with what was typed and a valid token.
        form.general.push(refused.0.detail.clone());
        return apply_page(&state, &visitor, form, refused.0.status).await;
    }
    if visitor
        .caller
        .as_ref()
        .is_some_and(|c| c.role() != Role::Applicant)
    {
        form.general.push(
            "工作人员不能代为在线申请：当面、邮寄等方式收到的申请请在“登记申请”中录入。".to_owned(),
        );
        return apply_page(&state, &visitor, form, StatusCode::FORBIDDEN).await;
    }
    let parsed = form.parse::<Filing>(&[]);
    let outcome = match parsed {
        Ok(f) => filing::file(&state, visitor.caller.clone(), f).await,
        Err(e) => Err(e),
    };
    match outcome {
        // To the receipt by a redirect: reloading it never files the request twice.
        Ok(receipt) => super::with_receipt(
            "/apply/receipt",
            &receipt.case_id,
            &receipt.query_code,
            state.settings.secure_cookies,
        ),
        Err(e) if e.status.is_client_error() => {
            form.absorb(&e, "");
            let status = e.status;
            apply_page(&state, &visitor, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The receipt of the request just filed, shown once (the query code is not kept).
pub async fn receipt(req: HttpRequest, state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let Some((case_id, query_code)) = super::receipt_of(&req) else {
        return Ok(see_other("/lookup"));
    };
    let view = filing::look_up(
        &state,
        LookupKey {
            reference: case_id.clone(),
            query_code: query_code.clone(),
        },
    )
    .await?
    .case;
    let page = ReceiptPage {
        chrome: visitor.chrome("申请已提交"),
        receipt: FilingReceipt {
            case_id,
            query_code,
            tracking_number: view.tracking_number,
            status: view.status,
            receipt_date: view.receipt_date,
            due: view.due,
            notice: FILING_NOTICE.to_owned(),
        },
    };
    super::show_receipt_once(&visitor, &page)
}

// ---------------------------------------------------------------------------------------
// Lookup by tracking number and query code

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    chrome: Chrome,
    form: FormState,
}

pub async fn lookup_form(visitor: Visitor) -> WebResult {
    visitor.render(
        StatusCode::OK,
        &LookupPage {
            chrome: visitor.chrome("查询申请"),
            form: FormState::default(),
        },
    )
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    chrome: Chrome,
    view: PublicCase,
    /// What the applicant may still do (the service asks the workflow).
    options: ApplicantOptions,
    /// The reference and code, carried by the correction and withdrawal forms (never in a URL).
    key: Option<(String, String)>,
    form: FormState,
    /// Printable notices of the reply (account holders only).
    notices: Vec<(String, String)>,
    /// Shown to the account holder (forms post to /my/{id}/…) rather than to the code holder.
    account: bool,
}

impl RequestPage {
    /// The day of a timeline entry: its legal date, else the day (Beijing time) it happened.
    fn day(&self, t: &crate::views::TimelineEntry) -> String {
        t.date
            .unwrap_or_else(|| gongkai_workflow::clock::legal_date(t.at))
            .to_string()
    }
    fn can_correct(&self) -> bool {
        self.options.correct
    }
    fn can_withdraw(&self) -> bool {
        self.options.withdraw
    }
}

fn lookup_key(form: &FormState) -> LookupKey {
    LookupKey {
        reference: form.v("reference").trim().to_owned(),
        query_code: form.v("query_code").trim().to_owned(),
    }
}

pub async fn lookup(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    let mut form = body.0;
    visitor.check(&form)?;
    let key = lookup_key(&form);
    let checked = form.parse::<LookupKey>(&[]);
    let found = match checked {
        Ok(_) => filing::look_up(&state, key.clone()).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(seen) => visitor.render(
            StatusCode::OK,
            &RequestPage {
                chrome: visitor.chrome("申请办理情况"),
                view: seen.case,
                options: seen.options,
                key: Some((key.reference, key.query_code)),
                form: FormState::default(),
                notices: Vec::new(),
                account: false,
            },
        ),
        Err(e) if e.status.is_client_error() => {
            if e.status == StatusCode::NOT_FOUND {
                form.general
                    .push("没有找到与申请编号和查询码相符的申请，请核对后重试".to_owned());
            } else {
                form.absorb(&e, "");
            }
            visitor.render(
                e.status,
                &LookupPage {
                    chrome: visitor.chrome("查询申请"),
                    form,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// After a correction or withdrawal by the code's holder: the request again, with the outcome.
async fn after_code_action(
    state: web::Data<AppState>,
    visitor: Visitor,
    mut form: FormState,
    result: Result<ApplicantView, ApiError>,
    done: &str,
) -> WebResult {
    let key = lookup_key(&form);
    match result {
        Ok(seen) => {
            let mut chrome = visitor.chrome("申请办理情况");
            chrome.flash = Some(done.to_owned());
            visitor.render(
                StatusCode::OK,
                &RequestPage {
                    chrome,
                    view: seen.case,
                    options: seen.options,
                    key: Some((key.reference, key.query_code)),
                    form: FormState::default(),
                    notices: Vec::new(),
                    account: false,
                },
            )
        }
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            form.absorb(&e, "");
            let seen = filing::look_up(&state, key.clone()).await?;
            visitor.render(
                status,
                &RequestPage {
                    chrome: visitor.chrome("申请办理情况"),
                    view: seen.case,
                    options: seen.options,
                    key: Some((key.reference, key.query_code)),
                    form,
                    notices: Vec::new(),
                    account: false,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// A correction or withdrawal by the query code's holder, from the lookup page.
async fn code_action<T>(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: FormState,
    done: &str,
) -> WebResult
where
    T: CodeAction + serde::de::DeserializeOwned + crate::body::Validate,
{
    visitor.check(&form)?;
    let result = match form.parse::<T>(&[]) {
        Ok(b) => {
            let (key, version, command) = b.into_parts();
            filing::act_with_code(&state, key, version, command).await
        }
        Err(e) => Err(e),
    };
    after_code_action(state, visitor, form, result, done).await
}

pub async fn correction(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    code_action::<CodeCorrection>(
        state,
        visitor,
        body.0,
        "补正材料已提交，答复期限自收到补正之日起重新计算。",
    )
    .await
}

pub async fn withdrawal(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    code_action::<CodeWithdrawal>(state, visitor, body.0, "申请已撤回。").await
}

// ---------------------------------------------------------------------------------------
// Accounts

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    form: FormState,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// A local path to go back to after login (never another site).
fn safe_next(next: Option<&str>) -> String {
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

fn home_of(role: Role) -> &'static str {
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
        Ok(login) => account::open_session(&state, address(&req, &state), login).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((view, token)) => {
            let role = Role::parse(&view.user.role).unwrap_or(Role::Clerk);
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
struct RegisterPage {
    chrome: Chrome,
    form: FormState,
    applicant_types: Vec<Choice>,
}

pub async fn register_form(visitor: Visitor) -> WebResult {
    visitor.render(
        StatusCode::OK,
        &RegisterPage {
            chrome: visitor.chrome("注册申请人账号"),
            form: FormState::with(&[("applicant_type", "natural_person")]),
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
            match account::create_account(&state, address(&req, &state), r).await {
                Ok(_) => account::open_session(&state, address(&req, &state), login).await,
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
            if e.code == "duplicate" {
                form.add_error("username", "该用户名已被注册");
            }
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

// ---------------------------------------------------------------------------------------
// My requests

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    chrome: Chrome,
    items: Vec<CaseSummary>,
}

impl MyPage {
    /// The status as the applicant's own request page names it.
    fn status_label(&self, status: &str) -> &'static str {
        gongkai_workflow::Status::parse(status).map_or("", |s| s.label_zh())
    }
}

pub async fn my_requests(state: web::Data<AppState>, page: SignedIn) -> WebResult {
    let SignedIn { visitor, caller } = page;
    let role = caller.role();
    let Ok(applicant) = Applicant::of(caller) else {
        return Ok(see_other(home_of(role)));
    };
    let items = filing::my_requests(&state, &applicant).await?;
    visitor.render(
        StatusCode::OK,
        &MyPage {
            chrome: visitor.chrome("我的申请"),
            items,
        },
    )
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn my_request(
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> WebResult {
    let flash = match query.done.as_deref() {
        Some("correction") => Some("补正材料已提交，答复期限自收到补正之日起重新计算。"),
        Some("withdrawal") => Some("申请已撤回。"),
        _ => None,
    };
    render_my_request(
        &state,
        &page,
        path.into_inner(),
        FormState::default(),
        flash,
        StatusCode::OK,
    )
    .await
}

/// A correction or withdrawal by the account holder, from the request's page.
pub async fn my_action(
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<(String, String)>,
    body: FormBody,
) -> WebResult {
    let (id, what) = path.into_inner();
    let visitor = &page.visitor;
    let c = page.caller.clone();
    let action = match what.as_str() {
        "correction" => Action::ReceiveCorrection,
        "withdrawal" => Action::Withdraw,
        _ => return Err(WebError(ApiError::not_found())),
    };
    if c.role() != Role::Applicant {
        return Err(WebError(ApiError::not_found()));
    }
    let mut form = body.0;
    visitor.check(&form)?;
    let version: u64 = form.v("version").parse().map_err(|_| {
        WebError(ApiError::bad_request(
            "表单缺少申请的版本，请刷新页面后重试",
        ))
    })?;
    let mut fields = serde_json::Map::new();
    for key in ["content", "reason"] {
        let v = form.v(key).trim();
        if !v.is_empty() {
            fields.insert(key.to_owned(), v.into());
        }
    }
    if action == Action::ReceiveCorrection && !fields.contains_key("content") {
        form.add_error("content", "请填写补正内容");
        return render_my_request(
            &state,
            &page,
            id,
            form,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    fields.remove(if action == Action::Withdraw {
        "content"
    } else {
        "reason"
    });
    match cases::perform(&state, c, id.clone(), action, version, fields).await {
        Ok(_) => Ok(see_other(&format!("/my/{id}?done={what}"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            form.absorb(&e, "");
            render_my_request(&state, &page, id, form, None, status).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn render_my_request(
    state: &web::Data<AppState>,
    page: &SignedIn,
    id: String,
    form: FormState,
    flash: Option<&str>,
    status: StatusCode,
) -> WebResult {
    let visitor = &page.visitor;
    let (seen, notices) = filing::my_request(state, page.caller.clone(), id).await?;
    let mut chrome = visitor.chrome("申请办理情况");
    chrome.flash = flash.map(str::to_owned);
    visitor.render(
        status,
        &RequestPage {
            chrome,
            view: seen.case,
            options: seen.options,
            key: None,
            form,
            notices,
            account: true,
        },
    )
}

/// A notice addressed to the applicant of one of their requests, as a printable page.
pub async fn my_notice(
    state: web::Data<AppState>,
    page: SignedIn,
    path: web::Path<(String, String)>,
) -> WebResult {
    let (case_id, notice) = path.into_inner();
    let html = notices::my_notice(&state, page.caller, case_id, notice).await?;
    Ok(printable_response(html))
}

// ---------------------------------------------------------------------------------------
// The user's own password

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
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
