//! The inputs and outputs of [`super::cases`]: a paper request and its registration, the
//! queue's filters and pages, the workflow actions and what they did, the supervision
//! dashboard.

use chrono::NaiveDate;
use gongkai_workflow::Channel;
use gongkai_workflow::model::{Applicant, RequestDetails};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::filing::{validate_applicant, validate_request};
use crate::body::{Validate, limits, required};
use crate::error::FieldError;
use crate::views::{CaseSummary, DueView, EventView};

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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<CaseSummary>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The workflow commands, each its own action route: every command but `receive`, which
/// opens a case (online filing and paper registration do that).
pub type Action = gongkai_workflow::CommandKind;

/// The action a route segment names; None for an unknown name, for `receive`, and for
/// `record_redaction`, which only the redaction route issues (with the hashes of the files it
/// made itself).
pub fn action_named(text: &str) -> Option<Action> {
    Action::parse(text).filter(|a| !matches!(a, Action::Receive | Action::RecordRedaction))
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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentCounts {
    pub department: String,
    pub due_soon: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub departments: Vec<DepartmentCounts>,
    pub due_soon: i64,
    pub overdue: i64,
    /// The first page of overdue cases, oldest due first.
    pub overdue_cases: QueuePage,
    /// The first page of cases due soon.
    pub due_soon_cases: QueuePage,
    /// Online filings awaiting confirmation (待登记) for more than
    /// `awaiting_registration_days` working days (`supervision.pending_registration_days`).
    pub awaiting_registration: i64,
    pub awaiting_registration_days: u32,
    /// The first 50 of them, the longest waiting first.
    pub awaiting_registration_cases: Vec<CaseSummary>,
}
