//! What happened to a case.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::actor::ActorRef;
use super::remedy::{Order, Remedy, RemedyResult};
use super::request::{Applicant, Channel, Delivery, RequestDetails};
use super::steps::{Breach, ConsultationKind, FeeMethod, Opinion, Reply};
use crate::outcome::Outcome;

/// One fact in a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor: ActorRef,
    /// The date that counts in law (Asia/Shanghai), where the law cares: the receipt date of a
    /// posted letter is the day it was signed for, not the day it was typed in.
    #[serde(default)]
    pub legal_date: Option<NaiveDate>,
    pub kind: EventKind,
}

/// What happened. Deadlines that were fixed when the event happened are recorded in it;
/// the reply due date is not: it is derived from the events and the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Received {
        channel: Channel,
        agency: String,
        department: String,
        applicant: Applicant,
        request: RequestDetails,
        /// The applicant account that filed it, if any.
        account: Option<String>,
    },
    Registered {
        tracking_number: String,
        department: String,
        statute: String,
        /// The correction notice must go out by this date (art. 30); none where the statute
        /// sets no limit (cn-2008).
        correction_notice_deadline: Option<NaiveDate>,
    },
    Assigned {
        department: String,
        assignee: Option<String>,
    },
    ProcessingStarted,
    CorrectionRequested {
        items: Vec<String>,
        deadline: NaiveDate,
    },
    CorrectionReceived {
        content: String,
        late_reason: Option<String>,
    },
    Abandoned,
    ConsultationStarted {
        id: u32,
        kind: ConsultationKind,
        party: String,
        deadline: NaiveDate,
    },
    ConsultationEnded {
        id: u32,
        opinion: Opinion,
    },
    ExtensionRequested {
        reason: String,
        days: u32,
    },
    ExtensionApproved {
        days: u32,
    },
    ExtensionDenied {
        reason: String,
    },
    FeeNoticeIssued {
        fee: FeeMethod,
        amount_yuan: u32,
        deadline: NaiveDate,
    },
    FeePaid,
    ClosedUnpaid,
    ReasonableDateSet {
        date: NaiveDate,
        reason: String,
    },
    RepliedOnTheSpot {
        reply: Reply,
    },
    ReplyDrafted {
        reply: Reply,
    },
    SubmittedForReview,
    ReplyApproved {
        outcome: Outcome,
    },
    ReplyReturned {
        reason: String,
    },
    Delivered {
        method: Delivery,
    },
    Archived,
    Withdrawn {
        reason: Option<String>,
    },
    Reopened {
        order: Order,
        /// The correction notice for the new round must go out by this date.
        correction_notice_deadline: Option<NaiveDate>,
    },
    BreachRecorded {
        breach: Breach,
    },
    RemedyRecorded {
        id: u32,
        remedy: Remedy,
    },
    RemedyDecided {
        id: u32,
        result: RemedyResult,
        decided_on: NaiveDate,
    },
}

impl EventKind {
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Received { .. } => "received",
            EventKind::Registered { .. } => "registered",
            EventKind::Assigned { .. } => "assigned",
            EventKind::ProcessingStarted => "processing_started",
            EventKind::CorrectionRequested { .. } => "correction_requested",
            EventKind::CorrectionReceived { .. } => "correction_received",
            EventKind::Abandoned => "abandoned",
            EventKind::ConsultationStarted { .. } => "consultation_started",
            EventKind::ConsultationEnded { .. } => "consultation_ended",
            EventKind::ExtensionRequested { .. } => "extension_requested",
            EventKind::ExtensionApproved { .. } => "extension_approved",
            EventKind::ExtensionDenied { .. } => "extension_denied",
            EventKind::FeeNoticeIssued { .. } => "fee_notice_issued",
            EventKind::FeePaid => "fee_paid",
            EventKind::ClosedUnpaid => "closed_unpaid",
            EventKind::ReasonableDateSet { .. } => "reasonable_date_set",
            EventKind::RepliedOnTheSpot { .. } => "replied_on_the_spot",
            EventKind::ReplyDrafted { .. } => "reply_drafted",
            EventKind::SubmittedForReview => "submitted_for_review",
            EventKind::ReplyApproved { .. } => "reply_approved",
            EventKind::ReplyReturned { .. } => "reply_returned",
            EventKind::Delivered { .. } => "delivered",
            EventKind::Archived => "archived",
            EventKind::Withdrawn { .. } => "withdrawn",
            EventKind::Reopened { .. } => "reopened",
            EventKind::BreachRecorded { .. } => "breach_recorded",
            EventKind::RemedyRecorded { .. } => "remedy_recorded",
            EventKind::RemedyDecided { .. } => "remedy_decided",
        }
    }
}
