//! The case page: the record, the actions allowed now with their forms, files, notices,
//! reconsiderations and lawsuits, similar requests; uploads and actions posted from it.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::model::{ConsultationKind, ReleaseItem, Remedy};
use gongkai_workflow::{EventKind, Role, Status, WarningLevel};
use serde::Deserialize;

use crate::auth::{RoleClass, Supervisor};
use crate::error::{ApiError, ErrorCode};
use crate::pages::actions::{self, ActionForm, Choices};
use crate::pages::{Chrome, FormBody, FormState, StaffPage, WebError, WebResult, see_other};
use crate::service::cases::{Action, action_named};
use crate::service::directory::Directory;
use crate::service::{attachments, cases};
use crate::state::AppState;
use crate::views::{CaseDetail, DueView, timeline_text};

/// One line of the case's history, for staff (internal steps included).
pub struct TimelineLine {
    pub at: String,
    pub legal_date: String,
    pub who: String,
    pub text: Folded,
}

/// Characters of a text's first line shown before a long text is folded.
const FOLD_AFTER: usize = 80;

/// A text shown in full; a long one (several lines, or a first line longer than
/// [`FOLD_AFTER`] characters) folds under its first line (a `<details>`, no script).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    /// The first line, cut at a character (never inside one) when longer than
    /// [`FOLD_AFTER`]; empty when the text is short and shown as it is.
    pub summary: String,
    pub full: String,
}

impl Folded {
    pub fn new(text: impl Into<String>) -> Folded {
        let full: String = text.into();
        let first = full.lines().next().unwrap_or("");
        let several_lines = full.trim_end().lines().nth(1).is_some();
        let long_line = first.chars().nth(FOLD_AFTER).is_some();
        let summary = if long_line {
            let cut: String = first.chars().take(FOLD_AFTER).collect();
            format!("{cut}…")
        } else if several_lines {
            format!("{first}…")
        } else {
            String::new()
        };
        Folded { summary, full }
    }

    /// Whether the page folds the text under its summary.
    pub fn folds(&self) -> bool {
        !self.summary.is_empty()
    }
}

fn staff_text(kind: &EventKind, dir: &Directory) -> String {
    match kind {
        EventKind::Received {
            channel, request, ..
        } => format!(
            "收到申请（{}）：{}",
            channel.label_zh(),
            request.description
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
                ConsultationKind::OtherAgency => "征求共同制作机关意见",
                ConsultationKind::AgencyOpinion => "征求其他行政机关意见（确认）",
            }
        ),
        EventKind::CorrectionReceived {
            content,
            late_reason,
        } => format!(
            "收到补正：{}{}",
            content,
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
        EventKind::SecrecyReviewed { conclusion, basis } => {
            format!("保密审查：{}；依据：{basis}", conclusion.label_zh())
        }
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
        EventKind::ReleasePublished { subject, items } => format!(
            "转为主动公开（条例第四十四条）：《{subject}》，{} 项信息",
            items.len()
        ),
        EventKind::PublicationWithdrawn { reason } => format!("撤回主动公开：{reason}"),
        EventKind::FileRedacted { redaction } => format!(
            "区分处理：遮盖 {} 处，生成遮盖后的文件（原文件不对外提供）。{}",
            redaction.redactions.len(),
            redaction.lines_zh().join("；")
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
    /// For an online filing awaiting confirmation: when it was submitted and how many working
    /// days it has waited.
    pub awaiting: String,
    pub applicant_type: String,
    pub applicant: Vec<(String, String)>,
    pub description: Folded,
    pub document_number: String,
    pub carrier_delivery: String,
    pub due: Option<DueView>,
    pub draft: Option<(String, String)>,
    pub return_reason: Option<String>,
    pub reply: Option<(String, String)>,
    /// The draft's release, one line per item (title, 文号, pages, form, file).
    pub draft_release: Vec<String>,
    /// The draft's secrecy review: conclusion, reviewer and date; and its basis.
    pub secrecy_review: Option<(String, String)>,
    /// The approved reply's release, one line per item.
    pub release: Vec<String>,
    /// When and how the reply was delivered, once recorded.
    pub delivered: Option<String>,
    pub timeline: Vec<TimelineLine>,
}

/// A file of the case as the page lists it.
struct FileLine {
    id: String,
    name: String,
    size: String,
    /// What the file is to the release: a redacted version (of which original) or an
    /// original with a redacted version.
    note: String,
    /// The redaction editor, when the viewer may redact this file now.
    redact: Option<String>,
}

/// Whether a file's name says it is a kind the redaction takes.
fn redactable_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [
        ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".xlsx", ".csv",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage {
    chrome: Chrome,
    case: CaseView,
    actions: Vec<ActionForm>,
    /// The action whose form failed, with what was entered and the errors.
    failed: Option<(String, FormState)>,
    attachments: Vec<FileLine>,
    notices: Vec<(String, String, String)>,
    /// Reconsiderations and lawsuits about the request.
    remedies: Vec<String>,
    /// Requests like this one: (link, tracking number, what the clerk should know).
    similar: Vec<(String, String, String)>,
    /// Marks recommending such requests for proactive disclosure.
    marks: Vec<String>,
    /// The viewer may open the frequent-request page.
    supervisor: bool,
    /// The letter approving the reply would send the applicant: (subject, body).
    reply_preview: Option<(String, String)>,
    /// The draft in force (a returned one included), to fill the reply form with.
    draft_form: Option<FormState>,
    /// The applicant's retrievals of the reply: (when, what, which way and address hash).
    retrievals: Vec<(String, String, String)>,
    /// How many retrievals there are in all (the list stops at 200).
    retrieval_total: i64,
    /// The reading-room form, prefilled: the request's subject, every released item ticked.
    publish_form: FormState,
    /// The case's release in the reading room: (subject, since when, public page).
    publication: Option<(String, String, String)>,
}

/// The reply form filled with `reply`, every field, so that a returned draft is edited
/// rather than typed again.
fn reply_form(reply: &gongkai_workflow::model::Reply) -> FormState {
    let mut f = FormState::default();
    f.set("reply.outcome", reply.outcome.as_str());
    f.set("reply.text", reply.text.clone());
    for (name, value) in [
        (
            "reply.not_held",
            reply.not_held.map(|n| n.as_str().to_owned()),
        ),
        ("reply.competent_agency", reply.competent_agency.clone()),
        (
            "reply.competent_agency_contact",
            reply.competent_agency_contact.clone(),
        ),
        ("reply.disclosure", reply.disclosure.clone()),
    ] {
        if let Some(v) = value {
            f.set(name, v);
        }
    }
    for (i, item) in reply.release.iter().enumerate() {
        let p = format!("reply.release.{i}");
        let mut set = |field: &str, value: Option<String>| {
            if let Some(v) = value {
                f.set(&format!("{p}.{field}"), v);
            }
        };
        match item {
            ReleaseItem::Document {
                title,
                document_number,
                pages,
                form,
                file,
            } => {
                set("kind", Some("document".to_owned()));
                set("title", Some(title.clone()));
                set("document_number", document_number.clone());
                set("pages", pages.map(|n| n.to_string()));
                set("form", Some(form.as_str().to_owned()));
                set(
                    "file.attachment",
                    file.as_ref().map(|x| x.attachment.clone()),
                );
            }
            ReleaseItem::Published {
                title,
                location,
                link,
            } => {
                set("kind", Some("published".to_owned()));
                set("title", Some(title.clone()));
                set("location", Some(location.clone()));
                set("link", link.clone());
            }
        }
    }
    f
}

/// The reading-room form as first shown: the subject prefilled from the request (its first
/// line, shortened; the supervisor rewrites it without personal data), every item ticked.
fn publish_form(case: &gongkai_workflow::Case) -> FormState {
    let mut f = FormState::default();
    let subject: String = case
        .request
        .as_ref()
        .and_then(|r| r.description.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or_default()
        .chars()
        .take(60)
        .collect();
    f.set("subject", subject);
    if let Some(r) = &case.reply {
        for i in 0..r.release.len() {
            f.push("items:ns", i.to_string());
        }
    }
    f
}

/// The reply form's release rows (`reply.release.{row}.…`, an object by row) as the list the
/// command takes: rows left empty dropped, each row's kind from its select (or, unchosen, from
/// whether a place of publication is given), only the fields of that kind kept, and a file's
/// page count the document's. Returns the rows the list's items came from, to put errors
/// back beside their row.
fn release_rows(fields: &mut serde_json::Map<String, serde_json::Value>) -> Vec<usize> {
    use serde_json::Value;
    let Some(Value::Object(reply)) = fields.get_mut("reply") else {
        return Vec::new();
    };
    let Some(Value::Object(rows)) = reply.remove("release") else {
        return Vec::new();
    };
    let mut numbered: Vec<(usize, serde_json::Map<String, Value>)> = rows
        .into_iter()
        .filter_map(|(k, v)| match (k.parse::<usize>(), v) {
            (Ok(n), Value::Object(m)) if n < actions::RELEASE_ROWS && !m.is_empty() => Some((n, m)),
            _ => None,
        })
        .collect();
    numbered.sort_by_key(|(n, _)| *n);
    let mut from = Vec::new();
    let mut items = Vec::new();
    for (n, mut row) in numbered {
        let published = match row.get("kind").and_then(Value::as_str) {
            Some(k) => k == "published",
            None => row.contains_key("location") || row.contains_key("link"),
        };
        let keep: &[&str] = if published {
            &["title", "location", "link"]
        } else {
            &["title", "document_number", "pages", "form", "file"]
        };
        row.retain(|k, _| keep.contains(&k.as_str()));
        if !published
            && let (Some(pages), Some(Value::Object(file))) =
                (row.get("pages").cloned(), row.get_mut("file"))
        {
            file.insert("pages".to_owned(), pages);
        }
        row.insert(
            "kind".to_owned(),
            Value::String(if published { "published" } else { "document" }.to_owned()),
        );
        from.push(n);
        items.push(Value::Object(row));
    }
    reply.insert("release".to_owned(), Value::Array(items));
    from
}

/// An error about release item `i` (`reply.release.{i}…`) or the release as a whole, moved
/// beside the form row it came from (its first field).
fn release_error_path(path: &str, rows: &[usize]) -> Option<String> {
    let rest = path.strip_prefix("reply.release")?;
    if rest.is_empty() {
        return Some("reply.release.0.kind".to_owned());
    }
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix('['))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let i: usize = digits.parse().ok()?;
    let row = rows.get(i).copied().unwrap_or(i);
    Some(format!("reply.release.{row}.kind"))
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
                gongkai_workflow::clock::legal_date(m.marked_at.and_utc()),
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
    /// The form state of `action`: the failed one's, else the draft for the reply form, else
    /// empty.
    fn form_of(&self, action: &str) -> FormState {
        match (&self.failed, &self.draft_form) {
            (Some((a, f)), _) if a == action => f.clone(),
            (_, Some(draft)) if action == Action::DraftReply.as_str() => draft.clone(),
            _ if action == Action::PublishRelease.as_str() => self.publish_form.clone(),
            _ => FormState::default(),
        }
    }
    fn is_open(&self, action: &str) -> bool {
        matches!(&self.failed, Some((a, _)) if a == action)
    }
}

/// A release as staff read it: each item's line, with the file's name, size and sha256.
fn release_lines(
    release: &[gongkai_workflow::model::ReleaseItem],
    files: &[(String, String, i64)],
) -> Vec<String> {
    release
        .iter()
        .map(|item| {
            let mut line = item.describe_zh();
            if let Some(f) = item.file() {
                let name = files
                    .iter()
                    .find(|(id, _, _)| *id == f.attachment)
                    .map(|(_, name, _)| name.as_str())
                    .unwrap_or(f.attachment.as_str());
                line.push_str(&format!(
                    "；文件 {name}（{} 字节，SHA-256 {}）",
                    f.size, f.sha256
                ));
            }
            line
        })
        .collect()
}

fn case_view(
    d: CaseDetail,
    dir: &Directory,
    law: &gongkai_workflow::Law,
    files: &[(String, String, i64)],
) -> CaseView {
    let case = &d.case;
    // Staff need the full phone and ID number to confirm receipt and deliver the reply; lists
    // (the queue) show neither.
    let a = case.applicant.clone();
    let mut applicant = vec![("姓名/名称".to_owned(), a.name.clone())];
    if let Some(t) = a.id_document_type {
        applicant.push(("证件类型".to_owned(), t.label_zh().to_owned()));
    }
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
    let level = d.summary.warning_level.unwrap_or(WarningLevel::Normal);
    let mut status = case.status.label_zh().to_owned();
    if let Some(sub) = case.sub_state() {
        status = format!("{status}·{}", sub.label_zh());
    }
    CaseView {
        id: d.summary.id.clone(),
        version: case.version,
        tracking_number: case.tracking_number.clone().unwrap_or_else(|| {
            match &d.summary.filing_reference {
                Some(r) => format!("（未登记，提交编号 {r}）"),
                None => "（未登记）".to_owned(),
            }
        }),
        status,
        level_label: level.label_zh(),
        level: level.as_str().to_owned(),
        channel: case.channel.map(|c| c.label_zh()).unwrap_or("").to_owned(),
        department: dir.department(&case.department),
        assignee: case
            .assignee
            .as_deref()
            .map(|a| dir.user(a))
            .unwrap_or_default(),
        receipt_date: case.receipt_date.map(|d| d.to_string()).unwrap_or_default(),
        awaiting: if case.status == Status::Received {
            let submitted = d.summary.submitted_on;
            let today = gongkai_workflow::clock::legal_date(chrono::Utc::now());
            format!(
                "{submitted} 网上提交，已等待 {} 个工作日",
                cases::working_days_waited(&law.calendar, submitted, today)
            )
        } else {
            String::new()
        },
        applicant_type: a.kind.map(|k| k.label_zh()).unwrap_or("").to_owned(),
        applicant,
        description: Folded::new(
            request
                .as_ref()
                .map(|r| r.description.clone())
                .unwrap_or_default(),
        ),
        document_number: request
            .as_ref()
            .and_then(|r| r.document_number.clone())
            .unwrap_or_default(),
        carrier_delivery: request
            .as_ref()
            .map(|r| format!("{}，{}", r.carrier.label_zh(), r.delivery.label_zh()))
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
        draft_release: case
            .draft
            .as_ref()
            .map(|dr| release_lines(&dr.reply.release, files))
            .unwrap_or_default(),
        release: case
            .reply
            .as_ref()
            .map(|r| release_lines(&r.release, files))
            .unwrap_or_default(),
        delivered: case
            .delivered
            .map(|(on, how)| format!("已于 {on} 送达（{}）", how.label_zh())),
        secrecy_review: case
            .draft
            .as_ref()
            .and_then(|dr| dr.secrecy_review.as_ref())
            .map(|r| {
                (
                    format!(
                        "{}（{}，{}）",
                        r.conclusion.label_zh(),
                        dir.user(&r.by),
                        r.on
                    ),
                    r.basis.clone(),
                )
            }),
        timeline: d
            .events
            .iter()
            .rev()
            .map(|e| TimelineLine {
                at: gongkai_workflow::clock::beijing_time(e.event.at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                legal_date: e
                    .event
                    .legal_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                who: actor_label(&e.event.actor.id, e.event.actor.role, dir),
                text: Folded::new(staff_text(&e.event.kind, dir)),
            })
            .collect(),
    }
}

async fn render_case(
    state: &web::Data<AppState>,
    page: &StaffPage,
    id: String,
    failed: Option<(String, FormState)>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
    let visitor = &page.visitor;
    let room_link = format!("/reading-room/{id}");
    let data = cases::case_page(state, &page.caller, id).await?;
    let choices = Choices {
        departments: data.departments,
        staff: data.handlers,
        attachments: data
            .files
            .iter()
            .map(|(id, name, _)| (id.clone(), name.clone()))
            .collect(),
        fees: data
            .fee
            .as_ref()
            .map(|f| {
                [&f.per_request, &f.per_page]
                    .into_iter()
                    .map(|x| (x.method.clone(), crate::service::fees::option_label(x)))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let dir = data.directory;
    let detail = data.detail;
    let law = state.law();
    let offered = actions::available(&detail.case, &page.caller, &law, &choices);
    let mut chrome = visitor.chrome(format!(
        "案件 {}",
        detail
            .case
            .tracking_number
            .clone()
            .unwrap_or_else(|| "（未登记）".to_owned())
    ));
    chrome.flash = flash;
    let draft_form = detail.case.draft.as_ref().map(|d| reply_form(&d.reply));
    let publish_form = publish_form(&detail.case);
    let publication = detail.case.publication.as_ref().map(|p| {
        (
            p.subject.clone(),
            crate::pages::public::chinese_date(p.since),
            room_link.clone(),
        )
    });
    let remedies = remedy_lines(&detail.case);
    let (similar, marks) = similar_lines((data.similar, data.marks), &dir);
    let retrieval_total = data.retrievals.total;
    let retrievals = retrieval_lines(&data.retrievals, &data.files);
    let may_redact = crate::service::possible::may(
        &detail.case,
        &page.caller.0.actor,
        &law,
        Action::RecordRedaction,
    );
    let name_of = |id: &str| {
        data.files
            .iter()
            .find(|f| f.0 == id)
            .map_or_else(|| id.to_owned(), |f| f.1.clone())
    };
    let attachments: Vec<FileLine> = data
        .files
        .iter()
        .map(|(id, name, size)| {
            let made = detail.case.redaction_making(id);
            let note = match made {
                Some(r) => format!(
                    "遮盖后的文件（原文件：{}；遮盖 {} 处）",
                    name_of(&r.source.attachment),
                    r.redactions.len()
                ),
                None if detail.case.is_redacted_original(id) => {
                    "原文件，已作区分处理，不对外提供".to_owned()
                }
                None => String::new(),
            };
            FileLine {
                id: id.clone(),
                name: name.clone(),
                size: format!("{size} 字节"),
                redact: (may_redact && made.is_none() && redactable_name(name))
                    .then(|| format!("/staff/cases/{}/files/{id}/redact", detail.summary.id)),
                note,
            }
        })
        .collect();
    visitor.render(
        status,
        &CasePage {
            chrome,
            remedies,
            similar,
            marks,
            supervisor: Supervisor::admits(page.caller.role()),
            reply_preview: data.reply_preview,
            draft_form,
            retrievals,
            retrieval_total,
            publish_form,
            publication,
            case: case_view(detail, &dir, &law, &data.files),
            actions: offered,
            failed,
            attachments,
            notices: data.notices,
        },
    )
}

/// The retrieval record as the case page lists it, in Beijing time.
fn retrieval_lines(
    r: &crate::service::release::Retrievals,
    files: &[(String, String, i64)],
) -> Vec<(String, String, String)> {
    r.items
        .iter()
        .map(|i| {
            let at =
                i.at.with_timezone(&chrono_tz::Asia::Shanghai)
                    .format("%Y-%m-%d %H:%M")
                    .to_string();
            let what = match &i.attachment {
                None => "答复书（PDF）".to_owned(),
                Some(id) => files
                    .iter()
                    .find(|f| &f.0 == id)
                    .map_or_else(|| "已提供的文件".to_owned(), |f| f.1.clone()),
            };
            let how = format!(
                "{}，地址标识 {}",
                crate::service::release::via_label(&i.via),
                i.address_hash
            );
            (at, what, how)
        })
        .collect()
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// Uploads a file to the case (a multipart form: the CSRF token, then the file).
pub async fn upload(
    state: web::Data<AppState>,
    page: StaffPage,
    path: web::Path<String>,
    mut parts: actix_multipart::Multipart,
) -> WebResult {
    use futures_util::StreamExt;
    let id = path.into_inner();
    let visitor = &page.visitor;
    let c = page.caller.0.clone();
    let limits = state.settings.attachment_limits.clone();
    let unreadable = |e: &dyn std::fmt::Display| {
        WebError(ApiError::bad_request(format!("无法读取上传的内容：{e}")))
    };
    let mut csrf = Vec::new();
    // The file goes to a temporary file as it arrives (removed unless stored).
    let mut file: Option<(String, String, gongkai_store::attachments::Spooled)> = None;
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
            match attachments::spool(&state, &mut field, true).await {
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
        Some((_, t, _)) => attachments::accepted_type(&limits, t)
            .err()
            .map(|e| e.detail),
    };
    let refused = |message: String, status: StatusCode| {
        let mut form = FormState::default();
        form.general.push(message);
        render_case(
            &state,
            &page,
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
    match attachments::store_attachment(&state, c, id.clone(), filename, content_type, spooled)
        .await
    {
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
    page: StaffPage,
    path: web::Path<String>,
    query: web::Query<Done>,
) -> WebResult {
    let done = query.into_inner().done;
    let flash = if done.as_deref() == Some("upload") {
        Some("附件已上传".to_owned())
    } else {
        done.and_then(|a| action_named(&a))
            .map(|a| format!("已完成：{}", a.label_zh()))
    };
    render_case(
        &state,
        &page,
        path.into_inner(),
        None,
        flash,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    state: web::Data<AppState>,
    page: StaffPage,
    path: web::Path<(String, String)>,
    body: FormBody,
) -> WebResult {
    let (id, name) = path.into_inner();
    let visitor = &page.visitor;
    let c = page.caller.0.clone();
    let mut form = body.0;
    let action = action_named(&name).ok_or_else(|| WebError(ApiError::not_found()))?;
    if let Err(refused) = visitor.check(&form) {
        // Nothing changes; the form comes back with what was typed and a valid token.
        form.general.push(refused.0.detail.clone());
        return render_case(
            &state,
            &page,
            id,
            Some((action.as_str().to_owned(), form)),
            None,
            refused.0.status,
        )
        .await;
    }
    let version: u64 = form
        .raw("version")
        .parse()
        .map_err(|_| WebError(ApiError::bad_request("表单缺少案件版本，请刷新页面后重试")))?;
    let mut rows = Vec::new();
    let fields = match form.to_json(&["version"]) {
        Ok(serde_json::Value::Object(mut m)) => {
            if matches!(action, Action::DraftReply | Action::ReplyOnTheSpot) {
                rows = release_rows(&mut m);
            }
            Ok(m)
        }
        Ok(_) => Err(ApiError::internal("form is not an object")),
        Err(errors) => Err(ApiError::invalid(errors)),
    };
    let result = match fields {
        Ok(fields) => cases::perform(&state, c, id.clone(), action, version, fields).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/staff/cases/{id}?done={}",
            action.as_str()
        ))),
        // A case the caller may not see stays a 404 page.
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(e.into()),
        Err(mut e) if e.status.is_client_error() => {
            let status = e.status;
            for f in &mut e.errors {
                if let Some(path) = release_error_path(&f.path, &rows) {
                    // The row's first field holds the error even when the row was left empty.
                    if form.raw(&path).is_empty() {
                        form.set(&path, "");
                    }
                    f.path = path;
                }
            }
            if e.code == ErrorCode::VersionConflict {
                form.general
                    .push("案件已被他人更新，下面显示的是最新情况；请核对后重新提交。".to_owned());
            } else {
                form.absorb(&e, "");
            }
            render_case(
                &state,
                &page,
                id,
                Some((action.as_str().to_owned(), form)),
                None,
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The print package of the reply (the letter and the released files), for 邮寄 and 当面领取.
pub async fn package(
    state: web::Data<AppState>,
    page: StaffPage,
    path: web::Path<String>,
) -> WebResult {
    let (file, size, name) =
        crate::service::release::package(&state, page.caller.0.clone(), path.into_inner()).await?;
    Ok(crate::download::respond_made(
        file,
        size,
        &name,
        "application/zip",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_shown_as_it_is() {
        let f = Folded::new("收到补正：东城区");
        assert!(!f.folds());
        assert_eq!(f.full, "收到补正：东城区");
    }

    #[test]
    fn a_long_text_folds_under_its_first_line_cut_at_a_character() {
        // 81 three-byte characters on one line: cut after the 80th, never inside one.
        let line = "补".repeat(81);
        let f = Folded::new(line.clone());
        assert!(f.folds());
        assert_eq!(f.summary, format!("{}…", "补".repeat(80)));
        assert_eq!(f.full, line);
        // Several lines: the first one is the summary, the whole text stays.
        let f = Folded::new("第一行\n第二行\n");
        assert_eq!(f.summary, "第一行…");
        assert_eq!(f.full, "第一行\n第二行\n");
        // A trailing line break alone does not fold.
        assert!(!Folded::new("一行\n").folds());
    }
}
