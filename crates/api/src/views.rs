//! What the API returns about cases: a summary for lists, the full record for staff, and the
//! applicant's view (timeline in Chinese, due date with its explanation, the reply once issued).

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_store::CaseRow;
use gongkai_workflow::model::{Applicant, Reply};
use gongkai_workflow::{Case, Event, EventKind, ReplyDue, Status, WarningLevel};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::Law;

/// Masks all but the first and last characters of an ID or phone number: 110101********1234.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n <= 4 {
        return "*".repeat(n);
    }
    let keep_head = if n >= 15 { 6 } else { 3 };
    let keep_tail = 4.min(n - keep_head);
    let mut out: String = chars[..keep_head].iter().collect();
    out.push_str(&"*".repeat(n - keep_head - keep_tail));
    out.extend(&chars[n - keep_tail..]);
    out
}

/// The applicant with ID and phone numbers masked.
pub fn masked_applicant(a: &Applicant) -> Applicant {
    Applicant {
        id_document: a.id_document.as_deref().map(mask),
        phone: a.phone.as_deref().map(mask),
        ..a.clone()
    }
}

/// A row of a queue or list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: String,
    pub tracking_number: Option<String>,
    pub agency: String,
    pub department: String,
    pub assignee: Option<String>,
    // Serialized as the stored name, a string in the document as before.
    #[schema(value_type = String)]
    pub status: Status,
    pub sub_state: Option<String>,
    pub applicant_type: Option<String>,
    pub applicant_name: String,
    pub channel: String,
    pub receipt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub provisional: bool,
    #[schema(value_type = Option<String>)]
    pub warning_level: Option<WarningLevel>,
    pub outcome: Option<String>,
    pub outcome_ground: Option<String>,
    pub version: i64,
    /// The short reference of an online filing (提交编号), which its applicant quotes before
    /// the request has a tracking number.
    pub filing_reference: Option<String>,
    /// The day (Asia/Shanghai) the request was filed online or entered by staff: for an online
    /// filing awaiting confirmation, the day its wait began.
    pub submitted_on: NaiveDate,
}

impl CaseSummary {
    /// The row as its applicant sees it: without the staff member it is assigned to and the
    /// internal warning level.
    pub fn for_applicant(row: CaseRow) -> CaseSummary {
        CaseSummary {
            assignee: None,
            warning_level: None,
            ..CaseSummary::from(row)
        }
    }
}

impl From<CaseRow> for CaseSummary {
    fn from(r: CaseRow) -> CaseSummary {
        CaseSummary {
            id: r.id,
            tracking_number: r.tracking_number,
            agency: r.agency_code,
            department: r.department_code,
            assignee: r.assignee,
            status: r.status,
            sub_state: r.sub_state,
            applicant_type: r.applicant_type,
            applicant_name: r.applicant_name,
            channel: r.channel,
            receipt_date: r.receipt_date,
            due_date: r.due_date,
            provisional: r.provisional,
            warning_level: r.warning_level,
            outcome: r.outcome,
            outcome_ground: r.outcome_ground,
            version: r.version,
            filing_reference: r.filing_reference,
            submitted_on: gongkai_workflow::clock::legal_date(r.created_at.and_utc()),
        }
    }
}

/// The reply due date with its explanation, as clerks and applicants both see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueView {
    /// None while a pause (consultation, fee, correction) is still running.
    pub due_date: Option<NaiveDate>,
    pub provisional: bool,
    /// The explanation, sentence by sentence (Chinese).
    pub explanation: Vec<String>,
}

impl From<ReplyDue> for DueView {
    fn from(d: ReplyDue) -> DueView {
        DueView {
            due_date: d.due,
            provisional: d.provisional,
            explanation: d.explanation.text_zh,
        }
    }
}

/// The due date of a case still awaiting its reply; none once it is replied or closed, or while
/// a correction is awaited (the period will run afresh from the corrected request).
pub fn due_of(case: &Case, law: &Law) -> Option<DueView> {
    case.reply_due(&law.calendar, &law.statute)
        .map(DueView::from)
}

/// One event as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub seq: u64,
    #[schema(value_type = Object)]
    pub event: Event,
}

/// The whole record of a case, for staff.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    /// The folded state.
    #[schema(value_type = Object)]
    pub case: Case,
    pub due: Option<DueView>,
    pub events: Vec<EventView>,
}

/// One line of the applicant's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub date: Option<NaiveDate>,
    pub text: String,
}

/// What an applicant sees of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicCase {
    /// The case's internal id (the lookup still accepts it from filings made before short
    /// references existed).
    pub case_id: String,
    /// The short filing reference of an online filing (10 characters, no look-alikes): with the
    /// query code it finds the request before a tracking number exists.
    pub filing_reference: Option<String>,
    pub tracking_number: Option<String>,
    pub status: String,
    pub status_label: String,
    pub receipt_date: Option<NaiveDate>,
    pub due: Option<DueView>,
    pub version: u64,
    pub applicant: Applicant,
    pub timeline: Vec<TimelineEntry>,
    /// Outstanding correction request: what to supply and by when.
    pub correction_items: Vec<String>,
    pub correction_deadline: Option<NaiveDate>,
    /// Fee to pay and by when.
    pub fee_yuan: Option<u32>,
    pub fee_deadline: Option<NaiveDate>,
    /// The reply, once approved and issued.
    pub reply: Option<Reply>,
    pub outcome_label: Option<String>,
}

/// The timeline sentence of an event, or None for internal steps (drafts, reviews,
/// assignments) that the applicant does not see.
pub fn timeline_text(kind: &EventKind) -> Option<String> {
    Some(match kind {
        EventKind::Received { channel, .. } => format!("收到申请（{}）", channel.label_zh()),
        EventKind::Registered {
            tracking_number, ..
        } => format!("申请已登记，申请编号 {tracking_number}"),
        EventKind::ProcessingStarted => "开始办理".to_owned(),
        EventKind::CorrectionRequested { items, deadline } => format!(
            "要求补正：{}；请于 {deadline} 前提交补正材料",
            items.join("；")
        ),
        EventKind::CorrectionReceived { .. } => "收到补正材料，答复期限重新计算".to_owned(),
        EventKind::Abandoned => "逾期未补正，视为放弃申请".to_owned(),
        EventKind::ConsultationStarted { kind, deadline, .. } => format!(
            "{}（期限 {deadline}），所需时间不计入答复期限",
            match kind {
                gongkai_workflow::model::ConsultationKind::ThirdParty => "征求第三方意见",
                gongkai_workflow::model::ConsultationKind::OtherAgency
                | gongkai_workflow::model::ConsultationKind::AgencyOpinion => {
                    "征求其他行政机关意见"
                }
            }
        ),
        EventKind::LetterReceived {
            letter, deadline, ..
        } => match letter {
            gongkai_workflow::model::Letter::FeeNotice => {
                format!("收费通知书签收日已登记，请于 {deadline} 前缴纳")
            }
            gongkai_workflow::model::Letter::ReasonsRequest => {
                format!("说明理由通知书签收日已登记，请于 {deadline} 前说明理由")
            }
            gongkai_workflow::model::Letter::Consultation { .. } => {
                format!("征求意见函签收日已登记，意见期限 {deadline}")
            }
        },
        EventKind::ReasonsRequested { deadline, .. } => format!(
            "申请数量、频次明显超过合理范围，要求说明理由（条例第三十五条），请于 {deadline} 前说明"
        ),
        EventKind::ConsultationEnded { .. } => "征求意见结束".to_owned(),
        EventKind::ExtensionApproved { days } => {
            format!("经批准延长答复期限 {days} 个工作日")
        }
        EventKind::FeeNoticeIssued {
            amount_yuan,
            deadline,
            ..
        } => format!("发出收费通知：信息处理费 {amount_yuan} 元，请于 {deadline} 前缴纳"),
        EventKind::FeePaid => "已缴纳信息处理费".to_owned(),
        EventKind::ClosedUnpaid => "逾期未缴纳信息处理费，视为放弃申请".to_owned(),
        EventKind::ReasonableDateSet { date, .. } => {
            format!("确定提供信息的合理期限：{date}")
        }
        EventKind::RepliedOnTheSpot { .. } => "当场答复".to_owned(),
        EventKind::ReplyApproved { outcome, .. } => format!("作出答复：{}", outcome.label_zh()),
        EventKind::Delivered { method } => format!("答复已送达（{}）", method.label_zh()),
        EventKind::Archived => "已归档".to_owned(),
        EventKind::Withdrawn { .. } => "申请人撤回申请".to_owned(),
        EventKind::Reopened { order, .. } => {
            format!("根据{}重新答复，重新计算答复期限", order.body)
        }
        EventKind::Assigned { .. }
        | EventKind::ExtensionRequested { .. }
        | EventKind::ExtensionDenied { .. }
        | EventKind::ReplyDrafted { .. }
        | EventKind::SubmittedForReview
        | EventKind::SecrecyReviewed { .. }
        | EventKind::ReplyReturned { .. }
        | EventKind::BreachRecorded { .. }
        | EventKind::ReasonsRecorded { .. }
        | EventKind::RemedyRecorded { .. }
        | EventKind::ReleasePublished { .. }
        | EventKind::PublicationWithdrawn { .. }
        | EventKind::FileRedacted { .. }
        | EventKind::RemedyDecided { .. } => return None,
    })
}

/// The status as the applicant reads it. A supplied correction puts the case back to
/// 已登记 in the workflow (the period runs afresh from it, and a clerk takes the case up
/// again), but for the applicant the request is being handled as before: 办理中.
pub fn applicant_status_label(case: &Case) -> &'static str {
    let corrected = case
        .correction
        .as_ref()
        .is_some_and(|c| c.received_on.is_some());
    match case.status {
        Status::Registered if corrected => Status::Processing.label_zh(),
        s => s.label_zh(),
    }
}

pub fn public_case(case_id: &str, case: &Case, events: &[Event], law: &Law) -> PublicCase {
    let timeline = events
        .iter()
        .filter_map(|e| {
            timeline_text(&e.kind).map(|text| TimelineEntry {
                at: e.at,
                date: e.legal_date,
                text,
            })
        })
        .collect();
    let issued = matches!(case.status, Status::Replied | Status::Archived);
    let correction = case.pending_correction();
    let fee = case.unpaid_fee();
    PublicCase {
        case_id: case_id.to_owned(),
        filing_reference: None,
        tracking_number: case.tracking_number.clone(),
        status: case.status.as_str().to_owned(),
        status_label: applicant_status_label(case).to_owned(),
        receipt_date: case.receipt_date,
        due: due_of(case, law),
        version: case.version,
        applicant: masked_applicant(&case.applicant),
        timeline,
        correction_items: correction.map(|c| c.items.clone()).unwrap_or_default(),
        correction_deadline: correction.map(|c| c.deadline),
        fee_yuan: fee.map(|f| f.amount_yuan),
        fee_deadline: fee.map(|f| f.deadline),
        reply: if issued {
            case.reply.clone().map(without_sources)
        } else {
            None
        },
        outcome_label: if issued {
            case.outcome.map(|o| o.label_zh().to_owned())
        } else {
            None
        },
    }
}

/// The reply as an applicant may see it: the released files, never the staff original a
/// redacted file was made from (its `source`).
fn without_sources(mut reply: Reply) -> Reply {
    for item in &mut reply.release {
        if let Some(file) = item.file_mut() {
            file.source = None;
        }
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask("110101199003074514"), "110101********4514");
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("123"), "***");
    }
}
