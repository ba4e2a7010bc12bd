//! Pages for clerks and supervisors: the queue, the case page with the actions allowed now,
//! registering paper requests, and the supervision dashboard (电子监察).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::{NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;
use gongkai_store::{accounts, attachments, outbox};
use gongkai_workflow::model::{ConsultationKind, Remedy};
use gongkai_workflow::{EventKind, Role, Status, SubState, WarningLevel};
use serde::Deserialize;

use super::actions::{self, ActionForm, Choices};
use super::public::{Choice, applicant_types, carriers, deliveries};
use super::{Chrome, FormBody, FormState, Visitor, WebError, WebResult, see_other};
use crate::body::parse_value;
use crate::error::{ApiError, ErrorCode};
use crate::routes::cases::{
    self as api, Action, PaperRequest, QueueQuery, Registered, page, queue_filter,
};
use crate::routes::supervision::build_dashboard;
use crate::state::{AppState, Law, db};
use crate::views::{CaseDetail, CaseSummary, DueView, timeline_text};

/// A status as the queue names it: a received request waits for the clerk's registration.
fn status_label(status: &str) -> &'static str {
    match Status::parse(status) {
        Some(Status::Received) => "待登记",
        Some(s) => s.label_zh(),
        None => "未知",
    }
}

fn today() -> NaiveDate {
    gongkai_workflow::clock::legal_date(Utc::now())
}

/// Names of departments and staff, for showing codes and ids as people read them.
#[derive(Default)]
pub(super) struct Directory {
    pub(super) departments: HashMap<String, String>,
    users: HashMap<String, String>,
}

impl Directory {
    pub(super) fn load(conn: &mut gongkai_store::DbConnection) -> Result<Directory, ApiError> {
        let mut d = Directory::default();
        for a in accounts::agencies(conn)? {
            for dep in accounts::departments_of(conn, &a.code)? {
                d.departments.insert(dep.code, dep.name);
            }
        }
        for u in accounts::list_users(conn)? {
            d.users.insert(u.id, u.display_name);
        }
        Ok(d)
    }

    pub(super) fn department(&self, code: &str) -> String {
        self.departments
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    fn user(&self, id: &str) -> String {
        self.users.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }
}

/// A queue row as the page shows it.
pub struct Row {
    pub id: String,
    pub tracking_number: String,
    pub applicant: String,
    pub department: String,
    pub assignee: String,
    pub status: String,
    pub receipt_date: String,
    pub due_date: String,
    /// Working days left (negative: overdue by), with the wording.
    pub days_left: String,
    /// normal, due_soon or overdue (CSS class and label).
    pub level: String,
    pub level_label: &'static str,
}

fn level_label(level: &str) -> &'static str {
    WarningLevel::parse(level)
        .unwrap_or(WarningLevel::Normal)
        .label_zh()
}

fn row_of(s: CaseSummary, dir: &Directory, law: &Law, today: NaiveDate) -> Row {
    let days_left = match s.due_date {
        Some(due) => {
            let provisional = if s.provisional { "（暂定）" } else { "" };
            if due < today {
                // Working days after the due date, up to today.
                match law.calendar.working_days_between(due, today) {
                    0 => "已逾期".to_owned(),
                    n => format!("逾期 {n} 个工作日"),
                }
            } else {
                // Today counts, as for the warning level.
                let n = gongkai_workflow::clock::working_days_left(&law.calendar, today, due);
                if due == today {
                    format!("今日到期{provisional}")
                } else {
                    format!("剩 {n} 个工作日（含今日）{provisional}")
                }
            }
        }
        None if s.sub_state.as_deref() == Some("awaiting_correction") => {
            "待补正（收到补正后重新计算）".to_owned()
        }
        None if s.sub_state.is_some() => "期限中止".to_owned(),
        None => String::new(),
    };
    let level = s
        .warning_level
        .clone()
        .unwrap_or_else(|| "normal".to_owned());
    let mut status = status_label(&s.status).to_owned();
    if let Some(sub) = s.sub_state.as_deref().and_then(SubState::parse) {
        status = format!("{status}·{}", sub.label_zh());
    }
    Row {
        tracking_number: s
            .tracking_number
            .clone()
            .unwrap_or_else(|| "（未登记）".to_owned()),
        applicant: s.applicant_name.clone(),
        department: dir.department(&s.department),
        assignee: s
            .assignee
            .as_deref()
            .map(|a| dir.user(a))
            .unwrap_or_default(),
        status,
        receipt_date: s.receipt_date.map(|d| d.to_string()).unwrap_or_default(),
        due_date: s.due_date.map(|d| d.to_string()).unwrap_or_default(),
        days_left,
        level_label: level_label(&level),
        level,
        id: s.id,
    }
}

pub async fn home(visitor: Visitor) -> WebResult {
    let c = visitor.staff("/staff")?;
    Ok(see_other(match c.role() {
        Role::Supervisor => "/staff/dashboard",
        _ => "/staff/queue",
    }))
}

// ---------------------------------------------------------------------------------------
// The queue

#[derive(Debug, Clone, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    warning_level: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    after: Option<String>,
    /// Full-text search words: the page lists the best matches instead of the queue.
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    offset: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/queue.html")]
struct QueuePage {
    chrome: Chrome,
    form: FormState,
    searching: bool,
    rows: Vec<Row>,
    next: Option<String>,
    departments: Vec<Choice>,
    statuses: Vec<Choice>,
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

pub async fn queue(
    state: web::Data<AppState>,
    visitor: Visitor,
    params: web::Query<QueueParams>,
) -> WebResult {
    let c = visitor.staff("/staff/queue")?.clone();
    let mut p = params.into_inner();
    let words = blank(&p.q);
    if words.is_some() && p.status.is_none() {
        // A search looks at every case unless a status is chosen.
        p.status = Some("all".to_owned());
    }
    let open = gongkai_workflow::Status::OPEN_NAMES.join(",");
    let status = match blank(&p.status).as_deref() {
        None | Some("open") => Some(open),
        Some("all") => Some(
            "received,registered,processing,under_review,replied,archived,withdrawn,abandoned,closed_unpaid"
                .to_owned(),
        ),
        Some(s) => Some(s.to_owned()),
    };
    let q = QueueQuery {
        department: blank(&p.department),
        assignee: blank(&p.assignee),
        status,
        warning_level: blank(&p.warning_level),
        after: blank(&p.after),
        limit: Some(50),
    };
    let mut search_error = None;
    let offset: i64 = blank(&p.offset)
        .and_then(|o| o.parse().ok())
        .unwrap_or(0)
        .clamp(0, 10_000);
    let (items, next_after, next_offset) = match &words {
        None => {
            let filter = queue_filter(&c, &q, &[])?;
            let result = page(&state, filter, q.after.as_deref(), Some(50)).await?;
            (result.items, result.next, None)
        }
        Some(text) => match gongkai_store::search::terms(text) {
            Err(e) => {
                search_error = Some(e);
                (Vec::new(), None, None)
            }
            Ok(_) => {
                let found = crate::routes::insight::run_search(
                    &state,
                    &c,
                    crate::routes::insight::SearchQuery {
                        q: text.clone(),
                        department: q.department.clone(),
                        assignee: q.assignee.clone(),
                        status: q.status.clone(),
                        warning_level: q.warning_level.clone(),
                        limit: Some(50),
                        offset: Some(offset),
                    },
                )
                .await?;
                (
                    found.items.into_iter().map(|h| h.case).collect(),
                    None,
                    found.next_offset,
                )
            }
        },
    };
    let scope = c.scope();
    let dir = db(&state, |conn, _| Directory::load(conn)).await?;
    let law = state.law();
    let t = today();
    let mut departments: Vec<Choice> = dir
        .departments
        .iter()
        .filter(|(code, _)| scope.covers_department(code))
        .map(|(code, name)| Choice {
            value: code.clone(),
            label: name.clone(),
        })
        .collect();
    departments.sort_by(|a, b| a.value.cmp(&b.value));
    let next_param = next_after
        .map(|n| format!("after={}", super::form::percent_encode(&n)))
        .or(next_offset.map(|o| format!("offset={o}")));
    let next = next_param.map(|first| {
        let mut parts = vec![first];
        for (k, v) in [
            ("status", &p.status),
            ("warning_level", &p.warning_level),
            ("department", &p.department),
            ("assignee", &p.assignee),
            ("q", &p.q),
        ] {
            if let Some(v) = blank(v) {
                parts.push(format!("{k}={}", super::form::percent_encode(&v)));
            }
        }
        format!("/staff/queue?{}", parts.join("&"))
    });
    let mut form = FormState::with(&[
        ("status", p.status.as_deref().unwrap_or("open")),
        ("warning_level", p.warning_level.as_deref().unwrap_or("")),
        ("department", p.department.as_deref().unwrap_or("")),
        ("assignee", p.assignee.as_deref().unwrap_or("")),
        ("q", p.q.as_deref().unwrap_or("")),
    ]);
    if let Some(e) = search_error {
        form.add_error("q", e);
    }
    let statuses = [
        ("open", "全部在办"),
        ("received", "待登记"),
        ("registered", "已登记"),
        ("processing", "办理中"),
        ("under_review", "审核中"),
        ("replied", "已答复"),
        ("archived", "已归档"),
        ("all", "全部"),
    ]
    .iter()
    .map(|(v, l)| Choice {
        value: (*v).to_owned(),
        label: (*l).to_owned(),
    })
    .collect();
    let title = if words.is_some() {
        "检索结果"
    } else if p.status.as_deref() == Some("under_review") {
        "待审核"
    } else {
        "办理队列"
    };
    visitor.render(
        StatusCode::OK,
        &QueuePage {
            chrome: visitor.chrome(title),
            form,
            searching: words.is_some(),
            rows: items
                .into_iter()
                .map(|s| row_of(s, &dir, &law, t))
                .collect(),
            next,
            departments,
            statuses,
        },
    )
}

// ---------------------------------------------------------------------------------------
// The case page

/// One line of the case's history, for staff (internal steps included).
pub struct TimelineLine {
    pub at: String,
    pub legal_date: String,
    pub who: String,
    pub text: String,
}

fn staff_text(kind: &EventKind, dir: &Directory) -> String {
    match kind {
        EventKind::Received {
            channel, request, ..
        } => format!(
            "收到申请（{}）：{}",
            channel.label_zh(),
            request.description.chars().take(60).collect::<String>()
        ),
        EventKind::Registered { department, .. } => format!(
            "{}，承办部门：{}",
            timeline_text(kind).unwrap_or_default(),
            dir.department(department)
        ),
        EventKind::Assigned {
            department,
            assignee,
        } => match assignee {
            Some(a) => format!("分配给 {}（{}）", dir.user(a), dir.department(department)),
            None => format!("转至 {}", dir.department(department)),
        },
        EventKind::ConsultationStarted {
            kind,
            party,
            deadline,
            ..
        } => format!(
            "{}：{party}（答复期限 {deadline}）",
            match kind {
                ConsultationKind::ThirdParty => "征求第三方意见",
                ConsultationKind::OtherAgency => "征求其他行政机关意见",
            }
        ),
        EventKind::CorrectionReceived {
            content,
            late_reason,
        } => format!(
            "收到补正：{}{}",
            content.chars().take(80).collect::<String>(),
            late_reason
                .as_ref()
                .map(|r| format!("（逾期补正，接受理由：{r}）"))
                .unwrap_or_default()
        ),
        EventKind::ExtensionRequested { reason, days } => {
            format!("申请延期 {days} 个工作日：{reason}")
        }
        EventKind::ExtensionDenied { reason } => format!("不批准延期：{reason}"),
        EventKind::ReplyDrafted { reply } => {
            format!("起草答复：{}", reply.outcome.label_zh())
        }
        EventKind::RepliedOnTheSpot { reply } => {
            format!("当场答复：{}", reply.outcome.label_zh())
        }
        EventKind::SubmittedForReview => "提交审核".to_owned(),
        EventKind::ReplyReturned { reason } => format!("退回修改：{reason}"),
        EventKind::BreachRecorded { breach } => format!("记录：{}", breach.label_zh()),
        EventKind::Withdrawn { reason } => format!(
            "申请人撤回申请{}",
            reason
                .as_ref()
                .map(|r| format!("：{r}"))
                .unwrap_or_default()
        ),
        EventKind::RemedyRecorded { id, remedy } => format!("登记{}", remedy_summary(*id, remedy)),
        EventKind::RemedyDecided {
            id,
            result,
            decided_on,
        } => format!(
            "第 {id} 项复议/诉讼 {decided_on} 审结：{}",
            result.label_zh()
        ),
        other => timeline_text(other).unwrap_or_else(|| other.name().to_owned()),
    }
}

fn actor_label(id: &str, role: Role, dir: &Directory) -> String {
    match role {
        Role::Applicant => "申请人".to_owned(),
        Role::System => "系统".to_owned(),
        _ => format!("{}（{}）", dir.user(id), role.label_zh()),
    }
}

/// What the case page shows.
pub struct CaseView {
    pub id: String,
    pub version: u64,
    pub tracking_number: String,
    pub status: String,
    pub level: String,
    pub level_label: &'static str,
    pub channel: String,
    pub department: String,
    pub assignee: String,
    pub receipt_date: String,
    pub applicant_type: String,
    pub applicant: Vec<(String, String)>,
    pub description: String,
    pub document_number: String,
    pub carrier_delivery: String,
    pub due: Option<DueView>,
    pub draft: Option<(String, String)>,
    pub return_reason: Option<String>,
    pub reply: Option<(String, String)>,
    pub timeline: Vec<TimelineLine>,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage {
    chrome: Chrome,
    case: CaseView,
    actions: Vec<ActionForm>,
    /// The action whose form failed, with what was entered and the errors.
    failed: Option<(String, FormState)>,
    attachments: Vec<(String, String, String)>,
    notices: Vec<(String, String, String)>,
    /// Reconsiderations and lawsuits about the request.
    remedies: Vec<String>,
    /// Requests like this one: (link, tracking number, what the clerk should know).
    similar: Vec<(String, String, String)>,
    /// Marks recommending such requests for proactive disclosure.
    marks: Vec<String>,
    /// The viewer may open the frequent-request page.
    supervisor: bool,
}

/// A reconsideration or lawsuit in one line: which, where, since when, and how it ended.
fn remedy_summary(id: u32, remedy: &Remedy) -> String {
    format!(
        "第 {id} 项{}：{}{}，{} 提起，{}",
        remedy.label_zh(),
        remedy.body,
        remedy
            .reference
            .as_ref()
            .map(|x| format!("（{x}）"))
            .unwrap_or_default(),
        remedy.filed_on,
        match (remedy.result, remedy.decided_on) {
            (Some(res), Some(d)) => format!("{d} 审结：{}", res.label_zh()),
            _ => "尚未审结".to_owned(),
        }
    )
}

/// One line per reconsideration or lawsuit on the case.
fn remedy_lines(case: &gongkai_workflow::Case) -> Vec<String> {
    case.remedies
        .iter()
        .map(|r| remedy_summary(r.id, &r.remedy))
        .collect()
}

/// What the case page says about similar requests and the marks on them.
fn similar_lines(
    (like, marks): (
        Vec<gongkai_store::similar::Similar>,
        Vec<gongkai_store::similar::Mark>,
    ),
    dir: &Directory,
) -> (Vec<(String, String, String)>, Vec<String>) {
    let lines = like
        .into_iter()
        .map(|s| {
            let r = s.request;
            let answered = r
                .outcome
                .as_deref()
                .filter(|_| matches!(r.status, Status::Replied | Status::Archived));
            let mut note = format!(
                "{} 收到，{}，相似度 {:.0}%",
                r.received,
                r.status.label_zh(),
                s.similarity * 100.0
            );
            if s.same_applicant {
                // Only the same ID document or credit code says "the same applicant"; a phone,
                // email or name in common may be an agent or a namesake.
                let who = if s.same_document {
                    "同一申请人"
                } else {
                    "可能为同一申请人（联系方式或姓名相同）"
                };
                if answered.is_some() {
                    note.push_str(&format!(
                        "；{who}已获答复：如无正当理由重复申请，可依{}答复不予重复处理",
                        gongkai_workflow::Outcome::NotProcessed(
                            gongkai_workflow::outcome::NotProcessedGround::Repeated
                        )
                        .legal_basis_zh()
                        .unwrap_or_default()
                    ));
                } else {
                    note.push_str(&format!("；{who}提出"));
                }
            }
            note.push_str(&format!(
                "；{}：{}",
                dir.department(&r.department),
                r.description
            ));
            (
                format!("/staff/cases/{}", r.case_id),
                r.tracking_number.unwrap_or_else(|| "（未登记）".to_owned()),
                note,
            )
        })
        .collect();
    let marks = marks
        .into_iter()
        .map(|m| {
            format!(
                "{} 建议主动公开（{} 件相近申请，{}—{}）：{}",
                gongkai_store::dates::legal_date_of(m.marked_at).format("%Y-%m-%d"),
                m.cases().len(),
                m.period_from,
                m.period_to,
                m.note
            )
        })
        .collect();
    (lines, marks)
}

impl CasePage {
    /// The form state of `action`: the failed one's, else empty.
    fn form_of(&self, action: &str) -> FormState {
        match &self.failed {
            Some((a, f)) if a == action => f.clone(),
            _ => FormState::default(),
        }
    }
    fn is_open(&self, action: &str) -> bool {
        matches!(&self.failed, Some((a, _)) if a == action)
    }
}

fn case_view(d: CaseDetail, dir: &Directory) -> CaseView {
    let case = &d.case;
    // Staff need the full phone and ID number to confirm receipt and deliver the reply; lists
    // (the queue) show neither.
    let a = case.applicant.clone();
    let mut applicant = vec![("姓名/名称".to_owned(), a.name.clone())];
    for (label, v) in [
        ("证件号码", &a.id_document),
        ("联系电话", &a.phone),
        ("电子邮箱", &a.email),
        ("通信地址", &a.address),
    ] {
        if let Some(v) = v {
            applicant.push((label.to_owned(), v.clone()));
        }
    }
    let request = case.request.clone();
    let level = d
        .summary
        .warning_level
        .clone()
        .unwrap_or_else(|| "normal".to_owned());
    let mut status = case.status.label_zh().to_owned();
    if let Some(sub) = case.sub_state() {
        status = format!("{status}·{}", sub.label_zh());
    }
    CaseView {
        id: d.summary.id.clone(),
        version: case.version,
        tracking_number: case
            .tracking_number
            .clone()
            .unwrap_or_else(|| "（未登记）".to_owned()),
        status,
        level_label: level_label(&level),
        level,
        channel: case.channel.map(|c| c.label_zh()).unwrap_or("").to_owned(),
        department: dir.department(&case.department),
        assignee: case
            .assignee
            .as_deref()
            .map(|a| dir.user(a))
            .unwrap_or_default(),
        receipt_date: case.receipt_date.map(|d| d.to_string()).unwrap_or_default(),
        applicant_type: a.kind.map(|k| k.label_zh()).unwrap_or("").to_owned(),
        applicant,
        description: request
            .as_ref()
            .map(|r| r.description.clone())
            .unwrap_or_default(),
        document_number: request
            .as_ref()
            .and_then(|r| r.document_number.clone())
            .unwrap_or_default(),
        carrier_delivery: request
            .as_ref()
            .map(|r| {
                let v = serde_json::to_value((r.carrier, r.delivery)).unwrap_or_default();
                let label = |list: Vec<Choice>, key: &str| {
                    list.into_iter()
                        .find(|c| c.value == key)
                        .map(|c| c.label)
                        .unwrap_or_default()
                };
                format!(
                    "{}，{}",
                    label(carriers(), v[0].as_str().unwrap_or("")),
                    label(deliveries(), v[1].as_str().unwrap_or(""))
                )
            })
            .unwrap_or_default(),
        due: d.due.clone(),
        draft: case.draft.as_ref().map(|dr| {
            (
                dr.reply.outcome.label_zh().to_owned(),
                dr.reply.text.clone(),
            )
        }),
        return_reason: case.last_return_reason.clone(),
        reply: case
            .reply
            .as_ref()
            .map(|r| (r.outcome.label_zh().to_owned(), r.text.clone())),
        timeline: d
            .events
            .iter()
            .rev()
            .map(|e| TimelineLine {
                at: e
                    .event
                    .at
                    .with_timezone(&Shanghai)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                legal_date: e
                    .event
                    .legal_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                who: actor_label(&e.event.actor.id, e.event.actor.role, dir),
                text: staff_text(&e.event.kind, dir),
            })
            .collect(),
    }
}

async fn render_case(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    id: String,
    failed: Option<(String, FormState)>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
    let c = visitor.staff(&format!("/staff/cases/{id}"))?.clone();
    let (detail, dir, choices, files, notices, like) = db(state, move |conn, state| {
        let detail = api::detail(conn, state, &c, &id)?;
        let like = gongkai_store::similar::similar_to(conn, &id, 365, &c.scope())?;
        let dir = Directory::load(conn)?;
        let agency = detail.case.agency.clone();
        let departments: Vec<(String, String)> = accounts::departments_of(conn, &agency)?
            .into_iter()
            .map(|d| (d.code, d.name))
            .collect();
        let mut staff = Vec::new();
        for u in accounts::list_users(conn)? {
            if u.disabled || !matches!(u.role, Role::Clerk | Role::Supervisor) {
                continue;
            }
            let actor = accounts::actor_for(conn, &u)?;
            if let Some(d) = actor
                .departments
                .iter()
                .find(|d| departments.iter().any(|(code, _)| code == *d))
            {
                staff.push((
                    u.id.clone(),
                    format!("{}（{}）", u.display_name, dir.department(d)),
                ));
            }
        }
        let files = attachments::list(conn, &c.scope(), &id)?
            .into_iter()
            .map(|f| (f.id, f.filename, format!("{} 字节", f.size_bytes)))
            .collect();
        let templates = gongkai_mailer::Templates::load(conn)?;
        let law = state.law();
        let mut notices = Vec::new();
        for n in outbox::of_case(conn, &c.scope(), &id)? {
            // Not yet sent: the subject as it would be rendered now.
            let title = match n.subject.clone() {
                Some(s) => s,
                None => gongkai_mailer::message::prepare(
                    conn,
                    &n,
                    &templates,
                    &law,
                    &state.settings.mail_base_url,
                )?
                .rendered
                .map(|r| r.subject)
                .unwrap_or_else(|_| "（通知）".to_owned()),
            };
            let status = n.status.label_zh().to_owned();
            notices.push((n.id, title, status));
        }
        Ok((
            detail,
            dir,
            Choices { departments, staff },
            files,
            notices,
            like,
        ))
    })
    .await?;
    let caller = visitor.staff("")?;
    let law = state.law();
    let offered = actions::available(&detail.case, caller, &law, &choices);
    let mut chrome = visitor.chrome(format!(
        "案件 {}",
        detail
            .case
            .tracking_number
            .clone()
            .unwrap_or_else(|| "（未登记）".to_owned())
    ));
    chrome.flash = flash;
    let remedies = remedy_lines(&detail.case);
    let (similar, marks) = similar_lines(like, &dir);
    visitor.render(
        status,
        &CasePage {
            chrome,
            remedies,
            similar,
            marks,
            supervisor: matches!(caller.role(), Role::Supervisor | Role::Admin),
            case: case_view(detail, &dir),
            actions: offered,
            failed,
            attachments: files,
            notices,
        },
    )
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// Uploads a file to the case (a multipart form: the CSRF token, then the file).
pub async fn upload(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
    mut parts: actix_multipart::Multipart,
) -> WebResult {
    use futures_util::StreamExt;
    let id = path.into_inner();
    let c = visitor.staff(&format!("/staff/cases/{id}"))?.clone();
    let limits = state.settings.attachment_limits.clone();
    let unreadable = |e: &dyn std::fmt::Display| {
        WebError(ApiError::bad_request(format!("无法读取上传的内容：{e}")))
    };
    let mut csrf = Vec::new();
    // The file goes to a temporary file as it arrives (removed unless stored).
    let mut file: Option<(String, String, attachments::Spooled)> = None;
    let mut too_large = false;
    while let Some(field) = parts.next().await {
        let mut field = field.map_err(|e| unreadable(&e))?;
        let name = field.name().unwrap_or("").to_owned();
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or("")
            .to_owned();
        let content_type = field
            .content_type()
            .map(|m| m.essence_str().to_ascii_lowercase())
            .unwrap_or_default();
        if name == "file" {
            match api::spool(&state, &mut field, true).await {
                Ok(spooled) => file = Some((filename, content_type, spooled)),
                Err(e) if e.code == ErrorCode::PayloadTooLarge => too_large = true,
                Err(e) => return Err(WebError(e)),
            }
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| unreadable(&e))?;
            if bytes.len() + chunk.len() > 256 {
                return Err(unreadable(&"表单字段过长"));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "csrf" {
            csrf = bytes;
        }
    }
    // Nothing is looked at, let alone stored, without the page's token.
    visitor.check(&FormState::with(&[(
        "csrf",
        std::str::from_utf8(&csrf).unwrap_or(""),
    )]))?;
    let problem = match &file {
        _ if too_large => Some(format!("文件超过 {} 字节的上限", limits.max_bytes)),
        None => Some("请选择要上传的文件".to_owned()),
        Some((name, _, _)) if name.trim().is_empty() => Some("请选择要上传的文件".to_owned()),
        Some((_, t, _)) => api::accepted_type(&limits, t).err().map(|e| e.detail),
    };
    let refused = |message: String, status: StatusCode| {
        let mut form = FormState::default();
        form.general.push(message);
        render_case(
            &state,
            &visitor,
            id.clone(),
            Some(("upload".to_owned(), form)),
            None,
            status,
        )
    };
    if let Some(message) = problem {
        return refused(message, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let Some((filename, content_type, spooled)) = file else {
        return Err(WebError(ApiError::internal("upload without a file")));
    };
    match api::store_attachment(&state, c, id.clone(), filename, content_type, spooled).await {
        Ok(_) => {}
        // A closed case or a full one: said on the case page, with the form.
        Err(e)
            if [
                ErrorCode::CaseNotOpen,
                ErrorCode::TooManyAttachments,
                ErrorCode::AttachmentsTooLarge,
            ]
            .iter()
            .any(|code| e.code == *code) =>
        {
            return refused(e.detail, e.status).await;
        }
        Err(e) => return Err(WebError(e)),
    }
    Ok(see_other(&format!("/staff/cases/{id}?done=upload")))
}

pub async fn case_page(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
    query: web::Query<Done>,
) -> WebResult {
    let done = query.into_inner().done;
    let flash = if done.as_deref() == Some("upload") {
        Some("附件已上传".to_owned())
    } else {
        done.and_then(|a| Action::parse(&a))
            .map(|a| format!("已完成：{}", a.label_zh()))
    };
    render_case(
        &state,
        &visitor,
        path.into_inner(),
        None,
        flash,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    body: FormBody,
) -> WebResult {
    let (id, name) = path.into_inner();
    let c = visitor.staff(&format!("/staff/cases/{id}"))?.clone();
    let mut form = body.0;
    let action = Action::parse(&name).ok_or_else(|| WebError(ApiError::not_found()))?;
    if let Err(refused) = visitor.check(&form) {
        // Nothing changes; the form comes back with what was typed and a valid token.
        form.general.push(refused.0.detail.clone());
        return render_case(
            &state,
            &visitor,
            id,
            Some((action.as_str(), form)),
            None,
            refused.0.status,
        )
        .await;
    }
    let version: u64 = form
        .raw("version")
        .parse()
        .map_err(|_| WebError(ApiError::bad_request("表单缺少案件版本，请刷新页面后重试")))?;
    let fields = match form.to_json(&["version"]) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::internal("form is not an object")),
        Err(errors) => Err(ApiError::invalid(errors)),
    };
    let result = match fields {
        Ok(fields) => api::perform(&state, c, id.clone(), action, version, fields).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/staff/cases/{id}?done={}",
            action.as_str()
        ))),
        // A case the caller may not see stays a 404 page.
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(e.into()),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            if e.code == ErrorCode::VersionConflict {
                form.general
                    .push("案件已被他人更新，下面显示的是最新情况；请核对后重新提交。".to_owned());
            } else {
                form.absorb(&e, "");
            }
            render_case(
                &state,
                &visitor,
                id,
                Some((action.as_str(), form)),
                None,
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Registering a paper request

#[derive(Template)]
#[template(path = "staff/register.html")]
struct RegisterPage {
    chrome: Chrome,
    form: FormState,
    departments: Vec<Choice>,
    channels: Vec<Choice>,
    applicant_types: Vec<Choice>,
    carriers: Vec<Choice>,
    deliveries: Vec<Choice>,
}

async fn register_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    form: FormState,
    status: StatusCode,
) -> WebResult {
    let c = visitor.staff("/staff/register")?.clone();
    let departments = db(state, move |conn, _| {
        let mut out = Vec::new();
        for a in accounts::agencies(conn)? {
            for d in accounts::departments_of(conn, &a.code)? {
                if c.covers(&d.code) {
                    out.push(Choice {
                        value: format!("{}|{}", a.code, d.code),
                        label: format!("{} · {}", a.name, d.name),
                    });
                }
            }
        }
        Ok(out)
    })
    .await?;
    let channels = gongkai_workflow::Channel::ALL
        .iter()
        .filter(|c| **c != gongkai_workflow::Channel::Online)
        .map(|c| Choice {
            value: serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            label: format!("{}（{}）", c.label_zh(), c.receipt_rule_zh()),
        })
        .collect();
    visitor.render(
        status,
        &RegisterPage {
            chrome: visitor.chrome("登记申请"),
            form,
            departments,
            channels,
            applicant_types: applicant_types(),
            carriers: carriers(),
            deliveries: deliveries(),
        },
    )
}

pub async fn register_form(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let form = FormState::with(&[
        ("channel", "in_person"),
        ("receipt_date", &today().to_string()),
        ("request.carrier", "paper"),
        ("request.delivery", "post"),
    ]);
    register_page(&state, &visitor, form, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "staff/registered.html")]
struct RegisteredPage {
    chrome: Chrome,
    done: Registered,
}

pub async fn register(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    let c = visitor.staff("/staff/register")?.clone();
    let mut form = body.0;
    visitor.check(&form)?;
    // The department select carries "agency|department".
    let place = form.v("place").to_owned();
    let (agency, department) = place.split_once('|').unwrap_or(("", ""));
    let mut json = form.to_json(&["place"]).map_err(ApiError::invalid);
    if let Ok(serde_json::Value::Object(m)) = &mut json {
        m.insert("agency".to_owned(), agency.into());
        if !department.is_empty() {
            m.insert("department".to_owned(), department.into());
        }
    }
    let result = match json.and_then(parse_value::<PaperRequest>) {
        Ok(p) => api::register_paper(&state, c, p).await,
        Err(e) => Err(e),
    };
    match result {
        // To the receipt by a redirect: reloading it never registers the request twice.
        Ok(done) => super::with_receipt(
            "/staff/registered",
            &done.case_id,
            &done.query_code,
            state.settings.secure_cookies,
        ),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            form.absorb(&e, "");
            if let Some(m) = e
                .errors
                .iter()
                .find(|f| f.path == "agency" || f.path == "department")
            {
                form.add_error("place", m.message.clone());
            }
            register_page(&state, &visitor, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What to hand the applicant after registering: shown once (the query code is not kept).
pub async fn registered(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
) -> WebResult {
    visitor.staff("/staff/register")?;
    let Some((case_id, query_code)) = super::receipt_of(&req) else {
        return Ok(see_other("/staff/register"));
    };
    let view = crate::routes::public::look_up(
        &state,
        crate::routes::public::LookupKey {
            reference: case_id.clone(),
            query_code: query_code.clone(),
        },
    )
    .await?;
    let page = RegisteredPage {
        chrome: visitor.chrome("申请已登记"),
        done: Registered {
            case_id,
            tracking_number: view.tracking_number,
            query_code,
            receipt_date: view.receipt_date,
            due: view.due,
            version: view.version,
        },
    };
    super::show_receipt_once(&visitor, &page)
}

// ---------------------------------------------------------------------------------------
// Supervision

pub struct DepartmentLine {
    pub code: String,
    pub name: String,
    pub due_soon: i64,
    pub overdue: i64,
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    departments: Vec<DepartmentLine>,
    due_soon: i64,
    overdue: i64,
    overdue_rows: Vec<Row>,
    due_soon_rows: Vec<Row>,
    reviews: Vec<Row>,
}

pub async fn dashboard(state: web::Data<AppState>, visitor: Visitor) -> WebResult {
    let c = visitor.staff("/staff/dashboard")?.clone();
    let board = build_dashboard(&state, &c).await?;
    let q = QueueQuery {
        department: None,
        assignee: None,
        status: Some("under_review".to_owned()),
        warning_level: None,
        after: None,
        limit: Some(50),
    };
    let reviews = page(&state, queue_filter(&c, &q, &[])?, None, Some(50)).await?;
    let dir = db(&state, |conn, _| Directory::load(conn)).await?;
    let law = state.law();
    let t = today();
    // Every department in scope, with zeros where nothing is due soon or overdue.
    let mut scope: Vec<String> = if c.role() == Role::Admin {
        dir.departments.keys().cloned().collect()
    } else {
        c.actor.departments.clone()
    };
    scope.sort();
    let departments = scope
        .into_iter()
        .map(|code| {
            let counts = board.departments.iter().find(|d| d.department == code);
            DepartmentLine {
                name: dir.department(&code),
                due_soon: counts.map_or(0, |d| d.due_soon),
                overdue: counts.map_or(0, |d| d.overdue),
                code,
            }
        })
        .collect();
    let rows = |items: Vec<CaseSummary>| -> Vec<Row> {
        items
            .into_iter()
            .map(|s| row_of(s, &dir, &law, t))
            .collect()
    };
    visitor.render(
        StatusCode::OK,
        &DashboardPage {
            chrome: visitor.chrome("电子监察"),
            departments,
            due_soon: board.due_soon,
            overdue: board.overdue,
            overdue_rows: rows(board.overdue_cases.items),
            due_soon_rows: rows(board.due_soon_cases.items),
            reviews: rows(reviews.items),
        },
    )
}
