//! Fees computed, not typed (issue 19 point 5): the figure a fee notice charges for is
//! counted by the server, never taken from the clerk.
//!
//! - 按件计收 (《政府信息公开信息处理费管理办法》第四条): this request's place among the same
//!   applicant's requests to the agency received in the same calendar month, by the applicant
//!   identity the system derives (`cases.applicant_key`); see
//!   [`gongkai_store::fees::place_in_month`].
//! - 按量计收 (第五条): the pages of the documents the draft reply's release provides. The
//!   workflow lets a reply be drafted while the case is in processing, before it is submitted
//!   for review, so the clerk records what will be provided (with page counts) in the draft
//!   first and then issues the notice.
//!
//! A figure a client sends anyway must equal the computed one (old clients keep working);
//! another is refused with `fee_figure_mismatch` before anything is stored.

use actix_web::web;
use chrono::NaiveDate;
use gongkai_store::{CaseRow, DbConnection, events};
use gongkai_workflow::fee::{
    FeeFacts, ReleasePages, fee_explanation_zh, fee_yuan, month_zh, release_pages,
};
use gongkai_workflow::model::{FeeBasis, FeeMethod};
use gongkai_workflow::{Case, Status};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::visible_case;
use crate::auth::{Caller, RoleClass, Staff};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::state::{AppState, db};

/// A document counted for 按量计收.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeDocument {
    pub title: String,
    pub pages: u32,
}

/// Why a basis cannot be computed now: the code and message `issue_fee_notice` would answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeProblem {
    pub code: String,
    pub message: String,
}

/// The computed figure of one basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeFigure {
    /// `per_request` or `per_page` (the `method` of `fee`).
    pub method: String,
    /// 按件: the request's place in the month (`nth`); 按量: the pages (`pages`). None when it
    /// cannot be computed (see `problem`).
    pub figure: Option<u32>,
    /// The fee in yuan for this figure (0: nothing is due on this basis).
    pub amount_yuan: Option<u64>,
    /// 按件: the month counted, `YYYY-MM`.
    pub month: Option<String>,
    /// 按量: the documents counted.
    pub documents: Vec<FeeDocument>,
    /// How the figure was computed, as the fee notice states it.
    pub explanation: Option<String>,
    pub problem: Option<FeeProblem>,
}

/// The fee figures the server would charge on each basis now: what a client shows the clerk
/// before the clerk picks a basis and issues the notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeePreview {
    pub case_id: String,
    /// The case version the figures were computed at.
    pub version: u64,
    pub per_request: FeeFigure,
    pub per_page: FeeFigure,
}

/// The figures of both bases, or the error each would be refused with.
pub(crate) struct Computed {
    per_request: Result<(u32, chrono::NaiveDate), ApiError>,
    per_page: Result<(u32, Vec<(String, u32)>), ApiError>,
}

fn fee_error(code: ErrorCode, path: &str, message: String) -> ApiError {
    ApiError {
        errors: vec![FieldError {
            path: path.to_owned(),
            message: message.clone(),
        }],
        ..ApiError::new(code, message)
    }
}

/// Computes both bases for `case` (whose projection is `row`).
pub(crate) fn compute(conn: &mut DbConnection, row: &CaseRow, case: &Case) -> ApiResult<Computed> {
    let per_request = match gongkai_store::fees::place_in_month(conn, row)? {
        Some(p) => Ok((p.nth, p.month)),
        None => Err(ApiError::field(
            "fee.nth",
            "本申请尚无收到申请之日，不能按件计收",
        )),
    };
    let per_page = match case.draft.as_ref().map(|d| release_pages(&d.reply.release)) {
        None => Err(fee_error(
            ErrorCode::FeeReleaseMissing,
            "fee.pages",
            "按量计收按拟提供信息的页数计算：请先起草答复，在“提供的信息”中列明拟提供的文件及其页数，再发出收费通知".to_owned(),
        )),
        Some(ReleasePages::Empty) => Err(fee_error(
            ErrorCode::FeeReleaseMissing,
            "fee.pages",
            "答复稿“提供的信息”中没有拟提供的文件，不能按量计收".to_owned(),
        )),
        Some(ReleasePages::Unknown(items)) => {
            let names: Vec<String> = items
                .iter()
                .map(|(i, t)| format!("第 {} 项《{t}》", i + 1))
                .collect();
            Err(fee_error(
                ErrorCode::FeePagesUnknown,
                "fee.pages",
                format!(
                    "答复稿“提供的信息”中{}未填写页数：请在答复稿中填写各文件的页数后再按量计收",
                    names.join("、")
                ),
            ))
        }
        Some(ReleasePages::Counted { pages, documents }) => Ok((pages, documents)),
    };
    Ok(Computed {
        per_request,
        per_page,
    })
}

fn problem(e: &ApiError) -> FeeProblem {
    FeeProblem {
        code: e.code.as_str().to_owned(),
        message: e
            .errors
            .first()
            .map_or_else(|| e.detail.clone(), |f| f.message.clone()),
    }
}

/// The preview of `computed` for the case `case_id` at `version`.
pub(crate) fn preview_of(case_id: &str, version: u64, computed: &Computed) -> FeePreview {
    let per_request = match &computed.per_request {
        Ok((nth, month)) => {
            let method = FeeMethod::PerRequest { nth: *nth };
            FeeFigure {
                method: FeeBasis::PerRequest.as_str().to_owned(),
                figure: Some(*nth),
                amount_yuan: Some(fee_yuan(method)),
                month: Some(month.format("%Y-%m").to_string()),
                documents: Vec::new(),
                explanation: Some(fee_explanation_zh(
                    method,
                    &FeeFacts {
                        month: Some(*month),
                        documents: Vec::new(),
                    },
                )),
                problem: None,
            }
        }
        Err(e) => failed(FeeBasis::PerRequest, e),
    };
    let per_page = match &computed.per_page {
        Ok((pages, documents)) => {
            let method = FeeMethod::PerPage { pages: *pages };
            FeeFigure {
                method: FeeBasis::PerPage.as_str().to_owned(),
                figure: Some(*pages),
                amount_yuan: Some(fee_yuan(method)),
                month: None,
                documents: documents
                    .iter()
                    .map(|(t, p)| FeeDocument {
                        title: t.clone(),
                        pages: *p,
                    })
                    .collect(),
                explanation: Some(fee_explanation_zh(
                    method,
                    &FeeFacts {
                        month: None,
                        documents: documents.clone(),
                    },
                )),
                problem: None,
            }
        }
        Err(e) => failed(FeeBasis::PerPage, e),
    };
    FeePreview {
        case_id: case_id.to_owned(),
        version,
        per_request,
        per_page,
    }
}

fn failed(basis: FeeBasis, e: &ApiError) -> FeeFigure {
    FeeFigure {
        method: basis.as_str().to_owned(),
        figure: None,
        amount_yuan: None,
        month: None,
        documents: Vec::new(),
        explanation: None,
        problem: Some(problem(e)),
    }
}

/// The case `id` as its events make it.
fn load_case(conn: &mut DbConnection, id: &str) -> ApiResult<Case> {
    Ok(Case::from_events(&events::load(conn, id)?))
}

/// The form's one-line label of a basis: its name and the computed figure, or why there is
/// none.
pub fn option_label(f: &FeeFigure) -> String {
    let name = FeeBasis::parse(&f.method).map_or("", |b| b.label_zh());
    match (&f.problem, f.figure, f.amount_yuan) {
        (Some(p), _, _) => format!("{name}（暂不能计算：{}）", p.message),
        (None, Some(n), Some(amount)) if f.method == FeeBasis::PerRequest.as_str() => {
            let month = f
                .month
                .as_deref()
                .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
                .map(month_zh)
                .unwrap_or_default();
            format!("{name}：申请人{month}内第 {n} 件申请，应收 {amount} 元")
        }
        (None, Some(n), Some(amount)) => {
            let docs: Vec<String> = f
                .documents
                .iter()
                .map(|d| format!("《{}》{} 页", d.title, d.pages))
                .collect();
            format!("{name}：共 {n} 页（{}），应收 {amount} 元", docs.join("、"))
        }
        _ => name.to_owned(),
    }
}

/// The fee figures of case `id` for staff who see it (404 for others, as for a case that
/// does not exist).
pub async fn preview(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
) -> ApiResult<FeePreview> {
    if !Staff::admits(caller.role()) {
        return Err(ApiError::not_found());
    }
    db(state, move |conn, _| {
        let row = visible_case(conn, &caller, &id)?;
        let case = load_case(conn, &id)?;
        let computed = compute(conn, &row, &case)?;
        Ok(preview_of(&row.id, case.version, &computed))
    })
    .await
}

/// The preview for the case page, while a fee notice may be issued (in processing, none
/// issued yet).
pub(crate) fn page_preview(
    conn: &mut DbConnection,
    row: &CaseRow,
    case: &Case,
) -> ApiResult<Option<FeePreview>> {
    if case.status != Status::Processing || case.fee.is_some() {
        return Ok(None);
    }
    let computed = compute(conn, row, case)?;
    Ok(Some(preview_of(&row.id, case.version, &computed)))
}

/// Completes the fields of an issue_fee_notice action with the computed figure of the basis
/// chosen in `fee.method`: an omitted figure becomes the computed one, an equal one stays, a
/// different one is refused (`fee_figure_mismatch`, naming the computed figure). A basis that
/// cannot be computed is refused with its reason. Fields the command cannot read (no `fee`,
/// an unknown method, a figure that is not a number) are left for the command's parser to
/// name. While no notice may be issued (not in processing, or one issued already) an omitted
/// figure is filled with a placeholder: the workflow refuses the step before it reads it.
pub(crate) fn fill(
    conn: &mut DbConnection,
    row: &CaseRow,
    fields: &mut serde_json::Map<String, Value>,
) -> ApiResult<()> {
    let Some(Value::Object(fee)) = fields.get_mut("fee") else {
        return Ok(());
    };
    let Some(basis) = fee
        .get("method")
        .and_then(Value::as_str)
        .and_then(FeeBasis::parse)
    else {
        return Ok(());
    };
    let key = match basis {
        FeeBasis::PerRequest => "nth",
        FeeBasis::PerPage => "pages",
    };
    let given = match fee.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(n),
            // Not a count: the parser names it.
            None => return Ok(()),
        },
    };
    let case = load_case(conn, &row.id)?;
    if case.status != Status::Processing || case.fee.is_some() {
        if given.is_none() {
            fee.insert(key.to_owned(), Value::from(1));
        }
        return Ok(());
    }
    let computed = compute(conn, row, &case)?;
    let (figure, how) = match basis {
        FeeBasis::PerRequest => {
            let (nth, month) = computed.per_request?;
            (
                nth,
                format!("本申请为申请人{}内第 {nth} 件申请", month_zh(month)),
            )
        }
        FeeBasis::PerPage => {
            let (pages, documents) = computed.per_page?;
            let docs: Vec<String> = documents
                .iter()
                .map(|(t, p)| format!("《{t}》{p} 页"))
                .collect();
            (
                pages,
                format!("答复稿拟提供的文件共 {pages} 页（{}）", docs.join("、")),
            )
        }
    };
    match given {
        None => {
            fee.insert(key.to_owned(), Value::from(figure));
            Ok(())
        }
        Some(n) if n == u64::from(figure) => Ok(()),
        Some(n) => Err(fee_error(
            ErrorCode::FeeFigureMismatch,
            &format!("fee.{key}"),
            format!(
                "{}的数额由系统计算：{how}，与提交的 {n} 不一致；请不填此项或按系统计算结果提交",
                basis.label_zh()
            ),
        )),
    }
}
