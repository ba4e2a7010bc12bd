//! The vocabulary of a case: who acts, how a request arrives, the commands and the events.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;

/// What a user may do is decided by role (and, for staff, by department).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    /// 承办人.
    Clerk,
    /// 审核人 / 科长.
    Supervisor,
    Admin,
    /// The scheduler.
    System,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::System => "system",
        }
    }

    /// The role stored as `as_str` text.
    pub fn parse(text: &str) -> Option<Role> {
        [
            Role::Applicant,
            Role::Clerk,
            Role::Supervisor,
            Role::Admin,
            Role::System,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Applicant => "申请人",
            Role::Clerk => "承办人",
            Role::Supervisor => "审核人",
            Role::Admin => "系统管理员",
            Role::System => "系统",
        }
    }
}

/// The user issuing a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub role: Role,
    /// Department codes a clerk or supervisor works for.
    #[serde(default)]
    pub departments: Vec<String>,
}

impl Actor {
    pub fn new(id: impl Into<String>, role: Role) -> Actor {
        Actor {
            id: id.into(),
            role,
            departments: Vec::new(),
        }
    }

    pub fn staff(id: impl Into<String>, role: Role, departments: &[&str]) -> Actor {
        Actor {
            id: id.into(),
            role,
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    /// An applicant without an account who has proved, with the query code, that the case
    /// with this tracking number is theirs. The caller checks the code.
    pub fn query_code_holder(tracking_number: &str) -> Actor {
        Actor::new(format!("query:{tracking_number}"), Role::Applicant)
    }

    pub fn system() -> Actor {
        Actor::new("system", Role::System)
    }

    pub fn to_ref(&self) -> ActorRef {
        ActorRef {
            id: self.id.clone(),
            role: self.role,
        }
    }
}

/// Who did something, as an event records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    pub id: String,
    pub role: Role,
}

/// How a request reached the agency; each channel has its own receipt-date rule (art. 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    /// The online platform: received on the day a clerk registers (confirms) it.
    Online,
    /// Handed in: received that day.
    InPerson,
    /// Registered post or courier: received on the day the agency signs for it.
    RegisteredPost,
    /// Ordinary post: received on the day the agency confirms it with the applicant.
    OrdinaryPost,
    /// The OGI office's fax: received on the day both sides confirm it.
    Fax,
    /// Email: received on the day both sides confirm it.
    Email,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Online,
        Channel::InPerson,
        Channel::RegisteredPost,
        Channel::OrdinaryPost,
        Channel::Fax,
        Channel::Email,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::Online => "网上申请",
            Channel::InPerson => "当面提交",
            Channel::RegisteredPost => "挂号信/快递",
            Channel::OrdinaryPost => "平信",
            Channel::Fax => "传真",
            Channel::Email => "电子邮件",
        }
    }

    /// The receipt-date rule of the channel, as told to the clerk.
    pub fn receipt_rule_zh(self) -> &'static str {
        match self {
            Channel::Online => "网上申请以工作人员登记确认之日为收到申请之日",
            Channel::InPerson => "当面提交的，以提交之日为收到申请之日",
            Channel::RegisteredPost => "以挂号信、快递邮寄的，以签收之日为收到申请之日",
            Channel::OrdinaryPost => "以平信邮寄的，以与申请人确认之日为收到申请之日",
            Channel::Fax => "通过传真提交的，以双方确认之日为收到申请之日",
            Channel::Email => "通过电子邮件提交的，以双方确认之日为收到申请之日",
        }
    }
}

/// The applicant-type columns of the annual report's table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApplicantType {
    /// 自然人.
    NaturalPerson,
    /// 商业企业.
    Commercial,
    /// 科研机构.
    Research,
    /// 社会公益组织.
    PublicInterest,
    /// 法律服务机构.
    LegalService,
    /// 其他.
    OtherOrganisation,
}

impl ApplicantType {
    pub fn label_zh(self) -> &'static str {
        match self {
            ApplicantType::NaturalPerson => "自然人",
            ApplicantType::Commercial => "商业企业",
            ApplicantType::Research => "科研机构",
            ApplicantType::PublicInterest => "社会公益组织",
            ApplicantType::LegalService => "法律服务机构",
            ApplicantType::OtherOrganisation => "其他",
        }
    }
}

/// The applicant as recorded on the case (a snapshot taken when the request arrives).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    pub kind: Option<ApplicantType>,
    /// 姓名 or 名称.
    pub name: String,
    #[serde(default)]
    pub id_document: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

impl Applicant {
    /// Who the applicant is, for finding their earlier requests: the ID document or credit
    /// code when given, else the phone number, else the email address, else the name;
    /// normalised (no spaces or dashes, upper case) and prefixed with what it is.
    pub fn identity_key(&self) -> Option<String> {
        fn clean(text: &str) -> String {
            text.chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '（' | '）' | '(' | ')'))
                .flat_map(char::to_uppercase)
                .collect()
        }
        let candidates = [
            ("id", self.id_document.as_deref()),
            ("tel", self.phone.as_deref()),
            ("mail", self.email.as_deref()),
            ("name", Some(self.name.as_str())),
        ];
        candidates.into_iter().find_map(|(kind, value)| {
            let value = clean(value?);
            (!value.is_empty()).then(|| format!("{kind}:{value}"))
        })
    }
}

/// 载体形式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Carrier {
    Paper,
    Electronic,
    Disc,
}

/// 获取方式 (also how a reply was delivered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Delivery {
    Post,
    Email,
    Fax,
    Collect,
    ReadOnSite,
    Online,
}

/// What the applicant asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetails {
    /// 所需信息名称 or a description that lets the agency find it.
    pub description: String,
    #[serde(default)]
    pub document_number: Option<String>,
    pub carrier: Carrier,
    pub delivery: Delivery,
}

/// Consultations whose time is not counted in the reply period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConsultationKind {
    /// 征求第三方意见 (art. 32).
    ThirdParty,
    /// 征求其他行政机关意见 (art. 34).
    OtherAgency,
}

/// The answer to a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Opinion {
    Consent,
    Objection,
    /// No answer within the period: a third party's silence lets the agency decide, another
    /// agency's silence counts as consent.
    NoAnswer,
}

/// How a fee is computed (109号): per request within a calendar month, or per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FeeMethod {
    /// 按件: this is the applicant's `nth` request in the calendar month.
    PerRequest { nth: u32 },
    /// 按量: the reply runs to `pages` pages.
    PerPage { pages: u32 },
}

/// Who ordered a new reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderKind {
    Reconsideration,
    Court,
}

/// A reconsideration decision or judgment ordering a new reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub kind: OrderKind,
    /// The reconsideration body or court.
    pub body: String,
    /// The decision's or judgment's number.
    pub reference: String,
    /// The day the agency received the order: the new clock starts here.
    pub received_on: NaiveDate,
}

/// Which remedy the applicant took against the agency over the request (art. 51).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RemedyKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼
    Litigation,
}

impl RemedyKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            RemedyKind::Reconsideration => "行政复议",
            RemedyKind::Litigation => "行政诉讼",
        }
    }
}

/// How a reconsideration or lawsuit ended, in the columns of the annual report's table 四.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RemedyResult {
    /// 结果维持: the agency's act upheld (claim dismissed).
    Upheld,
    /// 结果纠正: revoked, changed, declared unlawful or a new reply ordered.
    Corrected,
    /// 其他结果: withdrawn, settled, terminated.
    Other,
}

impl RemedyResult {
    pub fn label_zh(self) -> &'static str {
        match self {
            RemedyResult::Upheld => "结果维持",
            RemedyResult::Corrected => "结果纠正",
            RemedyResult::Other => "其他结果",
        }
    }
}

/// A reconsideration or lawsuit about the request, as a clerk records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Remedy {
    pub kind: RemedyKind,
    /// The reconsideration body (复议机关) or court.
    pub body: String,
    /// The case number (案号), when known.
    #[serde(default)]
    pub reference: Option<String>,
    /// The day the application was made or the suit filed (or the agency was told of it).
    pub filed_on: NaiveDate,
    /// Lawsuits only: brought after a reconsideration decision (复议后起诉) rather than
    /// directly (未经复议直接起诉).
    #[serde(default)]
    pub after_reconsideration: bool,
    /// The result, when already decided (else pending: 尚未审结).
    #[serde(default)]
    pub result: Option<RemedyResult>,
    /// The day of the decision or judgment; required with a result.
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
}

impl Remedy {
    /// Its group in the annual report's table 四: 0 行政复议, 1 行政诉讼（未经复议直接起诉）,
    /// 2 行政诉讼（复议后起诉）.
    pub fn group(&self) -> usize {
        match (self.kind, self.after_reconsideration) {
            (RemedyKind::Reconsideration, _) => 0,
            (RemedyKind::Litigation, false) => 1,
            (RemedyKind::Litigation, true) => 2,
        }
    }

    /// The group's wording, e.g. 行政诉讼（复议后起诉）.
    pub fn label_zh(&self) -> &'static str {
        crate::report::TABLE4_GROUPS[self.group()]
    }
}

/// A reply as drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    pub outcome: Outcome,
    pub text: String,
    /// For "not held": the agency responsible for the information, when known (art. 36(5)).
    #[serde(default)]
    pub competent_agency: Option<String>,
}

/// Statutory breaches, recorded on the case rather than hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Breach {
    /// The correction notice went out after the 7-working-day limit.
    CorrectionNoticeLate { deadline: NaiveDate },
    /// The extension was requested or approved after the reply was due.
    ExtensionLate { due: NaiveDate },
    /// The reply was not given by its due date.
    ReplyOverdue { due: NaiveDate },
}

impl Breach {
    pub fn label_zh(&self) -> String {
        match self {
            Breach::CorrectionNoticeLate { deadline } => {
                format!("补正告知超过法定期限（应于 {deadline} 前告知）")
            }
            Breach::ExtensionLate { due } => {
                format!("延期答复未在答复期限（{due}）届满前办理")
            }
            Breach::ReplyOverdue { due } => format!("逾期未答复（答复期限 {due}）"),
        }
    }
}

/// The fields of the first command of every case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receive {
    pub channel: Channel,
    pub agency: String,
    /// The department that takes the request in (usually the agency's OGI office).
    pub department: String,
    pub applicant: Applicant,
    pub request: RequestDetails,
    /// The receipt date under the channel's rule; none for the online platform (the day of
    /// registration is the receipt date), today when left out for a request handed in.
    #[serde(default)]
    pub receipt_date: Option<NaiveDate>,
}

/// Everything that can be asked of a case. Dates left out mean today (Asia/Shanghai).
///
/// As JSON, `{"command": "request_correction", "fields": {"items": [...]}}`: the name first,
/// then the command's own fields (none for a command without any). Adjacently tagged rather
/// than internally tagged so that serde reads the fields in one pass without buffering them,
/// and an error inside them keeps its path (`fields.reply.outcome`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "command",
    content = "fields",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Command {
    Receive(Receive),
    Register {
        tracking_number: String,
        #[serde(default)]
        department: Option<String>,
        /// Online requests: the day of confirmation (default today).
        #[serde(default)]
        receipt_date: Option<NaiveDate>,
    },
    Assign {
        #[serde(default)]
        department: Option<String>,
        #[serde(default)]
        assignee: Option<String>,
    },
    StartProcessing,
    RequestCorrection {
        items: Vec<String>,
        /// The period given to correct, in working days (default from the statute profile).
        #[serde(default)]
        period_days: Option<u32>,
    },
    ReceiveCorrection {
        content: String,
        #[serde(default)]
        received_on: Option<NaiveDate>,
        /// A late correction may be accepted by staff for good reason.
        #[serde(default)]
        late_reason: Option<String>,
    },
    Abandon,
    StartConsultation {
        kind: ConsultationKind,
        party: String,
        #[serde(default)]
        letter_date: Option<NaiveDate>,
    },
    EndConsultation {
        consultation: u32,
        opinion: Opinion,
        #[serde(default)]
        ended_on: Option<NaiveDate>,
    },
    RequestExtension {
        reason: String,
        #[serde(default)]
        days: Option<u32>,
    },
    ApproveExtension,
    DenyExtension {
        reason: String,
    },
    IssueFeeNotice {
        fee: FeeMethod,
    },
    RecordPayment {
        #[serde(default)]
        paid_on: Option<NaiveDate>,
    },
    CloseUnpaid,
    SetReasonableDate {
        date: NaiveDate,
        reason: String,
    },
    ReplyOnTheSpot {
        reply: Reply,
    },
    DraftReply {
        reply: Reply,
    },
    SubmitForReview,
    ApproveReply,
    ReturnReply {
        reason: String,
    },
    RecordDelivery {
        method: Delivery,
        #[serde(default)]
        delivered_on: Option<NaiveDate>,
    },
    Archive,
    Withdraw {
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        withdrawn_on: Option<NaiveDate>,
    },
    Reopen {
        order: Order,
    },
    RecordOverdue,
    /// Records a reconsideration or lawsuit about the request (feeds the annual report's
    /// table 四).
    RecordRemedy {
        remedy: Remedy,
    },
    /// Records the result of a pending reconsideration or lawsuit.
    DecideRemedy {
        /// The remedy's number on the case (1 for the first recorded).
        remedy: u32,
        result: RemedyResult,
        decided_on: NaiveDate,
    },
}

impl Command {
    /// The command's stable name (snake_case), as the API's action routes use it.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Receive(_) => "receive",
            Command::Register { .. } => "register",
            Command::Assign { .. } => "assign",
            Command::StartProcessing => "start_processing",
            Command::RequestCorrection { .. } => "request_correction",
            Command::ReceiveCorrection { .. } => "receive_correction",
            Command::Abandon => "abandon",
            Command::StartConsultation { .. } => "start_consultation",
            Command::EndConsultation { .. } => "end_consultation",
            Command::RequestExtension { .. } => "request_extension",
            Command::ApproveExtension => "approve_extension",
            Command::DenyExtension { .. } => "deny_extension",
            Command::IssueFeeNotice { .. } => "issue_fee_notice",
            Command::RecordPayment { .. } => "record_payment",
            Command::CloseUnpaid => "close_unpaid",
            Command::SetReasonableDate { .. } => "set_reasonable_date",
            Command::ReplyOnTheSpot { .. } => "reply_on_the_spot",
            Command::DraftReply { .. } => "draft_reply",
            Command::SubmitForReview => "submit_for_review",
            Command::ApproveReply => "approve_reply",
            Command::ReturnReply { .. } => "return_reply",
            Command::RecordDelivery { .. } => "record_delivery",
            Command::Archive => "archive",
            Command::Withdraw { .. } => "withdraw",
            Command::Reopen { .. } => "reopen",
            Command::RecordOverdue => "record_overdue",
            Command::RecordRemedy { .. } => "record_remedy",
            Command::DecideRemedy { .. } => "decide_remedy",
        }
    }
}

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
