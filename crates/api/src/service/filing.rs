//! The public side: the guide, filing online, lookup by tracking number and query code, the
//! query code holder's correction and withdrawal, and what an applicant may still do.

use actix_web::web;
use gongkai_store::{DbConnection, accounts, events, execute, queries, receive, sessions};
use gongkai_workflow::model::{Applicant, Receive, RequestDetails};
use gongkai_workflow::{Actor, Case, Channel, Command, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::cases::Action;
use super::context;
use super::guide::{GUIDE_KEY, Guide, default_guide};
use super::possible::may;
use crate::auth::Caller;
use crate::body::{Validate, at_most, limits, required};
use crate::error::FieldError;
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Law, db};
use crate::views::{DueView, PublicCase, public_case};

/// The guide in force: the admins' text, or the default.
pub async fn guide(state: &web::Data<AppState>) -> ApiResult<Guide> {
    let stored = db(state, |conn, _| Ok(sessions::setting(conn, GUIDE_KEY)?)).await?;
    match stored {
        Some(text) => serde_json::from_str(&text).map_err(ApiError::internal),
        None => Ok(default_guide()),
    }
}

/// The agencies (public knowledge: the filing form lists them).
pub async fn agencies(state: &web::Data<AppState>) -> ApiResult<Vec<accounts::Agency>> {
    db(state, |conn, _| Ok(accounts::agencies(conn)?)).await
}

/// The department that takes requests in when none is named: the agency's intake office.
pub(crate) fn intake_department(
    conn: &mut DbConnection,
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

/// Who files: a logged-in applicant (the request is linked to the account) or anyone without
/// an account; staff register paper requests instead.
pub fn filer(caller: Option<Caller>) -> ApiResult<Actor> {
    Ok(match caller {
        Some(c) if c.role() == Role::Applicant => c.actor,
        Some(_) => {
            return Err(ApiError::forbidden(
                "工作人员不能代为在线申请：当面、邮寄等方式收到的申请请在“登记申请”中录入。",
            ));
        }
        None => Actor::new(
            gongkai_workflow::decide::ANONYMOUS_APPLICANT,
            Role::Applicant,
        ),
    })
}

/// Files an online request for `caller` (anyone but staff).
pub async fn file(
    state: &web::Data<AppState>,
    caller: Option<Caller>,
    filing: Filing,
) -> ApiResult<FilingReceipt> {
    let actor = filer(caller)?;
    check_filing(&filing)?;
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
            reference: done.filing_reference.unwrap_or_default(),
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

/// The workflow's checks of an online filing (identity document by type, the delivery's
/// contact detail), every one of them at once: 422 with the first refusal's code and one
/// error per field, so the API and the form name the same fields.
pub fn check_filing(filing: &Filing) -> ApiResult<()> {
    let problems = gongkai_workflow::model::filing_problems(&filing.applicant, &filing.request);
    match problems.first() {
        None => Ok(()),
        Some(first) => {
            let errors = problems
                .iter()
                .map(|r| FieldError {
                    path: r.field.unwrap_or_default().to_owned(),
                    message: r.message.clone(),
                })
                .collect();
            Err(ApiError {
                errors,
                ..ApiError::from(first.clone())
            })
        }
    }
}

/// What the applicant may still do on their request (asked of the workflow).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplicantOptions {
    pub correct: bool,
    pub withdraw: bool,
}

impl ApplicantOptions {
    /// What `actor` (the account holder, or the query code's holder) may do on `case`. The
    /// code's holder acts only on a registered request: the code proves a tracking number.
    fn of(case: &Case, actor: &Actor, law: &Law) -> ApplicantOptions {
        ApplicantOptions {
            correct: may(case, actor, law, Action::ReceiveCorrection),
            withdraw: may(case, actor, law, Action::Withdraw),
        }
    }

    fn for_code_holder(case: &Case, law: &Law) -> ApplicantOptions {
        match &case.tracking_number {
            Some(t) => ApplicantOptions::of(case, &Actor::query_code_holder(t), law),
            None => ApplicantOptions::default(),
        }
    }
}

/// A request as its applicant sees it, with what they may still do.
#[derive(Debug, Clone)]
pub struct ApplicantView {
    pub case: PublicCase,
    pub options: ApplicantOptions,
}

/// The case whose reference and query code match, with its events; 404 otherwise (a wrong code
/// and an unknown number look the same).
pub(crate) fn find_by_code(conn: &mut DbConnection, key: &LookupKey) -> ApiResult<Found> {
    let reference = key.reference.trim();
    // A case id is a UUID (online filings made before short references existed), which no
    // tracking number (prefix-year-number) can be; a short reference is 10 characters without
    // 0 and 1, which a tracking number (its year has a 0) is not either: it is still tried
    // as one when no filing has that reference.
    let row = if uuid::Uuid::try_parse(reference).is_ok() {
        queries::lookup_by_reference(conn, reference, &key.query_code)?
    } else if gongkai_store::parse_filing_reference(reference).is_some() {
        match queries::lookup_by_filing_reference(conn, reference, &key.query_code)? {
            Some(row) => Some(row),
            None => queries::lookup(conn, reference, &key.query_code)?,
        }
    } else {
        queries::lookup(conn, reference, &key.query_code)?
    };
    let row = row.ok_or_else(ApiError::not_found)?;
    let evs = events::load(conn, &row.id)?;
    let case = Case::from_events(&evs);
    Ok(Found {
        id: row.id,
        filing_reference: row.filing_reference,
        case,
        events: evs,
    })
}

/// A request found by its reference and query code.
pub(crate) struct Found {
    pub(crate) id: String,
    filing_reference: Option<String>,
    pub(crate) case: Case,
    pub(crate) events: Vec<gongkai_workflow::Event>,
}

impl Found {
    /// The request as its applicant sees it.
    fn public(&self, law: &Law) -> PublicCase {
        PublicCase {
            filing_reference: self.filing_reference.clone(),
            ..public_case(&self.id, &self.case, &self.events, law)
        }
    }
}

/// The request whose reference and query code match, as its applicant sees it.
pub async fn look_up(state: &web::Data<AppState>, key: LookupKey) -> ApiResult<ApplicantView> {
    db(state, move |conn, state| {
        let found = find_by_code(conn, &key)?;
        let law = state.law();
        Ok(ApplicantView {
            options: ApplicantOptions::for_code_holder(&found.case, &law),
            case: found.public(&law),
        })
    })
    .await
}

/// Runs `command` on the request found by reference and query code, as the code's holder.
pub async fn act_with_code(
    state: &web::Data<AppState>,
    key: LookupKey,
    version: u64,
    command: Command,
) -> ApiResult<ApplicantView> {
    db(state, move |conn, state| {
        let found = find_by_code(conn, &key)?;
        let (id, case) = (found.id, found.case);
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
        let found = Found {
            id,
            filing_reference: found.filing_reference,
            case,
            events: evs,
        };
        Ok(ApplicantView {
            options: ApplicantOptions::for_code_holder(&found.case, &law),
            case: found.public(&law),
        })
    })
    .await
}

/// The requests of `applicant`'s account.
pub async fn my_requests(
    state: &web::Data<AppState>,
    applicant: &crate::auth::Applicant,
) -> ApiResult<Vec<crate::views::CaseSummary>> {
    let id = applicant.user.id.clone();
    let rows = db(state, move |conn, _| {
        Ok(queries::cases_of_account(conn, &id)?)
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(crate::views::CaseSummary::for_applicant)
        .collect())
}

/// One request of the caller's account as they see it, with the printable notices addressed
/// to them: (notice id, subject). Anyone but the account's applicant gets 404.
pub async fn my_request(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
) -> ApiResult<(ApplicantView, Vec<(String, String)>)> {
    db(state, move |conn, state| {
        let row = queries::case_row(conn, &caller.scope(), &id)?
            .filter(|_| caller.role() == Role::Applicant)
            .ok_or_else(ApiError::not_found)?;
        let evs = events::load(conn, &row.id)?;
        let case = Case::from_events(&evs);
        let notices = super::notices::applicant_notices(conn, &caller, &row.id)?;
        let law = state.law();
        Ok((
            ApplicantView {
                options: ApplicantOptions::of(&case, &caller.actor, &law),
                case: PublicCase {
                    filing_reference: row.filing_reference.clone(),
                    ..public_case(&row.id, &case, &evs, &law)
                },
            },
            notices,
        ))
    })
    .await
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
        // Named at the phone, the first of the contact fields (as the workflow names it), so
        // that the form shows it there; the sentence names all three.
        errors.push(FieldError {
            path: "applicant.phone".to_owned(),
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

    fn refusals(&self) -> Vec<gongkai_workflow::Rejection> {
        gongkai_workflow::model::filing_problems(&self.applicant, &self.request)
    }
}

/// What an applicant filing online is told about receipt dates and the query code (said
/// once: the receipt page shows it as its warning).
pub const FILING_NOTICE: &str = "网上申请以工作人员登记确认之日为收到申请之日，答复期限自该日起计算；登记后将给出申请编号。查询码只显示这一次，系统不保存其明文，遗失后无法找回；凭提交编号（登记后也可用申请编号）和查询码可以查询办理进度、提交补正材料、查看答复。";

/// What the applicant gets back on filing. The query code is shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingReceipt {
    /// The filing reference (提交编号): 10 characters without look-alikes (no 0/O, 1/I/L),
    /// to read out or copy from a phone; with the query code it finds the request before and
    /// after registration.
    pub reference: String,
    /// The case's internal id (not shown to people; the lookup accepts it too).
    pub case_id: String,
    pub query_code: String,
    /// Given when the request is registered (online requests: when a clerk confirms them).
    pub tracking_number: Option<String>,
    pub status: String,
    pub receipt_date: Option<chrono::NaiveDate>,
    pub due: Option<DueView>,
    pub notice: String,
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
