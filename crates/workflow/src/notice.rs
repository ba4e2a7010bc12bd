//! Which written notices an event calls for. The store writes one outbox row per notice in the
//! same transaction as the event; the mailer renders and sends them. Pure: no I/O.

use serde::{Deserialize, Serialize};

use crate::case::{Case, evolve};
use crate::model::{Breach, ConsultationKind, Event, EventKind, NotHeld, Reply};
use crate::outcome::{CannotProvideGround, NotDisclosedGround, Outcome};
use crate::vocabulary::{Vocabulary, vocabulary};

/// The reply notice (告知书) for an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyNotice {
    /// 予以公开告知书.
    Disclosed,
    /// 部分公开告知书.
    PartlyDisclosed,
    /// 不予公开告知书.
    NotDisclosed,
    /// 行政查询事项告知书 (art. 36(7)): a referral to the procedure the laws on that query
    /// provide, not a refusal (the report still counts it under 三（三）8).
    AdministrativeQuery,
    /// 信息不存在告知书.
    NotExist,
    /// 非本机关负责公开告知书.
    NotThisAgency,
    /// 无法提供告知书 (would need creating; still unclear after correction).
    CannotProvide,
    /// 不予处理告知书.
    NotProcessed,
    /// 其他处理告知书.
    Other,
}

/// Kinds of notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "reply", rename_all = "snake_case")]
pub enum NoticeKind {
    /// 受理回执.
    Acknowledgment,
    /// 补正告知书.
    CorrectionNotice,
    /// 延期答复告知书.
    ExtensionNotice,
    /// 告知书 of a later reply date set under art. 35 (excessive requests).
    ReasonableDateNotice,
    /// 征求第三方意见书.
    ThirdPartyConsultation,
    /// 征求意见函 to another agency about jointly made information (art. 34).
    AgencyConsultation,
    /// 征求意见函 to another agency whose confirmation or opinion is needed (art. 33 second
    /// paragraph): no deemed consent.
    AgencyOpinionRequest,
    /// 说明理由通知书: art. 35, the applicant is asked to explain the reasons.
    ReasonsRequest,
    /// 决定公开告知书 to a third party that objected: what will be disclosed and why (art. 32).
    ThirdPartyDisclosure,
    /// 收费通知书.
    FeeNotice,
    Reply(ReplyNotice),
    /// 撤回申请确认书.
    WithdrawalConfirmation,
    /// 视为放弃申请告知书.
    AbandonmentConfirmation,
    /// 终止办理告知书 (fee not paid).
    UnpaidClosure,
    /// To staff: a case was assigned to you.
    Assigned,
    /// To staff: a reply or an extension waits for your review.
    ReviewRequested,
    /// To staff: your draft was returned.
    ReplyReturned,
    /// To staff: the reply falls due soon (a reminder from the scheduler).
    DueSoon,
    /// To staff: the reply is overdue.
    Overdue,
    /// To staff: a case was reopened by order.
    Reopened,
    /// To staff: a consultation's window has ended (arts. 32, 34), or an art. 33 consultation
    /// has gone unanswered for the configured number of working days.
    ConsultationDue,
}

vocabulary!(ReplyNotice {
    Disclosed => "disclosed", "政府信息公开申请答复书（予以公开）";
    PartlyDisclosed => "partly_disclosed", "政府信息公开申请答复书（部分公开）";
    NotDisclosed => "not_disclosed", "不予公开告知书";
    AdministrativeQuery => "administrative_query", "政府信息公开申请答复书（行政查询事项）";
    NotExist => "not_exist", "政府信息不存在告知书";
    NotThisAgency => "not_this_agency", "非本机关负责公开告知书";
    CannotProvide => "cannot_provide", "无法提供政府信息告知书";
    NotProcessed => "not_processed", "不予处理告知书";
    Other => "other", "政府信息公开申请处理告知书";
});

impl NoticeKind {
    /// Every kind, reply notices included: one template each.
    pub const ALL: [NoticeKind; 29] = {
        use NoticeKind as K;
        use ReplyNotice as R;
        [
            K::Acknowledgment,
            K::CorrectionNotice,
            K::ExtensionNotice,
            K::ReasonableDateNotice,
            K::ThirdPartyConsultation,
            K::AgencyConsultation,
            K::AgencyOpinionRequest,
            K::ReasonsRequest,
            K::ThirdPartyDisclosure,
            K::FeeNotice,
            K::Reply(R::Disclosed),
            K::Reply(R::PartlyDisclosed),
            K::Reply(R::NotDisclosed),
            K::Reply(R::AdministrativeQuery),
            K::Reply(R::NotExist),
            K::Reply(R::NotThisAgency),
            K::Reply(R::CannotProvide),
            K::Reply(R::NotProcessed),
            K::Reply(R::Other),
            K::WithdrawalConfirmation,
            K::AbandonmentConfirmation,
            K::UnpaidClosure,
            K::Assigned,
            K::ReviewRequested,
            K::ReplyReturned,
            K::DueSoon,
            K::Overdue,
            K::Reopened,
            K::ConsultationDue,
        ]
    };

    /// The kind's stored name, which is also its template's name (`acknowledgment`,
    /// `reply.not_disclosed`).
    pub const fn as_str(self) -> &'static str {
        use NoticeKind as K;
        use ReplyNotice as R;
        match self {
            K::Acknowledgment => "acknowledgment",
            K::CorrectionNotice => "correction_notice",
            K::ExtensionNotice => "extension_notice",
            K::ReasonableDateNotice => "reasonable_date_notice",
            K::ThirdPartyConsultation => "third_party_consultation",
            K::AgencyConsultation => "agency_consultation",
            K::AgencyOpinionRequest => "agency_opinion_request",
            K::ReasonsRequest => "reasons_request",
            K::ThirdPartyDisclosure => "third_party_disclosure",
            K::FeeNotice => "fee_notice",
            K::Reply(R::Disclosed) => "reply.disclosed",
            K::Reply(R::PartlyDisclosed) => "reply.partly_disclosed",
            K::Reply(R::NotDisclosed) => "reply.not_disclosed",
            K::Reply(R::AdministrativeQuery) => "reply.administrative_query",
            K::Reply(R::NotExist) => "reply.not_exist",
            K::Reply(R::NotThisAgency) => "reply.not_this_agency",
            K::Reply(R::CannotProvide) => "reply.cannot_provide",
            K::Reply(R::NotProcessed) => "reply.not_processed",
            K::Reply(R::Other) => "reply.other",
            K::WithdrawalConfirmation => "withdrawal_confirmation",
            K::AbandonmentConfirmation => "abandonment_confirmation",
            K::UnpaidClosure => "unpaid_closure",
            K::Assigned => "assigned",
            K::ReviewRequested => "review_requested",
            K::ReplyReturned => "reply_returned",
            K::DueSoon => "due_soon",
            K::Overdue => "overdue",
            K::Reopened => "reopened",
            K::ConsultationDue => "consultation_due",
        }
    }

    /// The kind whose stored name is `text`.
    pub fn parse(text: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The notice's name (the title of the written act, or what a message to staff is).
    pub const fn label_zh(self) -> &'static str {
        use NoticeKind as K;
        match self {
            K::Acknowledgment => "受理回执",
            K::CorrectionNotice => "补正申请告知书",
            K::ExtensionNotice => "延期答复告知书",
            K::ReasonableDateNotice => "答复期限告知书",
            K::ThirdPartyConsultation => "征求第三方意见书",
            K::AgencyConsultation => "征求意见函（共同制作的信息）",
            K::AgencyOpinionRequest => "征求意见函",
            K::ReasonsRequest => "说明理由通知书",
            K::ThirdPartyDisclosure => "决定公开告知书（第三方）",
            K::FeeNotice => "收费通知书",
            K::Reply(r) => r.label_zh(),
            K::WithdrawalConfirmation => "撤回申请确认书",
            K::AbandonmentConfirmation => "视为放弃申请告知书",
            K::UnpaidClosure => "终止办理告知书",
            K::Assigned => "新分配案件提醒",
            K::ReviewRequested => "待审核提醒",
            K::ReplyReturned => "答复退回提醒",
            K::DueSoon => "临期提醒",
            K::Overdue => "超期督办",
            K::Reopened => "重新办理提醒",
            K::ConsultationDue => "征求意见期限提醒",
        }
    }

    /// Every kind, as a vector (same as [`NoticeKind::ALL`]).
    pub fn all() -> Vec<NoticeKind> {
        NoticeKind::ALL.to_vec()
    }

    /// The template name of the kind (same as [`NoticeKind::as_str`]).
    pub fn key(self) -> String {
        self.as_str().to_owned()
    }

    /// The kind a template name stands for (same as [`NoticeKind::parse`]).
    pub fn from_key(key: &str) -> Option<NoticeKind> {
        NoticeKind::parse(key)
    }

    /// A decision on the request that the applicant can challenge, so its notice states the
    /// remedy (art. 51; 行政复议法 2023 art. 20): every reply, and the endings that terminate
    /// the request without one (deemed abandoned after a correction notice, closed for an
    /// unpaid fee), which the courts hear as 不予处理 (法释〔2025〕8号 art. 1(1)).
    ///
    /// Not decisions: procedural steps that decide nothing on the request (acknowledgment,
    /// correction, extension, the art. 35 later date), the fee notice (a fee decision cannot be
    /// challenged on its own, only the closure that follows non-payment: 《政府信息公开信息处理费
    /// 管理办法》, 国办函〔2020〕109号), a withdrawal the applicant asked for, letters to third
    /// parties and other agencies, and messages to staff. Exhaustive on purpose: a new kind
    /// must be classified here.
    pub const fn is_decision(self) -> bool {
        use NoticeKind as K;
        match self {
            K::Reply(
                ReplyNotice::Disclosed
                | ReplyNotice::PartlyDisclosed
                | ReplyNotice::NotDisclosed
                | ReplyNotice::AdministrativeQuery
                | ReplyNotice::NotExist
                | ReplyNotice::NotThisAgency
                | ReplyNotice::CannotProvide
                | ReplyNotice::NotProcessed
                | ReplyNotice::Other,
            )
            | K::AbandonmentConfirmation
            | K::UnpaidClosure
            // The third party whose objection is overridden may challenge the decision to
            // disclose (法释〔2025〕8号 art. 1(4)).
            | K::ThirdPartyDisclosure => true,
            K::Acknowledgment
            | K::CorrectionNotice
            | K::ExtensionNotice
            | K::ReasonableDateNotice
            | K::ThirdPartyConsultation
            | K::AgencyConsultation
            | K::AgencyOpinionRequest
            | K::ReasonsRequest
            | K::FeeNotice
            | K::WithdrawalConfirmation
            | K::Assigned
            | K::ReviewRequested
            | K::ReplyReturned
            | K::DueSoon
            | K::Overdue
            | K::Reopened
            | K::ConsultationDue => false,
        }
    }

    /// Staff reminders to act on a case (due soon, overdue, a consultation due): about the
    /// case as it stands, not as it stood at one event.
    pub fn is_reminder(self) -> bool {
        matches!(
            self,
            NoticeKind::DueSoon | NoticeKind::Overdue | NoticeKind::ConsultationDue
        )
    }

    /// Notices to staff (as opposed to the agency's written acts to applicants and others).
    pub fn is_internal(self) -> bool {
        use NoticeKind as K;
        matches!(
            self,
            K::Assigned
                | K::ReviewRequested
                | K::ReplyReturned
                | K::DueSoon
                | K::Overdue
                | K::Reopened
                | K::ConsultationDue
        )
    }
}

impl Vocabulary for NoticeKind {
    const ALL: &'static [NoticeKind] = &NoticeKind::ALL;

    fn as_str(self) -> &'static str {
        NoticeKind::as_str(self)
    }

    fn parse(text: &str) -> Option<NoticeKind> {
        NoticeKind::parse(text)
    }

    fn label_zh(self) -> &'static str {
        NoticeKind::label_zh(self)
    }
}

/// Who a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "to", content = "name", rename_all = "snake_case")]
pub enum Recipient {
    Applicant,
    /// A third party or another agency being consulted.
    Consulted(String),
    /// The clerk the case is assigned to (or, when none, the department's clerks).
    Assignee,
    /// The supervisors of the case's department.
    Supervisors,
}

impl Recipient {
    /// The recipient's kind as serde tags it (`applicant`, `consulted`, `assignee`,
    /// `supervisors`), without the consulted party's name.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Recipient::Applicant => "applicant",
            Recipient::Consulted(_) => "consulted",
            Recipient::Assignee => "assignee",
            Recipient::Supervisors => "supervisors",
        }
    }

    /// Who the recipient is, as staff read it.
    pub const fn label_zh(&self) -> &'static str {
        match self {
            Recipient::Applicant => "申请人",
            Recipient::Consulted(_) => "被征求意见方",
            Recipient::Assignee => "承办人",
            Recipient::Supervisors => "审核人",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub recipient: Recipient,
}

fn notice(kind: NoticeKind, recipient: Recipient) -> Notice {
    Notice { kind, recipient }
}

/// The reply notice for `reply`: its outcome's, with "not held" split into its two findings
/// (art. 36(4) does not exist, art. 36(5) not this agency's) and a 行政查询事项 reply
/// (art. 36(7)) given its referral notice.
pub fn reply_notice(reply: &Reply) -> ReplyNotice {
    match reply.outcome {
        Outcome::Disclosed => ReplyNotice::Disclosed,
        Outcome::PartlyDisclosed => ReplyNotice::PartlyDisclosed,
        Outcome::NotDisclosed(NotDisclosedGround::AdministrativeQuery) => {
            ReplyNotice::AdministrativeQuery
        }
        Outcome::NotDisclosed(_) => ReplyNotice::NotDisclosed,
        Outcome::CannotProvide(CannotProvideGround::NotHeld) => match reply.not_held_finding() {
            Some(NotHeld::NotThisAgency) => ReplyNotice::NotThisAgency,
            Some(NotHeld::NotExist) | None => ReplyNotice::NotExist,
        },
        Outcome::CannotProvide(_) => ReplyNotice::CannotProvide,
        Outcome::NotProcessed(_) => ReplyNotice::NotProcessed,
        Outcome::Other(_) => ReplyNotice::Other,
    }
}

/// Art. 32: a reply that discloses over a third party's objection is first told to each
/// objecting third party (what will be disclosed and why); these notices come before the
/// applicant's.
fn disclosure_notices(case: &Case, reply: Option<&crate::model::Reply>) -> Vec<Notice> {
    if reply.is_none_or(|r| r.disclosure.is_none()) {
        return Vec::new();
    }
    case.objecting_third_parties()
        .into_iter()
        .map(|party| {
            notice(
                NoticeKind::ThirdPartyDisclosure,
                Recipient::Consulted(party),
            )
        })
        .collect()
}

/// A notice one command's events call for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Called {
    pub notice: Notice,
    /// The index (in the command's events) of the event that calls for it.
    pub cause: usize,
    /// The index of the event whose case it is rendered from: its cause, except for a staff
    /// reminder ([`NoticeKind::is_reminder`]), rendered from the command's last event.
    pub at: usize,
}

/// The case after `events` (one command's, applied to `case`), with the notices they call
/// for (each read against the case right after its event).
///
/// A staff reminder is rendered from the case after the whole command: `decide` records an
/// overdue breach *ahead* of a late command's own events (a registration, an assignment), so
/// the case as it stood at the breach has no tracking number or assignee yet, and the
/// reminder to act on it would name neither.
pub fn notices_of(case: Case, events: &[Event]) -> (Case, Vec<Called>) {
    let mut case = case;
    let mut out = Vec::new();
    let last = events.len().saturating_sub(1);
    for (cause, event) in events.iter().enumerate() {
        case = evolve(case, event);
        for notice in notices(&case, event) {
            let at = if notice.kind.is_reminder() {
                last
            } else {
                cause
            };
            out.push(Called { notice, cause, at });
        }
    }
    (case, out)
}

/// The notices `event` calls for; `case` is the state after the event.
pub fn notices(case: &Case, event: &Event) -> Vec<Notice> {
    use NoticeKind as K;
    use Recipient::*;
    match &event.kind {
        EventKind::Registered { .. } => vec![notice(K::Acknowledgment, Applicant)],
        EventKind::Assigned {
            assignee: Some(_), ..
        } => vec![notice(K::Assigned, Assignee)],
        EventKind::CorrectionRequested { .. } => vec![notice(K::CorrectionNotice, Applicant)],
        EventKind::ConsultationStarted { kind, party, .. } => vec![notice(
            match kind {
                ConsultationKind::ThirdParty => K::ThirdPartyConsultation,
                ConsultationKind::OtherAgency => K::AgencyConsultation,
                ConsultationKind::AgencyOpinion => K::AgencyOpinionRequest,
            },
            Consulted(party.clone()),
        )],
        EventKind::ExtensionRequested { .. } | EventKind::SubmittedForReview => {
            vec![notice(K::ReviewRequested, Supervisors)]
        }
        EventKind::ExtensionApproved { .. } => vec![notice(K::ExtensionNotice, Applicant)],
        EventKind::FeeNoticeIssued { .. } => vec![notice(K::FeeNotice, Applicant)],
        EventKind::ReasonableDateSet { .. } => vec![notice(K::ReasonableDateNotice, Applicant)],
        EventKind::ReasonsRequested { .. } => vec![notice(K::ReasonsRequest, Applicant)],
        EventKind::ReplyReturned { .. } => vec![notice(K::ReplyReturned, Assignee)],
        EventKind::ReplyApproved { outcome, .. } => {
            let kind = match case.reply.as_ref() {
                Some(r) => reply_notice(r),
                None => reply_notice(&Reply {
                    outcome: *outcome,
                    text: String::new(),
                    competent_agency: None,
                    not_held: None,
                    competent_agency_contact: None,
                    disclosure: None,
                    release: Vec::new(),
                }),
            };
            let mut out = disclosure_notices(case, case.reply.as_ref());
            out.push(notice(K::Reply(kind), Applicant));
            out
        }
        EventKind::RepliedOnTheSpot { reply } => {
            let mut out = disclosure_notices(case, Some(reply));
            out.push(notice(K::Reply(reply_notice(reply)), Applicant));
            out
        }
        EventKind::Withdrawn { .. } => vec![notice(K::WithdrawalConfirmation, Applicant)],
        EventKind::Abandoned => vec![notice(K::AbandonmentConfirmation, Applicant)],
        EventKind::ClosedUnpaid => vec![notice(K::UnpaidClosure, Applicant)],
        EventKind::BreachRecorded {
            breach: Breach::ReplyOverdue { .. },
        } => vec![
            notice(K::Overdue, Assignee),
            notice(K::Overdue, Supervisors),
        ],
        EventKind::Reopened { .. } => vec![notice(K::Reopened, Assignee)],
        _ => Vec::new(),
    }
}
