//! Pages for applicants: the guide, filing, the receipt, lookup by query code, accounts and
//! "my requests".

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use askama::Template;
use gongkai_store::{accounts, queries};
use gongkai_workflow::{Case, Role};
use serde::Deserialize;

use super::{Chrome, FormBody, FormState, Visitor, WebError, WebResult, see_other};
use crate::error::ApiError;
use crate::routes::account::{self, Login, Registration};
use crate::routes::cases::{Action, perform};
use crate::routes::public::{
    self as api, CodeCorrection, CodeWithdrawal, Filing, FilingReceipt, Guide, LookupKey,
};
use crate::state::{AppState, db};
use crate::views::{CaseSummary, PublicCase, public_case};

/// A choice in a select or a radio group.
pub struct Choice {
    pub value: String,
    pub label: String,
}

fn choices(items: &[(&str, &str)]) -> Vec<Choice> {
    items
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
        })
        .collect()
}

pub fn applicant_types() -> Vec<Choice> {
    choices(&[
        ("natural_person", "自然人"),
        ("commercial", "法人或其他组织——商业企业"),
        ("research", "法人或其他组织——科研机构"),
        ("public_interest", "法人或其他组织——社会公益组织"),
        ("legal_service", "法人或其他组织——法律服务机构"),
        ("other_organisation", "法人或其他组织——其他"),
    ])
}

pub fn carriers() -> Vec<Choice> {
    choices(&[
        ("paper", "纸质"),
        ("electronic", "电子文档"),
        ("disc", "光盘"),
    ])
}

pub fn deliveries() -> Vec<Choice> {
    choices(&[
        ("post", "邮寄"),
        ("email", "电子邮件"),
        ("online", "网上查看"),
        ("collect", "当面领取"),
        ("read_on_site", "现场查阅"),
        ("fax", "传真"),
    ])
}

/// Agencies that take requests, as (code, name).
async fn agency_choices(state: &web::Data<AppState>) -> Result<Vec<Choice>, WebError> {
    let list = db(state, |conn, _| Ok(accounts::agencies(conn)?)).await?;
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
    let guide = api::load_guide(&state).await?;
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
        Ok(filing) => match api::filer(visitor.caller.clone()) {
            Ok(actor) => api::submit_filing(&state, actor, filing).await,
            Err(e) => Err(e),
        },
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
    let view = api::look_up(
        &state,
        LookupKey {
            reference: case_id.clone(),
            query_code: query_code.clone(),
        },
    )
    .await?;
    let page = ReceiptPage {
        chrome: visitor.chrome("申请已提交"),
        receipt: FilingReceipt {
            case_id,
            query_code,
            tracking_number: view.tracking_number,
            status: view.status,
            receipt_date: view.receipt_date,
            due: view.due,
            notice: api::FILING_NOTICE.to_owned(),
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
        !self.view.correction_items.is_empty() && (self.key.is_some() || self.account)
    }
    fn can_withdraw(&self) -> bool {
        (self.key.is_some() || self.account)
            && self.view.tracking_number.is_some()
            && matches!(
                self.view.status.as_str(),
                "registered" | "processing" | "under_review"
            )
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
        Ok(_) => api::look_up(&state, key.clone()).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(view) => visitor.render(
            StatusCode::OK,
            &RequestPage {
                chrome: visitor.chrome("申请办理情况"),
                view,
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
    result: Result<PublicCase, ApiError>,
    done: &str,
) -> WebResult {
    let key = lookup_key(&form);
    match result {
        Ok(view) => {
            let mut chrome = visitor.chrome("申请办理情况");
            chrome.flash = Some(done.to_owned());
            visitor.render(
                StatusCode::OK,
                &RequestPage {
                    chrome,
                    view,
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
            let view = api::look_up(&state, key.clone()).await?;
            visitor.render(
                status,
                &RequestPage {
                    chrome: visitor.chrome("申请办理情况"),
                    view,
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
    T: api::CodeAction + serde::de::DeserializeOwned + crate::body::Validate,
{
    visitor.check(&form)?;
    let result = match form.parse::<T>(&[]) {
        Ok(b) => {
            let (key, version, command) = b.into_parts();
            api::act_with_code(state.clone(), key, version, command).await
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
        Ok(login) => account::open_session(&req, &state, login).await,
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
            r.add_cookie(&account::session_cookie(&state.settings, token))
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
    r.add_cookie(&account::removed_session_cookie())
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
            match account::create_account(&req, &state, r).await {
                Ok(_) => account::open_session(&req, &state, login).await,
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((_, token)) => {
            let mut r = see_other("/my");
            r.add_cookie(&account::session_cookie(&state.settings, token))
                .map_err(|e| WebError(ApiError::internal(e)))?;
            Ok(r)
        }
        Err(e) if e.status.is_client_error() => {
            form.set("password", "");
            let status = e.status;
            form.absorb(&e, "");
            if e.code == crate::error::ErrorCode::Duplicate {
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

pub async fn my_requests(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let c = visitor.signed_in("/my")?.clone();
    if c.role() != Role::Applicant {
        return Ok(see_other(home_of(c.role())));
    }
    let rows = db(&state, move |conn, _| {
        Ok(queries::cases_of_account(conn, &c.user.id)?)
    })
    .await?;
    visitor.render(
        StatusCode::OK,
        &MyPage {
            chrome: visitor.chrome("我的申请"),
            items: rows.into_iter().map(CaseSummary::for_applicant).collect(),
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
    visitor: Visitor,
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
        &visitor,
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
    visitor: Visitor,
    path: web::Path<(String, String)>,
    body: FormBody,
) -> WebResult {
    let (id, what) = path.into_inner();
    let c = visitor.signed_in(&format!("/my/{id}"))?.clone();
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
            &visitor,
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
    match perform(&state, c, id.clone(), action, version, fields).await {
        Ok(_) => Ok(see_other(&format!("/my/{id}?done={what}"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            form.absorb(&e, "");
            render_my_request(&state, &visitor, id, form, None, status).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn render_my_request(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    id: String,
    form: FormState,
    flash: Option<&str>,
    status: StatusCode,
) -> WebResult {
    let c = visitor.signed_in(&format!("/my/{id}"))?.clone();
    let (view, notices) = db(state, move |conn, state| {
        let row = queries::case_row(conn, &c.scope(), &id)?
            .filter(|_| c.role() == Role::Applicant)
            .ok_or_else(ApiError::not_found)?;
        let evs = gongkai_store::events::load(conn, &row.id)?;
        let case = Case::from_events(&evs);
        // The reply notices addressed to the applicant, printable once written.
        let notices = gongkai_store::outbox::of_case(conn, &c.scope(), &row.id)?
            .into_iter()
            .filter(addressed_to_applicant)
            .map(|n| (n.id, n.subject.unwrap_or_default()))
            .collect();
        Ok((public_case(&row.id, &case, &evs, &state.law()), notices))
    })
    .await?;
    let mut chrome = visitor.chrome("申请办理情况");
    chrome.flash = flash.map(str::to_owned);
    visitor.render(
        status,
        &RequestPage {
            chrome,
            view,
            key: None,
            form,
            notices,
            account: true,
        },
    )
}

/// A notice to the applicant whose text has been written (sent, or set aside for printing).
fn addressed_to_applicant(n: &gongkai_store::outbox::OutboxRow) -> bool {
    n.body.is_some()
        && serde_json::from_str::<gongkai_workflow::Recipient>(&n.recipient)
            .is_ok_and(|r| r == gongkai_workflow::Recipient::Applicant)
}

/// A notice addressed to the applicant of one of their requests, as a printable page.
pub async fn my_notice(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> WebResult {
    let (case_id, notice) = path.into_inner();
    let c = visitor
        .signed_in(&format!("/my/{case_id}/notices/{notice}"))?
        .clone();
    let html = db(&state, move |conn, state| {
        queries::case_row(conn, &c.scope(), &case_id)?
            .filter(|_| c.role() == Role::Applicant)
            .ok_or_else(ApiError::not_found)?;
        let row = gongkai_store::outbox::get(conn, &c.scope(), &notice)?
            .filter(|n| n.case_id == case_id && addressed_to_applicant(n))
            .ok_or_else(ApiError::not_found)?;
        crate::routes::mail::printable(conn, state, row)
    })
    .await?;
    Ok(crate::routes::mail::printable_response(html))
}

// ---------------------------------------------------------------------------------------
// The user's own password

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    form: FormState,
}

pub async fn password_form(visitor: Visitor) -> WebResult {
    let c = visitor.signed_in("/account/password")?;
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
    visitor: Visitor,
    body: FormBody,
) -> WebResult {
    let c = visitor.signed_in("/account/password")?.clone();
    let mut form = body.0;
    visitor.check(&form)?;
    let result = match form.parse::<account::PasswordChange>(&[]) {
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
