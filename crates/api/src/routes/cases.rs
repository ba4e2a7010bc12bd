//! Staff work on cases: registering paper requests, the queue, a case's record, every workflow
//! command as its own action route, attachments.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use gongkai_store::attachments::{self, Attachment};
use gongkai_store::queries::{self, Cursor, QueueFilter};
use gongkai_store::{
    StoreError, events, execute, receive_within, register, register_within, write_transaction,
};
use gongkai_workflow::model::{Applicant, Receive, RequestDetails};
use gongkai_workflow::{Case, Channel, Command, Role};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Authenticated;
use crate::body::{Body, Validate, limits, required};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError, Problem};
use crate::routes::public::{intake_department, validate_applicant, validate_request};
use crate::routes::{context, visible_case};
use crate::state::{AppState, db};
use crate::views::{CaseDetail, CaseSummary, DueView, EventView, due_of};

/// A request received on paper, in person, by post, fax or email, registered by a clerk.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperRequest {
    pub agency: String,
    #[serde(default)]
    pub department: Option<String>,
    pub channel: Channel,
    /// The receipt date under the channel's rule (in person: today when left out).
    #[serde(default)]
    pub receipt_date: Option<NaiveDate>,
    pub applicant: Applicant,
    pub request: RequestDetails,
}

impl Validate for PaperRequest {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "agency", &self.agency, limits::CODE_REF);
        if self.channel == Channel::Online {
            errors.push(FieldError {
                path: "channel".to_owned(),
                message: "网上申请由申请人在线提交，工作人员在队列中登记确认".to_owned(),
            });
        }
        validate_applicant(errors, &self.applicant);
        validate_request(errors, &self.request);
    }
}

/// A registered request: what the clerk hands or sends to the applicant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Registered {
    pub case_id: String,
    pub tracking_number: Option<String>,
    /// Shown once: give it to the applicant with the tracking number.
    pub query_code: String,
    pub receipt_date: Option<NaiveDate>,
    pub due: Option<DueView>,
    pub version: u64,
}

#[utoipa::path(
    tag = "cases",
    request_body = PaperRequest,
    responses(
        (status = 201, body = Registered),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Body<PaperRequest>,
) -> ApiResult<HttpResponse> {
    let out = register_paper(&state, caller.0, body.0).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Receives and registers a request that arrived on paper, in person, by post, fax or email.
pub async fn register_paper(
    state: &web::Data<AppState>,
    c: crate::auth::Caller,
    p: PaperRequest,
) -> ApiResult<Registered> {
    c.require(&[Role::Clerk, Role::Supervisor])?;
    let out = db(state, move |conn, state| {
        let law = state.law();
        let department = intake_department(conn, &p.agency, p.department)?;
        if !c.covers(&department) {
            return Err(ApiError::field(
                "department",
                format!("部门“{department}”不在您的办理范围内"),
            ));
        }
        let ctx = context(&law, c.actor.clone());
        // Received and registered in one transaction: the tracking number and the receipt
        // date exist together or not at all.
        let done = write_transaction(conn, |conn| {
            let received = receive_within(
                conn,
                Receive {
                    channel: p.channel,
                    agency: p.agency.clone(),
                    department,
                    applicant: p.applicant,
                    request: p.request,
                    receipt_date: p.receipt_date,
                },
                &ctx,
            )?;
            let registered =
                register_within(conn, &received.case_id, received.version, None, None, &ctx)?;
            Ok::<_, StoreError>((received.query_code, registered))
        })
        .map_err(|e| match e {
            StoreError::NotFound(_) => ApiError::field("department", "没有这个行政机关或部门"),
            other => other.into(),
        })?;
        let (code, registered) = done;
        Ok(Registered {
            case_id: registered.case_id.clone(),
            tracking_number: registered.case.tracking_number.clone(),
            query_code: code.unwrap_or_default(),
            receipt_date: registered.case.receipt_date,
            due: due_of(&registered.case, &law),
            version: registered.version,
        })
    })
    .await?;
    state.scheduler.poke();
    Ok(out)
}

/// Queue filters; every one optional. Staff see only their departments.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    pub department: Option<String>,
    /// `me` for the caller's own cases.
    pub assignee: Option<String>,
    /// received, registered, processing, under_review, replied, archived, withdrawn,
    /// abandoned, closed_unpaid (comma-separated); default: the open ones.
    pub status: Option<String>,
    /// normal, due_soon or overdue.
    pub warning_level: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

pub(crate) const STATUSES: [&str; 9] = [
    "received",
    "registered",
    "processing",
    "under_review",
    "replied",
    "archived",
    "withdrawn",
    "abandoned",
    "closed_unpaid",
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<CaseSummary>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (date, id) = text.split_once('_')?;
    Some(Cursor {
        due_sort: gongkai_workflow::parse_date(date)?,
        id: id.to_owned(),
    })
}

/// Builds the store's filter from the query, narrowed to what `caller` may see; None when
/// nothing can match (a department outside the caller's scope).
pub fn queue_filter(
    caller: &crate::auth::Caller,
    q: &QueueQuery,
    default_statuses: &[&str],
) -> ApiResult<Option<QueueFilter>> {
    let statuses: Vec<String> = match &q.status {
        Some(s) => s.split(',').map(|x| x.trim().to_owned()).collect(),
        None => default_statuses.iter().map(|s| (*s).to_owned()).collect(),
    };
    if let Some(bad) = statuses.iter().find(|s| !STATUSES.contains(&s.as_str())) {
        return Err(ApiError::bad_request(format!(
            "status: 未知的状态“{bad}”，可选：{}",
            STATUSES.join(", ")
        )));
    }
    if let Some(w) = &q.warning_level
        && !["normal", "due_soon", "overdue"].contains(&w.as_str())
    {
        return Err(ApiError::bad_request(format!(
            "warning_level: 未知的预警级别“{w}”，可选：normal, due_soon, overdue"
        )));
    }
    let scope = caller.scope();
    if scope.sees_nothing() {
        return Err(ApiError::forbidden("您没有分配任何部门"));
    }
    let scope = match &q.department {
        // A department outside the caller's scope: an empty page, without asking the
        // database; nothing is revealed.
        Some(d) if !scope.covers_department(d) => return Ok(None),
        Some(d) => scope.department(d),
        None => scope,
    };
    Ok(Some(QueueFilter {
        scope,
        agency: None,
        assignee: q.assignee.as_ref().map(|a| {
            if a == "me" {
                caller.user.id.clone()
            } else {
                a.clone()
            }
        }),
        statuses: statuses
            .iter()
            .filter_map(|s| gongkai_workflow::Status::parse(s))
            .collect(),
        warning_level: q
            .warning_level
            .as_deref()
            .and_then(gongkai_workflow::WarningLevel::parse),
    }))
}

pub async fn page(
    state: &web::Data<AppState>,
    filter: Option<QueueFilter>,
    after: Option<&str>,
    limit: Option<i64>,
) -> ApiResult<QueuePage> {
    let limit = limit.unwrap_or(50);
    if !(1..=limits::QUEUE_PAGE_MAX).contains(&limit) {
        return Err(ApiError::bad_request("limit: 须为 1—200"));
    }
    let Some(filter) = filter else {
        return Ok(QueuePage {
            items: Vec::new(),
            next: None,
        });
    };
    let cursor = match after {
        Some(a) => Some(parse_cursor(a).ok_or_else(|| {
            ApiError::bad_request("after: 无效的分页位置，请使用上一页返回的 next")
        })?),
        None => None,
    };
    let rows = db(state, move |conn, _| {
        Ok(queries::queue(conn, &filter, cursor.as_ref(), limit + 1)?)
    })
    .await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(50);
    let items: Vec<CaseSummary> = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(50))
        .map(CaseSummary::from)
        .collect();
    let next = if more {
        items.last().map(|r| {
            format!(
                "{}_{}",
                r.due_date
                    .unwrap_or(gongkai_store::execute::NO_DUE_DATE)
                    .format("%Y-%m-%d"),
                r.id
            )
        })
    } else {
        None
    };
    Ok(QueuePage { items, next })
}

#[utoipa::path(
    tag = "cases",
    params(QueueQuery),
    responses(
        (status = 200, body = QueuePage),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases")]
pub async fn queue(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<QueueQuery>,
) -> ApiResult<web::Json<QueuePage>> {
    let c = caller.0;
    c.require(&[Role::Clerk, Role::Supervisor, Role::Admin])?;
    let q = query.into_inner();
    let filter = queue_filter(&c, &q, &gongkai_workflow::Status::OPEN_NAMES)?;
    Ok(web::Json(
        page(&state, filter, q.after.as_deref(), q.limit).await?,
    ))
}

fn staff_only(c: &crate::auth::Caller) -> ApiResult<()> {
    if c.role() == Role::Applicant {
        // Applicants read their requests under /my/requests; here they find nothing.
        return Err(ApiError::not_found());
    }
    Ok(())
}

/// A case's whole record, if `caller` may see it.
pub fn detail(
    conn: &mut gongkai_store::DbConnection,
    state: &AppState,
    caller: &crate::auth::Caller,
    id: &str,
) -> ApiResult<CaseDetail> {
    let row = visible_case(conn, caller, id)?;
    let rows = events::load_rows(conn, id)?;
    let mut evs = Vec::with_capacity(rows.len());
    let mut views = Vec::with_capacity(rows.len());
    for r in &rows {
        let e = r.event()?;
        views.push(EventView {
            seq: u64::try_from(r.seq).unwrap_or(0),
            event: e.clone(),
        });
        evs.push(e);
    }
    let case = Case::from_events(&evs);
    let law = state.law();
    Ok(CaseDetail {
        due: due_of(&case, &law),
        summary: row.into(),
        case,
        events: views,
    })
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = CaseDetail),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<CaseDetail>> {
    let c = caller.0;
    staff_only(&c)?;
    let id = path.into_inner();
    Ok(web::Json(
        db(&state, move |conn, state| detail(conn, state, &c, &id)).await?,
    ))
}

/// The workflow commands, each its own action route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Register,
    Assign,
    StartProcessing,
    RequestCorrection,
    ReceiveCorrection,
    Abandon,
    StartConsultation,
    EndConsultation,
    RequestExtension,
    ApproveExtension,
    DenyExtension,
    IssueFeeNotice,
    RecordPayment,
    CloseUnpaid,
    SetReasonableDate,
    ReplyOnTheSpot,
    DraftReply,
    SubmitForReview,
    ApproveReply,
    ReturnReply,
    RecordDelivery,
    Archive,
    Withdraw,
    Reopen,
    RecordOverdue,
    RecordRemedy,
    DecideRemedy,
}

impl Action {
    pub const ALL: [Action; 27] = [
        Action::Register,
        Action::Assign,
        Action::StartProcessing,
        Action::RequestCorrection,
        Action::ReceiveCorrection,
        Action::Abandon,
        Action::StartConsultation,
        Action::EndConsultation,
        Action::RequestExtension,
        Action::ApproveExtension,
        Action::DenyExtension,
        Action::IssueFeeNotice,
        Action::RecordPayment,
        Action::CloseUnpaid,
        Action::SetReasonableDate,
        Action::ReplyOnTheSpot,
        Action::DraftReply,
        Action::SubmitForReview,
        Action::ApproveReply,
        Action::ReturnReply,
        Action::RecordDelivery,
        Action::Archive,
        Action::Withdraw,
        Action::Reopen,
        Action::RecordOverdue,
        Action::RecordRemedy,
        Action::DecideRemedy,
    ];

    /// The route segment (`request_correction`).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn parse(text: &str) -> Option<Action> {
        serde_json::from_value(Value::String(text.to_owned())).ok()
    }

    /// What the button says.
    pub fn label_zh(self) -> &'static str {
        match self {
            Action::Register => "登记",
            Action::Assign => "分配/转办",
            Action::StartProcessing => "开始办理",
            Action::RequestCorrection => "通知补正",
            Action::ReceiveCorrection => "登记收到补正",
            Action::Abandon => "视为放弃申请",
            Action::StartConsultation => "征求意见",
            Action::EndConsultation => "结束征求意见",
            Action::RequestExtension => "申请延期答复",
            Action::ApproveExtension => "批准延期",
            Action::DenyExtension => "不批准延期",
            Action::IssueFeeNotice => "发出收费通知",
            Action::RecordPayment => "登记缴费",
            Action::CloseUnpaid => "逾期未缴费终止办理",
            Action::SetReasonableDate => "确定提供信息的合理期限",
            Action::ReplyOnTheSpot => "当场答复",
            Action::DraftReply => "起草答复",
            Action::SubmitForReview => "提交审核",
            Action::ApproveReply => "审核通过并答复",
            Action::ReturnReply => "退回修改",
            Action::RecordDelivery => "登记送达",
            Action::Archive => "归档",
            Action::Withdraw => "登记撤回申请",
            Action::Reopen => "重新办理（复议决定/判决）",
            Action::RecordOverdue => "记录逾期",
            Action::RecordRemedy => "登记行政复议/行政诉讼",
            Action::DecideRemedy => "登记复议/诉讼结果",
        }
    }
}

/// The version the client saw and the command's own fields (see the workflow's commands:
/// e.g. `{"version": 3, "items": ["请说明所需信息的文号"]}` for request_correction).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ActionBody {
    pub version: u64,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, Value>,
}

impl Validate for ActionBody {
    fn validate(&self, _: &mut Vec<FieldError>) {}
}

/// What a command did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionResult {
    pub case_id: String,
    pub version: u64,
    pub status: String,
    pub sub_state: Option<String>,
    /// The events the command recorded.
    pub events: Vec<EventView>,
    pub due: Option<DueView>,
}

/// The workflow command of an action route and its fields, in one pass over the fields: a
/// wrong value is named by its path (`reply.outcome`), and so is a field the command does not
/// have, at any depth (commands take no unknown fields). The cost is linear in the body: the
/// only other parse is of the bare command name, to tell a command without fields.
pub fn command_of(action: Action, fields: serde_json::Map<String, Value>) -> ApiResult<Command> {
    if fields.contains_key("command") {
        return Err(ApiError::field(
            "command",
            "命令由路径给出，请勿在请求体中重复",
        ));
    }
    let name = Value::String(action.as_str());
    let mut bare = serde_json::Map::new();
    bare.insert("command".to_owned(), name.clone());
    // A command without fields (start_processing, archive, ...) is complete with its name.
    if let Ok(command) = parse_command(Value::Object(bare)) {
        return match fields.keys().next() {
            None => Ok(command),
            Some(key) => Err(ApiError::field(key, "此操作不需要这个字段")),
        };
    }
    let mut object = serde_json::Map::new();
    object.insert("command".to_owned(), name);
    object.insert("fields".to_owned(), Value::Object(fields));
    let mut unknown: Option<String> = None;
    count_parse();
    let mut note = |path: serde_ignored::Path<'_>| {
        if unknown.is_none() {
            unknown = Some(path.to_string());
        }
    };
    let parsed = serde_path_to_error::deserialize::<_, Command>(serde_ignored::Deserializer::new(
        Value::Object(object),
        &mut note,
    ));
    let field_path = |path: &str| {
        let path = path.strip_prefix("fields").unwrap_or(path);
        path.strip_prefix('.').unwrap_or(path).to_owned()
    };
    match (parsed, unknown) {
        (Ok(_), Some(path)) => Err(ApiError::field(&field_path(&path), "未知字段")),
        (Ok(command), None) => Ok(command),
        (Err(e), _) => {
            let path = field_path(&e.path().to_string());
            Err(ApiError::invalid(vec![FieldError::from_serde(
                &path,
                &e.into_inner().to_string(),
            )]))
        }
    }
}

fn parse_command(value: Value) -> Result<Command, serde_json::Error> {
    count_parse();
    serde_json::from_value(value)
}

#[cfg(test)]
thread_local! {
    /// Parses of a command's JSON on this thread (tests: the cost of naming a bad field).
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_parse() {
    #[cfg(test)]
    PARSES.with(|n| n.set(n.get() + 1));
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterFields {
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    receipt_date: Option<NaiveDate>,
}

#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "case id"),
        ("action" = inline(Action), Path, description = "the workflow command")
    ),
    request_body = ActionBody,
    responses(
        (status = 200, body = ActionResult),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/actions/{action}")]
pub async fn act(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
    body: Body<ActionBody>,
) -> ApiResult<web::Json<ActionResult>> {
    let (id, action) = path.into_inner();
    let action = Action::parse(&action).ok_or_else(ApiError::not_found)?;
    let ActionBody { version, fields } = body.0;
    Ok(web::Json(
        perform(&state, caller.0, id, action, version, fields).await?,
    ))
}

/// Runs one workflow command on case `id` for `c`, who saw `version`. The case's visibility
/// is checked before the fields are read: for a case the caller may not see, a body is never
/// parsed, and the answer is 404 whatever it holds.
pub async fn perform(
    state: &web::Data<AppState>,
    c: crate::auth::Caller,
    id: String,
    action: Action,
    version: u64,
    fields: serde_json::Map<String, Value>,
) -> ApiResult<ActionResult> {
    let out = db(state, move |conn, state| {
        let row = visible_case(conn, &c, &id)?;
        let law = state.law();
        let ctx = context(&law, c.actor.clone());
        let done = if action == Action::Register {
            // Register takes its tracking number from the agency's counter, never from the
            // client.
            let r = serde_path_to_error::deserialize::<_, RegisterFields>(Value::Object(fields))
                .map_err(|e| {
                    ApiError::invalid(vec![FieldError::from_serde(
                        &e.path().to_string(),
                        &e.into_inner().to_string(),
                    )])
                })?;
            register(conn, &row.id, version, r.department, r.receipt_date, &ctx)?
        } else {
            let command = command_of(action, fields)?;
            execute(conn, &row.id, version, command, &ctx)?
        };
        let first = done.version - done.events.len() as u64 + 1;
        Ok(ActionResult {
            case_id: done.case_id.clone(),
            version: done.version,
            status: done.case.status.as_str().to_owned(),
            sub_state: done.case.sub_state().map(|s| s.as_str().to_owned()),
            events: done
                .events
                .iter()
                .enumerate()
                .map(|(i, e)| EventView {
                    seq: first + i as u64,
                    event: e.clone(),
                })
                .collect(),
            due: due_of(&done.case, &law),
        })
    })
    .await?;
    state.scheduler.poke();
    Ok(out)
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name as the uploader knows it.
    pub filename: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub case_id: String,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: chrono::NaiveDateTime,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> AttachmentView {
        AttachmentView {
            id: a.id,
            case_id: a.case_id,
            sha256: a.sha256,
            filename: a.filename,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            uploaded_by: a.uploaded_by,
            uploaded_at: a.uploaded_at,
        }
    }
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "*/*",
        description = "the file's bytes; its Content-Type must be one of the accepted types (attachments.content_types), others get 415. Only while the case is open (409 case_not_open); within the limits per file (413 payload_too_large) and per case and per applicant on a case (409 too_many_attachments, 413 attachments_too_large)"),
    responses(
        (status = 201, body = AttachmentView),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/attachments")]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let c = caller.0;
    let id = path.into_inner();
    let content_type = crate::body::media_type(&req).unwrap_or_default();
    let limits = &state.settings.attachment_limits;
    accepted_type(limits, &content_type)?;
    let filename = query.into_inner().filename;
    // The name, the case and its status are checked before a byte is read.
    attachments::check(limits, &filename, &content_type)?;
    may_upload(&state, &c, &id).await?;
    let file = spool(&state, payload, false).await?;
    let saved = store_attachment(&state, c, id, filename, content_type, file).await?;
    Ok(HttpResponse::Created().json(AttachmentView::from(saved)))
}

/// Whether `c` may upload to case `id` now (it sees the case and the case is open): asked
/// before the bytes are read, and again when they are stored.
pub async fn may_upload(
    state: &web::Data<AppState>,
    c: &crate::auth::Caller,
    id: &str,
) -> ApiResult<()> {
    let (c, id) = (c.clone(), id.to_owned());
    db(state, move |conn, _| {
        let row = visible_case(conn, &c, &id)?;
        if row.status.is_open() {
            Ok(())
        } else {
            Err(StoreError::CaseClosed {
                status: row.status.as_str().to_owned(),
            }
            .into())
        }
    })
    .await
}

/// Bytes of an upload gathered before they are written out (the most held in memory per
/// upload, with the chunk in hand).
const SPOOL_BATCH_BYTES: usize = 64 * 1024;

/// Receives an upload into a temporary file in the attachments folder, hashed on the way:
/// never more than [`SPOOL_BATCH_BYTES`] in memory, written on the blocking pool, and no
/// thread held while the client is slow to send. Past `attachments.max_bytes` it answers 413
/// (after reading the rest without keeping it when `drain`, so that a browser sees the
/// answer); the temporary file is removed whenever the upload is not stored.
pub async fn spool<S, E>(
    state: &web::Data<AppState>,
    mut body: S,
    drain: bool,
) -> ApiResult<attachments::Spooled>
where
    S: futures_util::Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    use futures_util::StreamExt;
    let dir = state.settings.attachments_dir.clone();
    let max = state.settings.attachment_limits.max_bytes;
    let mut file = web::block(move || attachments::Spool::create(&dir, max))
        .await
        .map_err(ApiError::internal)??;
    let mut batch: Vec<u8> = Vec::with_capacity(SPOOL_BATCH_BYTES);
    let mut received: u64 = 0;
    let unreadable = |e: &dyn std::fmt::Display| {
        ApiError::new(ErrorCode::MalformedBody, format!("无法读取上传的文件：{e}"))
    };
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| unreadable(&e))?;
        received = received.saturating_add(chunk.len() as u64);
        if received > max {
            drop(file);
            if drain {
                while let Some(rest) = body.next().await {
                    rest.map_err(|e| unreadable(&e))?;
                }
            }
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("文件超过 {max} 字节的上限"),
            ));
        }
        batch.extend_from_slice(&chunk);
        if batch.len() >= SPOOL_BATCH_BYTES {
            let (f, b) = web::block(move || {
                file.write(&batch)?;
                batch.clear();
                Ok::<_, StoreError>((file, batch))
            })
            .await
            .map_err(ApiError::internal)??;
            (file, batch) = (f, b);
        }
    }
    Ok(web::block(move || {
        file.write(&batch)?;
        file.finish()
    })
    .await
    .map_err(ApiError::internal)??)
}

/// Refuses a file type the settings do not accept (415, naming the accepted ones).
pub fn accepted_type(limits: &attachments::Limits, content_type: &str) -> ApiResult<()> {
    if limits.content_types.iter().any(|t| t == content_type) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::UnsupportedMediaType,
        format!(
            "不接受类型为“{content_type}”的文件；可上传：{}",
            limits.content_types.join(", ")
        ),
    ))
}

/// Stores a file uploaded by `c` to case `id`, if `c` may see the case and it is open, within
/// the limits on the case's files (and, for an applicant, on their own files of the case).
pub async fn store_attachment(
    state: &web::Data<AppState>,
    c: crate::auth::Caller,
    id: String,
    filename: String,
    content_type: String,
    file: attachments::Spooled,
) -> ApiResult<Attachment> {
    db(state, move |conn, state| {
        let row = visible_case(conn, &c, &id)?;
        let file_of = attachments::Upload {
            case_id: &row.id,
            filename: &filename,
            content_type: &content_type,
            uploaded_by: &c.user.id,
            applicant: c.role() == Role::Applicant,
        };
        Ok(attachments::store(
            conn,
            &state.settings.attachments_dir,
            &state.settings.attachment_limits,
            &file_of,
            file,
        )?)
    })
    .await
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "case id")),
    responses(
        (status = 200, body = Vec<AttachmentView>),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<web::Json<Vec<AttachmentView>>> {
    let c = caller.0;
    let id = path.into_inner();
    let out = db(&state, move |conn, _| {
        let row = visible_case(conn, &c, &id)?;
        let mut files = attachments::list(conn, &c.scope(), &row.id)?;
        // Applicants see the files they uploaded themselves; staff papers (drafts, letters to
        // third parties) stay internal.
        if c.role() == Role::Applicant {
            files.retain(|f| f.uploaded_by == c.user.id);
        }
        Ok(files)
    })
    .await?;
    Ok(web::Json(
        out.into_iter().map(AttachmentView::from).collect(),
    ))
}

#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "attachment id")),
    responses(
        (status = 200, description = "the file, with the type it was uploaded with", content_type = "*/*"),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let c = caller.0;
    let id = path.into_inner();
    let (meta, bytes) = db(&state, move |conn, state| {
        let meta = attachments::get(conn, &c.scope(), &id)?.ok_or_else(ApiError::not_found)?;
        queries::case_row(conn, &c.scope(), &meta.case_id)?
            .filter(|_| c.role() != Role::Applicant || meta.uploaded_by == c.user.id)
            .ok_or_else(ApiError::not_found)?;
        let bytes = attachments::read(&state.settings.attachments_dir, &meta)?;
        Ok((meta, bytes))
    })
    .await?;
    // The filename is sent RFC 5987-encoded so Chinese names survive.
    let encoded: String = meta
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type(meta.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename*=UTF-8''{encoded}"),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> serde_json::Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    fn refused(action: Action, v: Value) -> (String, String) {
        match command_of(action, fields(v)) {
            Ok(c) => panic!("accepted {c:?}"),
            Err(e) => (
                e.errors.first().map(|f| f.path.clone()).unwrap_or_default(),
                e.errors
                    .first()
                    .map(|f| f.message.clone())
                    .unwrap_or_default(),
            ),
        }
    }

    #[test]
    fn commands_are_read_with_their_fields() {
        let c = command_of(
            Action::RequestCorrection,
            fields(json!({"items": ["文号"]})),
        );
        assert!(
            matches!(c, Ok(Command::RequestCorrection { ref items, period_days: None }) if items == &["文号"])
        );
        // Without fields: a command that has none, and one whose fields all have defaults.
        assert_eq!(
            command_of(Action::StartProcessing, fields(json!({}))).ok(),
            Some(Command::StartProcessing)
        );
        assert!(matches!(
            command_of(Action::Assign, fields(json!({}))),
            Ok(Command::Assign {
                department: None,
                assignee: None
            })
        ));
        let c = command_of(
            Action::DraftReply,
            fields(json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "答复"}})),
        );
        assert!(matches!(c, Ok(Command::DraftReply { .. })), "{c:?}");
    }

    #[test]
    fn a_bad_field_is_named_by_its_path() {
        assert_eq!(
            refused(Action::RequestCorrection, json!({"items": "文号"})).0,
            "items"
        );
        assert_eq!(
            refused(Action::RequestCorrection, json!({"items": ["a", 3]})).0,
            "items[1]"
        );
        assert_eq!(
            refused(Action::RequestCorrection, json!({"item": ["a"]})).0,
            "item"
        );
        assert_eq!(
            refused(Action::RequestExtension, json!({})),
            ("reason".to_owned(), "此项必填".to_owned()),
            "a missing field is named by its own path"
        );
        // Unknown fields are refused at any depth, and on commands that take none.
        assert_eq!(
            refused(
                Action::DraftReply,
                json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "x", "txt": "y"}})
            ),
            ("reply.txt".to_owned(), "未知字段".to_owned())
        );
        assert_eq!(refused(Action::Archive, json!({"note": "x"})).0, "note");
        assert_eq!(
            refused(Action::Archive, json!({"command": "archive"})).0,
            "command"
        );
    }

    #[test]
    fn naming_the_bad_field_of_a_huge_body_costs_one_pass() {
        // What an attacker sent: tens of thousands of unknown keys and one wrongly typed field.
        // Finding the culprit used to re-parse the body once per key (quadratic).
        let mut body = serde_json::Map::new();
        for i in 0..50_000 {
            body.insert(format!("k{i:05}"), Value::from(0));
        }
        body.insert("reason".to_owned(), Value::from(7));
        PARSES.with(|n| n.set(0));
        let e = command_of(Action::RequestExtension, body);
        assert!(e.is_err());
        let parses = PARSES.with(std::cell::Cell::get);
        assert!(parses <= 2, "{parses} parses of the body");
    }
}
