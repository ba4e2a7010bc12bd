//! Why a command was refused: a stable machine code and a sentence for the person who asked.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The stable codes. Their snake_case names are part of the API (problem+json `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionCode {
    /// The command needs an existing case.
    CaseNotFound,
    /// A case can be received only once.
    CaseAlreadyExists,
    /// The actor's role may not issue this command.
    ForbiddenForRole,
    /// The case belongs to a department outside the actor's.
    OutOfScope,
    /// An applicant acting on a case that is not theirs.
    NotOwner,
    /// A clerk acting on a case assigned to someone else.
    NotAssignee,
    /// The case's status does not allow the command.
    WrongStatus,
    /// A field is missing, empty or out of range.
    InvalidInput,
    /// A legal date lies after today.
    DateInFuture,
    /// A legal date lies before the event it follows.
    DateTooEarly,
    /// The channel needs a receipt date (e.g. the day a registered letter was signed for).
    ReceiptDateRequired,
    CorrectionAlreadyRequested,
    CorrectionNotRequested,
    CorrectionPeriodPassed,
    CorrectionPeriodNotOver,
    /// The request is waiting for the applicant's correction.
    AwaitingCorrection,
    ConsultationNotFound,
    ConsultationAlreadyEnded,
    OpinionPeriodNotOver,
    ExtensionAlreadyUsed,
    ExtensionNotRequested,
    ExtensionTooLong,
    FeeAlreadyIssued,
    FeeNotIssued,
    FeeAlreadyPaid,
    FeePeriodPassed,
    FeePeriodNotOver,
    NoFeeDue,
    OnTheSpotRequiresInPerson,
    /// A reply on the spot is given the day the request is handed in, or not at all.
    NotOnReceiptDay,
    DraftMissing,
    /// Steps still open (correction, consultation, fee) block the reply.
    PendingSteps,
    /// The reviewer drafted the reply.
    SelfApproval,
    /// The reply has not been approved yet.
    ReplyNotApproved,
    AlreadyDelivered,
    DeliveryNotRecorded,
    NotOverdue,
    AlreadyRecorded,
    RemedyNotFound,
    RemedyAlreadyDecided,
    /// Art. 35: the step needs the applicant to have been asked for reasons, and the reasons
    /// assessed.
    ReasonsStepRequired,
    /// Art. 35: the reasons were assessed the other way (reasonable vs. unreasonable).
    ReasonsAssessedOtherwise,
    /// Art. 35: the applicant was already asked for reasons in this round.
    ReasonsAlreadyRequested,
    /// Art. 32: disclosure over a third party's objection needs its reason stated.
    DisclosureReasonRequired,
    /// Art. 32: a disclosure reason given where no third party objected to a disclosure.
    DisclosureReasonNotApplicable,
    /// An online filing without its identity document type or number (art. 29: 身份证明).
    IdDocumentRequired,
    /// An identity document number that does not check for its type (length, characters,
    /// GB 11643 / GB 32100 check character), or a type that does not fit the applicant.
    IdDocumentInvalid,
    /// The delivery chosen needs a contact detail that is missing (e-mail, postal address).
    DeliveryContactRequired,
    /// A reply that discloses (予以公开, 部分公开) without any release item.
    ReleaseRequired,
    /// The actor has not been granted the secrecy review (保密审查).
    NotSecrecyReviewer,
    /// The secrecy reviewer drafted the reply.
    SecrecyReviewByDrafter,
    /// A reply with a release is approved only after its secrecy review.
    SecrecyReviewRequired,
    /// The secrecy review's conclusion does not let this reply go out.
    SecrecyReviewNotPassed,
    /// Publishing to the reading room (art. 44) needs an approved release whose secrecy
    /// review passed.
    ReleaseNotReviewed,
    /// The case's release is already in the reading room.
    AlreadyPublished,
    /// The case has nothing in the reading room to withdraw.
    NotPublished,
    /// Art. 15: a part withheld as 商业秘密 or 个人隐私 although the third party consented or
    /// the public interest prevails (art. 15 then requires disclosure).
    RedactionGroundVoid,
    /// Art. 32: a part withheld on a third party's objection (or silence) that no ended
    /// consultation of the case records.
    ThirdPartyOpinionNotRecorded,
    /// A release with a redacted file answered as 予以公开: it is a 部分公开 (art. 37).
    RedactedReleaseNotPartial,
    /// A release naming an original of which a redacted version was made.
    OriginalHasRedactedVersion,
}

impl RejectionCode {
    pub const ALL: [RejectionCode; 60] = [
        RejectionCode::CaseNotFound,
        RejectionCode::CaseAlreadyExists,
        RejectionCode::ForbiddenForRole,
        RejectionCode::OutOfScope,
        RejectionCode::NotOwner,
        RejectionCode::NotAssignee,
        RejectionCode::WrongStatus,
        RejectionCode::InvalidInput,
        RejectionCode::DateInFuture,
        RejectionCode::DateTooEarly,
        RejectionCode::ReceiptDateRequired,
        RejectionCode::CorrectionAlreadyRequested,
        RejectionCode::CorrectionNotRequested,
        RejectionCode::CorrectionPeriodPassed,
        RejectionCode::CorrectionPeriodNotOver,
        RejectionCode::AwaitingCorrection,
        RejectionCode::ConsultationNotFound,
        RejectionCode::ConsultationAlreadyEnded,
        RejectionCode::OpinionPeriodNotOver,
        RejectionCode::ExtensionAlreadyUsed,
        RejectionCode::ExtensionNotRequested,
        RejectionCode::ExtensionTooLong,
        RejectionCode::FeeAlreadyIssued,
        RejectionCode::FeeNotIssued,
        RejectionCode::FeeAlreadyPaid,
        RejectionCode::FeePeriodPassed,
        RejectionCode::FeePeriodNotOver,
        RejectionCode::NoFeeDue,
        RejectionCode::OnTheSpotRequiresInPerson,
        RejectionCode::NotOnReceiptDay,
        RejectionCode::DraftMissing,
        RejectionCode::PendingSteps,
        RejectionCode::SelfApproval,
        RejectionCode::ReplyNotApproved,
        RejectionCode::AlreadyDelivered,
        RejectionCode::DeliveryNotRecorded,
        RejectionCode::NotOverdue,
        RejectionCode::AlreadyRecorded,
        RejectionCode::RemedyNotFound,
        RejectionCode::RemedyAlreadyDecided,
        RejectionCode::ReasonsStepRequired,
        RejectionCode::ReasonsAssessedOtherwise,
        RejectionCode::ReasonsAlreadyRequested,
        RejectionCode::DisclosureReasonRequired,
        RejectionCode::DisclosureReasonNotApplicable,
        RejectionCode::IdDocumentRequired,
        RejectionCode::IdDocumentInvalid,
        RejectionCode::DeliveryContactRequired,
        RejectionCode::ReleaseRequired,
        RejectionCode::NotSecrecyReviewer,
        RejectionCode::SecrecyReviewByDrafter,
        RejectionCode::SecrecyReviewRequired,
        RejectionCode::SecrecyReviewNotPassed,
        RejectionCode::ReleaseNotReviewed,
        RejectionCode::AlreadyPublished,
        RejectionCode::NotPublished,
        RejectionCode::RedactionGroundVoid,
        RejectionCode::ThirdPartyOpinionNotRecorded,
        RejectionCode::RedactedReleaseNotPartial,
        RejectionCode::OriginalHasRedactedVersion,
    ];

    /// The code as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectionCode::CaseNotFound => "case_not_found",
            RejectionCode::CaseAlreadyExists => "case_already_exists",
            RejectionCode::ForbiddenForRole => "forbidden_for_role",
            RejectionCode::OutOfScope => "out_of_scope",
            RejectionCode::NotOwner => "not_owner",
            RejectionCode::NotAssignee => "not_assignee",
            RejectionCode::WrongStatus => "wrong_status",
            RejectionCode::InvalidInput => "invalid_input",
            RejectionCode::DateInFuture => "date_in_future",
            RejectionCode::DateTooEarly => "date_too_early",
            RejectionCode::ReceiptDateRequired => "receipt_date_required",
            RejectionCode::CorrectionAlreadyRequested => "correction_already_requested",
            RejectionCode::CorrectionNotRequested => "correction_not_requested",
            RejectionCode::CorrectionPeriodPassed => "correction_period_passed",
            RejectionCode::CorrectionPeriodNotOver => "correction_period_not_over",
            RejectionCode::AwaitingCorrection => "awaiting_correction",
            RejectionCode::ConsultationNotFound => "consultation_not_found",
            RejectionCode::ConsultationAlreadyEnded => "consultation_already_ended",
            RejectionCode::OpinionPeriodNotOver => "opinion_period_not_over",
            RejectionCode::ExtensionAlreadyUsed => "extension_already_used",
            RejectionCode::ExtensionNotRequested => "extension_not_requested",
            RejectionCode::ExtensionTooLong => "extension_too_long",
            RejectionCode::FeeAlreadyIssued => "fee_already_issued",
            RejectionCode::FeeNotIssued => "fee_not_issued",
            RejectionCode::FeeAlreadyPaid => "fee_already_paid",
            RejectionCode::FeePeriodPassed => "fee_period_passed",
            RejectionCode::FeePeriodNotOver => "fee_period_not_over",
            RejectionCode::NoFeeDue => "no_fee_due",
            RejectionCode::OnTheSpotRequiresInPerson => "on_the_spot_requires_in_person",
            RejectionCode::NotOnReceiptDay => "not_on_receipt_day",
            RejectionCode::DraftMissing => "draft_missing",
            RejectionCode::PendingSteps => "pending_steps",
            RejectionCode::SelfApproval => "self_approval",
            RejectionCode::ReplyNotApproved => "reply_not_approved",
            RejectionCode::AlreadyDelivered => "already_delivered",
            RejectionCode::DeliveryNotRecorded => "delivery_not_recorded",
            RejectionCode::NotOverdue => "not_overdue",
            RejectionCode::AlreadyRecorded => "already_recorded",
            RejectionCode::RemedyNotFound => "remedy_not_found",
            RejectionCode::RemedyAlreadyDecided => "remedy_already_decided",
            RejectionCode::ReasonsStepRequired => "reasons_step_required",
            RejectionCode::ReasonsAssessedOtherwise => "reasons_assessed_otherwise",
            RejectionCode::ReasonsAlreadyRequested => "reasons_already_requested",
            RejectionCode::DisclosureReasonRequired => "disclosure_reason_required",
            RejectionCode::DisclosureReasonNotApplicable => "disclosure_reason_not_applicable",
            RejectionCode::IdDocumentRequired => "id_document_required",
            RejectionCode::IdDocumentInvalid => "id_document_invalid",
            RejectionCode::DeliveryContactRequired => "delivery_contact_required",
            RejectionCode::ReleaseRequired => "release_required",
            RejectionCode::NotSecrecyReviewer => "not_secrecy_reviewer",
            RejectionCode::SecrecyReviewByDrafter => "secrecy_review_by_drafter",
            RejectionCode::SecrecyReviewRequired => "secrecy_review_required",
            RejectionCode::SecrecyReviewNotPassed => "secrecy_review_not_passed",
            RejectionCode::ReleaseNotReviewed => "release_not_reviewed",
            RejectionCode::AlreadyPublished => "already_published",
            RejectionCode::NotPublished => "not_published",
            RejectionCode::RedactionGroundVoid => "redaction_ground_void",
            RejectionCode::ThirdPartyOpinionNotRecorded => "third_party_opinion_not_recorded",
            RejectionCode::RedactedReleaseNotPartial => "redacted_release_not_partial",
            RejectionCode::OriginalHasRedactedVersion => "original_has_redacted_version",
        }
    }

    /// The code whose name is `text`.
    pub fn parse(text: &str) -> Option<RejectionCode> {
        RejectionCode::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for RejectionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused command: the code, the input it concerns (if one), and a sentence (zh-CN) that
/// says why. The sentence reads well on its own; `field` lets a form or an API client put it
/// next to the input it is about without parsing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub code: RejectionCode,
    /// The JSON path of the input within the command's fields (`reply.outcome`, `fee.pages`,
    /// `receipt_date`, …); none where the refusal concerns the case or the command as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    pub message: String,
}

impl Rejection {
    /// A refusal about the case or the command as a whole.
    pub fn new(code: RejectionCode, message: impl Into<String>) -> Rejection {
        Rejection {
            code,
            field: None,
            message: message.into(),
        }
    }

    /// A refusal about one input, named by its JSON path.
    pub fn at(code: RejectionCode, field: &'static str, message: impl Into<String>) -> Rejection {
        Rejection {
            code,
            field: Some(field),
            message: message.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "{} ({field}): {}", self.code, self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_names() {
        for code in RejectionCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(RejectionCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(RejectionCode::parse("unknown"), None);
    }

    #[test]
    fn a_rejection_names_its_field_apart_from_its_message() {
        let r = Rejection::at(RejectionCode::InvalidInput, "fee.pages", "页数应大于 0");
        assert_eq!(r.field, Some("fee.pages"));
        assert_eq!(r.to_string(), "invalid_input (fee.pages): 页数应大于 0");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["field"], "fee.pages");
        let whole = Rejection::new(RejectionCode::WrongStatus, "案件已终止");
        assert_eq!(whole.field, None);
        assert_eq!(whole.to_string(), "wrong_status: 案件已终止");
        assert!(serde_json::to_value(&whole).unwrap().get("field").is_none());
    }
}
