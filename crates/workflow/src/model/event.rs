//! What happened to a case.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::actor::ActorRef;
use super::redaction::FileRedaction;
use super::release::{ReleaseItem, SecrecyConclusion};
use super::remedy::{Order, Remedy, RemedyResult};
use super::request::{Applicant, Channel, Delivery, RequestDetails};
use super::steps::{
    Breach, ConsultationKind, FeeMethod, Letter, Opinion, ReasonsAssessment, Reply, SentBy,
};
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
        /// The end of the party's window (arts. 32, 34), counted from the day of receipt;
        /// for an art. 33 consultation, the day a reminder falls due.
        deadline: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent_by: Option<SentBy>,
        /// The day the letter is presumed received (by how it was sent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        received_on: Option<NaiveDate>,
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
        /// 20 working days counted from the day after the notice is received.
        deadline: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent_by: Option<SentBy>,
        /// The day the notice is presumed received (by how it was sent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        received_on: Option<NaiveDate>,
    },
    /// The real day a letter was received, recorded; the period runs again from it.
    LetterReceived {
        letter: Letter,
        received_on: NaiveDate,
        deadline: NaiveDate,
    },
    /// Art. 35: the applicant was asked for reasons.
    ReasonsRequested {
        grounds: String,
        deadline: NaiveDate,
        sent_by: SentBy,
        received_on: NaiveDate,
    },
    ReasonsRecorded {
        assessment: ReasonsAssessment,
        note: String,
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
    /// The secrecy review of the draft's release; the reviewer is the event's actor and the
    /// day its legal date.
    SecrecyReviewed {
        conclusion: SecrecyConclusion,
        basis: String,
    },
    ReplyApproved {
        outcome: Outcome,
        /// The release approved, with each file's sha256 and size (absent in replies approved
        /// before releases were recorded).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        release: Vec<ReleaseItem>,
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
    /// Art. 44: the release (the items chosen, with their files' hashes) published in the
    /// reading room under `subject`; public from the event's legal date.
    ReleasePublished {
        subject: String,
        items: Vec<ReleaseItem>,
    },
    /// The release taken out of the reading room.
    PublicationWithdrawn {
        reason: String,
    },
    /// A redacted version of a file of the case was made (区分处理, art. 37): the original,
    /// the new file and each part withheld with its ground; who and when are the event's.
    FileRedacted {
        redaction: FileRedaction,
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
            EventKind::LetterReceived { .. } => "letter_received",
            EventKind::ReasonsRequested { .. } => "reasons_requested",
            EventKind::ReasonsRecorded { .. } => "reasons_recorded",
            EventKind::FeePaid => "fee_paid",
            EventKind::ClosedUnpaid => "closed_unpaid",
            EventKind::ReasonableDateSet { .. } => "reasonable_date_set",
            EventKind::RepliedOnTheSpot { .. } => "replied_on_the_spot",
            EventKind::ReplyDrafted { .. } => "reply_drafted",
            EventKind::SubmittedForReview => "submitted_for_review",
            EventKind::SecrecyReviewed { .. } => "secrecy_reviewed",
            EventKind::ReplyApproved { .. } => "reply_approved",
            EventKind::ReplyReturned { .. } => "reply_returned",
            EventKind::Delivered { .. } => "delivered",
            EventKind::Archived => "archived",
            EventKind::Withdrawn { .. } => "withdrawn",
            EventKind::Reopened { .. } => "reopened",
            EventKind::BreachRecorded { .. } => "breach_recorded",
            EventKind::RemedyRecorded { .. } => "remedy_recorded",
            EventKind::RemedyDecided { .. } => "remedy_decided",
            EventKind::ReleasePublished { .. } => "release_published",
            EventKind::PublicationWithdrawn { .. } => "publication_withdrawn",
            EventKind::FileRedacted { .. } => "file_redacted",
        }
    }
}
