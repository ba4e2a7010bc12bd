//! The state of a case: a fold over its events.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::clock::{
    ClockInput, Pause, ReasonableDate, ReplyDue, StartReason, WarningLevel, legal_date, reply_due,
    warning_level,
};
use crate::model::{
    Applicant, Breach, Channel, ConsultationKind, Delivery, Event, EventKind, FeeMethod, Letter,
    Opinion, Order, ReasonsAssessment, Remedy, Reply, RequestDetails, SecrecyReview, SentBy,
};
use crate::outcome::{OtherGround, Outcome};
use crate::statute::{PauseKind, Statute, StatuteProfile};
use crate::vocabulary::vocabulary;

/// Where a case stands (接收、登记、办理、审核、答复、归档, and the terminal exits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No event yet.
    #[default]
    New,
    Received,
    Registered,
    Processing,
    UnderReview,
    Replied,
    Archived,
    Withdrawn,
    Abandoned,
    /// Closed because the fee was not paid in time.
    ClosedUnpaid,
}

vocabulary!(Status {
    New => "new", "未接收";
    Received => "received", "已接收";
    Registered => "registered", "已登记";
    Processing => "processing", "办理中";
    UnderReview => "under_review", "审核中";
    Replied => "replied", "已答复";
    Archived => "archived", "已归档";
    Withdrawn => "withdrawn", "已撤回";
    Abandoned => "abandoned", "视为放弃";
    ClosedUnpaid => "closed_unpaid", "逾期未缴费终止";
});

impl Status {
    /// The reply clock runs (the request awaits its reply).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Registered | Status::Processing | Status::UnderReview
        )
    }

    /// The open statuses (those of [`Status::is_open`]), in order.
    pub const OPEN: [Status; 4] = {
        let mut open = [Status::New; 4];
        let (mut i, mut n) = (0, 0);
        while i < Status::ALL.len() {
            if Status::ALL[i].is_open() {
                open[n] = Status::ALL[i];
                n += 1;
            }
            i += 1;
        }
        assert!(
            n == open.len(),
            "Status::OPEN has one place per open status"
        );
        open
    };

    /// The stored names of the open statuses, for a query on the `status` column.
    pub const OPEN_NAMES: [&'static str; 4] = {
        let mut names = [""; 4];
        let mut i = 0;
        while i < names.len() {
            names[i] = Status::OPEN[i].as_str();
            i += 1;
        }
        names
    };
}

/// What a case in processing is waiting for, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubState {
    AwaitingCorrection,
    AwaitingFee,
    ConsultingThirdParty,
    ConsultingAgency,
    Extended,
}

vocabulary!(SubState {
    AwaitingCorrection => "awaiting_correction", "等待补正";
    AwaitingFee => "awaiting_fee", "等待缴费";
    ConsultingThirdParty => "consulting_third_party", "征求第三方意见";
    ConsultingAgency => "consulting_agency", "征求其他机关意见";
    Extended => "extended", "已延期";
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub requested_on: NaiveDate,
    pub items: Vec<String>,
    pub deadline: NaiveDate,
    pub received_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    pub id: u32,
    pub kind: ConsultationKind,
    pub party: String,
    pub letter_date: NaiveDate,
    /// Arts. 32, 34: the end of the party's window, counted from receipt; art. 33: the day
    /// a reminder falls due.
    pub deadline: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub opinion: Option<Opinion>,
    #[serde(default)]
    pub sent_by: Option<SentBy>,
    /// The day the letter was received: presumed from how it was sent, or recorded.
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// Whether `received_on` was recorded (not presumed).
    #[serde(default)]
    pub receipt_recorded: bool,
}

impl Consultation {
    /// The last day the reply period is paused for this consultation: the opinion's day, but
    /// never after the end of a statutory window (arts. 32, 34); none while it runs.
    pub fn pause_end(&self) -> Option<NaiveDate> {
        let ended = self.ended_on?;
        Some(if self.kind.has_window() {
            ended.min(self.deadline)
        } else {
            ended
        })
    }
}

/// The art. 35 request for reasons and its assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonsStep {
    pub requested_on: NaiveDate,
    pub grounds: String,
    pub sent_by: SentBy,
    pub received_on: NaiveDate,
    #[serde(default)]
    pub receipt_recorded: bool,
    pub deadline: NaiveDate,
    pub assessment: Option<ReasonsAssessment>,
    pub assessed_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ExtensionDecision {
    Pending,
    Approved { on: NaiveDate, by: String },
    Denied { on: NaiveDate, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub requested_on: NaiveDate,
    pub requested_by: String,
    pub reason: String,
    pub days: u32,
    pub decision: ExtensionDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub method: FeeMethod,
    pub amount_yuan: u32,
    pub notice_date: NaiveDate,
    /// 20 working days from the day after the applicant receives the notice (109号).
    pub deadline: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    #[serde(default)]
    pub sent_by: Option<SentBy>,
    /// The day the notice was received: presumed from how it was sent, or recorded.
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    #[serde(default)]
    pub receipt_recorded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub reply: Reply,
    pub by: String,
    pub on: NaiveDate,
    /// The secrecy review of this draft's release; a new draft comes without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrecy_review: Option<SecrecyReview>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachRecord {
    pub breach: Breach,
    pub on: NaiveDate,
}

/// A reconsideration or lawsuit recorded on the case; `remedy.result` is the latest decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemedyRecord {
    /// 1 for the first recorded on the case.
    pub id: u32,
    pub remedy: Remedy,
    pub recorded_at: DateTime<Utc>,
}

/// Where the reply clock counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockStart {
    pub date: NaiveDate,
    pub reason: StartReason,
}

/// A case as its events have made it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// The number of events folded (= the sequence number of the last one).
    pub version: u64,
    pub status: Status,
    pub channel: Option<Channel>,
    pub agency: String,
    pub department: String,
    pub assignee: Option<String>,
    pub applicant: Applicant,
    /// The applicant account that filed the request, if any.
    pub account: Option<String>,
    pub request: Option<RequestDetails>,
    pub received_at: Option<DateTime<Utc>>,
    /// 收到申请之日, under the channel's rule.
    pub receipt_date: Option<NaiveDate>,
    pub tracking_number: Option<String>,
    /// The statute profile id, fixed at registration.
    pub statute: Option<String>,
    pub clock_start: Option<ClockStart>,
    pub correction_notice_deadline: Option<NaiveDate>,
    pub correction: Option<Correction>,
    pub consultations: Vec<Consultation>,
    pub extension: Option<Extension>,
    pub fee: Option<Fee>,
    /// The art. 35 request for reasons, in this round of handling.
    #[serde(default)]
    pub reasons: Option<ReasonsStep>,
    pub reasonable_date: Option<ReasonableDate>,
    pub draft: Option<Draft>,
    pub last_return_reason: Option<String>,
    pub reply: Option<Reply>,
    pub outcome: Option<Outcome>,
    pub replied_on: Option<NaiveDate>,
    pub replied_on_the_spot: bool,
    pub approved_by: Option<String>,
    pub delivered: Option<(NaiveDate, Delivery)>,
    /// The day the case ended (reply, withdrawal, abandonment, closure).
    pub concluded_on: Option<NaiveDate>,
    pub archived_on: Option<NaiveDate>,
    pub orders: Vec<Order>,
    /// Reconsiderations and lawsuits about the request, in the order recorded.
    #[serde(default)]
    pub remedies: Vec<RemedyRecord>,
    pub breaches: Vec<BreachRecord>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The latest legal date of the events that have one (and of the request's receipt or
    /// submission): nothing that ends the case can predate it.
    pub last_legal_date: Option<NaiveDate>,
    /// The release as published in the reading room (art. 44), while it is public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<Publication>,
    /// The redacted versions made of the case's files (区分处理), in the order made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redactions: Vec<crate::model::FileRedaction>,
}

impl Case {
    /// The redaction that made attachment `id`, if it is a redacted version.
    pub fn redaction_making(&self, id: &str) -> Option<&crate::model::FileRedaction> {
        self.redactions.iter().find(|r| r.output.attachment == id)
    }

    /// Whether attachment `id` is an original that a redacted version was made of.
    pub fn is_redacted_original(&self, id: &str) -> bool {
        self.redactions.iter().any(|r| r.source.attachment == id)
    }

    /// The parts withheld from the released files of `release`, as a letter lists them: one
    /// line per file, "《标题》：第 3 页 2 处，依据《条例》第十五条，涉及个人隐私；…".
    pub fn redaction_lines_zh(&self, release: &[crate::model::ReleaseItem]) -> Vec<String> {
        release
            .iter()
            .filter_map(|item| {
                let r = self.redaction_making(&item.file()?.attachment)?;
                Some(format!("《{}》：{}", item.title(), r.lines_zh().join("；")))
            })
            .collect()
    }
}

/// What of a case is public in the reading room, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub subject: String,
    pub items: Vec<crate::model::ReleaseItem>,
    /// The day it became public (Asia/Shanghai).
    pub since: NaiveDate,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// Applies one event. Events are facts already decided, so this never fails.
pub fn evolve(mut case: Case, event: &Event) -> Case {
    case.version += 1;
    case.updated_at = Some(event.at);
    let date = event.legal_date.unwrap_or_else(|| legal_date(event.at));
    // A reconsideration or lawsuit is recorded about the case, not an act in it: it moves no
    // date the handling depends on. Nor does a step without a legal date (taking the case up,
    // submitting a draft): the day it was typed in says nothing about when the request ended,
    // so a withdrawal received earlier may still be recorded with its own date. The request
    // itself always counts (its receipt date, or the day an online filing was submitted).
    let dated = match event.kind {
        EventKind::RemedyRecorded { .. }
        | EventKind::RemedyDecided { .. }
        | EventKind::ReleasePublished { .. }
        | EventKind::PublicationWithdrawn { .. }
        | EventKind::FileRedacted { .. } => false,
        EventKind::Received { .. } => true,
        _ => event.legal_date.is_some(),
    };
    if dated {
        case.last_legal_date = case.last_legal_date.max(Some(date));
    }
    match &event.kind {
        EventKind::Received {
            channel,
            agency,
            department,
            applicant,
            request,
            account,
        } => {
            case.status = Status::Received;
            case.channel = Some(*channel);
            case.agency = agency.clone();
            case.department = department.clone();
            case.applicant = applicant.clone();
            case.request = Some(request.clone());
            case.account = account.clone();
            case.received_at = Some(event.at);
            case.receipt_date = event.legal_date;
            case.clock_start = event.legal_date.map(|date| ClockStart {
                date,
                reason: StartReason::Receipt,
            });
        }
        EventKind::Registered {
            tracking_number,
            department,
            statute,
            correction_notice_deadline,
        } => {
            case.status = Status::Registered;
            case.tracking_number = Some(tracking_number.clone());
            case.department = department.clone();
            case.statute = Some(statute.clone());
            case.correction_notice_deadline = *correction_notice_deadline;
            if case.receipt_date.is_none() {
                case.receipt_date = Some(date);
                case.clock_start = Some(ClockStart {
                    date,
                    reason: StartReason::Receipt,
                });
            }
        }
        EventKind::Assigned {
            department,
            assignee,
        } => {
            case.department = department.clone();
            case.assignee = assignee.clone();
        }
        EventKind::ProcessingStarted => {
            case.status = Status::Processing;
            if case.assignee.is_none() {
                case.assignee = Some(event.actor.id.clone());
            }
        }
        EventKind::CorrectionRequested { items, deadline } => {
            case.status = Status::Processing;
            case.correction = Some(Correction {
                requested_on: date,
                items: items.clone(),
                deadline: *deadline,
                received_on: None,
            });
        }
        EventKind::CorrectionReceived { .. } => {
            if let Some(c) = &mut case.correction {
                c.received_on = Some(date);
            }
            case.clock_start = Some(ClockStart {
                date,
                reason: StartReason::Correction,
            });
            case.status = Status::Registered;
            // The period runs afresh; an extension of the old period does not carry over.
            case.extension = None;
        }
        EventKind::Abandoned => {
            conclude(&mut case, Status::Abandoned, date);
            case.outcome = Some(Outcome::Other(OtherGround::CorrectionNotSupplied));
        }
        EventKind::ConsultationStarted {
            id,
            kind,
            party,
            deadline,
            sent_by,
            received_on,
        } => case.consultations.push(Consultation {
            id: *id,
            kind: *kind,
            party: party.clone(),
            letter_date: date,
            deadline: *deadline,
            ended_on: None,
            opinion: None,
            sent_by: *sent_by,
            received_on: *received_on,
            receipt_recorded: false,
        }),
        EventKind::ConsultationEnded { id, opinion } => {
            if let Some(c) = case.consultations.iter_mut().find(|c| c.id == *id) {
                c.ended_on = Some(date);
                c.opinion = Some(*opinion);
            }
        }
        EventKind::ExtensionRequested { reason, days } => {
            case.extension = Some(Extension {
                requested_on: date,
                requested_by: event.actor.id.clone(),
                reason: reason.clone(),
                days: *days,
                decision: ExtensionDecision::Pending,
            });
        }
        EventKind::ExtensionApproved { days } => {
            if let Some(e) = &mut case.extension {
                e.days = *days;
                e.decision = ExtensionDecision::Approved {
                    on: date,
                    by: event.actor.id.clone(),
                };
            }
        }
        EventKind::ExtensionDenied { reason } => {
            if let Some(e) = &mut case.extension {
                e.decision = ExtensionDecision::Denied {
                    on: date,
                    reason: reason.clone(),
                };
            }
        }
        EventKind::FeeNoticeIssued {
            fee,
            amount_yuan,
            deadline,
            sent_by,
            received_on,
        } => {
            case.fee = Some(Fee {
                method: *fee,
                amount_yuan: *amount_yuan,
                notice_date: date,
                deadline: *deadline,
                paid_on: None,
                sent_by: *sent_by,
                received_on: *received_on,
                receipt_recorded: false,
            });
        }
        EventKind::LetterReceived {
            letter,
            received_on,
            deadline,
        } => match letter {
            Letter::Consultation { id } => {
                if let Some(c) = case.consultations.iter_mut().find(|c| c.id == *id) {
                    c.received_on = Some(*received_on);
                    c.receipt_recorded = true;
                    c.deadline = *deadline;
                }
            }
            Letter::FeeNotice => {
                if let Some(f) = &mut case.fee {
                    f.received_on = Some(*received_on);
                    f.receipt_recorded = true;
                    f.deadline = *deadline;
                }
            }
            Letter::ReasonsRequest => {
                if let Some(r) = &mut case.reasons {
                    r.received_on = *received_on;
                    r.receipt_recorded = true;
                    r.deadline = *deadline;
                }
            }
        },
        EventKind::ReasonsRequested {
            grounds,
            deadline,
            sent_by,
            received_on,
        } => {
            case.reasons = Some(ReasonsStep {
                requested_on: date,
                grounds: grounds.clone(),
                sent_by: *sent_by,
                received_on: *received_on,
                receipt_recorded: false,
                deadline: *deadline,
                assessment: None,
                assessed_on: None,
                note: None,
            });
        }
        EventKind::ReasonsRecorded { assessment, note } => {
            if let Some(r) = &mut case.reasons {
                r.assessment = Some(*assessment);
                r.assessed_on = Some(date);
                r.note = Some(note.clone());
            }
        }
        EventKind::FeePaid => {
            if let Some(f) = &mut case.fee {
                f.paid_on = Some(date);
            }
        }
        EventKind::ClosedUnpaid => {
            conclude(&mut case, Status::ClosedUnpaid, date);
            case.outcome = Some(Outcome::Other(OtherGround::FeeNotPaid));
        }
        EventKind::ReasonableDateSet { date: d, reason } => {
            case.reasonable_date = Some(ReasonableDate {
                date: *d,
                reason: reason.clone(),
                set_by: event.actor.id.clone(),
            });
        }
        EventKind::RepliedOnTheSpot { reply } => {
            conclude(&mut case, Status::Replied, date);
            case.outcome = Some(reply.outcome);
            case.reply = Some(reply.clone());
            case.replied_on = Some(date);
            case.replied_on_the_spot = true;
            case.approved_by = Some(event.actor.id.clone());
        }
        EventKind::ReplyDrafted { reply } => {
            case.draft = Some(Draft {
                reply: reply.clone(),
                by: event.actor.id.clone(),
                on: date,
                secrecy_review: None,
            });
        }
        EventKind::SecrecyReviewed { conclusion, basis } => {
            if let Some(d) = &mut case.draft {
                d.secrecy_review = Some(SecrecyReview {
                    by: event.actor.id.clone(),
                    on: date,
                    conclusion: *conclusion,
                    basis: basis.clone(),
                });
            }
        }
        EventKind::SubmittedForReview => case.status = Status::UnderReview,
        EventKind::ReplyApproved { outcome, .. } => {
            conclude(&mut case, Status::Replied, date);
            case.outcome = Some(*outcome);
            case.reply = case.draft.as_ref().map(|d| d.reply.clone());
            case.replied_on = Some(date);
            case.approved_by = Some(event.actor.id.clone());
        }
        EventKind::ReplyReturned { reason } => {
            case.status = Status::Processing;
            case.last_return_reason = Some(reason.clone());
        }
        EventKind::Delivered { method } => case.delivered = Some((date, *method)),
        EventKind::Archived => {
            case.status = Status::Archived;
            case.archived_on = Some(date);
        }
        EventKind::Withdrawn { .. } => {
            conclude(&mut case, Status::Withdrawn, date);
            case.outcome = Some(Outcome::Other(OtherGround::Other));
        }
        EventKind::Reopened {
            order,
            correction_notice_deadline,
        } => {
            case.status = Status::Processing;
            case.correction_notice_deadline = *correction_notice_deadline;
            case.orders.push(order.clone());
            case.clock_start = Some(ClockStart {
                date: order.received_on,
                reason: StartReason::Order,
            });
            // A new reply from scratch: the earlier reply, extension, correction and fee
            // belong to the earlier round and stay in the event history.
            case.correction = None;
            case.extension = None;
            case.fee = None;
            case.reasons = None;
            case.reasonable_date = None;
            case.draft = None;
            case.reply = None;
            case.outcome = None;
            case.replied_on = None;
            case.replied_on_the_spot = false;
            case.approved_by = None;
            case.delivered = None;
            case.concluded_on = None;
            case.archived_on = None;
            case.last_return_reason = None;
        }
        EventKind::BreachRecorded { breach } => case.breaches.push(BreachRecord {
            breach: *breach,
            on: date,
        }),
        EventKind::RemedyRecorded { id, remedy } => case.remedies.push(RemedyRecord {
            id: *id,
            remedy: remedy.clone(),
            recorded_at: event.at,
        }),
        EventKind::RemedyDecided {
            id,
            result,
            decided_on,
        } => {
            if let Some(r) = case.remedies.iter_mut().find(|r| r.id == *id) {
                r.remedy.result = Some(*result);
                r.remedy.decided_on = Some(*decided_on);
            }
        }
        EventKind::ReleasePublished { subject, items } => {
            case.publication = Some(Publication {
                subject: subject.clone(),
                items: items.clone(),
                since: date,
                at: event.at,
                by: event.actor.id.clone(),
            });
        }
        EventKind::PublicationWithdrawn { .. } => case.publication = None,
        EventKind::FileRedacted { redaction } => case.redactions.push(redaction.clone()),
    }
    case
}

/// What the explanation says about a consultation: the party, and for arts. 32 and 34 the
/// window that bounds the pause.
fn consultation_about(c: &Consultation) -> String {
    if !c.kind.has_window() {
        return format!("{}，条例第三十三条第二款", c.party);
    }
    let article = match c.kind {
        ConsultationKind::ThirdParty => "条例第三十二条",
        _ => "条例第三十四条",
    };
    match c.ended_on {
        Some(ended) if ended > c.deadline => format!(
            "{}，{article}，意见期限 {} 届满即恢复计算，此后的时间计入答复期限",
            c.party, c.deadline
        ),
        Some(_) => format!("{}，{article}", c.party),
        None => format!(
            "{}，{article}，意见期限至 {}，逾期未答复的自次日起恢复计算",
            c.party, c.deadline
        ),
    }
}

fn conclude(case: &mut Case, status: Status, date: NaiveDate) {
    case.status = status;
    case.concluded_on = Some(date);
}

impl Case {
    /// Folds a history.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Case {
        events.into_iter().fold(Case::default(), evolve)
    }

    pub fn exists(&self) -> bool {
        self.status != Status::New
    }

    /// The statute profile that governs the case.
    pub fn profile<'s>(&self, statute: &'s Statute) -> Option<&'s StatuteProfile> {
        match &self.statute {
            Some(id) => statute.profile(id),
            None => match self.receipt_date {
                Some(d) => statute.profile_for(d),
                None => statute.default_profile(),
            },
        }
    }

    /// The correction asked for and not yet received.
    pub fn pending_correction(&self) -> Option<&Correction> {
        self.correction.as_ref().filter(|c| c.received_on.is_none())
    }

    pub fn open_consultations(&self) -> impl Iterator<Item = &Consultation> {
        self.consultations.iter().filter(|c| c.ended_on.is_none())
    }

    /// The art. 35 assessment recorded in this round, if any.
    pub fn reasons_assessment(&self) -> Option<ReasonsAssessment> {
        self.reasons.as_ref().and_then(|r| r.assessment)
    }

    /// The third parties that objected to disclosure (art. 32), each once.
    pub fn objecting_third_parties(&self) -> Vec<String> {
        let mut parties: Vec<String> = Vec::new();
        for c in &self.consultations {
            if c.kind == ConsultationKind::ThirdParty
                && c.opinion == Some(Opinion::Objection)
                && !parties.contains(&c.party)
            {
                parties.push(c.party.clone());
            }
        }
        parties
    }

    /// The earliest day on which an open consultation calls for a reminder to the clerk: the
    /// end of a statutory window (arts. 32, 34) or the art. 33 reminder day.
    pub fn consultation_due(&self) -> Option<NaiveDate> {
        if !self.status.is_open() {
            return None;
        }
        self.open_consultations().map(|c| c.deadline).min()
    }

    /// The fee notice issued and not yet paid.
    pub fn unpaid_fee(&self) -> Option<&Fee> {
        self.fee.as_ref().filter(|f| f.paid_on.is_none())
    }

    pub fn approved_extension_days(&self) -> u32 {
        match &self.extension {
            Some(Extension {
                days,
                decision: ExtensionDecision::Approved { .. },
                ..
            }) => *days,
            _ => 0,
        }
    }

    /// Whether an extension was approved (it can be used once).
    pub fn extension_used(&self) -> bool {
        self.approved_extension_days() > 0
    }

    /// What the case is waiting for while in processing.
    pub fn sub_state(&self) -> Option<SubState> {
        if !self.status.is_open() {
            return None;
        }
        if self.pending_correction().is_some() {
            Some(SubState::AwaitingCorrection)
        } else if self.unpaid_fee().is_some() {
            Some(SubState::AwaitingFee)
        } else if self
            .open_consultations()
            .any(|c| c.kind == ConsultationKind::ThirdParty)
        {
            Some(SubState::ConsultingThirdParty)
        } else if self.open_consultations().next().is_some() {
            Some(SubState::ConsultingAgency)
        } else if self.extension_used() {
            Some(SubState::Extended)
        } else {
            None
        }
    }

    /// The pauses of the reply period: consultations and the fee window.
    pub fn pauses(&self) -> Vec<Pause> {
        let mut pauses: Vec<Pause> = self
            .consultations
            .iter()
            .map(|c| Pause {
                kind: match c.kind {
                    ConsultationKind::ThirdParty => PauseKind::ThirdParty,
                    ConsultationKind::OtherAgency | ConsultationKind::AgencyOpinion => {
                        PauseKind::OtherAgency
                    }
                },
                from: c.letter_date,
                to: c.pause_end(),
                about: Some(consultation_about(c)),
            })
            .collect();
        if let Some(f) = &self.fee {
            pauses.push(Pause {
                kind: PauseKind::Fee,
                from: f.notice_date,
                to: f.paid_on,
                about: Some(format!("{} 元", f.amount_yuan)),
            });
        }
        // Pauses that ended before the clock (re)started do not concern it.
        if let Some(start) = self.clock_start {
            pauses.retain(|p| p.to.is_none_or(|to| to > start.date));
        }
        pauses.sort_by_key(|p| p.from);
        pauses
    }

    pub fn clock_input(&self) -> Option<ClockInput> {
        let start = self.clock_start?;
        Some(ClockInput {
            start: start.date,
            start_reason: start.reason,
            original_receipt: self.receipt_date,
            pauses: self.pauses(),
            extension_days: self.approved_extension_days(),
            reasonable_date: self.reasonable_date.clone(),
        })
    }

    /// The reply due date while the reply clock runs. None before the receipt date is known,
    /// while a correction is awaited (the period will run afresh from the corrected request),
    /// and once the case has ended.
    pub fn reply_due(&self, calendar: &Calendar, statute: &Statute) -> Option<ReplyDue> {
        if !self.status.is_open() || self.pending_correction().is_some() {
            return None;
        }
        self.reply_due_any_status(calendar, statute)
    }

    /// The reply due date as the events define it, whatever the status (used to judge whether
    /// a reply or an extension came in time).
    pub fn reply_due_any_status(&self, calendar: &Calendar, statute: &Statute) -> Option<ReplyDue> {
        let input = self.clock_input()?;
        let profile = self.profile(statute)?;
        Some(reply_due(calendar, profile, &input))
    }

    /// The supervision level at `now`, for an open case whose due date is known.
    pub fn warning_level(
        &self,
        calendar: &Calendar,
        statute: &Statute,
        now: DateTime<Utc>,
    ) -> Option<WarningLevel> {
        let due = match self.reply_due(calendar, statute)?.due {
            Some(due) => due,
            None => {
                self.windows_lapsed_by(crate::clock::legal_date(now))?
                    .reply_due(calendar, statute)?
                    .due?
            }
        };
        let profile = self.profile(statute)?;
        Some(warning_level(calendar, due, profile.due_soon_days, now))
    }

    /// The case as it stands once every consultation whose statutory window (arts. 32, 34)
    /// ended before `today` without a recorded answer is taken to end with its window: the
    /// excluded time ends there whether or not the clerk has recorded it, so supervision warns
    /// on the period that really runs. `None` when no such window has lapsed.
    fn windows_lapsed_by(&self, today: NaiveDate) -> Option<Case> {
        let lapsed =
            |c: &Consultation| c.kind.has_window() && c.ended_on.is_none() && c.deadline < today;
        if !self.consultations.iter().any(lapsed) {
            return None;
        }
        let mut case = self.clone();
        for c in case.consultations.iter_mut().filter(|c| lapsed(c)) {
            c.ended_on = Some(c.deadline);
        }
        Some(case)
    }
}
