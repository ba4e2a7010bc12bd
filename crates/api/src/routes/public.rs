//! Public routes: the application guide, filing without an account, lookup by tracking number
//! and query code, correction and withdrawal by the code's holder.

use actix_web::{HttpResponse, get, post, web};
use gongkai_store::accounts;
use gongkai_store::sessions;
use gongkai_store::{events, execute, queries, receive};
use gongkai_workflow::model::{Applicant, Receive, RequestDetails};
use gongkai_workflow::{Actor, Case, Channel, Command, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::MaybeCaller;
use crate::body::{Body, Validate, at_most, limits, required};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::context;
use crate::state::{AppState, db};
use crate::views::{DueView, PublicCase, public_case};

/// The key under which admins keep the guide.
pub const GUIDE_KEY: &str = "guide";

/// 依申请公开办事指南: what an applicant needs to know before filing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub title: String,
    /// Channels accepted, with addresses (online platform, post, in person, fax, email).
    pub channels: Vec<GuideChannel>,
    pub office_hours: String,
    pub contacts: Vec<String>,
    pub fees: String,
    pub process: Vec<String>,
    pub deadlines: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideChannel {
    pub channel: Channel,
    pub label: String,
    pub address: String,
}

impl Validate for Guide {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "title", &self.title, limits::GUIDE_TITLE);
        for (i, c) in self.channels.iter().enumerate() {
            required(
                errors,
                &format!("channels[{i}].label"),
                &c.label,
                limits::NAME,
            );
            required(
                errors,
                &format!("channels[{i}].address"),
                &c.address,
                limits::GUIDE_LINE,
            );
        }
        at_most(
            errors,
            "office_hours",
            &self.office_hours,
            limits::GUIDE_LINE,
        );
        at_most(errors, "fees", &self.fees, limits::GUIDE_TEXT);
        at_most(errors, "deadlines", &self.deadlines, limits::GUIDE_TEXT);
        for (i, p) in self.process.iter().enumerate() {
            required(errors, &format!("process[{i}]"), p, limits::GUIDE_STEP);
        }
        for (i, p) in self.contacts.iter().enumerate() {
            required(errors, &format!("contacts[{i}]"), p, limits::GUIDE_LINE);
        }
    }
}

/// The guide shipped with gongkai, until an admin edits it.
pub fn default_guide() -> Guide {
    let channel = |channel: Channel, address: &str| GuideChannel {
        channel,
        label: channel.label_zh().to_owned(),
        address: address.to_owned(),
    };
    Guide {
        title: "政府信息公开申请办事指南".to_owned(),
        channels: vec![
            channel(Channel::Online, "本平台“在线申请”页面"),
            channel(Channel::InPerson, "政务服务中心政府信息公开窗口（请携带身份证件）"),
            channel(Channel::RegisteredPost, "请在信封上注明“政府信息公开申请”"),
        ],
        office_hours: "工作日 9:00—12:00，13:30—17:00（法定节假日除外）".to_owned(),
        contacts: vec!["政府信息公开工作机构".to_owned()],
        fees: "依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），申请人一个自然月内申请数量或者总页数超出规定标准的，收取信息处理费；其他情形不收费。".to_owned(),
        process: vec![
            "接收：收到申请".to_owned(),
            "登记：编号并确认收到申请之日".to_owned(),
            "办理：检索、征求意见、需要时通知补正".to_owned(),
            "审核：答复经审核后发出".to_owned(),
            "答复：书面答复申请人".to_owned(),
            "归档".to_owned(),
        ],
        deadlines: "能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。征求第三方和其他机关意见所需时间不计算在内。申请内容不明确的，在收到申请之日起7个工作日内一次性告知补正，答复期限自收到补正的申请之日起计算。".to_owned(),
    }
}

#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, body = Guide),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/guide")]
pub async fn guide(state: web::Data<AppState>) -> ApiResult<web::Json<Guide>> {
    Ok(web::Json(load_guide(&state).await?))
}

/// The guide in force: the admins' text, or the default.
pub async fn load_guide(state: &web::Data<AppState>) -> ApiResult<Guide> {
    let stored = db(state, |conn, _| Ok(sessions::setting(conn, GUIDE_KEY)?)).await?;
    match stored {
        Some(text) => serde_json::from_str(&text).map_err(ApiError::internal),
        None => Ok(default_guide()),
    }
}

/// A request for government information.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Filing {
    /// The agency asked (its code).
    pub agency: String,
    /// The department asked, when it performs functions in its own name; default: the
    /// agency's intake office.
    #[serde(default)]
    pub department: Option<String>,
    pub applicant: Applicant,
    pub request: RequestDetails,
}

pub fn validate_applicant(errors: &mut Vec<FieldError>, a: &Applicant) {
    if a.kind.is_none() {
        errors.push(FieldError {
            path: "applicant.kind".to_owned(),
            message: "请选择申请人类型".to_owned(),
        });
    }
    required(errors, "applicant.name", &a.name, limits::NAME);
    if let Some(v) = &a.id_document {
        at_most(errors, "applicant.id_document", v, limits::ID_DOCUMENT);
    }
    if let Some(v) = &a.phone {
        at_most(errors, "applicant.phone", v, limits::PHONE);
        if !v.chars().all(|c| c.is_ascii_digit() || "+- ()".contains(c)) {
            errors.push(FieldError {
                path: "applicant.phone".to_owned(),
                message: "电话号码只能包含数字、空格和 + - ( )".to_owned(),
            });
        }
    }
    if let Some(v) = &a.email {
        at_most(errors, "applicant.email", v, limits::EMAIL);
        let ok = v
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'));
        if !ok || v.chars().any(char::is_whitespace) {
            errors.push(FieldError {
                path: "applicant.email".to_owned(),
                message: "电子邮箱格式不正确".to_owned(),
            });
        }
    }
    if let Some(v) = &a.address {
        at_most(errors, "applicant.address", v, limits::ADDRESS);
    }
    if a.email.is_none() && a.phone.is_none() && a.address.is_none() {
        errors.push(FieldError {
            path: "applicant".to_owned(),
            message: "请至少填写一种联系方式（电话、电子邮箱或通信地址）".to_owned(),
        });
    }
}

pub fn validate_request(errors: &mut Vec<FieldError>, r: &RequestDetails) {
    required(
        errors,
        "request.description",
        &r.description,
        limits::DESCRIPTION,
    );
    if let Some(v) = &r.document_number {
        at_most(
            errors,
            "request.document_number",
            v,
            limits::DOCUMENT_NUMBER,
        );
    }
}

impl Validate for Filing {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "agency", &self.agency, limits::CODE_REF);
        if let Some(d) = &self.department {
            required(errors, "department", d, limits::CODE_REF);
        }
        validate_applicant(errors, &self.applicant);
        validate_request(errors, &self.request);
    }
}

/// What an applicant filing online is told about receipt dates and the query code.
pub const FILING_NOTICE: &str = "您的申请已提交。网上申请以工作人员登记确认之日为收到申请之日，答复期限自该日起计算；登记后将给出申请编号。请妥善保存查询码，它只显示这一次，凭申请编号（或本次提交编号）和查询码可以查询办理进度和答复。";

/// What the applicant gets back on filing. The query code is shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingReceipt {
    /// The filing reference: with the query code it finds the request before registration.
    pub case_id: String,
    pub query_code: String,
    /// Given when the request is registered (online requests: when a clerk confirms them).
    pub tracking_number: Option<String>,
    pub status: String,
    pub receipt_date: Option<chrono::NaiveDate>,
    pub due: Option<DueView>,
    pub notice: String,
}

/// The department that takes requests in when none is named: the agency's intake office.
pub fn intake_department(
    conn: &mut gongkai_store::DbConnection,
    agency: &str,
    asked: Option<String>,
) -> ApiResult<String> {
    if let Some(d) = asked {
        return Ok(d);
    }
    let departments = accounts::departments_of(conn, agency)?;
    departments
        .iter()
        .find(|d| d.is_intake)
        .or(departments.first())
        .map(|d| d.code.clone())
        .ok_or_else(|| ApiError::field("agency", format!("没有代码为“{agency}”的行政机关")))
}

#[utoipa::path(
    tag = "public",
    request_body = Filing,
    responses(
        (status = 201, body = FilingReceipt),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests")]
pub async fn file_request(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    body: Body<Filing>,
) -> ApiResult<HttpResponse> {
    let filing = body.0;
    // A logged-in applicant's request is linked to the account; staff file paper requests
    // through /cases.
    let actor = filer(caller.0)?;
    let receipt = submit_filing(&state, actor, filing).await?;
    Ok(HttpResponse::Created().json(receipt))
}

/// Who files: a logged-in applicant (the request is linked to the account) or anyone without
/// an account; staff register paper requests instead.
pub fn filer(caller: Option<crate::auth::Caller>) -> ApiResult<Actor> {
    Ok(match caller {
        Some(c) if c.role() == Role::Applicant => c.actor,
        Some(_) => {
            return Err(ApiError::forbidden(
                "工作人员登记纸质、当面等申请请使用“登记申请”（POST /api/v1/cases）",
            ));
        }
        None => Actor::new(
            gongkai_workflow::decide::ANONYMOUS_APPLICANT,
            Role::Applicant,
        ),
    })
}

/// Files an online request for `actor`.
pub async fn submit_filing(
    state: &web::Data<AppState>,
    actor: Actor,
    filing: Filing,
) -> ApiResult<FilingReceipt> {
    db(state, move |conn, state| {
        let law = state.law();
        let department = intake_department(conn, &filing.agency, filing.department)?;
        let ctx = context(&law, actor);
        let done = receive(
            conn,
            Receive {
                channel: Channel::Online,
                agency: filing.agency.clone(),
                department,
                applicant: filing.applicant,
                request: filing.request,
                receipt_date: None,
            },
            &ctx,
        )
        .map_err(|e| match e {
            gongkai_store::StoreError::NotFound(_) => ApiError::field(
                "department",
                format!("行政机关“{}”没有这个部门", filing.agency),
            ),
            other => other.into(),
        })?;
        Ok(FilingReceipt {
            case_id: done.case_id,
            query_code: done.query_code.unwrap_or_default(),
            tracking_number: None,
            status: done.case.status.as_str().to_owned(),
            receipt_date: None,
            due: None,
            notice: FILING_NOTICE.to_owned(),
        })
    })
    .await
}

/// Tracking number (or filing reference) and query code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupKey {
    /// The tracking number (e.g. GK-2026-000123) or the filing reference given at filing.
    pub reference: String,
    pub query_code: String,
}

impl Validate for LookupKey {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "reference", &self.reference, limits::REFERENCE);
        required(errors, "query_code", &self.query_code, limits::QUERY_CODE);
    }
}

/// The case whose reference and query code match, with its events; 404 otherwise (a wrong code
/// and an unknown number look the same).
fn find_by_code(
    conn: &mut gongkai_store::DbConnection,
    key: &LookupKey,
) -> ApiResult<(String, Case, Vec<gongkai_workflow::Event>)> {
    // A filing reference is a UUID, which no tracking number (prefix-year-number) can be.
    let row = if uuid::Uuid::try_parse(key.reference.trim()).is_ok() {
        queries::lookup_by_reference(conn, &key.reference, &key.query_code)?
    } else {
        queries::lookup(conn, &key.reference, &key.query_code)?
    };
    let row = row.ok_or_else(ApiError::not_found)?;
    let evs = events::load(conn, &row.id)?;
    let case = Case::from_events(&evs);
    Ok((row.id, case, evs))
}

#[utoipa::path(
    tag = "public",
    request_body = LookupKey,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup")]
pub async fn lookup(
    state: web::Data<AppState>,
    body: Body<LookupKey>,
) -> ApiResult<web::Json<PublicCase>> {
    Ok(web::Json(look_up(&state, body.0).await?))
}

/// The request whose reference and query code match, as its applicant sees it.
pub async fn look_up(state: &web::Data<AppState>, key: LookupKey) -> ApiResult<PublicCase> {
    db(state, move |conn, state| {
        let (id, case, evs) = find_by_code(conn, &key)?;
        Ok(public_case(&id, &case, &evs, &state.law()))
    })
    .await
}

/// A correction by the holder of the query code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeCorrection {
    pub reference: String,
    pub query_code: String,
    /// The version of the request the applicant saw.
    pub version: u64,
    pub content: String,
}

impl Validate for CodeCorrection {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "reference", &self.reference, limits::REFERENCE);
        required(errors, "query_code", &self.query_code, limits::QUERY_CODE);
        required(errors, "content", &self.content, limits::CORRECTION);
    }
}

/// A command of the query code's holder: the key, the version seen, the command.
pub trait CodeAction {
    fn into_parts(self) -> (LookupKey, u64, Command);
}

impl CodeAction for CodeCorrection {
    fn into_parts(self) -> (LookupKey, u64, Command) {
        let key = LookupKey {
            reference: self.reference,
            query_code: self.query_code,
        };
        let command = Command::ReceiveCorrection {
            content: self.content,
            received_on: None,
            late_reason: None,
        };
        (key, self.version, command)
    }
}

impl CodeAction for CodeWithdrawal {
    fn into_parts(self) -> (LookupKey, u64, Command) {
        let key = LookupKey {
            reference: self.reference,
            query_code: self.query_code,
        };
        let command = Command::Withdraw {
            reason: self.reason,
            withdrawn_on: None,
        };
        (key, self.version, command)
    }
}

/// A withdrawal by the holder of the query code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeWithdrawal {
    pub reference: String,
    pub query_code: String,
    pub version: u64,
    #[serde(default)]
    pub reason: Option<String>,
}

impl Validate for CodeWithdrawal {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "reference", &self.reference, limits::REFERENCE);
        required(errors, "query_code", &self.query_code, limits::QUERY_CODE);
        if let Some(r) = &self.reason {
            at_most(errors, "reason", r, limits::REASON);
        }
    }
}

/// Runs `command` on the request found by reference and query code, as the code's holder.
pub async fn act_with_code(
    state: web::Data<AppState>,
    key: LookupKey,
    version: u64,
    command: Command,
) -> ApiResult<PublicCase> {
    db(&state, move |conn, state| {
        let (id, case, _) = find_by_code(conn, &key)?;
        let Some(tracking_number) = case.tracking_number.clone() else {
            return Err(ApiError::from(gongkai_workflow::Rejection::new(
                gongkai_workflow::RejectionCode::WrongStatus,
                "申请尚未登记，请待登记后再操作，或联系受理机关",
            )));
        };
        let law = state.law();
        let ctx = context(&law, Actor::query_code_holder(&tracking_number));
        execute(conn, &id, version, command, &ctx)?;
        state.scheduler.poke();
        let evs = events::load(conn, &id)?;
        let case = Case::from_events(&evs);
        Ok(public_case(&id, &case, &evs, &law))
    })
    .await
}

#[utoipa::path(
    tag = "public",
    request_body = CodeCorrection,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/correction")]
pub async fn correction(
    state: web::Data<AppState>,
    body: Body<CodeCorrection>,
) -> ApiResult<web::Json<PublicCase>> {
    let (key, version, command) = body.0.into_parts();
    Ok(web::Json(
        act_with_code(state, key, version, command).await?,
    ))
}

#[utoipa::path(
    tag = "public",
    request_body = CodeWithdrawal,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/withdrawal")]
pub async fn withdrawal(
    state: web::Data<AppState>,
    body: Body<CodeWithdrawal>,
) -> ApiResult<web::Json<PublicCase>> {
    let (key, version, command) = body.0.into_parts();
    Ok(web::Json(
        act_with_code(state, key, version, command).await?,
    ))
}
