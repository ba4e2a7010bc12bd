//! Cases for staff: registering paper requests, the queue, a case's record, the workflow
//! commands, the case page's data and the supervision dashboard.

use actix_web::web;
use chrono::NaiveDate;
use gongkai_store::queries::{self, Cursor, QueueFilter};
use gongkai_store::{
    StoreError, events, execute, receive_within, register, register_within, write_transaction,
};
use gongkai_workflow::model::Receive;
use gongkai_workflow::{Calendar, Case, Command, Status, WarningLevel};
use serde::Deserialize;
use serde_json::Value;

pub use super::case_shapes::{
    Action, ActionResult, Dashboard, DepartmentCounts, PaperRequest, QueuePage, QueueQuery,
    Registered, action_named,
};
use super::directory::Directory;
use super::filing::intake_department;
use super::{context, visible_case};
use crate::auth::{Caller, Handler, RoleClass, Staff, Supervisor};
use crate::body::limits;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::state::{AppState, db};
use crate::views::{CaseDetail, CaseSummary, EventView, due_of};

/// Receives and registers a request that arrived on paper, in person, by post, fax or email.
pub async fn register_paper(
    state: &web::Data<AppState>,
    c: Handler,
    p: PaperRequest,
) -> ApiResult<Registered> {
    let c = c.0;
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

/// Whether a queue may be filtered by `status`: every status a case can be in (a case is
/// never stored as not yet received).
fn listed(status: Status) -> bool {
    status != Status::New
}

/// Which statuses a queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statuses {
    /// The open ones (received, registered, processing, under review).
    Open,
    /// Every status.
    All,
}

impl Statuses {
    /// The statuses.
    pub fn statuses(self) -> Vec<Status> {
        Status::ALL
            .into_iter()
            .filter(|s| listed(*s) && (self == Statuses::All || s.is_open()))
            .collect()
    }

    /// The statuses' stored names comma-separated (the queue's `status` parameter).
    pub fn param(self) -> String {
        let names: Vec<&str> = self.statuses().into_iter().map(Status::as_str).collect();
        names.join(",")
    }
}

/// A queue's `status` parameter (stored names, comma-separated) read into statuses.
fn parse_statuses(text: &str) -> ApiResult<Vec<Status>> {
    text.split(',')
        .map(|x| {
            let x = x.trim();
            Status::parse(x).filter(|s| listed(*s)).ok_or_else(|| {
                let all: Vec<&str> = Statuses::All
                    .statuses()
                    .into_iter()
                    .map(Status::as_str)
                    .collect();
                ApiError::parameter(
                    "status",
                    format!("未知的状态“{x}”，可选：{}", all.join(", ")),
                )
            })
        })
        .collect()
}

/// A queue's `warning_level` parameter read into a level.
fn parse_level(text: Option<&str>) -> ApiResult<Option<WarningLevel>> {
    let Some(w) = text else {
        return Ok(None);
    };
    WarningLevel::parse(w).map(Some).ok_or_else(|| {
        let levels: Vec<&str> = WarningLevel::ALL.iter().map(|l| l.as_str()).collect();
        ApiError::parameter(
            "warning_level",
            format!("未知的预警级别“{w}”，可选：{}", levels.join(", ")),
        )
    })
}

/// What a queue lists, typed: the department, the assignee (`me` for the caller), the
/// statuses (none: any) and the warning level.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub statuses: Vec<Status>,
    pub warning_level: Option<WarningLevel>,
}

/// Builds the store's filter from the query, narrowed to what `caller` may see; None when
/// nothing can match (a department outside the caller's scope). Without a status in the
/// query, `default` applies (None: no status filter).
pub fn queue_filter(
    caller: &Caller,
    q: &QueueQuery,
    default: Option<Statuses>,
) -> ApiResult<Option<QueueFilter>> {
    let statuses = match &q.status {
        Some(s) => parse_statuses(s)?,
        None => default.map(Statuses::statuses).unwrap_or_default(),
    };
    let warning_level = parse_level(q.warning_level.as_deref())?;
    selection_filter(
        caller,
        Selection {
            department: q.department.clone(),
            assignee: q.assignee.clone(),
            statuses,
            warning_level,
        },
    )
}

/// The store's filter for `s`, narrowed to what `caller` may see; None when nothing can match
/// (a department outside the caller's scope).
pub fn selection_filter(caller: &Caller, s: Selection) -> ApiResult<Option<QueueFilter>> {
    let scope = caller.scope();
    if scope.sees_nothing() {
        return Err(ApiError::forbidden("您没有分配任何部门"));
    }
    let scope = match &s.department {
        // A department outside the caller's scope: an empty page, without asking the
        // database; nothing is revealed.
        Some(d) if !scope.covers_department(d) => return Ok(None),
        Some(d) => scope.department(d),
        None => scope,
    };
    Ok(Some(QueueFilter {
        scope,
        agency: None,
        assignee: s
            .assignee
            .map(|a| if a == "me" { caller.user.id.clone() } else { a }),
        statuses: s.statuses,
        warning_level: s.warning_level,
    }))
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (date, id) = text.split_once('_')?;
    Some(Cursor {
        due_sort: gongkai_workflow::parse_date(date)?,
        id: id.to_owned(),
    })
}

/// One page of the queue of `filter`.
pub async fn page(
    state: &web::Data<AppState>,
    filter: Option<QueueFilter>,
    after: Option<&str>,
    limit: Option<i64>,
) -> ApiResult<QueuePage> {
    let limit = limit.unwrap_or(50);
    if !(1..=limits::QUEUE_PAGE_MAX).contains(&limit) {
        return Err(ApiError::parameter(
            "limit",
            format!("每页条数须为 1—{}", limits::QUEUE_PAGE_MAX),
        ));
    }
    let Some(filter) = filter else {
        return Ok(QueuePage {
            items: Vec::new(),
            next: None,
        });
    };
    let cursor = match after {
        Some(a) => Some(parse_cursor(a).ok_or_else(|| {
            ApiError::parameter("after", "无效的分页位置，请使用上一页返回的 next")
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

/// The queue of `staff`: the open cases unless the query names statuses.
pub async fn queue(
    state: &web::Data<AppState>,
    staff: &Staff,
    q: &QueueQuery,
) -> ApiResult<QueuePage> {
    let filter = queue_filter(staff, q, Some(Statuses::Open))?;
    page(state, filter, q.after.as_deref(), q.limit).await
}

/// The cases awaiting review in `sup`'s scope.
pub async fn reviews(
    state: &web::Data<AppState>,
    sup: &Supervisor,
    q: QueueQuery,
) -> ApiResult<QueuePage> {
    let filter = selection_filter(
        sup,
        Selection {
            department: q.department.clone(),
            assignee: q.assignee.clone(),
            statuses: vec![Status::UnderReview],
            warning_level: parse_level(q.warning_level.as_deref())?,
        },
    )?;
    page(state, filter, q.after.as_deref(), q.limit).await
}

/// A case's whole record, if `caller` may see it.
pub(crate) fn detail(
    conn: &mut gongkai_store::DbConnection,
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<CaseDetail> {
    let row = visible_case(conn, caller, id)?;
    detail_of(conn, state, row)
}

/// [`detail`] of a case whose row the caller has already been found to see.
fn detail_of(
    conn: &mut gongkai_store::DbConnection,
    state: &AppState,
    row: gongkai_store::projection::CaseRow,
) -> ApiResult<CaseDetail> {
    let id = row.id.as_str();
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

/// A case's record for `caller`: staff who see it; applicants read their requests under
/// /my/requests and find nothing here (404, as for a case that does not exist).
pub async fn show(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
) -> ApiResult<CaseDetail> {
    if !Staff::admits(caller.role()) {
        return Err(ApiError::not_found());
    }
    db(state, move |conn, state| detail(conn, state, &caller, &id)).await
}

/// Runs one workflow command on case `id` for `c`, who saw `version`. The case's visibility
/// is checked before the fields are read: for a case the caller may not see, a body is never
/// parsed, and the answer is 404 whatever it holds.
pub async fn perform(
    state: &web::Data<AppState>,
    c: Caller,
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
            let mut fields = fields;
            if action == Action::IssueFeeNotice {
                // The fee's figure is the server's (see `fees`), never the client's.
                super::fees::fill(conn, &row, &mut fields)?;
            }
            let mut command = command_of(action, fields)?;
            fill_release(conn, &c, &row.id, &mut command)?;
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

/// Fills in each released file's sha256 and size from the stored attachment (and clears any
/// `source` a client sent), the attachment being a
/// file of this case (and so within the caller's scope): what a client sends for them is never
/// taken. An unknown attachment, or another case's, is a 422 naming the item.
fn fill_release(
    conn: &mut gongkai_store::DbConnection,
    c: &Caller,
    case_id: &str,
    command: &mut Command,
) -> ApiResult<()> {
    let reply = match command {
        Command::DraftReply { reply } | Command::ReplyOnTheSpot { reply } => reply,
        _ => return Ok(()),
    };
    // Too many items: the workflow refuses them without any lookup.
    if reply.release.len() > gongkai_workflow::decide::MAX_RELEASE_ITEMS {
        return Ok(());
    }
    let scope = c.scope();
    for (i, item) in reply.release.iter_mut().enumerate() {
        let Some(file) = item.file_mut() else {
            continue;
        };
        let found = gongkai_store::attachments::get(conn, &scope, file.attachment.trim())?
            .filter(|a| a.case_id == case_id);
        let Some(a) = found else {
            return Err(ApiError::field(
                &format!("reply.release.{i}"),
                format!("提供的信息第 {} 项：所选附件不是本案件的附件", i + 1),
            ));
        };
        file.attachment = a.id;
        file.sha256 = a.sha256;
        file.size = u64::try_from(a.size_bytes).unwrap_or_default();
        // The original a redacted file was made from is recorded by the redaction itself
        // (issue 20), never taken from a client.
        file.source = None;
    }
    Ok(())
}

/// The workflow command of an action and its fields, in one pass over the fields: a wrong
/// value is named by its path (`reply.outcome`), and so is a field the command does not have,
/// at any depth (commands take no unknown fields). The cost is linear in the body: the only
/// other parse is of the bare command name, to tell a command without fields.
pub fn command_of(action: Action, fields: serde_json::Map<String, Value>) -> ApiResult<Command> {
    if fields.contains_key("command") {
        return Err(ApiError::field(
            "command",
            "命令由路径给出，请勿在请求体中重复",
        ));
    }
    let name = Value::String(action.as_str().to_owned());
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

/// What the case page shows besides the record.
pub struct CasePageData {
    pub detail: CaseDetail,
    pub directory: Directory,
    /// The case agency's departments: (code, name).
    pub departments: Vec<(String, String)>,
    /// Enabled clerks and supervisors of those departments: (id, "name（department）").
    pub handlers: Vec<(String, String)>,
    /// The case's files: (id, name, size).
    pub files: Vec<(String, String, i64)>,
    /// The case's notices: (id, subject, outbox status).
    pub notices: Vec<(String, String, String)>,
    pub similar: Vec<gongkai_store::similar::Similar>,
    pub marks: Vec<gongkai_store::similar::Mark>,
    /// For a reviewer who may approve the reply now: the letter the approval would send the
    /// applicant, (subject, body), rendered as the mailer will.
    pub reply_preview: Option<(String, String)>,
    /// The applicant's retrievals of the reply letter and the released files.
    pub retrievals: super::release::Retrievals,
    /// While a fee notice may be issued: the figures the server computes for each basis.
    pub fee: Option<super::fees::FeePreview>,
}

/// The reply letter approving `case`'s draft would send its applicant, rendered from the
/// case's events and the approval `c` would record now; `None` when `c` may not approve it.
fn reply_preview(
    conn: &mut gongkai_store::DbConnection,
    state: &AppState,
    c: &Caller,
    case_id: &str,
    case: &Case,
    history: &[gongkai_workflow::Event],
) -> ApiResult<Option<(String, String)>> {
    use gongkai_mailer::message::{Notice, prepare_notice};
    use gongkai_workflow::{NoticeKind, Recipient};
    if case.status != Status::UnderReview {
        return Ok(None);
    }
    let law = state.law();
    let Ok(approval) =
        gongkai_workflow::decide(case, Command::ApproveReply, &context(&law, c.actor.clone()))
    else {
        return Ok(None);
    };
    let (_, called) = gongkai_workflow::notice::notices_of(case.clone(), &approval);
    let Some(letter) = called.into_iter().find(|n| {
        matches!(n.notice.kind, NoticeKind::Reply(_)) && n.notice.recipient == Recipient::Applicant
    }) else {
        return Ok(None);
    };
    let mut events = history.to_vec();
    events.extend(approval);
    let seq = history.len() + letter.at + 1;
    let templates = gongkai_mailer::templates::Templates::load(conn)?;
    let prepared = prepare_notice(
        conn,
        &Notice {
            case_id,
            history: &events,
            event_seq: i64::try_from(seq).unwrap_or(i64::MAX),
            kind: letter.notice.kind,
            recipient: Recipient::Applicant,
        },
        &templates,
        &law,
        &state.settings.mail_base_url,
        &mut gongkai_mailer::message::Lookups::default(),
    )?;
    Ok(prepared.rendered.ok().map(|r| (r.subject, r.body)))
}

/// Everything the case page of `staff` shows about case `id`.
pub async fn case_page(
    state: &web::Data<AppState>,
    staff: &Staff,
    id: String,
) -> ApiResult<CasePageData> {
    let c = staff.0.clone();
    db(state, move |conn, state| {
        let row = super::visible_case(conn, &c, &id)?;
        let detail = detail_of(conn, state, row.clone())?;
        let (similar, marks) = gongkai_store::similar::similar_to(conn, &id, 365, &c.scope())?;
        let directory = Directory::kept(conn, state)?;
        let agency = detail.case.agency.clone();
        let departments = directory.departments_of_agency(&agency);
        let handlers = directory.handlers_of_agency(&agency);
        let files = gongkai_store::attachments::list(conn, &c.scope(), &id)?
            .into_iter()
            .map(|f| (f.id, f.filename, f.size_bytes))
            .collect();
        let history: Vec<gongkai_workflow::Event> =
            detail.events.iter().map(|e| e.event.clone()).collect();
        let notices = super::notices::titles_of_case(conn, state, &c, &id, &history)?;
        let reply_preview = reply_preview(conn, state, &c, &id, &detail.case, &history)?;
        let retrievals = super::release::retrievals_of(conn, &id)?;
        let fee = super::fees::page_preview(conn, &row, &detail.case)?;
        Ok(CasePageData {
            retrievals,
            fee,
            reply_preview,
            detail,
            directory,
            departments,
            handlers,
            files,
            notices,
            similar,
            marks,
        })
    })
    .await
}

/// Due-soon and overdue counts per department of `sup`'s scope, and the lists behind them.
pub async fn dashboard(state: &web::Data<AppState>, sup: &Supervisor) -> ApiResult<Dashboard> {
    let scope = sup.scope();
    let days = state.settings.pending_registration_days;
    let before = submitted_before(&state.law().calendar, days, today());
    let (counts, (awaiting, awaiting_rows)) = db(state, move |conn, _| {
        Ok((
            queries::warning_counts(conn, &scope)?,
            queries::awaiting_registration(conn, &scope, before, 50)?,
        ))
    })
    .await?;
    let list = |level: WarningLevel| Selection {
        statuses: Statuses::Open.statuses(),
        warning_level: Some(level),
        ..Selection::default()
    };
    let overdue_cases = page(
        state,
        selection_filter(sup, list(WarningLevel::Overdue))?,
        None,
        Some(50),
    )
    .await?;
    let due_soon_cases = page(
        state,
        selection_filter(sup, list(WarningLevel::DueSoon))?,
        None,
        Some(50),
    )
    .await?;
    Ok(Dashboard {
        due_soon: counts.iter().map(|d| d.due_soon).sum(),
        overdue: counts.iter().map(|d| d.overdue).sum(),
        departments: counts
            .into_iter()
            .map(|d| DepartmentCounts {
                department: d.department,
                due_soon: d.due_soon,
                overdue: d.overdue,
            })
            .collect(),
        overdue_cases,
        due_soon_cases,
        awaiting_registration: awaiting,
        awaiting_registration_days: days,
        awaiting_registration_cases: awaiting_rows.into_iter().map(CaseSummary::from).collect(),
    })
}

fn today() -> NaiveDate {
    gongkai_workflow::clock::legal_date(chrono::Utc::now())
}

/// Working days an online filing submitted on `submitted` has waited for confirmation by
/// `today`: the working days after its submission day up to and including today (0 on the
/// day itself, and over a weekend after a Friday filing).
pub fn working_days_waited(cal: &Calendar, submitted: NaiveDate, today: NaiveDate) -> i64 {
    cal.working_days_between(submitted, today).max(0)
}

/// The instant (UTC) before which an online filing still awaiting confirmation on `today`
/// has waited more than `days` working days ([`working_days_waited`]): the start, in
/// Asia/Shanghai, of the day after the last submission day that has.
pub fn submitted_before(cal: &Calendar, days: u32, today: NaiveDate) -> chrono::NaiveDateTime {
    let mut last = today;
    // Each step back passes at most one working day, and no run of days off is a year long.
    for _ in 0..(u64::from(days) + 1) * 7 + 366 {
        if working_days_waited(cal, last, today) > i64::from(days) {
            break;
        }
        match last.pred_opt() {
            Some(d) => last = d,
            None => break,
        }
    }
    let next = last.succ_opt().unwrap_or(last);
    next.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(chrono_tz::Asia::Shanghai)
        .earliest()
        .map_or_else(|| next.and_time(chrono::NaiveTime::MIN), |t| t.naive_utc())
}

/// The directory of names, for pages that show codes and ids (queue, dashboard, figures).
pub async fn directory(state: &web::Data<AppState>) -> ApiResult<Directory> {
    if let Some(kept) = Directory::if_kept(state) {
        return Ok(kept);
    }
    db(state, Directory::kept).await
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
        assert_eq!(
            refused(
                Action::DraftReply,
                json!({"reply": {"outcome": {"kind": "disclosed"}}})
            ),
            ("reply.text".to_owned(), "此项必填".to_owned()),
            "a field missing inside an object is named by its own path"
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

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_filing_waits_working_days_not_calendar_days() {
        let cal = Calendar::weekends_only();
        // Filed on Friday 2026-12-04: nothing waited over the weekend, one day on Monday.
        assert_eq!(
            working_days_waited(&cal, day("2026-12-04"), day("2026-12-06")),
            0
        );
        assert_eq!(
            working_days_waited(&cal, day("2026-12-04"), day("2026-12-07")),
            1
        );
        assert_eq!(
            working_days_waited(&cal, day("2026-12-07"), day("2026-12-07")),
            0
        );
    }

    #[test]
    fn the_dashboard_counts_filings_submitted_before_the_waiting_limit() {
        let cal = Calendar::weekends_only();
        // On Tuesday 2026-12-08 with N = 1: a filing of Sunday 2026-12-06 (or earlier) has
        // waited two working days (Monday, Tuesday); one of Monday only one.
        let before = submitted_before(&cal, 1, day("2026-12-08"));
        assert_eq!(before, day("2026-12-06").and_hms_opt(16, 0, 0).unwrap());
        assert!(working_days_waited(&cal, day("2026-12-06"), day("2026-12-08")) > 1);
        assert_eq!(
            working_days_waited(&cal, day("2026-12-07"), day("2026-12-08")),
            1
        );
        // On Monday 2026-12-07 the filings of Thursday 2026-12-03 and before have waited more
        // than one working day (Friday, Monday); Friday's has waited one.
        let before = submitted_before(&cal, 1, day("2026-12-07"));
        assert_eq!(before, day("2026-12-03").and_hms_opt(16, 0, 0).unwrap());
        // N = 0: anything filed before today.
        let before = submitted_before(&cal, 0, day("2026-12-08"));
        assert_eq!(before, day("2026-12-07").and_hms_opt(16, 0, 0).unwrap());
    }
}
