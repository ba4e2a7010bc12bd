//! Everything that can be asked of a case.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::redaction::FileRedaction;
use super::release::SecrecyConclusion;
use super::remedy::{Order, Remedy, RemedyResult};
use super::request::{Delivery, Receive};
use super::steps::{
    ConsultationKind, FeeMethod, Letter, Opinion, ReasonsAssessment, Reply, SentBy,
};
use crate::vocabulary::vocabulary;

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
        /// How the letter was sent (default post): it sets the presumed day of receipt.
        #[serde(default)]
        sent_by: Option<SentBy>,
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
        /// How the notice was sent (default: the way the applicant asked to get information).
        #[serde(default)]
        sent_by: Option<SentBy>,
    },
    /// Records the day a letter was really received (signed for), replacing the day presumed
    /// from how it was sent; the addressee's period is counted again from it.
    RecordReceipt {
        letter: Letter,
        received_on: NaiveDate,
    },
    /// Art. 35: asks the applicant to explain the reasons for requests whose number or
    /// frequency is clearly beyond reason.
    RequestReasons {
        /// The facts that make the requests look excessive, as the notice states them.
        grounds: String,
        /// The period for the answer, in working days from receipt (default from the statute
        /// profile).
        #[serde(default)]
        period_days: Option<u32>,
        #[serde(default)]
        sent_by: Option<SentBy>,
    },
    /// Art. 35: records the agency's assessment of the reasons given (or of their absence).
    RecordReasons {
        assessment: ReasonsAssessment,
        /// What the applicant said and why it is (not) reasonable.
        note: String,
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
    /// The secrecy review (保密审查) of the draft's release.
    RecordSecrecyReview {
        conclusion: SecrecyConclusion,
        /// The grounds of the conclusion (the rules applied, what must be withheld).
        basis: String,
        #[serde(default)]
        reviewed_on: Option<NaiveDate>,
    },
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
    /// Art. 44: publishes the approved release (the items chosen) in the public reading room
    /// under a subject the supervisor writes (never the applicant's personal data).
    PublishRelease {
        /// The title shown to the public.
        subject: String,
        /// The release items to publish: their positions in the approved release (0 first).
        items: Vec<u32>,
    },
    /// Takes the case's release out of the reading room.
    WithdrawPublication {
        reason: String,
    },
    /// Records a redaction (区分处理, art. 37) made by the server from a file of the case: the
    /// server fills in both files' hashes, so this is never taken from a client as it stands
    /// (the API's redaction route builds it; the action route refuses it).
    RecordRedaction {
        redaction: FileRedaction,
    },
}

impl Command {
    /// Which command this is, without its fields.
    pub fn kind(&self) -> CommandKind {
        use CommandKind as K;
        match self {
            Command::Receive(_) => K::Receive,
            Command::Register { .. } => K::Register,
            Command::Assign { .. } => K::Assign,
            Command::StartProcessing => K::StartProcessing,
            Command::RequestCorrection { .. } => K::RequestCorrection,
            Command::ReceiveCorrection { .. } => K::ReceiveCorrection,
            Command::Abandon => K::Abandon,
            Command::StartConsultation { .. } => K::StartConsultation,
            Command::EndConsultation { .. } => K::EndConsultation,
            Command::RequestExtension { .. } => K::RequestExtension,
            Command::ApproveExtension => K::ApproveExtension,
            Command::DenyExtension { .. } => K::DenyExtension,
            Command::IssueFeeNotice { .. } => K::IssueFeeNotice,
            Command::RecordReceipt { .. } => K::RecordReceipt,
            Command::RequestReasons { .. } => K::RequestReasons,
            Command::RecordReasons { .. } => K::RecordReasons,
            Command::RecordPayment { .. } => K::RecordPayment,
            Command::CloseUnpaid => K::CloseUnpaid,
            Command::SetReasonableDate { .. } => K::SetReasonableDate,
            Command::ReplyOnTheSpot { .. } => K::ReplyOnTheSpot,
            Command::DraftReply { .. } => K::DraftReply,
            Command::SubmitForReview => K::SubmitForReview,
            Command::ApproveReply => K::ApproveReply,
            Command::ReturnReply { .. } => K::ReturnReply,
            Command::RecordDelivery { .. } => K::RecordDelivery,
            Command::Archive => K::Archive,
            Command::Withdraw { .. } => K::Withdraw,
            Command::Reopen { .. } => K::Reopen,
            Command::RecordOverdue => K::RecordOverdue,
            Command::RecordRemedy { .. } => K::RecordRemedy,
            Command::DecideRemedy { .. } => K::DecideRemedy,
            Command::RecordSecrecyReview { .. } => K::RecordSecrecyReview,
            Command::PublishRelease { .. } => K::PublishRelease,
            Command::RecordRedaction { .. } => K::RecordRedaction,
            Command::WithdrawPublication { .. } => K::WithdrawPublication,
        }
    }

    /// The command's stable name (snake_case): its JSON tag and the API's action route.
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }
}

/// The commands without their fields: one per [`Command`] variant, named as the JSON tag and
/// the API's action routes name it, labelled as the case page's buttons are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CommandKind {
    Receive,
    Register,
    Assign,
    StartProcessing,
    RequestCorrection,
    ReceiveCorrection,
    Abandon,
    StartConsultation,
    EndConsultation,
    RequestExtension,
    ApproveExtension,
    DenyExtension,
    IssueFeeNotice,
    RecordReceipt,
    RequestReasons,
    RecordReasons,
    RecordPayment,
    CloseUnpaid,
    SetReasonableDate,
    ReplyOnTheSpot,
    DraftReply,
    SubmitForReview,
    ApproveReply,
    ReturnReply,
    RecordDelivery,
    Archive,
    Withdraw,
    Reopen,
    RecordOverdue,
    RecordRemedy,
    DecideRemedy,
    RecordSecrecyReview,
    PublishRelease,
    WithdrawPublication,
    RecordRedaction,
}

vocabulary!(CommandKind {
    Receive => "receive", "接收申请";
    Register => "register", "登记";
    Assign => "assign", "分配/转办";
    StartProcessing => "start_processing", "开始办理";
    RequestCorrection => "request_correction", "通知补正";
    ReceiveCorrection => "receive_correction", "登记收到补正";
    Abandon => "abandon", "视为放弃申请";
    StartConsultation => "start_consultation", "征求意见";
    EndConsultation => "end_consultation", "结束征求意见";
    RequestExtension => "request_extension", "申请延期答复";
    ApproveExtension => "approve_extension", "批准延期";
    DenyExtension => "deny_extension", "不批准延期";
    IssueFeeNotice => "issue_fee_notice", "发出收费通知";
    RecordReceipt => "record_receipt", "登记文书签收日";
    RequestReasons => "request_reasons", "要求说明理由";
    RecordReasons => "record_reasons", "登记理由审查结果";
    RecordPayment => "record_payment", "登记缴费";
    CloseUnpaid => "close_unpaid", "逾期未缴费终止办理";
    SetReasonableDate => "set_reasonable_date", "确定提供信息的合理期限";
    ReplyOnTheSpot => "reply_on_the_spot", "当场答复";
    DraftReply => "draft_reply", "起草答复";
    SubmitForReview => "submit_for_review", "提交审核";
    ApproveReply => "approve_reply", "审核通过并答复";
    ReturnReply => "return_reply", "退回修改";
    RecordDelivery => "record_delivery", "登记送达";
    Archive => "archive", "归档";
    Withdraw => "withdraw", "登记撤回申请";
    Reopen => "reopen", "重新办理（复议决定/判决）";
    RecordOverdue => "record_overdue", "记录逾期";
    RecordRemedy => "record_remedy", "登记行政复议/行政诉讼";
    DecideRemedy => "decide_remedy", "登记复议/诉讼结果";
    RecordSecrecyReview => "record_secrecy_review", "保密审查";
    PublishRelease => "publish_release", "转为主动公开";
    WithdrawPublication => "withdraw_publication", "撤回主动公开";
    RecordRedaction => "record_redaction", "区分处理（遮盖）";
});
